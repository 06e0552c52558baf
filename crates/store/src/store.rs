//! The entry point: a database, the keyring, and the settings cache.

use crate::api_tokens::AuthError;
use crate::bots::{BOT_COLUMNS, ResolveError, ResolvedBot, bot_from_row};
use crate::clock::now_ms;
use crate::settings::SettingsCache;
use crate::tenancy::Mode;
use crate::{Database, DatabaseOptions, Platform, PlatformScope, PlatformTx, StoreError, Tenant, TenantScope};
use bazar_domain::{BotId, BotStatus, InstallationId};
use bazar_secrets::{ApiToken, Keyring, SealError};
use std::sync::Arc;

/// Bazar's storage: open once per process and share (it is cheap to clone).
#[derive(Clone)]
pub struct Store {
    pub(crate) db: Database,
    pub(crate) keyring: Arc<Keyring>,
    pub(crate) settings: SettingsCache,
    pub(crate) installation: Arc<InstallationId>,
}

/// How stale an API token's `last_used_at` may get (ms).
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

impl Store {
    /// Connects, applies pending migrations, checks that the keyring opens
    /// the secrets already stored (a wrong master key fails here, at start),
    /// and seals card numbers still in clear or under an older key.
    pub async fn open(options: &DatabaseOptions, keyring: Keyring) -> Result<Self, StoreError> {
        let db = Database::connect(options).await?;
        crate::migrate::run(&db, options).await?;
        let installation = Arc::new(crate::installation::load_or_create(&db).await?);
        let store = Self { db, keyring: Arc::new(keyring), settings: SettingsCache::new(), installation };
        store.check_keyring().await?;
        crate::cards::seal_card_numbers(&store).await?;
        Ok(store)
    }

    /// This database's installation id (in every VPN user name it creates).
    pub fn installation(&self) -> &InstallationId {
        &self.installation
    }

    /// Applies pending migrations and nothing else (`bazar migrate`).
    pub async fn migrate(options: &DatabaseOptions) -> Result<(), StoreError> {
        let db = Database::connect(options).await?;
        crate::migrate::run(&db, options).await?;
        db.close().await;
        Ok(())
    }

    /// Drops every cached tenant setting, so writes another process made (the
    /// CLI next to a running server) are seen at the next read instead of
    /// after the cache's lifetime: what `bazar serve` does on SIGHUP.
    pub fn reload_settings(&self) {
        self.settings.invalidate_all();
    }

    /// The database, for health checks.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Platform-wide operations (the operator's path).
    pub fn platform<'a>(&'a self, scope: &'a PlatformScope) -> Platform<'a> {
        Platform::new(self, scope)
    }

    /// Operations on one tenant.
    pub fn tenant<'a>(&'a self, scope: &'a TenantScope) -> Tenant<'a> {
        Tenant::new(self, scope)
    }

    /// Resolves the bot an update arrived for. Only an *active* bot yields a
    /// [`TenantScope`]; the caller acknowledges and drops everything else.
    pub async fn resolve_active_bot(&self, bot_id: BotId) -> Result<ResolvedBot, ResolveError> {
        let unavailable = |e: StoreError| ResolveError::Unavailable(e.to_string());
        let mut tx = PlatformTx::begin(&self.db, &PlatformScope::new(), Mode::Read).await.map_err(unavailable)?;
        let row = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots b WHERE b.id = $1"))
            .bind(bot_id.get())
            .fetch_optional(tx.conn())
            .await
            .map_err(|e| unavailable(e.into()))?
            .ok_or(ResolveError::Unknown)?;
        let record = bot_from_row(&row).map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        if record.status != BotStatus::Active {
            return Err(ResolveError::Inactive(record.status));
        }
        Ok(ResolvedBot { scope: TenantScope::new(record.id), record })
    }

    /// Resolves a presented API token to its tenant (the REST API's extractor).
    /// A read on every request; `last_used_at` is written at most once a
    /// minute per token, so API traffic does not queue on SQLite's write lock.
    pub async fn authenticate_api_token(&self, token: &ApiToken) -> Result<TenantScope, AuthError> {
        let unavailable = |e: StoreError| AuthError::Unavailable(e.to_string());
        let platform = PlatformScope::new();
        let mut tx = PlatformTx::begin(&self.db, &platform, Mode::Read).await.map_err(unavailable)?;
        let row: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT t.id, t.bot_id, b.status, t.last_used_at FROM bot_api_tokens t JOIN bots b ON b.id = t.bot_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token.hash())
        .fetch_optional(tx.conn())
        .await
        .map_err(|e| unavailable(e.into()))?;
        tx.commit().await.map_err(unavailable)?;
        let (token_id, bot_id, status, last_used_at) = row.ok_or(AuthError::InvalidToken)?;
        let status: BotStatus =
            status.parse().map_err(|e: bazar_domain::UnknownBotStatus| AuthError::Unavailable(e.to_string()))?;
        if status != BotStatus::Active {
            return Err(AuthError::TenantInactive(status));
        }
        let now = now_ms();
        if last_used_at.is_none_or(|at| now - at >= LAST_USED_RESOLUTION_MS) {
            let mut tx = PlatformTx::begin(&self.db, &platform, Mode::Write).await.map_err(unavailable)?;
            sqlx::query("UPDATE bot_api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(token_id)
                .execute(tx.conn())
                .await
                .map_err(|e| unavailable(e.into()))?;
            tx.commit().await.map_err(unavailable)?;
        }
        Ok(TenantScope::new(BotId::from_raw(bot_id)))
    }

    async fn check_keyring(&self) -> Result<(), StoreError> {
        let mut tx = PlatformTx::begin(&self.db, &PlatformScope::new(), Mode::Read).await?;
        let key_ids: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT token_key_id FROM bots").fetch_all(tx.conn()).await?;
        tx.commit().await?;
        for key_id in key_ids {
            let probe = bazar_secrets::Sealed { key_id, blob: Vec::new() };
            if let Err(err @ SealError::UnknownKey { .. }) = self.keyring.open("probe", 0, &probe) {
                return Err(err.into());
            }
        }
        Ok(())
    }
}
