//! The broadcast engine: sends the broadcasts admins confirmed, paced under
//! Telegram's per-bot limit, surviving restarts without sending anyone a
//! message twice.
//!
//! * Every second the engine claims running broadcasts of active bots with a
//!   lease (`Platform::claim_broadcasts`), so two processes never send the
//!   same one and a dead process's broadcasts are resumed once its lease runs
//!   out. Each claimed broadcast gets a task.
//! * The task claims small batches (half a second of sends each): the rows go
//!   `pending` → `sending` in the database *before* anything is sent, so after
//!   a crash they become `unknown` instead of being sent again — at most once,
//!   as Telegram has no idempotency for `sendMessage`. A crash leaves at most
//!   [`BroadcastOptions::in_flight`] batches — about one second of sends — in doubt.
//! * Messages go through the bot's [`Outbox`] as [`Priority::Background`]:
//!   they share the per-bot window with the bot's interactive replies but
//!   queue behind them, and with two batches in flight the queue never runs
//!   dry, so the bot sends at its full rate. Every bot has its own window, so
//!   ten tenants broadcasting at once each get their own full rate.
//! * Outcomes are recorded per batch; a 403 counts as *blocked* (the outbox
//!   marks the customer too). Cancelling is seen before the next batch.
//! * The admin's progress message is edited in place every few seconds;
//!   at the end it shows the final state and a report is sent.

use crate::outbox::{Outgoing, Priority, SendOutcome};
use crate::registry::BotHandle;
use bazar_domain::BroadcastId;
use bazar_store::{BatchClaim, Broadcast, BroadcastMessage, BroadcastStatus, DeliveryOutcome, DeliveryTarget};
use bazar_telegram::requests::{EditMessageText, InlineButton, InlineKeyboard, SendMessage, SendPhoto};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How the engine works through broadcasts.
#[derive(Debug, Clone, Copy)]
pub struct BroadcastOptions {
    /// Deliveries claimed (and marked `sending`) at a time.
    pub batch: usize,
    /// Batches handed to the outbox and not yet recorded: two keep the pipe full,
    /// and `batch × in_flight` (about one second of a bot's sends) bounds what a
    /// crash leaves in doubt.
    pub in_flight: usize,
    /// How long a claim holds without renewal (renewed with every batch).
    pub lease: Duration,
    /// How often unclaimed broadcasts are looked for.
    pub poll: Duration,
    /// How often the admin's progress message is edited.
    pub progress_every: Duration,
}

impl Default for BroadcastOptions {
    fn default() -> Self {
        Self {
            batch: 15,
            in_flight: 2,
            lease: Duration::from_secs(10),
            poll: Duration::from_secs(1),
            progress_every: Duration::from_secs(3),
        }
    }
}

/// Which of the two admin-facing texts is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// The progress message (edited in place; its last edit shows the final state).
    Progress,
    /// The report sent as a new message when the broadcast has ended.
    Report,
}

/// Where a broadcast stands, for the admin's progress message and report.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastProgress {
    /// The broadcast with its counters.
    pub broadcast: Broadcast,
    /// Messages per second this process achieved so far (0 before the first batch).
    pub per_second: f64,
    /// Time left at that rate, while running.
    pub eta: Option<Duration>,
}

impl BroadcastProgress {
    /// The progress of `broadcast` at `per_second`.
    pub fn new(broadcast: Broadcast, per_second: f64) -> Self {
        let remaining = broadcast.counts.remaining();
        let eta = (broadcast.status == BroadcastStatus::Running && per_second > 0.0)
            .then(|| Duration::from_secs_f64(remaining as f64 / per_second));
        Self { broadcast, per_second, eta }
    }

    /// Share of the targeted customers with an outcome, 0–100.
    pub fn percent(&self) -> u8 {
        let c = &self.broadcast.counts;
        if c.total == 0 { 100 } else { (c.finished() * 100 / c.total).clamp(0, 100) as u8 }
    }

