//! Rows of `bot_plans`: what one tenant sells.

use crate::clock::now_ms;
use crate::row::{get_bool, get_money};
use crate::{StoreError, Tenant, TenantTx};
use bazar_domain::{Money, PlanId, PlanNames, PlanOptions};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A plan as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Row id.
    pub id: PlanId,
    /// Names per language.
    pub names: PlanNames,
    /// Length of a subscription.
    pub duration_days: u32,
    /// Traffic limit in bytes (`None`: unlimited).
    pub traffic_bytes: Option<u64>,
    /// Simultaneous devices (`None`: no limit).
    pub device_limit: Option<u32>,
    /// Price (in the tenant's currency when the plan was made).
    pub price: Money,
    /// Offered to customers.
    pub active: bool,
    /// Display order (ascending).
    pub sort: i32,
    /// Panel-specific options (squads, inbounds).
    pub panel_options: PlanOptions,
}

/// A new plan (validated by the caller through the domain's parsers).
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// Names per language.
    pub names: PlanNames,
    /// Length in days.
    pub duration_days: u32,
    /// Traffic limit in bytes, `None` for unlimited.
    pub traffic_bytes: Option<u64>,
    /// Device limit.
    pub device_limit: Option<u32>,
    /// Price.
    pub price: Money,
    /// Display order.
    pub sort: i32,
    /// Panel-specific options.
    pub panel_options: PlanOptions,
}

/// Changes to a plan; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PlanUpdate {
    /// New names (replacing those given).
    pub names: Option<PlanNames>,
    /// New length.
    pub duration_days: Option<u32>,
    /// New traffic limit.
    pub traffic_bytes: Option<Option<u64>>,
    /// New device limit.
    pub device_limit: Option<Option<u32>>,
    /// New price.
    pub price: Option<Money>,
    /// New display order.
    pub sort: Option<i32>,
    /// Offered or not.
    pub active: Option<bool>,
    /// New panel options (already checked against the panel by the caller).
    pub panel_options: Option<PlanOptions>,
}

const COLUMNS: &str = "id, name_fa, name_ru, name_en, duration_days, traffic_bytes, device_limit, price, currency, \
                       active, sort, panel_options";

fn from_row(row: &AnyRow) -> Result<Plan, StoreError> {
    let options: String = row.try_get("panel_options")?;
    Ok(Plan {
        id: PlanId::from_raw(row.try_get("id")?),
        names: PlanNames { fa: row.try_get("name_fa")?, ru: row.try_get("name_ru")?, en: row.try_get("name_en")? },
        duration_days: row.try_get::<i64, _>("duration_days")? as u32,
        traffic_bytes: row.try_get::<Option<i64>, _>("traffic_bytes")?.map(|b| b as u64),
        device_limit: row.try_get::<Option<i64>, _>("device_limit")?.map(|d| d as u32),
        price: get_money(row, "price", "currency")?,
        active: get_bool(row, "active")?,
        sort: row.try_get::<i64, _>("sort")? as i32,
        panel_options: serde_json::from_str(&options)
            .map_err(|e| StoreError::Corrupt(format!("panel options of a plan: {e}")))?,
    })
}

