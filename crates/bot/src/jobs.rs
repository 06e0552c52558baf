//! Background jobs of the customer bot: provisioning outcomes become messages.

use crate::clock::now_ms;
use crate::handler::{currency_of, language_of};
use crate::i18n::{t, t_args};
use crate::qr;
use crate::shop_screens::price;
use bazar_runtime::{BotHandle, Outgoing};
use bazar_shop::lifecycle::{self, Notice};
use bazar_shop::payments::zarinpal::ZarinpalGateway;
use bazar_shop::{EXTEND_JOB, PROVISION_JOB, ProvisionOutcome, Provisioner};
use bazar_store::{Job, Store, Subscription};
use bazar_telegram::Attachment;
use serde_json::json;
use std::sync::Arc;

/// Runs one job and returns what to tell whom.
pub(crate) async fn run(
    provisioner: &Provisioner,
    zarinpal: &ZarinpalGateway,
    bot: &Arc<BotHandle>,
    job: &Job,
) -> Vec<Outgoing> {
    let store = provisioner.store();
    if crate::payment_jobs::is_payment_job(&job.kind) {
        return crate::payment_jobs::run(store, zarinpal, bot, job).await;
    }
    if job.kind == bazar_store::DAILY_SUMMARY_JOB {
        return crate::daily_summary::run(store, bot, job).await.unwrap_or_else(|e| {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "daily summary failed");
            Vec::new()
        });
    }
    if job.kind == bazar_shop::PANEL_CATALOG_JOB {
        if let Err(e) = provisioner.catalog_job(&bot.scope, job).await {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "panel catalog job failed");
        }
        return Vec::new();
    }
    if job.kind == bazar_shop::DISABLE_JOB {
        if let Err(e) = provisioner.disable(&bot.scope, job).await {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "disable job failed");
        }
        return Vec::new();
    }
    if matches!(job.kind.as_str(), bazar_shop::tickets::TICKET_REPLY_JOB | bazar_shop::tickets::TICKET_CLOSED_JOB) {
        return crate::support::ticket_job(store, bot, job).await.unwrap_or_else(|e| {
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "ticket job failed");
            Vec::new()
        });
    }
    if job.kind == bazar_shop::reset_link::RESET_LINK_JOB {
        return match provisioner.reset_link(&bot.scope, job).await {
            Ok(bazar_shop::reset_link::ResetDone::Reset(subscription)) => new_link(store, bot, &subscription).await,
            Ok(_) => Vec::new(),
            Err(e) => {
                tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "link reset failed on the database");
                Vec::new()
            }
        };
    }
    let now = now_ms();
    match job.kind.as_str() {
        PROVISION_JOB => {}
        EXTEND_JOB => {
            return match provisioner.extend(&bot.scope, job).await {
                Ok(ProvisionOutcome::Delivered(subscription)) => {
                    let until = subscription.expires_at.map(bazar_domain::calendar::iso_date_of_ms).unwrap_or_default();
                    lifecycle_message(store, bot, &subscription, "renewed", &until).await
                }
                Ok(ProvisionOutcome::Refunded { subscription, error }) => {
                    notify(store, bot, &subscription, false, Some(error)).await
                }
                Ok(_) => Vec::new(),
                Err(e) => {
                    tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "renewal failed on the database");
                    Vec::new()
                }
            };
        }
        lifecycle::REMIND_JOB => {
            return match lifecycle::remind(store, &bot.scope, job, now).await {
                Ok(Notice::Reminder { subscription, days }) => {
                    let days = days.to_string();
                    lifecycle_message(store, bot, &subscription, "reminder", &days).await
                }
                Ok(_) => Vec::new(),
                Err(e) => {
                    tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "reminder failed");
                    Vec::new()
                }
            };
        }
        lifecycle::EXPIRE_JOB => {
            if let Ok(settings) = store.tenant(&bot.scope).settings().await
                && settings.flag(bazar_domain::FeatureFlag::AutoRenew)
            {
                let percent = crate::handler::referral_percent(&settings);
                let renewed = match currency_of(&settings) {
                    bazar_domain::Currency::Irr => {
                        lifecycle::auto_renew::<bazar_domain::Irr>(store, &bot.scope, job, now, percent).await
                    }
                    bazar_domain::Currency::Irt => {
                        lifecycle::auto_renew::<bazar_domain::Irt>(store, &bot.scope, job, now, percent).await
                    }
                };
                match renewed {
                    // The extension job tells the customer when it is done.
                    Ok(true) => return Vec::new(),
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(bot_id = %bot.scope.bot_id(), error = %e, "automatic renewal failed; expiring")
                    }
                }
            }
            return match lifecycle::expire_due(store, &bot.scope, job, now).await {
                Ok(Some(subscription)) => {
                    provisioner.disable_on_panel(&subscription).await;
                    lifecycle_message(store, bot, &subscription, "expired", "0").await
                }
                Ok(None) => Vec::new(),
                Err(e) => {
                    tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "expiry failed");
                    Vec::new()
                }
            };
        }
        other => {
            tracing::warn!(bot_id = %bot.scope.bot_id(), kind = other, "unknown job kind");
            return Vec::new();
        }
    }
    match provisioner.run(&bot.scope, job).await {
        Ok(ProvisionOutcome::Delivered(subscription)) => {
            notify(provisioner.store(), bot, &subscription, true, None).await
        }
        Ok(ProvisionOutcome::Refunded { subscription, error }) => {
            notify(provisioner.store(), bot, &subscription, false, Some(error)).await
        }
        Ok(ProvisionOutcome::Retrying { .. } | ProvisionOutcome::Skipped) => Vec::new(),
        Err(e) => {
            // The job's lease runs out and it is claimed again.
            tracing::error!(bot_id = %bot.scope.bot_id(), job = job.id, error = %e, "job failed on the database");
            Vec::new()
        }
    }
}

