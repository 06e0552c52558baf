//! What a panel call can fail with, sorted by what the caller should do next.
//!
//! No variant carries a token, a password or a request URL: messages are
//! built from the operation's name, the HTTP status and the panel's own error
//! text, and transport errors are stripped of their URL before use.

/// A failed panel operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PanelError {
    /// The panel could not be reached or did not answer in time, or answered
    /// 5xx, 408 or 429. Nothing is known about whether the operation took
    /// effect: retry later (every operation is safe to repeat).
    #[error("VPN panel unavailable: {0}")]
    Unavailable(String),
    /// The panel refused our credentials (401, 403, or a failed admin login).
    /// Retrying will not help until an operator fixes the configuration.
    #[error("VPN panel refused our credentials")]
    Unauthorized,
    /// The panel refused the request itself (a 4xx other than the above):
    /// an invalid username, an unknown squad or inbound, a missing user.
    #[error("VPN panel rejected the request: {0}")]
    Rejected(String),
    /// A user with this name exists on the panel but is not ours: its note
    /// does not carry this subscription's owner marker (another database
    /// selling on the same panel made it). It is left untouched; an admin
    /// must look.
    #[error("a VPN user named `{0}` already exists on the panel and belongs to someone else; it was not touched")]
    Foreign(String),
    /// The panel answered something we cannot read: not JSON, or JSON of
    /// another shape (a captive page, a proxy's error page, an incompatible
    /// version). Often transient, so it is retried like [`Self::Unavailable`].
    #[error("unexpected answer from the VPN panel: {0}")]
    Protocol(String),
}

impl PanelError {
    /// Whether the same call may succeed later without anyone changing
    /// anything: [`Self::Unavailable`] and [`Self::Protocol`].
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Protocol(_))
    }
}
