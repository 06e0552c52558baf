//! Typed routing of an update: what kind of input it is, before any handling.

use bazar_telegram::frankenstein::types::MaybeInaccessibleMessage;
use bazar_telegram::frankenstein::updates::{Update, UpdateContent};

/// The kinds of input the customer bot distinguishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/start` with an optional deep-link payload (`/start ref_abc`).
    Start {
        /// Text after `/start`.
        payload: Option<String>,
    },
    /// Another `/command`.
    Command(String),
    /// A button press.
    Button {
        /// To answer with `answerCallbackQuery`.
        query_id: String,
        /// The message carrying the button (edited in place).
        message_id: Option<i32>,
        /// The button's data.
        data: String,
    },
    /// Plain text.
    Text(String),
    /// Anything else (photos, stickers…).
    Other,
}

impl Route {
    /// Classifies an update.
    pub fn of(update: &Update) -> Self {
        match &update.content {
            UpdateContent::Message(m) => match m.text.as_deref().map(str::trim) {
                Some(text) if text.starts_with('/') => {
                    let (command, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
                    // `/start@shop_bot` in groups names the bot; drop it.
                    let command = command.split('@').next().unwrap_or(command).to_ascii_lowercase();
                    let payload = Some(rest.trim().to_owned()).filter(|p| !p.is_empty());
                    if command == "/start" { Route::Start { payload } } else { Route::Command(command) }
                }
                Some(text) => Route::Text(text.to_owned()),
                None => Route::Other,
            },
            UpdateContent::CallbackQuery(q) => Route::Button {
                query_id: q.id.clone(),
                message_id: match &q.message {
                    Some(MaybeInaccessibleMessage::Message(m)) => Some(m.message_id),
                    Some(MaybeInaccessibleMessage::InaccessibleMessage(m)) => Some(m.message_id),
                    None => None,
                },
                data: q.data.clone().unwrap_or_default(),
            },
            _ => Route::Other,
        }
    }
}
