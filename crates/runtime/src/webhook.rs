//! `POST /webhook/{bot_id}`: Telegram delivering an update.
//!
//! The bot id is in the path, never the token. The secret Telegram echoes in
//! `X-Telegram-Bot-Api-Secret-Token` is compared in constant time (401 when
//! wrong). The update is stored and handled in one transaction before the 200
//! goes out, so a 200 means it was handled (or seen before); anything else makes
//! Telegram deliver it again. An update for an unknown or disabled bot is
//! acknowledged and dropped. An update for a *suspended* bot (secret checked
//! the same way) is answered, in the webhook reply itself, with one polite
//! "temporarily unavailable" line — at most once per chat per
//! [`crate::registry::POLITE_WINDOW`]; a button press gets the line as its
//! answer, a pre-checkout query a refusal with the line (no new Stars are
//! taken). Nothing of the tenant is read for it, and only money that arrived
//! anyway is written: a `successful_payment` is held in the inbox
//! ([`bazar_store::Platform::hold_suspended_update`]) and handled once the
//! shop is served again.

use crate::dispatch::Answer;
use crate::inner::RuntimeInner;
use crate::outbox::Outgoing;
use crate::update_meta::UpdateMeta;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bazar_domain::BotId;
use bazar_telegram::requests::{AnswerCallbackQuery, AnswerPreCheckoutQuery, SendMessage};
use std::sync::Arc;
use subtle::ConstantTimeEq;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The webhook route, to merge into the platform's router.
pub(crate) fn router(runtime: Arc<RuntimeInner>) -> Router {
    Router::new().route("/webhook/{bot_id}", post(receive)).with_state(runtime)
}

