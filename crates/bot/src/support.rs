//! Support tickets: the customer writes, the tenant's admin chat gets the
//! message (quoted, see [`crate::untrusted`]) with Answer/Close buttons, and
//! an admin's answer reaches the customer. Only this tenant's admins can
//! answer or close.

use crate::callback::{Action, encode};
use crate::context::language_of;
use crate::i18n::{t, t_args};
use crate::state::{Awaiting, ChatState};
use crate::untrusted;
use bazar_domain::jobs::{TicketClosedJob, TicketReplyJob};
use bazar_domain::{ConfigKey, ConfigValue, Language, TicketId};
use bazar_runtime::limits::{self, Markup};
use bazar_runtime::{BotHandle, HandlerError, Outgoing, UpdateContext};
use bazar_shop::tickets;
use bazar_store::{Job, JobEnd, Store, StoreError, TicketMessage, TicketStatus};
use bazar_telegram::requests::{InlineButton, InlineKeyboard, SendMessage};
use std::sync::Arc;

/// Room kept in each piece of a long ticket for its "(2/3)" line.
const PART_LINE: usize = 100;

/// The customer's text goes into their ticket and to the admin chat — whole:
/// a text too long for one message (the quote bars and the header add to it)
/// arrives as several, in order, the buttons under the last.
pub(crate) async fn customer_writes(
    ctx: &mut UpdateContext,
    text: &str,
    language: Language,
) -> Result<String, HandlerError> {
    let ticket = ctx.tx.customer_writes(ctx.customer.id, ctx.customer.telegram_id, text).await?;
    if let ConfigValue::Chat(admin_chat) = ctx.settings.config(ConfigKey::AdminChatId) {
        let admin_chat = admin_chat.0;
        let admin_language = language_of(None, &ctx.settings);
        let id = ticket.id.to_string();
        let body = t_args(
            admin_language,
            "ticket-admin",
            &[
                ("id", &id),
                ("name", &untrusted::customer_name(&ctx.customer)),
                ("customer", &ctx.customer.telegram_id.to_string()),
                ("text", &untrusted::quote(text)),
            ],
        );
        let buttons = InlineKeyboard::new(vec![vec![
            InlineButton::callback(t(admin_language, "btn-ticket-reply"), encode(0, Action::TicketReply(ticket.id))),
            InlineButton::callback(t(admin_language, "btn-ticket-close"), encode(0, Action::TicketClose(ticket.id))),
        ]]);
        let pieces = limits::split(&body, limits::MESSAGE_TEXT - PART_LINE, Markup::Plain);
        let parts = pieces.len();
        for (n, piece) in pieces.into_iter().enumerate() {
            let text = if n == 0 {
                piece
            } else {
                let part = (n + 1).to_string();
                let line = t_args(
                    admin_language,
                    "ticket-admin-part",
                    &[("id", &id), ("part", &part), ("parts", &parts.to_string())],
                );
                format!("{line}\n{piece}")
            };
            let mut call = SendMessage::new(admin_chat, text);
            if n + 1 == parts {
                call = call.markup(buttons.clone());
            }
            let mut message = Outgoing::call(call);
            crate::admin_chat::into_topic(&ctx.settings, &mut message);
            ctx.send(message);
        }
    }
    Ok(t_args(language, "ticket-sent", &[("id", &ticket.id.to_string())]))
}

/// An admin pressed Answer or Close; returns the toast.
pub(crate) async fn admin_button(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    action: Action,
    language: Language,
) -> Result<String, HandlerError> {
    if !ctx.tx.is_admin(ctx.customer.telegram_id).await? {
        return Ok(t(language, "admins-only"));
    }
    match action {
        Action::TicketReply(id) if ctx.tx.ticket(id).await?.is_some() => {
            state.expect(Awaiting::TicketAnswer(id));
            let chat = ctx.chat.0;
            let ask = t_args(language, "ticket-answer-ask", &[("id", &id.to_string())]);
            ctx.send(Outgoing::call(SendMessage::new(chat, ask)));
            Ok(String::new())
        }
        Action::TicketClose(id) => match ctx.tx.ticket(id).await? {
            Some(ticket) => {
                ctx.tx.set_ticket_status(id, TicketStatus::Closed).await?;
                if let Some(customer) = ctx.tx.customer(ticket.customer_id).await? {
                    let their = language_of(customer.language, &ctx.settings);
                    let text = t_args(their, "ticket-closed-customer", &[("id", &id.to_string())]);
                    ctx.send(Outgoing::call(SendMessage::new(customer.telegram_id.get(), text)));
                }
                Ok(t_args(language, "ticket-closed", &[("id", &id.to_string())]))
            }
            None => Ok(t(language, "menu-expired")),
        },
        _ => Ok(t(language, "menu-expired")),
    }
}

