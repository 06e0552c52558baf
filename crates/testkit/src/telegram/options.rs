//! How strict the fake is: Telegram's flood limits and webhook retries can be
//! switched off or tuned, so that a test can exercise either the happy path
//! or the bot's handling of `429 Too Many Requests`.

use std::time::Duration;

/// Settings of a [`FakeTelegram`](super::FakeTelegram), given to
/// [`FakeTelegram::start_with`](super::FakeTelegram::start_with).
///
/// The defaults mirror the limits Telegram documents for bots, so that code
/// which passes against the fake does not get flood-limited in production.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOptions {
    /// Emulate Telegram's flood limits on outgoing messages (answer `429` instead of sending).
    pub rate_limits: bool,
    /// At most this many outgoing messages per bot in any rolling second (Telegram: ~30).
    pub per_bot_per_second: u32,
    /// At most one outgoing message per chat in this interval (Telegram: about one per second).
    pub per_chat_interval: Duration,
    /// Retry failed webhook deliveries with backoff (100 ms, doubling, 5 attempts in all)
    /// instead of giving up after the first attempt.
    pub webhook_retry: bool,
}

impl Default for FakeOptions {
    fn default() -> Self {
        Self {
            rate_limits: true,
            per_bot_per_second: 30,
            per_chat_interval: Duration::from_secs(1),
            webhook_retry: true,
        }
    }
}