    /// A text progress bar of `width` cells.
    pub fn bar(&self, width: usize) -> String {
        let full = usize::from(self.percent()) * width / 100;
        format!("{}{}", "█".repeat(full), "░".repeat(width - full))
    }

    /// The untranslated summary [`crate::Handler::broadcast_text`] falls back to.
    pub fn plain(&self, kind: TextKind) -> String {
        let b = &self.broadcast;
        let c = &b.counts;
        let head = match (kind, b.status) {
            (TextKind::Report, BroadcastStatus::Cancelled) => format!("Broadcast #{} cancelled.", b.id),
            (TextKind::Report, _) => format!("Broadcast #{} finished.", b.id),
            (TextKind::Progress, status) => format!("Broadcast #{} ({})", b.id, status.as_str()),
        };
        format!(
            "{head}\n{} {}%\nsent {} · failed {} · blocked {} · skipped {} · unknown {} · remaining {}",
            self.bar(10),
            self.percent(),
            c.sent,
            c.failed,
            c.blocked,
            c.skipped,
            c.unknown,
            c.remaining()
        )
    }
}

/// The Bot API call that delivers `message` to `chat_id`: `sendMessage`, or
/// `sendPhoto` with the text as caption, with the optional URL button. The
/// admin's preview uses it too, so the preview is exactly what customers get.
pub fn broadcast_message(message: &BroadcastMessage, chat_id: i64) -> Outgoing {
    let button = message.button.as_ref().map(|b| InlineKeyboard::new(vec![vec![InlineButton::url(&b.label, &b.url)]]));
    let text = message.text.as_deref().unwrap_or_default();
    match &message.photo_file_id {
        Some(photo) => {
            let mut call = SendPhoto::new(chat_id, Some(photo.clone()));
            if !text.is_empty() {
                call = call.caption(text);
            }
            if let Some(button) = button {
                call = call.markup(button);
            }
            Outgoing::call(call)
        }
        None => {
            let mut call = SendMessage::new(chat_id, text);
            if let Some(button) = button {
                call = call.markup(button);
            }
            Outgoing::call(call)
        }
    }
}

/// What a send's end means for the delivery. A network error, a 5xx or an
/// unreadable answer may hide a delivered message: *unknown*, never retried.
fn outcome_of(result: Result<SendOutcome, oneshot::error::RecvError>) -> DeliveryOutcome {
    match result {
        Ok(Ok(_)) => DeliveryOutcome::Sent,
        Ok(Err(e)) if e.is_forbidden() => DeliveryOutcome::Blocked,
        Ok(Err(e)) if e.is_transient() || matches!(e, bazar_telegram::TelegramError::Protocol { .. }) => {
            DeliveryOutcome::Unknown
        }
        Ok(Err(e)) => DeliveryOutcome::Failed(e.to_string()),
        Err(_) => DeliveryOutcome::Unknown,
    }
}

/// This process's name in `broadcasts.owner`: its node (stable across
/// restarts) and a part new at every start, so a restarted process never
/// mistakes its predecessor's in-flight rows for its own, yet knows which
/// leases were its predecessor's.
fn owner_name(node: &str) -> String {
    format!("{node}/{}-{}", std::process::id(), bazar_secrets::random_code(b"0123456789abcdef", 12))
}

/// What the broadcast engine works with, handed in explicitly: the store
/// and the platform access (claims across tenants), the bots' outbox, the
/// registry of active bots, the texts of progress and report, its tuning.
/// Nothing of the runtime's internals, so it runs — and is tested — alone.
#[derive(Clone)]
pub struct BroadcastEngine {
    /// The storage layer.
    pub store: bazar_store::Store,
    /// Platform access, for claiming broadcasts of every tenant.
    pub platform: bazar_store::PlatformScope,
    /// Where messages go (paced per bot, behind interactive replies).
    pub outbox: crate::outbox::Outbox,
    /// The active bots: only theirs are sent.
    pub registry: Arc<crate::registry::Registry>,
    /// The texts of the progress message and the final report.
    pub texts: Arc<dyn crate::Handler>,
    /// Batching, leases, polling.
    pub options: BroadcastOptions,
    /// Telegram's per-bot window: a restarted node waits it out before sending again.
    pub window: Duration,
    /// This node's name (see `RuntimeOptions::node`).
    pub node: String,
    /// Stops the engine (its tasks finish their in-flight batches first).
    pub cancel: tokio_util::sync::CancellationToken,
}

