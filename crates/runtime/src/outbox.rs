//! Outgoing requests, paced under Telegram's limits.
//!
//! Telegram allows about 30 messages a second per bot and one a second per
//! chat, and answers 429 with `retry_after` beyond that. Each bot with pending
//! messages has one pacing task that releases a message when both its bot-wide
//! slot and its chat's slot are free, never two at once to the same chat (so a
//! chat's messages keep their order), without letting one slow chat hold up the
//! others. Requests that are not messages (`answerCallbackQuery`, …) are not
//! limited by Telegram and go out at once.
//!
//! Broadcast messages share the same per-bot window but queue behind every
//! interactive reply ([`Priority::Background`]), so a broadcast running at the
//! full rate never starves the bot's conversations; they are sent at most once
//! (only a 429, which Telegram did not perform, is retried) and report their
//! outcome through [`Outbox::enqueue_tracked`].

use bazar_domain::{BotToken, TelegramUserId};
use bazar_store::{Store, TenantScope};
use bazar_telegram::{Attachment, BotApi, BotMethod, TelegramError};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;

/// One Bot API call to make on behalf of a bot.
///
/// Built only from typed parameters ([`Outgoing::call`], [`Outgoing::upload`]:
/// the method's name comes from its type, `bazar_telegram::requests`), which
/// are then fitted to Telegram's limits ([`crate::limits`]): whatever a reply,
/// a job or a broadcast composed, what leaves is something Telegram accepts.
/// The struct is `non_exhaustive`; `params` is the call's wire form.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Outgoing {
    /// Bot API method, e.g. `sendMessage`.
    pub method: &'static str,
    /// Its parameters as sent (JSON), including `chat_id` for messages.
    pub params: Value,
    /// A file uploaded with the call (`sendPhoto` of a generated QR code).
    pub file: Option<Attachment>,
}

impl Outgoing {
    /// The call `params` stand for, its texts fitted to Telegram's limits.
    pub fn call<M: BotMethod>(params: M) -> Self {
        Self::fitted(M::METHOD, wire_form(&params), None)
    }

    /// The call `params` stand for, uploading `file` with it.
    pub fn upload<M: BotMethod>(params: M, file: Attachment) -> Self {
        Self::fitted(M::METHOD, wire_form(&params), Some(file))
    }

    fn fitted(method: &'static str, mut params: Value, file: Option<Attachment>) -> Self {
        crate::limits::fit_call(method, &mut params);
        Self { method, params, file }
    }

    /// Puts the message into a forum topic of its chat (`message_thread_id`).
    pub fn in_topic(&mut self, topic: i64) {
        self.params["message_thread_id"] = Value::from(topic);
    }

    async fn send(&self, api: &BotApi, token: &BotToken) -> Result<Value, TelegramError> {
        match &self.file {
            Some(file) => api.call_with_file(token, self.method, &self.params, file).await,
            None => api.call_json(token, self.method, &self.params).await,
        }
    }

    /// Whether Telegram counts this call against the message limits.
    fn is_message(&self) -> bool {
        self.method.starts_with("send")
            || self.method.starts_with("edit")
            || self.method == "copyMessage"
            || self.method == "forwardMessage"
    }

    fn chat_id(&self) -> Option<i64> {
        self.params.get("chat_id").and_then(Value::as_i64)
    }
}

/// How a message queues among the bot's others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A reply or a notice: goes before every background message, and is retried on transient failures.
    Interactive,
    /// A broadcast message: waits behind interactive ones and is sent at most
    /// once — only a 429 (which Telegram did not perform) is retried, since a
    /// network error or a 5xx may hide a delivered message.
    Background,
}

/// How a tracked request ended: Telegram's answer, or the error it was given up with.
pub type SendOutcome = Result<Value, TelegramError>;

/// Pacing parameters.
#[derive(Debug, Clone, Copy)]
pub struct OutboxOptions {
    /// Minimum gap between two messages of one bot (smooths bursts).
    pub per_bot_interval: Duration,
    /// At most this many messages of one bot …
    pub per_bot_burst: usize,
    /// … in any window of this length (Telegram: 30 per second).
    ///
    /// Counted on *completion* times, with requests still in flight counting as
    /// "now": Telegram sees a request somewhere between our send and its answer,
    /// so however the scheduler delays or bunches requests in between, no
    /// window of Telegram's can hold more than the burst.
    pub per_bot_window: Duration,
    /// Minimum gap between two messages to one chat (Telegram: about 1 s).
    pub per_chat_interval: Duration,
    /// Attempts for a request that fails transiently (5xx, network).
    pub max_attempts: u32,
}

