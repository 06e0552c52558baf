//! Promo codes per tenant, and their uses.

use crate::clock::now_ms;
use crate::row::{get_bool, parse_currency};
use crate::{StoreError, Tenant, TenantTx};
use bazar_domain::{CustomerId, Money, PromoBenefit, PromoId, SubscriptionId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A promo code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promo {
    /// Row id.
    pub id: PromoId,
    /// The code (upper case).
    pub code: String,
    /// What it gives (a wallet bonus with its currency).
    pub benefit: PromoBenefit,
    /// Valid from (unix ms).
    pub starts_at: Option<i64>,
    /// Valid until (unix ms).
    pub ends_at: Option<i64>,
    /// Uses allowed in total.
    pub max_uses: Option<i64>,
    /// Uses allowed per customer.
    pub per_customer: i64,
    /// Uses so far.
    pub uses: i64,
    /// Switched on.
    pub active: bool,
}

/// A promo code to create.
#[derive(Debug, Clone)]
pub struct NewPromo {
    /// The code (normalised by the caller).
    pub code: String,
    /// What it gives (validated by the caller).
    pub benefit: PromoBenefit,
    /// Valid from (unix ms).
    pub starts_at: Option<i64>,
    /// Valid until (unix ms).
    pub ends_at: Option<i64>,
    /// Uses allowed in total.
    pub max_uses: Option<i64>,
    /// Uses allowed per customer.
    pub per_customer: i64,
}

/// Changes to a promo code; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PromoUpdate {
    /// Switch it on or off.
    pub active: Option<bool>,
    /// New end of validity (`Some(None)`: no end).
    pub ends_at: Option<Option<i64>>,
    /// New total limit (`Some(None)`: no limit). Never below the uses so far.
    pub max_uses: Option<Option<i64>>,
}

/// Why a code cannot be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromoRefusal {
    /// No such code in this shop (or switched off).
    Unknown,
    /// Outside its validity window.
    NotValidNow,
    /// Its total uses are spent.
    UsedUp,
    /// This customer used it as often as allowed.
    AlreadyUsed,
}

const COLUMNS: &str = "id, code, kind, value, currency, starts_at, ends_at, max_uses, per_customer, uses, active";

fn from_row(row: &AnyRow) -> Result<Promo, StoreError> {
    let kind: String = row.try_get("kind")?;
    let value: i64 = row.try_get("value")?;
    let benefit = match kind.as_str() {
        "bonus" => {
            let code: Option<String> = row.try_get("currency")?;
            let code = code.ok_or_else(|| StoreError::Corrupt("a wallet bonus without its currency".into()))?;
            PromoBenefit::WalletBonus(Money::new(value, parse_currency(&code)?))
        }
        "percent" => PromoBenefit::PercentOff(value.clamp(0, 100) as u8),
        "days" => PromoBenefit::ExtraDays(value.max(0) as u32),
        other => return Err(StoreError::Corrupt(format!("promo kind {other}"))),
    };
    Ok(Promo {
        id: PromoId::from_raw(row.try_get("id")?),
        code: row.try_get("code")?,
        benefit,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        max_uses: row.try_get("max_uses")?,
        per_customer: row.try_get("per_customer")?,
        uses: row.try_get("uses")?,
        active: get_bool(row, "active")?,
    })
}

impl Tenant<'_> {
    /// Creates a promo code; a code used before in this shop is a conflict.
    pub async fn add_promo(&self, new: &NewPromo) -> Result<Promo, StoreError> {
        let mut tx = self.begin().await?;
        let promo = tx.insert_promo(new).await?;
        tx.commit().await?;
        Ok(promo)
    }

    /// Every promo code of the shop.
    pub async fn promos(&self) -> Result<Vec<Promo>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM promo_codes WHERE bot_id = $1 ORDER BY id"))
            .bind(tx.bot())
            .fetch_all(tx.conn())
            .await?;
        tx.commit().await?;
        rows.iter().map(from_row).collect()
    }
}

