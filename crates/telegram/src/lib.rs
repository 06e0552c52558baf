//! Bazar's Telegram Bot API client.
//!
//! One [`BotApi`] (one HTTP connection pool) serves every bot of the process;
//! the token is a per-call argument. The base URL is configurable so a
//! self-hosted Bot API server, or the testkit's fake, can stand in for
//! `https://api.telegram.org`.
//!
//! Tokens travel only in the request path, as the protocol demands; they never
//! appear in an error or a log line (request errors are stripped of their URL).

mod client;
mod error;
pub mod requests;
mod types;
pub mod update;

pub use client::{Attachment, BotApi};
pub use error::TelegramError;
pub use requests::{BotMethod, InlineButton, InlineKeyboard, ReplyMarkup};
pub use types::User;