/// Typed parameters as JSON: plain structs of numbers, strings and options,
/// which cannot fail to serialize.
fn wire_form<M: BotMethod>(params: &M) -> Value {
    serde_json::to_value(params).expect("Bot API parameters are plain data")
}

impl Default for OutboxOptions {
    fn default() -> Self {
        Self {
            per_bot_interval: Duration::from_millis(30),
            per_bot_burst: 30,
            per_bot_window: Duration::from_millis(1020),
            per_chat_interval: Duration::from_millis(1010),
            max_attempts: 6,
        }
    }
}

/// The process-wide outbox.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    api: BotApi,
    store: Store,
    options: OutboxOptions,
    queues: Mutex<HashMap<i64, Arc<BotQueue>>>,
    pending: AtomicUsize,
    drained: Notify,
}

struct BotQueue {
    scope: TenantScope,
    token: BotToken,
    state: Mutex<QueueState>,
    wake: Notify,
}

struct QueueState {
    items: VecDeque<Item>,
    chat_ready_at: HashMap<i64, Instant>,
    chat_in_flight: HashSet<i64>,
    bot_ready_at: Instant,
    /// The bot's recent messages, oldest first: sequence number and completion
    /// time (`None` while in flight).
    recent: VecDeque<(u64, Option<Instant>)>,
    next_seq: u64,
    running: bool,
}

struct Item {
    request: Outgoing,
    chat: Option<i64>,
    attempt: u32,
    /// Slot in `recent` while being sent.
    seq: u64,
    /// Queued behind interactive messages, sent at most once.
    background: bool,
    /// Told how the request ended.
    notify: Option<oneshot::Sender<SendOutcome>>,
}

impl Item {
    fn new(request: Outgoing, background: bool, notify: Option<oneshot::Sender<SendOutcome>>) -> Self {
        let chat = request.chat_id();
        Self { request, chat, attempt: 0, seq: 0, background, notify }
    }

    /// The same request queued again after a refusal, keeping who waits for it.
    fn retry(&mut self) -> Self {
        Self {
            request: self.request.clone(),
            chat: self.chat,
            attempt: self.attempt,
            seq: 0,
            background: self.background,
            notify: self.notify.take(),
        }
    }
}

enum Next {
    Send(Item),
    WaitUntil(Instant),
    WaitForWake,
    Exit,
}

