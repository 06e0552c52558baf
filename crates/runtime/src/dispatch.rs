//! Ordering per (bot, chat): every update goes to one of a fixed number of
//! shards chosen by hashing its bot and chat; a shard handles its updates one
//! after another, so two updates of one chat never race, while different chats
//! proceed in parallel.

use crate::outbox::Outgoing;
use crate::registry::BotHandle;
use futures::future::BoxFuture;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// One update waiting to be handled.
pub struct Job {
    /// The bot it arrived for.
    pub bot: Arc<BotHandle>,
    /// Telegram's update id.
    pub update_id: i64,
    /// The raw update.
    pub payload: String,
    /// Where it came from, which decides how it is recorded.
    pub source: Source,
}

/// Where a job came from.
pub enum Source {
    /// Already stored in the inbox (polling, recovery): marked handled with the handler's writes.
    Inbox,
    /// A webhook request waiting for its answer: the update is stored by the
    /// handling transaction itself, and the request answered after the commit.
    Webhook(oneshot::Sender<Answer>),
}

/// How a webhook request should be answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Handled, or seen before, or recorded as failed: 200, Telegram forgets it.
    /// May carry one Bot API call for Telegram to make (the webhook-reply
    /// feature), which saves a request for `answerCallbackQuery`.
    Done(Option<Outgoing>),
    /// Not stored: 5xx, Telegram delivers it again.
    Retry,
}

/// What handles a job (the pipeline).
pub type Work = Arc<dyn Fn(Job) -> BoxFuture<'static, ()> + Send + Sync>;

/// The shards and their workers.
pub struct Dispatcher {
    senders: Mutex<Option<Vec<mpsc::UnboundedSender<Job>>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    queued: Arc<AtomicUsize>,
}

impl Dispatcher {
    /// Starts `shards` workers running `work`.
    pub fn start(shards: usize, work: Work) -> Self {
        let queued = Arc::new(AtomicUsize::new(0));
        let mut senders = Vec::with_capacity(shards);
        let mut workers = Vec::with_capacity(shards);
        for _ in 0..shards.max(1) {
            let (tx, mut rx) = mpsc::unbounded_channel::<Job>();
            let work = work.clone();
            let queued = queued.clone();
            workers.push(tokio::spawn(async move {
                while let Some(job) = rx.recv().await {
                    work(job).await;
                    queued.fetch_sub(1, Ordering::AcqRel);
                }
            }));
            senders.push(tx);
        }
        Self { senders: Mutex::new(Some(senders)), workers: Mutex::new(workers), queued }
    }

    /// Queues a job behind earlier jobs of the same (bot, chat). Returns false after shutdown.
    pub fn dispatch(&self, job: Job, chat: Option<i64>) -> bool {
        let guard = self.senders.lock().expect("dispatcher lock");
        let Some(senders) = guard.as_ref() else { return false };
        let mut hasher = DefaultHasher::new();
        (job.bot.scope.bot_id(), chat.unwrap_or(job.update_id)).hash(&mut hasher);
        let shard = (hasher.finish() % senders.len() as u64) as usize;
        self.queued.fetch_add(1, Ordering::AcqRel);
        if senders[shard].send(job).is_err() {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        true
    }

    /// Jobs queued or being handled.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Acquire)
    }

    /// Stops accepting jobs and waits until every queued job is handled.
    pub async fn drain(&self) {
        drop(self.senders.lock().expect("dispatcher lock").take());
        let workers = std::mem::take(&mut *self.workers.lock().expect("dispatcher lock"));
        for worker in workers {
            let _ = worker.await;
        }
    }
}
