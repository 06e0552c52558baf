//! One module per command group. Each command is a platform path: it is
//! handed the `PlatformScope` `main` made from the composition root, and names
//! the tenant it acts on.

pub mod admin;
pub mod bot;
pub mod card;
pub mod config;
pub mod flag;
pub mod panel;
pub mod payment;
pub mod plan;
pub mod promo;
pub mod wallet;
pub mod zarinpal;

use crate::config::Config;
use crate::context::database_options;
use crate::error::CliError;

/// `bazar migrate`.
pub async fn migrate(config: &Config) -> Result<(), CliError> {
    let options = database_options(config);
    bazar_store::Store::migrate(&options).await?;
    println!("database is up to date ({})", bazar_store::redact_url(&options.url));
    Ok(())
}
