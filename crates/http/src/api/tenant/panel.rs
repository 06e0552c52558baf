//! `GET /panel-kinds` and `GET /panel`: what plans may choose, so a client
//! builds its plan forms from the same declarations the CLI and the admin
//! menus use (`bazar_panels::KINDS`), and picks from what the shop's panel
//! really has. `PUT /panel`: the shop connects its own panel, when the
//! platform allows it (`bazar_shop::own_panel`).

use crate::api::{ApiJson, ApiState, ErrorBody, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use bazar_domain::{CatalogEntry, OptionField, ValueShape};
use bazar_panels::KindSpec;
use bazar_shop::own_panel::{self, OwnPanel, OwnPanelRefusal};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new().routes(routes!(panel_kinds)).routes(routes!(panel, connect_panel))
}

/// A panel kind: how it logs in, what it enforces, what plans choose on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelKindBody {
    /// Its name, as `kind` (`remnawave`, `marzban`, …).
    pub name: &'static str,
    /// What people call it, with the versions spoken.
    pub title: &'static str,
    /// The ways it logs in; the credentials given must be exactly one of them.
    pub credentials: Vec<CredentialSetBody>,
    /// The plan options it reads (`options` of a plan).
    pub options: Vec<OptionFieldBody>,
    /// It limits a user's simultaneous devices (plans' `devices` is shown to customers only then).
    pub device_limit: bool,
    /// It issues a new subscription link on request.
    pub reset_link: bool,
}

/// One way of logging in.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialSetBody {
    /// What it is (`an API token`).
    pub name: &'static str,
    /// The keys it needs, each with what to put there.
    pub fields: Vec<CredentialFieldBody>,
}

/// One credential value.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialFieldBody {
    /// Its key (`token`, `username`, `password`).
    pub key: &'static str,
    /// What to put there.
    pub help: &'static str,
    /// Never shown again once given.
    pub secret: bool,
}

/// One plan option of a kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionFieldBody {
    /// Its key in a plan's `options`.
    pub key: &'static str,
    /// What it does.
    pub help: &'static str,
    /// How values are spelled: `uuid`, `number` or `text`.
    pub shape: &'static str,
    /// `"all"` (every entry the panel has) is a choice.
    pub all: bool,
    /// A plan is not sold on the kind until it is chosen.
    pub required: bool,
}

impl From<&OptionField> for OptionFieldBody {
    fn from(field: &OptionField) -> Self {
        let shape = match field.shape {
            ValueShape::Uuid => "uuid",
            ValueShape::Number => "number",
            ValueShape::Text => "text",
        };
        Self { key: field.key, help: field.help, shape, all: field.all, required: field.required }
    }
}

impl From<&KindSpec> for PanelKindBody {
    fn from(spec: &KindSpec) -> Self {
        let credentials = spec
            .credentials
            .iter()
            .map(|set| CredentialSetBody {
                name: set.name,
                fields: set
                    .fields
                    .iter()
                    .map(|f| CredentialFieldBody { key: f.key, help: f.help, secret: f.secret })
                    .collect(),
            })
            .collect();
        Self {
            name: spec.name,
            title: spec.title,
            credentials,
            options: spec.options.iter().map(OptionFieldBody::from).collect(),
            device_limit: spec.capabilities.device_limit,
            reset_link: spec.capabilities.reset_link,
        }
    }
}

/// Every panel kind this platform speaks, with the plan options each reads.
#[utoipa::path(
    get,
    path = "/panel-kinds",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "The kinds", body = Vec<PanelKindBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn panel_kinds(_caller: TenantCaller) -> Json<Vec<PanelKindBody>> {
    Json(bazar_panels::KINDS.iter().map(|spec| PanelKindBody::from(*spec)).collect())
}

/// The shop's panel as plans see it (never its address or credentials).
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelBody {
    /// Its kind (see `GET /panel-kinds`).
    pub kind: String,
    /// Per option field of the kind, what the panel offers, as last read
    /// (`null`: not read yet; the admin menu's ↻ or a plan change reads it).
    pub options: Option<Vec<PanelOptionBody>>,
    /// Whether it answers its health probes; while `false` the shop sells
    /// nothing that needs it (customers are asked to try again soon).
    pub available: bool,
    /// Since when it has not answered (unix ms), while it does not.
    pub down_since: Option<i64>,
}

/// One option field with the panel's entries for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelOptionBody {
    /// The field (as in `GET /panel-kinds`).
    #[serde(flatten)]
    pub field: OptionFieldBody,
    /// What the panel has.
    pub entries: Vec<PanelEntryBody>,
}

