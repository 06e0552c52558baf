//! The two capabilities to touch data: [`TenantScope`] (one tenant) and
//! [`PlatformScope`] (the operator, across tenants), and the transactions they open.
//!
//! Architecture invariant: only this crate constructs a `TenantScope`, and only
//! in three kinds of places — resolving active bots (`Store::resolve_active_bot`,
//! `Platform::active_bots`), authenticating an API token, and
//! [`crate::Platform::tenant`], which itself needs a `PlatformScope`.
//!
//! Architecture invariant: outside this crate a `PlatformScope` is made only
//! by [`crate::CompositionRoot::platform_scope`], from the root the binary's
//! `main` claims once per process; every platform path is handed one.

use crate::{Backend, Database, StoreError};
use bazar_domain::BotId;
use bazar_secrets::Keyring;
use sqlx::{Any, AnyConnection, Transaction};
use std::sync::Arc;

/// Proof that the caller acts for exactly one tenant.
///
/// No public constructor, no `Default`, no `Deserialize`: a value exists only
/// because the webhook lookup, the API-token extractor or an explicit platform
/// path produced it. Every tenant-scoped query needs one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantScope {
    bot_id: BotId,
}

impl TenantScope {
    pub(crate) fn new(bot_id: BotId) -> Self {
        Self { bot_id }
    }

    /// The tenant this scope grants access to.
    pub fn bot_id(&self) -> BotId {
        self.bot_id
    }
}

/// The platform owner's capability: read and manage every tenant.
///
/// Made once, at start-up, by the composition root
/// ([`crate::CompositionRoot::platform_scope`]) and handed to the platform
/// paths (the CLI commands, the runtime's registry and job claimer, the
/// provisioner's panel lookups, the master bot's platform area, the platform
/// API); copies are clones of that one. Tenant-facing code is never handed one
/// and cannot make one: there is no public constructor.
#[derive(Debug, Clone)]
pub struct PlatformScope {
    _private: (),
}

impl PlatformScope {
    /// The store's own platform reads (resolving which bot an update is for,
    /// a tenant's own bot token), and the root's scope.
    pub(crate) fn new() -> Self {
        Self { _private: () }
    }
}

/// A database transaction bound to one tenant.
///
/// On PostgreSQL it has `app.bot_id` set transaction-locally, so row-level
/// security hides and refuses every other tenant's rows; the setting ends with
/// the transaction and never leaks to the next user of the pooled connection.
/// On SQLite a writing transaction runs on the process's single writer
/// connection and takes the write lock at `BEGIN` (`BEGIN IMMEDIATE`), so
/// concurrent writers queue instead of failing on lock upgrade.
pub struct TenantTx {
    tx: Transaction<'static, Any>,
    bot_id: BotId,
    backend: Backend,
    /// Seals and opens the tenant's secrets stored row by row (card numbers).
    keyring: Arc<Keyring>,
}

impl TenantTx {
    pub(crate) async fn begin(
        db: &Database,
        keyring: &Arc<Keyring>,
        scope: &TenantScope,
        mode: Mode,
    ) -> Result<Self, StoreError> {
        let mut tx = begin(db, mode).await?;
        if db.backend() == Backend::Postgres {
            sqlx::query("SELECT set_config('app.bot_id', $1, true)")
                .bind(scope.bot_id.get().to_string())
                .execute(&mut *tx)
                .await?;
        }
        Ok(Self { tx, bot_id: scope.bot_id, backend: db.backend(), keyring: keyring.clone() })
    }

    /// The process's keyring, for values sealed row by row.
    pub(crate) fn keyring(&self) -> &Arc<Keyring> {
        &self.keyring
    }

    /// The tenant every statement in this transaction belongs to.
    pub fn bot_id(&self) -> BotId {
        self.bot_id
    }

    /// The raw bot id, for binding into queries.
    pub(crate) fn bot(&self) -> i64 {
        self.bot_id.get()
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Which database the transaction runs on (for the few statements the two spell differently).
    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Hand-written SQL inside the tenant transaction. Exists only so tests can
    /// prove that row-level security holds even for queries that forget `bot_id`.
    #[cfg(feature = "testing")]
    pub fn raw_connection(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// A database transaction with platform-wide visibility (`app.platform = 'on'`
/// on PostgreSQL, transaction-locally).
pub struct PlatformTx {
    tx: Transaction<'static, Any>,
}

impl PlatformTx {
    pub(crate) async fn begin(db: &Database, _scope: &PlatformScope, mode: Mode) -> Result<Self, StoreError> {
        let mut tx = begin(db, mode).await?;
        if db.backend() == Backend::Postgres {
            sqlx::query("SELECT set_config('app.platform', 'on', true)").execute(&mut *tx).await?;
        }
        Ok(Self { tx })
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Hand-written SQL with platform visibility, for tests.
    #[cfg(feature = "testing")]
    pub fn raw_connection(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// Whether a transaction may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reads only: on SQLite a deferred transaction that takes no lock.
    Read,
    /// May write: on SQLite, queue on the process's write lock, then `BEGIN IMMEDIATE`.
    Write,
}

async fn begin(db: &Database, mode: Mode) -> Result<Transaction<'static, Any>, StoreError> {
    // On SQLite, writes queue for the process's single writer connection and take
    // the database's write lock at BEGIN, so they never fail on lock upgrade.
    let statement = match (db.backend(), mode) {
        (Backend::Sqlite, Mode::Write) => "BEGIN IMMEDIATE",
        _ => "BEGIN",
    };
    let pool = db.pool_for(mode == Mode::Write);
    match pool.begin_with(statement).await {
        // sqlx still counts a transaction SQLite already ended on its own (a
        // COMMIT that failed with an automatic rollback: disk full, I/O error),
        // and would refuse every later BEGIN on this connection — on SQLite's
        // single writer, every later write. Replace the connection (on the
        // writer pool, the only one, so exactly the one that failed).
        Err(sqlx::Error::InvalidSavePointStatement) => {
            tracing::warn!("a database connection lost track of its transaction; replacing it");
            if let Ok(conn) = pool.acquire().await {
                let _ = sqlx::Connection::close_hard(conn.detach()).await;
            }
            Ok(pool.begin_with(statement).await?)
        }
        other => Ok(other?),
    }
}
