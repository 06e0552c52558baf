//! `/plans…`: what the tenant sells. Input is checked by the same domain
//! parsers as `bazar plan add|update`, so the API and the CLI refuse the same
//! things; every refusal names its field.

use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, PageQuery, TenantCaller};
use crate::error::{ApiError, FieldError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bazar_domain::{
    ConfigKey, ConfigValue, Currency, PlanError, PlanNames, check_devices, check_duration, parse_traffic_gb,
};
use bazar_store::{NewPlan, Plan, PlanUpdate, TenantSettings};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt::Display;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(list_plans, create_plan)).routes(routes!(get_plan, update_plan, delete_plan))
}

/// The tenant's currency: every price, cap and amount of the tenant is in it.
pub(super) fn currency_of(settings: &TenantSettings) -> Currency {
    match settings.config(ConfigKey::Currency) {
        ConfigValue::Currency(c) => *c,
        _ => Currency::Irt,
    }
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
    /// Remnawave internal squads (UUIDs) the panel user joins.
    pub squads: Vec<String>,
    /// Marzban inbounds per protocol (`{"vless": ["VLESS TCP"]}`), if set.
    pub inbounds: Option<BTreeMap<String, Vec<String>>>,
}

impl From<Plan> for PlanBody {
    fn from(plan: Plan) -> Self {
        let squads = plan.panel_options["remnawave_squads"]
            .as_array()
            .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let inbounds = plan.panel_options["marzban_inbounds"].as_object().map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let list = v.as_array().map(|l| l.iter().map(|i| i.as_str().unwrap_or_default().to_owned()));
                    (k.clone(), list.map(Iterator::collect).unwrap_or_default())
                })
                .collect()
        });
        Self {
            id: plan.id,
            names: Names { fa: plan.names.fa, ru: plan.names.ru, en: plan.names.en },
            days: plan.duration_days,
            traffic_gb: plan.traffic_bytes.map(|b| b >> 30),
            traffic_bytes: plan.traffic_bytes,
            devices: plan.device_limit,
            price: plan.price,
            currency: plan.currency,
            sort: plan.sort,
            active: plan.active,
            squads,
            inbounds,
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
    /// Price in minor units of the tenant's currency (0 or more).
    pub price: i64,
    /// Display order (default 0).
    pub sort: Option<i32>,
    /// Offered at once (default `true`).
    pub active: Option<bool>,
    /// Remnawave internal squads (UUIDs).
    pub squads: Option<Vec<String>>,
    /// Marzban inbounds per protocol, e.g. `{"vless": ["VLESS TCP"]}`.
    pub inbounds: Option<BTreeMap<String, Vec<String>>>,
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
    /// Price in minor units of the plan's currency (0 or more).
    pub price: Option<i64>,
    /// Display order.
    pub sort: Option<i32>,
    /// Offered to customers or not.
    pub active: Option<bool>,
    /// Remnawave internal squads, replacing the current ones (`[]` removes them).
    pub squads: Option<Vec<String>>,
    /// Marzban inbounds, replacing the current ones (`null` removes them).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<BTreeMap<String, Vec<String>>>)]
    pub inbounds: Option<Option<BTreeMap<String, Vec<String>>>>,
}

fn names(checks: &mut Checks, names: &Names) -> Option<PlanNames> {
    let names = PlanNames { fa: names.fa.clone(), ru: names.ru.clone(), en: names.en.clone() };
    checks.check("names", names.validated())
}

/// `bazar plan add`'s traffic parser on a number: 0 is unlimited.
fn traffic(checks: &mut Checks, gb: Option<u64>) -> Option<Option<u64>> {
    match gb {
        None => Some(None),
        Some(gb) => checks.check("traffic_gb", parse_traffic_gb(&gb.to_string())),
    }
}

/// `bazar plan add`'s device limit: 0 is no limit.
fn devices(checks: &mut Checks, devices: Option<u32>) -> Option<Option<u32>> {
    match devices {
        None | Some(0) => Some(None),
        Some(n) => checks.check("devices", check_devices(n).map(Some)),
    }
}