async fn notify(
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
        let url = subscription.subscription_url.clone().unwrap_or_default();
        let until = subscription.expires_at.map(bazar_domain::calendar::iso_date_of_ms).unwrap_or_default();
        let caption = format!(
            "{}\n\n<code>{}</code>",
            escape(&t_args(language, "delivered", &[("until", &until)])),
            escape(&url)
        );
        match qr::png(&url) {
            Some(png) => out.push(Outgoing::with_file(
                "sendPhoto",
                json!({"chat_id": chat, "caption": caption, "parse_mode": "HTML"}),
                Attachment {
                    field: "photo".into(),
                    file_name: "subscription.png".into(),
                    mime: "image/png".into(),
                    bytes: png,
                },
            )),
            None => {
                out.push(Outgoing::new("sendMessage", json!({"chat_id": chat, "text": caption, "parse_mode": "HTML"})))
            }
        }
    } else {
        let amount = price(language, subscription.price, &subscription.currency);
        if subscription.price > 0 {
            out.push(Outgoing::new(
                "sendMessage",
                json!({"chat_id": chat, "text": t_args(language, "refunded", &[("price", &amount)])}),
            ));
        } else {
            out.push(Outgoing::new("sendMessage", json!({"chat_id": chat, "text": t(language, "no-panel")})));
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
                    ("price", &price(admin_language, subscription.price, &subscription.currency)),
                ],
            );
            let mut alert = Outgoing::new("sendMessage", json!({"chat_id": admin_chat.0, "text": text}));
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
        Some(png) => Outgoing::with_file(
            "sendPhoto",
            json!({"chat_id": chat, "caption": caption, "parse_mode": "HTML"}),
            Attachment {
                field: "photo".into(),
                file_name: "subscription.png".into(),
                mime: "image/png".into(),
                bytes: png,
            },
        ),
        None => Outgoing::new("sendMessage", json!({"chat_id": chat, "text": caption, "parse_mode": "HTML"})),
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
    vec![
        Outgoing::new("sendMessage", json!({"chat_id": chat, "text": notice})),
        link_and_qr(language, chat, subscription),
    ]
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
    vec![Outgoing::new("sendMessage", json!({"chat_id": customer.telegram_id.get(), "text": text}))]
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
