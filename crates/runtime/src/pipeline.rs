//! Handling one update: customer, conversation state, the bot's handler, and
//! one transaction that commits the handler's writes with "handled".

use crate::dispatch::{Answer, Job, Source};
use crate::outbox::{Outbox, Outgoing};
use crate::registry::BotHandle;
use bazar_domain::{ChatId, Language, TelegramUserId};
use bazar_store::{Customer, CustomerContact, Store, StoreError, TenantSettings, TenantTx, UpdateOutcome};
use bazar_telegram::User;
use bazar_telegram::update::{ChatMemberStatus, MaybeInaccessibleMessage};
use bazar_telegram::update::{Update, UpdateContent};
use futures::FutureExt;
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;

/// Everything a handler sees and may change for one update.
pub struct UpdateContext {
    /// The bot (tenant) the update arrived for, with its scope.
    pub bot: Arc<BotHandle>,
    /// The tenant's effective flags and configuration.
    pub settings: Arc<TenantSettings>,
    /// The sender, as this tenant's customer (created on first contact).
    pub customer: Customer,
    /// Whether this update created the customer.
    pub is_new_customer: bool,
    /// The chat to answer in.
    pub chat: ChatId,
    /// The update, parsed.
    pub update: Update,
    /// The tenant transaction the handler's writes go into; committed with "handled".
    pub tx: TenantTx,
    /// The storage layer (for cached reads such as settings after a change).
    pub store: Store,
    state: Option<String>,
    state_changed: bool,
    replies: Vec<Outgoing>,
}

impl UpdateContext {
    /// The chat's conversation state, as the handler last stored it.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// Replaces the conversation state (saved with the transaction).
    pub fn set_state(&mut self, state: Option<String>) {
        if self.state != state {
            self.state = state;
            self.state_changed = true;
        }
    }

    /// Queues a Bot API call, sent (paced) once the transaction has committed.
    pub fn send(&mut self, request: Outgoing) {
        self.replies.push(request);
    }

    /// The calls queued so far.
    pub fn replies(&self) -> &[Outgoing] {
        &self.replies
    }
}

/// Why a handler gave up on an update.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else, described.
    #[error("{0}")]
    Other(String),
}

/// An update whose handling failed for good: its transaction rolled back, and
/// it is about to be recorded as failed (Telegram will not deliver it again).
pub struct FailedUpdate<'a> {
    /// The bot (tenant) it arrived for.
    pub bot: &'a Arc<BotHandle>,
    /// The storage layer, for transactions of the handler's own.
    pub store: &'a Store,
    /// The update, parsed.
    pub update: &'a Update,
    /// Why it failed (the last error), for the record.
    pub error: &'a str,
}

/// The bot layer: turns an update into state changes and replies, and runs
/// the background jobs its use cases queue.
pub trait Handler: Send + Sync + 'static {
    /// Handles one update. Writes go to `ctx.tx`; replies through `ctx.send`.
    fn handle<'a>(&'a self, ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>>;

    /// Called once an update failed for good, before it is recorded as failed:
    /// what a retry cannot fix must still not be lost or left unanswered. The
    /// handler keeps what must survive (money that arrived) in transactions of
    /// its own and returns what to send (an answer to a pressed button, a
    /// notice to the admins). An error means it could not keep it: the update
    /// is then *not* recorded, so Telegram delivers it again (webhook) or the
    /// next start handles it again (polling).
    fn failed<'a>(&'a self, failed: FailedUpdate<'a>) -> BoxFuture<'a, Result<Vec<Outgoing>, HandlerError>> {
        let _ = failed;
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Runs one attempt of a claimed job of `bot` and returns the messages to
    /// send. The job must record its own end (`TenantTx::finish_job`).
    fn run_job<'a>(&'a self, bot: &'a Arc<BotHandle>, job: &'a bazar_store::Job) -> BoxFuture<'a, Vec<Outgoing>> {
        let _ = (bot, job);
        Box::pin(async { Vec::new() })
    }

    /// Called instead of [`Handler::run_job`] for a job claimed more times
    /// than its kind allows (`JobKind::max_attempts`: it never ended — its
    /// process died or it panicked every time). The handler compensates what
    /// the job owed (refunds a paid subscription) in the transaction that
    /// ends it `failed`, and returns whom to tell (the customer, the admins),
    /// once: a failed job is never claimed again. The runtime marks it failed
    /// afterwards if the handler did not.
    fn give_up<'a>(&'a self, bot: &'a Arc<BotHandle>, job: &'a bazar_store::Job) -> BoxFuture<'a, Vec<Outgoing>> {
        let _ = (bot, job);
        Box::pin(async { Vec::new() })
    }

    /// The one polite line a customer of a *suspended* bot gets (no tenant
    /// data is touched for it): `shop` is the bot's name, `language_code`
    /// Telegram's code of the sender's language, if it sent one.
    fn unavailable_text(&self, shop: &str, language_code: Option<&str>) -> String {
        let _ = language_code;
        format!("{shop} is temporarily unavailable. Please try again later.")
    }

    /// The text of a broadcast's progress message (edited in place in the
    /// admin's chat) or of its final report, in the broadcast's language. The
    /// default is a plain English summary, for handlers without translations.
    fn broadcast_text(
        &self,
        progress: &crate::broadcast::BroadcastProgress,
        kind: crate::broadcast::TextKind,
    ) -> String {
        progress.plain(kind)
    }
}

