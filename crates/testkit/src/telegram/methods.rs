//! The method table: which Bot API method is answered by which handler, and
//! the context every handler gets. Handlers are synchronous and take the
//! bot's lock only for bookkeeping, which keeps the fake fast under load.

use super::envelope::{ApiError, ApiResult};
use super::limits;
use super::params::Params;
use super::records::{FakeBot, SentMessage};
use super::state::{Bot, BotState, Shared};
use super::{edits, files, interactions, messages, webhook};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

/// Everything a handler needs to answer one call.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Arc<Shared>,
    pub bot: &'a Arc<Bot>,
    /// Lower-case method name.
    pub method: &'a str,
    pub params: &'a Params,
}

impl Ctx<'_> {
    /// Lets an outgoing call to `chat` through, or refuses it as Telegram
    /// would: 403 for chats that blocked the bot, 429 over a flood limit.
    pub fn admit(&self, state: &mut BotState, chat: Option<i64>) -> Result<(), ApiError> {
        if let Some(chat) = chat
            && state.blocked.contains(&chat)
        {
            return Err(ApiError::forbidden(if chat < 0 {
                "bot was kicked from the supergroup chat"
            } else {
                "bot was blocked by the user"
            }));
        }
        if limits::is_counted(self.method) {
            state.limiter.admit(&self.shared.options, chat, Instant::now()).map_err(|wait| {
                self.shared.count_too_many(self.bot);
                ApiError::too_many(wait)
            })?;
        }
        Ok(())
    }

    /// Records a delivered (or edited) message for the test's assertions.
    pub fn record_sent(&self, chat_id: i64, message_id: i64, text: Option<String>, at: Instant) {
        let reply_markup = self.params.json("reply_markup").ok().flatten();
        self.shared.record_sent(SentMessage {
            bot_id: self.bot.info.id,
            chat_id,
            message_id,
            method: self.method.to_owned(),
            text,
            reply_markup,
            params: self.params.to_value(),
            at,
        });
    }
}

/// Answers one synchronous method (everything but `getUpdates`).
pub(crate) fn call(ctx: &Ctx) -> ApiResult {
    match ctx.method {
        "getme" => Ok(get_me(&ctx.bot.info)),
        "sendmessage" => messages::send_message(ctx),
        "sendphoto" => messages::send_photo(ctx),
        "senddocument" => messages::send_document(ctx),
        "sendinvoice" => messages::send_invoice(ctx),
        "copymessage" => messages::copy_message(ctx),
        "forwardmessage" => messages::forward_message(ctx),
        "editmessagetext" => edits::edit(ctx, edits::Edit::Text),
        "editmessagecaption" => edits::edit(ctx, edits::Edit::Caption),
        "editmessagereplymarkup" => edits::edit(ctx, edits::Edit::ReplyMarkup),
        "deletemessage" => edits::delete_message(ctx),
        "answercallbackquery" => interactions::answer_callback_query(ctx),
        "answerprecheckoutquery" => interactions::answer_pre_checkout_query(ctx),
        "setmycommands" => interactions::set_my_commands(ctx),
        "getmycommands" => interactions::get_my_commands(ctx),
        "deletemycommands" => interactions::delete_my_commands(ctx),
        "refundstarpayment" => interactions::refund_star_payment(ctx),
        "sendchataction" => interactions::send_chat_action(ctx),
        "getfile" => files::get_file(ctx),
        "setwebhook" => webhook::set_webhook(ctx),
        "deletewebhook" => webhook::delete_webhook(ctx),
        "getwebhookinfo" => webhook::webhook_info(ctx),
        _ => Err(ApiError::not_found(Some("method not found"))),
    }
}

/// The `User` object of the bot itself, as `getMe` returns it.
pub(crate) fn get_me(bot: &FakeBot) -> Value {
    json!({
        "id": bot.id,
        "is_bot": true,
        "first_name": bot.first_name,
        "username": bot.username,
        "can_join_groups": true,
        "can_read_all_group_messages": false,
        "supports_inline_queries": false,
    })
}
