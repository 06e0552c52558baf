//! Rows of `subscriptions`: what a customer bought (or got as a trial) and its
//! state on the VPN panel.

use crate::clock::now_ms;
use crate::row::{get_bool, get_money};
use crate::{StoreError, TenantTx};
pub use bazar_domain::SubscriptionStatus;
use bazar_domain::{
    CustomerId, InstallationId, Money, NAME_ALPHABET, PanelId, PlanId, SubscriptionId, panel_user_name,
};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Row id.
    pub id: SubscriptionId,
    /// The customer it belongs to.
    pub customer_id: CustomerId,
    /// The plan bought (`None` for a trial, or a deleted plan).
    pub plan_id: Option<PlanId>,
    /// A free trial.
    pub is_trial: bool,
    /// The panel it lives on.
    pub panel_id: Option<PanelId>,
    /// Its user name on the panel (deterministic, so a retried creation finds it).
    pub panel_username: String,
    /// Where it is in its life.
    pub status: SubscriptionStatus,
    /// Length bought.
    pub duration_days: u32,
    /// Traffic limit in bytes (`None`: unlimited).
    pub traffic_bytes: Option<u64>,
    /// Device limit.
    pub device_limit: Option<u32>,
    /// What was paid.
    pub price: Money,
    /// The link the customer's app subscribes to.
    pub subscription_url: Option<String>,
    /// Start (unix ms), once provisioned.
    pub starts_at: Option<i64>,
    /// End (unix ms), once provisioned.
    pub expires_at: Option<i64>,
    /// When it was bought (unix ms).
    pub created_at: i64,
}

/// A subscription to create.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    /// Buyer.
    pub customer_id: CustomerId,
    /// Plan bought (`None` for a trial).
    pub plan_id: Option<PlanId>,
    /// A free trial (the database allows one per customer).
    pub is_trial: bool,
    /// The tenant's panel.
    pub panel_id: Option<PanelId>,
    /// Length.
    pub duration_days: u32,
    /// Traffic limit.
    pub traffic_bytes: Option<u64>,
    /// Device limit.
    pub device_limit: Option<u32>,
    /// What is paid.
    pub price: Money,
    /// Idempotency key of the purchase: a double tap finds the first one.
    pub purchase_key: String,
}

/// Whether creating found an earlier subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// Created now.
    New(Subscription),
    /// The purchase key was used before: this is that subscription.
    Existing(Subscription),
    /// A trial was asked for, but the customer already had one.
    TrialUsed,
}

/// Which subscriptions a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubscriptionFilter {
    /// Only those in this status.
    pub status: Option<SubscriptionStatus>,
    /// Only this customer's.
    pub customer: Option<CustomerId>,
}

/// How many subscriptions a customer has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubscriptionCounts {
    /// All of them, whatever their status.
    pub total: i64,
    /// Those live now.
    pub active: i64,
}

const COLUMNS: &str = "id, customer_id, plan_id, is_trial, panel_id, panel_username, status, duration_days, \
                       traffic_bytes, device_limit, price, currency, subscription_url, starts_at, expires_at, \
                       created_at";

fn from_row(row: &AnyRow) -> Result<Subscription, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Subscription {
        id: SubscriptionId::from_raw(row.try_get("id")?),
        customer_id: CustomerId::from_raw(row.try_get("customer_id")?),
        plan_id: row.try_get::<Option<i64>, _>("plan_id")?.map(PlanId::from_raw),
        is_trial: get_bool(row, "is_trial")?,
        panel_id: row.try_get::<Option<i64>, _>("panel_id")?.map(PanelId::from_raw),
        panel_username: row.try_get::<Option<String>, _>("panel_username")?.unwrap_or_default(),
        status: SubscriptionStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        duration_days: row.try_get::<i64, _>("duration_days")? as u32,
        traffic_bytes: row.try_get::<Option<i64>, _>("traffic_bytes")?.map(|b| b as u64),
        device_limit: row.try_get::<Option<i64>, _>("device_limit")?.map(|d| d as u32),
        price: get_money(row, "price", "currency")?,
        subscription_url: row.try_get("subscription_url")?,
        starts_at: row.try_get("starts_at")?,
        expires_at: row.try_get("expires_at")?,
        created_at: row.try_get("created_at")?,
    })
}

