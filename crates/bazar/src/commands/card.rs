//! `bazar card add|list|update|disable|enable`.
//!
//! The full card number is shown only to the customer who pays to it: every
//! line and JSON field here carries the masked form.

use crate::cli::CardCommand;
use crate::commands::plan::{code, tenant_currency};
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{Bank, BotId, CardNumber, Currency, Iban, Irr, Irt, Money, group_thousands};
use bazar_store::{CardUpdate, NewCard, PaymentCard, PlatformScope, Store, TenantScope};
use serde_json::json;

/// Runs a card command.
pub async fn run(config: &Config, platform: PlatformScope, command: CardCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        CardCommand::Add { bot, number, holder, iban, weight, daily_cap } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let number = CardNumber::parse(&number).map_err(|e| CliError::input(format!("--number: {e}")))?;
            let new = NewCard {
                number,
                holder: holder_arg(&holder)?,
                iban: iban.as_deref().map(iban_arg).transpose()?,
                weight: weight_arg(weight)?,
                daily_cap: daily_cap.as_deref().map(|c| amount(c, currency)).transpose()?,
            };
            let mut tx = store.tenant(&scope).begin().await?;
            let card = tx.add_card(&new).await?;
            tx.commit().await?;
            println!("bot {bot}: card {} added ({}, {})", card.id, card.masked(), bank_name(&card));
        }
        CardCommand::List { bot, json } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = code(tenant_currency(&store, &scope).await?);
            let mut tx = store.tenant(&scope).begin_read().await?;
            let cards = tx.cards().await?;
            tx.commit().await?;
            if json {
                println!("{}", serde_json::Value::Array(cards.iter().map(|c| card_json(c, currency)).collect()));
                return Ok(());
            }
            if cards.is_empty() {
                println!("bot {bot} has no cards; add one with `bazar card add {bot} --number … --holder …`");
                return Ok(());
            }
            println!(
                "{:>4}  {:<16}  {:<24} {:<24} {:>6}  {:<28} {:<8} IBAN",
                "ID", "NUMBER", "BANK", "HOLDER", "WEIGHT", "TODAY / CAP", "STATUS"
            );
            for card in &cards {
                println!("{}", line(card, currency));
            }
        }
        CardCommand::Update { bot, card, holder, iban, weight, daily_cap } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            if holder.is_none() && iban.is_none() && weight.is_none() && daily_cap.is_none() {
                return Err(CliError::input("nothing to change: give --holder, --iban, --weight or --daily-cap"));
            }
            let update = CardUpdate {
                holder: holder.as_deref().map(holder_arg).transpose()?,
                iban: iban.as_deref().map(|i| if is_none(i) { Ok(None) } else { iban_arg(i).map(Some) }).transpose()?,
                weight: weight.map(weight_arg).transpose()?,
                daily_cap: daily_cap
                    .as_deref()
                    .map(|c| if is_none(c) { Ok(None) } else { amount(c, currency).map(Some) })
                    .transpose()?,
                active: None,
            };
            let updated = change(&store, &scope, bot, card, &update).await?;
            println!("bot {bot}: card {} updated", updated.id);
            println!("{}", line(&updated, code(currency)));
        }
        CardCommand::Disable { bot, card } | CardCommand::Enable { bot, card } => {
            let active = matches!(command, CardCommand::Enable { .. });
            let scope = store.platform(&platform).tenant(bot).await?;
            let update = CardUpdate { active: Some(active), ..CardUpdate::default() };
            let updated = change(&store, &scope, bot, card, &update).await?;
            println!(
                "bot {bot}: card {} ({}) {}",
                updated.id,
                updated.masked(),
                if active { "enabled" } else { "disabled" }
            );
        }
    }
    Ok(())
}

async fn change(
    store: &Store,
    scope: &TenantScope,
    bot: BotId,
    card: i64,
    update: &CardUpdate,
) -> Result<PaymentCard, CliError> {
    let mut tx = store.tenant(scope).begin().await?;
    let Some(updated) = tx.update_card(card, update).await? else {
        return Err(CliError::input(format!("bot {bot} has no card {card}")));
    };
    tx.commit().await?;
    Ok(updated)
}

fn is_none(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("none")
}

fn holder_arg(text: &str) -> Result<String, CliError> {
    let holder = text.trim();
    let n = holder.chars().count();
    if n == 0 || n > 64 {
        return Err(CliError::input("--holder must be 1 to 64 characters"));
    }
    Ok(holder.to_owned())
}

fn iban_arg(text: &str) -> Result<Iban, CliError> {
    Iban::parse(text).map_err(|e| CliError::input(format!("--iban: {e}")))
}

fn weight_arg(weight: u32) -> Result<u32, CliError> {
    if !(1..=100).contains(&weight) {
        return Err(CliError::input("--weight must be from 1 to 100"));
    }
    Ok(weight)
}

/// A `--daily-cap` in the tenant's currency, in minor units.
fn amount(text: &str, currency: Currency) -> Result<i64, CliError> {
    match currency {
        Currency::Irr => Money::<Irr>::parse_positive(text).map(Money::minor),
        Currency::Irt => Money::<Irt>::parse_positive(text).map(Money::minor),
    }
    .map_err(|e| CliError::input(format!("--daily-cap: {e}")))
}

fn bank(card: &PaymentCard) -> Option<Bank> {
    card.bank.as_deref().and_then(Bank::from_code)
}

fn bank_name(card: &PaymentCard) -> &'static str {
    bank(card).map(Bank::name_en).unwrap_or("unknown bank")
}

/// `IR06******************0001`; a stored value that no longer parses keeps only its last four characters.
fn masked_iban(card: &PaymentCard) -> Option<String> {
    card.iban
        .as_deref()
        .map(|i| Iban::parse(i).map(|i| i.masked()).unwrap_or_else(|_| bazar_domain::mask_card_number(i)))
}

fn line(card: &PaymentCard, currency: &str) -> String {
    let used = group_thousands(card.used_today);
    let today = match card.daily_cap {
        Some(cap) => format!("{used} / {} {currency}", group_thousands(cap)),
        None => format!("{used} {currency} / no cap"),
    };
    format!(
        "{:>4}  {:<16}  {:<24} {:<24} {:>6}  {:<28} {:<8} {}",
        card.id,
        card.masked(),
        bank_name(card),
        card.holder,
        card.weight,
        today,
        if card.active { "active" } else { "disabled" },
        masked_iban(card).unwrap_or_default(),
    )
    .trim_end()
    .to_owned()
}

fn card_json(card: &PaymentCard, currency: &str) -> serde_json::Value {
    json!({
        "id": card.id,
        "number": card.masked(),
        "bank": card.bank,
        "bank_name": bank(card).map(Bank::name_en),
        "holder": card.holder,
        "iban": masked_iban(card),
        "weight": card.weight,
        "daily_cap": card.daily_cap,
        "used_today": card.used_today,
        "payments_today": card.payments_today,
        "currency": currency,
        "active": card.active,
    })
}
