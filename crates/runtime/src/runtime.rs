//! Wiring: registry, pollers or webhooks, dispatcher, pipeline, outbox, jobs.

use crate::dispatch::{Answer, Dispatcher, Job, Source, Work};
use crate::outbox::{Outbox, OutboxOptions};
use crate::pipeline::{Handler, Pipeline};
use crate::registry::{BotHandle, Registry};
use crate::update_meta::{ALLOWED_UPDATES, UpdateMeta};
use bazar_domain::BotId;
use bazar_store::{PlatformScope, Store, StoreError};
use bazar_telegram::BotApi;
use futures::{FutureExt, StreamExt};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How updates reach the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Telegram POSTs to `{public_url}/webhook/{bot_id}`.
    Webhook {
        /// The externally reachable base URL.
        public_url: String,
    },
    /// One `getUpdates` long-polling loop per bot.
    Polling,
}

/// Runtime settings.
#[derive(Debug, Clone)]
pub struct RuntimeOptions {
    /// Webhooks or long polling.
    pub mode: Mode,
    /// Number of ordering shards (parallel handlers).
    pub shards: usize,
    /// Pacing of outgoing messages.
    pub outbox: OutboxOptions,
    /// How often the registry checks the database for added/disabled/removed bots.
    pub registry_refresh: Duration,
    /// `getUpdates` long-poll timeout.
    pub poll_timeout: Duration,
    /// How often due background jobs are claimed.
    pub job_poll: Duration,
    /// How broadcasts are claimed, batched and reported.
    pub broadcasts: crate::broadcast::BroadcastOptions,
    /// This process's name on the database (`node_id`): stable across its
    /// restarts, distinct from every other process sharing the database. At
    /// start, jobs and broadcasts still held under it were held by its own
    /// previous run, which is dead, and are taken back at once.
    pub node: String,
}

impl RuntimeOptions {
    /// Defaults for a mode.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            shards: 64,
            outbox: OutboxOptions::default(),
            registry_refresh: Duration::from_secs(1),
            poll_timeout: Duration::from_secs(25),
            job_poll: Duration::from_millis(200),
            broadcasts: crate::broadcast::BroadcastOptions::default(),
            node: ephemeral_node(),
        }
    }
}

/// A node name no other run will ever have (the default, for embedders that
/// set none): nothing is taken back at start, leases bring work back instead.
fn ephemeral_node() -> String {
    format!("run-{}-{}", std::process::id(), bazar_secrets::random_code(b"0123456789abcdef", 8))
}

/// The running Telegram side of the platform. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<RuntimeInner>,
}

pub(crate) struct RuntimeInner {
    pub(crate) store: Store,
    /// The platform access `serve` was handed: the registry's reloads, the
    /// job claimer, the broadcast engine, the inbox's recovery and pruning.
    /// The tenant handler never sees it.
    pub(crate) platform: PlatformScope,
    pub(crate) api: BotApi,
    pub(crate) options: RuntimeOptions,
    pub(crate) registry: Arc<Registry>,
    dispatcher: Dispatcher,
    pub(crate) outbox: Outbox,
    pub(crate) cancel: CancellationToken,
    pollers: Mutex<HashMap<BotId, (CancellationToken, JoinHandle<()>)>>,
    background: Mutex<Vec<JoinHandle<()>>>,
    /// The broadcast engine, stopped gently: its in-flight batches are recorded.
    broadcasts: Mutex<Option<JoinHandle<()>>>,
    pub(crate) handler: Arc<dyn Handler>,
}

