//! Rows of `bot_feature_flags` for one tenant.

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::{StoreError, TenantTx};
use bazar_domain::FeatureFlag;
use sqlx::Row;

/// Flags set explicitly for the tenant. Unknown keys (from a newer or older
/// version) are skipped with a warning rather than failing the bot.
pub(crate) async fn load(tx: &mut TenantTx) -> Result<Vec<(FeatureFlag, bool)>, StoreError> {
    let bot_id = tx.bot_id();
    let rows = sqlx::query("SELECT key, enabled FROM bot_feature_flags WHERE bot_id = $1")
        .bind(tx.bot())
        .fetch_all(tx.conn())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let key: String = row.try_get("key")?;
        match key.parse::<FeatureFlag>() {
            Ok(flag) => out.push((flag, get_bool(&row, "enabled")?)),
            Err(_) => tracing::warn!(%bot_id, key, "ignoring unknown stored feature flag"),
        }
    }
    Ok(out)
}

/// Sets a flag (insert or update).
pub(crate) async fn store(tx: &mut TenantTx, flag: FeatureFlag, enabled: bool) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bot_feature_flags (bot_id, key, enabled, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (bot_id, key) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
    )
    .bind(tx.bot())
    .bind(flag.key())
    .bind(enabled)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}
