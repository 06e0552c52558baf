//! Calls that answer users or configure the bot rather than send messages:
//! callback and pre-checkout answers, commands, Star refunds, chat actions.
//! Queries can be answered once and only if they were pushed as updates, and
//! a Star charge refunded once, like on Telegram: double answers and double
//! refunds are bugs a test should see.

use super::envelope::{ApiError, ApiResult};
use super::methods::Ctx;
use serde_json::Value;

const CHAT_ACTIONS: [&str; 11] = [
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

pub(crate) fn answer_callback_query(ctx: &Ctx) -> ApiResult {
    let id = ctx.params.required_str("callback_query_id", "QUERY_ID_INVALID")?;
    if ctx.params.str("text").is_some_and(|t| t.encode_utf16().count() > 200) {
        return Err(ApiError::bad_request("MESSAGE_TOO_LONG"));
    }
    let mut state = ctx.bot.state.lock().unwrap();
    if !state.open_callback_queries.remove(&id) {
        return Err(ApiError::bad_request("query is too old and response timeout expired or query ID is invalid"));
    }
    state.callback_answers.push(ctx.params.to_value());
    Ok(Value::Bool(true))
}

pub(crate) fn answer_pre_checkout_query(ctx: &Ctx) -> ApiResult {
    let id = ctx.params.required_str("pre_checkout_query_id", "QUERY_ID_INVALID")?;
    if ctx.params.get("ok").is_none() {
        return Err(ApiError::bad_request("ok is empty"));
    }
    if !ctx.params.bool("ok") && ctx.params.str("error_message").is_none_or(|m| m.is_empty()) {
        return Err(ApiError::bad_request("ERROR_MESSAGE_EMPTY"));
    }
    let mut state = ctx.bot.state.lock().unwrap();
    if !state.open_pre_checkout_queries.remove(&id) {
        return Err(ApiError::bad_request("QUERY_ID_INVALID"));
    }
    state.pre_checkout_answers.push(ctx.params.to_value());
    Ok(Value::Bool(true))
}

/// Commands are kept per (scope, language), like Telegram's command menus.
pub(crate) fn set_my_commands(ctx: &Ctx) -> ApiResult {
    let commands = ctx.params.json("commands")?.ok_or_else(|| ApiError::bad_request("commands is empty"))?;
    let list = commands.as_array().ok_or_else(|| ApiError::bad_request("can't parse commands JSON array"))?;
    for command in list {
        let name = command.get("command").and_then(Value::as_str).unwrap_or("");
        let valid = (1..=32).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ApiError::bad_request("BOT_COMMAND_INVALID"));
        }
        let description = command.get("description").and_then(Value::as_str).unwrap_or("");
        if !(1..=256).contains(&description.chars().count()) {
            return Err(ApiError::bad_request("BOT_COMMAND_DESCRIPTION_INVALID"));
        }
    }
    ctx.bot.state.lock().unwrap().commands.insert(commands_key(ctx)?, commands);
    Ok(Value::Bool(true))
}

pub(crate) fn get_my_commands(ctx: &Ctx) -> ApiResult {
    let key = commands_key(ctx)?;
    Ok(ctx.bot.state.lock().unwrap().commands.get(&key).cloned().unwrap_or(Value::Array(Vec::new())))
}

pub(crate) fn delete_my_commands(ctx: &Ctx) -> ApiResult {
    let key = commands_key(ctx)?;
    ctx.bot.state.lock().unwrap().commands.remove(&key);
    Ok(Value::Bool(true))
}

/// (scope as compact JSON, language code); the default scope is `{"type":"default"}`.
pub(crate) fn commands_key(ctx: &Ctx) -> Result<(String, String), ApiError> {
    let scope = ctx.params.json("scope")?.unwrap_or_else(|| serde_json::json!({"type": "default"}));
    Ok((scope.to_string(), ctx.params.str("language_code").unwrap_or_default()))
}

/// Refunds a Star payment seen in a pushed `successful_payment` update, once.
pub(crate) fn refund_star_payment(ctx: &Ctx) -> ApiResult {
    ctx.params.required_i64("user_id")?;
    let charge = ctx.params.required_str("telegram_payment_charge_id", "CHARGE_ID_EMPTY")?;
    let mut state = ctx.bot.state.lock().unwrap();
    match state.charges.get_mut(&charge) {
        None => Err(ApiError::bad_request("CHARGE_ID_INVALID")),
        Some(true) => Err(ApiError::bad_request("CHARGE_ALREADY_REFUNDED")),
        Some(refunded) => {
            *refunded = true;
            Ok(Value::Bool(true))
        }
    }
}

/// "typing…" and friends: not a message, so only blocked chats refuse it.
pub(crate) fn send_chat_action(ctx: &Ctx) -> ApiResult {
    let chat_id = ctx.params.chat("chat_id")?;
    let action = ctx.params.required_str("action", "action is empty")?;
    if !CHAT_ACTIONS.contains(&action.as_str()) {
        return Err(ApiError::bad_request("wrong parameter action in request"));
    }
    ctx.admit(&mut ctx.bot.state.lock().unwrap(), Some(chat_id))?;
    Ok(Value::Bool(true))
}