impl TenantTx {
    /// A code of this shop.
    pub async fn promo(&mut self, code: &str) -> Result<Option<Promo>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM promo_codes WHERE bot_id = $1 AND code = $2"))
            .bind(self.bot())
            .bind(code)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// A code of this shop by its id.
    pub async fn promo_by_id(&mut self, id: PromoId) -> Result<Option<Promo>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM promo_codes WHERE bot_id = $1 AND id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The shop's codes by id, one page.
    pub async fn promos_page(&mut self, limit: i64, offset: i64) -> Result<Vec<Promo>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {COLUMNS} FROM promo_codes WHERE bot_id = $1 ORDER BY id LIMIT $2 OFFSET $3"))
                .bind(self.bot())
                .bind(limit.max(1))
                .bind(offset.max(0))
                .fetch_all(self.conn())
                .await?;
        rows.iter().map(from_row).collect()
    }

    /// Creates a promo code; a code used before in this shop is a conflict
    /// (decided by the database's unique `(bot_id, code)`, so two concurrent
    /// creations end in one code and one conflict).
    pub async fn insert_promo(&mut self, new: &NewPromo) -> Result<Promo, StoreError> {
        let (kind, value, currency) = match new.benefit {
            PromoBenefit::WalletBonus(n) => ("bonus", n.minor(), Some(n.code())),
            PromoBenefit::PercentOff(p) => ("percent", i64::from(p), None),
            PromoBenefit::ExtraDays(d) => ("days", i64::from(d), None),
        };
        if value <= 0 || new.per_customer < 1 || new.max_uses.is_some_and(|m| m < 1) {
            return Err(StoreError::InvalidInput("a promo code's value and limits must be greater than zero"));
        }
        // `ON CONFLICT DO NOTHING`, not a caught error: a failed statement aborts a PostgreSQL transaction.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO promo_codes (bot_id, code, kind, value, currency, starts_at, ends_at, max_uses, per_customer, \
             active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(self.bot())
        .bind(&new.code)
        .bind(kind)
        .bind(value)
        .bind(currency)
        .bind(new.starts_at)
        .bind(new.ends_at)
        .bind(new.max_uses)
        .bind(new.per_customer)
        .bind(true)
        .bind(now_ms())
        .fetch_optional(self.conn())
        .await?;
        let Some(id) = id else { return Err(StoreError::Conflict("this shop already has that promo code")) };
        self.promo_by_id(PromoId::from_raw(id)).await?.ok_or_else(|| StoreError::Corrupt("promo vanished".into()))
    }

    /// Changes a code; `Ok(None)` when this shop has no such code. A total
    /// limit below the uses so far is refused (the database's `CHECK` would
    /// be violated): checked in the statement itself, so a use racing the
    /// change is never lost — the loser gets [`StoreError::Conflict`].
    pub async fn update_promo(&mut self, id: PromoId, update: &PromoUpdate) -> Result<Option<Promo>, StoreError> {
        let Some(promo) = self.promo_by_id(id).await? else { return Ok(None) };
        let ends_at = update.ends_at.unwrap_or(promo.ends_at);
        if let (Some(start), Some(end)) = (promo.starts_at, ends_at)
            && end < start
        {
            return Err(StoreError::InvalidInput("a promo code cannot end before it starts"));
        }
        let max_uses = update.max_uses.unwrap_or(promo.max_uses);
        if max_uses.is_some_and(|m| m < 1) {
            return Err(StoreError::InvalidInput("a promo code's total limit must be at least 1"));
        }
        let changed = sqlx::query(
            "UPDATE promo_codes SET active = $1, ends_at = $2, max_uses = $3 \
             WHERE bot_id = $4 AND id = $5 AND (CAST($3 AS BIGINT) IS NULL OR uses <= $3)",
        )
        .bind(update.active.unwrap_or(promo.active))
        .bind(ends_at)
        .bind(max_uses)
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("the new total limit is below the uses so far"));
        }
        self.promo_by_id(id).await
    }

    /// Whether `customer` may use `code` now (without using it).
    pub async fn check_promo(
        &mut self,
        code: &str,
        customer: CustomerId,
    ) -> Result<Result<Promo, PromoRefusal>, StoreError> {
        let Some(promo) = self.promo(code).await?.filter(|p| p.active) else {
            return Ok(Err(PromoRefusal::Unknown));
        };
        let now = now_ms();
        if promo.starts_at.is_some_and(|s| now < s) || promo.ends_at.is_some_and(|e| now > e) {
            return Ok(Err(PromoRefusal::NotValidNow));
        }
        if self.promo_uses_by(promo.id, customer).await? >= promo.per_customer {
            return Ok(Err(PromoRefusal::AlreadyUsed));
        }
        if promo.max_uses.is_some_and(|m| promo.uses >= m) {
            return Ok(Err(PromoRefusal::UsedUp));
        }
        Ok(Ok(promo))
    }

    async fn promo_uses_by(&mut self, promo: PromoId, customer: CustomerId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM promo_redemptions WHERE bot_id = $1 AND promo_id = $2 AND customer_id = $3",
        )
        .bind(self.bot())
        .bind(promo.get())
        .bind(customer.get())
        .fetch_one(self.conn())
        .await?)
    }

    /// Uses `code` once for `customer` (optionally on a purchase). The total
    /// and per-customer limits are checked here and enforced by the database
    /// (a `CHECK` on uses, a unique `(promo, customer, nth)`). Returns which
    /// use this was (1 for the first), or why not.
    pub async fn redeem_promo(
        &mut self,
        code: &str,
        customer: CustomerId,
        subscription: Option<SubscriptionId>,
    ) -> Result<Result<(Promo, i64), PromoRefusal>, StoreError> {
        let promo = match self.check_promo(code, customer).await? {
            Ok(promo) => promo,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let counted = sqlx::query(
            "UPDATE promo_codes SET uses = uses + 1 WHERE bot_id = $1 AND id = $2 AND (max_uses IS NULL OR uses < max_uses)",
        )
        .bind(self.bot())
        .bind(promo.id.get())
        .execute(self.conn())
        .await?;
        if counted.rows_affected() == 0 {
            return Ok(Err(PromoRefusal::UsedUp));
        }
        let nth = self.promo_uses_by(promo.id, customer).await? + 1;
        sqlx::query(
            "INSERT INTO promo_redemptions (bot_id, promo_id, customer_id, nth, subscription_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.bot())
        .bind(promo.id.get())
        .bind(customer.get())
        .bind(nth)
        .bind(subscription.map(SubscriptionId::get))
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(Ok((promo, nth)))
    }
}
