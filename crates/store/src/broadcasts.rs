//! Broadcasts, the admins' side: compose a draft, pick an audience, start it
//! (the audience is snapshotted into `broadcast_deliveries` in the same
//! transaction), list, cancel. Sending is the runtime's broadcast engine; its
//! statements live in `broadcast_deliveries.rs`.

use crate::clock::now_ms;
use crate::row::get_bool;
use crate::{StoreError, TenantTx};
use bazar_domain::{BotId, BroadcastId, Language, TelegramUserId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Who a broadcast goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every customer of the tenant.
    All,
    /// Customers with a subscription that is active now.
    Active,
    /// Customers whose subscriptions have all ended (at least one expired, none active).
    Expired,
    /// Customers who never paid for a subscription (a free trial does not count).
    NeverBought,
}

impl Audience {
    /// Every audience, in the order menus show them.
    pub const ALL: [Audience; 4] = [Self::All, Self::Active, Self::Expired, Self::NeverBought];

    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Expired => "expired",
            Self::NeverBought => "never_bought",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The SQL condition on customer `c` (with `$1` the tenant) that selects this audience.
    fn condition(self) -> &'static str {
        const ACTIVE: &str = "EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = c.bot_id AND s.customer_id = c.id \
                              AND s.status = 'active')";
        match self {
            Self::All => "1 = 1",
            Self::Active => ACTIVE,
            Self::Expired => {
                "NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = c.bot_id AND s.customer_id = c.id \
                 AND s.status = 'active') AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = c.bot_id \
                 AND s.customer_id = c.id AND s.status = 'expired')"
            }
            Self::NeverBought => {
                "NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = c.bot_id AND s.customer_id = c.id \
                 AND s.is_trial = $2 AND s.status <> 'failed')"
            }
        }
    }
}

/// A broadcast's life: composed, sending, stopped by an admin, or finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BroadcastStatus {
    /// Being composed; nobody is targeted yet.
    Draft,
    /// Confirmed: the engine sends it.
    Running,
    /// Stopped by an admin; what was not sent stays unsent.
    Cancelled,
    /// Every targeted customer was tried.
    Done,
}

impl BroadcastStatus {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Running => "running",
            Self::Cancelled => "cancelled",
            Self::Done => "done",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Running, Self::Cancelled, Self::Done].into_iter().find(|v| v.as_str() == s)
    }
}

/// The one URL button a broadcast may carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastButton {
    /// The button's label.
    pub label: String,
    /// Where it leads (validated by the caller: `https://…`).
    pub url: String,
}

/// What a broadcast says: a text, or a photo with an optional caption, and an optional button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastMessage {
    /// The text, or the photo's caption.
    pub text: Option<String>,
    /// Telegram's file id of the photo.
    pub photo_file_id: Option<String>,
    /// An optional URL button.
    pub button: Option<BroadcastButton>,
}

/// A new draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBroadcast {
    /// The composing admin.
    pub created_by: TelegramUserId,
    /// Where progress and the report go.
    pub admin_chat_id: i64,
    /// The admin's language (progress and report).
    pub language: Language,
    /// The message.
    pub message: BroadcastMessage,
}

/// How far a broadcast got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BroadcastCounts {
    /// Customers targeted (the snapshot).
    pub total: i64,
    /// Delivered.
    pub sent: i64,
    /// Refused by Telegram for another reason than a block.
    pub failed: i64,
    /// The customer had blocked the bot (403).
    pub blocked: i64,
    /// Not tried: the customer had blocked the bot or was banned at the snapshot.
    pub skipped: i64,
    /// Handed to Telegram by a process that died before hearing back: maybe delivered, never repeated.
    pub unknown: i64,
}

impl BroadcastCounts {
    /// Targeted customers with an outcome.
    pub fn finished(&self) -> i64 {
        self.sent + self.failed + self.blocked + self.skipped + self.unknown
    }

    /// Targeted customers still waiting (or in flight).
    pub fn remaining(&self) -> i64 {
        (self.total - self.finished()).max(0)
    }
}