impl BroadcastEngine {
    /// Runs until cancelled: see [`run`].
    pub async fn run(self) {
        run(Arc::new(self)).await
    }
}

/// The engine: claims broadcasts until cancelled, then lets each task
/// finish its in-flight batches and release its lease. At start the leases
/// this node's previous run held are ended, so its broadcasts resume at once
/// (their rows in doubt become `unknown` as any takeover does).
async fn run(rt: Arc<BroadcastEngine>) {
    let owner: Arc<str> = owner_name(&rt.node).into();
    let platform = &rt.platform;
    match rt.store.platform(platform).expire_broadcast_leases_of(&rt.node, &owner).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(broadcasts = n, "resuming broadcasts this node was sending when it stopped");
            // The dead run's last sends may still fill Telegram's window for
            // the bot (a fast restart); the outbox's count starts empty.
            tokio::select! {
                () = rt.cancel.cancelled() => return,
                () = tokio::time::sleep(rt.window) => {}
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot take back this node's broadcasts; they resume when their lease ends")
        }
    }
    let options = rt.options;
    let lease_ms = options.lease.as_millis() as i64;
    let mut tasks = JoinSet::new();
    let mut tick = tokio::time::interval(options.poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = rt.cancel.cancelled() => break,
            _ = tick.tick() => {}
        }
        while tasks.try_join_next().is_some() {}
        let claimed = match rt.store.platform(platform).claim_broadcasts(&owner, lease_ms, 64).await {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim broadcasts");
                continue;
            }
        };
        for broadcast in claimed {
            let Some(bot) = rt.registry.get(broadcast.bot_id) else {
                // Registered a moment ago, or just disabled: let it go until the registry agrees.
                let _ = rt.store.platform(platform).release_broadcast(broadcast.id, &owner).await;
                continue;
            };
            tracing::info!(bot_id = %broadcast.bot_id, broadcast = %broadcast.id, "broadcast claimed");
            tasks.spawn(Sender::new(rt.clone(), bot, broadcast, owner.clone()).run());
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// One in-flight batch: each customer with the receiver of their message's outcome.
type InFlight = Vec<(DeliveryTarget, oneshot::Receiver<SendOutcome>)>;

/// Sends one broadcast for this process.
struct Sender {
    rt: Arc<BroadcastEngine>,
    bot: Arc<BotHandle>,
    broadcast: Broadcast,
    owner: Arc<str>,
    /// When this process started on it, and how many outcomes were known then.
    began: Instant,
    finished_at_start: i64,
    last_progress: Option<(Instant, String)>,
}

/// What a database step of a sender needs, owned (so the step's future borrows nothing).
struct Step {
    store: bazar_store::Store,
    bot: Arc<BotHandle>,
    id: BroadcastId,
    owner: Arc<str>,
}

/// Why a sender stopped claiming batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Nothing pending, or an admin cancelled it: finish and report.
    Ended,
    /// Another process owns it now: leave it alone.
    LostLease,
    /// This process is stopping, or the bot is no longer served: release it for later.
    Shutdown,
}

impl Sender {
    fn new(rt: Arc<BroadcastEngine>, bot: Arc<BotHandle>, broadcast: Broadcast, owner: Arc<str>) -> Self {
        let finished_at_start = broadcast.counts.finished();
        Self { rt, bot, broadcast, owner, began: Instant::now(), finished_at_start, last_progress: None }
    }

    async fn run(mut self) {
        if self.broadcast.status == BroadcastStatus::Running {
            if self.broadcast.progress_message_id.is_none() {
                self.send_progress_message().await;
            }
            match self.send_all().await {
                Stop::Ended => {}
                Stop::LostLease => {
                    tracing::warn!(broadcast = %self.broadcast.id, "broadcast taken over by another process");
                    return;
                }
                Stop::Shutdown => {
                    self.show_progress(true);
                    self.retrying("release a broadcast", |t| async move {
                        t.store.tenant(&t.bot.scope).release_broadcast(t.id, &t.owner).await
                    })
                    .await;
                    return;
                }
            }
        }
        self.finish().await;
    }

