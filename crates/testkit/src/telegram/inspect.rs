//! What a test asks the fake afterwards: what was sent, answered, delivered.
//! Everything is cloned out, so assertions never hold the fake's locks.

use super::FakeTelegram;
use super::records::{Refusal, SentMessage, WebhookDelivery};
use serde_json::Value;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::Duration;

impl FakeTelegram {
    /// Messages bot `bot_id` delivered (sends and edits), in order.
    pub fn sent(&self, bot_id: i64) -> Vec<SentMessage> {
        self.shared.sent_where(|m| m.bot_id == bot_id)
    }

    /// Messages bot `bot_id` delivered to chat `chat_id` (sends and edits), in order.
    pub fn sent_to(&self, bot_id: i64, chat_id: i64) -> Vec<SentMessage> {
        self.shared.sent_where(|m| m.bot_id == bot_id && m.chat_id == chat_id)
    }

    /// Messages every bot delivered, in order.
    pub fn all_sent(&self) -> Vec<SentMessage> {
        self.shared.sent_where(|_| true)
    }

    /// How many messages were delivered in all (sends and edits).
    pub fn sent_count(&self) -> usize {
        self.shared.sent_count()
    }

    /// Waits until bot `bot_id` has delivered at least `count` messages (sends
    /// and edits) to `chat_id` and returns them all; panics after `timeout`
    /// with what was sent, so a failing test says what the bot did instead.
    pub async fn wait_for_sent(&self, bot_id: i64, chat_id: i64, count: usize, timeout: Duration) -> Vec<SentMessage> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.sent_notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.shared.count_sent_where(|m| m.bot_id == bot_id && m.chat_id == chat_id) >= count {
                return self.sent_to(bot_id, chat_id);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let sent = self.sent_to(bot_id, chat_id);
                if sent.len() >= count {
                    return sent;
                }
                panic!("{}", self.describe_wait_failure(bot_id, chat_id, count, timeout, &sent));
            }
        }
    }

    fn describe_wait_failure(
        &self,
        bot_id: i64,
        chat_id: i64,
        count: usize,
        timeout: Duration,
        sent: &[SentMessage],
    ) -> String {
        let mut out = format!(
            "wait_for_sent: bot {bot_id} delivered {} message(s) to chat {chat_id} within {timeout:?}, expected at least {count}\n",
            sent.len()
        );
        for (i, m) in sent.iter().enumerate() {
            let _ = writeln!(out, "  #{} {} message_id={} text={:?}", i + 1, m.method, m.message_id, m.text);
        }
        let elsewhere: Vec<_> = self.sent(bot_id).into_iter().filter(|m| m.chat_id != chat_id).collect();
        if !elsewhere.is_empty() {
            let _ = writeln!(out, "  delivered to other chats:");
            for m in elsewhere.iter().rev().take(10) {
                let _ = writeln!(out, "    chat {} {} text={:?}", m.chat_id, m.method, m.text);
            }
        }
        let chat = chat_id.to_string();
        let refused_or_not: Vec<String> = self
            .calls()
            .into_iter()
            .filter(|c| c.bot_id == bot_id)
            .filter(|c| c.params.get("chat_id").is_some_and(|v| v.to_string().trim_matches('"') == chat))
            .map(|c| c.method)
            .collect();
        let _ = writeln!(out, "  calls naming this chat (delivered or refused): {refused_or_not:?}");
        let _ = write!(out, "  429 answers to this bot so far: {}", self.too_many_requests_for(bot_id));
        out
    }

    /// Every call of bot `bot_id` refused as a bad request (400), in order.
    pub fn refusals(&self, bot_id: i64) -> Vec<Refusal> {
        self.shared.refusals().into_iter().filter(|r| r.bot_id == bot_id).collect()
    }

    /// The current state of a message the bot sent (after edits), `None` once deleted.
    pub fn message(&self, bot_id: i64, chat_id: i64, message_id: i64) -> Option<Value> {
        let bot = self.shared.bot_by_id(bot_id)?;
        let state = bot.state.lock().unwrap();
        state.chats.get(&chat_id)?.messages.get(&message_id).cloned()
    }

    /// Parameters of every accepted `answerCallbackQuery` of the bot.
    pub fn callback_answers(&self, bot_id: i64) -> Vec<Value> {
        self.with_bot(bot_id, |s| s.callback_answers.clone())
    }

    /// Parameters of every accepted `answerPreCheckoutQuery` of the bot.
    pub fn pre_checkout_answers(&self, bot_id: i64) -> Vec<Value> {
        self.with_bot(bot_id, |s| s.pre_checkout_answers.clone())
    }

    /// The commands set with `setMyCommands` for the default scope and
    /// `language_code` (`""` for all languages).
    pub fn my_commands(&self, bot_id: i64, language_code: &str) -> Option<Value> {
        let key = (r#"{"type":"default"}"#.to_owned(), language_code.to_owned());
        self.with_bot(bot_id, |s| s.commands.get(&key).cloned())
    }

    /// Updates not yet confirmed by `getUpdates` or delivered to the webhook.
    pub fn pending_updates(&self, bot_id: i64) -> usize {
        self.with_bot(bot_id, |s| s.pending())
    }

    /// The bot's webhook URL, if one is set.
    pub fn webhook_url(&self, bot_id: i64) -> Option<String> {
        self.with_bot(bot_id, |s| s.webhook.as_ref().map(|w| w.url.clone()))
    }

    /// Every attempt to deliver an update to the bot's webhook, in order.
    pub fn webhook_deliveries(&self, bot_id: i64) -> Vec<WebhookDelivery> {
        self.with_bot(bot_id, |s| s.deliveries.clone())
    }

    /// How many calls were answered 429, over all bots.
    pub fn too_many_requests(&self) -> u64 {
        self.shared.too_many.load(Ordering::Relaxed)
    }

    /// How many calls of bot `bot_id` were answered 429.
    pub fn too_many_requests_for(&self, bot_id: i64) -> u64 {
        self.shared.bot_by_id(bot_id).map_or(0, |b| b.too_many.load(Ordering::Relaxed))
    }

    /// Reads a bot's state; an unknown bot reads as a fresh one.
    fn with_bot<T: Default>(&self, bot_id: i64, read: impl FnOnce(&super::state::BotState) -> T) -> T {
        self.shared.bot_by_id(bot_id).map(|b| read(&b.state.lock().unwrap())).unwrap_or_default()
    }
}
