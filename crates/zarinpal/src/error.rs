//! What a Zarinpal call can fail with, sorted by what the caller should do next.
//!
//! No variant carries the merchant id or a request URL: transport errors are
//! stripped of their URL, and the gateway's own messages are scrubbed of the
//! merchant id before use (they are fixed English sentences, but validation
//! messages could one day echo an input).

/// A failed Zarinpal call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZarinpalError {
    /// The gateway could not be reached, the connection broke, or no answer
    /// came in time. Nothing is known about whether the call took effect:
    /// retry later (verify is safe to repeat; a repeated request only leaves
    /// an unused authority behind).
    #[error("Zarinpal unreachable: {0}")]
    Transport(String),
    /// The gateway answered this HTTP status without Zarinpal's JSON envelope
    /// (a proxy's error page, an outage). 5xx, 408 and 429 are worth
    /// retrying; other statuses are not.
    #[error("Zarinpal answered HTTP {0}")]
    Status(u16),
    /// Zarinpal refused the call with an error code from its envelope
    /// (`{"data": [], "errors": {"code": …}}`): -9 validation, -10 unknown
    /// merchant or IP, -11 inactive merchant, -12 too many attempts, -53
    /// another merchant's payment… Retrying the same call will not help.
    #[error("Zarinpal refused the call: {message} (code {code})")]
    Gateway {
        /// Zarinpal's code (negative for errors).
        code: i64,
        /// Zarinpal's message, with the validation details when there are any.
        message: String,
    },
    /// The answer could not be read: not JSON, or JSON of another shape (a
    /// captive portal's page, an incompatible API). Often transient, so it
    /// counts as retryable.
    #[error("unreadable answer from Zarinpal: {0}")]
    Decode(String),
}

impl ZarinpalError {
    /// Whether the same call may succeed later without anyone changing
    /// anything: [`Self::Transport`], [`Self::Decode`], and [`Self::Status`]
    /// with 5xx, 408 or 429.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) | Self::Decode(_) => true,
            Self::Status(status) => matches!(status, 408 | 429 | 500..=599),
            Self::Gateway { .. } => false,
        }
    }

    /// Zarinpal's error code, for [`Self::Gateway`].
    pub fn gateway_code(&self) -> Option<i64> {
        match self {
            Self::Gateway { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// A value refused by [`MerchantId::parse`](crate::MerchantId::parse) or
/// [`Authority::parse`](crate::Authority::parse). The text never repeats the
/// input (it may be a secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidValue {
    /// Not a 36-character UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits).
    #[error("a Zarinpal merchant id is a 36-character UUID (8-4-4-4-12 hex digits)")]
    MerchantId,
    /// Empty, longer than 64 characters, or not only ASCII letters and digits.
    #[error("a Zarinpal authority is 1 to 64 ASCII letters and digits")]
    Authority,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_errors_are_the_transient_ones() {
        assert!(ZarinpalError::Transport("timeout".into()).is_retryable());
        assert!(ZarinpalError::Decode("html".into()).is_retryable());
        for status in [500, 502, 503, 504, 408, 429] {
            assert!(ZarinpalError::Status(status).is_retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 422, 301] {
            assert!(!ZarinpalError::Status(status).is_retryable(), "{status}");
        }
        let refused = ZarinpalError::Gateway { code: -10, message: "Terminal is not valid".into() };
        assert!(!refused.is_retryable());
        assert_eq!(refused.gateway_code(), Some(-10));
        assert_eq!(refused.to_string(), "Zarinpal refused the call: Terminal is not valid (code -10)");
    }
}
