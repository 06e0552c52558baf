//! A tenant's payment-gateway credentials (the Zarinpal merchant id), sealed
//! at rest and bound to the tenant, like bot tokens.

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::{StoreError, Tenant, TenantTx};
use bazar_secrets::Sealed;
use secrecy::{ExposeSecret, SecretString};
use sqlx::Row;

const PURPOSE: &str = "zarinpal-merchant";

/// A tenant's Zarinpal account.
#[derive(Debug)]
pub struct ZarinpalAccount {
    /// The merchant id (secret).
    pub merchant_id: SecretString,
    /// Whether payments go to Zarinpal's sandbox.
    pub sandbox: bool,
}

impl Tenant<'_> {
    /// Stores (or replaces) the tenant's Zarinpal merchant id, sealed.
    pub async fn set_zarinpal(&self, merchant_id: &SecretString, sandbox: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let sealed = self.store().keyring.seal(PURPOSE, tx.bot(), merchant_id.expose_secret().as_bytes());
        sqlx::query(
            "INSERT INTO payment_gateways (bot_id, kind, key_id, sealed, sandbox, updated_at) VALUES ($1, 'zarinpal', $2, $3, $4, $5) \
             ON CONFLICT (bot_id, kind) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed, \
             sandbox = excluded.sandbox, updated_at = excluded.updated_at",
        )
        .bind(tx.bot())
        .bind(&sealed.key_id)
        .bind(&sealed.blob)
        .bind(sandbox)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Removes the tenant's Zarinpal account; `false` if it had none.
    pub async fn remove_zarinpal(&self) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let removed = sqlx::query("DELETE FROM payment_gateways WHERE bot_id = $1 AND kind = 'zarinpal'")
            .bind(tx.bot())
            .execute(tx.conn())
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(removed > 0)
    }

    /// The tenant's Zarinpal account with its merchant id opened.
    pub async fn zarinpal(&self) -> Result<Option<ZarinpalAccount>, StoreError> {
        let mut tx = self.begin_read().await?;
        let row =
            sqlx::query("SELECT key_id, sealed, sandbox FROM payment_gateways WHERE bot_id = $1 AND kind = 'zarinpal'")
                .bind(tx.bot())
                .fetch_optional(tx.conn())
                .await?;
        let bot = tx.bot();
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let sealed = Sealed { key_id: row.try_get("key_id")?, blob: row.try_get("sealed")? };
        let merchant_id = self.store().keyring.open_text(PURPOSE, bot, &sealed)?;
        Ok(Some(ZarinpalAccount { merchant_id, sandbox: get_bool(&row, "sandbox")? }))
    }
}

impl TenantTx {
    /// Whether the tenant has a Zarinpal account (without opening it).
    pub async fn zarinpal_configured(&mut self) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM payment_gateways WHERE bot_id = $1 AND kind = 'zarinpal'")
                .bind(self.bot())
                .fetch_optional(self.conn())
                .await?;
        Ok(found.is_some())
    }
}
