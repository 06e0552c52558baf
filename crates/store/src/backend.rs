//! Connecting to SQLite or PostgreSQL behind one `AnyPool`.

use crate::StoreError;
use crate::row::get_bool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Which database engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (WAL mode). No row-level security: the types are the wall.
    Sqlite,
    /// PostgreSQL with row-level security on every tenant table.
    Postgres,
}

impl Backend {
    /// Detects the backend from a URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    /// `sqlite://PATH` or `postgres://USER@HOST/DB` — the application's connection.
    pub url: String,
    /// PostgreSQL only: an owner connection that applies migrations and grants the
    /// application role what it needs. Without it, migrations run as the app role.
    pub migration_url: Option<String>,
    /// Most pooled connections.
    pub max_connections: u32,
    /// How long to wait for a connection (and, on SQLite, for a write lock).
    pub acquire_timeout: Duration,
}

impl DatabaseOptions {
    /// Options with the given URL and defaults for the rest.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), migration_url: None, max_connections: 8, acquire_timeout: Duration::from_secs(5) }
    }
}

/// A connection pool and the backend behind it.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    /// SQLite only: the one connection every write transaction of this process
    /// uses. SQLite allows a single writer anyway; queuing for it here keeps
    /// writers out of SQLite's busy handler (which sleeps whole milliseconds),
    /// and its page cache stays warm because no other connection of ours writes.
    sqlite_writer: Option<AnyPool>,
}

impl Database {
    /// Connects (creating a SQLite file and its directory when missing).
    ///
    /// On PostgreSQL, refuses a role that is a superuser or has `BYPASSRLS`.
    pub async fn connect(options: &DatabaseOptions) -> Result<Self, StoreError> {
        let db = Self::connect_unchecked(&options.url, options.max_connections, options.acquire_timeout).await?;
        if db.backend == Backend::Postgres {
            let row = sqlx::query(
                "SELECT current_user::text AS name, (rolsuper OR rolbypassrls) AS unsafe FROM pg_roles WHERE rolname = current_user",
            )
            .fetch_one(&db.pool)
            .await?;
            let name: String = sqlx::Row::try_get(&row, "name")?;
            if get_bool(&row, "unsafe")? {
                return Err(StoreError::UnsafeRole(name));
            }
        }
        Ok(db)
    }

    /// Connects without the role check (for the migration owner connection).
    pub(crate) async fn connect_unchecked(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let connect_error = |reason: String| StoreError::Connect { url: redact_url(url), reason };
        let mut pool_options =
            AnyPoolOptions::new().max_connections(max_connections.max(1)).acquire_timeout(acquire_timeout);
        let mut writer_options = AnyPoolOptions::new().max_connections(1).acquire_timeout(acquire_timeout * 6);
        let url = match backend {
            Backend::Sqlite => {
                if let Some(dir) = sqlite_path(url).and_then(|p| p.parent().map(PathBuf::from))
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(&dir)
                        .map_err(|e| connect_error(format!("cannot create {}: {e}", dir.display())))?;
                }
                pool_options = pool_options.after_connect(sqlite_pragmas);
                writer_options = writer_options.after_connect(sqlite_pragmas);
                with_sqlite_create_mode(url)
            }
            Backend::Postgres => url.to_owned(),
        };
        // One direct connection first: a pool only reports "timed out", while
        // this names the real cause (refused, unknown host, authentication…).
        let probe = tokio::time::timeout(acquire_timeout, AnyConnection::connect(&url))
            .await
            .map_err(|_| connect_error(format!("no answer within {}s", acquire_timeout.as_secs())))?
            .map_err(|e| connect_error(sanitize_sqlx_error(&e, &url)))?;
        let _ = probe.close().await;
        let pool = pool_options.connect(&url).await.map_err(|e| connect_error(sanitize_sqlx_error(&e, &url)))?;
        let sqlite_writer = match backend {
            Backend::Sqlite => {
                Some(writer_options.connect(&url).await.map_err(|e| connect_error(sanitize_sqlx_error(&e, &url)))?)
            }
            Backend::Postgres => None,
        };
        Ok(Self { pool, backend, sqlite_writer })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool a transaction of `mode` runs on.
    pub(crate) fn pool_for(&self, write: bool) -> &AnyPool {
        match (&self.sqlite_writer, write) {
            (Some(writer), true) => writer,
            _ => &self.pool,
        }
    }

    /// The pool, for this crate's scoped transactions.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The raw pool, for tests that prove row-level security with hand-written SQL.
    #[cfg(feature = "testing")]
    pub fn raw_pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every pooled connection.
    pub async fn close(&self) {
        if let Some(writer) = &self.sqlite_writer {
            writer.close().await;
        }
        self.pool.close().await;
    }
}

/// Per-connection SQLite settings: WAL (readers never block the writer), normal
/// sync (durable at checkpoints; a power cut may lose the last transactions,
/// never corrupt), foreign keys (cascading tenant deletes), a 16 MiB page cache,
/// and a busy timeout for writers from other processes (the CLI).
fn sqlite_pragmas(
    conn: &mut AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> futures::future::BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute("PRAGMA journal_mode = WAL").await?;
        conn.execute("PRAGMA synchronous = NORMAL").await?;
        conn.execute("PRAGMA foreign_keys = ON").await?;
        conn.execute("PRAGMA cache_size = -16384").await?;
        conn.execute("PRAGMA busy_timeout = 10000").await?;
        Ok(())
    })
}

/// The file path of a `sqlite:` URL, if it names a file.
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn with_sqlite_create_mode(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The URL with any password replaced by `***`, safe for logs and errors.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "(unparseable URL)".to_owned(),
    }
}

/// A connection error's text with the URL's password removed should it appear.
fn sanitize_sqlx_error(err: &sqlx::Error, url: &str) -> String {
    let text = err.to_string();
    match url::Url::parse(url).ok().and_then(|u| u.password().map(str::to_owned)) {
        Some(password) if !password.is_empty() => text.replace(&password, "***"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_backends_and_refuses_others() {
        assert_eq!(Backend::from_url("sqlite://data/x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert!(
            matches!(Backend::from_url("mysql://u:pw@h/db"), Err(StoreError::UnsupportedUrl(u)) if !u.contains("pw"))
        );
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgres://app:hunter2@db:5432/bazar"), "postgres://app:***@db:5432/bazar");
        assert_eq!(redact_url("sqlite://data/bazar.db"), "sqlite://data/bazar.db");
    }

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(sqlite_path("sqlite://data/bazar.db?mode=rwc"), Some(PathBuf::from("data/bazar.db")));
        assert_eq!(sqlite_path("sqlite:///abs/x.db"), Some(PathBuf::from("/abs/x.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
