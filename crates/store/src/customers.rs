//! Rows of `customers`: a Telegram user as seen by one bot.

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::{LedgerEntry, StoreError, TenantTx};
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
    /// Banned by the tenant's admins: the bot ignores them.
    pub banned: bool,
    /// Since when they are banned (unix ms), if they are.
    pub banned_at: Option<i64>,
    /// When the customer blocked the bot (Telegram answered 403), if they did.
    pub blocked_at: Option<i64>,
    /// Renew subscriptions from the wallet when they end (if the tenant offers it).
    pub auto_renew: bool,
    /// First contact (unix ms).
    pub created_at: i64,
    /// Last update from them (unix ms).
    pub last_seen_at: i64,
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

/// Which customers a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerSearch {
    /// Every customer.
    All,
    /// The customer with this Telegram user id (exact).
    TelegramId(TelegramUserId),
    /// Customers whose `@username` starts with this text, ignoring case (without the `@`).
    UsernamePrefix(String),
}

impl CustomerSearch {
    /// Reads an admin's search text: digits are a Telegram id, anything else a
    /// username prefix (a leading `@` is dropped, case is ignored); empty is everyone.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if let Some(name) = text.strip_prefix('@') {
            let name = name.trim();
            return if name.is_empty() { Self::All } else { Self::UsernamePrefix(name.to_lowercase()) };
        }
        if text.is_empty() {
            return Self::All;
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            // Telegram user ids are positive 64-bit numbers; more digits match nobody.
            return Self::TelegramId(TelegramUserId::from_raw(text.parse().unwrap_or(-1)));
        }
        Self::UsernamePrefix(text.to_lowercase())
    }
}

