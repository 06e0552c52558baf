//! `/tickets…`: support tickets customers opened through the bot's Support
//! button. An answer given here is stored like one typed in the admin chat
//! (author `0`: no Telegram user wrote it) and delivered to the customer by
//! the bot, through a `ticket_reply` job; closing queues a `ticket_closed`
//! job that tells the customer (see `bazar_shop::tickets`).

use crate::api::{ApiJson, ApiQuery, ApiState, ErrorBody, Page, TenantCaller};
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use bazar_domain::{TelegramUserId, TicketId};
use bazar_shop::tickets::{self, MAX_ANSWER_CHARS};
use bazar_store::{StoreError, TenantTx, TicketMessage, TicketStatus, TicketSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::new()
        .routes(routes!(list_tickets))
        .routes(routes!(get_ticket))
        .routes(routes!(reply_ticket))
        .routes(routes!(close_ticket))
}

/// The author recorded for answers given through the API: no Telegram user wrote them.
const API_AUTHOR: i64 = 0;

/// Which tickets, and which page of them.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Items per page (1–200, default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
    /// Only this status: `open` (waiting for the admins), `answered` (waiting for the customer) or `closed`.
    pub status: Option<String>,
}

/// A ticket as a list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketBody {
    /// Ticket id.
    pub id: i64,
    /// The customer who opened it.
    pub customer_id: i64,
    /// `open`, `answered` or `closed`.
    pub status: String,
    /// Opened (unix ms).
    pub created_at: i64,
    /// Last change (unix ms).
    pub updated_at: i64,
    /// Messages so far.
    pub message_count: i64,
    /// When the last message was written (unix ms).
    pub last_message_at: Option<i64>,
}

/// One message of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketMessageBody {
    /// Message id.
    pub id: i64,
    /// Written by an admin (else by the customer).
    pub from_admin: bool,
    /// Telegram user id of the writer; `0` for an answer given through the API.
    pub author: i64,
    /// The text.
    pub text: String,
    /// Written (unix ms).
    pub created_at: i64,
}

/// A ticket with its messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    /// The ticket.
    #[serde(flatten)]
    pub ticket: TicketBody,
    /// Its messages, oldest first.
    pub messages: Vec<TicketMessageBody>,
}

/// An answer to the customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyTicket {
    /// The text the customer receives (1–3500 characters).
    pub text: String,
}

impl From<TicketSummary> for TicketBody {
    fn from(t: TicketSummary) -> Self {
        Self {
            id: t.id.get(),
            customer_id: t.customer_id.get(),
            status: t.status.as_str().to_owned(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            message_count: t.messages,
            last_message_at: t.last_message_at,
        }
    }
}

impl From<TicketMessage> for TicketMessageBody {
    fn from(m: TicketMessage) -> Self {
        Self { id: m.id, from_admin: m.from_admin, author: m.author, text: m.text, created_at: m.created_at }
    }
}

async fn detail(tx: &mut TenantTx, id: i64) -> Result<Option<TicketDetail>, StoreError> {
    let Some(ticket) = tx.ticket_summary(TicketId::from_raw(id)).await? else { return Ok(None) };
    let messages = tx.ticket_messages(TicketId::from_raw(id)).await?.into_iter().map(TicketMessageBody::from).collect();
    Ok(Some(TicketDetail { ticket: ticket.into(), messages }))
}

fn not_found() -> ApiError {
    ApiError::not_found("ticket")
}

/// The tenant's tickets, newest first, optionally only those in one status.
#[utoipa::path(
    get,
    path = "/tickets",
    tag = "tenant",
    security(("api_token" = [])),
    params(TicketQuery),
    responses(
        (status = 200, description = "One page of tickets, newest first", body = Page<TicketBody>),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 422, description = "Bad paging parameters or an unknown status", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn list_tickets(
    caller: TenantCaller,
    State(state): State<ApiState>,
    ApiQuery(query): ApiQuery<TicketQuery>,
) -> Result<Json<Page<TicketBody>>, ApiError> {
    let (limit, offset) = crate::api::PageQuery { limit: query.limit, offset: query.offset }.checked()?;
    let status = match query.status.as_deref() {
        None => None,
        Some(s) => Some(
            TicketStatus::parse(s).ok_or_else(|| ApiError::field("status", "must be one of open, answered, closed"))?,
        ),
    };
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let tickets = tx.tickets_page(status, limit, offset).await?;
    tx.commit().await?;
    Ok(Json(Page::new(tickets.into_iter().map(TicketBody::from).collect(), limit, offset)))
}

/// One ticket with its messages.
#[utoipa::path(
    get,
    path = "/tickets/{id}",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket and its messages", body = TicketDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such ticket in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn get_ticket(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<TicketDetail>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin_read().await?;
    let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(found))
}

/// Answers the customer: the message is stored (author `0`), the ticket
/// becomes `answered` (a closed one too, as with the bot's Answer button),
/// and the bot delivers the text to the customer in Telegram shortly after.
#[utoipa::path(
    post,
    path = "/tickets/{id}/reply",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Ticket id")),
    request_body = ReplyTicket,
    responses(
        (status = 200, description = "The ticket with the answer", body = TicketDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such ticket in this tenant", body = ErrorBody),
        (status = 422, description = "The text is missing, empty or too long", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn reply_ticket(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ReplyTicket>,
) -> Result<Json<TicketDetail>, ApiError> {
    let n = tickets::answer_len(&body.text);
    if n == 0 || n > MAX_ANSWER_CHARS {
        return Err(ApiError::field("text", format!("must be 1 to {MAX_ANSWER_CHARS} characters")));
    }
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    tickets::answer(&mut tx, TicketId::from_raw(id), TelegramUserId::from_raw(API_AUTHOR), &body.text)
        .await?
        .ok_or_else(not_found)?;
    let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(found))
}

/// Closes a ticket; the bot tells the customer. Closing a closed ticket
/// changes nothing and tells nobody again.
#[utoipa::path(
    post,
    path = "/tickets/{id}/close",
    tag = "tenant",
    security(("api_token" = [])),
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket, closed", body = TicketDetail),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The tenant is suspended or disabled", body = ErrorBody),
        (status = 404, description = "No such ticket in this tenant", body = ErrorBody),
        (status = 429, description = "Rate limited (see Retry-After)", body = ErrorBody)
    )
)]
async fn close_ticket(
    caller: TenantCaller,
    State(state): State<ApiState>,
    Path(id): Path<i64>,
) -> Result<Json<TicketDetail>, ApiError> {
    let mut tx = state.store.tenant(&caller.scope).begin().await?;
    tickets::close(&mut tx, TicketId::from_raw(id)).await?.ok_or_else(not_found)?;
    let found = detail(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(Json(found))
}