impl TenantTx {
    /// The plans on sale, in display order.
    pub async fn active_plans(&mut self) -> Result<Vec<Plan>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM bot_plans WHERE bot_id = $1 AND active = $2 ORDER BY sort, id"
        ))
        .bind(self.bot())
        .bind(true)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// One plan of this tenant.
    pub async fn plan(&mut self, id: PlanId) -> Result<Option<Plan>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM bot_plans WHERE bot_id = $1 AND id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every plan of this tenant (offered or not), in display order (`sort`, then id), one page.
    pub async fn plans_page(&mut self, limit: i64, offset: i64) -> Result<Vec<Plan>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM bot_plans WHERE bot_id = $1 ORDER BY sort, id LIMIT $2 OFFSET $3"
        ))
        .bind(self.bot())
        .bind(limit.max(1))
        .bind(offset.max(0))
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Adds a plan, offered to customers when `active`; returns it.
    pub async fn insert_plan(&mut self, plan: &NewPlan, active: bool) -> Result<Plan, StoreError> {
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bot_plans (bot_id, name_fa, name_ru, name_en, duration_days, traffic_bytes, device_limit, price, \
             currency, active, sort, panel_options, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        )
        .bind(self.bot())
        .bind(&plan.names.fa)
        .bind(&plan.names.ru)
        .bind(&plan.names.en)
        .bind(i64::from(plan.duration_days))
        .bind(plan.traffic_bytes.map(|b| b as i64))
        .bind(plan.device_limit.map(i64::from))
        .bind(plan.price.minor())
        .bind(plan.price.code())
        .bind(active)
        .bind(i64::from(plan.sort))
        .bind(options_text(&plan.panel_options))
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.plan(PlanId::from_raw(id)).await?.ok_or_else(|| StoreError::Corrupt("plan vanished".into()))
    }

    /// Changes a plan; `Ok(None)` when this tenant has no such plan.
    pub async fn update_plan(&mut self, id: PlanId, update: &PlanUpdate) -> Result<Option<Plan>, StoreError> {
        let Some(mut plan) = self.plan(id).await? else {
            return Ok(None);
        };
        if let Some(names) = &update.names {
            plan.names = PlanNames {
                fa: names.fa.clone().or(plan.names.fa),
                ru: names.ru.clone().or(plan.names.ru),
                en: names.en.clone().or(plan.names.en),
            };
        }
        plan.duration_days = update.duration_days.unwrap_or(plan.duration_days);
        plan.traffic_bytes = update.traffic_bytes.unwrap_or(plan.traffic_bytes);
        plan.device_limit = update.device_limit.unwrap_or(plan.device_limit);
        plan.price = update.price.unwrap_or(plan.price);
        plan.sort = update.sort.unwrap_or(plan.sort);
        plan.active = update.active.unwrap_or(plan.active);
        if let Some(options) = &update.panel_options {
            plan.panel_options = options.clone();
        }
        sqlx::query(
            "UPDATE bot_plans SET name_fa = $3, name_ru = $4, name_en = $5, duration_days = $6, traffic_bytes = $7, \
             device_limit = $8, price = $9, sort = $10, active = $11, updated_at = $12, panel_options = $13, \
             currency = $14 \
             WHERE bot_id = $1 AND id = $2",
        )
        .bind(self.bot())
        .bind(id.get())
        .bind(&plan.names.fa)
        .bind(&plan.names.ru)
        .bind(&plan.names.en)
        .bind(i64::from(plan.duration_days))
        .bind(plan.traffic_bytes.map(|b| b as i64))
        .bind(plan.device_limit.map(i64::from))
        .bind(plan.price.minor())
        .bind(i64::from(plan.sort))
        .bind(plan.active)
        .bind(now_ms())
        .bind(options_text(&plan.panel_options))
        .bind(plan.price.code())
        .execute(self.conn())
        .await?;
        Ok(Some(plan))
    }
}

fn options_text(options: &PlanOptions) -> String {
    serde_json::to_string(options).expect("plan options serialize")
}

impl Tenant<'_> {
    /// Adds a plan (offered at once); returns it.
    pub async fn add_plan(&self, plan: &NewPlan) -> Result<Plan, StoreError> {
        let mut tx = self.begin().await?;
        let created = tx.insert_plan(plan, true).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// The tenant's plans in display order (only active ones with `active_only`).
    pub async fn plans(&self, active_only: bool) -> Result<Vec<Plan>, StoreError> {
        let mut tx = self.begin_read().await?;
        let filter = if active_only { "AND active = $2" } else { "AND $2 = $2" };
        let rows =
            sqlx::query(&format!("SELECT {COLUMNS} FROM bot_plans WHERE bot_id = $1 {filter} ORDER BY sort, id"))
                .bind(tx.bot())
                .bind(true)
                .fetch_all(tx.conn())
                .await?;
        tx.commit().await?;
        rows.iter().map(from_row).collect()
    }

    /// Changes a plan; `Ok(None)` when this tenant has no such plan.
    pub async fn update_plan(&self, id: PlanId, update: &PlanUpdate) -> Result<Option<Plan>, StoreError> {
        let mut tx = self.begin().await?;
        let Some(plan) = tx.update_plan(id, update).await? else {
            return Ok(None);
        };
        tx.commit().await?;
        Ok(Some(plan))
    }
}
