//! How the API answers when something is refused: one mapping from the
//! store's typed errors to HTTP, a JSON body extractor whose rejections are
//! field-level 422s, and a layer that gives axum's own refusals (405, 413,
//! malformed paths) the same JSON shape.

use crate::error::ApiError;
use axum::Json;
use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bazar_store::StoreError;
use serde::de::DeserializeOwned;

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::InvalidInput(message) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
            }
            StoreError::Conflict(message) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            StoreError::InsufficientFunds { .. } => {
                ApiError::new(StatusCode::CONFLICT, "insufficient_funds", error.to_string())
            }
            StoreError::Config(bazar_domain::ConfigError::PlatformOnly(key)) => ApiError::new(
                StatusCode::FORBIDDEN,
                "platform_only",
                format!("`{key}` can only be changed by the platform owner"),
            ),
            StoreError::Config(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", e.to_string()),
            StoreError::UnknownBot(_) => ApiError::not_found("bot"),
            StoreError::DuplicateBot(_) | StoreError::MasterExists(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", error.to_string())
            }
            other => {
                // The details go to the log; the client learns only that it was us.
                tracing::error!(error = %other, "API request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed; try again later")
            }
        }
    }
}

/// A JSON request body whose refusals are answered in the API's error shape:
/// malformed JSON is 400, a missing or mistyped field is a 422 naming it.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => return Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.body_text())),
        };
        // No text we store may hold a NUL character (PostgreSQL refuses them).
        if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
            return Err(ApiError::field("body", "text must not contain NUL characters"));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(Self(value)),
            Err(JsonRejection::JsonDataError(e)) => {
                // serde's text names the field and what it expected: "price: invalid type: …".
                let text = e.body_text();
                let detail = text.split_once(": ").map(|(_, d)| d).unwrap_or(&text).to_owned();
                let mut error = ApiError::field(field_of(&detail), detail.clone());
                error.message = detail;
                Err(error)
            }
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.body_text())),
        }
    }
}

/// The field serde's message is about: `price: invalid type: …` names it
/// first; `missing field `days`` names it in backticks.
pub fn field_of(detail: &str) -> String {
    for marker in ["missing field `", "unknown field `"] {
        if let Some(rest) = detail.split(marker).nth(1)
            && let Some((field, _)) = rest.split_once('`')
        {
            return field.to_owned();
        }
    }
    match detail.split_once(": ") {
        Some((field, _)) if !field.contains(' ') => field.to_owned(),
        _ => "body".to_owned(),
    }
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
}

/// Gives every error the API's JSON shape, including the ones axum writes
/// itself (405 method not allowed, 413 body too large, a path that does not
/// parse — answered 404, as ids that are not ours are).
pub(crate) async fn json_errors(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let error = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "this route does not take that method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND => ApiError::not_found("route or object"),
        StatusCode::UNPROCESSABLE_ENTITY => {
            ApiError::new(status, "invalid_input", "the request's parameters do not parse")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(status, "unsupported_media_type", "send the body as JSON with Content-Type: application/json")
        }
        _ => ApiError::new(status, "error", status.canonical_reason().unwrap_or("error")),
    };
    let mut out = error.into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// 405 for a known path with another method.
pub(crate) async fn method_not_allowed() -> impl IntoResponse {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
}

/// Query parameters whose refusals are a 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(|q| q.to_ascii_lowercase().contains("%00")) {
            return Err(ApiError::field("query", "parameters must not contain NUL characters"));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(e) => {
                let text = e.body_text();
                let detail = text.strip_prefix("Failed to deserialize query string: ").unwrap_or(&text).to_owned();
                let field = detail.split_once(':').map(|(f, _)| f.trim().to_owned()).unwrap_or_else(|| "query".into());
                let mut error = ApiError::field(field, detail.clone());
                error.message = detail;
                Err(error)
            }
        }
    }
}
