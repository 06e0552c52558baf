//! A bot token pasted into the master bot (by a platform admin adding a
//! tenant, or by a reseller opening a shop): the message is deleted from the
//! chat at once, the text must be a token, the bot must not be registered
//! yet, and Telegram must know it (`getMe`).
//!
//! The update inbox keeps the message with the token redacted
//! ([`bazar_store::redact_update`]); only this handling, in memory, sees it.
//! An update handled again from the inbox (after a crash) therefore carries
//! [`REDACTED_BOT_TOKEN`] instead, and the sender is asked to paste it again.

use crate::context::CustomerBot;
use bazar_domain::{BotToken, REDACTED_BOT_TOKEN};
use bazar_runtime::{HandlerError, Outgoing, UpdateContext};
use bazar_telegram::User;
use bazar_telegram::requests::DeleteMessage;
use bazar_telegram::update::UpdateContent;
use std::time::Duration;

/// How long `getMe` may take: the update's transaction is open meanwhile.
const GET_ME_BUDGET: Duration = Duration::from_secs(5);

/// What a pasted text turned out to be.
pub(crate) enum Pasted {
    /// A token Telegram knows, of a bot not registered here yet.
    Fresh {
        /// The token.
        token: BotToken,
        /// The bot, as `getMe` described it.
        me: User,
    },
    /// Not shaped like a token.
    Malformed,
    /// The bot is registered here already.
    Taken,
    /// Telegram refused it (revoked, mistyped) or did not answer in time.
    Refused,
    /// The redacted copy the inbox kept: handled again after a restart, the
    /// token itself is gone by design, so it must be pasted again.
    Redacted,
}

impl Pasted {
    /// The text key of the answer to a paste that opened nothing.
    pub(crate) fn refusal_key(&self) -> &'static str {
        match self {
            Pasted::Fresh { .. } => "menu-expired",
            Pasted::Malformed => "mst-bad-token",
            Pasted::Taken => "mst-token-taken",
            Pasted::Refused => "mst-token-unknown",
            Pasted::Redacted => "mst-token-again",
        }
    }
}

/// Deletes the message this update carried from the chat (a pasted secret).
pub(crate) fn delete_pasted(ctx: &mut UpdateContext) {
    if let UpdateContent::Message(message) = &ctx.update.content {
        let call = DeleteMessage { chat_id: ctx.chat.0, message_id: i64::from(message.message_id) };
        ctx.send(Outgoing::call(call));
    }
}

/// Deletes the message that carried `text` and checks it as a bot token.
pub(crate) async fn read_pasted(
    bot: &CustomerBot,
    ctx: &mut UpdateContext,
    text: &str,
) -> Result<Pasted, HandlerError> {
    delete_pasted(ctx);
    if text.contains(REDACTED_BOT_TOKEN) {
        return Ok(Pasted::Redacted);
    }
    let Ok(token) = BotToken::parse(text.trim()) else { return Ok(Pasted::Malformed) };
    // Only the master bot's updates are handed platform access to look the token up.
    let Some(platform) = bot.master_platform(ctx) else { return Ok(Pasted::Refused) };
    if ctx.store.platform(platform).bot_with_token(&token).await?.is_some() {
        return Ok(Pasted::Taken);
    }
    match tokio::time::timeout(GET_ME_BUDGET, bot.telegram.get_me(&token)).await {
        Ok(Ok(me)) if me.is_bot && me.id == token.telegram_bot_id() => Ok(Pasted::Fresh { token, me }),
        Ok(Ok(_)) | Ok(Err(_)) | Err(_) => Ok(Pasted::Refused),
    }
}