/// The admin's next text after Answer: stored and delivered to the customer
/// by [`bazar_shop::tickets::answer`] — the use case the API calls, with its
/// limits. An answer it refuses (too long) sends nothing, and the admin is
/// asked for a shorter one: the next text is still the answer.
pub(crate) async fn admin_answers(
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    id: TicketId,
    text: &str,
    language: Language,
) -> Result<String, HandlerError> {
    let admin = ctx.customer.telegram_id;
    if !ctx.tx.is_admin(admin).await? {
        return Ok(t(language, "admins-only"));
    }
    match tickets::answer(&mut ctx.tx, id, admin, text).await {
        Ok(Some(_)) => Ok(t_args(language, "ticket-answered", &[("id", &id.to_string())])),
        Ok(None) => Ok(t(language, "menu-expired")),
        Err(StoreError::InvalidInput(_)) => {
            state.expect(Awaiting::TicketAnswer(id));
            let (ticket, length) = (id.to_string(), tickets::answer_len(text).to_string());
            let max = tickets::MAX_ANSWER_CHARS.to_string();
            Ok(t_args(language, "ticket-answer-invalid", &[("id", &ticket), ("length", &length), ("max", &max)]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The `ticket_reply` job (an answer from the bot or the API): send it to
/// the ticket's customer, in their language.
pub(crate) async fn ticket_reply(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &TicketReplyJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let id = args.ticket;
    let told = ticket_customer(store, bot, job, id.get(), Some(args.message)).await?;
    let Some(Recipient { chat, language, answer: Some(answer) }) = told else { return Ok(Vec::new()) };
    let text = t_args(language, "ticket-answer", &[("id", &id.to_string()), ("text", &answer.text)]);
    Ok(vec![Outgoing::call(SendMessage::new(chat, text))])
}

/// The `ticket_closed` job (a close made through the API): tell the ticket's
/// customer it was closed, in their language.
pub(crate) async fn ticket_closed(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    args: &TicketClosedJob,
) -> Result<Vec<Outgoing>, StoreError> {
    let id = args.ticket;
    let Some(Recipient { chat, language, .. }) = ticket_customer(store, bot, job, id.get(), None).await? else {
        return Ok(Vec::new());
    };
    let text = t_args(language, "ticket-closed-customer", &[("id", &id.to_string())]);
    Ok(vec![Outgoing::call(SendMessage::new(chat, text))])
}

/// Whom a ticket job tells, and the answer it delivers.
struct Recipient {
    chat: i64,
    language: Language,
    answer: Option<TicketMessage>,
}

/// Finishes a ticket job and returns whom to tell, with the answer `message`
/// if asked for: `None` when the ticket or its customer is gone, or the
/// customer blocked the bot.
async fn ticket_customer(
    store: &Store,
    bot: &Arc<BotHandle>,
    job: &Job,
    id: i64,
    message: Option<i64>,
) -> Result<Option<Recipient>, StoreError> {
    let tenant = store.tenant(&bot.scope);
    let settings = tenant.settings().await?;
    let mut tx = tenant.begin().await?;
    let ticket = tx.ticket(TicketId::from_raw(id)).await?;
    let customer = match &ticket {
        Some(t) => tx.customer(t.customer_id).await?,
        None => None,
    };
    let answer = match message {
        Some(message) => tx.ticket_message(TicketId::from_raw(id), message).await?,
        None => None,
    };
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    let Some(customer) = customer.filter(|c| c.blocked_at.is_none()) else { return Ok(None) };
    let language = language_of(customer.language, &settings);
    Ok(Some(Recipient { chat: customer.telegram_id.get(), language, answer }))
}
