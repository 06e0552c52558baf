//! Admin area: support tickets — the open ones (or all, newest first), one
//! ticket's thread, reply, and close.
//!
//! Replying reuses the support flow of `crate::support`: "Reply" sets
//! `Awaiting::TicketAnswer`, and the admin's next text is delivered to the
//! customer by `support::admin_answers`, exactly as from the admin chat's
//! Answer button. Closing tells the customer, as the Close button does.

use super::Shown;
use super::manage::{admin_home, gone, op, pager, screen, signed, trim, window};
use crate::callback::{AdminArea, AdminOp};
use crate::context::{CustomerBot, language_of};
use crate::i18n::{t, t_args};
use crate::menu::Screen;
use crate::state::ChatState;
use bazar_domain::{Language, TicketId, calendar::iso_date_of_ms};
use bazar_runtime::{HandlerError, Outgoing, UpdateContext};
use bazar_store::{TicketStatus, TicketSummary};
use bazar_telegram::requests::{InlineButton, SendMessage};

const AREA: AdminArea = AdminArea::Tickets;
/// Messages of a thread shown on one screen (the newest).
const THREAD: usize = 10;
/// Characters of one message shown in a thread.
const SNIPPET: usize = 300;

/// The op letters of this area (see [`Op`]); tests check them against `Op::of`
/// and against the isolation walk (`crates/bazar/tests/e2e/admin_isolation.rs`).
#[cfg(test)]
pub(crate) const OPS: &[char] = &['h', 'l', 'v', 'r', 'c'];

/// What a button of this area does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// The open tickets, first page.
    Home,
    /// Tickets, page `arg`: the open ones (`id` 0) or all (`id` 1).
    List,
    /// One ticket's thread (`id`).
    View,
    /// Answer ticket `id`: the next text goes to its customer.
    Reply,
    /// Close ticket `id`.
    Close,
}

impl Op {
    fn of(c: char) -> Option<Self> {
        Some(match c {
            'h' => Self::Home,
            'l' => Self::List,
            'v' => Self::View,
            'r' => Self::Reply,
            'c' => Self::Close,
            _ => return None,
        })
    }
}

/// A button of this area.
pub(crate) async fn press(
    _bot: &CustomerBot,
    ctx: &mut UpdateContext,
    state: &mut ChatState,
    action: AdminOp,
    language: Language,
    menu: u64,
) -> Result<Shown, HandlerError> {
    let Some(what) = Op::of(action.op) else { return Ok(Shown::toast(t(language, "menu-expired"))) };
    let id = signed(action.id);
    Ok(match what {
        Op::Home => Shown::screen(list(ctx, language, menu, false, 0).await?),
        Op::List => Shown::screen(list(ctx, language, menu, action.id == 1, action.arg).await?),
        Op::View => match view(ctx, language, menu, id).await? {
            Some(screen) => Shown::screen(screen),
            None => Shown::toast(gone(language)),
        },
        Op::Reply => match ctx.tx.ticket(TicketId::from_raw(id)).await? {
            Some(ticket) => {
                state.expect(crate::state::Awaiting::TicketAnswer(ticket.id));
                let text = t_args(language, "ticket-answer-ask", &[("id", &ticket.id.to_string())]);
                let rows = vec![vec![op(t(language, "mng-cancel"), menu, AREA, 'v', action.id, 0)]];
                Shown::screen(screen(text, rows))
            }
            None => Shown::toast(gone(language)),
        },
        Op::Close => match ctx.tx.ticket(TicketId::from_raw(id)).await? {
            Some(ticket) => {
                state.clear_awaiting();
                if ctx.tx.close_ticket(TicketId::from_raw(id)).await? == Some(true)
                    && let Some(customer) = ctx.tx.customer(ticket.customer_id).await?
                    && customer.blocked_at.is_none()
                {
                    let their = language_of(customer.language, &ctx.settings);
                    let text = t_args(their, "ticket-closed-customer", &[("id", &id.to_string())]);
                    ctx.send(Outgoing::call(SendMessage::new(customer.telegram_id.get(), text)));
                }
                let toast = t_args(language, "ticket-closed", &[("id", &id.to_string())]);
                Shown { screen: view(ctx, language, menu, id).await?, toast: Some(toast) }
            }
            None => Shown::toast(gone(language)),
        },
    })
}

