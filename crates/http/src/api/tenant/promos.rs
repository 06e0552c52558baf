//! `/promo-codes…`: the tenant's promo codes. Checked by the same domain
//! rules as `bazar promo add`. Times are unix milliseconds (UTC), like every
//! time the API shows.

use super::plans::{Checks, double_option};
use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{Currency, Money, PromoBenefit, PromoError, PromoId};
use bazar_shop::promos::{self, PromoDraft, PromoRefusal};
use bazar_store::{Promo, PromoUpdate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_promos, create_promo)).routes(routes!(
        get_promo,
        update_promo,
        delete_promo
    ))
}

/// What a code gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PromoKind {
    /// `value` minor units of the tenant's currency into the wallet, when the code is entered.
    Bonus,
    /// `value` percent (1–100) off the next purchase.
    Percent,
    /// `value` extra days (1–365) on the next purchase.
    Days,
}

/// A promo code as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromoBody {
    /// Promo code id.
    pub id: i64,
    /// The code (upper case; customers may type it in any case).
    pub code: String,
    /// What it gives.
    pub kind: PromoKind,
    /// How much: minor units (bonus), percent, or days.
    pub value: i64,
    /// Currency of a bonus.
    pub currency: Option<String>,
    /// Valid from (unix ms), if limited.
    pub starts_at: Option<i64>,
    /// Valid until (unix ms, inclusive), if limited.
    pub ends_at: Option<i64>,
    /// Uses allowed in total (`null`: no limit).
    pub max_uses: Option<i64>,
    /// Uses allowed per customer.
    pub per_customer: i64,
    /// Uses so far.
    pub uses: i64,
    /// Whether customers can use it.
    pub active: bool,
}

impl From<Promo> for PromoBody {
    fn from(p: Promo) -> Self {
        let (kind, value, currency) = match p.benefit {
            PromoBenefit::WalletBonus(n) => (PromoKind::Bonus, n.minor(), Some(n.code().to_owned())),
            PromoBenefit::PercentOff(n) => (PromoKind::Percent, i64::from(n), None),
            PromoBenefit::ExtraDays(n) => (PromoKind::Days, i64::from(n), None),
        };
        Self {
            id: p.id.get(),
            code: p.code,
            kind,
            value,
            currency,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            max_uses: p.max_uses,
            per_customer: p.per_customer,
            uses: p.uses,
            active: p.active,
        }
    }
}

/// A promo code to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePromo {
    /// The code customers type: 3–32 letters, digits, `_` or `-`; stored upper case.
    #[schema(example = "NOWRUZ-1405")]
    pub code: String,
    /// What it gives.
    pub kind: PromoKind,
    /// Bonus: minor units of the tenant's currency (above 0); percent: 1–100; days: 1–365.
    pub value: i64,
    /// Valid from (unix ms); absent: at once.
    pub starts_at: Option<i64>,
    /// Valid until (unix ms, inclusive); absent: no end.
    pub ends_at: Option<i64>,
    /// Uses allowed in total (1 or more); absent: no limit.
    pub max_uses: Option<i64>,
    /// Uses allowed per customer (1 or more, default 1).
    pub per_customer: Option<i64>,
}

/// Changes to a promo code: only the fields given change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePromo {
    /// Switch it on or off.
    pub active: Option<bool>,
    /// Valid until (unix ms, inclusive); `null`: no end.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub ends_at: Option<Option<i64>>,
    /// Uses allowed in total, at least the uses so far; `null`: no limit.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub max_uses: Option<Option<i64>>,
}

/// The benefit as the API names it (the use case checks its range).
fn benefit(kind: PromoKind, value: i64, currency: Currency) -> Result<PromoBenefit, PromoError> {
    Ok(match kind {
        PromoKind::Bonus => PromoBenefit::WalletBonus(Money::new(value, currency)),
        PromoKind::Percent => PromoBenefit::PercentOff(u8::try_from(value).map_err(|_| PromoError::Value)?),
        PromoKind::Days => PromoBenefit::ExtraDays(u32::try_from(value).map_err(|_| PromoError::Value)?),
    })
}