async fn receive(
    State(runtime): State<Arc<RuntimeInner>>,
    Path(bot_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    check_and_handle(runtime, bot_id, headers, body).await
}

async fn check_and_handle(runtime: Arc<RuntimeInner>, bot_id: String, headers: HeaderMap, body: Bytes) -> Response {
    let Ok(bot_id) = bot_id.parse::<BotId>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(bot) = runtime.registry.get(bot_id) else {
        if let Some(bot) = runtime.registry.suspended(bot_id) {
            return polite(&runtime, &bot, &headers, &body).await;
        }
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
    match runtime.handle_webhook(&bot, payload.to_owned(), meta).await {
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

/// The answer to an update of a suspended bot: one polite line, or nothing;
/// money that arrived is held for later (a 5xx when it could not be, so
/// Telegram delivers it again).
async fn polite(runtime: &RuntimeInner, bot: &bazar_store::SuspendedBot, headers: &HeaderMap, body: &[u8]) -> Response {
    let presented = headers.get(SECRET_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    if !bool::from(presented.ct_eq(bot.webhook_secret.as_bytes())) {
        metrics::counter!("bazar_updates_dropped_total", "reason" => "bad_secret").increment(1);
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(update) = serde_json::from_slice::<serde_json::Value>(body) else {
        return StatusCode::OK.into_response();
    };
    if carries_money(&update) {
        return if hold(runtime, bot, &update).await {
            StatusCode::OK.into_response()
        } else {
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        };
    }
    metrics::counter!("bazar_updates_dropped_total", "reason" => "suspended_bot").increment(1);
    match polite_call(runtime, bot, &update) {
        Some(call) => {
            let mut params = call.params;
            params["method"] = serde_json::Value::String(call.method.to_owned());
            (StatusCode::OK, Json(params)).into_response()
        }
        None => StatusCode::OK.into_response(),
    }
}

/// Registers a suspended bot's webhook (same URL, secret and updates as an
/// active bot's, so nothing changes on resume). Nothing of the tenant is
/// recorded: a failure is logged and the bot stays silent until it resumes.
pub(crate) async fn register_polite(rt: &RuntimeInner, bot: &bazar_store::SuspendedBot, public_url: &str) {
    let url = format!("{}/webhook/{}", public_url.trim_end_matches('/'), bot.bot_id);
    let updates = crate::update_meta::ALLOWED_UPDATES;
    if let Err(e) = rt.api.set_webhook(&bot.token, &url, &bot.webhook_secret, updates).await {
        tracing::warn!(bot_id = %bot.bot_id, error = %e, "setWebhook for a suspended bot failed");
    }
}

/// Whether an update of a suspended bot reports money Telegram has already
/// taken (a Stars `successful_payment`): it must be credited, not dropped.
pub(crate) fn carries_money(update: &serde_json::Value) -> bool {
    update.pointer("/message/successful_payment").is_some()
}

/// Holds a money-bearing update of a suspended bot in the inbox until the
/// bot is served again (when the registry re-adds it, its pending rows are
/// queued). False (logged) when it is not stored — the database failed, or the
/// bot is no longer suspended (resumed a moment ago): it must not be
/// confirmed, so Telegram delivers it again to whoever serves the bot now.
pub(crate) async fn hold(rt: &RuntimeInner, bot: &bazar_store::SuspendedBot, update: &serde_json::Value) -> bool {
    let Some(update_id) = update.get("update_id").and_then(serde_json::Value::as_i64) else { return true };
    match rt.store.platform(&rt.platform).hold_suspended_update(bot.bot_id, update_id, &update.to_string()).await {
        Ok(true) => {
            metrics::counter!("bazar_updates_held_total").increment(1);
            tracing::info!(bot_id = %bot.bot_id, update_id, "a payment for a suspended bot is held until it resumes");
            true
        }
        Ok(false) => {
            tracing::info!(bot_id = %bot.bot_id, update_id, "a payment for a bot no longer suspended; not confirmed");
            false
        }
        Err(e) => {
            tracing::error!(bot_id = %bot.bot_id, update_id, error = %e, "could not hold a payment for a suspended bot");
            false
        }
    }
}

/// The call answering an update of a suspended bot, if one is due: the
/// webhook reply, or the polite poller's request — fitted to Telegram's
/// limits like every other call (the shop's name is in it).
pub(crate) fn polite_call(
    rt: &RuntimeInner,
    bot: &bazar_store::SuspendedBot,
    update: &serde_json::Value,
) -> Option<Outgoing> {
    let handler = &rt.handler;
    if let Some(query) = update.get("callback_query") {
        let language = query.pointer("/from/language_code").and_then(|l| l.as_str());
        let text = handler.unavailable_text(&bot.name, language);
        let id = query.get("id")?.as_str()?;
        let answer = AnswerCallbackQuery { callback_query_id: id.to_owned(), text: Some(text), show_alert: true };
        return Some(Outgoing::call(answer));
    }
    if let Some(query) = update.get("pre_checkout_query") {
        // No new Stars are taken while the shop cannot deliver what they buy.
        let language = query.pointer("/from/language_code").and_then(|l| l.as_str());
        let text = handler.unavailable_text(&bot.name, language);
        let id = query.get("id")?.as_str()?;
        let refusal =
            AnswerPreCheckoutQuery { pre_checkout_query_id: id.to_owned(), ok: false, error_message: Some(text) };
        return Some(Outgoing::call(refusal));
    }
    if carries_money(update) {
        return None; // held, and answered by the shop once it resumes
    }
    let message = update.get("message")?;
    // Only private chats: a suspended shop stays quiet in groups.
    if message.pointer("/chat/type").and_then(|t| t.as_str()) != Some("private") {
        return None;
    }
    let chat = message.pointer("/chat/id")?.as_i64()?;
    if !rt.registry.may_tell(bot.bot_id, chat) {
        return None;
    }
    let language = message.pointer("/from/language_code").and_then(|l| l.as_str());
    let text = handler.unavailable_text(&bot.name, language);
    Some(Outgoing::call(SendMessage::new(chat, text)))
}