impl Runtime {
    /// Loads the active bots, re-queues updates a previous run accepted but did
    /// not finish, then starts polling or registers webhooks, and follows the
    /// database for bot changes. `platform` is the composition root's
    /// platform access, for the runtime's own cross-tenant work.
    pub async fn start(
        store: Store,
        platform: PlatformScope,
        api: BotApi,
        options: RuntimeOptions,
        handler: Arc<dyn Handler>,
    ) -> Result<Self, StoreError> {
        let outbox = Outbox::new(api.clone(), store.clone(), options.outbox);
        let pipeline = Arc::new(Pipeline { store: store.clone(), outbox: outbox.clone(), handler: handler.clone() });
        let work: Work = Arc::new(move |job: Job| {
            let pipeline = pipeline.clone();
            Box::pin(async move { pipeline.run(job).await })
        });
        let inner = Arc::new(RuntimeInner {
            dispatcher: Dispatcher::start(options.shards, work),
            store,
            platform,
            api,
            options,
            registry: Arc::new(Registry::default()),
            outbox,
            cancel: CancellationToken::new(),
            pollers: Mutex::new(HashMap::new()),
            background: Mutex::new(Vec::new()),
            broadcasts: Mutex::new(None),
            handler,
        });
        let changes = inner.registry.reload(&inner.store, &inner.platform, true).await?;
        inner.recover().await?;
        inner.take_back_jobs().await?;
        crate::poller::follow_suspended(&inner, &changes, &inner.cancel);
        inner.clone().apply(changes.added, Vec::new());
        let watcher = tokio::spawn(inner.clone().watch());
        let jobs = tokio::spawn(inner.clone().run_jobs());
        inner.background.lock().expect("runtime lock").extend([watcher, jobs]);
        let engine = crate::broadcast::BroadcastEngine {
            store: inner.store.clone(),
            platform: inner.platform.clone(),
            outbox: inner.outbox.clone(),
            registry: inner.registry.clone(),
            texts: inner.handler.clone(),
            options: inner.options.broadcasts,
            window: inner.options.outbox.per_bot_window,
            node: inner.options.node.clone(),
            cancel: inner.cancel.clone(),
        };
        *inner.broadcasts.lock().expect("runtime lock") = Some(tokio::spawn(engine.run()));
        tracing::info!(bots = inner.registry.len(), mode = ?inner.options.mode, "Telegram runtime started");
        Ok(Self { inner })
    }

    /// The webhook route (`POST /webhook/{bot_id}`).
    pub fn router(&self) -> axum::Router {
        crate::webhook::router(self.clone())
    }

    /// The active bots.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Updates queued or being handled.
    pub fn queued_updates(&self) -> usize {
        self.inner.dispatcher.queued()
    }

    /// Outgoing requests not yet sent.
    pub fn pending_sends(&self) -> usize {
        self.inner.outbox.pending()
    }

