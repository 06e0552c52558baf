//! `/plans…`: what the tenant sells, through the same use cases as
//! `bazar plan add|update` and the admin menus (`bazar_shop::plans`), so all
//! three refuse the same things; every refusal names its field. Panel
//! options (`options`: a choice per field of the shop's panel kind, as
//! `GET /panel-kinds` lists them) are checked against the shop's panel,
//! read before the transaction.

use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, TenantCaller};
use crate::error::{ApiError, FieldError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{Choice, OptionsChange, PlanId, PlanNames};
use bazar_shop::plans::{self, PanelView, PlanChange, PlanDraft, PlanRefusal};
use bazar_store::Plan;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt::Display;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_plans, create_plan)).routes(routes!(get_plan, update_plan, delete_plan))
}

/// For `PATCH` bodies: a missing field is `None` (unchanged), `null` is
/// `Some(None)` (removed), a value is `Some(Some(value))`.
pub(super) fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Collects every refused field of a request, so one 422 names them all.
#[derive(Default)]
pub(super) struct Checks(Vec<FieldError>);

impl Checks {
    /// Keeps `result`'s value, or records its error against `field`.
    pub(super) fn check<T, E: Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.refuse(field, e);
                None
            }
        }
    }

    /// Records a refusal of `field`.
    pub(super) fn refuse(&mut self, field: &str, message: impl Display) {
        self.0.push(FieldError { field: field.to_owned(), message: message.to_string() });
    }

    /// One 422 naming every field a use case refused: `(field, reason)` pairs.
    pub(super) fn refused<'a>(refused: impl IntoIterator<Item = (&'a str, &'a str)>) -> ApiError {
        let mut checks = Self::default();
        for (field, reason) in refused {
            checks.refuse(field, reason);
        }
        checks.finish().err().unwrap_or_else(|| ApiError::field("body", "refused"))
    }

    /// `Err` with a 422 naming every refused field, if there was one.
    pub(super) fn finish(self) -> Result<(), ApiError> {
        let mut fields = self.0.into_iter();
        let Some(first) = fields.next() else { return Ok(()) };
        let mut error = ApiError::field(first.field, first.message);
        for more in fields {
            error.message.push_str(&format!("; {}: {}", more.field, more.message));
            error.fields.push(more);
        }
        Err(error)
    }
}

/// A plan's name in each language (at least one, 1–64 characters each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Persian.
    pub fa: Option<String>,
    /// Russian.
    pub ru: Option<String>,
    /// English.
    pub en: Option<String>,
}

/// One panel option as the API takes it: `"all"` (every entry the panel
/// has, where the field allows it), a comma-separated list, or a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum OptionValue {
    /// `"all"`, or `"VLESS TCP, VMess TCP"`.
    Text(String),
    /// `["0b1c6d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"]`.
    List(Vec<String>),
}

impl OptionValue {
    fn choice(self) -> Choice {
        match self {
            Self::Text(text) => text.parse().unwrap_or_else(|never| match never {}),
            Self::List(values) => Choice::Values(values),
        }
    }

    fn of(choice: &Choice) -> Self {
        match choice {
            Choice::All => Self::Text("all".into()),
            Choice::Values(values) => Self::List(values.clone()),
        }
    }
}

/// A plan's panel options, field key → choice (see `GET /panel-kinds` for each kind's fields).
pub type Options = BTreeMap<String, OptionValue>;

/// A plan as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanBody {
    /// Plan id.
    pub id: i64,
    /// Names per language.
    pub names: Names,
    /// Length of a subscription in days.
    pub days: u32,
    /// Traffic limit in GB (`null`: unlimited).
    pub traffic_gb: Option<u64>,
    /// Traffic limit in bytes (`null`: unlimited).
    pub traffic_bytes: Option<u64>,
    /// Simultaneous devices (`null`: no limit).
    pub devices: Option<u32>,
    /// Price in minor units of `currency`.
    pub price: i64,
    /// Currency of the price (`IRR` or `IRT`).
    pub currency: String,
    /// Display order (ascending, then by id).
    pub sort: i32,
    /// Offered to customers.
    pub active: bool,
    /// Panel options chosen, per field key (e.g. `{"squads": [...]}` on
    /// Remnawave, `{"inbounds": "all"}` on Marzban); a plan is sold only once
    /// the required fields of its shop's panel kind are chosen.
    pub options: Options,
}

