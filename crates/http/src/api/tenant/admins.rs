//! `/admins…`: who administers this tenant in its bot (`/admin`). The same
//! rows the CLI (`bazar admin …`), the master bot and the bot's own 🧑‍💼 Admins
//! screen change; the platform's `max_admins` caps them everywhere.

use crate::api::{ApiJson, ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::TelegramUserId;
use bazar_shop::admins::{self, AdminAdded, AdminRefusal};
use bazar_store::Admin;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_admins, add_admin)).routes(routes!(remove_admin))
}

/// An admin of the tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminBody {
    /// Their Telegram user id.
    pub telegram_id: i64,
    /// Whether they may add and remove other admins in the bot.
    pub can_manage_admins: bool,
    /// When they became an admin (unix ms).
    pub added_at: i64,
}

impl From<Admin> for AdminBody {
    fn from(a: Admin) -> Self {
        Self { telegram_id: a.telegram_id.get(), can_manage_admins: a.can_manage_admins, added_at: a.added_at }
    }
}

/// A new admin (or new rights for an existing one).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdminBody {
    /// Their Telegram user id (a positive number).
    pub telegram_id: i64,
    /// Whether they may add and remove other admins in the bot (default false).
    #[serde(default)]
    pub can_manage_admins: bool,
}

/// The tenant's admins, oldest first.
#[utoipa::path(
    get,
    path = "/admins",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "Every admin", body = Vec<AdminBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_admins(caller: TenantCaller, State(state): State<ApiState>) -> Result<Json<Vec<AdminBody>>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let admins = tx.admins().await?;
    tx.commit().await?;
    Ok(Json(admins.into_iter().map(AdminBody::from).collect()))
}

/// Makes a Telegram user an admin of this tenant, or changes whether an admin
/// may manage admins. At most the platform's `max_admins`.
#[utoipa::path(
    post,
    path = "/admins",
    tag = "tenant",
    security(("api_token" = [])),
    request_body = NewAdminBody,
    responses(
        (status = 200, description = "The admin now", body = AdminBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 409, description = "The tenant already has `max_admins` admins", body = ErrorBody),
        (status = 422, description = "`telegram_id` is not a positive number", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn add_admin(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<NewAdminBody>,
) -> Result<Json<AdminBody>, ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin().await?;
    let admin = match admins::add(&mut tx, &settings, body.telegram_id, body.can_manage_admins).await {
        Ok(AdminAdded::Added(admin) | AdminAdded::Already(admin)) => admin,
        Err(refusal @ AdminRefusal::BadId) => return Err(ApiError::field("telegram_id", refusal.to_string())),
        Err(refusal @ AdminRefusal::TooMany { .. }) => {
            return Err(ApiError::new(StatusCode::CONFLICT, "too_many_admins", refusal.to_string()));
        }
        Err(AdminRefusal::Store(e)) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(Json(admin.into()))
}

/// Removes an admin of this tenant.
#[utoipa::path(
    delete,
    path = "/admins/{telegram_id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("telegram_id" = i64, Path, description = "The admin's Telegram user id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "Not an admin of this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn remove_admin(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(telegram_id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    if !tx.remove_admin(TelegramUserId::from_raw(telegram_id)).await? {
        return Err(ApiError::not_found("admin"));
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