/// `LIKE` pattern for a prefix, with the pattern characters escaped (`\` is the escape).
fn like_prefix(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

const COLUMNS: &str = "id, telegram_id, username, first_name, language, banned, banned_at, blocked_at, auto_renew, \
                       created_at, last_seen_at";

fn from_row(row: &AnyRow) -> Result<Customer, StoreError> {
    let language: Option<String> = row.try_get("language")?;
    Ok(Customer {
        id: CustomerId::from_raw(row.try_get("id")?),
        telegram_id: TelegramUserId::from_raw(row.try_get("telegram_id")?),
        username: row.try_get("username")?,
        first_name: row.try_get("first_name")?,
        language: language.and_then(|l| l.parse().ok()),
        banned: get_bool(row, "banned")?,
        banned_at: row.try_get("banned_at")?,
        blocked_at: row.try_get("blocked_at")?,
        auto_renew: get_bool(row, "auto_renew")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    })
}

/// Creates the customer on first contact (returning `true`), otherwise
/// refreshes username, first name and last-seen time (returning `false`).
/// Safe under concurrency: the `(bot_id, telegram_id)` key decides, not an `if`.
pub(crate) async fn record_contact(
    tx: &mut TenantTx,
    contact: &CustomerContact,
) -> Result<(Customer, bool), StoreError> {
    // One statement either way: the `(bot_id, telegram_id)` key decides whether
    // this is the first contact, and `contacts` tells which branch was taken.
    let row = sqlx::query(&format!(
        "INSERT INTO customers (bot_id, telegram_id, username, first_name, language, created_at, last_seen_at, contacts) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, 1) ON CONFLICT (bot_id, telegram_id) DO UPDATE SET \
         username = excluded.username, first_name = excluded.first_name, last_seen_at = excluded.last_seen_at, \
         blocked_at = NULL, contacts = customers.contacts + 1 \
         RETURNING {COLUMNS}, contacts"
    ))
    .bind(tx.bot())
    .bind(contact.telegram_id.get())
    .bind(&contact.username)
    .bind(&contact.first_name)
    .bind(contact.language.map(|l| l.code()))
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    let contacts: i64 = row.try_get("contacts")?;
    Ok((from_row(&row)?, contacts == 1))
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

impl TenantTx {
    /// The customer a Telegram user is in this tenant, if they ever wrote to it.
    pub async fn customer_by_telegram_id(
        &mut self,
        telegram_id: TelegramUserId,
    ) -> Result<Option<Customer>, StoreError> {
        by_telegram_id(self, telegram_id).await
    }

    /// One customer of this tenant.
    pub async fn customer(&mut self, id: CustomerId) -> Result<Option<Customer>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM customers WHERE bot_id = $1 AND id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// One page of customers, in id order (stable), narrowed by `search`.
    pub async fn customers_page(
        &mut self,
        search: &CustomerSearch,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Customer>, StoreError> {
        if let CustomerSearch::UsernamePrefix(prefix) = search
            && prefix.contains('\0')
        {
            // No username holds a NUL, and PostgreSQL cannot even compare text with one.
            return Ok(Vec::new());
        }
        let (condition, text, number) = match search {
            CustomerSearch::All => ("", None, None),
            CustomerSearch::TelegramId(id) => (" AND telegram_id = $4", None, Some(id.get())),
            CustomerSearch::UsernamePrefix(prefix) => {
                (" AND LOWER(username) LIKE $4 ESCAPE '\\'", Some(like_prefix(&prefix.to_lowercase())), None)
            }
        };
        let sql =
            format!("SELECT {COLUMNS} FROM customers WHERE bot_id = $1{condition} ORDER BY id LIMIT $2 OFFSET $3");
        let mut query = sqlx::query(&sql).bind(self.bot()).bind(limit).bind(offset);
        if let Some(text) = text {
            query = query.bind(text);
        }
        if let Some(number) = number {
            query = query.bind(number);
        }
        let rows = query.fetch_all(self.conn()).await?;
        rows.iter().map(from_row).collect()
    }

    /// This tenant's customers, newest first, one page: the admin menu's list,
    /// where the customers who just arrived are the ones asked about.
    pub async fn recent_customers(&mut self, limit: i64, offset: i64) -> Result<Vec<Customer>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM customers WHERE bot_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(self.bot())
        .bind(limit.max(1))
        .bind(offset.max(0))
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Bans (`true`) or unbans a customer; the runtime ignores a banned
    /// customer's updates. Banning again keeps the first ban's time. `None`
    /// when this tenant has no such customer.
    pub async fn set_customer_banned(&mut self, id: CustomerId, banned: bool) -> Result<Option<Customer>, StoreError> {
        // Banning again keeps the first ban's time; unbanning clears it.
        let banned_at = if banned { "COALESCE(banned_at, $4)" } else { "NULL" };
        let sql = format!(
            "UPDATE customers SET banned = $1, banned_at = {banned_at} WHERE bot_id = $2 AND id = $3 \
             RETURNING {COLUMNS}"
        );
        let query = sqlx::query(&sql).bind(banned).bind(self.bot()).bind(id.get());
        let query = if banned { query.bind(now_ms()) } else { query };
        let row = query.fetch_optional(self.conn()).await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The ledger entry posted under an idempotency key, with its customer.
    pub async fn ledger_entry_by_key(&mut self, key: &str) -> Result<Option<(CustomerId, LedgerEntry)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, customer_id, currency, amount, kind, reference, created_at FROM ledger_entries \
             WHERE bot_id = $1 AND idempotency_key = $2",
        )
        .bind(self.bot())
        .bind(key)
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let entry = crate::ledger::entry_from_row(&row)?;
        Ok(Some((CustomerId::from_raw(row.try_get("customer_id")?), entry)))
    }

    /// Records that the customer blocked the bot, or came back.
    pub async fn set_customer_blocked(&mut self, telegram_id: TelegramUserId, blocked: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE customers SET blocked_at = $1 WHERE bot_id = $2 AND telegram_id = $3")
            .bind(blocked.then(now_ms))
            .bind(self.bot())
            .bind(telegram_id.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Creates the customer on first contact (`true`) or refreshes them (`false`).
    pub async fn record_contact(&mut self, contact: &CustomerContact) -> Result<(Customer, bool), StoreError> {
        record_contact(self, contact).await
    }

    /// Turns the customer's auto-renewal on or off.
    pub async fn set_auto_renew(&mut self, customer: CustomerId, on: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE customers SET auto_renew = $1 WHERE bot_id = $2 AND id = $3")
            .bind(on)
            .bind(self.bot())
            .bind(customer.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Remembers the customer's chosen language.
    pub async fn set_customer_language(&mut self, customer: CustomerId, language: Language) -> Result<(), StoreError> {
        sqlx::query("UPDATE customers SET language = $1 WHERE bot_id = $2 AND id = $3")
            .bind(language.code())
            .bind(self.bot())
            .bind(customer.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

impl crate::Tenant<'_> {
    /// Records that the customer blocked the bot (Telegram answered 403), or
    /// clears it when they come back (`blocked = false`).
    pub async fn set_customer_blocked(&self, telegram_id: TelegramUserId, blocked: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_customer_blocked(telegram_id, blocked).await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text() {
        assert_eq!(CustomerSearch::parse("  "), CustomerSearch::All);
        assert_eq!(CustomerSearch::parse("@"), CustomerSearch::All);
        assert_eq!(CustomerSearch::parse("7102"), CustomerSearch::TelegramId(TelegramUserId::from_raw(7102)));
        assert_eq!(CustomerSearch::parse("@Sara_K"), CustomerSearch::UsernamePrefix("sara_k".into()));
        assert_eq!(CustomerSearch::parse("SaRa"), CustomerSearch::UsernamePrefix("sara".into()));
        assert_eq!(CustomerSearch::parse("@123"), CustomerSearch::UsernamePrefix("123".into()), "@ means a username");
        let huge = CustomerSearch::parse("99999999999999999999999");
        assert_eq!(huge, CustomerSearch::TelegramId(TelegramUserId::from_raw(-1)), "matches nobody");
        assert_eq!(like_prefix(r"a_b%c\d"), r"a\_b\%c\\d%");
    }
}
