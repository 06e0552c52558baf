//! Operations across tenants, reachable only with a [`PlatformScope`].

use crate::api_tokens::ApiTokenInfo;
use crate::bots::{ActiveBot, BOT_COLUMNS, BotRecord, NewBot, RemovalImpact, ResolvedBot, TOKEN_PURPOSE, bot_from_row};
use crate::clock::now_ms;
use crate::row::parse_currency;
use crate::tenancy::Mode;
use crate::{Backend, PlatformScope, PlatformTx, Store, StoreError, TenantScope, TenantTx};
use bazar_domain::{BotId, BotStatus, BotToken, ConfigKey, ConfigValue, FeatureFlag, Money};
use bazar_secrets::{ApiToken, Sealed, sha256_hex};
use secrecy::ExposeSecret;
use sqlx::{AnyConnection, Row};

/// The platform at a glance, as [`Platform::stats`] counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformStats {
    /// Bots (tenants) by status.
    pub bots: BotCounts,
    /// Customers of every tenant.
    pub customers: i64,
    /// Subscriptions currently `active`, in every tenant.
    pub active_subscriptions: i64,
    /// Paid payments summed per currency the tenants' wallets were credited in.
    pub revenue: Vec<RevenueTotal>,
}

/// Bots by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BotCounts {
    /// Served.
    pub active: i64,
    /// Stopped by the operator.
    pub suspended: i64,
    /// Switched off.
    pub disabled: i64,
}

/// The paid payments of one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevenueTotal {
    /// Sum credited.
    pub amount: Money,
    /// How many payments.
    pub payments: i64,
}

fn revenue_total(currency: &str, amount: i64, payments: i64) -> Result<RevenueTotal, StoreError> {
    Ok(RevenueTotal { amount: Money::new(amount, parse_currency(currency)?), payments })
}

/// The operator's view of the platform. Every method here may touch any tenant,
/// which is why it exists only behind a [`PlatformScope`].
pub struct Platform<'a> {
    store: &'a Store,
    scope: &'a PlatformScope,
}

impl<'a> Platform<'a> {
    pub(crate) fn new(store: &'a Store, scope: &'a PlatformScope) -> Self {
        Self { store, scope }
    }

    pub(crate) fn store(&self) -> &Store {
        self.store
    }

    async fn begin(&self) -> Result<PlatformTx, StoreError> {
        self.begin_tx(Mode::Write).await
    }

    pub(crate) async fn begin_tx(&self, mode: Mode) -> Result<PlatformTx, StoreError> {
        PlatformTx::begin(&self.store.db, self.scope, mode).await
    }

    async fn begin_read(&self) -> Result<PlatformTx, StoreError> {
        PlatformTx::begin(&self.store.db, self.scope, Mode::Read).await
    }

    /// The explicit platform path to one tenant: names the tenant it acts on.
    /// Works for bots in any status (the operator manages disabled bots too).
    pub async fn tenant(&self, bot_id: BotId) -> Result<TenantScope, StoreError> {
        self.bot(bot_id).await.map(|b| TenantScope::new(b.id))
    }

    /// Registers a bot: seals its token (bound to the new bot id), adds its
    /// first admins and issues its first API token, all in one transaction.
    /// Returns the API token: the only time it exists in clear.
    pub async fn add_bot(&self, new: NewBot) -> Result<(BotRecord, ApiToken), StoreError> {
        let mut tx = self.begin().await?;
        let added = insert_bot(tx.conn(), self.store, new).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Every bot, oldest first. Never includes secrets.
    pub async fn list_bots(&self) -> Result<Vec<BotRecord>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots b ORDER BY b.id")).fetch_all(tx.conn()).await?;
        tx.commit().await?;
        rows.iter().map(bot_from_row).collect()
    }

