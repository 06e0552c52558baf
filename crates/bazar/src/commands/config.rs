//! `bazar config get|set|unset`. The CLI is a platform path, so platform-only
//! keys can be set here (and only here, the master bot and the platform API).

use crate::cli::ConfigCommand;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{ConfigAudience, ConfigKey};
use bazar_store::PlatformScope;

/// Runs a configuration command.
pub async fn run(config: &Config, platform: PlatformScope, command: ConfigCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        ConfigCommand::Get { bot, key } => {
            let keys = match key {
                Some(key) => vec![parse_key(&key)?],
                None => ConfigKey::ALL.to_vec(),
            };
            let scope = store.platform(&platform).tenant(bot).await?;
            let settings = store.tenant(&scope).settings().await?;
            for key in keys {
                let origin = if settings.config_is_set(key) { "set" } else { "default" };
                let audience = match key.audience() {
                    ConfigAudience::Tenant => "tenant",
                    ConfigAudience::Platform => "platform-only",
                };
                println!("{:<26} {:<14} ({origin}, {audience})", key.key(), settings.config(key).to_string());
            }
        }
        ConfigCommand::Set { bot, key, value } => {
            let key = parse_key(&key)?;
            let value = key.parse_value(&value).map_err(|e| CliError::input(e.to_string()))?;
            let scope = store.platform(&platform).tenant(bot).await?;
            store.platform(&platform).set_tenant_config(&scope, key, &value).await?;
            println!("bot {bot}: {key} = {value}");
        }
        ConfigCommand::Unset { bot, key } => {
            let key = parse_key(&key)?;
            let scope = store.platform(&platform).tenant(bot).await?;
            store.platform(&platform).unset_tenant_config(&scope, key).await?;
            println!("bot {bot}: {key} reset to its default ({})", key.default_value());
        }
    }
    Ok(())
}

fn parse_key(key: &str) -> Result<ConfigKey, CliError> {
    key.parse().map_err(|e: bazar_domain::ConfigError| {
        let known: Vec<&str> = ConfigKey::ALL.iter().map(|k| k.key()).collect();
        CliError::input(format!("{e} (known: {})", known.join(", ")))
    })
}
