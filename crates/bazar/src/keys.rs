//! Building the keyring from configuration.
//!
//! `master_key` wins; otherwise `master_key_file` (or, on SQLite, `bazar.key`
//! beside the database file) is loaded — and created with a fresh key on SQLite
//! only, so a zero-setup start needs nothing. PostgreSQL deployments must bring
//! their own key: several processes share that database and must share the key.

use crate::config::Config;
use bazar_secrets::key_file::{self, KeyOrigin};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::Backend;
use secrecy::ExposeSecret;
use std::path::PathBuf;

/// Why no keyring could be built. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// `master_key` or one of `previous_master_keys` is malformed.
    #[error("{which}: {source}")]
    Malformed {
        /// Which setting.
        which: &'static str,
        /// The parse error (no key text).
        source: bazar_secrets::MasterKeyError,
    },
    /// The key file could not be read or created.
    #[error(transparent)]
    File(#[from] key_file::KeyFileError),
    /// PostgreSQL without any key configured.
    #[error(
        "BAZAR_MASTER_KEY (or BAZAR_MASTER_KEY_FILE) is required with PostgreSQL; generate one with `openssl rand -base64 32`"
    )]
    Required,
}

/// The keyring for this process.
pub fn keyring(config: &Config, backend: Backend) -> Result<Keyring, KeyError> {
    let current = match (&config.master_key, &config.master_key_file, backend) {
        (Some(text), _, _) => MasterKey::parse(text.expose_secret())
            .map_err(|source| KeyError::Malformed { which: "BAZAR_MASTER_KEY", source })?,
        (None, Some(path), Backend::Postgres) => {
            if !path.exists() {
                return Err(KeyError::Required);
            }
            key_file::load_or_create(path)?.0
        }
        (None, None, Backend::Postgres) => return Err(KeyError::Required),
        (None, file, Backend::Sqlite) => {
            let path = file.clone().unwrap_or_else(|| default_key_file(config));
            let (key, origin) = key_file::load_or_create(&path)?;
            if origin == KeyOrigin::Generated {
                tracing::warn!(
                    path = %path.display(),
                    "no BAZAR_MASTER_KEY given: generated a master key into this file (mode 0600). Back it up with the database: without it the stored bot tokens cannot be opened"
                );
            }
            key
        }
    };
    let previous = match &config.previous_master_keys {
        Some(list) => list
            .expose_secret()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|k| {
                MasterKey::parse(k)
                    .map_err(|source| KeyError::Malformed { which: "BAZAR_PREVIOUS_MASTER_KEYS", source })
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    Ok(Keyring::new(current, previous))
}

/// `bazar.key` in the SQLite database's directory.
fn default_key_file(config: &Config) -> PathBuf {
    let url = config.database_url.expose_secret();
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or_default();
    let path = PathBuf::from(rest.split('?').next().unwrap_or_default());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && rest != ":memory:" => dir.join("bazar.key"),
        _ => PathBuf::from("bazar.key"),
    }
}
