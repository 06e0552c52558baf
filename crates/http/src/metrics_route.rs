//! `/metrics` in Prometheus text format, and request counting.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide metrics recorder (once) and returns its handle.
pub fn install_metrics_recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may exist in tests that embed several apps; keep ours.
            let _ = metrics::set_global_recorder(recorder);
            metrics::gauge!("bazar_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            handle
        })
        .clone()
}

/// Renders every metric, refreshing the bot gauges first.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    if let Ok(bots) = state.store.platform(&state.platform).list_bots().await {
        for status in ["active", "suspended", "disabled"] {
            let n = bots.iter().filter(|b| b.status.as_str() == status).count();
            metrics::gauge!("bazar_bots", "status" => status).set(n as f64);
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}

/// Counts requests by matched route (never the raw path, which may carry ids) and status.
pub(crate) async fn count_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    metrics::counter!("bazar_http_requests_total", "route" => route, "status" => response.status().as_u16().to_string())
        .increment(1);
    response
}
