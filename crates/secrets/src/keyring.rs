//! Sealing and opening secrets with the master key (XChaCha20-Poly1305).

use crate::MasterKey;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::SecretString;

const NONCE_LEN: usize = 24;

/// A sealed secret as stored: which key sealed it, and nonce ‖ ciphertext ‖ tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// [`MasterKey::key_id`] of the sealing key.
    pub key_id: String,
    /// 24-byte nonce followed by the ciphertext and its 16-byte tag.
    pub blob: Vec<u8>,
}

/// Why a sealed secret did not open. No variant carries secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The value was sealed with a key this process was not given.
    #[error(
        "wrong master key: stored secrets were sealed with key id {stored}, but the configured key has id {configured} (set BAZAR_MASTER_KEY to the key this database was created with, or list the old key in BAZAR_PREVIOUS_MASTER_KEYS)"
    )]
    UnknownKey {
        /// Key id found beside the ciphertext.
        stored: String,
        /// Key id of the current key.
        configured: String,
    },
    /// Tag mismatch: tampered, truncated, or bound to another owner.
    #[error("a sealed secret failed authentication (tampered, or copied from another row)")]
    Corrupt,
    /// The opened bytes were not UTF-8 text.
    #[error("a sealed secret is not text")]
    NotText,
}

/// The current master key plus older keys that may still open old ciphertexts.
///
/// New secrets are always sealed with the current key; [`Keyring::needs_reseal`]
/// tells which stored values to re-seal after a rotation.
#[derive(Debug)]
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl Keyring {
    /// A keyring that seals with `current` and can also open values sealed with `previous`.
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Self {
        Self { current, previous }
    }

    /// Id of the key new secrets are sealed with.
    pub fn current_key_id(&self) -> &str {
        self.current.key_id()
    }

    /// Whether a value sealed with `key_id` should be re-sealed with the current key.
    pub fn needs_reseal(&self, key_id: &str) -> bool {
        key_id != self.current.key_id()
    }

    /// Seals `plaintext` for `purpose` (e.g. `"bot-token"`) bound to `owner`
    /// (e.g. the bot id): opening it under another purpose or owner fails.
    pub fn seal(&self, purpose: &str, owner: i64, plaintext: &[u8]) -> Sealed {
        let cipher = XChaCha20Poly1305::new(self.current.bytes().into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let aad = associated_data(purpose, owner);
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &aad })
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory buffers");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        Sealed { key_id: self.current.key_id().to_owned(), blob }
    }

    /// Opens a value sealed by [`Keyring::seal`] with the same purpose and owner.
    pub fn open(&self, purpose: &str, owner: i64, sealed: &Sealed) -> Result<Vec<u8>, SealError> {
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.key_id() == sealed.key_id)
            .ok_or_else(|| SealError::UnknownKey {
                stored: sealed.key_id.clone(),
                configured: self.current.key_id().to_owned(),
            })?;
        if sealed.blob.len() < NONCE_LEN {
            return Err(SealError::Corrupt);
        }
        let (nonce, ciphertext) = sealed.blob.split_at(NONCE_LEN);
        let aad = associated_data(purpose, owner);
        XChaCha20Poly1305::new(key.bytes().into())
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: &aad })
            .map_err(|_| SealError::Corrupt)
    }

    /// [`Keyring::open`] for text secrets, returned as a [`SecretString`].
    pub fn open_text(&self, purpose: &str, owner: i64, sealed: &Sealed) -> Result<SecretString, SealError> {
        let bytes = self.open(purpose, owner, sealed)?;
        let text = String::from_utf8(bytes).map_err(|_| SealError::NotText)?;
        Ok(SecretString::from(text))
    }
}

impl Keyring {
    /// A stable secret derived from the current key for `purpose` and `owner`
    /// (HMAC-SHA256, hex): e.g. the per-bot webhook secret Telegram echoes back.
    /// Nothing to store; it changes when the master key is rotated, and callers
    /// re-register whatever depends on it.
    pub fn derive_hex(&self, purpose: &str, owner: i64) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.current.bytes()).expect("any key length");
        mac.update(&associated_data(purpose, owner));
        hex::encode(mac.finalize().into_bytes())
    }
}