    /// One page of bots, oldest first (`limit` rows after skipping `offset`). Never includes secrets.
    pub async fn bots_page(&self, limit: i64, offset: i64) -> Result<Vec<BotRecord>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots b ORDER BY b.id LIMIT $1 OFFSET $2"))
            .bind(limit)
            .bind(offset)
            .fetch_all(tx.conn())
            .await?;
        tx.commit().await?;
        rows.iter().map(bot_from_row).collect()
    }

    /// The platform at a glance: bots by status, customers, active
    /// subscriptions and the money received, across every tenant.
    pub async fn stats(&self) -> Result<PlatformStats, StoreError> {
        let mut tx = self.begin_read().await?;
        let by_status: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM bots GROUP BY status ORDER BY status")
                .fetch_all(tx.conn())
                .await?;
        let customers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers").fetch_one(tx.conn()).await?;
        let active_subscriptions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE status = $1")
            .bind("active")
            .fetch_one(tx.conn())
            .await?;
        let revenue: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT currency, CAST(COALESCE(SUM(credit), 0) AS BIGINT), COUNT(*) FROM payments \
             WHERE status = $1 GROUP BY currency ORDER BY currency",
        )
        .bind("paid")
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        let mut bots = BotCounts::default();
        for (status, count) in by_status {
            match status.parse::<BotStatus>() {
                Ok(BotStatus::Active) => bots.active += count,
                Ok(BotStatus::Suspended) => bots.suspended += count,
                Ok(BotStatus::Disabled) => bots.disabled += count,
                Err(e) => return Err(StoreError::Corrupt(e.to_string())),
            }
        }
        Ok(PlatformStats {
            bots,
            customers,
            active_subscriptions,
            revenue: revenue
                .into_iter()
                .map(|(currency, amount, payments)| revenue_total(&currency, amount, payments))
                .collect::<Result<_, _>>()?,
        })
    }

    /// One bot.
    pub async fn bot(&self, bot_id: BotId) -> Result<BotRecord, StoreError> {
        let mut tx = self.begin_read().await?;
        let record = fetch_bot(tx.conn(), bot_id).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Opens a bot's sealed Telegram token (for the Telegram client only).
    pub async fn bot_token(&self, bot_id: BotId) -> Result<BotToken, StoreError> {
        let mut tx = self.begin_read().await?;
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT token_key_id, token_sealed FROM bots WHERE id = $1")
                .bind(bot_id.get())
                .fetch_optional(tx.conn())
                .await?;
        tx.commit().await?;
        let (key_id, blob) = row.ok_or(StoreError::UnknownBot(bot_id))?;
        let text = self.store.keyring.open_text(TOKEN_PURPOSE, bot_id.get(), &Sealed { key_id, blob })?;
        BotToken::parse(text.expose_secret())
            .map_err(|_| StoreError::Corrupt(format!("bot {bot_id}: stored token is malformed")))
    }

    /// Every active bot, resolved (with its scope) and with its opened token, in
    /// one query: the runtime's registry load, the bulk form of `Store::resolve_active_bot`.
    pub async fn active_bots(&self) -> Result<Vec<ActiveBot>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!(
            "SELECT {BOT_COLUMNS}, b.token_key_id, b.token_sealed FROM bots b WHERE b.status = 'active' ORDER BY b.id"
        ))
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|row| {
                let record = bot_from_row(row)?;
                let sealed = Sealed { key_id: row.try_get("token_key_id")?, blob: row.try_get("token_sealed")? };
                let text = self.store.keyring.open_text(TOKEN_PURPOSE, record.id.get(), &sealed)?;
                let token = BotToken::parse(text.expose_secret())
                    .map_err(|_| StoreError::Corrupt(format!("bot {}: stored token is malformed", record.id)))?;
                Ok(ActiveBot { resolved: ResolvedBot { scope: TenantScope::new(record.id), record }, token })
            })
            .collect()
    }

    /// A cheap summary of the set of active and suspended bots; it changes
    /// whenever a bot is added, removed, disabled, enabled, suspended or
    /// resumed (the runtime polls it).
    pub async fn active_bots_fingerprint(&self) -> Result<String, StoreError> {
        let mut tx = self.begin_read().await?;
        let (count, active, ids, updated): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(id), 0) AS BIGINT), CAST(COALESCE(MAX(updated_at), 0) AS BIGINT) \
             FROM bots WHERE status IN ('active', 'suspended')",
        )
        .fetch_one(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(format!("{count}:{active}:{ids}:{updated}"))
    }

    /// Every suspended bot with its opened token: the runtime answers their
    /// customers with one polite line and nothing else, so no [`TenantScope`]
    /// is handed out for them.
    pub async fn suspended_bots(&self) -> Result<Vec<SuspendedBot>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<(i64, String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT id, name, token_key_id, token_sealed FROM bots WHERE status = 'suspended' ORDER BY id",
        )
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(id, name, key_id, blob)| {
                let text = self.store.keyring.open_text(TOKEN_PURPOSE, id, &Sealed { key_id, blob })?;
                let token = BotToken::parse(text.expose_secret())
                    .map_err(|_| StoreError::Corrupt(format!("bot {id}: stored token is malformed")))?;
                let bot_id = BotId::from_raw(id);
                Ok(SuspendedBot { bot_id, name, token, webhook_secret: self.webhook_secret(bot_id) })
            })
            .collect()
    }

    /// The bot already registered with this token's Telegram bot, if any
    /// (a token can be registered once).
    pub async fn bot_with_token(&self, token: &BotToken) -> Result<Option<BotId>, StoreError> {
        let mut tx = self.begin_read().await?;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM bots WHERE telegram_bot_id = $1 OR token_hash = $2")
                .bind(token.telegram_bot_id())
                .bind(token_hash(token))
                .fetch_optional(tx.conn())
                .await?;
        tx.commit().await?;
        Ok(existing.map(BotId::from_raw))
    }

    /// One tenant's key figures: active subscriptions and paid revenue per currency.
    pub async fn bot_figures(&self, bot_id: BotId) -> Result<BotFigures, StoreError> {
        let mut tx = self.begin_read().await?;
        let active_subscriptions: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE bot_id = $1 AND status = $2")
                .bind(bot_id.get())
                .bind("active")
                .fetch_one(tx.conn())
                .await?;
        let revenue: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT currency, CAST(COALESCE(SUM(credit), 0) AS BIGINT), COUNT(*) FROM payments \
             WHERE bot_id = $1 AND status = $2 GROUP BY currency ORDER BY currency",
        )
        .bind(bot_id.get())
        .bind("paid")
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(BotFigures {
            active_subscriptions,
            revenue: revenue
                .into_iter()
                .map(|(currency, amount, payments)| revenue_total(&currency, amount, payments))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The owners of every tenant other than the master, for a broadcast from
    /// the master bot: each tenant's `owner_telegram_id`, else its admins. Distinct.
    pub async fn tenant_owners(&self) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_read().await?;
        let owners: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT x.tg FROM ( \
               SELECT owner_telegram_id AS tg FROM bots WHERE is_master = $1 AND owner_telegram_id IS NOT NULL \
               UNION SELECT a.telegram_id AS tg FROM bot_admins a JOIN bots b ON b.id = a.bot_id \
               WHERE b.is_master = $1 AND b.owner_telegram_id IS NULL) x ORDER BY x.tg",
        )
        .bind(false)
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(owners)
    }

    /// The secret Telegram must echo in `X-Telegram-Bot-Api-Secret-Token` for this bot's webhook.
    pub fn webhook_secret(&self, bot_id: BotId) -> String {
        self.store.keyring.derive_hex("webhook-secret", bot_id.get())
    }

    /// Changes a bot's status; returns the updated record.
    pub async fn set_status(&self, bot_id: BotId, status: BotStatus) -> Result<BotRecord, StoreError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query("UPDATE bots SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(bot_id.get())
            .execute(tx.conn())
            .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::UnknownBot(bot_id));
        }
        let record = fetch_bot(tx.conn(), bot_id).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// What [`Platform::remove_bot`] would delete.
    pub async fn removal_impact(&self, bot_id: BotId) -> Result<RemovalImpact, StoreError> {
        let mut tx = self.begin_read().await?;
        fetch_bot(tx.conn(), bot_id).await?;
        let count = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE bot_id = $1");
        let mut counts = [0i64; 5];
        for (slot, table) in counts.iter_mut().zip([
            "customers",
            "bot_admins",
            "bot_api_tokens",
            "bot_feature_flags",
            "bot_configurations",
        ]) {
            *slot = sqlx::query_scalar(&count(table)).bind(bot_id.get()).fetch_one(tx.conn()).await?;
        }
        tx.commit().await?;
        Ok(RemovalImpact {
            customers: counts[0],
            admins: counts[1],
            api_tokens: counts[2],
            settings: counts[3] + counts[4],
        })
    }

    /// Deletes a bot and, by cascade, every row of its tenant.
    pub async fn remove_bot(&self, bot_id: BotId) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let deleted = sqlx::query("DELETE FROM bots WHERE id = $1").bind(bot_id.get()).execute(tx.conn()).await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::UnknownBot(bot_id));
        }
        tx.commit().await?;
        self.store.settings.invalidate(bot_id).await;
        Ok(())
    }

    /// Revokes every API token of the bot and issues a new one (returned once).
    pub async fn rotate_api_token(&self, bot_id: BotId) -> Result<ApiToken, StoreError> {
        let mut tx = self.begin().await?;
        fetch_bot(tx.conn(), bot_id).await?;
        let now = now_ms();
        sqlx::query("UPDATE bot_api_tokens SET revoked_at = $1 WHERE bot_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(bot_id.get())
            .execute(tx.conn())
            .await?;
        let token = insert_api_token(tx.conn(), bot_id.get(), now).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// A bot's API tokens (prefixes and dates only).
    pub async fn api_tokens(&self, bot_id: BotId) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let mut tx = self.begin_read().await?;
        type Row = (i64, String, i64, Option<i64>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, prefix, created_at, last_used_at, revoked_at FROM bot_api_tokens WHERE bot_id = $1 ORDER BY id",
        )
        .bind(bot_id.get())
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(id, prefix, created_at, last_used_at, revoked_at)| ApiTokenInfo {
                id,
                prefix,
                created_at,
                last_used_at,
                revoked_at,
            })
            .collect())
    }

    /// Sets any configuration key of a tenant, platform-only keys included.
    pub async fn set_tenant_config(
        &self,
        scope: &TenantScope,
        key: ConfigKey,
        value: &ConfigValue,
    ) -> Result<(), StoreError> {
        self.store.tenant(scope).write_config(key, Some(value)).await
    }

    /// Resets any configuration key of a tenant to its default.
    pub async fn unset_tenant_config(&self, scope: &TenantScope, key: ConfigKey) -> Result<(), StoreError> {
        self.store.tenant(scope).write_config(key, None).await
    }
}