impl From<Plan> for PlanBody {
    fn from(plan: Plan) -> Self {
        Self {
            id: plan.id.get(),
            names: Names { fa: plan.names.fa, ru: plan.names.ru, en: plan.names.en },
            days: plan.duration_days,
            traffic_gb: plan.traffic_bytes.map(|b| b >> 30),
            traffic_bytes: plan.traffic_bytes,
            devices: plan.device_limit,
            price: plan.price.minor(),
            currency: plan.price.code().to_owned(),
            sort: plan.sort,
            active: plan.active,
            options: plan.panel_options.choices().iter().map(|(k, c)| (k.clone(), OptionValue::of(c))).collect(),
        }
    }
}

/// A plan to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    /// Names per language: at least one of `fa`, `ru`, `en`.
    pub names: Names,
    /// Length in days (1–3650).
    pub days: u32,
    /// Traffic limit in GB (1–100000); `null`, `0` or absent: unlimited.
    pub traffic_gb: Option<u64>,
    /// Device limit (1–100); `null`, `0` or absent: no limit.
    pub devices: Option<u32>,
    /// Price in minor units of the tenant's currency (0 to 10^18).
    pub price: i64,
    /// Display order (default 0).
    pub sort: Option<i32>,
    /// Offered at once (default `true`).
    pub active: Option<bool>,
    /// Panel options per field key, checked against the shop's panel (the
    /// required fields of its kind must be chosen for a plan on sale).
    pub options: Option<Options>,
}

/// Changes to a plan: only the fields given change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlan {
    /// Names to replace (the languages not given keep theirs).
    pub names: Option<Names>,
    /// Length in days (1–3650).
    pub days: Option<u32>,
    /// Traffic limit in GB (1–100000); `null` or `0`: unlimited.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u64>)]
    pub traffic_gb: Option<Option<u64>>,
    /// Device limit (1–100); `null` or `0`: no limit.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<u32>)]
    pub devices: Option<Option<u32>>,
    /// Price in minor units of the plan's currency (0 to 10^18).
    pub price: Option<i64>,
    /// Display order.
    pub sort: Option<i32>,
    /// Offered to customers or not.
    pub active: Option<bool>,
    /// Panel options to replace, per field key (the fields not given keep
    /// theirs; an empty list clears one), checked against the panel.
    pub options: Option<Options>,
}

/// Traffic in GB as the API takes it: 0 (or none) is unlimited.
fn traffic_bytes(gb: Option<u64>) -> Option<u64> {
    gb.filter(|gb| *gb > 0).map(|gb| gb.saturating_mul(1 << 30))
}

/// `options` as a change of the plan's panel options.
fn options_change(options: Option<Options>) -> OptionsChange {
    options
        .into_iter()
        .flatten()
        .fold(OptionsChange::default(), |change, (key, value)| change.set(&key, value.choice()))
}

/// A refusal of the plan use case: one 422 naming every refused field.
fn refused(refusal: PlanRefusal) -> ApiError {
    match refusal {
        PlanRefusal::Store(e) => e.into(),
        PlanRefusal::PanelUnknown => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "panel_unavailable", refusal.to_string())
        }
        PlanRefusal::Invalid(fields) => {
            let reasons: Vec<(&str, String)> =
                fields.iter().map(|f| (f.field.as_str(), f.reason.to_string())).collect();
            Checks::refused(reasons.iter().map(|(f, r)| (*f, r.as_str())))
        }
    }
}