/// Runs jobs through the handler.
pub struct Pipeline {
    pub(crate) store: Store,
    pub(crate) outbox: Outbox,
    pub(crate) handler: Arc<dyn Handler>,
}

const ATTEMPTS: u32 = 3;

impl Pipeline {
    /// Handles one job to completion (retrying transient database failures)
    /// and, for a webhook job, answers the waiting request.
    pub async fn run(&self, mut job: Job) {
        let source = std::mem::replace(&mut job.source, Source::Inbox);
        let claim = matches!(source, Source::Webhook(_));
        let answer = self.handle(&job, claim).await;
        if let Source::Webhook(reply) = source {
            let _ = reply.send(answer);
        }
    }

    async fn handle(&self, job: &Job, claim: bool) -> Answer {
        let started = std::time::Instant::now();
        let update: Update = match serde_json::from_str(&job.payload) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(bot_id = %job.bot.scope.bot_id(), update_id = job.update_id, error = %e, "update of an unknown shape; skipped");
                return self.finish_alone(job, UpdateOutcome::Failed, claim).await;
            }
        };
        for attempt in 1..=ATTEMPTS {
            match self.attempt(job, update.clone(), claim).await {
                Ok(inline) => {
                    metrics::counter!("bazar_updates_handled_total").increment(1);
                    metrics::histogram!("bazar_update_seconds").record(started.elapsed().as_secs_f64());
                    return Answer::Done(inline);
                }
                Err(HandlerError::Store(e)) if attempt < ATTEMPTS => {
                    tracing::warn!(bot_id = %job.bot.scope.bot_id(), update_id = job.update_id, attempt, error = %e, "retrying update");
                    tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
                }
                Err(e) => {
                    tracing::error!(bot_id = %job.bot.scope.bot_id(), update_id = job.update_id, error = %e, "update failed");
                    metrics::counter!("bazar_updates_failed_total").increment(1);
                    return self.give_up(job, &update, &e, claim).await;
                }
            }
        }
        Answer::Retry
    }

    /// One try. Returns the call to put into the webhook answer, if any.
    async fn attempt(&self, job: &Job, update: Update, claim: bool) -> Result<Option<Outgoing>, HandlerError> {
        let bot = &job.bot;
        let tenant = self.store.tenant(&bot.scope);
        let Some((user, chat)) = sender_and_chat(&update) else {
            // Nothing a customer said (channel posts, …): acknowledge only.
            return match self.finish_alone(job, UpdateOutcome::Handled, claim).await {
                Answer::Done(_) => Ok(None),
                Answer::Retry => Err(HandlerError::Other("could not record the update".into())),
            };
        };
        let settings = tenant.settings().await?;
        let mut tx = tenant.begin().await?;
        // A webhook update is stored now; one from the inbox is taken from it.
        // Either way a repeat (a redelivery, an update queued twice) stops here.
        let fresh = if claim {
            tx.claim_update(job.update_id, &job.payload).await?
        } else {
            tx.take_update(job.update_id).await?
        };
        if !fresh {
            metrics::counter!("bazar_updates_dropped_total", "reason" => "duplicate").increment(1);
            return Ok(None);
        }
        if let UpdateContent::MyChatMember(change) = &update.content {
            // The user blocked (kicked) or unblocked the bot in their private chat.
            let blocked = change.new_chat_member.status == ChatMemberStatus::Kicked;
            tx.set_customer_blocked(TelegramUserId::from_raw(user.id), blocked).await?;
            tx.commit().await?;
            return Ok(None);
        }
        let contact = CustomerContact {
            telegram_id: TelegramUserId::from_raw(user.id),
            username: user.username.clone(),
            first_name: Some(user.first_name.clone()),
            language: user.language_code.as_deref().and_then(Language::from_telegram_code),
        };
        let (customer, is_new_customer) = tx.record_contact(&contact).await?;
        if customer.banned {
            tx.commit().await?;
            return Ok(None);
        }
        let state = tx.conversation_state(chat).await?;
        let mut ctx = UpdateContext {
            bot: bot.clone(),
            settings,
            customer,
            is_new_customer,
            chat,
            update,
            tx,
            store: self.store.clone(),
            state,
            state_changed: false,
            replies: Vec::new(),
        };
        // A panicking handler (a bug) fails this update like an error would:
        // its writes roll back, it is recorded as failed, and the shard lives on
        // for every other chat hashed to it.
        std::panic::AssertUnwindSafe(self.handler.handle(&mut ctx))
            .catch_unwind()
            .await
            .map_err(|panic| HandlerError::Other(format!("the handler panicked: {}", panic_text(&panic))))??;
        let UpdateContext { mut tx, state, state_changed, mut replies, .. } = ctx;
        if state_changed {
            tx.set_conversation_state(chat, state.as_deref()).await?;
        }
        tx.commit().await?;
        let inline = if claim { take_inline(&mut replies) } else { None };
        self.outbox.enqueue(&bot.scope, &bot.token, replies);
        Ok(inline)
    }

    /// An update failed for good: the handler keeps what must not be lost and
    /// says what to tell ([`Handler::failed`]), then the update is recorded as
    /// failed. When the handler could not keep it, nothing is recorded and the
    /// update comes again (a 5xx to the webhook; the inbox row stays pending).
    async fn give_up(&self, job: &Job, update: &Update, error: &HandlerError, claim: bool) -> Answer {
        let bot = &job.bot;
        let error = error.to_string();
        let failed = FailedUpdate { bot, store: &self.store, update, error: &error };
        let mut replies = match std::panic::AssertUnwindSafe(self.handler.failed(failed)).catch_unwind().await {
            Ok(Ok(replies)) => replies,
            Ok(Err(e)) => {
                tracing::error!(bot_id = %bot.scope.bot_id(), update_id = job.update_id, error = %e, "could not keep what a failed update carried; it will come again");
                return Answer::Retry;
            }
            Err(panic) => {
                tracing::error!(bot_id = %bot.scope.bot_id(), update_id = job.update_id, panic = panic_text(&panic), "the failure handler panicked");
                Vec::new()
            }
        };
        let answer = self.finish_alone(job, UpdateOutcome::Failed, claim).await;
        let inline = match answer {
            Answer::Done(_) if claim => take_inline(&mut replies),
            _ => None,
        };
        self.outbox.enqueue(&bot.scope, &bot.token, replies);
        match answer {
            Answer::Done(_) => Answer::Done(inline),
            Answer::Retry => Answer::Retry,
        }
    }

    /// Records an update's end in a transaction of its own (stores it first when `claim`).
    async fn finish_alone(&self, job: &Job, outcome: UpdateOutcome, claim: bool) -> Answer {
        let tenant = self.store.tenant(&job.bot.scope);
        let result = match (claim, outcome) {
            (true, UpdateOutcome::Failed) => tenant.record_failed_update(job.update_id, &job.payload).await,
            (true, UpdateOutcome::Handled) => {
                async {
                    let mut tx = tenant.begin().await?;
                    tx.claim_update(job.update_id, &job.payload).await?;
                    tx.commit().await
                }
                .await
            }
            (false, outcome) => {
                async {
                    let mut tx = tenant.begin().await?;
                    tx.finish_update(job.update_id, outcome).await?;
                    tx.commit().await
                }
                .await
            }
        };
        match result {
            Ok(()) => Answer::Done(None),
            Err(e) => {
                tracing::error!(bot_id = %job.bot.scope.bot_id(), update_id = job.update_id, error = %e, "could not record the update's end");
                Answer::Retry
            }
        }
    }
}

