//! Tenant API tokens as stored: hash and display prefix only.

/// Why an API token does not open a tenant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// Unknown, malformed or revoked token (indistinguishable on purpose).
    #[error("invalid or revoked API token")]
    InvalidToken,
    /// The token is valid but its tenant is suspended or disabled.
    #[error("this tenant is {0}")]
    TenantInactive(bazar_domain::BotStatus),
    /// The database could not answer.
    #[error("token lookup failed: {0}")]
    Unavailable(String),
}

/// An API token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    /// Row id.
    pub id: i64,
    /// Short display prefix, e.g. `bzr_AbC123…`.
    pub prefix: String,
    /// When it was issued (unix ms).
    pub created_at: i64,
    /// When it was last presented (unix ms).
    pub last_used_at: Option<i64>,
    /// When it was revoked (unix ms), if it was.
    pub revoked_at: Option<i64>,
}