impl Outbox {
    /// An outbox sending through `api`; 403 answers are recorded in `store`.
    pub fn new(api: BotApi, store: Store, options: OutboxOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                api,
                store,
                options,
                queues: Mutex::new(HashMap::new()),
                pending: AtomicUsize::new(0),
                drained: Notify::new(),
            }),
        }
    }

    /// Queues requests of one bot, in order.
    pub fn enqueue(&self, scope: &TenantScope, token: &BotToken, requests: Vec<Outgoing>) {
        let mut paced = Vec::new();
        for request in requests {
            self.inner.pending.fetch_add(1, Ordering::AcqRel);
            if request.is_message() {
                paced.push(Item::new(request, false, None));
            } else {
                let inner = self.inner.clone();
                let (scope, token) = (scope.clone(), token.clone());
                tokio::spawn(async move { inner.send_unpaced(&scope, &token, request).await });
            }
        }
        if !paced.is_empty() {
            self.push(scope, token, paced);
        }
    }

    /// Queues one message of a bot with `priority` and returns how it ends:
    /// Telegram's answer (a `Message`, whose `message_id` an edit can use) or
    /// the error it was given up with. The receiver fails only if the process
    /// is stopping before the message was tried.
    pub fn enqueue_tracked(
        &self,
        scope: &TenantScope,
        token: &BotToken,
        request: Outgoing,
        priority: Priority,
    ) -> oneshot::Receiver<SendOutcome> {
        let (notify, outcome) = oneshot::channel();
        self.inner.pending.fetch_add(1, Ordering::AcqRel);
        self.push(scope, token, vec![Item::new(request, priority == Priority::Background, Some(notify))]);
        outcome
    }

    /// Adds paced items to the bot's queue (interactive ones before every background one)
    /// and makes sure its pacing task runs.
    fn push(&self, scope: &TenantScope, token: &BotToken, paced: Vec<Item>) {
        let queue = {
            let mut queues = self.inner.queues.lock().expect("outbox lock");
            queues
                .entry(scope.bot_id().get())
                .or_insert_with(|| {
                    Arc::new(BotQueue {
                        scope: scope.clone(),
                        token: token.clone(),
                        state: Mutex::new(QueueState {
                            items: VecDeque::new(),
                            chat_ready_at: HashMap::new(),
                            chat_in_flight: HashSet::new(),
                            bot_ready_at: Instant::now(),
                            recent: VecDeque::new(),
                            next_seq: 0,
                            running: false,
                        }),
                        wake: Notify::new(),
                    })
                })
                .clone()
        };
        let start = {
            let mut state = queue.state.lock().expect("queue lock");
            for item in paced {
                if item.background {
                    state.items.push_back(item);
                } else {
                    let at = state.items.iter().position(|i| i.background).unwrap_or(state.items.len());
                    state.items.insert(at, item);
                }
            }
            !std::mem::replace(&mut state.running, true)
        };
        if start {
            tokio::spawn(self.inner.clone().pace(queue));
        } else {
            queue.wake.notify_one();
        }
    }

    /// Requests queued or in flight.
    pub fn pending(&self) -> usize {
        self.inner.pending.load(Ordering::Acquire)
    }

    /// Waits until everything queued has been sent (or given up), at most `timeout`.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let notified = self.inner.drained.notified();
            if self.pending() == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.pending() == 0;
            }
        }
    }
}

