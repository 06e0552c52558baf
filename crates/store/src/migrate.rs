//! Schema migrations: one directory per backend, the same tables in both.

use crate::{Backend, Database, DatabaseOptions, StoreError};
use futures::future::BoxFuture;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use std::borrow::Cow;
use std::time::Duration;

/// `(version, description, sql)` of every migration, per backend (`build.rs`).
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// One backend's migrations as compiled into the binary: a single file to
/// ship, and nothing read from disk at start-up.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        let migrations = self
            .0
            .iter()
            .map(|(version, description, sql)| {
                // As sqlx reads a migration: the mark at its top opts out of the transaction.
                let no_tx = sql.starts_with("-- no-transaction");
                let (description, sql) = (Cow::Borrowed(*description), Cow::Borrowed(*sql));
                Migration::new(*version, description, MigrationType::Simple, sql, no_tx)
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// The migrations of `backend`.
async fn migrator(backend: Backend) -> Result<Migrator, StoreError> {
    let files = match backend {
        Backend::Sqlite => embedded::SQLITE,
        Backend::Postgres => embedded::POSTGRES,
    };
    Ok(Migrator::new(Embedded(files)).await?)
}

/// Applies pending migrations.
///
/// With a separate PostgreSQL `migration_url` (the tables' owner), migrations
/// run there and the application role (`app`'s `current_user`) is granted data
/// access, but never ownership: it cannot disable row-level security.
pub(crate) async fn run(app: &Database, options: &DatabaseOptions) -> Result<(), StoreError> {
    let migrator = migrator(app.backend()).await?;
    match (&options.migration_url, app.backend()) {
        (Some(owner_url), Backend::Postgres) => {
            let owner = Database::connect_unchecked(owner_url, 1, Duration::from_secs(10)).await?;
            if owner.backend() != Backend::Postgres {
                return Err(StoreError::UnsupportedUrl(crate::redact_url(owner_url)));
            }
            migrator.run(owner.pool()).await?;
            let app_role: String = sqlx::query_scalar("SELECT current_user::text").fetch_one(app.pool()).await?;
            let owner_role: String = sqlx::query_scalar("SELECT current_user::text").fetch_one(owner.pool()).await?;
            if app_role != owner_role {
                let role = quote_ident(&app_role);
                for grant in [
                    format!("GRANT USAGE ON SCHEMA public TO {role}"),
                    format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
                    format!("REVOKE ALL ON _sqlx_migrations FROM {role}"),
                    format!("GRANT SELECT ON _sqlx_migrations TO {role}"),
                    format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
                ] {
                    sqlx::query(&grant).execute(owner.pool()).await?;
                }
            }
            owner.close().await;
        }
        (_, Backend::Sqlite) => run_sqlite(app.pool()).await?,
        _ => migrator.run(app.pool()).await?,
    }
    Ok(())
}

/// Applies pending SQLite migrations one by one, honouring `-- no-transaction`.
///
/// sqlx's SQLite driver runs every migration inside a transaction, even one
/// marked `-- no-transaction` (only its PostgreSQL driver honours the mark).
/// A table rebuild needs `PRAGMA foreign_keys = OFF`, a no-op inside a
/// transaction; with foreign keys on, its DROP TABLE would run the ON DELETE
/// actions of every row referencing the table. So marked migrations run here
/// on a bare connection, as written (they open and commit their own
/// transaction), and are recorded as sqlx records them; the others go
/// through sqlx, each in its transaction. The checks are sqlx's: no dirty
/// migration, no applied one unknown to this binary, no changed checksum.
async fn run_sqlite(pool: &sqlx::AnyPool) -> Result<(), StoreError> {
    use sqlx::migrate::{Migrate, MigrateError};
    let mut conn = pool.acquire().await?;
    conn.ensure_migrations_table().await?;
    if let Some(version) = conn.dirty_version().await? {
        return Err(MigrateError::Dirty(version).into());
    }
    let migrator = migrator(Backend::Sqlite).await?;
    let applied: std::collections::HashMap<i64, Vec<u8>> =
        conn.list_applied_migrations().await?.into_iter().map(|m| (m.version, m.checksum.into_owned())).collect();
    if let Some(unknown) = applied.keys().find(|v| !migrator.version_exists(**v)) {
        return Err(MigrateError::VersionMissing(*unknown).into());
    }
    for migration in migrator.iter().filter(|m| !m.migration_type.is_down_migration()) {
        match applied.get(&migration.version) {
            Some(checksum) if checksum[..] != migration.checksum[..] => {
                return Err(MigrateError::VersionMismatch(migration.version).into());
            }
            Some(_) => {}
            None if migration.no_tx => apply_without_transaction(&mut conn, migration).await?,
            None => {
                conn.apply(migration).await?;
            }
        }
    }
    Ok(())
}

/// Runs a `-- no-transaction` migration as written, then records it. On
/// failure the connection is put back as the pool expects it (no open
/// transaction, foreign keys on) before the error is returned.
async fn apply_without_transaction(
    conn: &mut sqlx::AnyConnection,
    migration: &sqlx::migrate::Migration,
) -> Result<(), StoreError> {
    use sqlx::Executor;
    if let Err(e) = conn.execute(&*migration.sql).await {
        let _ = conn.execute("ROLLBACK").await;
        let _ = conn.execute("PRAGMA foreign_keys = ON").await;
        return Err(sqlx::migrate::MigrateError::ExecuteMigration(e, migration.version).into());
    }
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, $2, TRUE, $3, -1)",
    )
    .bind(migration.version)
    .bind(migration.description.to_string())
    .bind(migration.checksum.to_vec())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded migrations are what sqlx itself reads from the
    /// directories (versions, descriptions, checksums, transaction marks), so
    /// a database migrated by a binary built with `sqlx::migrate!` opens.
    #[tokio::test]
    async fn embedded_migrations_are_the_files_as_sqlx_reads_them() {
        for (backend, dir) in [(Backend::Sqlite, "sqlite"), (Backend::Postgres, "postgres")] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
            let from_disk = Migrator::new(path).await.unwrap();
            let embedded = migrator(backend).await.unwrap();
            let shape = |m: &Migrator| -> Vec<(i64, String, Vec<u8>, bool)> {
                m.iter().map(|m| (m.version, m.description.to_string(), m.checksum.to_vec(), m.no_tx)).collect()
            };
            assert_eq!(shape(&embedded), shape(&from_disk), "{dir}");
            assert!(embedded.iter().count() >= 16, "{dir}");
        }
    }
}
