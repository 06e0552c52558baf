//! The binary's error type: one line for the operator, and an exit code.

use crate::config::ConfigLoadError;
use crate::keys::KeyError;

/// Everything a command can fail with. Each renders as one line naming the
/// problem, without secrets.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Configuration could not be loaded.
    #[error(transparent)]
    Config(#[from] ConfigLoadError),
    /// No usable master key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The storage layer refused.
    #[error(transparent)]
    Store(#[from] bazar_store::StoreError),
    /// Telegram refused or could not be reached.
    #[error(transparent)]
    Telegram(#[from] bazar_telegram::TelegramError),
    /// The operator's input is wrong.
    #[error("{0}")]
    Input(String),
    /// Reading input or binding a socket failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl CliError {
    /// Shorthand for an input error.
    pub fn input(message: impl Into<String>) -> Self {
        Self::Input(message.into())
    }
}