fn not_found() -> ApiError {
    ApiError::not_found("promo code")
}

/// Every promo code of the tenant, by id.
#[utoipa::path(
    get,
    path = "/promo-codes",
    tag = "tenant",
    security(("api_token" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of promo codes", body = Page<PromoBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_promos(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<PromoBody>>, ApiError> {
    let (limit, offset) = page.checked()?;
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let promos = tx.promos_page(limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(promos.into_iter().map(PromoBody::from).collect(), limit, offset)))
}

/// Creates a promo code (checked like `bazar promo add`); active at once.
#[utoipa::path(
    post,
    path = "/promo-codes",
    tag = "tenant",
    security(("api_token" = [])),
    request_body = CreatePromo,
    responses(
        (status = 201, description = "The new promo code", body = PromoBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 409, description = "This tenant has this code already", body = ErrorBody),
        (status = 422, description = "A field is missing or refused (named in `fields`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn create_promo(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<CreatePromo>,
) -> Result<(StatusCode, Json<PromoBody>), ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let draft = PromoDraft {
        code: body.code,
        benefit: benefit(body.kind, body.value, tenant.settings().await?.currency()),
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        max_uses: body.max_uses,
        per_customer: body.per_customer.unwrap_or(1),
        parse_refusals: Vec::new(),
    };
    let mut tx = tenant.begin().await?;
    let promo = promos::create(&mut tx, draft).await.map_err(refused)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(promo.into())))
}

/// A refusal of the promo use case: one 422 naming every refused field (409 for a code already there).
fn refused(refusal: PromoRefusal) -> ApiError {
    match refusal {
        PromoRefusal::Invalid(fields) => Checks::refused(fields.iter().map(|f| (f.field.as_str(), f.reason.as_str()))),
        PromoRefusal::Exists => ApiError::new(StatusCode::CONFLICT, "conflict", refusal.to_string()),
        PromoRefusal::Store(e) => e.into(),
    }
}

/// One promo code with its uses.
#[utoipa::path(
    get,
    path = "/promo-codes/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Promo code id")),
    responses(
        (status = 200, description = "The promo code", body = PromoBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such promo code in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_promo(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PromoBody>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let promo = tx.promo_by_id(PromoId::from_raw(id)).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(promo.into()))
}

/// Switches a code on or off, moves its end, or changes its total limit
/// (never below the uses so far).
#[utoipa::path(
    patch,
    path = "/promo-codes/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Promo code id")),
    request_body = UpdatePromo,
    responses(
        (status = 200, description = "The promo code as it is now", body = PromoBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such promo code in this tenant", body = ErrorBody),
        (status = 409, description = "The code was used meanwhile beyond the new limit", body = ErrorBody),
        (status = 422, description = "A field is refused (named in `fields`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn update_promo(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdatePromo>,
) -> Result<Json<PromoBody>, ApiError> {
    let update = PromoUpdate { active: body.active, ends_at: body.ends_at, max_uses: body.max_uses };
    change(&state, &caller, id, update).await.map(Json)
}

/// Disables a code: customers can no longer use it; its history of uses
/// stays, and `PATCH {"active": true}` enables it again.
#[utoipa::path(
    delete,
    path = "/promo-codes/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Promo code id")),
    responses(
        (status = 200, description = "The promo code, now disabled", body = PromoBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such promo code in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn delete_promo(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PromoBody>, ApiError> {
    let update = PromoUpdate { active: Some(false), ..PromoUpdate::default() };
    change(&state, &caller, id, update).await.map(Json)
}

async fn change(state: &ApiState, caller: &TenantCaller, id: i64, update: PromoUpdate) -> Result<PromoBody, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let promo = promos::update(&mut tx, PromoId::from_raw(id), update).await.map_err(refused)?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(promo.into())
}
