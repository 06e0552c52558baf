//! `POST /webhook/{bot_id}`: Telegram delivering an update.
//!
//! The bot id is in the path, never the token. The secret Telegram echoes in
//! `X-Telegram-Bot-Api-Secret-Token` is compared in constant time (401 when
//! wrong). The update is stored and handled in one transaction before the 200
//! goes out, so a 200 means it was handled (or seen before); anything else makes
//! Telegram deliver it again. An update for an unknown, disabled or suspended
//! bot is acknowledged and dropped.

use crate::Runtime;
use crate::dispatch::Answer;
use crate::update_meta::UpdateMeta;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bazar_domain::BotId;
use subtle::ConstantTimeEq;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The webhook route, to merge into the platform's router.
pub fn router(runtime: Runtime) -> Router {
    Router::new().route("/webhook/{bot_id}", post(receive)).with_state(runtime)
}

async fn receive(
    State(runtime): State<Runtime>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    check_and_handle(runtime, bot_id, headers, body).await
}

async fn check_and_handle(runtime: Runtime, bot_id: String, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(bot_id) = bot_id.parse::<BotId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(bot) = runtime.inner.registry.get(bot_id) else {
        metrics::counter!("bazar_updates_dropped_total", "reason" => "inactive_bot").increment(1);
        tracing::debug!(%bot_id, "update for an unknown or inactive bot dropped");
        return StatusCode::OK.into_response();
    };
    let presented = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !bool::from(presented.ct_eq(bot.webhook_secret.as_bytes())) {
        metrics::counter!("bazar_updates_dropped_total", "reason" => "bad_secret").increment(1);
        tracing::warn!(%bot_id, "webhook call with a wrong secret refused");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(payload) = std::str::from_utf8(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(payload) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(meta) = UpdateMeta::of(&value) else {
        return StatusCode::OK.into_response();
    };
    match runtime.inner.handle_webhook(&bot, payload.to_owned(), meta).await {
        Answer::Done(None) => StatusCode::OK.into_response(),
        Answer::Done(Some(call)) => {
            let mut body = call.params;
            body["method"] = serde_json::Value::String(call.method.to_owned());
            (StatusCode::OK, Json(body)).into_response()
        }
        // Not stored: let Telegram deliver it again.
        Answer::Retry => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
