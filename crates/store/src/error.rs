//! The storage layer's error type.

use bazar_domain::BotId;

/// Everything that can go wrong below the services. Texts never contain
/// secrets: tokens are never part of a query's text, and connection URLs are
/// redacted before they reach an error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database could not be reached or opened.
    #[error("cannot open database {url}: {reason}")]
    Connect {
        /// The URL with any password redacted.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The URL names a database we do not support.
    #[error("unsupported database URL `{0}` (expected sqlite://PATH or postgres://…)")]
    UnsupportedUrl(String),
    /// The application's PostgreSQL role could bypass row-level security.
    #[error(
        "database role `{0}` is a superuser or has BYPASSRLS, so row-level security would not protect tenants; connect as an ordinary role (see README, \"PostgreSQL\")"
    )]
    UnsafeRole(String),
    /// No bot with this id.
    #[error("no bot with id {0}")]
    UnknownBot(BotId),
    /// A bot with the same Telegram bot id or token is already registered.
    #[error("this bot is already registered (as bot {0})")]
    DuplicateBot(BotId),
    /// A value handed to the store is out of its allowed shape.
    #[error("{0}")]
    InvalidInput(&'static str),
    /// A concurrent write won a race the database arbitrated.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Another bot is already the master bot.
    #[error("bot {0} is already the master bot; there can be only one")]
    MasterExists(BotId),
    /// A sealed secret did not open (wrong master key, tampering).
    #[error(transparent)]
    Seal(#[from] bazar_secrets::SealError),
    /// A configuration key or value was refused.
    #[error(transparent)]
    Config(#[from] bazar_domain::ConfigError),
    /// A debit larger than the wallet's balance.
    #[error("insufficient balance: {balance} available, {needed} needed")]
    InsufficientFunds {
        /// Balance before the debit.
        balance: bazar_domain::Money,
        /// Amount of the debit.
        needed: bazar_domain::Money,
    },
    /// A stored value no longer parses (e.g. edited by hand).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the error is a unique-constraint violation.
    pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }
}
