//! VPN panels registered with the platform, and which one serves a tenant.

use crate::clock::now_ms;
use crate::panel_health::PanelHealth;
use crate::row::get_bool;
use crate::tenancy::Mode;
use crate::{Platform, StoreError, TenantScope, TenantTx};
use bazar_domain::{PanelCatalog, PanelCredentials, PanelId, PanelKind};
use bazar_secrets::Sealed;
use secrecy::ExposeSecret;
use sqlx::Row;
use sqlx::any::AnyRow;

const PURPOSE: &str = "panel-credentials";

/// A registered panel (never its credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelRecord {
    /// Row id.
    pub id: PanelId,
    /// Operator's name for it.
    pub name: String,
    /// Which panel software it is.
    pub kind: PanelKind,
    /// Base URL of its API.
    pub base_url: String,
    /// Whether tenants without their own panel use it.
    pub is_default: bool,
    /// What it offered plans when last asked (`None`: never read).
    pub catalog: Option<PanelCatalog>,
    /// When that was (unix ms).
    pub catalog_at: Option<i64>,
    /// Whether it answered its last probes.
    pub health: PanelHealth,
}

/// The panel serving a tenant, as a tenant transaction sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantPanel {
    /// Panel id.
    pub id: PanelId,
    /// Its kind: what it enforces and which plan options it reads.
    pub kind: PanelKind,
    /// What it offers plans, as last read (`None`: never read).
    pub catalog: Option<PanelCatalog>,
    /// Since when it has not answered (unix ms); `None` while it is up.
    pub down_since: Option<i64>,
}

/// A panel to register.
#[derive(Debug)]
pub struct NewPanel {
    /// Unique name.
    pub name: String,
    /// Which panel software it is.
    pub kind: PanelKind,
    /// Base URL.
    pub base_url: String,
    /// How to log in (sealed before storage).
    pub credentials: PanelCredentials,
    /// Make it the default panel.
    pub make_default: bool,
    /// What it offers plans, when it was read while registering it.
    pub catalog: Option<PanelCatalog>,
}

const COLUMNS: &str = "id, name, kind, base_url, is_default, catalog, catalog_at, health_failures, health_checked_at, \
                       health_error, down_since";

fn kind_of(row: &AnyRow) -> Result<PanelKind, StoreError> {
    let kind: String = row.try_get("kind")?;
    kind.parse().map_err(|e: bazar_domain::UnknownPanelKind| StoreError::Corrupt(e.to_string()))
}

fn catalog_of(row: &AnyRow) -> Result<Option<PanelCatalog>, StoreError> {
    let catalog: Option<String> = row.try_get("catalog")?;
    catalog
        .map(|text| serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("panel catalog: {e}"))))
        .transpose()
}

fn from_row(row: &AnyRow) -> Result<PanelRecord, StoreError> {
    Ok(PanelRecord {
        id: PanelId::from_raw(row.try_get("id")?),
        name: row.try_get("name")?,
        kind: kind_of(row)?,
        base_url: row.try_get("base_url")?,
        is_default: get_bool(row, "is_default")?,
        catalog: catalog_of(row)?,
        catalog_at: row.try_get("catalog_at")?,
        health: PanelHealth::of_row(row)?,
    })
}

fn catalog_text(catalog: &PanelCatalog) -> String {
    serde_json::to_string(catalog).expect("a catalog serializes")
}

