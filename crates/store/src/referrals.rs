//! Referrals: a customer's invite code, and the link from a referee to the
//! customer who invited them (set once, at first contact).

use crate::{StoreError, TenantTx};
use bazar_domain::{Currency, CustomerId, Money};

/// What a referrer has achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralStats {
    /// Customers who joined through the code.
    pub referees: i64,
    /// Rewards received in the currency asked for.
    pub earned: Money,
}

impl TenantTx {
    /// The customer's invite code, made (random, unique per tenant) on first use.
    pub async fn referral_code(&mut self, customer: CustomerId) -> Result<String, StoreError> {
        let existing: Option<Option<String>> =
            sqlx::query_scalar("SELECT referral_code FROM customers WHERE bot_id = $1 AND id = $2")
                .bind(self.bot())
                .bind(customer.get())
                .fetch_optional(self.conn())
                .await?;
        if let Some(Some(code)) = existing {
            return Ok(code);
        }
        let code = random_code();
        sqlx::query("UPDATE customers SET referral_code = $1 WHERE bot_id = $2 AND id = $3 AND referral_code IS NULL")
            .bind(&code)
            .bind(self.bot())
            .bind(customer.get())
            .execute(self.conn())
            .await?;
        Ok(code)
    }

    /// Links `customer` to the owner of `code`, unless already linked, or the
    /// code is unknown or their own. Returns the referrer when linked now.
    pub async fn link_referrer(&mut self, customer: CustomerId, code: &str) -> Result<Option<CustomerId>, StoreError> {
        let referrer: Option<i64> =
            sqlx::query_scalar("SELECT id FROM customers WHERE bot_id = $1 AND referral_code = $2")
                .bind(self.bot())
                .bind(code)
                .fetch_optional(self.conn())
                .await?;
        let Some(referrer) = referrer.filter(|r| *r != customer.get()) else {
            return Ok(None);
        };
        let linked =
            sqlx::query("UPDATE customers SET referrer_id = $1 WHERE bot_id = $2 AND id = $3 AND referrer_id IS NULL")
                .bind(referrer)
                .bind(self.bot())
                .bind(customer.get())
                .execute(self.conn())
                .await?;
        Ok((linked.rows_affected() == 1).then(|| CustomerId::from_raw(referrer)))
    }

    /// Who invited the customer, if anyone.
    pub async fn referrer_of(&mut self, customer: CustomerId) -> Result<Option<CustomerId>, StoreError> {
        let referrer: Option<Option<i64>> =
            sqlx::query_scalar("SELECT referrer_id FROM customers WHERE bot_id = $1 AND id = $2")
                .bind(self.bot())
                .bind(customer.get())
                .fetch_optional(self.conn())
                .await?;
        Ok(referrer.flatten().map(CustomerId::from_raw))
    }

    /// How many customers joined through `customer`, and what they earned in `currency`.
    pub async fn referral_stats(
        &mut self,
        customer: CustomerId,
        currency: Currency,
    ) -> Result<ReferralStats, StoreError> {
        let referees: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE bot_id = $1 AND referrer_id = $2")
            .bind(self.bot())
            .bind(customer.get())
            .fetch_one(self.conn())
            .await?;
        let earned: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries \
             WHERE bot_id = $1 AND customer_id = $2 AND kind = 'referral_reward' AND currency = $3",
        )
        .bind(self.bot())
        .bind(customer.get())
        .bind(currency.code())
        .fetch_one(self.conn())
        .await?;
        Ok(ReferralStats { referees, earned: Money::new(earned, currency) })
    }
}

/// Eight characters from an alphabet without look-alikes.
fn random_code() -> String {
    bazar_secrets::random_code(b"abcdefghjkmnpqrstuvwxyz23456789", 8)
}
