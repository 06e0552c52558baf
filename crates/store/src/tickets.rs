//! Support tickets: a customer's conversation with the tenant's admins.

use crate::clock::now_ms;
use crate::{StoreError, TenantTx};
use bazar_domain::{CustomerId, TelegramUserId};
use sqlx::Row;

/// A ticket's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    /// Waiting for the admins.
    Open,
    /// The admins answered; waiting for the customer.
    Answered,
    /// Done.
    Closed,
}

impl TicketStatus {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Answered, Self::Closed].into_iter().find(|v| v.as_str() == s)
    }
}

/// A ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// Row id.
    pub id: i64,
    /// The customer who opened it.
    pub customer_id: CustomerId,
    /// Its state.
    pub status: TicketStatus,
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
        let id = match existing {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO tickets (bot_id, customer_id, status, created_at, updated_at) VALUES ($1, $2, 'open', $3, $3) RETURNING id",
            )
            .bind(self.bot())
            .bind(customer.get())
            .bind(now)
            .fetch_one(self.conn())
            .await?,
        };
        self.add_ticket_message(id, false, author, text).await?;
        self.set_ticket_status(id, TicketStatus::Open).await?;
        self.ticket(id).await?.ok_or_else(|| StoreError::Corrupt("ticket vanished".into()))
    }

    /// Records an admin's answer; the ticket becomes answered.
    pub async fn admin_answers(
        &mut self,
        ticket: i64,
        admin: TelegramUserId,
        text: &str,
    ) -> Result<Option<Ticket>, StoreError> {
        let Some(found) = self.ticket(ticket).await? else { return Ok(None) };
        self.add_ticket_message(ticket, true, admin, text).await?;
        self.set_ticket_status(ticket, TicketStatus::Answered).await?;
        Ok(Some(Ticket { status: TicketStatus::Answered, ..found }))
    }

    /// One ticket of this tenant.
    pub async fn ticket(&mut self, id: i64) -> Result<Option<Ticket>, StoreError> {
        let row = sqlx::query("SELECT id, customer_id, status FROM tickets WHERE bot_id = $1 AND id = $2")
            .bind(self.bot())
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            Ok(Ticket {
                id: r.try_get("id")?,
                customer_id: CustomerId::from_raw(r.try_get("customer_id")?),
                status: TicketStatus::parse(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("ticket status {status}")))?,
            })
        })
        .transpose()
    }

    /// Sets a ticket's state.
    pub async fn set_ticket_status(&mut self, id: i64, status: TicketStatus) -> Result<(), StoreError> {
        sqlx::query("UPDATE tickets SET status = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(self.bot())
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    async fn add_ticket_message(
        &mut self,
        ticket: i64,
        from_admin: bool,
        author: TelegramUserId,
        text: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ticket_messages (bot_id, ticket_id, from_admin, author, text, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.bot())
        .bind(ticket)
        .bind(from_admin)
        .bind(author.get())
        .bind(text)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
