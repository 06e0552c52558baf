//! `/feature-flags…`: the tenant's feature switches (payment methods, trial,
//! referrals, promo codes, support, auto-renewal).

use crate::api::{ApiJson, ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::FeatureFlag;
use bazar_store::TenantSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_flags)).routes(routes!(set_flag))
}

/// One feature flag.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagView {
    /// The flag's key (`card_to_card`, `zarinpal`, `telegram_stars`, `trial`, `referral`, `promo_codes`,
    /// `support_tickets`, `auto_renew`).
    pub key: String,
    /// Whether it is on for this tenant now.
    pub enabled: bool,
    /// Its value when the tenant never set it.
    pub default: bool,
    /// Whether the tenant set it (otherwise the default applies).
    pub set: bool,
    /// What it switches.
    pub description: String,
}

/// The new value of a flag.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagBody {
    /// On or off.
    pub enabled: bool,
}

fn view(settings: &TenantSettings, flag: FeatureFlag) -> FlagView {
    FlagView {
        key: flag.key().to_owned(),
        enabled: settings.flag(flag),
        default: flag.default_enabled(),
        set: settings.flag_is_set(flag),
        description: flag.description().to_owned(),
    }
}

/// Every feature flag with its effective value, default, whether it was set, and what it does.
#[utoipa::path(
    get,
    path = "/feature-flags",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "All flags", body = Vec<FlagView>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_flags(caller: TenantCaller, State(state): State<ApiState>) -> Result<Json<Vec<FlagView>>, ApiError> {
    let settings = state.store.tenant(&caller.scope).settings().await?;
    Ok(Json(FeatureFlag::ALL.iter().filter(|f| !f.platform_only()).map(|f| view(&settings, *f)).collect()))
}

/// Switches a feature on or off for this tenant. Takes effect in the bot at once.
#[utoipa::path(
    put,
    path = "/feature-flags/{key}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("key" = String, Path, description = "The flag's key, e.g. `trial`")),
    request_body = FlagBody,
    responses(
        (status = 200, description = "The flag now", body = FlagView),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such flag (the message lists the known keys)", body = ErrorBody),
        (status = 422, description = "`enabled` missing or not a boolean", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn set_flag(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<FlagBody>,
) -> Result<Json<FlagView>, ApiError> {
    // A platform-only flag is, to a tenant, no flag at all.
    let flag: FeatureFlag = key.parse().ok().filter(|f: &FeatureFlag| !f.platform_only()).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", bazar_domain::UnknownFeatureFlag(key.clone()).to_string())
    })?;
    let tenant = state.store.tenant(&caller.scope);
    tenant.set_flag(flag, body.enabled).await?;
    let settings = tenant.settings().await?;
    Ok(Json(view(&settings, flag)))
}
