//! The runtime's shared state and what every entry point does with an
//! update: store it in the inbox and queue it per chat (`ingest` for polled
//! updates, `handle_webhook` for delivered ones), take back what a previous
//! run left, register webhooks. The pollers, the webhook route, the job runner
//! and the wiring (`runtime.rs`) depend on it; it depends on none of them.

use crate::dispatch::{Answer, Dispatcher, Job, Source};
use crate::options::RuntimeOptions;
use crate::outbox::Outbox;
use crate::pipeline::Handler;
use crate::registry::{BotHandle, Registry};
use crate::update_meta::{ALLOWED_UPDATES, UpdateMeta};
use bazar_domain::BotId;
use bazar_store::{PlatformScope, Store, StoreError};
use bazar_telegram::BotApi;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What the runtime's parts share: the store, the Bot API client, the
/// registry, the dispatcher and the outbox, and the tasks to stop at shutdown.
pub(crate) struct RuntimeInner {
    pub(crate) store: Store,
    /// The platform access `serve` was handed: the registry's reloads, the
    /// job claimer, the broadcast engine, the inbox's recovery and pruning.
    /// The tenant handler never sees it.
    pub(crate) platform: PlatformScope,
    pub(crate) api: BotApi,
    pub(crate) options: RuntimeOptions,
    pub(crate) registry: Arc<Registry>,
    pub(crate) dispatcher: Dispatcher,
    pub(crate) outbox: Outbox,
    pub(crate) cancel: CancellationToken,
    pub(crate) pollers: Mutex<HashMap<BotId, (CancellationToken, JoinHandle<()>)>>,
    pub(crate) background: Mutex<Vec<JoinHandle<()>>>,
    /// The broadcast engine, stopped gently: its in-flight batches are recorded.
    pub(crate) broadcasts: Mutex<Option<JoinHandle<()>>>,
    pub(crate) handler: Arc<dyn Handler>,
    /// Held while one step of following the bots table runs.
    pub(crate) following: tokio::sync::Mutex<()>,
}

impl RuntimeInner {
    /// Stores new updates (dropping repeats) and queues them for handling.
    pub(crate) async fn ingest(
        &self,
        bot: &Arc<BotHandle>,
        updates: Vec<(String, Value)>,
        next_offset: Option<i64>,
    ) -> Result<usize, StoreError> {
        let mut rows = Vec::with_capacity(updates.len());
        let mut chats = HashMap::with_capacity(updates.len());
        for (payload, value) in updates {
            match UpdateMeta::of(&value) {
                Some(meta) => {
                    chats.insert(meta.update_id, meta.chat_id);
                    rows.push((meta.update_id, payload));
                }
                None => tracing::debug!(bot_id = %bot.scope.bot_id(), "update without update_id ignored"),
            }
        }
        let fresh = self.store.tenant(&bot.scope).ingest_updates(&rows, next_offset).await?;
        metrics::counter!("bazar_updates_received_total").increment(rows.len() as u64);
        metrics::counter!("bazar_updates_dropped_total", "reason" => "duplicate")
            .increment((rows.len() - fresh.len()) as u64);
        let fresh_count = fresh.len();
        let mut by_id: HashMap<i64, String> = rows.into_iter().collect();
        for update_id in fresh {
            let payload = by_id.remove(&update_id).unwrap_or_default();
            let chat = chats.get(&update_id).copied().flatten();
            self.dispatcher.dispatch(Job { bot: bot.clone(), update_id, payload, source: Source::Inbox }, chat);
        }
        Ok(fresh_count)
    }

    /// Handles a webhook update and says how to answer Telegram: stored and
    /// handled in one transaction, behind earlier updates of the same chat.
    pub(crate) async fn handle_webhook(&self, bot: &Arc<BotHandle>, payload: String, meta: UpdateMeta) -> Answer {
        metrics::counter!("bazar_updates_received_total").increment(1);
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Job { bot: bot.clone(), update_id: meta.update_id, payload, source: Source::Webhook(reply) };
        if !self.dispatcher.dispatch(job, meta.chat_id) {
            return Answer::Retry; // shutting down: Telegram delivers it again later
        }
        answer.await.unwrap_or(Answer::Retry)
    }