/// A broadcast as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    /// Row id.
    pub id: BroadcastId,
    /// Its tenant.
    pub bot_id: BotId,
    /// The composing admin.
    pub created_by: i64,
    /// Where progress and the report go.
    pub admin_chat_id: i64,
    /// The admin's language.
    pub language: Language,
    /// The message.
    pub message: BroadcastMessage,
    /// Who it goes to.
    pub audience: Audience,
    /// Its state.
    pub status: BroadcastStatus,
    /// Its counters.
    pub counts: BroadcastCounts,
    /// The progress message in the admin's chat, once sent.
    pub progress_message_id: Option<i64>,
    /// The final report was sent.
    pub reported: bool,
    /// Composed (unix ms).
    pub created_at: i64,
    /// Confirmed (unix ms).
    pub started_at: Option<i64>,
    /// Finished or cancelled (unix ms).
    pub finished_at: Option<i64>,
}

/// How many customers an audience has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AudienceSize {
    /// Customers in it.
    pub total: i64,
    /// Of them, those who can be sent to (not blocked, not banned).
    pub reachable: i64,
}

pub(crate) const COLUMNS: &str = "id, bot_id, created_by, admin_chat_id, language, text, photo_file_id, button_label, \
    button_url, audience, status, total, sent, failed, blocked, skipped, unknown, progress_message_id, reported, \
    created_at, started_at, finished_at";