impl Keyring {
    /// A keyed fingerprint of `data` for `purpose` under the current key:
    /// `(key id, hex)`, HMAC-SHA256 with a key derived from the master key for
    /// this purpose. For uniqueness and look-up of low-entropy secrets (a
    /// 16-digit card number): equal inputs give equal fingerprints, but
    /// without the master key nobody can try every card number against one —
    /// which a plain hash would allow in seconds. It changes with the master
    /// key, so stored fingerprints whose key id is not
    /// [`Keyring::current_key_id`] are recomputed after a rotation.
    pub fn fingerprint(&self, purpose: &str, data: &[u8]) -> (String, String) {
        use hmac::{Hmac, Mac};
        let mut derive = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.current.bytes()).expect("any key length");
        derive.update(format!("bazar/v1/fingerprint-key/{purpose}").as_bytes());
        let key = derive.finalize().into_bytes();
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&key).expect("any key length");
        mac.update(data);
        (self.current.key_id().to_owned(), hex::encode(mac.finalize().into_bytes()))
    }
}

fn associated_data(purpose: &str, owner: i64) -> Vec<u8> {
    format!("bazar/v1/{purpose}/{owner}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn ring() -> Keyring {
        Keyring::new(MasterKey::generate(), vec![])
    }

    #[test]
    fn seal_then_open_round_trips_and_hides_the_plaintext() {
        let ring = ring();
        let sealed = ring.seal("bot-token", 7, b"123:secret-token-text");
        assert!(!sealed.blob.windows(6).any(|w| w == b"secret"));
        let opened = ring.open_text("bot-token", 7, &sealed).unwrap();
        assert_eq!(opened.expose_secret(), "123:secret-token-text");
    }

    #[test]
    fn a_value_bound_to_one_bot_does_not_open_for_another() {
        let ring = ring();
        let sealed = ring.seal("bot-token", 7, b"x");
        assert_eq!(ring.open("bot-token", 8, &sealed), Err(SealError::Corrupt));
        assert_eq!(ring.open("merchant-id", 7, &sealed), Err(SealError::Corrupt));
    }

    #[test]
    fn a_wrong_key_is_named_as_such() {
        let sealed = ring().seal("bot-token", 1, b"x");
        let err = ring().open("bot-token", 1, &sealed).unwrap_err();
        assert!(matches!(err, SealError::UnknownKey { .. }));
        assert!(err.to_string().starts_with("wrong master key"));
    }

    #[test]
    fn previous_keys_still_open_old_values() {
        let old = MasterKey::generate();
        let old_copy = MasterKey::parse(&old.to_base64()).unwrap();
        let sealed = Keyring::new(old, vec![]).seal("bot-token", 1, b"x");
        let rotated = Keyring::new(MasterKey::generate(), vec![old_copy]);
        assert_eq!(rotated.open("bot-token", 1, &sealed).unwrap(), b"x");
        assert!(rotated.needs_reseal(&sealed.key_id));
    }

    #[test]
    fn derived_secrets_are_stable_and_distinct() {
        let ring = ring();
        assert_eq!(ring.derive_hex("webhook", 1), ring.derive_hex("webhook", 1));
        assert_ne!(ring.derive_hex("webhook", 1), ring.derive_hex("webhook", 2));
        assert_ne!(ring.derive_hex("webhook", 1), Keyring::new(MasterKey::generate(), vec![]).derive_hex("webhook", 1));
        assert_eq!(ring.derive_hex("webhook", 1).len(), 64);
    }

    #[test]
    fn fingerprints_are_keyed_stable_and_bound_to_their_purpose() {
        let ring = ring();
        let (key_id, print) = ring.fingerprint("card-number", b"6037991234567810");
        assert_eq!((key_id.as_str(), print.len()), (ring.current_key_id(), 64));
        assert_eq!(ring.fingerprint("card-number", b"6037991234567810").1, print);
        assert_ne!(ring.fingerprint("card-number", b"6037991234567811").1, print);
        assert_ne!(ring.fingerprint("iban", b"6037991234567810").1, print);
        // Not the plain hash anyone could compute, and another key gives another print.
        assert_ne!(print, crate::sha256_hex(b"6037991234567810"));
        assert_ne!(
            Keyring::new(MasterKey::generate(), vec![]).fingerprint("card-number", b"6037991234567810").1,
            print
        );
    }

    #[test]
    fn tampering_is_detected() {
        let ring = ring();
        let mut sealed = ring.seal("bot-token", 1, b"hello");
        let last = sealed.blob.len() - 1;
        sealed.blob[last] ^= 1;
        assert_eq!(ring.open("bot-token", 1, &sealed), Err(SealError::Corrupt));
    }
}
