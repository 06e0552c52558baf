//! `bazar card add|list|update|disable|enable`.
//!
//! The full card number is shown only to the customer who pays to it: every
//! line and JSON field here carries the masked form.

use crate::cli::CardCommand;
use crate::commands::plan::tenant_currency;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::{Bank, BotId, CardId, CardNumber, Currency, Iban, Money, group_thousands};
use bazar_shop::cards::{self, CardChange, CardDraft, CardField, CardRefusal, CardRefused};
use bazar_store::{PaymentCard, PlatformScope, Store, TenantScope};
use serde_json::json;

/// Runs a card command.
pub async fn run(config: &Config, platform: PlatformScope, command: CardCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        CardCommand::Add { bot, number, holder, iban, weight, daily_cap } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?;
            let mut parse_refusals = Vec::new();
            let daily_cap = daily_cap.as_deref().and_then(|c| amount(c, currency, &mut parse_refusals));
            let draft = CardDraft {
                number: CardNumber::parse(&number),
                holder,
                iban: iban.as_deref().map(Iban::parse),
                weight,
                daily_cap,
                parse_refusals,
            };
            let mut tx = store.tenant(&scope).begin().await?;
            let card = cards::add(&mut tx, draft).await.map_err(refusal)?;
            tx.commit().await?;
            println!("bot {bot}: card {} added ({}, {})", card.id, card.masked(), bank_name(&card));
        }
        CardCommand::List { bot, json } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let currency = tenant_currency(&store, &scope).await?.code();
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
            let mut parse_refusals = Vec::new();
            let daily_cap = match daily_cap.as_deref() {
                None => None,
                Some(c) if is_none(c) => Some(None),
                Some(c) => amount(c, currency, &mut parse_refusals).map(Some),
            };
            let change = CardChange {
                holder,
                iban: iban.as_deref().map(|i| (!is_none(i)).then(|| Iban::parse(i))),
                weight,
                daily_cap,
                active: None,
                parse_refusals,
            };
            let updated = change_card(&store, &scope, bot, card, change).await?;
            println!("bot {bot}: card {} updated", updated.id);
            println!("{}", line(&updated, currency.code()));
        }
        CardCommand::Disable { bot, card } | CardCommand::Enable { bot, card } => {
            let active = matches!(command, CardCommand::Enable { .. });
            let scope = store.platform(&platform).tenant(bot).await?;
            let change = CardChange { active: Some(active), ..CardChange::default() };
            let updated = change_card(&store, &scope, bot, card, change).await?;
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

async fn change_card(
    store: &Store,
    scope: &TenantScope,
    bot: BotId,
    card: CardId,
    change: CardChange,
) -> Result<PaymentCard, CliError> {
    let mut tx = store.tenant(scope).begin().await?;
    let Some(updated) = cards::update(&mut tx, card, change).await.map_err(refusal)? else {
        return Err(CliError::input(format!("bot {bot} has no card {card}")));
    };
    tx.commit().await?;
    Ok(updated)
}

fn is_none(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("none")
}

/// The refusal as one `error:` line, each reason under its option's name.
fn refusal(refusal: CardRefusal) -> CliError {
    match refusal {
        CardRefusal::Invalid(fields) => {
            let each = fields.iter().map(|f| format!("--{}: {}", f.field.as_str().replace('_', "-"), f.reason));
            CliError::input(each.collect::<Vec<_>>().join("; "))
        }
        CardRefusal::Store(e) => e.into(),
        exists => CliError::input(exists.to_string()),
    }
}

/// A `--daily-cap` in the tenant's currency, in minor units; an unreadable
/// one is refused with the others.
fn amount(text: &str, currency: Currency, refused: &mut Vec<CardRefused>) -> Option<i64> {
    Money::parse_positive(text, currency)
        .map(Money::minor)
        .map_err(|e| refused.push(CardRefused::new(CardField::DailyCap, e)))
        .ok()
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
