//! Support tickets answered by the admins — in the bot or through the REST
//! API, with the same checks: the answer is stored and a job delivers it to
//! the customer, since only the bot layer sends Telegram messages.
//!
//! Job contracts (handled by the bot's job runner):
//! * [`TICKET_REPLY_JOB`], payload `{"ticket": <ticket id>, "message": <ticket_messages id>}`:
//!   send the message's text to the ticket's customer.
//! * [`TICKET_CLOSED_JOB`], payload `{"ticket": <ticket id>}`: tell the ticket's
//!   customer that the ticket was closed, as the bot's Close button does.

use bazar_domain::TelegramUserId;
use bazar_store::{StoreError, TenantTx, Ticket, TicketMessage};
use serde_json::json;

/// The job that delivers an admin's answer to the customer.
pub const TICKET_REPLY_JOB: &str = "ticket_reply";
/// The job that tells the customer their ticket was closed outside Telegram.
pub const TICKET_CLOSED_JOB: &str = "ticket_closed";

/// Longest answer accepted, in characters as Telegram counts them (UTF-16
/// units): a Telegram message holds 4096, and the answer is sent inside a
/// short frame, so an accepted answer always reaches the customer whole.
pub const MAX_ANSWER_CHARS: usize = 3500;

/// An answer's length as [`answer`] checks it: UTF-16 units of the trimmed
/// text (an emoji outside the BMP counts two, as on Telegram).
pub fn answer_len(text: &str) -> usize {
    text.trim().encode_utf16().count()
}

/// Stores `author`'s answer to `ticket` (which becomes answered) and queues
/// its delivery, in the caller's transaction: the one way an answer is given,
/// from the API and from the bot alike. `None` when the tenant has no such
/// ticket; `InvalidInput` (nothing stored) when the text is empty or longer
/// than [`MAX_ANSWER_CHARS`].
pub async fn answer(
    tx: &mut TenantTx,
    ticket: i64,
    author: TelegramUserId,
    text: &str,
) -> Result<Option<(Ticket, TicketMessage)>, StoreError> {
    let length = answer_len(text);
    let text = text.trim();
    if length == 0 || length > MAX_ANSWER_CHARS {
        return Err(StoreError::InvalidInput("an answer is 1 to 3500 characters"));
    }
    let Some((ticket, message)) = tx.answer_ticket(ticket, author, text).await? else { return Ok(None) };
    tx.enqueue_job(TICKET_REPLY_JOB, &json!({"ticket": ticket.id, "message": message.id}), 0).await?;
    Ok(Some((ticket, message)))
}

/// Closes `ticket` and, when it was open until now, queues the customer's
/// notice. `None` when the tenant has no such ticket; `Some(false)` when it
/// was closed already (nothing is sent twice).
pub async fn close(tx: &mut TenantTx, ticket: i64) -> Result<Option<bool>, StoreError> {
    let closed = tx.close_ticket(ticket).await?;
    if closed == Some(true) {
        tx.enqueue_job(TICKET_CLOSED_JOB, &json!({"ticket": ticket}), 0).await?;
    }
    Ok(closed)
}
