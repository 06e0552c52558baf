//! Telegram's flood limits and injected failures. Limits apply to outgoing
//! messages only (send*, copy, forward, edit*), as on the real server; a call
//! over a limit is not performed and answers `429` with `retry_after`, so that
//! a bot's send queue and backoff can be tested for real.

use super::options::FakeOptions;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Whether `method` (lower-case) is an outgoing message that the limits count.
/// `sendChatAction` is excluded: it shows "typing…" and is not a message.
pub(crate) fn is_counted(method: &str) -> bool {
    (method.starts_with("send") && method != "sendchataction")
        || method.starts_with("edit")
        || matches!(method, "copymessage" | "copymessages" | "forwardmessage" | "forwardmessages")
}

/// The flood-limit bookkeeping of one bot (lives under the bot's lock).
#[derive(Default)]
pub(crate) struct Limiter {
    /// When the calls accepted in the last second were made, oldest first.
    window: VecDeque<Instant>,
    /// When the last call to each chat was accepted.
    last_per_chat: HashMap<i64, Instant>,
}

impl Limiter {
    /// Admits one outgoing message to `chat` (None for inline messages) at `now`,
    /// or answers how many whole seconds to wait (at least 1, like Telegram).
    pub fn admit(&mut self, options: &FakeOptions, chat: Option<i64>, now: Instant) -> Result<(), u64> {
        if !options.rate_limits {
            return Ok(());
        }
        let second = Duration::from_secs(1);
        while self.window.front().is_some_and(|t| now.duration_since(*t) >= second) {
            self.window.pop_front();
        }
        if self.window.len() >= options.per_bot_per_second as usize {
            let oldest = self.window.front().copied().unwrap_or(now);
            return Err(whole_seconds(second.saturating_sub(now.duration_since(oldest))));
        }
        if let Some(chat) = chat
            && let Some(last) = self.last_per_chat.get(&chat)
        {
            let elapsed = now.duration_since(*last);
            if elapsed < options.per_chat_interval {
                return Err(whole_seconds(options.per_chat_interval - elapsed));
            }
        }
        self.window.push_back(now);
        if let Some(chat) = chat {
            self.last_per_chat.insert(chat, now);
        }
        Ok(())
    }
}

fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Failures armed with `fail_next`, by lower-case method name.
#[derive(Default)]
pub(crate) struct Failures {
    /// How many failures are armed in all: lets the hot path skip the lock.
    armed: AtomicUsize,
    queue: Mutex<HashMap<String, VecDeque<u16>>>,
}

impl Failures {
    /// Arms `times` failures with `status` for `method`, after those already armed.
    pub fn arm(&self, method: &str, status: u16, times: usize) {
        let mut queue = self.queue.lock().unwrap();
        queue.entry(method.to_ascii_lowercase()).or_default().extend(std::iter::repeat_n(status, times));
        self.armed.fetch_add(times, Ordering::SeqCst);
    }

    /// The status this call of `method` must fail with, if one is armed.
    pub fn take(&self, method: &str) -> Option<u16> {
        if self.armed.load(Ordering::SeqCst) == 0 {
            return None;
        }
        let mut queue = self.queue.lock().unwrap();
        let status = queue.get_mut(method)?.pop_front()?;
        self.armed.fetch_sub(1, Ordering::SeqCst);
        Some(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_waits_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1001)), 2);
    }

    #[test]
    fn counts_only_outgoing_messages() {
        assert!(is_counted("sendmessage") && is_counted("editmessagetext") && is_counted("copymessage"));
        assert!(!is_counted("sendchataction") && !is_counted("getupdates") && !is_counted("answercallbackquery"));
    }

    #[test]
    fn per_chat_and_per_bot_windows() {
        let options = FakeOptions { per_bot_per_second: 2, ..FakeOptions::default() };
        let mut limiter = Limiter::default();
        let t0 = Instant::now();
        assert_eq!(limiter.admit(&options, Some(1), t0), Ok(()));
        assert_eq!(limiter.admit(&options, Some(1), t0), Err(1));
        assert_eq!(limiter.admit(&options, Some(2), t0), Ok(()));
        assert_eq!(limiter.admit(&options, Some(3), t0), Err(1));
        assert_eq!(limiter.admit(&options, Some(1), t0 + Duration::from_secs(1)), Ok(()));
    }
}
