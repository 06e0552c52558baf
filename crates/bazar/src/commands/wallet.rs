//! `bazar wallet show|adjust` and `bazar ledger check`.

use crate::cli::{LedgerCommand, WalletCommand};
use crate::commands::plan::tenant_currency;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{Money, group_thousands};
use bazar_shop::admin_ops::{self, AdjustOutcome};
use bazar_store::{PlatformScope, Store, TenantScope};

/// Runs a wallet command.
pub async fn run(config: &Config, platform: PlatformScope, command: WalletCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        WalletCommand::Show { bot, telegram_id } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let customer = customer(&store, &scope, bot, telegram_id).await?;
            let mut tx = store.tenant(&scope).begin_read().await?;
            let balance = tx.balance(customer.id, tenant_currency(&store, &scope).await?).await?;
            let entries = tx.ledger_entries(customer.id, 20).await?;
            tx.commit().await?;
            println!("customer {telegram_id} of bot {bot}: balance {balance}");
            for e in entries {
                println!(
                    "  #{:<6} {:>14} {}  {:<16} {}",
                    e.id,
                    group_thousands(e.amount.minor()),
                    e.amount.code(),
                    e.kind.as_str(),
                    e.reference.unwrap_or_default()
                );
            }
        }
        WalletCommand::Adjust { bot, telegram_id, amount, reason, key } => {
            let (negative, digits) = match amount.trim().strip_prefix('-') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, amount.trim().trim_start_matches('+').to_owned()),
            };
            let scope = store.platform(&platform).tenant(bot).await?;
            let customer = customer(&store, &scope, bot, telegram_id).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let amount =
                Money::parse_positive(&digits, currency).map_err(|e| CliError::input(format!("amount: {e}")))?;
            let amount = if negative { -amount } else { amount };
            let outcome = adjust(&store, &scope, customer.id, amount, &reason, key).await?;
            println!("customer {telegram_id} of bot {bot}: {outcome}");
        }
    }
    Ok(())
}

async fn customer(
    store: &Store,
    scope: &TenantScope,
    bot: bazar_domain::BotId,
    telegram_id: bazar_domain::TelegramUserId,
) -> Result<bazar_store::Customer, CliError> {
    store
        .tenant(scope)
        .customer_by_telegram_id(telegram_id)
        .await?
        .ok_or_else(|| CliError::input(format!("{telegram_id} is not a customer of bot {bot}")))
}

/// The correction through the use case the bot and the API call
/// (`admin_ops::adjust_wallet`), as the operator.
async fn adjust(
    store: &Store,
    scope: &TenantScope,
    customer: bazar_domain::CustomerId,
    amount: Money,
    reason: &str,
    key: Option<String>,
) -> Result<String, CliError> {
    admin_ops::check_reason(reason).map_err(|e| CliError::input(format!("--reason {e}")))?;
    if let Some(key) = &key {
        admin_ops::check_key(key).map_err(|e| CliError::input(format!("--key {e}")))?;
    }
    let mut tx = store.tenant(scope).begin().await?;
    let outcome =
        admin_ops::adjust_wallet(&mut tx, customer, amount, reason, admin_ops::OPERATOR, key.as_deref()).await?;
    tx.commit().await?;
    Ok(match outcome {
        AdjustOutcome::Posted { balance, .. } => format!("{amount} posted; balance {balance}"),
        AdjustOutcome::Duplicate { .. } => "an adjustment with this key was already posted; nothing changed".to_owned(),
        AdjustOutcome::KeyReused => {
            return Err(CliError::input("--key was already used for another adjustment; choose another key"));
        }
        AdjustOutcome::NoSuchCustomer => return Err(CliError::input("not a customer of this bot")),
    })
}

/// `bazar ledger check`.
pub async fn check(config: &Config, platform: PlatformScope, command: LedgerCommand) -> Result<(), CliError> {
    let LedgerCommand::Check { bot } = command;
    let store = open_store(config).await?;
    let scope = store.platform(&platform).tenant(bot).await?;
    let mismatches = store.tenant(&scope).ledger_check().await?;
    if mismatches.is_empty() {
        println!("bot {bot}: every balance equals the sum of its ledger entries");
        return Ok(());
    }
    for m in &mismatches {
        println!(
            "customer #{} {}: balance {} but entries sum to {}",
            m.customer_id, m.currency, m.balance, m.ledger_sum
        );
    }
    Err(CliError::input(format!("bot {bot}: {} wallet(s) do not match the ledger", mismatches.len())))
}
