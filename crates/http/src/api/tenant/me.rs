//! `GET /me`: the calling tenant.

use crate::api::{ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use bazar_domain::FeatureFlag;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The tenant the token belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Tenant (bot) id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Telegram `@username` of the bot.
    pub username: Option<String>,
    /// `active` (suspended or disabled tenants cannot call the API).
    pub status: String,
    /// The tenant's currency (`IRR` or `IRT`): every amount of this tenant is in it.
    pub currency: String,
    /// Effective feature flags.
    pub flags: BTreeMap<String, bool>,
    /// Customers so far.
    pub customers: i64,
}

/// The calling tenant: name, username, status, currency, flags.
#[utoipa::path(
    get,
    path = "/me",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "The tenant", body = Me),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn me(caller: TenantCaller, State(state): State<ApiState>) -> Result<Json<Me>, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let bot = tenant.bot().await?;
    let settings = tenant.settings().await?;
    let currency = settings.currency().code().to_owned();
    Ok(Json(Me {
        id: bot.id.get(),
        name: bot.name,
        username: bot.username,
        status: bot.status.as_str().to_owned(),
        currency,
        flags: FeatureFlag::ALL
            .iter()
            .filter(|f| !f.platform_only())
            .map(|f| (f.key().to_owned(), settings.flag(*f)))
            .collect(),
        customers: bot.customer_count,
    }))
}
