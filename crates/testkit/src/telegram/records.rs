//! What the fake remembers for assertions: bots, raw calls, delivered
//! messages and webhook attempts. Plain data, cloned out of the fake.

use serde_json::Value;
use std::time::Instant;

/// One bot the fake knows.
#[derive(Debug, Clone)]
pub struct FakeBot {
    /// Telegram's user id of the bot (the token's numeric part).
    pub id: i64,
    /// `@username` without the `@`.
    pub username: String,
    /// Display name.
    pub first_name: String,
}

/// One API call the fake received (with a known token), whatever its outcome.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    /// Telegram user id of the bot whose token was used.
    pub bot_id: i64,
    /// Method name, lower-cased.
    pub method: String,
    /// Parameters, merged from query, form, multipart and JSON body. Form and
    /// query values stay strings unless they are JSON objects or arrays (like
    /// `reply_markup`); uploaded files appear as `{"file_name", "file_size", "mime_type"}`.
    pub params: Value,
}

/// One outgoing message the fake actually delivered (or edited): calls that
/// were refused (rate limit, blocked chat, injected failure, bad request) are
/// not here, which is what makes these records a view of what users saw.
#[derive(Debug, Clone)]
pub struct SentMessage {
    /// The sending bot.
    pub bot_id: i64,
    /// Destination chat (0 for edits of inline messages, which have no chat).
    pub chat_id: i64,
    /// Telegram's id of the message in that chat (the edited one for edits).
    pub message_id: i64,
    /// Lower-cased method, e.g. `sendmessage`, `sendphoto`, `editmessagetext`.
    pub method: String,
    /// The message's text or caption after this call.
    pub text: Option<String>,
    /// The `reply_markup` parameter of this call, of any keyboard kind.
    pub reply_markup: Option<Value>,
    /// Every parameter of the call, as recorded in [`RecordedCall::params`].
    pub params: Value,
    /// When the fake performed it, to check pacing.
    pub at: Instant,
}

/// A call Telegram refused as a bad request (400): a text too long, HTML it
/// cannot parse, a message that is not there. A bot that works makes none of
/// these, so tests can assert there were none.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The calling bot.
    pub bot_id: i64,
    /// Method name, lower-cased.
    pub method: String,
    /// Telegram's description, e.g. `Bad Request: message caption is too long`.
    pub description: String,
    /// The call's parameters.
    pub params: Value,
}

/// One attempt to deliver an update to a bot's webhook.
#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    /// The delivered update.
    pub update_id: i64,
    /// HTTP status the webhook answered, `None` when the connection failed.
    pub status: Option<u16>,
    /// When the attempt finished, to check the retry backoff.
    pub at: Instant,
}
