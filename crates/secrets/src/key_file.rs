//! The zero-setup key file: on SQLite with no `BAZAR_MASTER_KEY`, a key is
//! generated once into a file readable only by its owner, beside the database.

use crate::MasterKey;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Why the key file could not be read or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing failed.
    #[error("key file {path}: {source}")]
    Io {
        /// The key file.
        path: String,
        /// The IO failure.
        source: std::io::Error,
    },
    /// The file exists but does not hold a key.
    #[error("key file {path} does not contain a valid master key")]
    Malformed {
        /// The key file.
        path: String,
    },
}

/// Whether [`load_or_create`] found a key or made one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The file existed.
    Loaded,
    /// The file was created just now with a new key.
    Generated,
}

/// Loads the key at `path`, or creates the file (mode 0600) with a new key.
pub fn load_or_create(path: &Path) -> Result<(MasterKey, KeyOrigin), KeyFileError> {
    let io = |source| KeyFileError::Io { path: path.display().to_string(), source };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), mode = format!("{:o}", mode & 0o777), "master key file is readable by others; chmod 600 it");
            }
            let key =
                MasterKey::parse(&text).map_err(|_| KeyFileError::Malformed { path: path.display().to_string() })?;
            Ok((key, KeyOrigin::Loaded))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(io)?;
            }
            let key = MasterKey::generate();
            let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io)?;
            writeln!(file, "{}", key.to_base64()).map_err(io)?;
            file.sync_all().map_err(io)?;
            Ok((key, KeyOrigin::Generated))
        }
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_private_file_once_then_loads_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/bazar.key");
        let (key, origin) = load_or_create(&path).unwrap();
        assert_eq!(origin, KeyOrigin::Generated);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (again, origin) = load_or_create(&path).unwrap();
        assert_eq!(origin, KeyOrigin::Loaded);
        assert_eq!(again.key_id(), key.key_id());
    }

    #[test]
    fn a_garbage_file_is_an_error_not_a_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bazar.key");
        std::fs::write(&path, "nonsense").unwrap();
        assert!(matches!(load_or_create(&path), Err(KeyFileError::Malformed { .. })));
    }
}
