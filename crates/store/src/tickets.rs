//! Support tickets: a customer's conversation with the tenant's admins.

use crate::clock::now_ms;
use crate::{StoreError, TenantTx};
pub use bazar_domain::TicketStatus;
use bazar_domain::{CustomerId, TelegramUserId, TicketId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// Row id.
    pub id: TicketId,
    /// The customer who opened it.
    pub customer_id: CustomerId,
    /// Its state.
    pub status: TicketStatus,
}

/// A ticket with what a list of tickets shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSummary {
    /// Row id.
    pub id: TicketId,
    /// The customer who opened it.
    pub customer_id: CustomerId,
    /// Its state.
    pub status: TicketStatus,
    /// Opened (unix ms).
    pub created_at: i64,
    /// Last change of state or message (unix ms).
    pub updated_at: i64,
    /// Messages so far (customer's and admins').
    pub messages: i64,
    /// When the last message was written (unix ms).
    pub last_message_at: Option<i64>,
}

/// One message of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketMessage {
    /// Row id.
    pub id: i64,
    /// Written by an admin (else by the customer).
    pub from_admin: bool,
    /// Telegram user id of the writer (0 for an answer given through the API).
    pub author: i64,
    /// The text.
    pub text: String,
    /// Written (unix ms).
    pub created_at: i64,
}

const SUMMARY: &str = "SELECT t.id, t.customer_id, t.status, t.created_at, t.updated_at, \
     (SELECT COUNT(*) FROM ticket_messages m WHERE m.bot_id = t.bot_id AND m.ticket_id = t.id) AS messages, \
     (SELECT MAX(m.created_at) FROM ticket_messages m WHERE m.bot_id = t.bot_id AND m.ticket_id = t.id) AS last_message_at \
     FROM tickets t WHERE t.bot_id = $1";

fn summary_from_row(r: &AnyRow) -> Result<TicketSummary, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(TicketSummary {
        id: TicketId::from_raw(r.try_get("id")?),
        customer_id: CustomerId::from_raw(r.try_get("customer_id")?),
        status: TicketStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("ticket status {status}")))?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        messages: r.try_get("messages")?,
        last_message_at: r.try_get("last_message_at")?,
    })
}

fn message_from_row(r: &AnyRow) -> Result<TicketMessage, StoreError> {
    Ok(TicketMessage {
        id: r.try_get("id")?,
        from_admin: crate::row::get_bool(r, "from_admin")?,
        author: r.try_get("author")?,
        text: r.try_get("text")?,
        created_at: r.try_get("created_at")?,
    })
}

