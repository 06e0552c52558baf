//! Sending: `sendMessage`, `sendPhoto`, `sendDocument`, `sendInvoice`,
//! `copyMessage`, `forwardMessage`. Each answers the `Message` Telegram would
//! (ids sequential per chat from 1, `from` = the bot, inline keyboards echoed),
//! stores it so it can be edited, copied or deleted, and records it.

use super::envelope::{ApiError, ApiResult};
use super::files::{self, Kind};
use super::methods::Ctx;
use super::params::Params;
use super::records::FakeBot;
use super::state::{BotState, unix_now};
use super::text::check_len;
use serde_json::{Map, Value, json};
use std::time::Instant;

pub(crate) const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;
const MAX_INVOICE_TITLE: usize = 32;
const MAX_INVOICE_DESCRIPTION: usize = 255;
const MAX_CALLBACK_DATA: usize = 64;
/// Keys of an inline button that give it an action; a button needs exactly one.
const BUTTON_ACTIONS: [&str; 10] = [
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
];
/// Message content that copies and forwards carry over.
const CONTENT_KEYS: [&str; 6] = ["text", "entities", "caption", "caption_entities", "photo", "document"];

/// Message content being built: the keys after `message_id`/`from`/`chat`/`date`.
pub(crate) type Content = Map<String, Value>;

pub(crate) fn send_message(ctx: &Ctx) -> ApiResult {
    let p = ctx.params;
    let chat_id = p.chat("chat_id")?;
    let text = p.required_str("text", "message text is empty")?;
    check_len(&text, p.str("parse_mode").as_deref(), MAX_TEXT, "message is too long")?;
    let mut content = Content::new();
    content.insert("text".into(), Value::String(text));
    if let Some(entities) = p.json("entities")? {
        content.insert("entities".into(), entities);
    }
    deliver(ctx, chat_id, |_| Ok(content))
}

pub(crate) fn send_photo(ctx: &Ctx) -> ApiResult {
    let chat_id = ctx.params.chat("chat_id")?;
    let caption = caption(ctx.params)?;
    deliver(ctx, chat_id, |state| {
        let file = files::input(ctx, state, "photo", Kind::Photo)?;
        let mut content = Content::new();
        content.insert("photo".into(), files::photo_sizes(state, &file));
        content.extend(caption);
        Ok(content)
    })
}

pub(crate) fn send_document(ctx: &Ctx) -> ApiResult {
    let chat_id = ctx.params.chat("chat_id")?;
    let caption = caption(ctx.params)?;
    deliver(ctx, chat_id, |state| {
        let file = files::input(ctx, state, "document", Kind::Document)?;
        let mut content = Content::new();
        content.insert("document".into(), files::document(&file));
        content.extend(caption);
        Ok(content)
    })
}

pub(crate) fn send_invoice(ctx: &Ctx) -> ApiResult {
    let p = ctx.params;
    let chat_id = p.chat("chat_id")?;
    let title = p.required_str("title", "title is empty")?;
    let description = p.required_str("description", "description is empty")?;
    check_len(&title, None, MAX_INVOICE_TITLE, "invoice title is too long")?;
    check_len(&description, None, MAX_INVOICE_DESCRIPTION, "invoice description is too long")?;
    p.required_str("payload", "payload is empty")?;
    let currency = p.required_str("currency", "currency is empty")?;
    let prices = p.json("prices")?.and_then(|v| v.as_array().cloned()).unwrap_or_default();
    if prices.is_empty() {
        return Err(ApiError::bad_request("prices are empty"));
    }
    let mut total = 0i64;
    for price in &prices {
        let amount = price.get("amount").and_then(|a| a.as_i64().or_else(|| a.as_str()?.parse().ok()));
        total += amount.ok_or_else(|| ApiError::bad_request("can't parse prices JSON array"))?;
    }
    let invoice = json!({
        "title": title,
        "description": description,
        "start_parameter": p.str("start_parameter").unwrap_or_default(),
        "currency": currency,
        "total_amount": total,
    });
    deliver(ctx, chat_id, |_| Ok(Content::from_iter([("invoice".to_owned(), invoice)])))
}

/// Answers a `MessageId` only, as Telegram does for copies.
pub(crate) fn copy_message(ctx: &Ctx) -> ApiResult {
    let p = ctx.params;
    let chat_id = p.chat("chat_id")?;
    let (from_chat, message_id) = (p.chat("from_chat_id")?, p.required_i64("message_id")?);
    let new_caption = caption(p)?;
    let message = deliver(ctx, chat_id, |state| {
        let source = find_message(state, from_chat, message_id)
            .ok_or_else(|| ApiError::bad_request("message to copy not found"))?;
        let mut content = carried_content(source);
        if p.get("caption").is_some() && !content.contains_key("text") {
            content.remove("caption");
            content.remove("caption_entities");
            content.extend(new_caption);
        }
        Ok(content)
    })?;
    Ok(json!({ "message_id": message["message_id"] }))
}