impl Inner {
    fn done(&self) {
        if self.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.drained.notify_waiters();
        }
    }

    async fn send_unpaced(self: Arc<Self>, scope: &TenantScope, token: &BotToken, request: Outgoing) {
        for attempt in 0..self.options.max_attempts {
            match request.send(&self.api, token).await {
                Ok(_) => break,
                Err(e) if e.is_transient() || e.retry_after().is_some() => {
                    let wait = e.retry_after().map(Duration::from_secs).unwrap_or_else(|| backoff(attempt));
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    log_refusal(scope, request.method, &e);
                    break;
                }
            }
        }
        self.done();
    }

    /// The pacing task of one bot: runs while the bot has queued messages.
    async fn pace(self: Arc<Self>, queue: Arc<BotQueue>) {
        loop {
            let next = self.next(&queue);
            match next {
                Next::Send(item) => {
                    // Wait until the request really starts before pacing the next one, so a
                    // busy scheduler cannot bunch several sends that were decided apart.
                    let (started, on_start) = tokio::sync::oneshot::channel();
                    let inner = self.clone();
                    let sender = queue.clone();
                    tokio::spawn(async move { inner.send_paced(sender, item, started).await });
                    let _ = on_start.await;
                }
                Next::WaitUntil(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = queue.wake.notified() => {}
                    }
                }
                Next::WaitForWake => queue.wake.notified().await,
                Next::Exit => return,
            }
        }
    }

    fn next(&self, queue: &BotQueue) -> Next {
        let mut state = queue.state.lock().expect("queue lock");
        let now = Instant::now();
        if state.items.is_empty() {
            if state.chat_in_flight.is_empty() {
                state.running = false;
                state.chat_ready_at.retain(|_, at| *at > now);
                return Next::Exit;
            }
            return Next::WaitForWake;
        }
        if state.bot_ready_at > now {
            return Next::WaitUntil(state.bot_ready_at);
        }
        while state
            .recent
            .front()
            .is_some_and(|(_, done)| done.is_some_and(|t| now.duration_since(t) >= self.options.per_bot_window))
        {
            state.recent.pop_front();
        }
        if state.recent.len() >= self.options.per_bot_burst {
            return match state.recent.front().and_then(|(_, done)| *done) {
                Some(done) => Next::WaitUntil(done + self.options.per_bot_window),
                None => Next::WaitForWake, // its completion wakes us
            };
        }
        let mut earliest: Option<Instant> = None;
        let mut pick = None;
        for (i, item) in state.items.iter().enumerate() {
            let Some(chat) = item.chat else {
                pick = Some(i);
                break;
            };
            if state.chat_in_flight.contains(&chat) {
                continue;
            }
            match state.chat_ready_at.get(&chat) {
                Some(at) if *at > now => earliest = Some(earliest.map_or(*at, |e| e.min(*at))),
                _ => {
                    pick = Some(i);
                    break;
                }
            }
        }
        match pick {
            Some(i) => {
                let mut item = state.items.remove(i).expect("index in range");
                state.bot_ready_at = now + self.options.per_bot_interval;
                item.seq = state.next_seq;
                state.next_seq += 1;
                state.recent.push_back((item.seq, None));
                if let Some(chat) = item.chat {
                    state.chat_in_flight.insert(chat);
                }
                Next::Send(item)
            }
            None => earliest.map_or(Next::WaitForWake, Next::WaitUntil),
        }
    }

    async fn send_paced(
        self: Arc<Self>,
        queue: Arc<BotQueue>,
        mut item: Item,
        started: tokio::sync::oneshot::Sender<()>,
    ) {
        {
            let mut state = queue.state.lock().expect("queue lock");
            let now = Instant::now();
            state.bot_ready_at = state.bot_ready_at.max(now + self.options.per_bot_interval);
        }
        let _ = started.send(());
        let result = item.request.send(&self.api, &queue.token).await;
        let mut finished = true;
        {
            let mut state = queue.state.lock().expect("queue lock");
            let now = Instant::now();
            if let Some(chat) = item.chat {
                state.chat_in_flight.remove(&chat);
                // Like the bot-wide window: measured from the answer, not the send.
                state.chat_ready_at.insert(chat, now + self.options.per_chat_interval);
            }
            let refused = result.as_ref().err().and_then(TelegramError::retry_after).is_some();
            if let Some(pos) = state.recent.iter().position(|(seq, _)| *seq == item.seq) {
                if refused {
                    // Telegram did not count a refused message.
                    state.recent.remove(pos);
                } else {
                    state.recent[pos].1 = Some(now);
                }
            }
            match &result {
                Ok(_) => metrics::counter!("bazar_telegram_sends_total", "outcome" => "ok").increment(1),
                Err(e) if e.retry_after().is_some() => {
                    // Telegram's flood control is bot-wide: pause the whole bot, keep the order.
                    let wait = Duration::from_secs(e.retry_after().unwrap_or(1));
                    metrics::counter!("bazar_telegram_429_total").increment(1);
                    tracing::warn!(bot_id = %queue.scope.bot_id(), retry_after_s = wait.as_secs(), "Telegram asked us to slow down");
                    state.bot_ready_at = Instant::now() + wait;
                    if let Some(chat) = item.chat {
                        state.chat_ready_at.insert(chat, Instant::now() + wait);
                    }
                    let retry = item.retry();
                    state.items.push_front(retry);
                    finished = false;
                }
                Err(e) if e.is_transient() && !item.background && item.attempt + 1 < self.options.max_attempts => {
                    item.attempt += 1;
                    if let Some(chat) = item.chat {
                        state.chat_ready_at.insert(chat, Instant::now() + backoff(item.attempt));
                    }
                    let retry = item.retry();
                    state.items.push_front(retry);
                    finished = false;
                }
                Err(_) => {}
            }
        }
        queue.wake.notify_one();
        if let Err(e) = &result {
            if e.is_forbidden() {
                metrics::counter!("bazar_telegram_sends_total", "outcome" => "blocked").increment(1);
                if let Some(chat) = item.chat.filter(|c| *c > 0) {
                    let tenant = self.store.tenant(&queue.scope);
                    if let Err(err) = tenant.set_customer_blocked(TelegramUserId::from_raw(chat), true).await {
                        tracing::warn!(bot_id = %queue.scope.bot_id(), error = %err, "could not record a blocked customer");
                    }
                }
            } else if finished {
                metrics::counter!("bazar_telegram_sends_total", "outcome" => "failed").increment(1);
                log_refusal(&queue.scope, item.request.method, e);
            }
        }
        if finished {
            if let Some(notify) = item.notify.take() {
                let _ = notify.send(result);
            }
            self.done();
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << attempt.min(6)))
}

fn log_refusal(scope: &TenantScope, method: &str, error: &TelegramError) {
    tracing::warn!(bot_id = %scope.bot_id(), method, error = %error, "Telegram request given up");
}
