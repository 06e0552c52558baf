//! `/config…`: the tenant's settings, typed: every value is checked against
//! its key's rule (`expected`) before it is stored. Platform-only keys (limits
//! the operator sets) are shown but refused with 403.

use crate::api::{ApiJson, ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{ConfigAudience, ConfigKey};
use bazar_store::TenantSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_config)).routes(routes!(set_config, reset_config))
}

/// One configuration key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConfigEntry {
    /// The key, e.g. `trial_days`.
    pub key: String,
    /// Its effective value (`null`: not set and no default).
    pub value: serde_json::Value,
    /// Its value when the tenant never set it.
    pub default: serde_json::Value,
    /// Whether it was set (otherwise the default applies).
    pub set: bool,
    /// `tenant` (the tenant may change it) or `platform` (only the platform owner may).
    pub audience: String,
    /// What a value must be, in words.
    pub expected: String,
}

/// A new value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigBody {
    /// The value: a string, number, boolean or list of numbers, as `expected` says (e.g. `7`, `"en"`,
    /// `[3, 1]`, `true`). `null` is refused: `DELETE` resets a key.
    #[schema(example = 3)]
    pub value: serde_json::Value,
}

fn entry(settings: &TenantSettings, key: ConfigKey) -> ConfigEntry {
    ConfigEntry {
        key: key.key().to_owned(),
        value: settings.config(key).to_json(),
        default: key.default_value().to_json(),
        set: settings.config_is_set(key),
        audience: match key.audience() {
            ConfigAudience::Tenant => "tenant",
            ConfigAudience::Platform => "platform",
        }
        .to_owned(),
        expected: key.expected().to_owned(),
    }
}

/// The key named in the path; 404 listing the known keys otherwise.
fn parse_key(raw: &str) -> Result<ConfigKey, ApiError> {
    raw.parse().map_err(|_| {
        let known: Vec<&str> = ConfigKey::ALL.iter().map(|k| k.key()).collect();
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("unknown configuration key `{raw}` (known: {})", known.join(", ")),
        )
    })
}

/// A tenant may change only tenant keys.
fn tenant_may_edit(key: ConfigKey) -> Result<(), ApiError> {
    key.check_tenant_may_edit().map_err(|e| ApiError::from(bazar_store::StoreError::Config(e)))
}

/// Every configuration key: value, default, whether set, who may change it, and what it accepts.
#[utoipa::path(
    get,
    path = "/config",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "All keys", body = Vec<ConfigEntry>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_config(caller: TenantCaller, State(state): State<ApiState>) -> Result<Json<Vec<ConfigEntry>>, ApiError> {
    let settings = state.store.tenant(&caller.scope).settings().await?;
    Ok(Json(ConfigKey::ALL.iter().map(|k| entry(&settings, *k)).collect()))
}

/// Sets a key after checking the value against its rule. Takes effect in the bot at once.
#[utoipa::path(
    put,
    path = "/config/{key}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("key" = String, Path, description = "The key, e.g. `trial_days`")),
    request_body = ConfigBody,
    responses(
        (status = 200, description = "The key now", body = ConfigEntry),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "`platform_only`: only the platform owner may change this key; \
                                      `tenant_inactive`: the tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such key (the message lists the known keys)", body = ErrorBody),
        (status = 422, description = "The value does not fit the key (the message says what is expected)",
         body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn set_config(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<ConfigBody>,
) -> Result<Json<ConfigEntry>, ApiError> {
    let key = parse_key(&key)?;
    tenant_may_edit(key)?;
    if body.value.is_null() {
        return Err(ApiError::field(
            "value",
            format!("expected {}; to reset `{}` to its default, send DELETE", key.expected(), key.key()),
        ));
    }
    let value = key.from_json(&body.value).map_err(|e| ApiError::field("value", e.to_string()))?;
    let tenant = state.store.tenant(&caller.scope);
    tenant.set_config(key, &value).await?;
    let settings = tenant.settings().await?;
    Ok(Json(entry(&settings, key)))
}

/// Resets a key to its default. Idempotent.
#[utoipa::path(
    delete,
    path = "/config/{key}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("key" = String, Path, description = "The key, e.g. `trial_days`")),
    responses(
        (status = 200, description = "The key now (its default)", body = ConfigEntry),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "`platform_only`: only the platform owner may change this key; \
                                      `tenant_inactive`: the tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such key (the message lists the known keys)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn reset_config(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(key): Path<String>,
) -> Result<Json<ConfigEntry>, ApiError> {
    let key = parse_key(&key)?;
    tenant_may_edit(key)?;
    let tenant = state.store.tenant(&caller.scope);
    tenant.unset_config(key).await?;
    let settings = tenant.settings().await?;
    Ok(Json(entry(&settings, key)))
}
