//! Bazar's HTTP edge.
//!
//! Today: `/healthz` (checks the database) and `/metrics` (Prometheus text).
//! The webhook route, the tenant REST API and the payment callbacks join this
//! router in later issues. Every error answer has the one JSON shape
//! `{"error":{"code":"…","message":"…"}}` (see [`error::ApiError`]).

pub mod error;
mod health;
mod metrics_route;

use axum::Router;
use axum::routing::get;
use bazar_store::Store;
use metrics_exporter_prometheus::PrometheusHandle;

pub use metrics_route::install_metrics_recorder;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The storage layer.
    pub store: Store,
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
