//! Background jobs of the customer bot: each kind of [`JobKind`] is run here,
//! in one exhaustive match, and its outcome becomes messages. A new kind does
//! not compile until it is given its arm.

use crate::clock::now_ms;
use crate::context::language_of;
use crate::i18n::{t, t_args};
use crate::qr;
use crate::shop_screens::price;
use bazar_domain::JobKind;
use bazar_domain::jobs::{ExpireJob, ExtendJob, ProvisionJob, RemindJob, ResetLinkJob};
use bazar_runtime::{BotHandle, Outgoing};
use bazar_shop::lifecycle::{self, Notice};
use bazar_shop::payments::zarinpal::ZarinpalGateway;
use bazar_shop::{ProvisionOutcome, Provisioner};
use bazar_store::{Job, Store, StoreError, Subscription};
use bazar_telegram::Attachment;
use bazar_telegram::requests::{SendMessage, SendPhoto};
use std::sync::Arc;

/// Runs one job and returns what to tell whom. A job that fails on the
/// database is logged; its lease runs out and it is claimed again.
pub(crate) async fn run(
    provisioner: &Provisioner,
    zarinpal: &ZarinpalGateway,
    bot: &Arc<BotHandle>,
    job: &Job,
) -> Vec<Outgoing> {
    let store = provisioner.store();
    let scope = &bot.scope;
    let result = match &job.kind {
        JobKind::Provision(args) => provision(provisioner, bot, job, args).await,
        JobKind::Extend(args) => extend(provisioner, bot, job, args).await,
        JobKind::Disable(args) => provisioner.disable(scope, job, args).await.map(|()| Vec::new()),
        JobKind::PanelCatalog(_) => provisioner.catalog_job(scope, job).await.map(|()| Vec::new()),
        JobKind::Remind(args) => remind(store, bot, job, args).await,
        JobKind::Expire(args) => expire(provisioner, bot, job, args).await,
        JobKind::ResetLink(args) => reset_link(provisioner, bot, job, args).await,
        JobKind::PaymentUpdate(args) => crate::payment_jobs::update(store, bot, job, args).await,
        JobKind::PaymentExpire(args) => crate::payment_jobs::close_expired(store, bot, job, args).await,
        JobKind::StarsSettle(args) => crate::payment_jobs::settle_kept(store, bot, job, args).await,
        JobKind::ZarinpalRequest(args) => crate::payment_jobs::request(store, zarinpal, bot, job, args).await,
        JobKind::ZarinpalReconcile(args) => zarinpal.reconcile(scope, job, args).await.map(|()| Vec::new()),
        JobKind::TicketReply(args) => crate::support::ticket_reply(store, bot, job, args).await,
        JobKind::TicketClosed(args) => crate::support::ticket_closed(store, bot, job, args).await,
        JobKind::DailySummary(args) => crate::daily_summary::run(store, bot, job, args).await,
        JobKind::PanelConnect(args) => crate::panel_connect::run(provisioner, bot, job, args).await,
        JobKind::PanelHealth(args) => crate::panel_health::run(store, bot, job, args, now_ms()).await,
    };
    result.unwrap_or_else(|e| {
        let kind = job.kind.name();
        tracing::error!(bot_id = %scope.bot_id(), job = job.id, kind, error = %e, "job failed on the database");
        Vec::new()
    })
}

/// A `provision` job: the link and QR code, or the refund notice.
async fn provision(
    provisioner: &Provisioner,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &ProvisionJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let store = provisioner.store();
    Ok(match provisioner.run(&bot.scope, job, args).await? {
        ProvisionOutcome::Delivered(subscription) => notify(store, bot, &subscription, true, None).await,
        ProvisionOutcome::Refunded { subscription, error } => {
            notify(store, bot, &subscription, false, Some(error)).await
        }
        ProvisionOutcome::Retrying { .. } | ProvisionOutcome::Skipped => Vec::new(),
    })
}

/// An `extend` job: the new end, or the refund notice.
async fn extend(
    provisioner: &Provisioner,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &ExtendJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let store = provisioner.store();
    Ok(match provisioner.extend(&bot.scope, job, args).await? {
        ProvisionOutcome::Delivered(subscription) => {
            let until = subscription.expires_at.map(bazar_domain::calendar::iso_date_of_ms).unwrap_or_default();
            lifecycle_message(store, bot, &subscription, "renewed", &until).await
        }
        ProvisionOutcome::Refunded { subscription, error } => {
            notify(store, bot, &subscription, false, Some(error)).await
        }
        ProvisionOutcome::Retrying { .. } | ProvisionOutcome::Skipped => Vec::new(),
    })
}

/// A `remind` job: the reminder, once.
async fn remind(store: &Store, bot: &Arc<BotHandle>, job: &Job, args: &RemindJob) -> Result<Vec<Outgoing>, StoreError> {
    Ok(match lifecycle::remind(store, &bot.scope, job, args, now_ms()).await? {
        Notice::Reminder { subscription, days } => {
            lifecycle_message(store, bot, &subscription, "reminder", &days.to_string()).await
        }
        _ => Vec::new(),
    })
}

/// An `expire` job: renewed automatically when the customer opted in (the
/// extension job tells them), else expired, disabled on the panel and told.
async fn expire(
    provisioner: &Provisioner,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &ExpireJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let store = provisioner.store();
    let now = now_ms();
    if auto_renewed(store, bot, job, args, now).await {
        return Ok(Vec::new());
    }
    Ok(match lifecycle::expire_due(store, &bot.scope, job, args, now).await? {
        Some(subscription) => {
            provisioner.disable_on_panel(&subscription).await;
            lifecycle_message(store, bot, &subscription, "expired", "0").await
        }
        None => Vec::new(),
    })
}

