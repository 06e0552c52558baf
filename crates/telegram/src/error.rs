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

    /// Seconds Telegram asked us to wait (429 Too Many Requests).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::Api { code: 429, retry_after, .. } => Some(retry_after.unwrap_or(1)),
            _ => None,
        }
    }

    /// Whether the user blocked the bot or the chat is gone (403 Forbidden).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Self::Api { code: 403, .. })
    }

    /// Whether trying again later may succeed: network failures and 5xx answers.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network { .. } => true,
            Self::Api { code, .. } => *code >= 500 || *code == 0,
            Self::Protocol { .. } => false,
        }
    }

    /// 409: a webhook is set (for getUpdates) or another poller took over.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Api { code: 409, .. })
    }
}