pub(crate) fn from_row(row: &AnyRow) -> Result<Broadcast, StoreError> {
    let corrupt = |what: &str, value: String| StoreError::Corrupt(format!("broadcast {what} `{value}`"));
    let language: String = row.try_get("language")?;
    let audience: String = row.try_get("audience")?;
    let status: String = row.try_get("status")?;
    let label: Option<String> = row.try_get("button_label")?;
    let url: Option<String> = row.try_get("button_url")?;
    Ok(Broadcast {
        id: BroadcastId::from_raw(row.try_get("id")?),
        bot_id: BotId::from_raw(row.try_get("bot_id")?),
        created_by: row.try_get("created_by")?,
        admin_chat_id: row.try_get("admin_chat_id")?,
        language: language.parse().map_err(|_| corrupt("language", language.clone()))?,
        message: BroadcastMessage {
            text: row.try_get("text")?,
            photo_file_id: row.try_get("photo_file_id")?,
            button: label.zip(url).map(|(label, url)| BroadcastButton { label, url }),
        },
        audience: Audience::parse(&audience).ok_or_else(|| corrupt("audience", audience.clone()))?,
        status: BroadcastStatus::parse(&status).ok_or_else(|| corrupt("status", status.clone()))?,
        counts: BroadcastCounts {
            total: row.try_get("total")?,
            sent: row.try_get("sent")?,
            failed: row.try_get("failed")?,
            blocked: row.try_get("blocked")?,
            skipped: row.try_get("skipped")?,
            unknown: row.try_get("unknown")?,
        },
        progress_message_id: row.try_get("progress_message_id")?,
        reported: get_bool(row, "reported")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

impl TenantTx {
    /// Stores a draft; returns it.
    pub async fn create_broadcast(&mut self, new: &NewBroadcast) -> Result<Broadcast, StoreError> {
        let message = &new.message;
        if message.text.as_deref().is_none_or(str::is_empty) && message.photo_file_id.is_none() {
            return Err(StoreError::InvalidInput("a broadcast needs a text or a photo"));
        }
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO broadcasts (bot_id, created_by, admin_chat_id, language, text, photo_file_id, button_label, \
             button_url, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(self.bot())
        .bind(new.created_by.get())
        .bind(new.admin_chat_id)
        .bind(new.language.code())
        .bind(message.text.as_deref())
        .bind(message.photo_file_id.as_deref())
        .bind(message.button.as_ref().map(|b| b.label.as_str()))
        .bind(message.button.as_ref().map(|b| b.url.as_str()))
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.broadcast(BroadcastId::from_raw(id)).await?.ok_or(StoreError::Conflict("broadcast vanished"))
    }

    /// One broadcast of this tenant.
    pub async fn broadcast(&mut self, id: BroadcastId) -> Result<Option<Broadcast>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM broadcasts WHERE bot_id = $1 AND id = $2"))
            .bind(self.bot())
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The most recent broadcasts, newest first.
    pub async fn recent_broadcasts(&mut self, limit: i64, offset: i64) -> Result<Vec<Broadcast>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM broadcasts WHERE bot_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(self.bot())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Sets or removes a draft's button; `false` when it is no longer a draft.
    pub async fn set_broadcast_button(
        &mut self,
        id: BroadcastId,
        button: Option<&BroadcastButton>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE broadcasts SET button_label = $1, button_url = $2, updated_at = $3 \
             WHERE bot_id = $4 AND id = $5 AND status = 'draft'",
        )
        .bind(button.map(|b| b.label.as_str()))
        .bind(button.map(|b| b.url.as_str()))
        .bind(now_ms())
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes a draft; `false` when it is no longer a draft.
    pub async fn discard_broadcast(&mut self, id: BroadcastId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM broadcasts WHERE bot_id = $1 AND id = $2 AND status = 'draft'")
            .bind(self.bot())
            .bind(id.get())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many customers `audience` has now, and how many of them can be reached.
    pub async fn audience_size(&mut self, audience: Audience) -> Result<AudienceSize, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS total, COUNT(CASE WHEN c.blocked_at IS NULL AND c.banned = $2 THEN 1 END) AS reachable \
             FROM customers c WHERE c.bot_id = $1 AND {}",
            audience.condition()
        ))
        .bind(self.bot())
        .bind(false)
        .fetch_one(self.conn())
        .await?;
        Ok(AudienceSize { total: row.try_get("total")?, reachable: row.try_get("reachable")? })
    }

    /// Confirms a draft for `audience`: snapshots the audience (customers who
    /// blocked the bot or are banned are recorded as skipped) and sets it
    /// running, all in this transaction. `None` when it is not a draft (any
    /// more): a second press of Confirm starts nothing.
    pub async fn start_broadcast(
        &mut self,
        id: BroadcastId,
        audience: Audience,
    ) -> Result<Option<Broadcast>, StoreError> {
        let now = now_ms();
        let claimed = sqlx::query(
            "UPDATE broadcasts SET status = 'running', audience = $1, started_at = $2, updated_at = $2 \
             WHERE bot_id = $3 AND id = $4 AND status = 'draft'",
        )
        .bind(audience.as_str())
        .bind(now)
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        if claimed.rows_affected() != 1 {
            return Ok(None);
        }
        sqlx::query(&format!(
            "INSERT INTO broadcast_deliveries (bot_id, broadcast_id, customer_id, chat_id, status, updated_at) \
             SELECT c.bot_id, $3, c.id, c.telegram_id, \
             CASE WHEN c.blocked_at IS NULL AND c.banned = $2 THEN 'pending' ELSE 'skipped' END, $4 \
             FROM customers c WHERE c.bot_id = $1 AND {}",
            audience.condition()
        ))
        .bind(self.bot())
        .bind(false)
        .bind(id.get())
        .bind(now)
        .execute(self.conn())
        .await?;
        sqlx::query(
            "UPDATE broadcasts SET \
             total = (SELECT COUNT(*) FROM broadcast_deliveries d WHERE d.bot_id = $1 AND d.broadcast_id = $2), \
             skipped = (SELECT COUNT(*) FROM broadcast_deliveries d WHERE d.bot_id = $1 AND d.broadcast_id = $2 \
             AND d.status = 'skipped') WHERE bot_id = $1 AND id = $2",
        )
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        self.broadcast(id).await
    }

    /// Stops a running broadcast between two batches; `false` when it was not running.
    pub async fn cancel_broadcast(&mut self, id: BroadcastId) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE broadcasts SET status = 'cancelled', finished_at = $1, updated_at = $1 \
             WHERE bot_id = $2 AND id = $3 AND status = 'running'",
        )
        .bind(now)
        .bind(self.bot())
        .bind(id.get())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
        }
        for s in [BroadcastStatus::Draft, BroadcastStatus::Running, BroadcastStatus::Cancelled, BroadcastStatus::Done] {
            assert_eq!(BroadcastStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(Audience::parse("everyone"), None);
        assert_eq!(BroadcastStatus::parse("paused"), None);
    }

    #[test]
    fn remaining_never_negative() {
        let counts = BroadcastCounts { total: 10, sent: 4, failed: 1, blocked: 1, skipped: 2, unknown: 1 };
        assert_eq!(counts.finished(), 9);
        assert_eq!(counts.remaining(), 1);
        let over = BroadcastCounts { total: 1, sent: 2, ..BroadcastCounts::default() };
        assert_eq!(over.remaining(), 0);
    }
}
