//! Long polling: exactly one `getUpdates` loop per active bot (when no public
//! URL is configured). The offset advances only in the transaction that stores
//! the polled updates, so a restart neither loses nor repeats an update.

use crate::registry::BotHandle;
use crate::runtime::RuntimeInner;
use crate::update_meta::ALLOWED_UPDATES;
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
