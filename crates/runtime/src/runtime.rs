//! Wiring: registry, pollers or webhooks, dispatcher, pipeline, outbox, jobs.
//! The only module that starts pollers and follows the bots table; the parts
//! it wires ([`crate::inner`], [`crate::poller`], [`crate::webhook`], the job
//! runner) know nothing of it.

use crate::dispatch::{Dispatcher, Job, Work};
use crate::inner::RuntimeInner;
use crate::options::{Mode, RuntimeOptions};
use crate::outbox::Outbox;
use crate::pipeline::{Handler, Pipeline};
use crate::registry::{BotHandle, Registry};
use bazar_store::{PlatformScope, Store, StoreError};
use bazar_telegram::BotApi;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The running Telegram side of the platform. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<RuntimeInner>,
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
            following: tokio::sync::Mutex::new(()),
            handler,
        });
        let changes = inner.registry.reload(&inner.store, &inner.platform, true).await?;
        inner.recover().await?;
        inner.take_back_jobs().await?;
        crate::poller::follow_suspended(&inner, &changes, &inner.cancel);
        let _nothing_stopped = inner.clone().apply(changes.added, Vec::new());
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
        crate::webhook::router(self.inner.clone())
    }

    /// The active bots.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Follows the bots table now instead of at the next tick: the explicit
    /// hook for a test (or an operator's SIGHUP) that just changed a bot's
    /// status in another process and must not wait out the refresh interval.
    pub async fn follow_bots_now(&self) {
        self.inner.follow_bots().await;
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
    /// Follows the database: bots added, enabled, disabled or removed.
    async fn watch(self: Arc<Self>) {
        let mut tick = tokio::time::interval(self.options.registry_refresh);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut prune = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                () = self.cancel.cancelled() => return,
                _ = tick.tick() => self.follow_bots().await,
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

    /// One step of following the bots table: reads it, starts serving bots
    /// added or enabled, stops serving those removed or disabled. One step at
    /// a time (the tick and [`Runtime::follow_bots_now`] never interleave), so
    /// a change is applied once.
    async fn follow_bots(self: &Arc<Self>) {
        let _one_at_a_time = self.following.lock().await;
        let changes = match self.registry.reload(&self.store, &self.platform, false).await {
            Ok(changes) => changes,
            Err(e) => {
                tracing::warn!(error = %e, "cannot refresh the bot registry");
                return;
            }
        };
        if !changes.added.is_empty() || !changes.removed.is_empty() {
            tracing::info!(added = changes.added.len(), removed = changes.removed.len(), "bots changed");
            self.requeue(&changes.added).await;
            let stopped = self.clone().apply(changes.added.clone(), changes.removed.clone());
            // A stopped poller finishes what it took before its bot is served
            // otherwise (politely, or not at all), so no update is handled
            // both ways; its long poll ends at once on cancellation.
            for poller in stopped {
                let _ = tokio::time::timeout(Duration::from_secs(10), poller).await;
            }
        }
        crate::poller::follow_suspended(self, &changes, &self.cancel);
    }

    /// Starts serving added bots and stops serving removed ones.
    /// Returns the pollers it stopped, to be awaited.
    fn apply(self: Arc<Self>, added: Vec<Arc<BotHandle>>, removed: Vec<Arc<BotHandle>>) -> Vec<JoinHandle<()>> {
        let mut stopped = Vec::new();
        for bot in &removed {
            if let Some((cancel, poller)) = self.pollers.lock().expect("runtime lock").remove(&bot.scope.bot_id()) {
                cancel.cancel();
                stopped.push(poller);
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
        stopped
    }
}
