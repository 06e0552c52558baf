//! Bazar's HTTP edge.
//!
//! `/healthz` (checks the database), `/metrics` (Prometheus text) and the
//! Zarinpal callback (`/pay/zarinpal/…`, see [`zarinpal_callback`]). The
//! webhook route is the runtime's; the tenant REST API joins in a later issue. Every error answer has the one JSON shape
//! `{"error":{"code":"…","message":"…"}}` (see [`error::ApiError`]).

pub mod api;
pub mod error;
mod health;
mod metrics_route;
pub mod zarinpal_callback;

use axum::Router;
use axum::routing::get;
use bazar_store::{PlatformScope, Store};
use metrics_exporter_prometheus::PrometheusHandle;

pub use metrics_route::install_metrics_recorder;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The storage layer.
    pub store: Store,
    /// Platform access, for the operator's `/metrics` (bots by status).
    pub platform: PlatformScope,
    /// Renders the process's metrics.
    pub metrics: PrometheusHandle,
}

/// The platform's HTTP routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics_route::metrics))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(metrics_route::count_requests))
        .with_state(state)
}
