//! The fake's memory. Locking is split so that a load test does not
//! serialize on one mutex: a read-mostly bot registry, one mutex per bot for
//! everything that bot owns, and append-only logs. No lock is ever held
//! across an `.await`.

use super::limits::{Failures, Limiter};
use super::options::FakeOptions;
use super::records::{FakeBot, RecordedCall, Refusal, SentMessage, WebhookDelivery};
use super::webhook::Webhook;
use axum::body::Bytes;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// Update kinds Telegram leaves out unless a bot asks for them explicitly.
const OPT_IN_UPDATES: [&str; 3] = ["chat_member", "message_reaction", "message_reaction_count"];

/// State shared by the HTTP server, background tasks and the test's handle.
pub(crate) struct Shared {
    pub options: FakeOptions,
    bots_by_token: RwLock<HashMap<String, Arc<Bot>>>,
    bots_by_id: RwLock<HashMap<i64, Arc<Bot>>>,
    calls: Mutex<Vec<RecordedCall>>,
    sent: Mutex<Vec<SentMessage>>,
    refusals: Mutex<Vec<Refusal>>,
    /// Woken on every recorded message, for `wait_for_sent`.
    pub sent_notify: Notify,
    pub failures: Failures,
    pub hold: super::hold::Hold,
    pub too_many: AtomicU64,
    file_seq: AtomicU64,
    http: OnceLock<reqwest::Client>,
    tasks: Mutex<Vec<AbortHandle>>,
}

/// One registered bot and everything it owns.
pub(crate) struct Bot {
    pub info: FakeBot,
    pub state: Mutex<BotState>,
    /// Wakes long-polling `getUpdates`: new update, newer poller, webhook set.
    pub poll_notify: Notify,
    /// Wakes the webhook worker: new update, webhook changed, free connection.
    pub webhook_notify: Notify,
    pub too_many: AtomicU64,
}

/// A bot's mutable state, behind [`Bot::state`].
#[derive(Default)]
pub(crate) struct BotState {
    pub next_update_id: i64,
    /// Updates not yet confirmed (getUpdates) or handed to a delivery (webhook).
    pub queue: BTreeMap<i64, Value>,
    /// Updates being delivered to the webhook right now (still pending for Telegram).
    pub in_flight: usize,
    pub allowed_updates: Option<Vec<String>>,
    pub webhook: Option<Arc<Webhook>>,
    /// Bumped on every webhook change, so in-flight deliveries notice it.
    pub webhook_generation: u64,
    pub worker_running: bool,
    pub last_error: Option<(i64, String)>,
    pub deliveries: Vec<WebhookDelivery>,
    /// Bumped by every getUpdates, so an older long poll knows it was superseded.
    pub poll_generation: u64,
    pub chats: HashMap<i64, ChatLog>,
    /// Messages users sent, from pushed updates, by (chat, message id): copy/forward sources.
    pub incoming: HashMap<(i64, i64), Value>,
    pub limiter: Limiter,
    pub blocked: HashSet<i64>,
    pub files: HashMap<String, StoredFile>,
    /// `file_path` → `file_id`, for downloads.
    pub file_paths: HashMap<String, String>,
    pub open_callback_queries: HashSet<String>,
    pub open_pre_checkout_queries: HashSet<String>,
    /// Star payments seen in updates: charge id → refunded yet.
    pub charges: HashMap<String, bool>,
    pub callback_answers: Vec<Value>,
    pub pre_checkout_answers: Vec<Value>,
    /// `setMyCommands` by (scope JSON, language code).
    pub commands: HashMap<(String, String), Value>,
}

/// The messages a bot sent to one chat.
#[derive(Default)]
pub(crate) struct ChatLog {
    pub last_message_id: i64,
    pub messages: HashMap<i64, Value>,
}

/// A file the bot can fetch with getFile and download.
pub(crate) struct StoredFile {
    pub file_unique_id: String,
    pub file_path: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub data: Bytes,
}

impl Shared {
    pub fn new(options: FakeOptions) -> Self {
        Self {
            options,
            bots_by_token: RwLock::default(),
            bots_by_id: RwLock::default(),
            calls: Mutex::default(),
            sent: Mutex::default(),
            refusals: Mutex::default(),
            sent_notify: Notify::new(),
            failures: Failures::default(),
            hold: Default::default(),
            too_many: AtomicU64::new(0),
            file_seq: AtomicU64::new(0),
            http: OnceLock::new(),
            tasks: Mutex::default(),
        }
    }

    /// The bot a token belongs to.
    pub fn bot_by_token(&self, token: &str) -> Option<Arc<Bot>> {
        self.bots_by_token.read().unwrap().get(token).cloned()
    }