impl Platform<'_> {
    /// Registers a panel; its credentials are sealed, bound to its id.
    pub async fn add_panel(&self, new: NewPanel) -> Result<PanelRecord, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM panels WHERE name = $1")
            .bind(&new.name)
            .fetch_optional(tx.conn())
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict("a panel with this name exists"));
        }
        if new.make_default {
            sqlx::query("UPDATE panels SET is_default = $1 WHERE is_default = $2")
                .bind(false)
                .bind(true)
                .execute(tx.conn())
                .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO panels (name, kind, base_url, credentials_key_id, credentials_sealed, is_default, created_at, \
             catalog, catalog_at) VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(&new.base_url)
        .bind(Vec::<u8>::new())
        .bind(new.make_default)
        .bind(now_ms())
        .bind(new.catalog.as_ref().map(catalog_text))
        .bind(new.catalog.as_ref().map(|_| now_ms()))
        .fetch_one(tx.conn())
        .await?;
        let sealed = self.store().keyring.seal(PURPOSE, id, new.credentials.sealed_text().expose_secret().as_bytes());
        sqlx::query("UPDATE panels SET credentials_key_id = $1, credentials_sealed = $2 WHERE id = $3")
            .bind(&sealed.key_id)
            .bind(&sealed.blob)
            .bind(id)
            .execute(tx.conn())
            .await?;
        let row =
            sqlx::query(&format!("SELECT {COLUMNS} FROM panels WHERE id = $1")).bind(id).fetch_one(tx.conn()).await?;
        tx.commit().await?;
        from_row(&row)
    }

    /// Every panel.
    pub async fn panels(&self) -> Result<Vec<PanelRecord>, StoreError> {
        let mut tx = self.begin_tx(Mode::Read).await?;
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM panels ORDER BY id")).fetch_all(tx.conn()).await?;
        tx.commit().await?;
        rows.iter().map(from_row).collect()
    }

    /// A panel with its opened credentials, for building its client.
    pub async fn panel_with_credentials(
        &self,
        id: PanelId,
    ) -> Result<Option<(PanelRecord, PanelCredentials)>, StoreError> {
        let mut tx = self.begin_tx(Mode::Read).await?;
        let row =
            sqlx::query(&format!("SELECT {COLUMNS}, credentials_key_id, credentials_sealed FROM panels WHERE id = $1"))
                .bind(id.get())
                .fetch_optional(tx.conn())
                .await?;
        tx.commit().await?;
        let Some(row) = row else { return Ok(None) };
        let sealed = Sealed { key_id: row.try_get("credentials_key_id")?, blob: row.try_get("credentials_sealed")? };
        let text = self.store().keyring.open_text(PURPOSE, id.get(), &sealed)?;
        let credentials =
            PanelCredentials::from_sealed_text(&text).map_err(|e| StoreError::Corrupt(format!("panel {id}: {e}")))?;
        Ok(Some((from_row(&row)?, credentials)))
    }

    /// Records what a panel offers plans, as just read from it.
    pub async fn set_panel_catalog(&self, id: PanelId, catalog: &PanelCatalog) -> Result<(), StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        sqlx::query("UPDATE panels SET catalog = $1, catalog_at = $2 WHERE id = $3")
            .bind(catalog_text(catalog))
            .bind(now_ms())
            .bind(id.get())
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// Gives a tenant its own panel (`Some`) or returns it to the default (`None`).
    pub async fn assign_panel(&self, scope: &TenantScope, panel: Option<PanelId>) -> Result<(), StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        match panel {
            Some(panel) => {
                sqlx::query(
                    "INSERT INTO bot_panels (bot_id, panel_id, assigned_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (bot_id) DO UPDATE SET panel_id = excluded.panel_id, assigned_at = excluded.assigned_at",
                )
                .bind(scope.bot_id().get())
                .bind(panel.get())
                .bind(now_ms())
                .execute(tx.conn())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM bot_panels WHERE bot_id = $1")
                    .bind(scope.bot_id().get())
                    .execute(tx.conn())
                    .await?;
            }
        }
        tx.commit().await
    }
}

impl TenantTx {
    /// The panel serving this tenant: its own, else the platform default.
    pub async fn tenant_panel(&mut self) -> Result<Option<PanelId>, StoreError> {
        Ok(self.tenant_panel_info().await?.map(|panel| panel.id))
    }

    /// Whether the tenant has a panel of its own (else the platform default serves it).
    pub async fn own_panel_assigned(&mut self) -> Result<bool, StoreError> {
        let own: Option<i64> = sqlx::query_scalar("SELECT panel_id FROM bot_panels WHERE bot_id = $1")
            .bind(self.bot())
            .fetch_optional(self.conn())
            .await?;
        Ok(own.is_some())
    }

    /// The panel serving this tenant with its kind and catalog: its own, else
    /// the platform default. Never its credentials.
    pub async fn tenant_panel_info(&mut self) -> Result<Option<TenantPanel>, StoreError> {
        let own: Option<i64> = sqlx::query_scalar("SELECT panel_id FROM bot_panels WHERE bot_id = $1")
            .bind(self.bot())
            .fetch_optional(self.conn())
            .await?;
        let row = match own {
            Some(id) => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM panels WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(self.conn())
                    .await?
            }
            None => {
                sqlx::query(&format!("SELECT {COLUMNS} FROM panels WHERE is_default = $1"))
                    .bind(true)
                    .fetch_optional(self.conn())
                    .await?
            }
        };
        row.map(|row| {
            Ok(TenantPanel {
                id: PanelId::from_raw(row.try_get("id")?),
                kind: kind_of(&row)?,
                catalog: catalog_of(&row)?,
                down_since: row.try_get("down_since")?,
            })
        })
        .transpose()
    }
}
