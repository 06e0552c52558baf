//! What a Bot API call can fail with. No variant carries the token or the URL.

/// A failed Bot API call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TelegramError {
    /// Telegram answered `ok: false`.
    #[error("Telegram refused {method}: {code} {description}")]
    Api {
        /// The method called.
        method: &'static str,
        /// Telegram's `error_code` (HTTP-like: 400, 401, 403, 409, 429…).
        code: u16,
        /// Telegram's `description`.
        description: String,
        /// `parameters.retry_after` in seconds, on 429.
        retry_after: Option<u64>,
    },
    /// The server could not be reached or the connection failed.
    #[error("cannot reach the Telegram Bot API for {method}: {reason}")]
    Network {
        /// The method called.
        method: &'static str,
        /// The transport error, without the URL (which holds the token).
        reason: String,
    },
    /// The answer was not the JSON the protocol promises.
    #[error("unexpected answer from the Telegram Bot API for {method}: {reason}")]
    Protocol {
        /// The method called.
        method: &'static str,
        /// What did not parse.
        reason: String,
    },
}

impl TelegramError {
    /// Whether Telegram rejected the token itself (revoked or never valid).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Api { code: 401 | 404, .. })
    }
}
