//! Typed routing of an update: what kind of input it is, before any handling.

use bazar_telegram::update::MaybeInaccessibleMessage;
use bazar_telegram::update::{Update, UpdateContent};

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
    /// A photo (a receipt, usually), with its caption.
    Photo {
        /// Telegram's file id of the largest size.
        file_id: String,
        /// The caption, if any.
        caption: Option<String>,
    },
    /// Telegram asks whether a Stars invoice may still be paid (answer within 10 s).
    PreCheckout {
        /// To answer with `answerPreCheckoutQuery`.
        query_id: String,
        /// The invoice payload.
        payload: String,
        /// Currency (`XTR`).
        currency: String,
        /// Total in the currency's smallest unit.
        total: i64,
    },
    /// A Stars payment went through.
    Paid {
        /// The invoice payload.
        payload: String,
        /// Telegram's charge id: the payment's identity.
        charge_id: String,
        /// Currency (`XTR`).
        currency: String,
        /// Total paid.
        total: i64,
    },
    /// Anything else (photos, stickers…).
    Other,
}

impl Route {
    /// Classifies an update.
    pub fn of(update: &Update) -> Self {
        match &update.content {
            UpdateContent::Message(m) if m.successful_payment.is_some() => {
                let paid = m.successful_payment.as_deref().expect("checked");
                Route::Paid {
                    payload: paid.invoice_payload.clone(),
                    charge_id: paid.telegram_payment_charge_id.clone(),
                    currency: paid.currency.clone(),
                    total: i64::from(paid.total_amount),
                }
            }
            UpdateContent::Message(m) if m.photo.is_some() => match m.photo.as_ref().and_then(|sizes| sizes.last()) {
                Some(largest) => Route::Photo { file_id: largest.file_id.clone(), caption: m.caption.clone() },
                None => Route::Other,
            },
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
            UpdateContent::PreCheckoutQuery(q) => Route::PreCheckout {
                query_id: q.id.clone(),
                payload: q.invoice_payload.clone(),
                currency: q.currency.clone(),
                total: i64::from(q.total_amount),
            },
            _ => Route::Other,
        }
    }
}
