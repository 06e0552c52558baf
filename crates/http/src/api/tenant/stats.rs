//! `GET /stats`: the tenant's customers, subscriptions and money over the last
//! days, by Tehran day (the banking day the tenant and its customers live by).

use super::customers::Amount;
use crate::api::{ApiQuery, ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use bazar_domain::calendar::{iso_date_of_ms, tehran_day_start_ms};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(stats))
}

const DAY_MS: i64 = 86_400_000;
/// Longest window, in days.
const MAX_DAYS: i64 = 366;

/// The window.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Days to cover, today (Tehran) included: 1–366, default 30.
    pub days: Option<i64>,
}

/// The tenant's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    /// Days covered, today included.
    pub days: i64,
    /// First day covered (Tehran date, `YYYY-MM-DD`).
    pub from: String,
    /// Start of that day (unix ms of Tehran's midnight).
    pub from_ms: i64,
    /// Customers.
    pub customers: CustomerStats,
    /// Subscriptions.
    pub subscriptions: SubscriptionStats,
    /// Money paid in (payments credited to wallets) in the window, in the tenant's currency.
    pub revenue: RevenueStats,
    /// Plans bought or renewed from wallets in the window, in the tenant's currency.
    pub wallet_purchases: WalletPurchases,
    /// Every day of the window, oldest first (days without activity included, with zeros).
    pub by_day: Vec<DayStats>,
}

/// Customers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerStats {
    /// Customers ever.
    pub total: i64,
    /// New in the window.
    pub new: i64,
}

/// Subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionStats {
    /// Live now.
    pub active: i64,
}

/// Money paid in.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevenueStats {
    /// Everything credited in the window.
    pub total: Amount,
    /// Payments credited in the window.
    pub payments: i64,
    /// Per payment method (`card`, `zarinpal`, `stars`), only those used.
    pub by_method: Vec<MethodStats>,
}

/// One payment method's share.
#[derive(Debug, Serialize, ToSchema)]
pub struct MethodStats {
    /// `card`, `zarinpal` or `stars`.
    pub method: String,
    /// Credited through it (in the tenant's currency, whatever the customer paid in).
    pub amount: Amount,
    /// Payments.
    pub payments: i64,
}

/// Wallet purchases.
#[derive(Debug, Serialize, ToSchema)]
pub struct WalletPurchases {
    /// Spent from wallets on plans and renewals (positive).
    pub total: Amount,
    /// How many purchases.
    pub count: i64,
}

/// One Tehran day of the window.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayStats {
    /// Tehran date, `YYYY-MM-DD`.
    pub date: String,
    /// Start of the day (unix ms of Tehran's midnight).
    pub day_start: i64,
    /// New customers that day.
    pub new_customers: i64,
    /// Credited by payments that day.
    pub revenue: Amount,
    /// Payments credited that day.
    pub payments: i64,
}

/// The Tehran date of a Tehran midnight.
fn tehran_date(day_start: i64) -> String {
    // Noon in Tehran falls on the same date in UTC.
    iso_date_of_ms(day_start + DAY_MS / 2)
}

/// Customers (total and new per day), active subscriptions, and money: payments credited per day and per method
/// (counted on the Tehran day they were paid) and wallet purchases. Amounts are in the tenant's current currency;
/// payments made before a currency change are not counted.
#[utoipa::path(
    get,
    path = "/stats",
    tag = "tenant",
    security(("api_token" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "The figures", body = Stats),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "`days` is not from 1 to 366", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn stats(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    let days = query.days.unwrap_or(30);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(ApiError::field("days", format!("must be from 1 to {MAX_DAYS}")));
    }
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    let since = tehran_day_start_ms(now) - (days - 1) * DAY_MS;
    let tenant = state.store.tenant(&caller.scope);
    let mut tx = tenant.begin_read().await?;
    let figures = tx.stats(since, tenant.settings().await?.currency()).await?;
    let currency = figures.currency.code();
    tx.commit().await?;

    let mut by_day: BTreeMap<i64, DayStats> = (0..days)
        .map(|i| {
            let day_start = since + i * DAY_MS;
            let day = DayStats {
                date: tehran_date(day_start),
                day_start,
                new_customers: 0,
                revenue: Amount::new(0, currency),
                payments: 0,
            };
            (day_start, day)
        })
        .collect();
    for d in &figures.new_customers {
        if let Some(day) = by_day.get_mut(&d.day_start) {
            day.new_customers = d.count;
        }
    }
    for d in &figures.revenue_by_day {
        if let Some(day) = by_day.get_mut(&d.day_start) {
            day.revenue.amount = d.amount;
            day.payments = d.payments;
        }
    }
    Ok(Json(Stats {
        days,
        from: tehran_date(since),
        from_ms: since,
        customers: CustomerStats {
            total: figures.customers_total,
            new: figures.new_customers.iter().map(|d| d.count).sum(),
        },
        subscriptions: SubscriptionStats { active: figures.active_subscriptions },
        revenue: RevenueStats {
            total: Amount::new(figures.revenue_by_day.iter().map(|d| d.amount).sum(), currency),
            payments: figures.revenue_by_day.iter().map(|d| d.payments).sum(),
            by_method: figures
                .revenue_by_method
                .into_iter()
                .map(|m| MethodStats {
                    method: m.method,
                    amount: Amount::new(m.amount, currency),
                    payments: m.payments,
                })
                .collect(),
        },
        wallet_purchases: WalletPurchases {
            total: Amount::new(figures.wallet_purchases, currency),
            count: figures.wallet_purchase_count,
        },
        by_day: by_day.into_values().collect(),
    }))
}
