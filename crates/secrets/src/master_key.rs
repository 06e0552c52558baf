//! The 256-bit master key.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use std::fmt;

/// A 256-bit key that seals secrets at rest. Never printed; identified by its
/// [`MasterKey::key_id`], a short fingerprint stored beside every ciphertext.
pub struct MasterKey {
    bytes: SecretBox<[u8; 32]>,
    key_id: String,
}

/// Why a text is not a master key. Never echoes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MasterKeyError {
    /// Neither 64 hex digits nor base64 of 32 bytes.
    #[error(
        "malformed master key: expected 32 bytes as base64 (44 characters) or hex (64 characters); generate one with `openssl rand -base64 32`"
    )]
    Malformed,
}

impl MasterKey {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let key_id = hex::encode(&Sha256::digest([b"bazar-master-key-id:".as_slice(), &bytes].concat())[..4]);
        Self { bytes: SecretBox::new(Box::new(bytes)), key_id }
    }

    /// A fresh random key from the operating system's generator.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        Self::from_bytes(bytes)
    }

    /// Parses base64 (standard or URL-safe) or hex text of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<Self, MasterKeyError> {
        let text = text.trim();
        let decoded = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            STANDARD.decode(text).ok().or_else(|| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok())
        };
        let bytes: [u8; 32] = decoded.and_then(|d| d.try_into().ok()).ok_or(MasterKeyError::Malformed)?;
        Ok(Self::from_bytes(bytes))
    }

    /// The key as base64 text, for writing the key file.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes.expose_secret())
    }

    /// Short public fingerprint (8 hex digits) stored beside each ciphertext.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        self.bytes.expose_secret()
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey(id={})", self.key_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_base64_and_hex_to_the_same_key() {
        let key = MasterKey::generate();
        let b64 = key.to_base64();
        let again = MasterKey::parse(&b64).unwrap();
        assert_eq!(again.key_id(), key.key_id());
        let hex_text = hex::encode(key.bytes());
        assert_eq!(MasterKey::parse(&hex_text).unwrap().key_id(), key.key_id());
    }

    #[test]
    fn refuses_short_keys_without_echoing_them() {
        let err = MasterKey::parse("c2VjcmV0").unwrap_err().to_string();
        assert!(!err.contains("c2VjcmV0"));
    }

    #[test]
    fn debug_shows_only_the_id() {
        let key = MasterKey::generate();
        assert_eq!(format!("{key:?}"), format!("MasterKey(id={})", key.key_id()));
    }
}
