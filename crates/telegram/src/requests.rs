//! The Bot API calls Bazar makes, as typed parameters: each struct is one
//! method (its name is [`BotMethod::METHOD`], never a string at a call site)
//! and serializes to exactly the parameters Telegram documents, optional
//! ones left out when unset.
//!
//! Keyboards are typed too: an [`InlineKeyboard`] is rows of
//! [`InlineButton`]s, each either a callback button or a link.

use serde::Serialize;

/// One Bot API method's parameters.
pub trait BotMethod: Serialize {
    /// The method's name, as in `https://api.telegram.org/bot…/{METHOD}`.
    const METHOD: &'static str;
}

/// How Telegram parses a text or caption. Bazar writes plain text or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParseMode {
    /// `<b>`, `<code>`, … (what Bazar escapes for).
    #[serde(rename = "HTML")]
    Html,
}

/// An inline keyboard: rows of buttons under a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InlineKeyboard {
    /// The rows, top to bottom.
    pub inline_keyboard: Vec<Vec<InlineButton>>,
}

impl InlineKeyboard {
    /// A keyboard of `rows`.
    pub fn new(rows: Vec<Vec<InlineButton>>) -> Self {
        Self { inline_keyboard: rows }
    }

    /// No buttons (removes a message's keyboard when edited in).
    pub fn empty() -> Self {
        Self::default()
    }
}

/// One inline button: a label and what pressing it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InlineButton {
    /// The label.
    pub text: String,
    /// What it does.
    #[serde(flatten)]
    pub action: ButtonAction,
}

/// What an inline button does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonAction {
    /// Sends this data back to the bot as a callback query (1-64 bytes).
    CallbackData(String),
    /// Opens this URL.
    Url(String),
}

impl InlineButton {
    /// A button that calls the bot back with `data`.
    pub fn callback(text: impl Into<String>, data: impl Into<String>) -> Self {
        Self { text: text.into(), action: ButtonAction::CallbackData(data.into()) }
    }

    /// A button that opens `url`.
    pub fn url(text: impl Into<String>, url: impl Into<String>) -> Self {
        Self { text: text.into(), action: ButtonAction::Url(url.into()) }
    }
}

/// What may go under a message: an inline keyboard, or a request to reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ReplyMarkup {
    /// Buttons under the message.
    Inline(InlineKeyboard),
    /// Opens the reply field on the user's side (`force_reply`), only for
    /// the users the message mentions or answers (`selective`).
    ForceReply {
        /// Always `true`.
        force_reply: bool,
        /// Only the addressed users.
        selective: bool,
    },
}

impl ReplyMarkup {
    /// Asks the addressed user for a reply.
    pub fn force_reply() -> Self {
        Self::ForceReply { force_reply: true, selective: true }
    }
}

impl From<InlineKeyboard> for ReplyMarkup {
    fn from(keyboard: InlineKeyboard) -> Self {
        Self::Inline(keyboard)
    }
}

/// `sendMessage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendMessage {
    /// The chat.
    pub chat_id: i64,
    /// The text.
    pub text: String,
    /// How the text is parsed (plain when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<ParseMode>,
    /// Buttons, or a reply request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_markup: Option<ReplyMarkup>,
}

impl SendMessage {
    /// Plain `text` to `chat_id`.
    pub fn new(chat_id: i64, text: impl Into<String>) -> Self {
        Self { chat_id, text: text.into(), parse_mode: None, reply_markup: None }
    }
}

/// `html()` and `markup()` for the requests that carry a formatted text (or
/// caption) and buttons under it.
macro_rules! formatted {
    ($($request:ty),*) => {$(
        impl $request {
            /// The text (or caption) is HTML.
            pub fn html(mut self) -> Self {
                self.parse_mode = Some(ParseMode::Html);
                self
            }

            /// With `markup` under it.
            pub fn markup(mut self, markup: impl Into<ReplyMarkup>) -> Self {
                self.reply_markup = Some(markup.into());
                self
            }
        }
    )*};
}

formatted!(SendMessage, SendPhoto);

impl BotMethod for SendMessage {
    const METHOD: &'static str = "sendMessage";
}

/// `sendPhoto`: a photo by `file_id` (or, with an upload, the attached file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendPhoto {
    /// The chat.
    pub chat_id: i64,
    /// A `file_id` Telegram knows; `None` when the photo is uploaded with the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// The caption.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// How the caption is parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<ParseMode>,
    /// Buttons under it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_markup: Option<ReplyMarkup>,
}

