//! Long polling: exactly one `getUpdates` loop per active bot (when no public
//! URL is configured). The offset advances only in the transaction that stores
//! the polled updates, so a restart neither loses nor repeats an update.
//!
//! A *suspended* bot gets a lightweight loop instead ([`run_polite`]): it reads
//! no tenant data, answers each private chat with the polite "temporarily
//! unavailable" line (once per window, like the webhook), each button press
//! with the same line and each pre-checkout query with a refusal, and
//! confirms what it read — so what a customer said while the shop was
//! suspended is not handled after it resumes. The one exception is money
//! Telegram already took (a `successful_payment`): it is held in the inbox
//! before it is confirmed, and handled once the shop is served again.

use crate::inner::RuntimeInner;
use crate::options::Mode;
use crate::outbox::Outgoing;
use crate::registry::{BotHandle, Changes};
use crate::update_meta::ALLOWED_UPDATES;
use bazar_store::SuspendedBot;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Polls one bot until cancelled.
pub(crate) async fn run(rt: Arc<RuntimeInner>, bot: Arc<BotHandle>, cancel: CancellationToken) {
    let bot_id = bot.scope.bot_id();
    let tenant = rt.store.tenant(&bot.scope);
    let mut failures: u32 = 0;
    // A webhook left from webhook mode makes getUpdates answer 409: remove it first.
    if matches!(tenant.webhook_fingerprint().await, Ok(Some(_))) {
        if let Err(e) = rt.api.delete_webhook(&bot.token).await {
            tracing::warn!(%bot_id, error = %e, "could not delete the old webhook");
        }
        let _ = tenant.set_webhook_fingerprint(None).await;
    }
    let mut offset = loop {
        match tenant.poll_offset().await {
            Ok(offset) => break offset,
            Err(e) => {
                tracing::warn!(%bot_id, error = %e, "cannot read the poll offset");
                if sleep_or_cancel(&cancel, Duration::from_secs(1)).await {
                    return;
                }
            }
        }
    };
    tracing::debug!(%bot_id, offset, "polling");
    loop {
        let polled = tokio::select! {
            () = cancel.cancelled() => return,
            polled = rt.api.get_updates(&bot.token, offset, rt.options.poll_timeout.as_secs(), ALLOWED_UPDATES) => polled,
        };
        let wait = match polled {
            Ok(updates) if updates.is_empty() => {
                failures = 0;
                continue;
            }
            // Stopped (suspended, disabled) while the answer came: left
            // unconfirmed, the updates go to whoever serves the bot now.
            Ok(_) if cancel.is_cancelled() => return,
            Ok(updates) => {
                let next = updates.iter().filter_map(|u| u.get("update_id")?.as_i64()).max().map(|m| m + 1);
                let payloads = updates.into_iter().map(|u| (u.to_string(), u)).collect();
                match rt.ingest(&bot, payloads, next).await {
                    Ok(_) => {
                        failures = 0;
                        offset = next.unwrap_or(offset);
                        continue;
                    }
                    // Not stored, so not confirmed: the same updates come again.
                    Err(e) => {
                        tracing::warn!(%bot_id, error = %e, "could not store polled updates");
                        Duration::from_secs(1)
                    }
                }
            }
            Err(e) if e.is_conflict() => {
                tracing::warn!(%bot_id, error = %e, "getUpdates conflict; removing any webhook");
                let _ = rt.api.delete_webhook(&bot.token).await;
                Duration::from_secs(1)
            }
            Err(e) if e.is_unauthorized() => {
                tracing::error!(%bot_id, "Telegram rejects this bot's token; disable the bot or register a new token");
                Duration::from_secs(60)
            }
            Err(e) => {
                failures += 1;
                tracing::warn!(%bot_id, error = %e, failures, "getUpdates failed");
                e.retry_after()
                    .map(Duration::from_secs)
                    .unwrap_or_else(|| Duration::from_millis(500u64 << failures.min(6)))
            }
        };
        if sleep_or_cancel(&cancel, wait).await {
            return;
        }
    }
}

/// Sleeps; returns true when cancelled meanwhile.
async fn sleep_or_cancel(cancel: &CancellationToken, wait: Duration) -> bool {
    tokio::select! {
        () = cancel.cancelled() => true,
        () = tokio::time::sleep(wait) => false,
    }
}