/// One thing a plan may choose.
#[derive(Debug, Serialize, ToSchema)]
pub struct PanelEntryBody {
    /// What a plan's `options` names.
    pub value: String,
    /// What admins call it.
    pub label: String,
    /// A detail (a protocol, a count).
    pub detail: Option<String>,
    /// Why choosing it would serve nothing (`null`: it serves).
    pub unusable: Option<String>,
}

impl From<&CatalogEntry> for PanelEntryBody {
    fn from(entry: &CatalogEntry) -> Self {
        Self {
            value: entry.value.clone(),
            label: entry.label.clone(),
            detail: entry.detail.clone(),
            unusable: entry.unusable.clone(),
        }
    }
}

/// The panel serving this shop: its kind and what plans may choose on it.
#[utoipa::path(
    get,
    path = "/panel",
    tag = "tenant",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "The shop's panel", body = PanelBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 404, description = "No panel serves the shop yet", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn panel(caller: TenantCaller, State(state): State<ApiState>) -> Result<Json<PanelBody>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let info = tx.tenant_panel_info().await?;
    tx.commit().await?;
    let info = info.ok_or_else(|| {
        ApiError::new(axum::http::StatusCode::NOT_FOUND, "no_panel", "no VPN panel serves this shop yet")
    })?;
    let fields = bazar_panels::kind(&info.kind).map(|spec| spec.options).unwrap_or_default();
    let options = info.catalog.map(|catalog| {
        fields
            .iter()
            .map(|field| PanelOptionBody {
                field: field.into(),
                entries: catalog.entries(field.key).iter().map(PanelEntryBody::from).collect(),
            })
            .collect()
    });
    let (available, down_since) = (info.down_since.is_none(), info.down_since);
    Ok(Json(PanelBody { kind: info.kind.to_string(), options, available, down_since }))
}

/// A panel the shop connects as its own.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectPanel {
    /// Its kind (see `GET /panel-kinds`).
    pub kind: String,
    /// Its URL (with its path prefix or web base path, if any).
    pub url: String,
    /// How to log in: one of the kind's credential sets, by key
    /// (`{"token": …}` or `{"username": …, "password": …}`). Never shown again.
    pub credentials: BTreeMap<String, String>,
}

/// Connects the shop's own VPN panel (when the platform allows it): the
/// panel is asked what it offers first, so a wrong URL or login is refused
/// and nothing is saved; then it serves the shop instead of the platform's.
#[utoipa::path(
    put,
    path = "/panel",
    tag = "tenant",
    security(("api_token" = [])),
    request_body = ConnectPanel,
    responses(
        (status = 200, description = "Connected: the shop's panel now", body = PanelBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The platform does not allow shops their own panel", body = ErrorBody),
        (status = 422, description = "Unknown kind, wrong credentials, or the panel did not answer", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn connect_panel(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiJson(body): ApiJson<ConnectPanel>,
) -> Result<Json<PanelBody>, ApiError> {
    let credentials = body
        .credentials
        .into_iter()
        .fold(bazar_domain::PanelCredentials::default(), |c, (k, v)| c.with(&k, SecretString::from(v)));
    let wanted = OwnPanel { kind: body.kind, url: body.url, credentials };
    let (record, catalog) =
        own_panel::connect(&state.provisioner, &caller.scope, wanted).await.map_err(|e| match e {
            OwnPanelRefusal::NotAllowed => {
                ApiError::new(axum::http::StatusCode::FORBIDDEN, "own_panel_not_allowed", e.to_string())
            }
            OwnPanelRefusal::UnknownKind(why) => ApiError::field("kind", why),
            OwnPanelRefusal::BadCredentials(why) => ApiError::field("credentials", why),
            OwnPanelRefusal::BadUrl(why) => ApiError::field("url", why),
            OwnPanelRefusal::Unreachable(_) => ApiError::field("url", e.to_string()),
            OwnPanelRefusal::Store(e) => e.into(),
        })?;
    let fields = bazar_panels::kind(&record.kind).map(|spec| spec.options).unwrap_or_default();
    let options = fields
        .iter()
        .map(|field| PanelOptionBody {
            field: field.into(),
            entries: catalog.entries(field.key).iter().map(PanelEntryBody::from).collect(),
        })
        .collect();
    let down_since = record.health.down_since;
    Ok(Json(PanelBody {
        kind: record.kind.to_string(),
        options: Some(options),
        available: down_since.is_none(),
        down_since,
    }))
}