/// The master bot's platform path: platform writes made inside the master
/// bot's own update transaction (`ctx.tx`), so they commit, or roll back,
/// together with the update that asked for them. (A separate write
/// transaction cannot be opened while an update's transaction is open: SQLite
/// has a single writer.) Each call checks that the transaction belongs to the
/// master bot, raises it to platform visibility for the statement
/// (`app.platform`, PostgreSQL) and lowers it again.
impl Platform<'_> {
    /// Registers a tenant from the master bot, like [`Platform::add_bot`].
    pub async fn add_bot_in(&self, tx: &mut TenantTx, new: NewBot) -> Result<(BotRecord, ApiToken), StoreError> {
        raise(tx).await?;
        let added = insert_bot(tx.conn(), self.store, new).await;
        lower(tx, added).await
    }

    /// Suspends or resumes a tenant from the master bot: moves only between
    /// active and suspended (the master itself, a disabled bot and an unknown
    /// id are [`StoreError::UnknownBot`]); returns the updated record.
    pub async fn set_status_in(
        &self,
        tx: &mut TenantTx,
        bot_id: BotId,
        status: BotStatus,
    ) -> Result<BotRecord, StoreError> {
        raise(tx).await?;
        let result = async {
            let changed = sqlx::query(
                "UPDATE bots SET status = $1, updated_at = $2 \
                 WHERE id = $3 AND is_master = $4 AND status IN ('active', 'suspended')",
            )
            .bind(status.as_str())
            .bind(now_ms())
            .bind(bot_id.get())
            .bind(false)
            .execute(tx.conn())
            .await?;
            if changed.rows_affected() == 0 {
                return Err(StoreError::UnknownBot(bot_id));
            }
            fetch_bot(tx.conn(), bot_id).await
        }
        .await;
        lower(tx, result).await
    }

    /// Switches a feature of a tenant from the master bot. The tenant's cached
    /// settings are dropped at once; a load racing the commit is corrected by
    /// the bumped `settings_version` within the cache's TTL.
    pub async fn set_flag_in(
        &self,
        tx: &mut TenantTx,
        bot_id: BotId,
        flag: FeatureFlag,
        enabled: bool,
    ) -> Result<(), StoreError> {
        raise(tx).await?;
        let result = async {
            fetch_bot(tx.conn(), bot_id).await?;
            sqlx::query(
                "INSERT INTO bot_feature_flags (bot_id, key, enabled, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (bot_id, key) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
            )
            .bind(bot_id.get())
            .bind(flag.key())
            .bind(enabled)
            .bind(now_ms())
            .execute(tx.conn())
            .await?;
            sqlx::query("UPDATE bots SET settings_version = settings_version + 1 WHERE id = $1")
                .bind(bot_id.get())
                .execute(tx.conn())
                .await?;
            Ok(())
        }
        .await;
        lower(tx, result).await?;
        self.store.settings.invalidate(bot_id).await;
        Ok(())
    }

    /// One bot as a master bot's transaction sees it (its own changes included).
    pub async fn bot_in(&self, tx: &mut TenantTx, bot_id: BotId) -> Result<BotRecord, StoreError> {
        raise(tx).await?;
        let result = fetch_bot(tx.conn(), bot_id).await;
        lower(tx, result).await
    }

    /// A tenant's effective flags (defaults filled in) as a master bot's transaction sees them.
    pub async fn flags_in(&self, tx: &mut TenantTx, bot_id: BotId) -> Result<Vec<(FeatureFlag, bool)>, StoreError> {
        raise(tx).await?;
        let result = async {
            fetch_bot(tx.conn(), bot_id).await?;
            let rows = sqlx::query("SELECT key, enabled FROM bot_feature_flags WHERE bot_id = $1")
                .bind(bot_id.get())
                .fetch_all(tx.conn())
                .await?;
            let mut stored = Vec::with_capacity(rows.len());
            for row in &rows {
                stored.push((row.try_get::<String, _>("key")?, crate::row::get_bool(row, "enabled")?));
            }
            Ok(stored)
        }
        .await;
        let stored = lower(tx, result).await?;
        Ok(FeatureFlag::ALL
            .iter()
            .map(|flag| {
                let set = stored.iter().find(|(key, _)| key == flag.key()).map(|(_, on)| *on);
                (*flag, set.unwrap_or(flag.default_enabled()))
            })
            .collect())
    }
}

