//! Support tickets answered by the admins — in the bot or through the REST
//! API, with the same checks: the answer is stored and a job delivers it to
//! the customer, since only the bot layer sends Telegram messages.
//!
//! Job contracts (handled by the bot's job runner):
//! * [`JobKind::TicketReply`]: send the answer's text to the ticket's customer.
//! * [`JobKind::TicketClosed`]: tell the ticket's customer that the ticket
//!   was closed, as the bot's Close button does.

use bazar_domain::jobs::{TicketClosedJob, TicketReplyJob};
use bazar_domain::{JobKind, TelegramUserId, TicketId};
use bazar_store::{StoreError, TenantTx, Ticket, TicketMessage};

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
    ticket: TicketId,
    author: TelegramUserId,
    text: &str,
) -> Result<Option<(Ticket, TicketMessage)>, StoreError> {
    let length = answer_len(text);
    let text = text.trim();
    if length == 0 || length > MAX_ANSWER_CHARS {
        return Err(StoreError::InvalidInput("an answer is 1 to 3500 characters"));
    }
    let Some((ticket, message)) = tx.answer_ticket(ticket, author, text).await? else { return Ok(None) };
    tx.enqueue_job(&JobKind::TicketReply(TicketReplyJob { ticket: ticket.id, message: message.id }), 0).await?;
    Ok(Some((ticket, message)))
}

/// Closes `ticket` and, when it was open until now, queues the customer's
/// notice. `None` when the tenant has no such ticket; `Some(false)` when it
/// was closed already (nothing is sent twice).
pub async fn close(tx: &mut TenantTx, ticket: TicketId) -> Result<Option<bool>, StoreError> {
    let closed = tx.close_ticket(ticket).await?;
    if closed == Some(true) {
        tx.enqueue_job(&JobKind::TicketClosed(TicketClosedJob { ticket }), 0).await?;
    }
    Ok(closed)
}
