//! `/subscriptions…`: what the tenant's customers bought — list and filter, one
//! subscription, extend it by some days, disable it.

use super::customers::Amount;
use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::PlanId;
use bazar_domain::{CustomerId, SubscriptionId};
use bazar_shop::admin_ops::{self, DisableOutcome, ExtendOutcome};
use bazar_store::{Subscription, SubscriptionFilter, SubscriptionStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_subscriptions))
        .routes(routes!(get_subscription))
        .routes(routes!(extend_subscription))
        .routes(routes!(disable_subscription))
}

/// A subscription: a plan bought (or a free trial) and its user on the VPN panel.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionView {
    /// Subscription id.
    pub id: i64,
    /// The customer it belongs to.
    pub customer_id: i64,
    /// The plan bought (`null` for a trial or a deleted plan).
    pub plan_id: Option<i64>,
    /// A free trial.
    pub is_trial: bool,
    /// `provisioning`, `active`, `expired`, `disabled` or `failed`.
    pub status: String,
    /// Length bought, in days.
    pub duration_days: u32,
    /// Traffic limit in bytes (`null`: unlimited).
    pub traffic_bytes: Option<u64>,
    /// Device limit (`null`: the panel's default).
    pub device_limit: Option<u32>,
    /// What was paid.
    pub price: Amount,
    /// Its user name on the panel.
    pub panel_username: String,
    /// The link the customer's app subscribes to, once provisioned.
    pub subscription_url: Option<String>,
    /// Start (unix ms), once provisioned.
    pub starts_at: Option<i64>,
    /// End (unix ms), once provisioned.
    pub expires_at: Option<i64>,
    /// When it was bought (unix ms).
    pub created_at: i64,
}

impl From<Subscription> for SubscriptionView {
    fn from(s: Subscription) -> Self {
        Self {
            id: s.id.get(),
            customer_id: s.customer_id.get(),
            plan_id: s.plan_id.map(PlanId::get),
            is_trial: s.is_trial,
            status: s.status.as_str().to_owned(),
            duration_days: s.duration_days,
            traffic_bytes: s.traffic_bytes,
            device_limit: s.device_limit,
            price: s.price.into(),
            panel_username: s.panel_username,
            subscription_url: s.subscription_url,
            starts_at: s.starts_at,
            expires_at: s.expires_at,
            created_at: s.created_at,
        }
    }
}

/// Filters of the subscription list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionQuery {
    /// Only this status: `provisioning`, `active`, `expired`, `disabled` or `failed`.
    pub status: Option<String>,
    /// Only this customer's.
    pub customer_id: Option<i64>,
}

/// How many days to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// Days to add to the end (1–3650).
    #[schema(example = 7)]
    pub days: i64,
}

/// An extended subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct Extended {
    /// The subscription, with its new end.
    pub subscription: SubscriptionView,
    /// Its end before (unix ms).
    pub previous_expires_at: i64,
    /// Days added.
    pub days: u32,
    /// Always true: the panel user's end follows shortly (a background job, retried while the panel is down).
    pub panel_update_queued: bool,
}

/// A disabled subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct Disabled {
    /// The subscription, now `disabled`.
    pub subscription: SubscriptionView,
    /// False when it was disabled already (nothing changed).
    pub changed: bool,
    /// Whether turning the user off on the VPN panel was queued (a background job, retried while the
    /// panel is unavailable).
    pub panel_update_queued: bool,
}

fn statuses() -> String {
    SubscriptionStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// The tenant's subscriptions, oldest first, optionally of one status and/or one customer.
#[utoipa::path(
    get,
    path = "/subscriptions",
    tag = "tenant",
    security(("api_token" = [])),
    params(PageQuery, SubscriptionQuery),
    responses(
        (status = 200, description = "One page of subscriptions, in id order", body = Page<SubscriptionView>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters or unknown status", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_subscriptions(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiQuery(query): ApiQuery<SubscriptionQuery>,
) -> Result<Json<Page<SubscriptionView>>, ApiError> {
    let (limit, offset) = page.checked()?;
    let status = match query.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            SubscriptionStatus::parse(&s.to_ascii_lowercase())
                .ok_or_else(|| ApiError::field("status", format!("must be one of {}", statuses())))?,
        ),
    };
    let filter = SubscriptionFilter { status, customer: query.customer_id.map(CustomerId::from_raw) };
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let subscriptions = tx.subscriptions_page(&filter, limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(subscriptions.into_iter().map(SubscriptionView::from).collect(), limit, offset)))
}