impl TenantTx {
    /// Adds the customer's message to their unclosed ticket, or opens one.
    pub async fn customer_writes(
        &mut self,
        customer: CustomerId,
        author: TelegramUserId,
        text: &str,
    ) -> Result<Ticket, StoreError> {
        let now = now_ms();
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM tickets WHERE bot_id = $1 AND customer_id = $2 AND status <> 'closed' ORDER BY id DESC LIMIT 1",
        )
        .bind(self.bot())
        .bind(customer.get())
        .fetch_optional(self.conn())
        .await?;
        let id = TicketId::from_raw(match existing {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO tickets (bot_id, customer_id, status, created_at, updated_at) VALUES ($1, $2, 'open', $3, $3) RETURNING id",
            )
            .bind(self.bot())
            .bind(customer.get())
            .bind(now)
            .fetch_one(self.conn())
            .await?,
        });
        self.add_ticket_message(id, false, author, text).await?;
        self.set_ticket_status(id, TicketStatus::Open).await?;
        self.ticket(id).await?.ok_or_else(|| StoreError::Corrupt("ticket vanished".into()))
    }

    /// Records an admin's answer; the ticket becomes answered.
    pub async fn admin_answers(
        &mut self,
        ticket: TicketId,
        admin: TelegramUserId,
        text: &str,
    ) -> Result<Option<Ticket>, StoreError> {
        Ok(self.answer_ticket(ticket, admin, text).await?.map(|(ticket, _)| ticket))
    }

    /// Records an admin's answer (the ticket becomes answered, a closed one
    /// too) and returns it with the stored message; `None` when this tenant
    /// has no such ticket.
    pub async fn answer_ticket(
        &mut self,
        ticket: TicketId,
        admin: TelegramUserId,
        text: &str,
    ) -> Result<Option<(Ticket, TicketMessage)>, StoreError> {
        let Some(found) = self.ticket(ticket).await? else { return Ok(None) };
        let id = self.add_ticket_message(ticket, true, admin, text).await?;
        self.set_ticket_status(ticket, TicketStatus::Answered).await?;
        let message = self
            .ticket_message(ticket, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("ticket message vanished".into()))?;
        Ok(Some((Ticket { status: TicketStatus::Answered, ..found }, message)))
    }

    /// Closes a ticket: `None` when this tenant has no such ticket,
    /// `Some(false)` when it was closed already (nothing changes).
    pub async fn close_ticket(&mut self, id: TicketId) -> Result<Option<bool>, StoreError> {
        let changed = sqlx::query(
            "UPDATE tickets SET status = 'closed', updated_at = $1 WHERE bot_id = $2 AND id = $3 AND status <> 'closed'",
        )
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 1 {
            return Ok(Some(true));
        }
        Ok(self.ticket(id).await?.map(|_| false))
    }

    /// The tenant's tickets, newest first, optionally only those in `status`, one page.
    pub async fn tickets_page(
        &mut self,
        status: Option<TicketStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<TicketSummary>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SUMMARY} AND (CAST($2 AS TEXT) IS NULL OR t.status = $2) ORDER BY t.id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(self.bot())
        .bind(status.map(TicketStatus::as_str))
        .bind(limit.max(1))
        .bind(offset.max(0))
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// One ticket of this tenant with its counts.
    pub async fn ticket_summary(&mut self, id: TicketId) -> Result<Option<TicketSummary>, StoreError> {
        let row = sqlx::query(&format!("{SUMMARY} AND t.id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(summary_from_row).transpose()
    }

    /// A ticket's messages, oldest first.
    pub async fn ticket_messages(&mut self, ticket: TicketId) -> Result<Vec<TicketMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, from_admin, author, text, created_at FROM ticket_messages \
             WHERE bot_id = $1 AND ticket_id = $2 ORDER BY id",
        )
        .bind(self.bot())
        .bind(ticket.get())
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(message_from_row).collect()
    }

    /// One message of a ticket (e.g. the answer a `ticket_reply` job delivers).
    pub async fn ticket_message(&mut self, ticket: TicketId, id: i64) -> Result<Option<TicketMessage>, StoreError> {
        let row = sqlx::query(
            "SELECT id, from_admin, author, text, created_at FROM ticket_messages \
             WHERE bot_id = $1 AND ticket_id = $2 AND id = $3",
        )
        .bind(self.bot())
        .bind(ticket.get())
        .bind(id)
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(message_from_row).transpose()
    }

    /// One ticket of this tenant.
    pub async fn ticket(&mut self, id: TicketId) -> Result<Option<Ticket>, StoreError> {
        let row = sqlx::query("SELECT id, customer_id, status FROM tickets WHERE bot_id = $1 AND id = $2")
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            Ok(Ticket {
                id: TicketId::from_raw(r.try_get("id")?),
                customer_id: CustomerId::from_raw(r.try_get("customer_id")?),
                status: TicketStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("ticket status {status}")))?,
            })
        })
        .transpose()
    }

    /// Sets a ticket's state.
    pub async fn set_ticket_status(&mut self, id: TicketId, status: TicketStatus) -> Result<(), StoreError> {
        sqlx::query("UPDATE tickets SET status = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(self.bot())
            .bind(id.get())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    async fn add_ticket_message(
        &mut self,
        ticket: TicketId,
        from_admin: bool,
        author: TelegramUserId,
        text: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO ticket_messages (bot_id, ticket_id, from_admin, author, text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(self.bot())
        .bind(ticket.get())
        .bind(from_admin)
        .bind(author.get())
        .bind(text)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await?)
    }
}