/// Whether the expiring subscription was renewed from the wallet instead
/// (the `auto_renew` flag on, the customer opted in, the wallet covers it).
async fn auto_renewed(store: &Store, bot: &Arc<BotHandle>, job: &Job, args: &ExpireJob, now: i64) -> bool {
    let Ok(settings) = store.tenant(&bot.scope).settings().await else { return false };
    if !settings.flag(bazar_domain::FeatureFlag::AutoRenew) {
        return false;
    }
    let renewed = lifecycle::auto_renew(store, &bot.scope, job, args, now, &settings).await;
    renewed.unwrap_or_else(|e| {
        tracing::warn!(bot_id = %bot.scope.bot_id(), error = %e, "automatic renewal failed; expiring");
        false
    })
}

/// A `reset_link` job: the new link and QR code, once the panel gave one.
async fn reset_link(
    provisioner: &Provisioner,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &ResetLinkJob,
) -> Result<Vec<Outgoing>, StoreError> {
    Ok(match provisioner.reset_link(&bot.scope, job, args).await? {
        bazar_shop::reset_link::ResetDone::Reset(subscription) => {
            new_link(provisioner.store(), bot, &subscription).await
        }
        _ => Vec::new(),
    })
}

pub(crate) async fn notify(
    store: &Store,
    bot: &Arc<BotHandle>,
    subscription: &Subscription,
    delivered: bool,
    error: Option<String>,
) -> Vec<Outgoing> {
    let tenant = store.tenant(&bot.scope);
    let (Ok(settings), Ok(mut tx)) = (tenant.settings().await, tenant.begin_read().await) else {
        return Vec::new();
    };
    let customer = tx.customer(subscription.customer_id).await.ok().flatten();
    let _ = tx.commit().await;
    let Some(customer) = customer else { return Vec::new() };
    let language = language_of(customer.language, &settings);
    let chat = customer.telegram_id.get();
    let mut out = Vec::new();
    if delivered {
        out.push(link_and_qr(language, chat, subscription));
    } else {
        let amount = price(language, subscription.price);
        if subscription.price.is_positive() {
            out.push(Outgoing::call(SendMessage::new(chat, t_args(language, "refunded", &[("price", &amount)]))));
        } else {
            out.push(Outgoing::call(SendMessage::new(chat, t(language, "no-panel"))));
        }
        if let bazar_domain::ConfigValue::Chat(admin_chat) = settings.config(bazar_domain::ConfigKey::AdminChatId) {
            let admin_language = language_of(None, &settings);
            let text = t_args(
                admin_language,
                "admin-refunded",
                &[
                    ("id", &subscription.id.to_string()),
                    ("customer", &chat.to_string()),
                    ("error", error.as_deref().unwrap_or("-")),
                    ("price", &price(admin_language, subscription.price)),
                ],
            );
            let mut alert = Outgoing::call(SendMessage::new(admin_chat.0, text));
            crate::admin_chat::into_topic(&settings, &mut alert);
            out.push(alert);
        }
    }
    out
}

/// The subscription's link as copyable text under its QR code.
pub(crate) fn link_and_qr(language: bazar_domain::Language, chat: i64, subscription: &Subscription) -> Outgoing {
    let url = subscription.subscription_url.clone().unwrap_or_default();
    let until = subscription.expires_at.map(bazar_domain::calendar::iso_date_of_ms).unwrap_or_default();
    let caption =
        format!("{}\n\n<code>{}</code>", escape(&t_args(language, "delivered", &[("until", &until)])), escape(&url));
    match qr::png(&url) {
        Some(png) => Outgoing::upload(
            SendPhoto::new(chat, None).caption(caption).html(),
            Attachment {
                field: "photo".into(),
                file_name: "subscription.png".into(),
                mime: "image/png".into(),
                bytes: png,
            },
        ),
        None => Outgoing::call(SendMessage::new(chat, caption).html()),
    }
}

/// A subscription's new link (an admin reset it) to its customer, with the QR code.
async fn new_link(store: &Store, bot: &Arc<BotHandle>, subscription: &Subscription) -> Vec<Outgoing> {
    let tenant = store.tenant(&bot.scope);
    let (Ok(settings), Ok(mut tx)) = (tenant.settings().await, tenant.begin_read().await) else {
        return Vec::new();
    };
    let customer = tx.customer(subscription.customer_id).await.ok().flatten();
    let _ = tx.commit().await;
    let Some(customer) = customer.filter(|c| c.blocked_at.is_none()) else { return Vec::new() };
    let language = language_of(customer.language, &settings);
    let chat = customer.telegram_id.get();
    let notice = t_args(language, "mng-sub-new-link", &[("id", &subscription.id.to_string())]);
    vec![Outgoing::call(SendMessage::new(chat, notice)), link_and_qr(language, chat, subscription)]
}

/// A reminder or expiry message to the subscription's customer.
async fn lifecycle_message(
    store: &Store,
    bot: &Arc<BotHandle>,
    subscription: &Subscription,
    key: &str,
    days: &str,
) -> Vec<Outgoing> {
    let tenant = store.tenant(&bot.scope);
    let (Ok(settings), Ok(mut tx)) = (tenant.settings().await, tenant.begin_read().await) else {
        return Vec::new();
    };
    let customer = tx.customer(subscription.customer_id).await.ok().flatten();
    let _ = tx.commit().await;
    let Some(customer) = customer.filter(|c| c.blocked_at.is_none()) else { return Vec::new() };
    let language = language_of(customer.language, &settings);
    let text = t_args(language, key, &[("id", &subscription.id.to_string()), ("days", days), ("until", days)]);
    vec![Outgoing::call(SendMessage::new(customer.telegram_id.get(), text))]
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("<a&b>"), "&lt;a&amp;b&gt;");
    }
}