/// One subscription.
#[utoipa::path(
    get,
    path = "/subscriptions/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = SubscriptionView),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such subscription", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_subscription(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<SubscriptionView>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let subscription =
        tx.subscription(SubscriptionId::from_raw(id)).await?.ok_or_else(|| ApiError::not_found("subscription"))?;
    tx.commit().await?;
    Ok(Json(subscription.into()))
}

/// Adds days to an active subscription, free of charge: its end moves now, its reminders and expiry follow the
/// new end, and the VPN panel's user is extended to the same end by a background job (the customer is told when
/// it is done).
#[utoipa::path(
    post,
    path = "/subscriptions/{id}/extend",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Subscription id")),
    request_body = ExtendBody,
    responses(
        (status = 200, description = "Extended", body = Extended),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such subscription", body = ErrorBody),
        (status = 409, description = "`not_active`: only an active subscription is extended; `conflict`: it \
                                      changed meanwhile (retry)", body = ErrorBody),
        (status = 422, description = "`days` is not from 1 to 3650", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn extend_subscription(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ExtendBody>,
) -> Result<Json<Extended>, ApiError> {
    let max = admin_ops::MAX_EXTEND_DAYS;
    let days = u32::try_from(body.days)
        .ok()
        .filter(|d| (1..=max).contains(d))
        .ok_or_else(|| ApiError::field("days", format!("must be from 1 to {max}")))?;
    let tenant = state.store.tenant(&caller.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin().await?;
    let outcome = admin_ops::extend(&mut tx, &settings, SubscriptionId::from_raw(id), days, "api").await?;
    match outcome {
        ExtendOutcome::Extended { subscription, previous_end } => {
            tx.commit().await?;
            Ok(Json(Extended {
                subscription: (*subscription).into(),
                previous_expires_at: previous_end,
                days,
                panel_update_queued: true,
            }))
        }
        ExtendOutcome::NotFound => Err(ApiError::not_found("subscription")),
        ExtendOutcome::NotActive(status) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_active",
            format!("only an active subscription can be extended; this one is {}", status.as_str()),
        )),
        ExtendOutcome::Changed => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "the subscription changed meanwhile; read it again and retry",
        )),
    }
}

/// Disables a subscription (`provisioning`, `active` or `expired` → `disabled`): no more reminders, expiry or
/// auto-renewal, and a pending provisioning is not carried out. Idempotent. The user on the VPN panel is
/// turned off by a background job (`panel_update_queued`), retried while the panel is unavailable.
#[utoipa::path(
    post,
    path = "/subscriptions/{id}/disable",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Disabled (or already was: `changed: false`)", body = Disabled),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "This tenant has no such subscription", body = ErrorBody),
        (status = 409, description = "`failed`: a subscription that was never provisioned is not disabled",
         body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn disable_subscription(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<Disabled>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let (subscription, changed) = match admin_ops::disable(&mut tx, SubscriptionId::from_raw(id)).await? {
        DisableOutcome::Disabled(s) => (s, true),
        DisableOutcome::AlreadyDisabled(s) => (s, false),
        DisableOutcome::NotFound => return Err(ApiError::not_found("subscription")),
        DisableOutcome::Failed => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "failed",
                "this subscription failed to provision (and was refunded); there is nothing to disable",
            ));
        }
    };
    tx.commit().await?;
    Ok(Json(Disabled { subscription: (*subscription).into(), changed, panel_update_queued: changed }))
}
