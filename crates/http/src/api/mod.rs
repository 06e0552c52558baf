//! The REST API: `/api/v1/…` for a tenant (its API token), `/api/v1/platform/…`
//! for the operator (the platform token), the OpenAPI document generated from
//! the handlers (`/api/v1/openapi.json`) and a docs page that needs no network
//! (`/api/v1/docs`).
//!
//! Every route is registered through [`OpenApiRouter`] with its `#[utoipa::path]`
//! description, so a route cannot exist without being documented. Every tenant
//! handler takes a [`TenantCaller`], whose scope is the only way to reach
//! tenant data: ids of other tenants answer 404.

pub mod auth;
pub mod errors;
pub mod pagination;
pub mod platform;
pub mod rate_limit;
pub mod tenant;

use crate::error::ApiError;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use bazar_store::{PlatformScope, Store};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub use auth::{PlatformCaller, PlatformDoor, TenantCaller};
pub use errors::{ApiJson, ApiQuery};
pub use pagination::{Page, PageQuery};
pub use rate_limit::RateLimiter;

/// Largest request body the API reads.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every API handler can reach.
#[derive(Clone)]
pub struct ApiState {
    /// The storage layer.
    pub store: Store,
    /// The platform token and the platform access it opens (see [`PlatformCaller`]).
    pub platform: PlatformDoor,
    /// Per-token request budgets.
    pub limiter: Arc<RateLimiter>,
    /// The Bot API, for the few routes that talk to Telegram (checking a new
    /// bot's token with `getMe`).
    pub telegram: bazar_telegram::BotApi,
    /// The panels, for the routes that read one before writing (a plan's
    /// options are checked against what its panel offers).
    pub provisioner: Arc<bazar_shop::Provisioner>,
}

impl ApiState {
    /// State for `store`, with the platform API opened by `platform_token` (if
    /// given) onto `platform`, the composition root's platform access.
    pub fn new(
        store: Store,
        platform: PlatformScope,
        platform_token: Option<&SecretString>,
        telegram: bazar_telegram::BotApi,
        provisioner: Arc<bazar_shop::Provisioner>,
    ) -> Self {
        let token_hash = platform_token.map(|t| Sha256::digest(t.expose_secret().as_bytes()).into());
        let platform = PlatformDoor::new(token_hash, platform);
        Self { store, platform, limiter: Arc::new(RateLimiter::default()), telegram, provisioner }
    }
}

/// The error body of every refusal, as documented.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code (`not_found`, `invalid_input`, `unauthorized`, `rate_limited`, …).
    pub code: String,
    /// One human sentence.
    pub message: String,
    /// Refused fields, for `invalid_input`.
    pub fields: Option<Vec<FieldErrorBody>>,
}

/// One refused field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field.
    pub field: String,
    /// Why.
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bazar API",
        description = "Tenant API (Bearer API token of one bot) and platform API (Bearer platform token). \
                       Amounts are integers in minor units of the named currency. Errors are \
                       `{\"error\":{\"code\":…,\"message\":…}}`.",
        version = "1"
    ),
    modifiers(&SecuritySchemes),
    components(schemas(ErrorBody, ErrorDetail, FieldErrorBody)),
    tags(
        (name = "tenant", description = "One tenant's data, reached with its API token"),
        (name = "platform", description = "The platform operator's routes, reached with the platform token")
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("api_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        components.add_security_scheme("platform_token", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Every API route with its documentation, before it is split in two.
fn documented() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", tenant::routes())
        .nest("/api/v1/platform", platform::routes())
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented().split_for_parts().1
}

/// The API's routes, the OpenAPI document and the docs page.
pub fn router(state: ApiState) -> Router {
    let (routes, doc) = documented().split_for_parts();
    let doc = Arc::new(doc.to_pretty_json().unwrap_or_default());
    routes
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], (*doc).clone()) }
            }),
        )
        .route("/api/v1/docs", get(docs))
        .method_not_allowed_fallback(errors::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(errors::json_errors))
        .with_state(state)
}

/// A docs page rendered from the OpenAPI document by a few lines of inline
/// script: no CDN, works offline.
async fn docs() -> impl IntoResponse {
    Html(include_str!("docs.html"))
}

/// 404 for an API path nobody registered.
pub async fn unknown_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route")
}
