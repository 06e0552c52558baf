//! Operations on one tenant, reachable only with its [`TenantScope`].

use crate::admins::{self, Admin};
use crate::bots::{BOT_COLUMNS, BotRecord, bot_from_row};
use crate::customers::{self, Customer, CustomerContact};
use crate::settings::TenantSettings;
use crate::tenancy::Mode;
use crate::{Store, StoreError, TenantScope, TenantTx, config, flags};
use bazar_domain::{ConfigKey, ConfigValue, FeatureFlag, TelegramUserId};
use std::sync::Arc;

/// One tenant's data. Everything reachable from here is filtered by the
/// scope's bot id (and, on PostgreSQL, by row-level security as well).
pub struct Tenant<'a> {
    store: &'a Store,
    scope: &'a TenantScope,
}

impl<'a> Tenant<'a> {
    pub(crate) fn new(store: &'a Store, scope: &'a TenantScope) -> Self {
        Self { store, scope }
    }

    pub(crate) fn store(&self) -> &'a Store {
        self.store
    }

    /// Opens a transaction bound to this tenant, for multi-step use cases.
    pub async fn begin(&self) -> Result<TenantTx, StoreError> {
        TenantTx::begin(&self.store.db, &self.store.keyring, self.scope, Mode::Write).await
    }

    /// A read-only transaction (takes no write lock on SQLite).
    pub async fn begin_read(&self) -> Result<TenantTx, StoreError> {
        TenantTx::begin(&self.store.db, &self.store.keyring, self.scope, Mode::Read).await
    }

    /// This tenant's own registry entry.
    pub async fn bot(&self) -> Result<BotRecord, StoreError> {
        let mut tx = self.begin_read().await?;
        let row = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots b WHERE b.id = $1"))
            .bind(tx.bot())
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::UnknownBot(self.scope.bot_id()))?;
        tx.commit().await?;
        bot_from_row(&row)
    }

    /// This tenant's own Telegram bot token, opened — for the few use cases
    /// that call Telegram outside the runtime (a Stars refund from the API).
    pub async fn bot_token(&self) -> Result<bazar_domain::BotToken, StoreError> {
        self.store.platform(&crate::PlatformScope::new()).bot_token(self.scope.bot_id()).await
    }

    /// Effective flags and configuration, from the cache when fresh.
    pub async fn settings(&self) -> Result<Arc<TenantSettings>, StoreError> {
        let bot_id = self.scope.bot_id();
        if let Some(hit) = self.store.settings.get(bot_id).await {
            return Ok(hit);
        }
        let mark = self.store.settings.begin_load();
        let mut tx = self.begin_read().await?;
        let stored_flags = flags::load(&mut tx).await?;
        let stored_config = config::load(&mut tx).await?;
        tx.commit().await?;
        let settings = Arc::new(TenantSettings::from_stored(stored_flags, stored_config));
        self.store.settings.put(bot_id, settings.clone(), mark).await;
        Ok(settings)
    }

    /// Switches a feature on or off for this tenant.
    pub async fn set_flag(&self, flag: FeatureFlag, enabled: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        flags::store(&mut tx, flag, enabled).await?;
        bump_settings_version(&mut tx).await?;
        tx.commit().await?;
        self.store.settings.invalidate(self.scope.bot_id()).await;
        Ok(())
    }

    /// Sets a tenant-editable configuration key. Platform-only keys are refused
    /// here; the operator sets them through `Platform::set_tenant_config`.
    pub async fn set_config(&self, key: ConfigKey, value: &ConfigValue) -> Result<(), StoreError> {
        key.check_tenant_may_edit()?;
        self.write_config(key, Some(value)).await
    }

    /// Resets a tenant-editable configuration key to its default.
    pub async fn unset_config(&self, key: ConfigKey) -> Result<(), StoreError> {
        key.check_tenant_may_edit()?;
        self.write_config(key, None).await
    }

    pub(crate) async fn write_config(&self, key: ConfigKey, value: Option<&ConfigValue>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        match value {
            Some(value) => config::store(&mut tx, key, value).await?,
            None => config::remove(&mut tx, key).await?,
        }
        bump_settings_version(&mut tx).await?;
        tx.commit().await?;
        self.store.settings.invalidate(self.scope.bot_id()).await;
        Ok(())
    }

    /// Records that a Telegram user talked to this bot: creates the customer on
    /// first contact, refreshes name and last-seen otherwise.
    pub async fn record_contact(&self, contact: &CustomerContact) -> Result<(Customer, bool), StoreError> {
        let mut tx = self.begin().await?;
        let result = customers::record_contact(&mut tx, contact).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// The customer with this Telegram id, if they ever talked to this bot.
    pub async fn customer_by_telegram_id(&self, telegram_id: TelegramUserId) -> Result<Option<Customer>, StoreError> {
        let mut tx = self.begin_read().await?;
        let customer = customers::by_telegram_id(&mut tx, telegram_id).await?;
        tx.commit().await?;
        Ok(customer)
    }

    /// Number of customers.
    pub async fn customer_count(&self) -> Result<i64, StoreError> {
        let mut tx = self.begin_read().await?;
        let n = customers::count(&mut tx).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Adds an admin (idempotent).
    pub async fn add_admin(&self, telegram_id: TelegramUserId, can_manage_admins: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        admins::add(&mut tx, telegram_id, can_manage_admins).await?;
        tx.commit().await
    }

    /// Removes an admin; returns whether they were one.
    pub async fn remove_admin(&self, telegram_id: TelegramUserId) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let removed = admins::remove(&mut tx, telegram_id).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// The tenant's admins.
    pub async fn admins(&self) -> Result<Vec<Admin>, StoreError> {
        let mut tx = self.begin_read().await?;
        let list = admins::list(&mut tx).await?;
        tx.commit().await?;
        Ok(list)
    }

    /// Whether a Telegram user is an admin of *this* tenant.
    pub async fn is_admin(&self, telegram_id: TelegramUserId) -> Result<bool, StoreError> {
        let mut tx = self.begin_read().await?;
        let yes = admins::is_admin(&mut tx, telegram_id).await?;
        tx.commit().await?;
        Ok(yes)
    }
}

async fn bump_settings_version(tx: &mut TenantTx) -> Result<(), StoreError> {
    sqlx::query("UPDATE bots SET settings_version = settings_version + 1 WHERE id = $1")
        .bind(tx.bot())
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl TenantTx {
    /// Switches a feature on or off inside this transaction: the bot's admin
    /// menu writes in the transaction of the update that asked for it (a second
    /// writing transaction would wait for the first on SQLite). Bumps
    /// `settings_version`; the caller drops the cached copy
    /// ([`Tenant::forget_cached_settings`]).
    pub async fn set_flag(&mut self, flag: FeatureFlag, enabled: bool) -> Result<(), StoreError> {
        flags::store(self, flag, enabled).await?;
        bump_settings_version(self).await
    }

    /// Sets (`Some`) or resets (`None`) a tenant-editable key inside this
    /// transaction; platform-only keys are refused, as in [`Tenant::set_config`].
    pub async fn set_tenant_config(&mut self, key: ConfigKey, value: Option<&ConfigValue>) -> Result<(), StoreError> {
        key.check_tenant_may_edit()?;
        match value {
            Some(value) => config::store(self, key, value).await?,
            None => config::remove(self, key).await?,
        }
        bump_settings_version(self).await
    }

    /// The effective settings as this transaction sees them (its own writes
    /// included), bypassing the cache: what a screen shows right after a change.
    pub async fn load_settings(&mut self) -> Result<TenantSettings, StoreError> {
        let stored_flags = flags::load(self).await?;
        let stored_config = config::load(self).await?;
        Ok(TenantSettings::from_stored(stored_flags, stored_config))
    }
}

impl Tenant<'_> {
    /// Drops this tenant's cached settings, after a write made inside a
    /// [`TenantTx`] (the next read loads them again).
    pub async fn forget_cached_settings(&self) {
        self.store.settings.invalidate(self.scope.bot_id()).await;
    }
}