fn status_mark(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Open => "🟢",
        TicketStatus::Answered => "🟡",
        TicketStatus::Closed => "⚪️",
    }
}

async fn list(
    ctx: &mut UpdateContext,
    language: Language,
    menu: u64,
    all: bool,
    page: u64,
) -> Result<Screen, HandlerError> {
    let (limit, offset) = window(page);
    let status = (!all).then_some(TicketStatus::Open);
    let mut tickets: Vec<TicketSummary> = ctx.tx.tickets_page(status, limit, offset).await?;
    let more = trim(&mut tickets);
    let mut rows: Vec<Vec<InlineButton>> = Vec::new();
    for ticket in &tickets {
        let who = match ctx.tx.customer(ticket.customer_id).await? {
            Some(c) => super::manage::who(&c),
            None => "?".to_owned(),
        };
        let label = format!("{} #{} · {who} · {}", status_mark(ticket.status), ticket.id, ticket.messages);
        rows.push(vec![op(label, menu, AREA, 'v', ticket.id.get() as u64, 0)]);
    }
    rows.extend(pager(menu, AREA, 'l', u64::from(all), page, more));
    let other = if all { ("mng-ticket-open-only", 0) } else { ("mng-ticket-all", 1) };
    rows.push(vec![op(t(language, other.0), menu, AREA, 'l', other.1, 0)]);
    rows.push(vec![admin_home(language, menu)]);
    let key = match (tickets.is_empty(), all) {
        (true, _) => "mng-ticket-none",
        (false, false) => "mng-ticket-title-open",
        (false, true) => "mng-ticket-title-all",
    };
    Ok(screen(t_args(language, key, &[("page", &page.saturating_add(1).to_string())]), rows))
}

async fn view(ctx: &mut UpdateContext, language: Language, menu: u64, id: i64) -> Result<Option<Screen>, HandlerError> {
    let Some(ticket) = ctx.tx.ticket_summary(TicketId::from_raw(id)).await? else { return Ok(None) };
    let who = match ctx.tx.customer(ticket.customer_id).await? {
        Some(c) => super::manage::who(&c),
        None => "?".to_owned(),
    };
    let messages = ctx.tx.ticket_messages(TicketId::from_raw(id)).await?;
    let mut text = t_args(
        language,
        "mng-ticket-view",
        &[
            ("id", &id.to_string()),
            ("who", &who),
            ("status", ticket.status.as_str()),
            ("since", &iso_date_of_ms(ticket.created_at)),
        ],
    );
    let skip = messages.len().saturating_sub(THREAD);
    for m in messages.iter().skip(skip) {
        let from = if m.from_admin { "🛠" } else { "👤" };
        let mut body: String = m.text.chars().take(SNIPPET).collect();
        if m.text.chars().count() > SNIPPET {
            body.push('…');
        }
        let body = crate::untrusted::quote(&body);
        text.push_str(&format!("\n\n{from} {}\n{body}", iso_date_of_ms(m.created_at)));
    }
    let raw = id as u64;
    let mut rows = vec![vec![op(t(language, "btn-ticket-reply"), menu, AREA, 'r', raw, 0)]];
    if ticket.status != TicketStatus::Closed {
        rows[0].push(op(t(language, "btn-ticket-close"), menu, AREA, 'c', raw, 0));
    }
    rows.push(vec![op(t(language, "btn-back"), menu, AREA, 'h', 0, 0)]);
    Ok(Some(screen(text, rows)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_op_letter_is_handled() {
        crate::admin::manage::assert_op_letters(OPS, |c| Op::of(c).is_some());
    }
}
