//! Schema migrations: one directory per backend, the same tables in both.

use crate::{Backend, Database, DatabaseOptions, StoreError};
use sqlx::migrate::Migrator;
use std::time::Duration;

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// Applies pending migrations.
///
/// With a separate PostgreSQL `migration_url` (the tables' owner), migrations
/// run there and the application role (`app`'s `current_user`) is granted data
/// access, but never ownership: it cannot disable row-level security.
pub(crate) async fn run(app: &Database, options: &DatabaseOptions) -> Result<(), StoreError> {
    let migrator = match app.backend() {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
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
        _ => migrator.run(app.pool()).await?,
    }
    Ok(())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
