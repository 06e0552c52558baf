//! `bazar zarinpal set|show|remove`. The merchant id is sealed at rest and
//! never printed: `show` says only whether one is configured.

use crate::cli::ZarinpalCommand;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{FeatureFlag, parse_switch};
use bazar_store::PlatformScope;
use bazar_zarinpal::MerchantId;
use secrecy::SecretString;
use std::io::Read;

/// Runs a zarinpal command.
pub async fn run(config: &Config, platform: PlatformScope, command: ZarinpalCommand) -> Result<(), CliError> {
    match command {
        ZarinpalCommand::Set { bot, merchant_id, sandbox } => {
            let sandbox = parse_switch(sandbox.trim()).ok_or_else(|| CliError::input("--sandbox must be on or off"))?;
            let text = if merchant_id == "-" {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf)?;
                buf
            } else {
                merchant_id
            };
            // The error names the expected shape, never the text given.
            let merchant =
                MerchantId::parse(text.trim()).map_err(|e| CliError::input(format!("--merchant-id: {e}")))?;
            let store = open_store(config).await?;
            let scope = store.platform(&platform).tenant(bot).await?;
            let tenant = store.tenant(&scope);
            tenant.set_zarinpal(&SecretString::from(merchant.expose().to_owned()), sandbox).await?;
            println!("bot {bot}: Zarinpal configured (sandbox {})", on_off(sandbox));
            if !tenant.settings().await?.flag(FeatureFlag::Zarinpal) {
                println!("customers see it once the flag is on: `bazar flag set {bot} zarinpal on`");
            }
        }
        ZarinpalCommand::Show { bot } => {
            let store = open_store(config).await?;
            let scope = store.platform(&platform).tenant(bot).await?;
            let tenant = store.tenant(&scope);
            let flag = on_off(tenant.settings().await?.flag(FeatureFlag::Zarinpal));
            match tenant.zarinpal().await? {
                Some(account) => {
                    println!(
                        "bot {bot}: Zarinpal configured (sandbox {}), flag zarinpal {flag}",
                        on_off(account.sandbox)
                    )
                }
                None => println!("bot {bot}: Zarinpal not configured, flag zarinpal {flag}"),
            }
        }
        ZarinpalCommand::Remove { bot } => {
            let store = open_store(config).await?;
            let scope = store.platform(&platform).tenant(bot).await?;
            if !store.tenant(&scope).remove_zarinpal().await? {
                return Err(CliError::input(format!("bot {bot} has no Zarinpal merchant id")));
            }
            println!("bot {bot}: Zarinpal merchant id removed");
        }
    }
    Ok(())
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
