//! Broadcasts, the engine's side: claim a running broadcast with a lease
//! (across tenants, on [`Platform`]), then, on the tenant, claim batches of
//! deliveries (`pending` → `sending` in one transaction, *before* they are
//! handed to Telegram), record their outcomes and keep the counters.
//!
//! At most once: Telegram has no idempotency key for `sendMessage`, so a row
//! is never sent twice. A row a dead process left in `sending` becomes
//! `unknown` when another owner claims the broadcast, and is reported as such.

use crate::broadcasts::{Broadcast, COLUMNS, from_row};
use crate::clock::now_ms;
use crate::tenancy::Mode;
use crate::{Backend, Platform, StoreError, Tenant};
use bazar_domain::BroadcastId;
use sqlx::Row;

/// One customer of a claimed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryTarget {
    /// The customer (row id).
    pub customer_id: i64,
    /// Their private chat.
    pub chat_id: i64,
}

/// How one delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Telegram accepted it.
    Sent,
    /// The customer blocked the bot (403).
    Blocked,
    /// Telegram refused it for another reason.
    Failed(String),
    /// We do not know whether Telegram got it (the send was abandoned).
    Unknown,
}

/// What claiming the next batch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchClaim {
    /// These customers are now `sending`: send each exactly once. Empty when none is pending.
    Batch(Vec<DeliveryTarget>),
    /// The broadcast is no longer running (cancelled, or finished).
    Stopped,
    /// Another process owns the broadcast now: stop without touching it.
    LostLease,
}

