//! Rows of `customers`: a Telegram user as seen by one bot.

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::{StoreError, TenantTx};
use bazar_domain::{CustomerId, Language, TelegramUserId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A customer of one tenant. The same Telegram user is a different customer
/// (different id, wallet, subscriptions) in every bot they talk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Row id.
    pub id: CustomerId,
    /// Telegram user id.
    pub telegram_id: TelegramUserId,
    /// Telegram `@username`, if any.
    pub username: Option<String>,
    /// Telegram first name.
    pub first_name: Option<String>,
    /// Chosen language (or the one derived from Telegram at first contact).
    pub language: Option<Language>,
    /// Banned by the tenant's admins.
    pub banned: bool,
    /// When the customer blocked the bot (Telegram answered 403), if they did.
    pub blocked_at: Option<i64>,
    /// First contact (unix ms).
    pub created_at: i64,
}

/// What an incoming update tells about its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerContact {
    /// Telegram user id.
    pub telegram_id: TelegramUserId,
    /// Telegram `@username`.
    pub username: Option<String>,
    /// Telegram first name.
    pub first_name: Option<String>,
    /// Language derived from Telegram's `language_code`, used at first contact only.
    pub language: Option<Language>,
}

const COLUMNS: &str = "id, telegram_id, username, first_name, language, banned, blocked_at, created_at";

fn from_row(row: &AnyRow) -> Result<Customer, StoreError> {
    let language: Option<String> = row.try_get("language")?;
    Ok(Customer {
        id: CustomerId::from_raw(row.try_get("id")?),
        telegram_id: TelegramUserId::from_raw(row.try_get("telegram_id")?),
        username: row.try_get("username")?,
        first_name: row.try_get("first_name")?,
        language: language.and_then(|l| l.parse().ok()),
        banned: get_bool(row, "banned")?,
        blocked_at: row.try_get("blocked_at")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Creates the customer on first contact (returning `true`), otherwise
/// refreshes username, first name and last-seen time (returning `false`).
/// Safe under concurrency: the `(bot_id, telegram_id)` key decides, not an `if`.
pub(crate) async fn record_contact(
    tx: &mut TenantTx,
    contact: &CustomerContact,
) -> Result<(Customer, bool), StoreError> {
    let now = now_ms();
    let created = sqlx::query(&format!(
        "INSERT INTO customers (bot_id, telegram_id, username, first_name, language, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (bot_id, telegram_id) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(tx.bot())
    .bind(contact.telegram_id.get())
    .bind(&contact.username)
    .bind(&contact.first_name)
    .bind(contact.language.map(|l| l.code()))
    .bind(now)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(row) = created {
        return Ok((from_row(&row)?, true));
    }
    let row = sqlx::query(&format!(
        "UPDATE customers SET username = $3, first_name = $4, last_seen_at = $5 \
         WHERE bot_id = $1 AND telegram_id = $2 RETURNING {COLUMNS}"
    ))
    .bind(tx.bot())
    .bind(contact.telegram_id.get())
    .bind(&contact.username)
    .bind(&contact.first_name)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    Ok((from_row(&row)?, false))
}

pub(crate) async fn by_telegram_id(
    tx: &mut TenantTx,
    telegram_id: TelegramUserId,
) -> Result<Option<Customer>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM customers WHERE bot_id = $1 AND telegram_id = $2"))
        .bind(tx.bot())
        .bind(telegram_id.get())
        .fetch_optional(tx.conn())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn count(tx: &mut TenantTx) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE bot_id = $1")
        .bind(tx.bot())
        .fetch_one(tx.conn())
        .await?)
}
