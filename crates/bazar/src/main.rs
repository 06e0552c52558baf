//! `bazar`: one binary for the whole platform, and its composition root: the
//! one place platform access (`PlatformScope`) is made, handed from here to
//! the commands and to `serve`.

mod cli;
mod commands;
mod config;
mod context;
mod error;
mod keys;
mod startup;
mod telemetry;

use bazar_store::CompositionRoot;
use clap::Parser;
use cli::{Cli, Command};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[expect(clippy::disallowed_methods, reason = "main is the composition root: it claims platform access once")]
    let root = CompositionRoot::claim();
    let platform = match root {
        Ok(root) => root.platform_scope(),
        Err(e) => return fail(&error::CliError::input(e.to_string())),
    };
    let cli = Cli::parse();
    let (path, explicit) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (PathBuf::from("bazar.toml"), false),
    };
    let config = match config::Config::load(&path, explicit) {
        Ok(c) => c,
        Err(e) => return fail(&e.into()),
    };
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&e.into()),
    };
    let result = runtime.block_on(async move {
        match cli.command {
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
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(error: &error::CliError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
