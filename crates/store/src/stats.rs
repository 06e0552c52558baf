//! Aggregates for the API's and admins' statistics: one tenant's customers,
//! subscriptions and money over a window of Tehran days (the banking day the
//! tenant and its customers live by).
//!
//! Sums are cast to `BIGINT`: PostgreSQL's `SUM(bigint)` is `NUMERIC`, which the
//! `Any` driver cannot read.

use crate::{StoreError, TenantTx};
use bazar_domain::Currency;
use bazar_domain::calendar::tehran_day_start_ms;
use sqlx::Row;

const DAY_MS: i64 = 86_400_000;

/// Tehran's offset from UTC in milliseconds, from the calendar's own rule (so
/// the SQL buckets and `tehran_day_start_ms` never disagree).
fn tehran_offset_ms() -> i64 {
    -tehran_day_start_ms(0)
}

/// SQL for the start (unix ms) of the Tehran day of the time `column`.
fn tehran_day(column: &str) -> String {
    let offset = tehran_offset_ms();
    format!("((({column}) + {offset}) / {DAY_MS}) * {DAY_MS} - {offset}")
}

/// A count on one Tehran day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    /// Start of the day (unix ms of Tehran's midnight).
    pub day_start: i64,
    /// How many.
    pub count: i64,
}

/// Money credited by payments on one Tehran day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRevenue {
    /// Start of the day (unix ms of Tehran's midnight).
    pub day_start: i64,
    /// Sum credited to wallets, in minor units of the asked currency.
    pub amount: i64,
    /// Payments credited.
    pub payments: i64,
}

/// Money credited through one payment method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodRevenue {
    /// `card`, `zarinpal` or `stars`.
    pub method: String,
    /// Sum credited to wallets, in minor units of the asked currency.
    pub amount: i64,
    /// Payments credited.
    pub payments: i64,
}

/// One tenant's figures since a Tehran day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantStats {
    /// The currency every amount here is in (the tenant's).
    pub currency: Currency,
    /// Customers ever (whatever the window).
    pub customers_total: i64,
    /// New customers per day of the window; days without any are left out. Oldest first.
    pub new_customers: Vec<DayCount>,
    /// Subscriptions live now.
    pub active_subscriptions: i64,
    /// Paid payments' credit per day of the window (by the day each was paid);
    /// days without any are left out. Oldest first.
    pub revenue_by_day: Vec<DayRevenue>,
    /// Paid payments' credit in the window per method, by method name.
    pub revenue_by_method: Vec<MethodRevenue>,
    /// Plans bought (and renewed) from wallets in the window: the sum debited, positive.
    pub wallet_purchases: i64,
    /// How many such purchases.
    pub wallet_purchase_count: i64,
}

impl TenantStats {
    /// A figure of these statistics (minor units) as money of their currency.
    pub const fn money(&self, minor: i64) -> bazar_domain::Money {
        bazar_domain::Money::new(minor, self.currency)
    }
}

impl TenantTx {
    /// This tenant's figures from `since` (unix ms, normally a Tehran midnight)
    /// until now; money only in `currency` (the tenant's), counted when paid.
    pub async fn stats(&mut self, since: i64, currency: Currency) -> Result<TenantStats, StoreError> {
        let customers_total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE bot_id = $1")
            .bind(self.bot())
            .fetch_one(self.conn())
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT day, COUNT(*) AS n FROM (SELECT {} AS day FROM customers WHERE bot_id = $1 AND created_at >= $2) c \
             GROUP BY day ORDER BY day",
            tehran_day("created_at")
        ))
        .bind(self.bot())
        .bind(since)
        .fetch_all(self.conn())
        .await?;
        let new_customers = rows
            .iter()
            .map(|r| Ok(DayCount { day_start: r.try_get("day")?, count: r.try_get("n")? }))
            .collect::<Result<_, StoreError>>()?;

        let active_subscriptions: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE bot_id = $1 AND status = 'active'")
                .bind(self.bot())
                .fetch_one(self.conn())
                .await?;

        // When a payment was paid: its `paid` event (the row's updated_at is only
        // an upper bound, since later detail writes move it too).
        let paid = "SELECT p.method, p.credit, COALESCE((SELECT MIN(e.created_at) FROM payment_events e \
               WHERE e.bot_id = $1 AND e.payment_id = p.id AND e.status = 'paid'), p.updated_at) AS paid_at \
             FROM payments p WHERE p.bot_id = $1 AND p.status = 'paid' AND p.currency = $2 AND p.updated_at >= $3";
        let rows = sqlx::query(&format!(
            "SELECT day, CAST(COALESCE(SUM(credit), 0) AS BIGINT) AS amount, COUNT(*) AS n \
             FROM (SELECT credit, {} AS day FROM ({paid}) q WHERE paid_at >= $3) d GROUP BY day ORDER BY day",
            tehran_day("paid_at")
        ))
        .bind(self.bot())
        .bind(currency.code())
        .bind(since)
        .fetch_all(self.conn())
        .await?;
        let revenue_by_day = rows
            .iter()
            .map(|r| {
                Ok(DayRevenue { day_start: r.try_get("day")?, amount: r.try_get("amount")?, payments: r.try_get("n")? })
            })
            .collect::<Result<_, StoreError>>()?;
        let rows = sqlx::query(&format!(
            "SELECT method, CAST(COALESCE(SUM(credit), 0) AS BIGINT) AS amount, COUNT(*) AS n \
             FROM ({paid}) q WHERE paid_at >= $3 GROUP BY method ORDER BY method"
        ))
        .bind(self.bot())
        .bind(currency.code())
        .bind(since)
        .fetch_all(self.conn())
        .await?;
        let revenue_by_method = rows
            .iter()
            .map(|r| {
                Ok(MethodRevenue {
                    method: r.try_get("method")?,
                    amount: r.try_get("amount")?,
                    payments: r.try_get("n")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;

        let row = sqlx::query(
            "SELECT CAST(COALESCE(-SUM(amount), 0) AS BIGINT) AS total, COUNT(*) AS n FROM ledger_entries \
             WHERE bot_id = $1 AND kind = 'purchase' AND currency = $2 AND created_at >= $3",
        )
        .bind(self.bot())
        .bind(currency.code())
        .bind(since)
        .fetch_one(self.conn())
        .await?;

        Ok(TenantStats {
            currency,
            customers_total,
            new_customers,
            active_subscriptions,
            revenue_by_day,
            revenue_by_method,
            wallet_purchases: row.try_get("total")?,
            wallet_purchase_count: row.try_get("n")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_bucket_is_the_calendar_day() {
        assert_eq!(tehran_offset_ms(), 12_600_000);
        let offset = tehran_offset_ms();
        for ms in [0, 1, 12_599_999, 12_600_000, 1_790_000_000_000, 1_790_000_000_000 + 43_200_000] {
            let bucket = ((ms + offset) / DAY_MS) * DAY_MS - offset;
            assert_eq!(bucket, tehran_day_start_ms(ms), "{ms}");
        }
    }
}
