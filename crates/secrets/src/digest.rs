//! One-way digests of high-entropy secrets.

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `input`.
///
/// Used for uniqueness and look-up of secrets that carry at least 128 bits of
/// entropy (bot tokens, API tokens): a plain hash cannot be brute-forced for
/// those, and unlike a keyed hash it survives master-key rotation.
pub fn sha256_hex(input: &[u8]) -> String {
    hex::encode(Sha256::digest(input))
}
