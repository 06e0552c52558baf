//! The HTTP side: routes `/bot{token}/{method}` and `/file/bot{token}/{path}`,
//! authenticates the token, parses parameters, records the call, applies
//! injected failures, and dispatches to the method handlers.

use super::envelope::{ApiError, ApiResult, respond};
use super::files;
use super::methods::{self, Ctx};
use super::params::Params;
use super::polling;
use super::records::{RecordedCall, Refusal};
use super::state::{Bot, Shared};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Telegram accepts uploads of up to 50 MB.
const MAX_BODY: usize = 60 * 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(shared)
}

async fn handle(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path();
    if let Some(rest) = path.strip_prefix("/file/bot") {
        return files::download(&shared, rest);
    }
    let Some((token, method)) = path.strip_prefix("/bot").and_then(|p| p.split_once('/')) else {
        return ApiError::not_found(None).into_response();
    };
    let Some(bot) = shared.bot_by_token(token) else {
        return ApiError::unauthorized().into_response();
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let params = match Params::parse(uri.query(), content_type, &body) {
        Ok(params) => params,
        Err(err) => return err.into_response(),
    };
    respond(execute(&shared, &bot, &method.to_ascii_lowercase(), params).await)
}

/// Runs one call of `bot` (from HTTP, or from a webhook's answer).
pub(crate) async fn execute(shared: &Arc<Shared>, bot: &Arc<Bot>, method: &str, params: Params) -> ApiResult {
    shared.record_call(RecordedCall { bot_id: bot.info.id, method: method.to_owned(), params: params.to_value() });
    if let Some(status) = shared.failures.take(method) {
        if status == 429 {
            shared.count_too_many(bot);
        }
        return Err(ApiError::with_status(status));
    }
    if method == "getupdates" {
        return polling::get_updates(bot, &params).await;
    }
    if method == "sendmessage" {
        shared.hold.pass().await;
    }
    let result = methods::call(&Ctx { shared, bot, method, params: &params });
    if let Err(err) = &result
        && err.status == 400
    {
        shared.record_refusal(Refusal {
            bot_id: bot.info.id,
            method: method.to_owned(),
            description: err.description.clone(),
            params: params.to_value(),
        });
    }
    result
}
