//! Background jobs of payments: telling the customer what became of a
//! payment, closing unpaid ones, crediting a kept Stars charge, and the
//! Zarinpal request. Each is one arm of the job runner's match
//! (`crate::jobs::run`).

use crate::context::language_of;
use crate::i18n::{t, t_args};
use crate::shop_screens::price;
use bazar_domain::jobs::{PaymentJob, PaymentUpdateJob, PurchaseResult};
use bazar_runtime::{BotHandle, Outgoing};
use bazar_shop::payments::expire;
use bazar_shop::payments::stars::{self, KeptSettle};
use bazar_shop::payments::zarinpal::{Requested, ZarinpalGateway};
use bazar_store::{Job, JobEnd, PaymentStatus, Store, StoreError};
use bazar_telegram::requests::{InlineButton, InlineKeyboard, SendMessage};
use std::sync::Arc;

/// A `payment_expire` job: closes the payment if it is still unpaid.
pub(crate) async fn close_expired(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &PaymentJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let mut tx = store.tenant(&bot.scope).begin().await?;
    expire(&mut tx, args.payment).await?;
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    Ok(Vec::new())
}

/// A `zarinpal_request` job: the StartPay button, once the gateway gave an authority.
pub(crate) async fn request(
    store: &Store,
    zarinpal: &ZarinpalGateway,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &PaymentJob,
) -> Result<Vec<Outgoing>, StoreError> {
    match zarinpal.request(&bot.scope, job, args).await? {
        Requested::Ready { payment, url } => link(store, bot, &payment, url.as_str()).await,
        _ => Ok(Vec::new()),
    }
}

/// A `stars_settle` job: credits a kept Stars charge (the customer's notice
/// follows from the payment's own job); each failure is on the payment's record.
pub(crate) async fn settle_kept(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &PaymentJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let settings = store.tenant(&bot.scope).settings().await?;
    let percent = bazar_shop::payments::referral_percent(&settings);
    match stars::settle_kept(store, &bot.scope, job, args, percent).await? {
        KeptSettle::Settled(_) => {}
        KeptSettle::Retrying(error) => {
            tracing::warn!(bot_id = %bot.scope.bot_id(), job = job.id, error, "a kept Stars charge is still not credited")
        }
        KeptSettle::GaveUp(error) => {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error, "a kept Stars charge was not credited; left to the admins")
        }
    }
    Ok(Vec::new())
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
        &[("amount", &price(language, payment.charge)), ("code", &payment.tracking_code)],
    );
    let keyboard = InlineKeyboard::new(vec![vec![InlineButton::url(t(language, "btn-zarinpal-pay"), url)]]);
    Ok(vec![Outgoing::call(SendMessage::new(customer.telegram_id.get(), text).markup(keyboard))])
}

/// A `payment_update` job: tells the customer what became of their payment.
pub(crate) async fn update(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &PaymentUpdateJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let tenant = store.tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin().await?;
    let payment = tx.payment(args.payment).await?;
    let customer = match &payment {
        Some(p) => tx.customer(p.customer_id).await?,
        None => None,
    };
    let balance = match &payment {
        Some(p) => Some(tx.balance(p.customer_id, p.credit.currency()).await?),
        None => None,
    };
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    let (Some(payment), Some(customer), Some(balance)) = (payment, customer, balance) else { return Ok(Vec::new()) };
    let language = language_of(customer.language, &settings);
    let code = payment.tracking_code.as_str();
    let mut text = match payment.status {
        PaymentStatus::Paid => t_args(
            language,
            "payment-paid",
            &[("code", code), ("credit", &price(language, payment.credit)), ("balance", &price(language, balance))],
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
    let line = args.purchase.map(|purchase| match purchase {
        PurchaseResult::Bought => "purchase-bought",
        PurchaseResult::NotEnough => "purchase-not-enough",
        PurchaseResult::PlanGone => "purchase-plan-gone",
        PurchaseResult::NoPanel => "no-panel",
        PurchaseResult::PanelDown => "purchase-panel-down",
    });
    if let Some(key) = line {
        text.push_str("\n\n");
        text.push_str(&t(language, key));
    }
    Ok(vec![Outgoing::call(SendMessage::new(customer.telegram_id.get(), text))])
}
