//! The parts of the Bot API's types Bazar reads.

use serde::Deserialize;

/// A Telegram user or bot (`getMe` returns the bot itself).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    /// Telegram user id.
    pub id: i64,
    /// Whether this is a bot.
    pub is_bot: bool,
    /// First name (a bot's display name).
    pub first_name: String,
    /// `@username` without the `@`.
    pub username: Option<String>,
    /// IETF language tag of the user's client.
    pub language_code: Option<String>,
}
