//! The installation id: made once per database, when the store first opens it.

use crate::clock::now_ms;
use crate::{Database, StoreError};
use bazar_domain::{InstallationId, NAME_ALPHABET};

/// Reads this database's installation id, creating it on the first open.
///
/// Two processes opening a fresh database at once both try the insert; the
/// primary key lets one win and both read the winner's id.
pub(crate) async fn load_or_create(db: &Database) -> Result<InstallationId, StoreError> {
    if let Some(id) = read(db).await? {
        return Ok(id);
    }
    let first = bazar_secrets::random_code(&NAME_ALPHABET[..26], 1);
    let rest = bazar_secrets::random_code(NAME_ALPHABET, InstallationId::LEN - 1);
    sqlx::query(
        "INSERT INTO installation (id, installation_id, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(format!("{first}{rest}"))
    .bind(now_ms())
    .execute(db.pool_for(true))
    .await?;
    read(db).await?.ok_or_else(|| StoreError::Corrupt("the installation id vanished".into()))
}

async fn read(db: &Database) -> Result<Option<InstallationId>, StoreError> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT installation_id FROM installation WHERE id = 1").fetch_optional(db.pool()).await?;
    id.map(|id| InstallationId::parse(&id).map_err(|e| StoreError::Corrupt(format!("installation id: {e}"))))
        .transpose()
}