/// Gives a master bot's transaction platform visibility (PostgreSQL), after
/// checking it is the master bot's.
async fn raise(tx: &mut TenantTx) -> Result<(), StoreError> {
    let bot = tx.bot();
    let master: Option<i64> = sqlx::query_scalar("SELECT id FROM bots WHERE id = $1 AND is_master = $2")
        .bind(bot)
        .bind(true)
        .fetch_optional(tx.conn())
        .await?;
    if master.is_none() {
        return Err(StoreError::Conflict("platform writes from a bot are allowed only in the master bot"));
    }
    if tx.backend() == Backend::Postgres {
        sqlx::query("SELECT set_config('app.platform', 'on', true)").execute(tx.conn()).await?;
    }
    Ok(())
}

/// Returns a raised transaction to its tenant's visibility, then hands back
/// what was done while raised. After a failed statement a PostgreSQL
/// transaction is aborted (it can neither be used nor committed), so lowering
/// it is skipped and the first error is returned.
async fn lower<T>(tx: &mut TenantTx, result: Result<T, StoreError>) -> Result<T, StoreError> {
    if tx.backend() == Backend::Postgres && !matches!(result, Err(StoreError::Database(_))) {
        sqlx::query("SELECT set_config('app.platform', '', true)").execute(tx.conn()).await?;
    }
    result
}