    /// Re-queues updates accepted by an earlier run but never handled.
    pub(crate) async fn recover(&self) -> Result<(), StoreError> {
        let pending = self.store.platform(&self.platform).pending_updates(100_000).await?;
        let mut requeued = 0;
        for update in pending {
            let Some(bot) = self.registry.get(update.bot_id) else { continue };
            let chat = serde_json::from_str::<Value>(&update.payload).ok().and_then(|v| UpdateMeta::of(&v)?.chat_id);
            self.dispatcher.dispatch(
                Job { bot, update_id: update.update_id, payload: update.payload, source: Source::Inbox },
                chat,
            );
            requeued += 1;
        }
        if requeued > 0 {
            tracing::info!(requeued, "re-queued updates accepted before the last stop");
        }
        Ok(())
    }

    /// Queues what bots served again (enabled, resumed) have waiting in the
    /// inbox — payments held while they were suspended — as a start does for
    /// every bot ([`Self::recover`]). An update queued twice is handled once
    /// (the pipeline takes it from the inbox in its transaction).
    pub(crate) async fn requeue(&self, bots: &[Arc<BotHandle>]) {
        for bot in bots {
            let pending = match self.store.tenant(&bot.scope).pending_updates(10_000).await {
                Ok(pending) => pending,
                Err(e) => {
                    tracing::warn!(bot_id = %bot.scope.bot_id(), error = %e, "cannot read the bot's waiting updates");
                    continue;
                }
            };
            if !pending.is_empty() {
                tracing::info!(bot_id = %bot.scope.bot_id(), requeued = pending.len(), "queued updates that waited for the bot");
            }
            for update in pending {
                let chat =
                    serde_json::from_str::<Value>(&update.payload).ok().and_then(|v| UpdateMeta::of(&v)?.chat_id);
                let job = Job {
                    bot: bot.clone(),
                    update_id: update.update_id,
                    payload: update.payload,
                    source: Source::Inbox,
                };
                self.dispatcher.dispatch(job, chat);
            }
        }
    }

    /// Registers the bot's webhook with Telegram unless the same one already is.
    pub(crate) async fn ensure_webhook(&self, bot: &BotHandle, public_url: &str) {
        let bot_id = bot.scope.bot_id();
        let url = format!("{}/webhook/{bot_id}", public_url.trim_end_matches('/'));
        let fingerprint = bazar_secrets::sha256_hex(
            format!("{url}\n{}\n{}", bot.webhook_secret, ALLOWED_UPDATES.join(",")).as_bytes(),
        );
        let tenant = self.store.tenant(&bot.scope);
        if matches!(tenant.webhook_fingerprint().await, Ok(Some(ref fp)) if *fp == fingerprint) {
            return;
        }
        for attempt in 0..5u32 {
            match self.api.set_webhook(&bot.token, &url, &bot.webhook_secret, ALLOWED_UPDATES).await {
                Ok(()) => {
                    if let Err(e) = tenant.set_webhook_fingerprint(Some(&fingerprint)).await {
                        tracing::warn!(%bot_id, error = %e, "webhook set but not recorded");
                    }
                    tracing::info!(%bot_id, "webhook registered");
                    return;
                }
                Err(e) => {
                    tracing::warn!(%bot_id, error = %e, attempt, "setWebhook failed");
                    if !(e.is_transient() || e.retry_after().is_some()) {
                        return;
                    }
                    let wait =
                        e.retry_after().map(Duration::from_secs).unwrap_or(Duration::from_millis(500 << attempt));
                    tokio::select! {
                        () = self.cancel.cancelled() => return,
                        () = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
    }
}