    /// The bot with this Telegram id.
    pub fn bot_by_id(&self, id: i64) -> Option<Arc<Bot>> {
        self.bots_by_id.read().unwrap().get(&id).cloned()
    }

    /// Registers a bot under `token`, keeping its state when it is already known as is.
    pub fn add_bot(&self, token: String, info: FakeBot) {
        let mut by_id = self.bots_by_id.write().unwrap();
        if by_id.get(&info.id).is_some_and(|b| b.info.username == info.username) {
            return;
        }
        let bot = Arc::new(Bot {
            info,
            state: Mutex::default(),
            poll_notify: Notify::new(),
            webhook_notify: Notify::new(),
            too_many: AtomicU64::new(0),
        });
        by_id.insert(bot.info.id, bot.clone());
        self.bots_by_token.write().unwrap().insert(token, bot);
    }

    /// Forgets every token of a bot; its records stay.
    pub fn revoke(&self, id: i64) {
        self.bots_by_token.write().unwrap().retain(|_, bot| bot.info.id != id);
    }

    pub fn record_call(&self, call: RecordedCall) {
        self.calls.lock().unwrap().push(call);
    }

    pub fn calls(&self) -> Vec<RecordedCall> {
        self.calls.lock().unwrap().clone()
    }

    pub fn record_refusal(&self, refusal: Refusal) {
        self.refusals.lock().unwrap().push(refusal);
    }

    pub fn refusals(&self) -> Vec<Refusal> {
        self.refusals.lock().unwrap().clone()
    }

    pub fn record_sent(&self, message: SentMessage) {
        self.sent.lock().unwrap().push(message);
        self.sent_notify.notify_waiters();
    }

    /// Recorded messages matching `keep`, in the order they were performed.
    pub fn sent_where(&self, keep: impl Fn(&SentMessage) -> bool) -> Vec<SentMessage> {
        self.sent.lock().unwrap().iter().filter(|m| keep(m)).cloned().collect()
    }

    pub fn count_sent_where(&self, keep: impl Fn(&SentMessage) -> bool) -> usize {
        self.sent.lock().unwrap().iter().filter(|m| keep(m)).count()
    }

    pub fn sent_count(&self) -> usize {
        self.sent.lock().unwrap().len()
    }

    /// Counts a `429` answer for the totals and the bot's own count.
    pub fn count_too_many(&self, bot: &Bot) {
        self.too_many.fetch_add(1, Ordering::Relaxed);
        bot.too_many.fetch_add(1, Ordering::Relaxed);
    }

    /// A number unique within this fake, for file ids.
    pub fn next_file_seq(&self) -> u64 {
        self.file_seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The client for webhook deliveries, built on first use (keeps `start` cheap).
    pub fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .no_proxy()
                .connect_timeout(std::time::Duration::from_secs(2))
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("build webhook HTTP client")
        })
    }

    /// Spawns a background task that is aborted when the fake is dropped.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task).abort_handle();
        let mut tasks = self.tasks.lock().unwrap();
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle);
    }

    /// Aborts every background task (the fake is going away).
    pub fn abort_tasks(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

impl BotState {
    /// Whether the bot's `allowed_updates` let this update through.
    pub fn allows(&self, update: &Value) -> bool {
        let Some(kind) = update.as_object().and_then(|o| o.keys().find(|k| *k != "update_id")) else {
            return true;
        };
        match &self.allowed_updates {
            Some(list) if !list.is_empty() => list.iter().any(|a| a == kind),
            _ => !OPT_IN_UPDATES.contains(&kind.as_str()),
        }
    }

    /// Remembers what an incoming update lets the bot act on later: messages
    /// to copy or forward, callback and pre-checkout queries to answer, Star
    /// payments to refund.
    pub fn note_incoming(&mut self, update: &Value) {
        if let Some(message) = update.get("message").or_else(|| update.get("edited_message"))
            && let (Some(chat), Some(id)) =
                (message.pointer("/chat/id").and_then(Value::as_i64), message["message_id"].as_i64())
        {
            self.incoming.insert((chat, id), message.clone());
        }
        if let Some(id) = update.pointer("/callback_query/id").and_then(Value::as_str) {
            self.open_callback_queries.insert(id.to_owned());
        }
        if let Some(id) = update.pointer("/pre_checkout_query/id").and_then(Value::as_str) {
            self.open_pre_checkout_queries.insert(id.to_owned());
        }
        if let Some(charge) =
            update.pointer("/message/successful_payment/telegram_payment_charge_id").and_then(Value::as_str)
        {
            self.charges.entry(charge.to_owned()).or_insert(false);
        }
    }

    /// Updates that are still pending for Telegram (queued or being delivered).
    pub fn pending(&self) -> usize {
        self.queue.len() + self.in_flight
    }
}

/// Seconds since the Unix epoch, Telegram's `date`.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
