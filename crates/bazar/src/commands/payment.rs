//! `bazar payment list|show|refund`.
//!
//! Cards appear masked; `card_pan` is shown as Zarinpal stored it (masked by
//! the gateway). A refund is for Telegram Stars only: Telegram gives the Stars
//! back first, then the wallet gives back the credit, once.

use crate::cli::PaymentCommand;
use crate::config::Config;
use crate::context::open_store;
use crate::error::CliError;
use bazar_domain::calendar::iso_date_of_ms;
use bazar_domain::{BotId, CardId, CustomerId, PaymentId, group_thousands, mask_card_number};
use bazar_shop::payments::stars::{self, Refund};
use bazar_store::{
    Payment, PaymentEvent, PaymentFilter, PaymentMethod, PaymentStatus, PlatformScope, Store, TenantScope,
};
use bazar_telegram::BotApi;
use serde_json::json;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Runs a payment command.
pub async fn run(config: &Config, platform: PlatformScope, command: PaymentCommand) -> Result<(), CliError> {
    let store = open_store(config).await?;
    match command {
        PaymentCommand::List { bot, status, method, limit, json } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let filter = PaymentFilter {
                status: status.as_deref().map(status_arg).transpose()?,
                method: method.as_deref().map(method_arg).transpose()?,
                customer: None,
            };
            if !(1..=500).contains(&limit) {
                return Err(CliError::input("--limit must be from 1 to 500"));
            }
            let mut tx = store.tenant(&scope).begin_read().await?;
            let payments = tx.payments(&filter, limit, 0).await?;
            let mut customers = HashMap::new();
            for p in &payments {
                if let Entry::Vacant(slot) = customers.entry(p.customer_id) {
                    slot.insert(tx.customer(p.customer_id).await?.map(|c| c.telegram_id.get()));
                }
            }
            tx.commit().await?;
            let telegram_id = |id: &CustomerId| customers.get(id).copied().flatten();
            if json {
                let rows = payments.iter().map(|p| summary_json(p, telegram_id(&p.customer_id))).collect();
                println!("{}", serde_json::Value::Array(rows));
                return Ok(());
            }
            if payments.is_empty() {
                println!("bot {bot} has no payments{}", if filter_given(&filter) { " matching" } else { "" });
                return Ok(());
            }
            println!(
                "{:>6}  {:<16}  {:<8} {:<9} {:>16} {:>16}  {:<12} {:<8}",
                "ID", "CREATED (UTC)", "METHOD", "STATUS", "AMOUNT", "CREDIT", "CUSTOMER", "TRACKING"
            );
            for p in &payments {
                println!(
                    "{:>6}  {:<16}  {:<8} {:<9} {:>16} {:>16}  {:<12} {:<8}",
                    p.id,
                    when(p.created_at),
                    p.method.as_str(),
                    p.status.as_str(),
                    p.charge.to_string(),
                    p.credit.to_string(),
                    telegram_id(&p.customer_id).map(|t| t.to_string()).unwrap_or_else(|| "?".into()),
                    p.tracking_code,
                );
            }
        }
        PaymentCommand::Show { bot, payment: id, json } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            let mut tx = store.tenant(&scope).begin_read().await?;
            let payment = tx.payment(id).await?.ok_or_else(|| no_payment(bot, id))?;
            let events = tx.payment_events(id).await?;
            let telegram_id = tx.customer(payment.customer_id).await?.map(|c| c.telegram_id.get());
            let card = match payment.card_id {
                Some(card) => tx.card(card).await?,
                None => None,
            };
            tx.commit().await?;
            let card = payment.card_id.map(|card_id| match &card {
                Some(c) => (card_id, c.masked(), c.bank.clone()),
                None => (card_id, "(removed)".to_owned(), None),
            });
            if json {
                let mut value = summary_json(&payment, telegram_id);
                value["card"] =
                    card.map_or(json!(null), |(id, number, bank)| json!({"id": id, "number": number, "bank": bank}));
                value["events"] = events.iter().map(event_json).collect();
                println!("{value}");
            } else {
                print_payment(bot, &payment, telegram_id, card, &events);
            }
        }
        PaymentCommand::Refund { bot, payment } => {
            let scope = store.platform(&platform).tenant(bot).await?;
            refund(config, &store, &scope, bot, payment).await?;
        }
    }
    Ok(())
}

/// Refunds a paid Stars payment through the shared use case, as the operator.
async fn refund(
    config: &Config,
    store: &Store,
    scope: &TenantScope,
    bot: BotId,
    id: PaymentId,
) -> Result<(), CliError> {
    let telegram = BotApi::new(config.telegram_api_url.as_str());
    let outcome = stars::refund(store, scope, &telegram, id, "operator").await.map_err(|e| match e {
        stars::RefundError::Store(e) => CliError::from(e),
        stars::RefundError::Telegram(e) => CliError::from(e),
    })?;
    match outcome {
        Refund::Refunded { payment, telegram_id, earlier } => {
            println!(
                "bot {bot}: payment {id} refunded: {} Stars back to {telegram_id}{}, {} taken from the wallet",
                group_thousands(payment.charge.parts().0),
                if earlier { " (Telegram had refunded them already)" } else { "" },
                payment.credit,
            );
            Ok(())
        }
        Refund::NotFound => Err(no_payment(bot, id)),
        Refund::NotStars(method) => Err(CliError::input(format!(
            "payment {id} was paid by {}; only Telegram Stars payments can be refunded here",
            method.as_str()
        ))),
        Refund::NotRefundable(status) => Err(CliError::input(format!(
            "payment {id} is {}; only a paid Stars payment can be refunded",
            status.map_or("gone", PaymentStatus::as_str)
        ))),
        Refund::Spent { balance, credit } => Err(CliError::input(format!(
            "the customer already spent part of what payment {id} credited (wallet {} of {credit}); nothing refunded",
            group_thousands(balance.minor()),
        ))),
        Refund::ChangedMeanwhile(now) => Err(CliError::input(format!(
            "Telegram refunded the Stars of payment {id}, but the payment is now {}; nothing was taken from the wallet",
            now.map_or("gone", PaymentStatus::as_str)
        ))),
    }
}

