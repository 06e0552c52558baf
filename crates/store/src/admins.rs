//! Rows of `bot_admins`: who administers one tenant.

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::{StoreError, TenantTx};
use bazar_domain::TelegramUserId;
use sqlx::Row;

/// An admin of one tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    /// The admin's Telegram user id.
    pub telegram_id: TelegramUserId,
    /// Whether they may add and remove other admins.
    pub can_manage_admins: bool,
    /// When they were added (unix ms).
    pub added_at: i64,
}

pub(crate) async fn add(
    tx: &mut TenantTx,
    telegram_id: TelegramUserId,
    can_manage_admins: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO bot_admins (bot_id, telegram_id, can_manage_admins, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (bot_id, telegram_id) DO UPDATE SET can_manage_admins = excluded.can_manage_admins",
    )
    .bind(tx.bot())
    .bind(telegram_id.get())
    .bind(can_manage_admins)
    .bind(now_ms())
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(crate) async fn remove(tx: &mut TenantTx, telegram_id: TelegramUserId) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM bot_admins WHERE bot_id = $1 AND telegram_id = $2")
        .bind(tx.bot())
        .bind(telegram_id.get())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn list(tx: &mut TenantTx) -> Result<Vec<Admin>, StoreError> {
    let rows = sqlx::query("SELECT telegram_id, can_manage_admins, added_at FROM bot_admins WHERE bot_id = $1 ORDER BY added_at, telegram_id")
        .bind(tx.bot())
        .fetch_all(tx.conn())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Admin {
                telegram_id: TelegramUserId::from_raw(row.try_get("telegram_id")?),
                can_manage_admins: get_bool(row, "can_manage_admins")?,
                added_at: row.try_get("added_at")?,
            })
        })
        .collect()
}

pub(crate) async fn is_admin(tx: &mut TenantTx, telegram_id: TelegramUserId) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT telegram_id FROM bot_admins WHERE bot_id = $1 AND telegram_id = $2")
            .bind(tx.bot())
            .bind(telegram_id.get())
            .fetch_optional(tx.conn())
            .await?;
    Ok(found.is_some())
}

impl TenantTx {
    /// Whether a Telegram user administers this tenant (inside a transaction).
    pub async fn is_admin(&mut self, telegram_id: TelegramUserId) -> Result<bool, StoreError> {
        is_admin(self, telegram_id).await
    }

    /// The Telegram ids of this tenant's admins.
    pub async fn admin_ids(&mut self) -> Result<Vec<TelegramUserId>, StoreError> {
        Ok(list(self).await?.into_iter().map(|a| a.telegram_id).collect())
    }

    /// This tenant's admins, oldest first.
    pub async fn admins(&mut self) -> Result<Vec<Admin>, StoreError> {
        list(self).await
    }

    /// One admin of this tenant, if `telegram_id` is one.
    pub async fn admin(&mut self, telegram_id: TelegramUserId) -> Result<Option<Admin>, StoreError> {
        Ok(list(self).await?.into_iter().find(|a| a.telegram_id == telegram_id))
    }

    /// Makes a Telegram user an admin of this tenant (or changes whether they may manage admins).
    pub async fn add_admin(&mut self, telegram_id: TelegramUserId, can_manage_admins: bool) -> Result<(), StoreError> {
        add(self, telegram_id, can_manage_admins).await
    }

    /// Removes an admin of this tenant; false when they were not one.
    pub async fn remove_admin(&mut self, telegram_id: TelegramUserId) -> Result<bool, StoreError> {
        remove(self, telegram_id).await
    }
}
