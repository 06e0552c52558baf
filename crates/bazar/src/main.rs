//! `bazar`: one binary for the whole platform.

mod cli;
mod commands;
mod config;
mod context;
mod error;
mod keys;
mod startup;
mod telemetry;

use clap::Parser;
use cli::{Cli, Command};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
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
            Command::Serve => startup::serve(config).await,
            Command::Migrate => commands::migrate(&config).await,
            Command::Bot(cmd) => commands::bot::run(&config, cmd).await,
            Command::Flag(cmd) => commands::flag::run(&config, cmd).await,
            Command::Config(cmd) => commands::config::run(&config, cmd).await,
            Command::Admin(cmd) => commands::admin::run(&config, cmd).await,
            Command::Plan(cmd) => commands::plan::run(&config, cmd).await,
            Command::Wallet(cmd) => commands::wallet::run(&config, cmd).await,
            Command::Ledger(cmd) => commands::wallet::check(&config, cmd).await,
            Command::Panel(cmd) => commands::panel::run(&config, cmd).await,
            Command::Promo(cmd) => commands::promo::run(&config, cmd).await,
            Command::Card(cmd) => commands::card::run(&config, cmd).await,
            Command::Zarinpal(cmd) => commands::zarinpal::run(&config, cmd).await,
            Command::Payment(cmd) => commands::payment::run(&config, cmd).await,
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
