//! `/healthz`: alive and able to reach the database.

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// 200 `{"status":"ok"}` when the database answers, 503 otherwise.
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    match state.store.database().ping().await {
        Ok(()) => Ok(Json(json!({"status": "ok", "database": "ok"}))),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "database_unavailable", "the database does not answer"))
        }
    }
}
