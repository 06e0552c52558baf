//! `editMessageText`, `editMessageCaption`, `editMessageReplyMarkup` and
//! `deleteMessage` on the messages the bot sent. Telegram's refusals that
//! bots commonly trip over are reproduced: editing a missing message, and the
//! infamous `message is not modified` when nothing changes.

use super::envelope::{ApiError, ApiResult};
use super::messages::{MAX_TEXT, caption, inline_markup, text_of};
use super::methods::Ctx;
use super::state::unix_now;
use super::text::check_len;
use serde_json::{Map, Value};
use std::time::Instant;

const NOT_MODIFIED: &str = "message is not modified: specified new message content and reply markup are exactly \
                            the same as a current content and reply markup of the message";

/// Which part of the message an edit replaces.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Edit {
    Text,
    Caption,
    ReplyMarkup,
}

pub(crate) fn edit(ctx: &Ctx, kind: Edit) -> ApiResult {
    let p = ctx.params;
    let mut content = Map::new();
    match kind {
        Edit::Text => {
            let text = p.required_str("text", "message text is empty")?;
            check_len(&text, p.str("parse_mode").as_deref(), MAX_TEXT, "message is too long")?;
            content.insert("text".into(), Value::String(text));
            if let Some(entities) = p.json("entities")? {
                content.insert("entities".into(), entities);
            }
        }
        Edit::Caption => content = caption(p)?,
        Edit::ReplyMarkup => {}
    }
    let markup = inline_markup(p)?;
    let at = Instant::now();
    if p.get("inline_message_id").is_some() {
        // Inline messages live in chats the fake does not know: accept and record.
        ctx.admit(&mut ctx.bot.state.lock().unwrap(), None)?;
        ctx.record_sent(
            0,
            0,
            content.get("text").or(content.get("caption")).and_then(Value::as_str).map(Into::into),
            at,
        );
        return Ok(Value::Bool(true));
    }
    let chat_id = p.chat("chat_id")?;
    let message_id =
        p.i64("message_id")?.ok_or_else(|| ApiError::bad_request("message identifier is not specified"))?;
    let edited = {
        let mut state = ctx.bot.state.lock().unwrap();
        let message = state
            .chats
            .get(&chat_id)
            .and_then(|log| log.messages.get(&message_id))
            .ok_or_else(|| ApiError::bad_request("message to edit not found"))?;
        let mut updated = message.as_object().cloned().unwrap_or_default();
        let has_text = updated.contains_key("text");
        if kind == Edit::Text && !has_text {
            return Err(ApiError::bad_request("there is no text in the message to edit"));
        }
        if kind == Edit::Caption && has_text {
            return Err(ApiError::bad_request("there is no caption in the message to edit"));
        }
        let replaced: &[&str] = match kind {
            Edit::Text => &["text", "entities"],
            Edit::Caption => &["caption", "caption_entities"],
            Edit::ReplyMarkup => &[],
        };
        for key in replaced.iter().chain(&["edit_date", "reply_markup"]) {
            updated.remove(*key);
        }
        updated.extend(content);
        if let Some(markup) = markup {
            updated.insert("reply_markup".into(), markup);
        }
        let mut previous = message.as_object().cloned().unwrap_or_default();
        previous.remove("edit_date");
        if previous == updated {
            return Err(ApiError::bad_request(NOT_MODIFIED));
        }
        ctx.admit(&mut state, Some(chat_id))?;
        updated.insert("edit_date".into(), unix_now().into());
        let updated = Value::Object(updated);
        if let Some(log) = state.chats.get_mut(&chat_id) {
            log.messages.insert(message_id, updated.clone());
        }
        updated
    };
    ctx.record_sent(chat_id, message_id, text_of(&edited), at);
    Ok(edited)
}

/// Deletes a message the bot sent or received; answers `true`.
pub(crate) fn delete_message(ctx: &Ctx) -> ApiResult {
    let chat_id = ctx.params.chat("chat_id")?;
    let message_id = ctx.params.required_i64("message_id")?;
    let mut state = ctx.bot.state.lock().unwrap();
    let sent = state.chats.get_mut(&chat_id).and_then(|log| log.messages.remove(&message_id));
    let received = state.incoming.remove(&(chat_id, message_id));
    if sent.is_none() && received.is_none() {
        return Err(ApiError::bad_request("message to delete not found"));
    }
    Ok(Value::Bool(true))
}
