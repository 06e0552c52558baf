//! The wallet ledger: every balance change is a row with a tenant-unique
//! idempotency key, applied to the balance in the same transaction.

use crate::clock::now_ms;
use crate::row::{get_money, parse_currency};
use crate::{StoreError, Tenant, TenantTx};
pub use bazar_domain::EntryKind;
use bazar_domain::{Currency, CustomerId, Money};
use sqlx::Row;

/// What posting an entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Posting {
    /// Posted; the new balance.
    Applied {
        /// Balance after the entry.
        balance: Money,
    },
    /// An entry with this idempotency key exists already; nothing changed.
    Duplicate,
}

/// One ledger row, as shown in a wallet's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Row id.
    pub id: i64,
    /// Signed amount.
    pub amount: Money,
    /// Why.
    pub kind: EntryKind,
    /// Free reference (payment id, reason…).
    pub reference: Option<String>,
    /// When (unix ms).
    pub created_at: i64,
}

/// A wallet whose balance differs from the sum of its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The customer.
    pub customer_id: CustomerId,
    /// The wallet's currency.
    pub currency: Currency,
    /// Stored balance.
    pub balance: i64,
    /// Sum of the ledger entries.
    pub ledger_sum: i64,
}

/// The one mapping of a `ledger_entries` row (`id, currency, amount, kind,
/// reference, created_at`).
pub(crate) fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<LedgerEntry, StoreError> {
    let kind: String = r.try_get("kind")?;
    Ok(LedgerEntry {
        id: r.try_get("id")?,
        amount: get_money(r, "amount", "currency")?,
        kind: EntryKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("ledger kind {kind}")))?,
        reference: r.try_get("reference")?,
        created_at: r.try_get("created_at")?,
    })
}

impl TenantTx {
    /// Posts `amount` (negative = debit) to a customer's wallet, once per `key`.
    ///
    /// A debit larger than the balance is refused with
    /// [`StoreError::InsufficientFunds`] (and the database's `balance >= 0`
    /// check would refuse it too); the caller's transaction must then be
    /// dropped, which rolls the entry back.
    pub async fn post(
        &mut self,
        customer: CustomerId,
        amount: Money,
        kind: EntryKind,
        key: &str,
        reference: Option<&str>,
    ) -> Result<Posting, StoreError> {
        if key.is_empty() || key.len() > 200 {
            return Err(StoreError::InvalidInput("an idempotency key must be 1 to 200 characters"));
        }
        let now = now_ms();
        let inserted = sqlx::query(
            "INSERT INTO ledger_entries (bot_id, customer_id, currency, amount, kind, idempotency_key, reference, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (bot_id, idempotency_key) DO NOTHING",
        )
        .bind(self.bot())
        .bind(customer.get())
        .bind(amount.code())
        .bind(amount.minor())
        .bind(kind.as_str())
        .bind(key)
        .bind(reference)
        .bind(now)
        .execute(self.conn())
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(Posting::Duplicate);
        }
        let current = self.balance(customer, amount.currency()).await?;
        let next = current.checked_add(amount).map_err(|e| StoreError::Corrupt(format!("balance: {e}")))?;
        if next.minor() < 0 {
            return Err(StoreError::InsufficientFunds { balance: current, needed: -amount });
        }
        sqlx::query(
            "INSERT INTO wallets (bot_id, customer_id, currency, balance, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (bot_id, customer_id, currency) DO UPDATE SET balance = wallets.balance + $6, updated_at = excluded.updated_at",
        )
        .bind(self.bot())
        .bind(customer.get())
        .bind(amount.code())
        .bind(next.minor())
        .bind(now)
        .bind(amount.minor())
        .execute(self.conn())
        .await?;
        Ok(Posting::Applied { balance: next })
    }

    /// Whether an entry with this idempotency key was posted.
    pub async fn ledger_key_exists(&mut self, key: &str) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM ledger_entries WHERE bot_id = $1 AND idempotency_key = $2")
                .bind(self.bot())
                .bind(key)
                .fetch_optional(self.conn())
                .await?;
        Ok(found.is_some())
    }

    /// The customer's balance in `currency` (zero without a wallet).
    pub async fn balance(&mut self, customer: CustomerId, currency: Currency) -> Result<Money, StoreError> {
        let balance: Option<i64> =
            sqlx::query_scalar("SELECT balance FROM wallets WHERE bot_id = $1 AND customer_id = $2 AND currency = $3")
                .bind(self.bot())
                .bind(customer.get())
                .bind(currency.code())
                .fetch_optional(self.conn())
                .await?;
        Ok(Money::new(balance.unwrap_or(0), currency))
    }

    /// The customer's most recent entries, newest first.
    pub async fn ledger_entries(&mut self, customer: CustomerId, limit: i64) -> Result<Vec<LedgerEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, currency, amount, kind, reference, created_at FROM ledger_entries \
             WHERE bot_id = $1 AND customer_id = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(self.bot())
        .bind(customer.get())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }
}

impl Tenant<'_> {
    /// Reconciliation: every wallet whose balance differs from the sum of its
    /// entries (including entries without a wallet row). Empty means consistent.
    pub async fn ledger_check(&self) -> Result<Vec<Mismatch>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(
            "SELECT s.customer_id, s.currency, CAST(s.total AS BIGINT) AS total, COALESCE(w.balance, 0) AS balance \
             FROM (SELECT customer_id, currency, SUM(amount) AS total FROM ledger_entries WHERE bot_id = $1 \
                   GROUP BY customer_id, currency) s \
             LEFT JOIN wallets w ON w.bot_id = $1 AND w.customer_id = s.customer_id AND w.currency = s.currency \
             UNION ALL \
             SELECT w.customer_id, w.currency, 0 AS total, w.balance FROM wallets w WHERE w.bot_id = $1 AND NOT EXISTS \
               (SELECT 1 FROM ledger_entries e WHERE e.bot_id = $1 AND e.customer_id = w.customer_id AND e.currency = w.currency)",
        )
        .bind(tx.bot())
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        let mut out = Vec::new();
        for r in rows {
            let total: i64 = r.try_get("total")?;
            let balance: i64 = r.try_get("balance")?;
            if total != balance {
                out.push(Mismatch {
                    customer_id: CustomerId::from_raw(r.try_get("customer_id")?),
                    currency: parse_currency(&r.try_get::<String, _>("currency")?)?,
                    balance,
                    ledger_sum: total,
                });
            }
        }
        Ok(out)
    }
}