/// Polling mode: starts a polite poller for each newly suspended bot and stops
/// those of bots no longer suspended. Webhook mode: the route answers
/// suspended bots itself; a newly suspended bot's webhook is (re)registered,
/// so one suspended before it was ever served is heard too.
pub(crate) fn follow_suspended(rt: &Arc<RuntimeInner>, changes: &Changes, parent: &CancellationToken) {
    if let Mode::Webhook { public_url } = &rt.options.mode {
        for bot in &changes.suspended {
            let (rt, bot, public_url, cancel) = (rt.clone(), bot.clone(), public_url.clone(), parent.clone());
            tokio::spawn(async move {
                tokio::select! {
                    () = cancel.cancelled() => {}
                    () = crate::webhook::register_polite(&rt, &bot, &public_url) => {}
                }
            });
        }
        return;
    }
    let mut pollers = rt.registry.polite_pollers.lock().expect("registry lock");
    for bot_id in &changes.unsuspended {
        if let Some(cancel) = pollers.remove(bot_id) {
            cancel.cancel();
        }
    }
    for bot in &changes.suspended {
        let cancel = parent.child_token();
        tokio::spawn(run_polite(rt.clone(), bot.clone(), cancel.clone()));
        if let Some(old) = pollers.insert(bot.bot_id, cancel) {
            old.cancel();
        }
    }
}

/// Polls a suspended bot until cancelled, answering only politely.
pub(crate) async fn run_polite(rt: Arc<RuntimeInner>, bot: Arc<SuspendedBot>, cancel: CancellationToken) {
    let bot_id = bot.bot_id;
    let mut offset = 0;
    let mut failures: u32 = 0;
    loop {
        let polled = tokio::select! {
            () = cancel.cancelled() => return,
            polled = rt.api.get_updates(&bot.token, offset, rt.options.poll_timeout.as_secs(), ALLOWED_UPDATES) => polled,
        };
        let wait = match polled {
            // Resumed while the answer came: the shop's own poller takes these.
            Ok(_) if cancel.is_cancelled() => return,
            Ok(updates) => {
                failures = 0;
                let mut next = None;
                for update in &updates {
                    let id = update.get("update_id").and_then(serde_json::Value::as_i64);
                    if crate::webhook::carries_money(update) && !crate::webhook::hold(&rt, &bot, update).await {
                        // Not held, so not confirmed: it comes again with the next poll.
                        break;
                    }
                    if let Some(call) = crate::webhook::polite_call(&rt, &bot, update)
                        && !send_polite(&rt, &bot, &call, &cancel).await
                    {
                        return;
                    }
                    next = id.map(|id| id + 1).max(next);
                }
                offset = next.unwrap_or(offset);
                if next.is_some() || updates.is_empty() {
                    continue;
                }
                Duration::from_secs(1)
            }
            Err(e) if e.is_unauthorized() => Duration::from_secs(60),
            // The active bot's poller may still be finishing its last long poll.
            Err(e) if e.is_conflict() => Duration::from_secs(1),
            Err(e) => {
                failures += 1;
                tracing::debug!(%bot_id, error = %e, failures, "polite getUpdates failed");
                e.retry_after()
                    .map(Duration::from_secs)
                    .unwrap_or_else(|| Duration::from_millis(500u64 << failures.min(6)))
            }
        };
        if sleep_or_cancel(&cancel, wait).await {
            return;
        }
    }
}

/// Sends one polite answer of a suspended bot, waiting out a 429 (a chat
/// just answered by the active shop may still be inside Telegram's per-chat
/// window) a few times; other refusals are logged and dropped (the polite
/// line is a courtesy, and no tenant data is written while suspended). False
/// when cancelled meanwhile.
async fn send_polite(rt: &RuntimeInner, bot: &SuspendedBot, call: &Outgoing, cancel: &CancellationToken) -> bool {
    for _ in 0..3 {
        match rt.api.call_json(&bot.token, call.method, &call.params).await {
            Ok(_) => return true,
            Err(e) => match e.retry_after() {
                Some(seconds) => {
                    if sleep_or_cancel(cancel, Duration::from_secs(seconds.min(30))).await {
                        return false;
                    }
                }
                None => {
                    tracing::debug!(bot_id = %bot.bot_id, error = %e, "polite answer not sent");
                    return true;
                }
            },
        }
    }
    tracing::debug!(bot_id = %bot.bot_id, "polite answer not sent: Telegram kept asking to slow down");
    true
}
