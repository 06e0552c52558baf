//! `bazar flag get|set`.

use crate::cli::FlagCommand;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{FeatureFlag, parse_switch};
use bazar_store::PlatformScope;

/// Runs a flag command.
pub async fn run(config: &Config, platform: PlatformScope, command: FlagCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        FlagCommand::Get { bot, key } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let settings = store.tenant(&scope).settings().await?;
            let flags = match key {
                Some(key) => vec![parse_flag(&key)?],
                None => FeatureFlag::ALL.to_vec(),
            };
            for flag in flags {
                let origin = if settings.flag_is_set(flag) { "set" } else { "default" };
                let value = if settings.flag(flag) { "on" } else { "off" };
                println!("{:<16} {:<3}  ({origin})  {}", flag.key(), value, flag.description());
            }
        }
        FlagCommand::Set { bot, key, value } => {
            let flag = parse_flag(&key)?;
            let enabled = parse_switch(&value).ok_or_else(|| {
                CliError::input(format!("invalid value `{value}` for flag `{key}`: expected on or off"))
            })?;
            let scope = store.platform(&platform).tenant(bot).await?;
            store.tenant(&scope).set_flag(flag, enabled).await?;
            println!("bot {bot}: {} = {}", flag.key(), if enabled { "on" } else { "off" });
        }
    }
    Ok(())
}

fn parse_flag(key: &str) -> Result<FeatureFlag, CliError> {
    key.parse().map_err(|e: bazar_domain::UnknownFeatureFlag| CliError::input(e.to_string()))
}
