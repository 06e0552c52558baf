//! `GET /platform/stats`: the whole platform at a glance.

use crate::api::{ApiState, ErrorBody, PlatformCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(platform_stats))
}

/// Counts across every tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformStats {
    /// Tenant bots by status.
    pub bots: PlatformBotsByStatus,
    /// Customers of every tenant (a Telegram user in two shops counts twice).
    pub customers: i64,
    /// Subscriptions currently active, in every tenant.
    pub active_subscriptions: i64,
    /// Paid payments, summed per currency the tenants' wallets were credited in (the tenant's currency). One entry
    /// per currency that has any.
    pub revenue: Vec<PlatformRevenue>,
}

/// Tenant bots by status.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformBotsByStatus {
    /// Served.
    pub active: i64,
    /// Stopped by the operator (customers are told the shop is unavailable).
    pub suspended: i64,
    /// Switched off.
    pub disabled: i64,
    /// All of them.
    pub total: i64,
}

/// The paid payments of one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformRevenue {
    /// Currency code (`IRR` or `IRT`).
    pub currency: String,
    /// Sum credited to wallets, in minor units of `currency`.
    pub amount: i64,
    /// How many paid payments.
    pub payments: i64,
}

/// Bots by status, customers, active subscriptions and revenue, across every tenant.
#[utoipa::path(
    get,
    path = "/stats",
    tag = "platform",
    security(("platform_token" = [])),
    responses(
        (status = 200, description = "The platform's counts", body = PlatformStats),
        (status = 401, description = "Missing or wrong platform token, or the platform API is off", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn platform_stats(
    caller: PlatformCaller,
    State(state): State<ApiState>,
) -> Result<Json<PlatformStats>, ApiError> {
    let scope = caller.scope;
    let stats = state.store.platform(&scope).stats().await?;
    let b = stats.bots;
    Ok(Json(PlatformStats {
        bots: PlatformBotsByStatus {
            active: b.active,
            suspended: b.suspended,
            disabled: b.disabled,
            total: b.active + b.suspended + b.disabled,
        },
        customers: stats.customers,
        active_subscriptions: stats.active_subscriptions,
        revenue: stats
            .revenue
            .into_iter()
            .map(|r| PlatformRevenue {
                currency: r.amount.code().to_owned(),
                amount: r.amount.minor(),
                payments: r.payments,
            })
            .collect(),
    }))
}