impl Platform<'_> {
    /// Claims up to `limit` broadcasts of active tenants for `owner` for
    /// `lease_ms`: running ones, and stopped ones whose final report is not
    /// sent yet — when nobody holds them or their owner's lease ran out. A
    /// broadcast taken over from another owner has its `sending` rows turned
    /// `unknown` first: that owner may have handed them to Telegram.
    pub async fn claim_broadcasts(&self, owner: &str, lease_ms: i64, limit: i64) -> Result<Vec<Broadcast>, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let now = now_ms();
        let skip_locked = match self.store().db.backend() {
            Backend::Postgres => "FOR UPDATE OF b SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let candidates: Vec<(i64, i64)> = sqlx::query(&format!(
            "SELECT b.id, b.bot_id FROM broadcasts b JOIN bots t ON t.id = b.bot_id \
             WHERE t.status = 'active' AND (b.status = 'running' OR (b.status IN ('cancelled', 'done') \
             AND b.reported = $1 AND b.started_at IS NOT NULL)) \
             AND (b.owner IS NULL OR (b.owner <> $2 AND b.lease_until < $3)) ORDER BY b.id LIMIT $4 {skip_locked}"
        ))
        .bind(false)
        .bind(owner)
        .bind(now)
        .bind(limit)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("id")?, r.try_get("bot_id")?)))
        .collect::<Result<_, _>>()?;
        let mut claimed = Vec::with_capacity(candidates.len());
        for (id, bot_id) in candidates {
            let orphaned = sqlx::query(
                "UPDATE broadcast_deliveries SET status = 'unknown', updated_at = $1 \
                 WHERE bot_id = $2 AND broadcast_id = $3 AND status = 'sending'",
            )
            .bind(now)
            .bind(bot_id)
            .bind(id)
            .execute(tx.conn())
            .await?
            .rows_affected() as i64;
            let row = sqlx::query(&format!(
                "UPDATE broadcasts SET owner = $1, lease_until = $2, unknown = unknown + $3, updated_at = $4 \
                 WHERE bot_id = $5 AND id = $6 RETURNING {COLUMNS}"
            ))
            .bind(owner)
            .bind(now + lease_ms)
            .bind(orphaned)
            .bind(now)
            .bind(bot_id)
            .bind(id)
            .fetch_one(tx.conn())
            .await?;
            claimed.push(from_row(&row)?);
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Ends, at once, the leases that earlier runs of `node` (owners named
    /// `{node}/…`) hold, except `owner`'s own: a process calls it as it
    /// starts, so the broadcasts it was sending when it died are claimed again
    /// without waiting for the lease to run out. At most once still holds:
    /// claiming turns their `sending` rows `unknown` ([`Platform::claim_broadcasts`]).
    pub async fn expire_broadcast_leases_of(&self, node: &str, owner: &str) -> Result<u64, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let held: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, owner FROM broadcasts WHERE owner IS NOT NULL").fetch_all(tx.conn()).await?;
        let prefix = format!("{node}/");
        let mut expired = 0;
        for (id, holder) in held.into_iter().filter(|(_, holder)| holder.starts_with(&prefix) && holder != owner) {
            expired += sqlx::query("UPDATE broadcasts SET lease_until = $1 WHERE id = $2 AND owner = $3")
                .bind(0_i64)
                .bind(id)
                .bind(holder)
                .execute(tx.conn())
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(expired)
    }

    /// Lets go of a claimed broadcast the process cannot serve yet (its bot is
    /// not in the process's registry yet), so that any process may claim it.
    pub async fn release_broadcast(&self, id: BroadcastId, owner: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        sqlx::query(
            "UPDATE broadcasts SET owner = NULL, lease_until = NULL, updated_at = $1 WHERE id = $2 AND owner = $3",
        )
        .bind(now_ms())
        .bind(id.get())
        .bind(owner)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }
}

impl Tenant<'_> {
    /// Renews `owner`'s lease and moves up to `limit` pending deliveries to
    /// `sending`, in one transaction, so they are recorded as handed over
    /// before anything is sent.
    pub async fn claim_broadcast_batch(
        &self,
        id: BroadcastId,
        owner: &str,
        limit: i64,
        lease_ms: i64,
    ) -> Result<BatchClaim, StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let renewed = sqlx::query(
            "UPDATE broadcasts SET lease_until = $1, updated_at = $2 \
             WHERE bot_id = $3 AND id = $4 AND owner = $5 AND status = 'running'",
        )
        .bind(now + lease_ms)
        .bind(now)
        .bind(tx.bot())
        .bind(id.get())
        .bind(owner)
        .execute(tx.conn())
        .await?;
        if renewed.rows_affected() == 0 {
            let holder: Option<Option<String>> =
                sqlx::query_scalar("SELECT owner FROM broadcasts WHERE bot_id = $1 AND id = $2")
                    .bind(tx.bot())
                    .bind(id.get())
                    .fetch_optional(tx.conn())
                    .await?;
            tx.commit().await?;
            return Ok(match holder {
                Some(Some(holder)) if holder == owner => BatchClaim::Stopped,
                _ => BatchClaim::LostLease,
            });
        }
        let rows = sqlx::query(
            "UPDATE broadcast_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $1 \
             WHERE bot_id = $2 AND broadcast_id = $3 AND status = 'pending' AND customer_id IN \
             (SELECT customer_id FROM broadcast_deliveries WHERE bot_id = $2 AND broadcast_id = $3 \
             AND status = 'pending' ORDER BY customer_id LIMIT $4) RETURNING customer_id, chat_id",
        )
        .bind(now)
        .bind(tx.bot())
        .bind(id.get())
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        let mut batch = rows
            .iter()
            .map(|r| Ok(DeliveryTarget { customer_id: r.try_get("customer_id")?, chat_id: r.try_get("chat_id")? }))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        batch.sort_by_key(|t| t.customer_id);
        Ok(BatchClaim::Batch(batch))
    }

    /// Records the outcomes of a claimed batch and updates the counters in one
    /// transaction; returns the broadcast as it stands. Only rows still
    /// `sending` change: after a takeover they are `unknown` and stay so.
    pub async fn record_broadcast_outcomes(
        &self,
        id: BroadcastId,
        outcomes: &[(i64, DeliveryOutcome)],
    ) -> Result<Broadcast, StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let mut counts = [0i64; 4]; // sent, blocked, unknown, failed
        for (slot, status) in [(0, "sent"), (1, "blocked"), (2, "unknown")] {
            let customers: Vec<i64> = outcomes
                .iter()
                .filter(|(_, o)| match o {
                    DeliveryOutcome::Sent => slot == 0,
                    DeliveryOutcome::Blocked => slot == 1,
                    DeliveryOutcome::Unknown => slot == 2,
                    DeliveryOutcome::Failed(_) => false,
                })
                .map(|(c, _)| *c)
                .collect();
            if customers.is_empty() {
                continue;
            }
            let placeholders: Vec<String> = (0..customers.len()).map(|i| format!("${}", i + 5)).collect();
            let sql = format!(
                "UPDATE broadcast_deliveries SET status = $1, updated_at = $2 WHERE bot_id = $3 AND broadcast_id = $4 \
                 AND status = 'sending' AND customer_id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(status).bind(now).bind(tx.bot()).bind(id.get());
            for customer in customers {
                query = query.bind(customer);
            }
            counts[slot] = query.execute(tx.conn()).await?.rows_affected() as i64;
        }
        for (customer, outcome) in outcomes {
            let DeliveryOutcome::Failed(error) = outcome else { continue };
            let error: String = error.chars().take(500).collect();
            counts[3] += sqlx::query(
                "UPDATE broadcast_deliveries SET status = 'failed', error = $1, updated_at = $2 \
                 WHERE bot_id = $3 AND broadcast_id = $4 AND customer_id = $5 AND status = 'sending'",
            )
            .bind(error)
            .bind(now)
            .bind(tx.bot())
            .bind(id.get())
            .bind(*customer)
            .execute(tx.conn())
            .await?
            .rows_affected() as i64;
        }
        let row = sqlx::query(&format!(
            "UPDATE broadcasts SET sent = sent + $1, blocked = blocked + $2, unknown = unknown + $3, \
             failed = failed + $4, updated_at = $5 WHERE bot_id = $6 AND id = $7 RETURNING {COLUMNS}"
        ))
        .bind(counts[0])
        .bind(counts[1])
        .bind(counts[2])
        .bind(counts[3])
        .bind(now)
        .bind(tx.bot())
        .bind(id.get())
        .fetch_one(tx.conn())
        .await?;
        tx.commit().await?;
        from_row(&row)
    }

    /// Remembers the progress message sent to the admin's chat.
    pub async fn set_broadcast_progress_message(
        &self,
        id: BroadcastId,
        owner: &str,
        message_id: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE broadcasts SET progress_message_id = $1, updated_at = $2 WHERE bot_id = $3 AND id = $4 AND owner = $5",
        )
        .bind(message_id)
        .bind(now_ms())
        .bind(tx.bot())
        .bind(id.get())
        .bind(owner)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Marks a running broadcast done once nothing is pending or in flight,
    /// and returns it as it stands (also when an admin cancelled it first).
    pub async fn finish_broadcast(&self, id: BroadcastId, owner: &str) -> Result<Broadcast, StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        sqlx::query(
            "UPDATE broadcasts SET status = 'done', finished_at = $1, updated_at = $1 \
             WHERE bot_id = $2 AND id = $3 AND owner = $4 AND status = 'running' AND NOT EXISTS \
             (SELECT 1 FROM broadcast_deliveries d WHERE d.bot_id = $2 AND d.broadcast_id = $3 \
             AND d.status IN ('pending', 'sending'))",
        )
        .bind(now)
        .bind(tx.bot())
        .bind(id.get())
        .bind(owner)
        .execute(tx.conn())
        .await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM broadcasts WHERE bot_id = $1 AND id = $2"))
            .bind(tx.bot())
            .bind(id.get())
            .fetch_one(tx.conn())
            .await?;
        tx.commit().await?;
        from_row(&row)
    }

    /// Records that the final report went out and lets the broadcast go.
    pub async fn mark_broadcast_reported(&self, id: BroadcastId, owner: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE broadcasts SET reported = $1, owner = NULL, lease_until = NULL, updated_at = $2 \
             WHERE bot_id = $3 AND id = $4 AND owner = $5",
        )
        .bind(true)
        .bind(now_ms())
        .bind(tx.bot())
        .bind(id.get())
        .bind(owner)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Gives up `owner`'s lease (shutting down) so any process resumes at once.
    pub async fn release_broadcast(&self, id: BroadcastId, owner: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE broadcasts SET owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE bot_id = $2 AND id = $3 AND owner = $4",
        )
        .bind(now_ms())
        .bind(tx.bot())
        .bind(id.get())
        .bind(owner)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// How a broadcast's deliveries stand, counted from the rows themselves
    /// (`status`, count) — for checks and reports; the counters on the
    /// broadcast are kept with every batch.
    pub async fn broadcast_delivery_counts(&self, id: BroadcastId) -> Result<Vec<(String, i64)>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM broadcast_deliveries WHERE bot_id = $1 AND broadcast_id = $2 \
             GROUP BY status ORDER BY status",
        )
        .bind(tx.bot())
        .bind(id.get())
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        rows.iter().map(|r| Ok((r.try_get("status")?, r.try_get("n")?))).collect()
    }
}