impl SendPhoto {
    /// A photo to `chat_id`: `photo` a `file_id`, or `None` when the file is
    /// uploaded with the call.
    pub fn new(chat_id: i64, photo: Option<String>) -> Self {
        Self { chat_id, photo, caption: None, parse_mode: None, reply_markup: None }
    }

    /// With `caption` under it.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }
}

impl BotMethod for SendPhoto {
    const METHOD: &'static str = "sendPhoto";
}

/// `editMessageText`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditMessageText {
    /// The chat.
    pub chat_id: i64,
    /// The message.
    pub message_id: i64,
    /// Its new text.
    pub text: String,
    /// How the text is parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<ParseMode>,
    /// Its new keyboard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_markup: Option<InlineKeyboard>,
}

impl BotMethod for EditMessageText {
    const METHOD: &'static str = "editMessageText";
}

/// `editMessageReplyMarkup`: a message's buttons replaced (or removed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditMessageReplyMarkup {
    /// The chat.
    pub chat_id: i64,
    /// The message.
    pub message_id: i64,
    /// Its new keyboard.
    pub reply_markup: InlineKeyboard,
}

impl BotMethod for EditMessageReplyMarkup {
    const METHOD: &'static str = "editMessageReplyMarkup";
}

/// `deleteMessage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeleteMessage {
    /// The chat.
    pub chat_id: i64,
    /// The message.
    pub message_id: i64,
}

impl BotMethod for DeleteMessage {
    const METHOD: &'static str = "deleteMessage";
}

/// `answerCallbackQuery`: stops the button's spinner, optionally with a toast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerCallbackQuery {
    /// The query.
    pub callback_query_id: String,
    /// The toast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// An alert the user must dismiss instead of a toast.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub show_alert: bool,
}

impl BotMethod for AnswerCallbackQuery {
    const METHOD: &'static str = "answerCallbackQuery";
}

/// `answerPreCheckoutQuery`: yes, or no with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerPreCheckoutQuery {
    /// The query.
    pub pre_checkout_query_id: String,
    /// Whether the payment may go ahead.
    pub ok: bool,
    /// Why not (shown to the user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl BotMethod for AnswerPreCheckoutQuery {
    const METHOD: &'static str = "answerPreCheckoutQuery";
}

/// `refundStarPayment`: gives a customer the Stars of a charge back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundStarPayment {
    /// The customer who paid.
    pub user_id: i64,
    /// Telegram's id of the charge.
    pub telegram_payment_charge_id: String,
}

impl BotMethod for RefundStarPayment {
    const METHOD: &'static str = "refundStarPayment";
}

/// One priced line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabeledPrice {
    /// The line's label.
    pub label: String,
    /// In the smallest unit of the currency (Stars: whole Stars).
    pub amount: i64,
}

/// `sendInvoice` (Telegram Stars: currency `XTR`, no provider token).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendInvoice {
    /// The chat.
    pub chat_id: i64,
    /// 1-32 characters.
    pub title: String,
    /// 1-255 characters.
    pub description: String,
    /// Bazar's own payload, returned with the payment (1-128 bytes).
    pub payload: String,
    /// `XTR` for Stars.
    pub currency: String,
    /// The priced lines.
    pub prices: Vec<LabeledPrice>,
}

impl BotMethod for SendInvoice {
    const METHOD: &'static str = "sendInvoice";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_wire_form_is_telegrams() {
        let keyboard = InlineKeyboard::new(vec![vec![
            InlineButton::callback("Buy", "v1.3.p"),
            InlineButton::url("Pay", "https://example.com/pay"),
        ]]);
        let message = SendMessage::new(5, "<b>hi</b>").html().markup(keyboard);
        assert_eq!(
            serde_json::to_value(&message).unwrap(),
            json!({"chat_id": 5, "text": "<b>hi</b>", "parse_mode": "HTML", "reply_markup": {"inline_keyboard": [[
                {"text": "Buy", "callback_data": "v1.3.p"}, {"text": "Pay", "url": "https://example.com/pay"}
            ]]}})
        );
        let ask = SendMessage::new(5, "why?").markup(ReplyMarkup::force_reply());
        assert_eq!(
            serde_json::to_value(&ask).unwrap()["reply_markup"],
            json!({"force_reply": true, "selective": true})
        );
        let answer = AnswerCallbackQuery { callback_query_id: "q".into(), text: None, show_alert: false };
        assert_eq!(serde_json::to_value(&answer).unwrap(), json!({"callback_query_id": "q"}));
    }
}
