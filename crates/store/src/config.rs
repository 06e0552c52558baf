//! Rows of `bot_configurations` for one tenant: typed values stored as JSON.

use crate::clock::now_ms;
use crate::{StoreError, TenantTx};
use bazar_domain::{ConfigKey, ConfigValue};
use sqlx::Row;

/// Keys set explicitly for the tenant, re-validated on read. A stored value that
/// no longer passes today's rules is skipped (the default applies) and logged.
pub(crate) async fn load(tx: &mut TenantTx) -> Result<Vec<(ConfigKey, ConfigValue)>, StoreError> {
    let bot_id = tx.bot_id();
    let rows = sqlx::query("SELECT key, value FROM bot_configurations WHERE bot_id = $1")
        .bind(tx.bot())
        .fetch_all(tx.conn())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let key: String = row.try_get("key")?;
        let text: String = row.try_get("value")?;
        let parsed = key.parse::<ConfigKey>().and_then(|k| {
            let json = serde_json::from_str(&text).map_err(|_| bazar_domain::ConfigError::UnknownKey(key.clone()))?;
            Ok((k, k.from_json(&json)?))
        });
        match parsed {
            Ok(entry) => out.push(entry),
            Err(e) => tracing::warn!(%bot_id, key, error = %e, "ignoring invalid stored configuration"),
        }
    }
    Ok(out)
}

/// Sets a key (insert or update).
pub(crate) async fn store(tx: &mut TenantTx, key: ConfigKey, value: &ConfigValue) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bot_configurations (bot_id, key, value, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (bot_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(tx.bot())
    .bind(key.key())
    .bind(value.to_json().to_string())
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes a key so its default applies again.
pub(crate) async fn remove(tx: &mut TenantTx, key: ConfigKey) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM bot_configurations WHERE bot_id = $1 AND key = $2")
        .bind(tx.bot())
        .bind(key.key())
        .execute(tx.conn())
        .await?;
    Ok(())
}