/// A suspended bot as the runtime holds it: enough to answer politely, no scope.
#[derive(Debug, Clone)]
pub struct SuspendedBot {
    /// Our id of the bot.
    pub bot_id: BotId,
    /// Display name (the shop's name in the polite line).
    pub name: String,
    /// Its Telegram token (never printed).
    pub token: BotToken,
    /// What Telegram must echo in `X-Telegram-Bot-Api-Secret-Token`.
    pub webhook_secret: String,
}

/// A tenant's key figures for the master bot's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotFigures {
    /// Subscriptions currently `active`.
    pub active_subscriptions: i64,
    /// Paid payments summed per credited currency.
    pub revenue: Vec<RevenueTotal>,
}

/// Registers a bot on `conn` (a platform transaction, or a master bot's
/// transaction raised to platform visibility): the body of [`Platform::add_bot`].
async fn insert_bot(conn: &mut AnyConnection, store: &Store, new: NewBot) -> Result<(BotRecord, ApiToken), StoreError> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM bots WHERE telegram_bot_id = $1 OR token_hash = $2")
        .bind(new.token.telegram_bot_id())
        .bind(token_hash(&new.token))
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        return Err(StoreError::DuplicateBot(BotId::from_raw(id)));
    }
    if new.is_master {
        let master: Option<i64> = sqlx::query_scalar("SELECT id FROM bots WHERE is_master = $1")
            .bind(true)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(id) = master {
            return Err(StoreError::MasterExists(BotId::from_raw(id)));
        }
    }
    let now = now_ms();
    let inserted = sqlx::query(
            "INSERT INTO bots (name, username, telegram_bot_id, token_hash, token_key_id, token_sealed, is_master, status, owner_telegram_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, '', $5, $6, 'active', $7, $8, $8) RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.username)
        .bind(new.token.telegram_bot_id())
        .bind(token_hash(&new.token))
        .bind(Vec::<u8>::new())
        .bind(new.is_master)
        .bind(new.owner.map(|o| o.get()))
        .bind(now)
        .fetch_one(&mut *conn)
        .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        // A concurrent `add` of the same bot lost the race: the database said no.
        Err(e) if StoreError::is_unique_violation(&e) => {
            return Err(StoreError::Conflict("the same bot, or another master bot, was registered at the same moment"));
        }
        Err(e) => return Err(e.into()),
    };
    let sealed = store.keyring.seal(TOKEN_PURPOSE, id, new.token.expose().as_bytes());
    sqlx::query("UPDATE bots SET token_key_id = $1, token_sealed = $2 WHERE id = $3")
        .bind(&sealed.key_id)
        .bind(&sealed.blob)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for admin in &new.admins {
        sqlx::query(
            "INSERT INTO bot_admins (bot_id, telegram_id, can_manage_admins, added_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (bot_id, telegram_id) DO NOTHING",
        )
        .bind(id)
        .bind(admin.get())
        .bind(true)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    let api_token = insert_api_token(&mut *conn, id, now).await?;
    let record = fetch_bot(&mut *conn, BotId::from_raw(id)).await?;
    Ok((record, api_token))
}

fn token_hash(token: &BotToken) -> String {
    sha256_hex(token.expose().as_bytes())
}

async fn fetch_bot(conn: &mut AnyConnection, bot_id: BotId) -> Result<BotRecord, StoreError> {
    let row = sqlx::query(&format!("SELECT {BOT_COLUMNS} FROM bots b WHERE b.id = $1"))
        .bind(bot_id.get())
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::UnknownBot(bot_id))?;
    bot_from_row(&row)
}

async fn insert_api_token(conn: &mut AnyConnection, bot_id: i64, now: i64) -> Result<ApiToken, StoreError> {
    let token = ApiToken::generate();
    sqlx::query("INSERT INTO bot_api_tokens (bot_id, token_hash, prefix, created_at) VALUES ($1, $2, $3, $4)")
        .bind(bot_id)
        .bind(token.hash())
        .bind(token.display_prefix())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(token)
}