fn no_payment(bot: BotId, id: PaymentId) -> CliError {
    CliError::input(format!("bot {bot} has no payment {id}"))
}

fn status_arg(text: &str) -> Result<PaymentStatus, CliError> {
    PaymentStatus::parse(text.trim()).ok_or_else(|| {
        let all: Vec<&str> = PaymentStatus::ALL.iter().map(|s| s.as_str()).collect();
        CliError::input(format!("--status must be one of {}", all.join(", ")))
    })
}

fn method_arg(text: &str) -> Result<PaymentMethod, CliError> {
    PaymentMethod::parse(text.trim()).ok_or_else(|| CliError::input("--method must be card, zarinpal or stars"))
}

fn filter_given(filter: &PaymentFilter) -> bool {
    filter.status.is_some() || filter.method.is_some()
}

/// `2026-03-20 14:05` (UTC).
fn when(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{} {:02}:{:02}", iso_date_of_ms(ms), minutes / 60, minutes % 60)
}

/// A customer's receipt text, with any long run of digits (a card number
/// pasted into it) masked like a card number.
fn masked_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let number = run.trim_end_matches([' ', '-']);
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 12 {
            out.push_str(&mask_card_number(&digits));
            out.push_str(&run[number.len()..]);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        let c = ascii_digit(c);
        if c.is_ascii_digit() || (!run.is_empty() && matches!(c, ' ' | '-')) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Persian and Arabic-Indic digits as ASCII, so a number typed in either is masked too.
fn ascii_digit(c: char) -> char {
    let zero = match c {
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        _ => return c,
    };
    char::from_digit(c as u32 - zero as u32, 10).unwrap_or(c)
}

fn summary_json(p: &Payment, telegram_id: Option<i64>) -> serde_json::Value {
    json!({
        "id": p.id,
        "customer_id": p.customer_id.get(),
        "customer_telegram_id": telegram_id,
        "method": p.method.as_str(),
        "status": p.status.as_str(),
        "amount": p.charge.parts().0,
        "pay_currency": p.charge.parts().1,
        "credit": p.credit.minor(),
        "currency": p.credit.code(),
        "plan_id": p.plan_id,
        "promo": p.promo,
        "card_id": p.card_id,
        "tracking_code": p.tracking_code,
        "expires_at_ms": p.expires_at,
        "receipt_file_id": p.receipt_file_id,
        "receipt_text": p.receipt_text.as_deref().map(masked_text),
        "authority": p.authority,
        "ref_id": p.ref_id,
        "card_pan": p.card_pan,
        "fee": p.fee,
        "charge_id": p.charge_id,
        "decided_by": p.decided_by,
        "reason": p.reason,
        "created_at_ms": p.created_at,
    })
}

fn event_json(e: &PaymentEvent) -> serde_json::Value {
    json!({"status": e.status.as_str(), "actor": e.actor, "note": e.note, "at_ms": e.created_at})
}

fn print_payment(
    bot: BotId,
    p: &Payment,
    telegram_id: Option<i64>,
    card: Option<(CardId, String, Option<String>)>,
    events: &[PaymentEvent],
) {
    let field = |name: &str, value: &str| println!("  {name:<14}{value}");
    println!("payment {} of bot {bot} ({}, tracking {})", p.id, p.status.as_str(), p.tracking_code);
    let customer = telegram_id.map(|t| t.to_string()).unwrap_or_else(|| "?".into());
    field("customer", &format!("{customer} (#{})", p.customer_id.get()));
    field("method", p.method.as_str());
    field("amount", &p.charge.to_string());
    field("credit", &p.credit.to_string());
    if let Some(plan) = p.plan_id {
        let promo = p.promo.as_deref().map(|c| format!(" with promo {c}")).unwrap_or_default();
        field("plan", &format!("{plan}{promo}"));
    }
    if let Some((id, number, bank)) = card {
        let bank = bank.as_deref().and_then(bazar_domain::Bank::from_code).map(|b| format!(", {}", b.name_en()));
        field("card", &format!("{id}: {number}{}", bank.unwrap_or_default()));
    }
    field("created", &format!("{} UTC", when(p.created_at)));
    field("expires", &format!("{} UTC", when(p.expires_at)));
    if p.receipt_file_id.is_some() {
        field("receipt", "photo");
    }
    if let Some(text) = &p.receipt_text {
        field("receipt text", &masked_text(text));
    }
    for (name, value) in [("authority", &p.authority), ("ref id", &p.ref_id), ("card pan", &p.card_pan)] {
        if let Some(value) = value {
            field(name, value);
        }
    }
    if let Some(fee) = p.fee {
        field("fee", &group_thousands(fee));
    }
    if let Some(charge) = &p.charge_id {
        field("charge id", charge);
    }
    if let Some(admin) = p.decided_by {
        field("decided by", &admin.to_string());
    }
    if let Some(reason) = &p.reason {
        field("reason", reason);
    }
    println!("history:");
    for e in events {
        let line = format!(
            "  {}  {:<9} {:<14} {}",
            when(e.created_at),
            e.status.as_str(),
            e.actor.as_deref().unwrap_or(""),
            e.note.as_deref().unwrap_or("")
        );
        println!("{}", line.trim_end());
    }
}
