//! `bazar admin list|add|remove`.

use crate::cli::AdminCommand;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_shop::admins::{self, AdminRefusal};
use bazar_store::PlatformScope;

/// Runs an admin command.
pub async fn run(config: &Config, platform: PlatformScope, command: AdminCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        AdminCommand::List { bot } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let admins = store.tenant(&scope).admins().await?;
            if admins.is_empty() {
                println!("bot {bot} has no admins");
            }
            for admin in admins {
                let role = if admin.can_manage_admins { "manages admins" } else { "admin" };
                println!("{:<14} {role}", admin.telegram_id);
            }
        }
        AdminCommand::Add { bot, telegram_id, manage_admins } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let tenant = store.tenant(&scope);
            let settings = tenant.settings().await?;
            let mut tx = tenant.begin().await?;
            match admins::add(&mut tx, &settings, telegram_id.get(), manage_admins).await {
                Ok(_) => {}
                Err(AdminRefusal::Store(e)) => return Err(e.into()),
                Err(refusal) => {
                    return Err(CliError::input(format!(
                        "{refusal} (the platform may raise it: `bazar config set {bot} max_admins N`)"
                    )));
                }
            }
            tx.commit().await?;
            println!("bot {bot}: {telegram_id} is an admin");
        }
        AdminCommand::Remove { bot, telegram_id } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            if !store.tenant(&scope).remove_admin(telegram_id).await? {
                return Err(CliError::input(format!("{telegram_id} is not an admin of bot {bot}")));
            }
            println!("bot {bot}: {telegram_id} is no longer an admin");
        }
    }
    Ok(())
}