impl TenantTx {
    /// Creates a subscription in `provisioning`, unless the purchase key (or,
    /// for a trial, the customer) was seen before — the database decides.
    pub async fn create_subscription(&mut self, new: &NewSubscription) -> Result<Created, StoreError> {
        if let Some(existing) = self.subscription_by_key(&new.purchase_key).await? {
            return Ok(Created::Existing(existing));
        }
        if new.is_trial && self.has_trial(new.customer_id).await? {
            return Ok(Created::TrialUsed);
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO subscriptions (bot_id, customer_id, plan_id, is_trial, panel_id, status, duration_days, \
             traffic_bytes, device_limit, price, currency, purchase_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'provisioning', $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(self.bot())
        .bind(new.customer_id.get())
        .bind(new.plan_id.map(PlanId::get))
        .bind(new.is_trial)
        .bind(new.panel_id.map(PanelId::get))
        .bind(i64::from(new.duration_days))
        .bind(new.traffic_bytes.map(|b| b as i64))
        .bind(new.device_limit.map(i64::from))
        .bind(new.price.minor())
        .bind(new.price.code())
        .bind(&new.purchase_key)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        // The panel user name is fixed here, with this database's installation
        // id and a random part, so a retried creation finds the user it made
        // and no other database (a restored copy, a staging twin) picks it.
        let installation: String =
            sqlx::query_scalar("SELECT installation_id FROM installation WHERE id = 1").fetch_one(self.conn()).await?;
        let installation =
            InstallationId::parse(&installation).map_err(|e| StoreError::Corrupt(format!("installation id: {e}")))?;
        let nonce = bazar_secrets::random_code(NAME_ALPHABET, 4);
        let username = panel_user_name(&installation, SubscriptionId::from_raw(id), &nonce);
        sqlx::query("UPDATE subscriptions SET panel_username = $1 WHERE bot_id = $2 AND id = $3")
            .bind(&username)
            .bind(self.bot())
            .bind(id)
            .execute(self.conn())
            .await?;
        let created = self
            .subscription(SubscriptionId::from_raw(id))
            .await?
            .ok_or_else(|| StoreError::Corrupt("subscription vanished".into()))?;
        Ok(Created::New(created))
    }

    /// One subscription of this tenant.
    pub async fn subscription(&mut self, id: SubscriptionId) -> Result<Option<Subscription>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM subscriptions WHERE bot_id = $1 AND id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The subscription a purchase key created, if any.
    pub async fn subscription_by_key(&mut self, key: &str) -> Result<Option<Subscription>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM subscriptions WHERE bot_id = $1 AND purchase_key = $2"))
            .bind(self.bot())
            .bind(key)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Whether the customer ever had a trial here.
    pub async fn has_trial(&mut self, customer: CustomerId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM subscriptions WHERE bot_id = $1 AND customer_id = $2 AND is_trial = $3")
                .bind(self.bot())
                .bind(customer.get())
                .bind(true)
                .fetch_optional(self.conn())
                .await?;
        Ok(found.is_some())
    }

    /// The customer's subscriptions, newest first.
    pub async fn customer_subscriptions(&mut self, customer: CustomerId) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE bot_id = $1 AND customer_id = $2 ORDER BY id DESC"
        ))
        .bind(self.bot())
        .bind(customer.get())
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One page of this tenant's subscriptions, in id order (stable).
    pub async fn subscriptions_page(
        &mut self,
        filter: &SubscriptionFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE bot_id = $1 \
             AND (CAST($2 AS TEXT) IS NULL OR status = $2) AND (CAST($3 AS BIGINT) IS NULL OR customer_id = $3) \
             ORDER BY id LIMIT $4 OFFSET $5"
        ))
        .bind(self.bot())
        .bind(filter.status.map(SubscriptionStatus::as_str))
        .bind(filter.customer.map(CustomerId::get))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// This tenant's subscriptions, newest first, one page: the admin menu's
    /// list, where the latest purchases are what an admin looks for.
    pub async fn recent_subscriptions(&mut self, limit: i64, offset: i64) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE bot_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(self.bot())
        .bind(limit.max(1))
        .bind(offset.max(0))
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// How many subscriptions the customer has, and how many are active.
    pub async fn customer_subscription_counts(
        &mut self,
        customer: CustomerId,
    ) -> Result<SubscriptionCounts, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS total, COUNT(CASE WHEN status = 'active' THEN 1 END) AS active \
             FROM subscriptions WHERE bot_id = $1 AND customer_id = $2",
        )
        .bind(self.bot())
        .bind(customer.get())
        .fetch_one(self.conn())
        .await?;
        Ok(SubscriptionCounts { total: row.try_get("total")?, active: row.try_get("active")? })
    }

    /// Moves an active subscription's end from `from` (as read) to `to`; false
    /// when it is no longer active or its end changed meanwhile (a renewal, an
    /// expiry), so a concurrent change is never overwritten.
    pub async fn move_subscription_end(&mut self, id: SubscriptionId, from: i64, to: i64) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE subscriptions SET expires_at = $1, updated_at = $2 \
             WHERE bot_id = $3 AND id = $4 AND status = 'active' AND expires_at = $5",
        )
        .bind(to)
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .bind(from)
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(changed > 0)
    }

    /// Moves a subscription to `to` only if it is in one of `from` — the
    /// database decides, so of two racing changes one wins. Whether it moved.
    pub async fn transition_subscription(
        &mut self,
        id: SubscriptionId,
        from: &[SubscriptionStatus],
        to: SubscriptionStatus,
    ) -> Result<bool, StoreError> {
        // The statuses are our own constants, never input.
        let allowed: Vec<String> = from.iter().map(|s| format!("'{}'", s.as_str())).collect();
        if allowed.is_empty() {
            return Ok(false);
        }
        let changed = sqlx::query(&format!(
            "UPDATE subscriptions SET status = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4 AND status IN ({})",
            allowed.join(", ")
        ))
        .bind(to.as_str())
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(changed > 0)
    }

    /// Marks a subscription live on the panel.
    pub async fn activate_subscription(
        &mut self,
        id: SubscriptionId,
        url: &str,
        starts_at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE subscriptions SET status = 'active', subscription_url = $1, starts_at = $2, expires_at = $3, \
             updated_at = $4 WHERE bot_id = $5 AND id = $6",
        )
        .bind(url)
        .bind(starts_at)
        .bind(expires_at)
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Moves a subscription's end (a renewal) and makes it active again —
    /// unless an admin disabled it meanwhile: that decision stands (the end
    /// still moves, as it was paid for).
    pub async fn extend_subscription(&mut self, id: SubscriptionId, expires_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE subscriptions SET status = CASE WHEN status = 'disabled' THEN 'disabled' ELSE 'active' END, \
             expires_at = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4",
        )
        .bind(expires_at)
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Replaces a subscription's link (the panel issued a new one); `false`
    /// when this tenant has no such subscription.
    pub async fn set_subscription_url(&mut self, id: SubscriptionId, url: &str) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE subscriptions SET subscription_url = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4",
        )
        .bind(url)
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    /// Sets a subscription's status.
    pub async fn set_subscription_status(
        &mut self,
        id: SubscriptionId,
        status: SubscriptionStatus,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE subscriptions SET status = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(self.bot())
            .bind(id.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