/// Common answers of every plan route.
fn not_found() -> ApiError {
    ApiError::not_found("plan")
}

/// Every plan (offered or not) in display order: `sort`, then id.
#[utoipa::path(
    get,
    path = "/plans",
    tag = "tenant",
    security(("api_token" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "One page of plans", body = Page<PlanBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_plans(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<PlanBody>>, ApiError> {
    let (limit, offset) = page.checked()?;
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let plans = tx.plans_page(limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(plans.into_iter().map(PlanBody::from).collect(), limit, offset)))
}

/// Creates a plan, priced in the tenant's currency. Checked like `bazar plan add`.
#[utoipa::path(
    post,
    path = "/plans",
    tag = "tenant",
    security(("api_token" = [])),
    request_body = CreatePlan,
    responses(
        (status = 201, description = "The new plan", body = PlanBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "A field is missing or refused (named in `fields`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn create_plan(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<CreatePlan>,
) -> Result<(StatusCode, Json<PlanBody>), ApiError> {
    let tenant = state.store.tenant(&caller.scope);
    let currency = tenant.settings().await?.currency();
    let options = options_change(body.options);
    // The panel is read before the transaction, never inside it.
    let panel = state.provisioner.panel_view(&caller.scope).await?;
    let draft = PlanDraft {
        names: PlanNames { fa: body.names.fa, ru: body.names.ru, en: body.names.en },
        days: body.days,
        traffic_bytes: traffic_bytes(body.traffic_gb),
        devices: body.devices.filter(|d| *d > 0),
        price: body.price,
        currency,
        sort: body.sort.unwrap_or(0),
        active: body.active.unwrap_or(true),
        options,
        base_options: Default::default(),
        parse_refusals: Vec::new(),
    };
    let mut tx = tenant.begin().await?;
    let created = plans::create(&mut tx, draft, &panel).await.map_err(refused)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// One plan.
#[utoipa::path(
    get,
    path = "/plans/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = PlanBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such plan in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_plan(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PlanBody>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let plan = tx.plan(PlanId::from_raw(id)).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(plan.into()))
}

/// Changes the fields given (checked like `bazar plan update`); the rest stay.
/// Subscriptions already sold keep what they were sold with.
#[utoipa::path(
    patch,
    path = "/plans/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Plan id")),
    request_body = UpdatePlan,
    responses(
        (status = 200, description = "The plan as it is now", body = PlanBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such plan in this tenant", body = ErrorBody),
        (status = 422, description = "A field is refused (named in `fields`)", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn update_plan(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<UpdatePlan>,
) -> Result<Json<PlanBody>, ApiError> {
    let options = options_change(body.options);
    let panel = if options.is_empty() {
        let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
        let stored = PanelView::stored(&mut tx).await?;
        tx.commit().await?;
        stored
    } else {
        state.provisioner.panel_view(&caller.scope).await?
    };
    let change = PlanChange {
        names: body.names.map(|n| PlanNames { fa: n.fa, ru: n.ru, en: n.en }),
        days: body.days,
        traffic_bytes: body.traffic_gb.map(traffic_bytes),
        devices: body.devices.map(|d| d.filter(|d| *d > 0)),
        price: body.price,
        sort: body.sort,
        active: body.active,
        options,
        parse_refusals: Vec::new(),
    };
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let plan =
        plans::update(&mut tx, PlanId::from_raw(id), change, &panel).await.map_err(refused)?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(plan.into()))
}

/// Disables a plan: it is no longer offered, but stays (subscriptions sold
/// with it refer to it), and `PATCH {"active": true}` offers it again.
#[utoipa::path(
    delete,
    path = "/plans/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan, now disabled", body = PlanBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such plan in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn delete_plan(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<PlanBody>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let change = PlanChange { active: Some(false), ..PlanChange::default() };
    let plan = plans::update(&mut tx, PlanId::from_raw(id), change, &PanelView::None)
        .await
        .map_err(refused)?
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(plan.into()))
}
