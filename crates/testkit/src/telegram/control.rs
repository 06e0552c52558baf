//! What a test does to the fake: push updates, register files, block chats,
//! inject failures. These stand in for users and for Telegram misbehaving.

use super::FakeTelegram;
use super::files;
use super::state::Bot;
use serde_json::Value;
use std::sync::Arc;

impl FakeTelegram {
    /// Queues an update for bot `bot_id` and returns its `update_id`.
    ///
    /// Update ids are sequential per bot from 1 and inserted into `update`
    /// (build one with [`updates`](super::updates), which leaves the id out).
    /// With a webhook set, the update is POSTed to it in the background;
    /// otherwise it waits for `getUpdates`. Panics when the bot is unknown or
    /// the update is not a JSON object: both are bugs in the test.
    pub fn push_update(&self, bot_id: i64, mut update: Value) -> i64 {
        let bot = self.bot(bot_id, "push_update");
        let Some(object) = update.as_object_mut() else {
            panic!("push_update: an update must be a JSON object, got {update}");
        };
        let update_id = {
            let mut state = bot.state.lock().unwrap();
            state.next_update_id += 1;
            let id = state.next_update_id;
            object.insert("update_id".into(), id.into());
            state.note_incoming(&update);
            state.queue.insert(id, update);
            id
        };
        bot.poll_notify.notify_waiters();
        bot.webhook_notify.notify_one();
        update_id
    }

    /// Registers a file the bot can `getFile` and download, e.g. the
    /// `file_id` of a photo in an update built with [`updates::photo`](super::updates::photo).
    pub fn add_file(&self, bot_id: i64, file_id: &str, bytes: Vec<u8>) {
        let bot = self.bot(bot_id, "add_file");
        let mut state = bot.state.lock().unwrap();
        files::add(&self.shared, &mut state, file_id, bytes);
    }

    /// Makes sends of `bot_id` to `chat_id` answer 403 `Forbidden: bot was
    /// blocked by the user`, as after the user pressed "Stop bot".
    pub fn block_chat(&self, bot_id: i64, chat_id: i64) {
        self.bot(bot_id, "block_chat").state.lock().unwrap().blocked.insert(chat_id);
    }

    /// Undoes [`block_chat`](Self::block_chat) (the user restarted the bot).
    pub fn unblock_chat(&self, bot_id: i64, chat_id: i64) {
        self.bot(bot_id, "unblock_chat").state.lock().unwrap().blocked.remove(&chat_id);
    }

    /// Makes the next `times` calls of `method` (any bot, name case-insensitive)
    /// answer `status` in a Telegram envelope (e.g. 500 `Internal Server Error`,
    /// 502 `Bad Gateway`; 429 carries `retry_after: 1` and counts in
    /// [`too_many_requests`](Self::too_many_requests)) without performing them.
    /// The calls are still recorded. Calling again adds to what is already armed.
    pub fn fail_next(&self, method: &str, status: u16, times: usize) {
        self.shared.failures.arm(method, status, times);
    }

    /// Holds every bot's `sendMessage` calls (accepted, not answered) until
    /// [`release_sends`](Self::release_sends): replies stay in flight.
    pub fn hold_sends(&self) {
        self.shared.hold.set(true);
    }

    /// Answers the held calls and stops holding.
    pub fn release_sends(&self) {
        self.shared.hold.set(false);
    }

    /// How many `sendMessage` calls are held right now (their clients still waiting).
    pub fn held_sends(&self) -> usize {
        self.shared.hold.waiting()
    }

    pub(super) fn bot(&self, bot_id: i64, caller: &str) -> Arc<Bot> {
        self.shared
            .bot_by_id(bot_id)
            .unwrap_or_else(|| panic!("{caller}: bot {bot_id} is unknown to the fake; call add_bot first"))
    }
}
