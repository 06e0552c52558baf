//! Secrets at rest.
//!
//! * [`Keyring`]: the master key (and older keys kept for rotation) that seals
//!   Telegram bot tokens and other tenant credentials with an AEAD, each
//!   ciphertext bound to its owner (e.g. the bot id) so a sealed value copied to
//!   another row does not open.
//! * [`ApiToken`]: tenant API tokens — 32 random bytes shown once, stored only
//!   as a SHA-256 hash plus a short display prefix.
//! * [`key_file`]: the zero-setup key file generated beside a SQLite database.

mod api_token;
mod digest;
pub mod key_file;
mod keyring;
mod master_key;
mod random;

pub use api_token::{ApiToken, ApiTokenError};
pub use digest::sha256_hex;
pub use keyring::{Keyring, SealError, Sealed};
pub use master_key::{MasterKey, MasterKeyError};
pub use random::random_code;
