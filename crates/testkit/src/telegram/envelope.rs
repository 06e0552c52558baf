//! Telegram's answer envelopes. Clients branch on `ok`, `error_code` and
//! `parameters.retry_after`, so the fake reproduces them byte for byte in
//! shape, including the HTTP status equal to `error_code`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A refused call: HTTP status, Telegram's description and, for 429, the wait.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: u16,
    pub description: String,
    pub retry_after: Option<u64>,
}

/// What every method handler returns.
pub(crate) type ApiResult = Result<Value, ApiError>;

impl ApiError {
    fn new(status: u16, description: String) -> Self {
        Self { status, description, retry_after: None }
    }

    /// 400 with Telegram's `Bad Request: ` prefix.
    pub fn bad_request(detail: impl std::fmt::Display) -> Self {
        Self::new(400, format!("Bad Request: {detail}"))
    }

    /// 401, for unknown or revoked tokens.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized".into())
    }

    /// 403 with Telegram's `Forbidden: ` prefix.
    pub fn forbidden(detail: &str) -> Self {
        Self::new(403, format!("Forbidden: {detail}"))
    }

    /// 404; `detail` is appended after `Not Found` when given.
    pub fn not_found(detail: Option<&str>) -> Self {
        match detail {
            Some(d) => Self::new(404, format!("Not Found: {d}")),
            None => Self::new(404, "Not Found".into()),
        }
    }

    /// 409 with Telegram's `Conflict: ` prefix.
    pub fn conflict(detail: &str) -> Self {
        Self::new(409, format!("Conflict: {detail}"))
    }

    /// 429 carrying `parameters.retry_after`, which well-behaved clients obey.
    pub fn too_many(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(429, format!("Too Many Requests: retry after {retry_after}"))
        }
    }

    /// Any status, described the way Telegram describes it (for failure injection).
    pub fn with_status(status: u16) -> Self {
        if status == 429 {
            return Self::too_many(1);
        }
        let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
        Self::new(status, reason.to_owned())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"ok": false, "error_code": self.status, "description": self.description});
        if let Some(retry_after) = self.retry_after {
            body["parameters"] = json!({ "retry_after": retry_after });
        }
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, &body)
    }
}

/// `{"ok": true, "result": …}` with status 200.
pub(crate) fn ok(result: Value) -> Response {
    json_response(StatusCode::OK, &json!({"ok": true, "result": result}))
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).expect("JSON values always serialize");
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// Turns a handler's outcome into the HTTP answer.
pub(crate) fn respond(result: ApiResult) -> Response {
    match result {
        Ok(value) => ok(value),
        Err(err) => err.into_response(),
    }
}
