//! `/admin`: the tenant's admins' menu inside their own bot. Every step checks
//! `bot_admins` of this tenant; to anyone else `/admin` is an unknown command.
//! Today: key figures and the queue of card-to-card receipts waiting for a
//! decision (each with the same Approve / Reject buttons as when it arrived).

use crate::callback::Action;
use crate::i18n::{t, t_args};
use crate::menu::{Screen, button};
use crate::payments::receipt_for_admins;
use crate::shop_screens::price;
use bazar_domain::{ConfigKey, ConfigValue, Language, calendar::tehran_day_start_ms};
use bazar_runtime::{HandlerError, UpdateContext};
use bazar_store::{PaymentFilter, PaymentMethod, PaymentStatus};
use serde_json::json;

/// Most receipts sent by one press of the queue button.
const QUEUE_PAGE: i64 = 10;

/// Whether the sender administers this tenant.
pub(crate) async fn is_admin(ctx: &mut UpdateContext) -> Result<bool, HandlerError> {
    let sender = ctx.customer.telegram_id;
    Ok(ctx.tx.is_admin(sender).await?)
}

/// The admin menu: today's figures and the receipts queue.
pub(crate) async fn home(ctx: &mut UpdateContext, language: Language, menu: u64) -> Result<Screen, HandlerError> {
    let currency = match ctx.settings.config(ConfigKey::Currency) {
        ConfigValue::Currency(c) => c.code(),
        _ => "IRT",
    };
    let today = tehran_day_start_ms(now_ms());
    let stats = ctx.tx.stats(today, currency).await?;
    let revenue: i64 = stats.revenue_by_method.iter().map(|m| m.amount).sum();
    let pending = pending_receipts(ctx, 500).await?.len();
    let text = t_args(
        language,
        "admin-title",
        &[
            ("customers", &stats.customers_total.to_string()),
            ("new", &stats.new_customers.iter().map(|d| d.count).sum::<i64>().to_string()),
            ("active", &stats.active_subscriptions.to_string()),
            ("revenue", &price(language, revenue, currency)),
            ("pending", &pending.to_string()),
        ],
    );
    let rows = vec![
        vec![button(
            t_args(language, "btn-admin-receipts", &[("count", &pending.to_string())]),
            menu,
            Action::AdminReceipts,
        )],
        vec![button(t(language, "btn-back"), menu, Action::Home)],
    ];
    Ok(Screen { text, keyboard: json!({ "inline_keyboard": rows }) })
}

async fn pending_receipts(ctx: &mut UpdateContext, limit: i64) -> Result<Vec<bazar_store::Payment>, HandlerError> {
    let filter =
        PaymentFilter { status: Some(PaymentStatus::Submitted), method: Some(PaymentMethod::Card), customer: None };
    let mut waiting = ctx.tx.payments(&filter, limit, 0).await?;
    // Oldest first: the customer who has waited longest is decided first.
    waiting.reverse();
    Ok(waiting)
}

/// Sends the oldest receipts waiting for a decision to the admin's chat; returns the toast.
pub(crate) async fn receipts(ctx: &mut UpdateContext, language: Language) -> Result<String, HandlerError> {
    let waiting = pending_receipts(ctx, 500).await?;
    if waiting.is_empty() {
        return Ok(t(language, "admin-no-receipts"));
    }
    let chat = ctx.chat.0;
    let shown = waiting.iter().take(QUEUE_PAGE as usize).count();
    for payment in waiting.iter().take(QUEUE_PAGE as usize) {
        let Some(customer) = ctx.tx.customer(payment.customer_id).await? else { continue };
        let message = receipt_for_admins(&mut ctx.tx, chat, language, payment, &customer).await?;
        ctx.send(message);
    }
    Ok(t_args(language, "admin-receipts-sent", &[("shown", &shown.to_string()), ("total", &waiting.len().to_string())]))
}

fn now_ms() -> i64 {
    crate::clock::now_ms()
}