fn price(checks: &mut Checks, price: i64) -> Option<i64> {
    if price < 0 {
        checks.refuse("price", PlanError::Price);
        return None;
    }
    Some(price)
}

fn squads(checks: &mut Checks, squads: &[String]) {
    for squad in squads {
        if !bazar_domain::is_squad_id(squad) {
            checks.refuse("squads", format!("`{squad}` is not a UUID"));
            return;
        }
    }
}

fn inbounds(checks: &mut Checks, inbounds: &BTreeMap<String, Vec<String>>) {
    if inbounds.is_empty() || inbounds.keys().any(|k| k.trim().is_empty()) {
        checks.refuse("inbounds", "must map protocols to inbound tags, like {\"vless\":[\"VLESS TCP\"]}");
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
    let currency = currency_of(&*tenant.settings().await?);
    let mut checks = Checks::default();
    let names = names(&mut checks, &body.names);
    let days = checks.check("days", check_duration(body.days));
    let traffic = traffic(&mut checks, body.traffic_gb);
    let devices = devices(&mut checks, body.devices);
    let price = price(&mut checks, body.price);
    let mut options = serde_json::json!({});
    if let Some(list) = body.squads.as_deref().filter(|s| !s.is_empty()) {
        squads(&mut checks, list);
        options["remnawave_squads"] = serde_json::json!(list);
    }
    if let Some(map) = &body.inbounds {
        inbounds(&mut checks, map);
        options["marzban_inbounds"] = serde_json::json!(map);
    }
    checks.finish()?;
    let (Some(names), Some(days), Some(traffic), Some(devices), Some(price)) = (names, days, traffic, devices, price)
    else {
        return Err(ApiError::field("body", "refused"));
    };
    let plan = NewPlan {
        names,
        duration_days: days,
        traffic_bytes: traffic,
        device_limit: devices,
        price,
        currency: currency.code(),
        sort: body.sort.unwrap_or(0),
        panel_options: options,
    };
    let mut tx = tenant.begin().await?;
    let created = tx.insert_plan(&plan, body.active.unwrap_or(true)).await?;
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
    let plan = tx.plan(id).await?.ok_or_else(not_found)?;
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
    let mut checks = Checks::default();
    let update = PlanUpdate {
        names: body.names.as_ref().and_then(|n| names(&mut checks, n)),
        duration_days: body.days.and_then(|d| checks.check("days", check_duration(d))),
        traffic_bytes: body.traffic_gb.and_then(|gb| traffic(&mut checks, gb)),
        device_limit: body.devices.and_then(|d| devices(&mut checks, d)),
        price: body.price.and_then(|p| price(&mut checks, p)),
        sort: body.sort,
        active: body.active,
    };
    if let Some(list) = &body.squads {
        squads(&mut checks, list);
    }
    if let Some(Some(map)) = &body.inbounds {
        inbounds(&mut checks, map);
    }
    checks.finish()?;
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let mut plan = tx.update_plan(id, &update).await?.ok_or_else(not_found)?;
    if body.squads.is_some() || body.inbounds.is_some() {
        let mut object = match plan.panel_options {
            serde_json::Value::Object(o) => o,
            _ => serde_json::Map::new(),
        };
        match body.squads.as_deref() {
            Some([]) => {
                object.remove("remnawave_squads");
            }
            Some(list) => {
                object.insert("remnawave_squads".into(), serde_json::json!(list));
            }
            None => {}
        }
        match &body.inbounds {
            Some(None) => {
                object.remove("marzban_inbounds");
            }
            Some(Some(map)) => {
                object.insert("marzban_inbounds".into(), serde_json::json!(map));
            }
            None => {}
        }
        let options = serde_json::Value::Object(object);
        tx.set_plan_panel_options(id, &options).await?;
        plan.panel_options = options;
    }
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
    let update = PlanUpdate { active: Some(false), ..PlanUpdate::default() };
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    let plan = tx.update_plan(id, &update).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(plan.into()))
}