/// A webhook answer can carry one call: the query answer Telegram is waiting
/// for, which saves a request and its latency.
fn take_inline(replies: &mut Vec<Outgoing>) -> Option<Outgoing> {
    let i = replies.iter().position(|r| matches!(r.method, "answerCallbackQuery" | "answerPreCheckoutQuery"))?;
    Some(replies.remove(i))
}

/// The human behind an update and the chat to answer in.
fn sender_and_chat(update: &Update) -> Option<(&User, ChatId)> {
    match &update.content {
        UpdateContent::Message(m) => Some((m.from.as_deref()?, ChatId(m.chat.id))),
        UpdateContent::CallbackQuery(q) => {
            let chat = match &q.message {
                Some(MaybeInaccessibleMessage::Message(m)) => m.chat.id,
                Some(MaybeInaccessibleMessage::InaccessibleMessage(m)) => m.chat.id,
                None => q.from.id,
            };
            Some((&q.from, ChatId(chat)))
        }
        UpdateContent::PreCheckoutQuery(q) => Some((&q.from, ChatId(q.from.id))),
        UpdateContent::MyChatMember(c) => Some((&c.from, ChatId(c.chat.id))),
        _ => None,
    }
}

/// The message of a caught panic, for the log.
pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> &str {
    panic.downcast_ref::<&str>().copied().or_else(|| panic.downcast_ref::<String>().map(String::as_str)).unwrap_or("?")
}
