//! The tenant registry: bots, their sealed tokens, their status.

use crate::row::get_bool;
use crate::{StoreError, TenantScope};
use bazar_domain::{BotId, BotStatus, BotToken, TelegramUserId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Purpose label binding sealed bot tokens (see `bazar_secrets::Keyring::seal`).
pub(crate) const TOKEN_PURPOSE: &str = "bot-token";

/// A registered bot as the operator sees it. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotRecord {
    /// Our id of the bot (the tenant id).
    pub id: BotId,
    /// Display name chosen by the operator.
    pub name: String,
    /// Telegram `@username`, learned from `getMe`.
    pub username: Option<String>,
    /// Telegram's user id of the bot (the public part of its token).
    pub telegram_bot_id: i64,
    /// Whether this is the platform owner's master bot.
    pub is_master: bool,
    /// Served, suspended or disabled.
    pub status: BotStatus,
    /// Telegram id of the reseller who owns the tenant, if known.
    pub owner_telegram_id: Option<TelegramUserId>,
    /// Bumped on every flag or configuration write (cross-process cache invalidation).
    pub settings_version: i64,
    /// When the bot was added (unix ms).
    pub created_at: i64,
    /// How many customers the tenant has.
    pub customer_count: i64,
}

/// What the operator supplies to register a bot.
#[derive(Debug, Clone)]
pub struct NewBot {
    /// The bot's token (sealed before it is stored).
    pub token: BotToken,
    /// Display name.
    pub name: String,
    /// Telegram `@username`, if already known.
    pub username: Option<String>,
    /// Register as the master bot.
    pub is_master: bool,
    /// Telegram users who become the tenant's first admins.
    pub admins: Vec<TelegramUserId>,
    /// The reseller who owns the tenant.
    pub owner: Option<TelegramUserId>,
}

/// How much tenant data removing a bot deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovalImpact {
    /// Customers of the tenant.
    pub customers: i64,
    /// Admins of the tenant.
    pub admins: i64,
    /// API tokens, revoked or not.
    pub api_tokens: i64,
    /// Feature flags and configuration entries set.
    pub settings: i64,
}

/// An active bot, resolved for an incoming update.
#[derive(Debug, Clone)]
pub struct ResolvedBot {
    /// The capability to act for this tenant.
    pub scope: TenantScope,
    /// The bot's registry entry.
    pub record: BotRecord,
}

/// An active bot with its token, as the Telegram runtime holds it.
#[derive(Debug, Clone)]
pub struct ActiveBot {
    /// The bot and the capability to act for it.
    pub resolved: ResolvedBot,
    /// Its Telegram token (never printed).
    pub token: BotToken,
}

/// Why an update's bot is not served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No such bot (never registered, or removed).
    #[error("unknown bot")]
    Unknown,
    /// Registered but not active.
    #[error("bot is {0}")]
    Inactive(BotStatus),
    /// The database could not answer.
    #[error("bot lookup failed: {0}")]
    Unavailable(String),
}

pub(crate) const BOT_COLUMNS: &str = "b.id, b.name, b.username, b.telegram_bot_id, b.is_master, b.status, \
     b.owner_telegram_id, b.settings_version, b.created_at, \
     (SELECT COUNT(*) FROM customers c WHERE c.bot_id = b.id) AS customer_count";

pub(crate) fn bot_from_row(row: &AnyRow) -> Result<BotRecord, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(BotRecord {
        id: BotId::from_raw(row.try_get("id")?),
        name: row.try_get("name")?,
        username: row.try_get("username")?,
        telegram_bot_id: row.try_get("telegram_bot_id")?,
        is_master: get_bool(row, "is_master")?,
        status: status.parse().map_err(|e: bazar_domain::UnknownBotStatus| StoreError::Corrupt(e.to_string()))?,
        owner_telegram_id: row.try_get::<Option<i64>, _>("owner_telegram_id")?.map(TelegramUserId::from_raw),
        settings_version: row.try_get("settings_version")?,
        created_at: row.try_get("created_at")?,
        customer_count: row.try_get("customer_count")?,
    })
}