    /// Stops polling, handles every update already accepted, and sends what
    /// they produced (waiting at most `timeout` for the sends).
    pub async fn shutdown(&self, timeout: Duration) {
        self.inner.cancel.cancel();
        let pollers: Vec<_> = self.inner.pollers.lock().expect("runtime lock").drain().map(|(_, p)| p).collect();
        for (cancel, handle) in pollers {
            cancel.cancel();
            let _ = handle.await;
        }
        let broadcasts = self.inner.broadcasts.lock().expect("runtime lock").take();
        if let Some(engine) = broadcasts {
            // Batches already handed to the outbox are sent and recorded; leases are released.
            let abort = engine.abort_handle();
            if tokio::time::timeout(timeout, engine).await.is_err() {
                abort.abort();
                tracing::warn!("shutdown: broadcasts did not wind down in time");
            }
        }
        let background = std::mem::take(&mut *self.inner.background.lock().expect("runtime lock"));
        for task in background {
            task.abort();
        }
        self.inner.dispatcher.drain().await;
        if !self.inner.outbox.flush(timeout).await {
            tracing::warn!(unsent = self.inner.outbox.pending(), "shutdown: some replies were not sent in time");
        }
        tracing::info!("Telegram runtime stopped");
    }
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
    async fn recover(&self) -> Result<(), StoreError> {
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
    async fn requeue(&self, bots: &[Arc<BotHandle>]) {
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

    /// Puts the jobs this node's previous run had claimed (it died holding
    /// them) back to `pending` at once, instead of after their lease.
    async fn take_back_jobs(&self) -> Result<(), StoreError> {
        let released = self.store.platform(&self.platform).release_jobs_of(&self.options.node).await?;
        if released > 0 {
            tracing::info!(released, node = %self.options.node, "took back jobs this node held when it stopped");
        }
        Ok(())
    }

    /// Claims due background jobs and runs each on its own task (at most
    /// [`MAX_RUNNING_JOBS`] at once), so a slow job delays no other and the
    /// next claim does not wait for it; their messages go out through the
    /// outbox like replies. Dropping the set (at shutdown) stops them: each
    /// is still leased to this node, which takes it back when it starts.
    async fn run_jobs(self: Arc<Self>) {
        let mut tick = tokio::time::interval(self.options.job_poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut running = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                () = self.cancel.cancelled() => return,
                _ = tick.tick() => {}
            }
            while running.try_join_next().is_some() {}
            let free = MAX_RUNNING_JOBS.saturating_sub(running.len());
            if free == 0 {
                continue;
            }
            let platform = self.store.platform(&self.platform);
            match platform.claim_jobs_by(free as i64, 120_000, Some(&self.options.node)).await {
                Ok(jobs) => {
                    for job in jobs {
                        running.spawn(self.clone().run_job(job));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot claim jobs"),
            }
        }
    }

    /// One claimed job: run through the handler, or given up once it was
    /// claimed more than its kind allows. A panic (a bug) puts the job back
    /// with its attempt counted and the panic recorded, after a backoff.
    async fn run_job(self: Arc<Self>, job: bazar_store::Job) {
        let platform = self.store.platform(&self.platform);
        let Some(bot) = self.registry.get(job.bot_id) else {
            let _ = platform.defer_job(job.id, now_ms() + 60_000).await;
            return;
        };
        let give_up = job.attempts > job.kind.max_attempts();
        let run = if give_up {
            tracing::error!(bot_id = %job.bot_id, job = job.id, kind = job.kind.name(), attempts = job.attempts, "job given up");
            std::panic::AssertUnwindSafe(self.handler.give_up(&bot, &job)).catch_unwind().await
        } else {
            std::panic::AssertUnwindSafe(self.handler.run_job(&bot, &job)).catch_unwind().await
        };
        let messages = match run {
            Ok(messages) => messages,
            Err(panic) => {
                let why = crate::pipeline::panic_text(&panic);
                tracing::error!(bot_id = %job.bot_id, job = job.id, kind = job.kind.name(), panic = why, "job panicked");
                if !give_up {
                    let error = format!("panicked: {why}");
                    let _ = platform.retry_job(job.id, now_ms() + panic_backoff_ms(job.attempts), &error).await;
                }
                Vec::new()
            }
        };
        if give_up {
            // Whatever the handler did, the job does not come back.
            let reason = format!("given up after {} attempts", job.attempts);
            let _ = platform.fail_job(job.id, &reason).await;
        }
        self.outbox.enqueue(&bot.scope, &bot.token, messages);
    }

    /// Follows the database: bots added, enabled, disabled or removed.
    async fn watch(self: Arc<Self>) {
        let mut tick = tokio::time::interval(self.options.registry_refresh);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut prune = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                () = self.cancel.cancelled() => return,
                _ = tick.tick() => {
                    let reloaded = self.registry.reload(&self.store, &self.platform, false).await;
                    if let Ok(changes) = &reloaded {
                        crate::poller::follow_suspended(&self, changes, &self.cancel);
                    }
                    match reloaded {
                        Ok(changes) if !changes.added.is_empty() || !changes.removed.is_empty() => {
                            tracing::info!(added = changes.added.len(), removed = changes.removed.len(), "bots changed");
                            self.requeue(&changes.added).await;
                            self.clone().apply(changes.added, changes.removed);
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "cannot refresh the bot registry"),
                    }
                }
                _ = prune.tick() => {
                    match self.store.platform(&self.platform).prune_updates(24 * 3600 * 1000).await {
                        Ok(n) if n > 0 => tracing::debug!(pruned = n, "old handled updates pruned"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "cannot prune handled updates"),
                    }
                }
            }
        }
    }

    /// Starts serving added bots and stops serving removed ones.
    fn apply(self: Arc<Self>, added: Vec<Arc<BotHandle>>, removed: Vec<Arc<BotHandle>>) {
        for bot in &removed {
            if let Some((cancel, _)) = self.pollers.lock().expect("runtime lock").remove(&bot.scope.bot_id()) {
                cancel.cancel();
            }
        }
        match self.options.mode.clone() {
            Mode::Polling => {
                for bot in added {
                    let cancel = self.cancel.child_token();
                    let handle = tokio::spawn(crate::poller::run(self.clone(), bot.clone(), cancel.clone()));
                    if let Some((old, _)) =
                        self.pollers.lock().expect("runtime lock").insert(bot.scope.bot_id(), (cancel, handle))
                    {
                        old.cancel();
                    }
                }
            }
            Mode::Webhook { public_url } => {
                let this = self.clone();
                let task = tokio::spawn(async move {
                    futures::stream::iter(added)
                        .for_each_concurrent(32, |bot| {
                            let this = this.clone();
                            let public_url = public_url.clone();
                            async move { this.ensure_webhook(&bot, &public_url).await }
                        })
                        .await;
                });
                self.background.lock().expect("runtime lock").push(task);
            }
        }
    }

    /// Registers the bot's webhook with Telegram unless the same one already is.
    async fn ensure_webhook(&self, bot: &BotHandle, public_url: &str) {
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

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Jobs running at once in one process.
const MAX_RUNNING_JOBS: usize = 32;

/// The wait before a job that panicked runs again: 5 s, doubling, at most 30 min.
fn panic_backoff_ms(attempts: u32) -> i64 {
    (5_000i64 << attempts.saturating_sub(1).min(9)).min(1_800_000)
}
