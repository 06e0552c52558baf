//! `bazar wallet show|adjust` and `bazar ledger check`.

use crate::cli::{LedgerCommand, WalletCommand};
use crate::commands::plan::tenant_currency;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{Currency, CurrencyUnit, Irr, Irt, Money, group_thousands};
use bazar_store::{EntryKind, PlatformScope, Posting, Store, TenantScope};

/// Runs a wallet command.
pub async fn run(config: &Config, platform: PlatformScope, command: WalletCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        WalletCommand::Show { bot, telegram_id } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let customer = customer(&store, &scope, bot, telegram_id).await?;
            let mut tx = store.tenant(&scope).begin_read().await?;
            let balance = match tenant_currency(&store, &scope).await? {
                Currency::Irr => tx.balance::<Irr>(customer.id).await?.to_string(),
                Currency::Irt => tx.balance::<Irt>(customer.id).await?.to_string(),
            };
            let entries = tx.ledger_entries(customer.id, 20).await?;
            tx.commit().await?;
            println!("customer {telegram_id} of bot {bot}: balance {balance}");
            for e in entries {
                println!(
                    "  #{:<6} {:>14} {}  {:<16} {}",
                    e.id,
                    group_thousands(e.amount),
                    e.currency,
                    e.kind.as_str(),
                    e.reference.unwrap_or_default()
                );
            }
        }
        WalletCommand::Adjust { bot, telegram_id, amount, reason, key } => {
            let reason = reason.trim().to_owned();
            if reason.is_empty() || reason.chars().count() > 200 {
                return Err(CliError::input("--reason must be 1 to 200 characters"));
            }
            let (negative, digits) = match amount.trim().strip_prefix('-') {
                Some(rest) => (true, rest.to_owned()),
                None => (false, amount.trim().trim_start_matches('+').to_owned()),
            };
            let scope = store.platform(&platform).tenant(bot).await?;
            let customer = customer(&store, &scope, bot, telegram_id).await?;
            let key = key.unwrap_or_else(|| format!("adjust:cli:{}", unique_suffix()));
            let key = format!("adjust:{key}");
            let reference = format!("operator: {reason}");
            let outcome = match tenant_currency(&store, &scope).await? {
                Currency::Irr => {
                    adjust::<Irr>(&store, &scope, customer.id, &digits, negative, &key, &reference).await?
                }
                Currency::Irt => {
                    adjust::<Irt>(&store, &scope, customer.id, &digits, negative, &key, &reference).await?
                }
            };
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

async fn adjust<C: CurrencyUnit>(
    store: &Store,
    scope: &TenantScope,
    customer: bazar_domain::CustomerId,
    digits: &str,
    negative: bool,
    key: &str,
    reference: &str,
) -> Result<String, CliError> {
    let amount = Money::<C>::parse_positive(digits).map_err(|e| CliError::input(format!("amount: {e}")))?;
    let amount = if negative { -amount } else { amount };
    let mut tx = store.tenant(scope).begin().await?;
    let posting = tx.post(customer, amount, EntryKind::Adjustment, key, Some(reference)).await?;
    tx.commit().await?;
    Ok(match posting {
        Posting::Applied { balance } => format!("{amount} posted; balance {balance}"),
        Posting::Duplicate => "an adjustment with this key was already posted; nothing changed".to_owned(),
    })
}

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos:x}-{}", std::process::id())
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
