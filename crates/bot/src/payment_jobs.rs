//! Background jobs of payments: telling the customer what became of a
//! payment, closing unpaid ones, crediting a kept Stars charge, and the
//! Zarinpal request and reconciliation.

use crate::handler::language_of;
use crate::i18n::{t, t_args};
use crate::shop_screens::price;
use bazar_domain::{CurrencyUnit, Irr, Irt};
use bazar_runtime::{BotHandle, Outgoing};
use bazar_shop::payments::stars::{self, KeptSettle, STARS_SETTLE_JOB};
use bazar_shop::payments::zarinpal::{RECONCILE_JOB, REQUEST_JOB, Requested, ZarinpalGateway};
use bazar_shop::payments::{PAYMENT_EXPIRE_JOB, PAYMENT_UPDATE_JOB, expire};
use bazar_store::{Job, JobEnd, PaymentStatus, Store, StoreError};
use serde_json::json;
use std::sync::Arc;

/// Whether `kind` is a payment job.
pub(crate) fn is_payment_job(kind: &str) -> bool {
    matches!(kind, PAYMENT_UPDATE_JOB | PAYMENT_EXPIRE_JOB | STARS_SETTLE_JOB | REQUEST_JOB | RECONCILE_JOB)
}

/// Runs a payment job; errors leave it to be claimed again when its lease runs out.
pub(crate) async fn run(store: &Store, zarinpal: &ZarinpalGateway, bot: &Arc<BotHandle>, job: &Job) -> Vec<Outgoing> {
    let result = match job.kind.as_str() {
        PAYMENT_UPDATE_JOB => update(store, bot, job).await,
        PAYMENT_EXPIRE_JOB => close_expired(store, bot, job).await.map(|()| Vec::new()),
        STARS_SETTLE_JOB => settle_kept(store, bot, job).await.map(|()| Vec::new()),
        REQUEST_JOB => match zarinpal.request(&bot.scope, job).await {
            Ok(Requested::Ready { payment, url }) => link(store, bot, &payment, url.as_str()).await,
            Ok(_) => Ok(Vec::new()),
            Err(e) => Err(e),
        },
        RECONCILE_JOB => zarinpal.reconcile(&bot.scope, job).await.map(|()| Vec::new()),
        _ => Ok(Vec::new()),
    };
    result.unwrap_or_else(|e| {
        tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, kind = %job.kind, error = %e, "payment job failed");
        Vec::new()
    })
}

fn payment_id(job: &Job) -> i64 {
    job.payload.get("payment").and_then(|p| p.as_i64()).unwrap_or(0)
}

async fn close_expired(store: &Store, bot: &Arc<BotHandle>, job: &Job) -> Result<(), StoreError> {
    let mut tx = store.tenant(&bot.scope).begin().await?;
    expire(&mut tx, payment_id(job)).await?;
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await
}

/// Credits a kept Stars charge (the customer's notice follows from the
/// payment's own job); each failure is on the payment's record.
async fn settle_kept(store: &Store, bot: &Arc<BotHandle>, job: &Job) -> Result<(), StoreError> {
    let settings = store.tenant(&bot.scope).settings().await?;
    let percent = crate::handler::referral_percent(&settings);
    match stars::settle_kept(store, &bot.scope, job, percent).await? {
        KeptSettle::Settled(_) => {}
        KeptSettle::Retrying(error) => {
            tracing::warn!(bot_id = %bot.scope.bot_id(), job = job.id, error, "a kept Stars charge is still not credited")
        }
        KeptSettle::GaveUp(error) => {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error, "a kept Stars charge was not credited; left to the admins")
        }
    }
    Ok(())
}

/// The StartPay link, as a button.
async fn link(
    store: &Store,
    bot: &Arc<BotHandle>,
    payment: &bazar_store::Payment,
    url: &str,
) -> Result<Vec<Outgoing>, StoreError> {
    let tenant = store.tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin_read().await?;
    let customer = tx.customer(payment.customer_id).await?;
    tx.commit().await?;
    let Some(customer) = customer else { return Ok(Vec::new()) };
    let language = language_of(customer.language, &settings);
    let text = t_args(
        language,
        "zarinpal-link",
        &[("amount", &price(language, payment.amount, &payment.currency)), ("code", &payment.tracking_code)],
    );
    let keyboard = json!({"inline_keyboard": [[{"text": t(language, "btn-zarinpal-pay"), "url": url}]]});
    Ok(vec![Outgoing::new(
        "sendMessage",
        json!({"chat_id": customer.telegram_id.get(), "text": text, "reply_markup": keyboard}),
    )])
}

/// Tells the customer what became of their payment.
async fn update(store: &Store, bot: &Arc<BotHandle>, job: &Job) -> Result<Vec<Outgoing>, StoreError> {
    let tenant = store.tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin().await?;
    let payment = tx.payment(payment_id(job)).await?;
    let customer = match &payment {
        Some(p) => tx.customer(p.customer_id).await?,
        None => None,
    };
    let balance = match &payment {
        Some(p) if p.currency == Irr::CODE => tx.balance::<Irr>(p.customer_id).await?.minor(),
        Some(p) => tx.balance::<Irt>(p.customer_id).await?.minor(),
        None => 0,
    };
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    let (Some(payment), Some(customer)) = (payment, customer) else { return Ok(Vec::new()) };
    let language = language_of(customer.language, &settings);
    let code = payment.tracking_code.as_str();
    let mut text = match payment.status {
        PaymentStatus::Paid => t_args(
            language,
            "payment-paid",
            &[
                ("code", code),
                ("credit", &price(language, payment.credit, &payment.currency)),
                ("balance", &price(language, balance, &payment.currency)),
            ],
        ),
        PaymentStatus::Rejected => t_args(
            language,
            "payment-rejected",
            &[("code", code), ("reason", payment.reason.as_deref().unwrap_or("-"))],
        ),
        PaymentStatus::Expired => t_args(language, "payment-expired", &[("code", code)]),
        PaymentStatus::Failed => t_args(language, "payment-failed", &[("code", code)]),
        _ => return Ok(Vec::new()),
    };
    let purchase = job.payload.get("purchase").and_then(|p| p.as_str());
    let line = match purchase {
        Some("bought") => Some("purchase-bought"),
        Some("not_enough") => Some("purchase-not-enough"),
        Some("plan_gone") => Some("purchase-plan-gone"),
        Some("no_panel") => Some("no-panel"),
        _ => None,
    };
    if let Some(key) = line {
        text.push_str("\n\n");
        text.push_str(&t(language, key));
    }
    Ok(vec![Outgoing::new("sendMessage", json!({"chat_id": customer.telegram_id.get(), "text": text}))])
}