    /// Claims, sends and records batches until none is left, the broadcast is
    /// stopped, or the process is.
    async fn send_all(&mut self) -> Stop {
        let options = self.rt.options;
        let mut in_flight: VecDeque<InFlight> = VecDeque::new();
        let mut stop = None;
        loop {
            while stop.is_none() && in_flight.len() < options.in_flight {
                // Stopping, or the bot was disabled or suspended meanwhile: let it go for later.
                if self.rt.cancel.is_cancelled() || self.rt.registry.get(self.broadcast.bot_id).is_none() {
                    stop = Some(Stop::Shutdown);
                    break;
                }
                let tenant = self.rt.store.tenant(&self.bot.scope);
                let claim = tenant
                    .claim_broadcast_batch(
                        self.broadcast.id,
                        &self.owner,
                        options.batch as i64,
                        options.lease.as_millis() as i64,
                    )
                    .await;
                match claim {
                    Ok(BatchClaim::Batch(targets)) if targets.is_empty() => stop = Some(Stop::Ended),
                    Ok(BatchClaim::Batch(targets)) => in_flight.push_back(self.enqueue(targets)),
                    Ok(BatchClaim::Stopped) => stop = Some(Stop::Ended),
                    Ok(BatchClaim::LostLease) => stop = Some(Stop::LostLease),
                    Err(e) => {
                        tracing::warn!(broadcast = %self.broadcast.id, error = %e, "cannot claim a broadcast batch");
                        if in_flight.is_empty() {
                            tokio::select! {
                                () = self.rt.cancel.cancelled() => {}
                                () = tokio::time::sleep(Duration::from_secs(1)) => {}
                            }
                        }
                        break;
                    }
                }
            }
            let Some(batch) = in_flight.pop_front() else {
                match stop {
                    Some(stop) => return stop,
                    None => continue,
                }
            };
            self.record(batch).await;
            self.show_progress(false);
        }
    }

    /// Hands a claimed batch to the outbox, behind the bot's interactive replies.
    fn enqueue(&self, targets: Vec<DeliveryTarget>) -> InFlight {
        targets
            .into_iter()
            .map(|target| {
                let request = broadcast_message(&self.broadcast.message, target.chat_id);
                let outcome =
                    self.rt.outbox.enqueue_tracked(&self.bot.scope, &self.bot.token, request, Priority::Background);
                (target, outcome)
            })
            .collect()
    }

    /// Waits for a batch's outcomes and records them (retrying the database;
    /// rows never recorded stay `sending` and become `unknown` later).
    async fn record(&mut self, batch: InFlight) {
        let mut outcomes = Vec::with_capacity(batch.len());
        for (target, receiver) in batch {
            let outcome = outcome_of(receiver.await);
            let label = match &outcome {
                DeliveryOutcome::Sent => "sent",
                DeliveryOutcome::Blocked => "blocked",
                DeliveryOutcome::Failed(_) => "failed",
                DeliveryOutcome::Unknown => "unknown",
            };
            metrics::counter!("bazar_broadcast_messages_total", "outcome" => label).increment(1);
            outcomes.push((target.customer_id, outcome));
        }
        let outcomes = Arc::new(outcomes);
        let recorded = self
            .retrying("record broadcast outcomes", |t| {
                let outcomes = outcomes.clone();
                async move { t.store.tenant(&t.bot.scope).record_broadcast_outcomes(t.id, &outcomes).await }
            })
            .await;
        if let Some(broadcast) = recorded {
            self.broadcast = broadcast;
        }
    }

