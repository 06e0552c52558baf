//! The `bazar` application as a library: the binary (`main.rs`) is the
//! composition root that claims platform access and calls [`run`]; tests build
//! the same [`Application`] in-process and drive it over its bound port.

mod cli;
mod commands;
pub mod config;
mod context;
mod error;
mod keys;
mod startup;
mod telemetry;

pub use cli::{Cli, Command};
pub use config::{Config, ConfigLoadError};
pub use error::CliError;
pub use startup::{Application, Hooks};
pub use telemetry::init as init_logs;

use bazar_store::PlatformScope;

/// Runs one command to completion with the platform access `main` claimed.
pub async fn run(command: Command, config: Config, platform: PlatformScope) -> Result<(), CliError> {
    match command {
        Command::Serve => startup::serve(config, platform).await,
        Command::Migrate => commands::migrate(&config).await,
        Command::Bot(cmd) => commands::bot::run(&config, platform, cmd).await,
        Command::Flag(cmd) => commands::flag::run(&config, platform, cmd).await,
        Command::Config(cmd) => commands::config::run(&config, platform, cmd).await,
        Command::Admin(cmd) => commands::admin::run(&config, platform, cmd).await,
        Command::Plan(cmd) => commands::plan::run(&config, platform, cmd).await,
        Command::Wallet(cmd) => commands::wallet::run(&config, platform, cmd).await,
        Command::Ledger(cmd) => commands::wallet::check(&config, platform, cmd).await,
        Command::Panel(cmd) => commands::panel::run(&config, platform, cmd).await,
        Command::Promo(cmd) => commands::promo::run(&config, platform, cmd).await,
        Command::Card(cmd) => commands::card::run(&config, platform, cmd).await,
        Command::Zarinpal(cmd) => commands::zarinpal::run(&config, platform, cmd).await,
        Command::Payment(cmd) => commands::payment::run(&config, platform, cmd).await,
    }
}
