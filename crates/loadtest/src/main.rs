//! `bazar-load`: a load driver, not a test.
//!
//! Starts the fake Telegram Bot API in this process, registers bots in a fresh
//! database, runs the real `bazar serve` (release build) as a child process,
//! hands updates to the fake, which delivers them as Telegram does (webhook
//! POSTs with the secret header, up to 40 at a time per bot, or `getUpdates`) and measures, per update, the time from delivery to the
//! moment the fake recorded the bot's reply. Prints throughput, latency
//! percentiles, the server's peak RSS, unanswered updates and 429 answers.
//!
//! ```sh
//! cargo build --release -p bazar -p bazar-load
//! target/release/bazar-load --bots 100 --users 100 --scenario start
//! ```

mod broadcast;
mod report;
mod scenario;
mod server;

use clap::{Parser, ValueEnum};

/// Command-line options.
#[derive(Debug, Parser, Clone)]
#[command(name = "bazar-load", about = "Drive `bazar serve` with the fake Telegram and measure it")]
pub struct Options {
    /// Number of bots (tenants).
    #[arg(long, default_value_t = 100)]
    pub bots: usize,
    /// Customers per bot.
    #[arg(long, default_value_t = 50)]
    pub users: usize,
    /// What to send.
    #[arg(long, value_enum, default_value_t = Scenario::Start)]
    pub scenario: Scenario,
    /// Target delivery rate in updates/s (0 = as fast as the server takes them).
    #[arg(long, default_value_t = 0)]
    pub rate: u64,
    /// How updates reach the server.
    #[arg(long, value_enum, default_value_t = Delivery::Webhook)]
    pub mode: Delivery,
    /// Database backend.
    #[arg(long, value_enum, default_value_t = Db::Sqlite)]
    pub db: Db,
    /// Emulate Telegram's limits in the fake (30/s per bot, 1/s per chat).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub telegram_limits: bool,
    /// The `bazar` binary to run.
    #[arg(long, default_value = "target/release/bazar")]
    pub bazar: String,
    /// Seconds to wait for the last replies.
    #[arg(long, default_value_t = 60)]
    pub drain_secs: u64,
    /// Broadcast scenario: SIGKILL the server once this fraction of the messages is out, then restart it.
    #[arg(long)]
    pub kill_at: Option<f64>,
}

/// Load shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// `/start` from new customers (each registers).
    Start,
    /// Button presses from existing customers (after an unmeasured `/start`).
    Press,
    /// Only start the server with the bots registered and measure readiness and idle memory.
    Idle,
    /// One broadcast to all `--users` customers of each of `--bots` tenants at once
    /// (customers written straight into the database); with `--kill-at`, a kill -9 mid-way.
    Broadcast,
}

/// Update delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Delivery {
    /// The fake POSTs to /webhook/{bot} with the secret header.
    Webhook,
    /// getUpdates long polling against the fake.
    Polling,
}

/// Database backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Db {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A throwaway PostgreSQL cluster.
    Postgres,
}

fn main() {
    // The tool writes its bots and customers straight into a fresh database:
    // its `main` is a composition root of its own, like `bazar`'s.
    #[expect(clippy::disallowed_methods, reason = "the tool's main is its composition root")]
    let root = bazar_store::CompositionRoot::claim().expect("claimed first thing in main");
    let platform = root.platform_scope();
    let options = Options::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let run = match options.scenario {
        Scenario::Broadcast => runtime.block_on(broadcast::run(options, platform)),
        _ => runtime.block_on(scenario::run(options, platform)),
    };
    if let Err(e) = run {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
