//! Tenant API tokens: random, shown once, stored as a hash.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

const SCHEME: &str = "bzr_";
const RANDOM_BYTES: usize = 32;
/// Characters of the random part kept as the display prefix.
const PREFIX_CHARS: usize = 6;

/// A tenant API token: `bzr_` followed by 32 random bytes in URL-safe base64.
///
/// The full text exists only between generation and the moment it is printed
/// once, and again when a client presents it; storage keeps [`ApiToken::hash`]
/// and [`ApiToken::display_prefix`] only.
#[derive(Clone)]
pub struct ApiToken(SecretString);

/// Why a presented text is not an API token. Never echoes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiTokenError {
    /// Wrong scheme prefix, length or alphabet.
    #[error("malformed API token")]
    Malformed,
}

impl ApiToken {
    /// A new token from the operating system's random generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; RANDOM_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        Self(SecretString::from(format!("{SCHEME}{}", URL_SAFE_NO_PAD.encode(bytes))))
    }

    /// Parses a token presented by a client (e.g. from an `Authorization` header).
    pub fn parse(text: &str) -> Result<Self, ApiTokenError> {
        let text = text.trim();
        let random = text.strip_prefix(SCHEME).ok_or(ApiTokenError::Malformed)?;
        let decoded = URL_SAFE_NO_PAD.decode(random).map_err(|_| ApiTokenError::Malformed)?;
        if decoded.len() != RANDOM_BYTES {
            return Err(ApiTokenError::Malformed);
        }
        Ok(Self(SecretString::from(text.to_owned())))
    }

    /// The full token, to print once or to send as a client.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// What storage keeps: the SHA-256 of the token (hex).
    pub fn hash(&self) -> String {
        crate::sha256_hex(self.expose().as_bytes())
    }

    /// A short, non-secret prefix (`bzr_AbC123…`) so people can tell tokens apart.
    pub fn display_prefix(&self) -> String {
        let random = &self.expose()[SCHEME.len()..];
        format!("{SCHEME}{}…", &random[..PREFIX_CHARS])
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiToken({})", self.display_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_hash_stably() {
        let token = ApiToken::generate();
        assert!(token.expose().len() >= 4 + 43);
        let again = ApiToken::parse(token.expose()).unwrap();
        assert_eq!(again.hash(), token.hash());
        assert_ne!(ApiToken::generate().hash(), token.hash());
        assert!(!token.hash().contains(&token.expose()[4..]));
    }

    #[test]
    fn prefix_is_short_and_debug_shows_only_it() {
        let token = ApiToken::generate();
        let prefix = token.display_prefix();
        assert_eq!(prefix.chars().count(), 4 + PREFIX_CHARS + 1);
        assert_eq!(format!("{token:?}"), format!("ApiToken({prefix})"));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert!(ApiToken::parse("").is_err());
        assert!(ApiToken::parse("bzr_short").is_err());
        assert!(ApiToken::parse("Bearer bzr_x").is_err());
    }
}