    /// Runs a database step up to five times, a second apart; logs and gives up after that.
    async fn retrying<T, F, Fut>(&self, what: &str, step: F) -> Option<T>
    where
        F: Fn(Step) -> Fut,
        Fut: std::future::Future<Output = Result<T, bazar_store::StoreError>>,
    {
        for attempt in 0..5 {
            let ctx = Step {
                store: self.rt.store.clone(),
                bot: self.bot.clone(),
                id: self.broadcast.id,
                owner: self.owner.clone(),
            };
            match step(ctx).await {
                Ok(value) => return Some(value),
                Err(e) => {
                    tracing::warn!(broadcast = %self.broadcast.id, attempt, error = %e, "cannot {what}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
        None
    }

    fn progress(&self) -> BroadcastProgress {
        let done = (self.broadcast.counts.finished() - self.finished_at_start).max(0);
        let elapsed = self.began.elapsed().as_secs_f64();
        let per_second = if elapsed > 0.5 { done as f64 / elapsed } else { 0.0 };
        BroadcastProgress::new(self.broadcast.clone(), per_second)
    }

    /// Sends the progress message and remembers its id for the edits.
    async fn send_progress_message(&mut self) {
        let text = self.rt.texts.broadcast_text(&self.progress(), TextKind::Progress);
        let request = Outgoing::call(SendMessage::new(self.broadcast.admin_chat_id, text.clone()));
        let sent = self.rt.outbox.enqueue_tracked(&self.bot.scope, &self.bot.token, request, Priority::Interactive);
        let Ok(Ok(message)) = sent.await else { return };
        let Some(message_id) = message.get("message_id").and_then(Value::as_i64) else { return };
        self.broadcast.progress_message_id = Some(message_id);
        self.last_progress = Some((Instant::now(), text));
        let _ = self
            .retrying("remember the progress message", |t| async move {
                t.store.tenant(&t.bot.scope).set_broadcast_progress_message(t.id, &t.owner, message_id).await
            })
            .await;
    }

    /// Edits the progress message when it is due (or `now`) and its text changed.
    fn show_progress(&mut self, now: bool) {
        let Some(message_id) = self.broadcast.progress_message_id else { return };
        let every = self.rt.options.progress_every;
        if !now && self.last_progress.as_ref().is_some_and(|(at, _)| at.elapsed() < every) {
            return;
        }
        let text = self.rt.texts.broadcast_text(&self.progress(), TextKind::Progress);
        if self.last_progress.as_ref().is_some_and(|(_, last)| *last == text) {
            return;
        }
        let chat = self.broadcast.admin_chat_id;
        let edit = Outgoing::call(EditMessageText {
            chat_id: chat,
            message_id,
            text: text.clone(),
            parse_mode: None,
            reply_markup: None,
        });
        self.rt.outbox.enqueue(&self.bot.scope, &self.bot.token, vec![edit]);
        self.last_progress = Some((Instant::now(), text));
    }

    /// Marks it done (unless cancelled), shows the final state and sends the report once.
    async fn finish(mut self) {
        let finished = self
            .retrying("finish a broadcast", |t| async move {
                t.store.tenant(&t.bot.scope).finish_broadcast(t.id, &t.owner).await
            })
            .await;
        let Some(broadcast) = finished else { return };
        self.broadcast = broadcast;
        if self.broadcast.status == BroadcastStatus::Running {
            // Some outcome could not be recorded: let go, so the next claim (ours
            // or another process's) turns those rows `unknown` and finishes.
            self.retrying("release a broadcast", |t| async move {
                t.store.tenant(&t.bot.scope).release_broadcast(t.id, &t.owner).await
            })
            .await;
            return;
        }
        self.show_progress(true);
        let report = self.rt.texts.broadcast_text(&self.progress(), TextKind::Report);
        let request = Outgoing::call(SendMessage::new(self.broadcast.admin_chat_id, report.clone()));
        let sent = self.rt.outbox.enqueue_tracked(&self.bot.scope, &self.bot.token, request, Priority::Interactive);
        let _ = sent.await;
        tracing::info!(
            bot_id = %self.broadcast.bot_id,
            broadcast = %self.broadcast.id,
            status = self.broadcast.status.as_str(),
            sent = self.broadcast.counts.sent,
            "broadcast ended"
        );
        self.retrying("mark a broadcast reported", |t| async move {
            t.store.tenant(&t.bot.scope).mark_broadcast_reported(t.id, &t.owner).await
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bazar_domain::{BotId, Language};
    use bazar_store::{BroadcastButton, BroadcastCounts};

    fn broadcast(status: BroadcastStatus, counts: BroadcastCounts) -> Broadcast {
        Broadcast {
            id: BroadcastId::from_raw(7),
            bot_id: BotId::from_raw(1),
            created_by: 5,
            admin_chat_id: 5,
            language: Language::En,
            message: BroadcastMessage { text: Some("hi".into()), photo_file_id: None, button: None },
            audience: bazar_store::Audience::All,
            status,
            counts,
            progress_message_id: None,
            reported: false,
            created_at: 0,
            started_at: Some(0),
            finished_at: None,
        }
    }

    #[test]
    fn progress_bar_eta_and_plain_text() {
        let counts = BroadcastCounts { total: 200, sent: 90, failed: 5, blocked: 3, skipped: 2, unknown: 0 };
        let p = BroadcastProgress::new(broadcast(BroadcastStatus::Running, counts), 25.0);
        assert_eq!(p.percent(), 50);
        assert_eq!(p.bar(10), "█████░░░░░");
        assert_eq!(p.eta, Some(Duration::from_secs(4)));
        let text = p.plain(TextKind::Progress);
        assert!(text.contains("sent 90") && text.contains("remaining 100"), "{text}");
        let done = BroadcastProgress::new(broadcast(BroadcastStatus::Cancelled, counts), 25.0);
        assert_eq!(done.eta, None);
        assert!(done.plain(TextKind::Report).contains("cancelled"));
        let empty = BroadcastProgress::new(broadcast(BroadcastStatus::Done, BroadcastCounts::default()), 0.0);
        assert_eq!((empty.percent(), empty.bar(4).as_str()), (100, "████"));
    }

    #[test]
    fn messages_are_text_or_photo_with_one_url_button() {
        let button = Some(BroadcastButton { label: "Open".into(), url: "https://example.com".into() });
        let text = BroadcastMessage { text: Some("Hello".into()), photo_file_id: None, button: button.clone() };
        let out = broadcast_message(&text, 42);
        assert_eq!(out.method, "sendMessage");
        assert_eq!(out.params["chat_id"], 42);
        assert_eq!(out.params["text"], "Hello");
        assert_eq!(out.params["reply_markup"]["inline_keyboard"][0][0]["url"], "https://example.com");
        let photo = BroadcastMessage { text: None, photo_file_id: Some("AgAD".into()), button: None };
        let out = broadcast_message(&photo, 42);
        assert_eq!(out.method, "sendPhoto");
        assert_eq!(out.params["photo"], "AgAD");
        assert!(out.params.get("caption").is_none() && out.params.get("reply_markup").is_none());
    }

    #[test]
    fn ambiguous_failures_are_unknown_never_failed() {
        use bazar_telegram::TelegramError;
        let api = |code| TelegramError::Api { method: "sendMessage", code, description: "x".into(), retry_after: None };
        assert_eq!(outcome_of(Ok(Ok(serde_json::json!({"message_id": 1})))), DeliveryOutcome::Sent);
        assert_eq!(outcome_of(Ok(Err(api(403)))), DeliveryOutcome::Blocked);
        assert!(matches!(outcome_of(Ok(Err(api(400)))), DeliveryOutcome::Failed(_)));
        assert_eq!(outcome_of(Ok(Err(api(502)))), DeliveryOutcome::Unknown);
        let network = TelegramError::Network { method: "sendMessage", reason: "reset".into() };
        assert_eq!(outcome_of(Ok(Err(network))), DeliveryOutcome::Unknown);
        let (tx, rx) = oneshot::channel::<SendOutcome>();
        drop(tx);
        let dropped = futures::executor::block_on(rx);
        assert_eq!(outcome_of(dropped), DeliveryOutcome::Unknown);
    }
}