pub(crate) fn forward_message(ctx: &Ctx) -> ApiResult {
    let p = ctx.params;
    let chat_id = p.chat("chat_id")?;
    let (from_chat, message_id) = (p.chat("from_chat_id")?, p.required_i64("message_id")?);
    deliver(ctx, chat_id, |state| {
        let source = find_message(state, from_chat, message_id)
            .ok_or_else(|| ApiError::bad_request("message to forward not found"))?;
        let origin = match source.get("from") {
            Some(user) => json!({"type": "user", "sender_user": user, "date": source["date"]}),
            None => json!({"type": "hidden_user", "sender_user_name": "Unknown", "date": source["date"]}),
        };
        let mut content = carried_content(source);
        content.insert("forward_origin".into(), origin);
        Ok(content)
    })
}

/// Builds, admits, numbers, stores and records one outgoing message.
/// `build` runs first, under the bot's lock, so bad requests answer 400
/// before any limit is consulted (and never consume the flood budget).
fn deliver(ctx: &Ctx, chat_id: i64, build: impl FnOnce(&mut BotState) -> Result<Content, ApiError>) -> ApiResult {
    let markup = inline_markup(ctx.params)?;
    let at = Instant::now();
    let (message_id, message) = {
        let mut state = ctx.bot.state.lock().unwrap();
        let content = build(&mut state)?;
        ctx.admit(&mut state, Some(chat_id))?;
        let log = state.chats.entry(chat_id).or_default();
        log.last_message_id += 1;
        let id = log.last_message_id;
        let message = new_message(&ctx.bot.info, chat_id, id, content, markup);
        log.messages.insert(id, message.clone());
        (id, message)
    };
    ctx.record_sent(chat_id, message_id, text_of(&message), at);
    Ok(message)
}

fn new_message(bot: &FakeBot, chat_id: i64, id: i64, content: Content, markup: Option<Value>) -> Value {
    let mut message = Content::new();
    message.insert("message_id".into(), id.into());
    message.insert(
        "from".into(),
        json!({"id": bot.id, "is_bot": true, "first_name": bot.first_name, "username": bot.username}),
    );
    message.insert("chat".into(), chat(chat_id));
    message.insert("date".into(), unix_now().into());
    message.extend(content);
    if let Some(markup) = markup {
        message.insert("reply_markup".into(), markup);
    }
    Value::Object(message)
}

/// A `Chat` object: positive ids are private chats with users, negative ones groups.
pub(crate) fn chat(chat_id: i64) -> Value {
    if chat_id >= 0 {
        json!({"id": chat_id, "type": "private"})
    } else {
        json!({"id": chat_id, "type": "supergroup", "title": format!("Group {chat_id}")})
    }
}

/// A message the bot can refer to: one it sent, or one it received in an update.
pub(crate) fn find_message(state: &BotState, chat_id: i64, message_id: i64) -> Option<&Value> {
    state
        .chats
        .get(&chat_id)
        .and_then(|log| log.messages.get(&message_id))
        .or_else(|| state.incoming.get(&(chat_id, message_id)))
}

fn carried_content(source: &Value) -> Content {
    CONTENT_KEYS.iter().filter_map(|k| Some(((*k).to_owned(), source.get(*k)?.clone()))).collect()
}

/// The text a user sees: `text`, or `caption` for media.
pub(crate) fn text_of(message: &Value) -> Option<String> {
    message.get("text").or_else(|| message.get("caption")).and_then(Value::as_str).map(str::to_owned)
}

/// `caption` and `caption_entities`, checked against Telegram's caption limit.
pub(crate) fn caption(p: &Params) -> Result<Content, ApiError> {
    let mut content = Content::new();
    if let Some(caption) = p.str("caption").filter(|c| !c.is_empty()) {
        check_len(&caption, p.str("parse_mode").as_deref(), MAX_CAPTION, "message caption is too long")?;
        content.insert("caption".into(), Value::String(caption));
        if let Some(entities) = p.json("caption_entities")? {
            content.insert("caption_entities".into(), entities);
        }
    }
    Ok(content)
}

/// Validates `reply_markup` and returns what the answered `Message` echoes:
/// only non-empty inline keyboards (reply keyboards are never echoed).
pub(crate) fn inline_markup(p: &Params) -> Result<Option<Value>, ApiError> {
    let Some(markup) = p.json("reply_markup")? else { return Ok(None) };
    let Some(object) = markup.as_object() else {
        return Err(ApiError::bad_request("can't parse reply keyboard markup JSON object"));
    };
    let Some(rows) = object.get("inline_keyboard") else { return Ok(None) };
    let rows = rows.as_array().ok_or_else(|| {
        ApiError::bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array")
    })?;
    for row in rows {
        let row = row.as_array().ok_or_else(|| {
            ApiError::bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
        })?;
        for button in row {
            check_button(button)?;
        }
    }
    let empty = rows.iter().all(|r| r.as_array().is_some_and(Vec::is_empty));
    Ok((!empty).then_some(markup))
}

fn check_button(button: &Value) -> Result<(), ApiError> {
    if button.get("text").and_then(Value::as_str).is_none() {
        return Err(ApiError::bad_request("can't parse inline keyboard button: Text is empty"));
    }
    if !BUTTON_ACTIONS.iter().any(|k| button.get(*k).is_some()) {
        return Err(ApiError::bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ));
    }
    match button.get("callback_data").map(Value::as_str) {
        Some(Some(data)) if data.is_empty() || data.len() > MAX_CALLBACK_DATA => {
            Err(ApiError::bad_request("BUTTON_DATA_INVALID"))
        }
        _ => Ok(()),
    }
}
