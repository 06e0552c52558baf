//! Talking to a bot through the fake Telegram as a user would: send an
//! update, press a button, wait for what the bot says.

use super::Platform;
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use serde_json::Value;
use std::time::{Duration, Instant};

/// How long a test waits for the bot.
pub const WAIT: Duration = Duration::from_secs(20);

/// The `callback_data` (or `url`) of the first button of `message` whose label contains `label`.
pub fn button(message: &SentMessage, label: &str) -> String {
    let markup = message.reply_markup.as_ref().unwrap_or_else(|| panic!("no keyboard on {message:?}"));
    for row in markup["inline_keyboard"].as_array().unwrap() {
        for b in row.as_array().unwrap() {
            if b["text"].as_str().unwrap_or_default().contains(label) {
                return b["callback_data"].as_str().or(b["url"].as_str()).unwrap().to_owned();
            }
        }
    }
    panic!("no button {label:?} in {markup}");
}

/// Sends `update` from `user` to bot `bot` and returns the next message or edit in their chat.
pub async fn say(p: &Platform, bot: i64, user: &FakeUser, update: Value) -> SentMessage {
    let before = p.telegram.sent_to(bot, user.id).len();
    p.telegram.push_update(bot, update);
    p.telegram.wait_for_sent(bot, user.id, before + 1, WAIT).await.pop().unwrap()
}

/// Presses the button labelled `label` on `message` and returns the chat's next message or edit.
pub async fn press(p: &Platform, bot: i64, user: &FakeUser, message: &SentMessage, label: &str) -> SentMessage {
    say(p, bot, user, updates::callback(user, message.message_id, &button(message, label))).await
}

/// The first message to `chat` containing `needle`, waiting for it.
pub async fn wait_for_text(p: &Platform, bot: i64, chat: i64, needle: &str) -> SentMessage {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(m) =
            p.telegram.sent_to(bot, chat).into_iter().find(|m| m.text.as_deref().unwrap_or_default().contains(needle))
        {
            return m;
        }
        assert!(Instant::now() < deadline, "no message containing {needle:?} to {chat}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many messages to `chat` contain `needle`.
pub fn count_texts(p: &Platform, bot: i64, chat: i64, needle: &str) -> usize {
    p.telegram.sent_to(bot, chat).iter().filter(|m| m.text.as_deref().unwrap_or_default().contains(needle)).count()
}
