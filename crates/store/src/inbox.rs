//! The update inbox (`telegram_updates`) and per-bot runtime bookkeeping (`bot_runtime`).
//!
//! An update is stored before it is acknowledged (webhook) or before the poll
//! offset moves past it (polling), in one transaction, so a crash loses nothing;
//! it is marked handled in the same transaction as the handler's own writes, so
//! a restart does not handle it twice.
//!
//! What is stored is the update *as redacted* by [`redact_update`]: every
//! function here that writes a payload passes it through that one function, so
//! a bot token pasted into the master bot or a card number typed into a receipt
//! reaches the handler (in memory) but never the database, its WAL or a backup.

use crate::clock::now_ms;
use crate::tenancy::Mode;
use crate::{Platform, StoreError, Tenant, TenantTx};
use bazar_domain::{BotId, redact_secrets};
use serde_json::Value;
use sqlx::Row;
use std::borrow::Cow;

/// The update as the inbox may keep it: every `text` and `caption` in it (the
/// message, a quoted or replied-to one, …) with bot tokens and card numbers
/// redacted ([`bazar_domain::redact_secrets`]). The payload is returned as it
/// came when there is nothing to redact, or when it is not JSON at all.
pub fn redact_update(payload: &str) -> Cow<'_, str> {
    if !payload.contains("\"text\"") && !payload.contains("\"caption\"") {
        return Cow::Borrowed(payload);
    }
    let Ok(mut update) = serde_json::from_str::<Value>(payload) else { return Cow::Borrowed(payload) };
    if redact_value(&mut update) { Cow::Owned(update.to_string()) } else { Cow::Borrowed(payload) }
}

/// Redacts the texts and captions under `value`; true when something changed.
fn redact_value(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (key, inner) in map.iter_mut() {
                changed |= match inner {
                    Value::String(text) if key == "text" || key == "caption" => match redact_secrets(text) {
                        Some(redacted) => {
                            *text = redacted;
                            true
                        }
                        None => false,
                    },
                    other => redact_value(other),
                };
            }
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| redact_value(item) | changed),
        _ => false,
    }
}

/// How an update ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// The handler ran to completion.
    Handled,
    /// The handler failed for good (logged); the update is not retried.
    Failed,
}

/// An update accepted but not yet handled (found again after a restart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpdate {
    /// The bot it arrived for.
    pub bot_id: BotId,
    /// Telegram's update id.
    pub update_id: i64,
    /// The update as Telegram sent it (JSON).
    pub payload: String,
}

impl Tenant<'_> {
    /// Stores updates not seen before (redacted) and returns the ids that are new.
    /// With `next_offset`, also advances the poll offset, in the same transaction.
    pub async fn ingest_updates(
        &self,
        updates: &[(i64, String)],
        next_offset: Option<i64>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let mut fresh = Vec::with_capacity(updates.len());
        for (update_id, payload) in updates {
            let inserted = sqlx::query(
                "INSERT INTO telegram_updates (bot_id, update_id, payload, received_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (bot_id, update_id) DO NOTHING",
            )
            .bind(tx.bot())
            .bind(*update_id)
            .bind(redact_update(payload).as_ref())
            .bind(now)
            .execute(tx.conn())
            .await?;
            if inserted.rows_affected() == 1 {
                fresh.push(*update_id);
            }
        }
        if let Some(offset) = next_offset {
            sqlx::query(
                "INSERT INTO bot_runtime (bot_id, poll_offset, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (bot_id) DO UPDATE SET poll_offset = CASE WHEN excluded.poll_offset > bot_runtime.poll_offset \
                 THEN excluded.poll_offset ELSE bot_runtime.poll_offset END, updated_at = excluded.updated_at",
            )
            .bind(tx.bot())
            .bind(offset)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await?;
        Ok(fresh)
    }

    /// Records an update that could not be handled, so it is not retried forever.
    pub async fn record_failed_update(&self, update_id: i64, payload: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO telegram_updates (bot_id, update_id, payload, status, received_at, handled_at) \
             VALUES ($1, $2, $3, 'failed', $4, $4) \
             ON CONFLICT (bot_id, update_id) DO UPDATE SET status = 'failed', handled_at = excluded.handled_at",
        )
        .bind(tx.bot())
        .bind(update_id)
        .bind(redact_update(payload).as_ref())
        .bind(now)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Updates of this bot stored but not handled yet, oldest first (for
    /// example held while it was suspended), to queue when it is served again.
    pub async fn pending_updates(&self, limit: i64) -> Result<Vec<PendingUpdate>, StoreError> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(
            "SELECT update_id, payload FROM telegram_updates WHERE bot_id = $1 AND status = 'received' \
             ORDER BY received_at, update_id LIMIT $2",
        )
        .bind(tx.bot())
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
        let bot_id = tx.bot_id();
        tx.commit().await?;
        rows.iter()
            .map(|r| Ok(PendingUpdate { bot_id, update_id: r.try_get("update_id")?, payload: r.try_get("payload")? }))
            .collect()
    }

    /// The offset to pass to the next `getUpdates` (0 before the first poll).
    pub async fn poll_offset(&self) -> Result<i64, StoreError> {
        let mut tx = self.begin_read().await?;
        let offset: Option<i64> = sqlx::query_scalar("SELECT poll_offset FROM bot_runtime WHERE bot_id = $1")
            .bind(tx.bot())
            .fetch_optional(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(offset.unwrap_or(0))
    }

    /// The fingerprint of the webhook last registered with Telegram, if any.
    pub async fn webhook_fingerprint(&self) -> Result<Option<String>, StoreError> {
        let mut tx = self.begin_read().await?;
        let fp: Option<Option<String>> =
            sqlx::query_scalar("SELECT webhook_fingerprint FROM bot_runtime WHERE bot_id = $1")
                .bind(tx.bot())
                .fetch_optional(tx.conn())
                .await?;
        tx.commit().await?;
        Ok(fp.flatten())
    }

    /// Records what was registered with Telegram (`None` after `deleteWebhook`).
    pub async fn set_webhook_fingerprint(&self, fingerprint: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO bot_runtime (bot_id, webhook_fingerprint, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (bot_id) DO UPDATE SET webhook_fingerprint = excluded.webhook_fingerprint, updated_at = excluded.updated_at",
        )
        .bind(tx.bot())
        .bind(fingerprint)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }
}

impl TenantTx {
    /// Stores a webhook update as handled, inside the transaction that handles
    /// it. Returns false when the update was seen before (a redelivery): the
    /// caller then handles nothing. If the transaction rolls back, so does the
    /// claim, and Telegram's redelivery is handled afresh.
    pub async fn claim_update(&mut self, update_id: i64, payload: &str) -> Result<bool, StoreError> {
        let now = now_ms();
        let done = sqlx::query(
            "INSERT INTO telegram_updates (bot_id, update_id, payload, status, received_at, handled_at) \
             VALUES ($1, $2, $3, 'handled', $4, $4) ON CONFLICT (bot_id, update_id) DO NOTHING",
        )
        .bind(self.bot())
        .bind(update_id)
        .bind(redact_update(payload).as_ref())
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes an update stored in the inbox (polling, recovery, or held while
    /// the bot was suspended) for handling in this transaction: it becomes
    /// `handled` with the handler's writes. Returns false when it is no longer
    /// `received` — another run of it handled it, or it failed — so an update
    /// queued twice is handled once; a rollback gives it back.
    pub async fn take_update(&mut self, update_id: i64) -> Result<bool, StoreError> {
        let taken = sqlx::query(
            "UPDATE telegram_updates SET status = 'handled', handled_at = $1 \
             WHERE bot_id = $2 AND update_id = $3 AND status = 'received'",
        )
        .bind(now_ms())
        .bind(self.bot())
        .bind(update_id)
        .execute(self.conn())
        .await?;
        Ok(taken.rows_affected() == 1)
    }

    /// Marks an update handled (or failed) as part of the handler's transaction.
    pub async fn finish_update(&mut self, update_id: i64, outcome: UpdateOutcome) -> Result<(), StoreError> {
        let status = match outcome {
            UpdateOutcome::Handled => "handled",
            UpdateOutcome::Failed => "failed",
        };
        sqlx::query("UPDATE telegram_updates SET status = $1, handled_at = $2 WHERE bot_id = $3 AND update_id = $4")
            .bind(status)
            .bind(now_ms())
            .bind(self.bot())
            .bind(update_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

impl Platform<'_> {
    /// Updates accepted but never handled (the process stopped in between), oldest first.
    pub async fn pending_updates(&self, limit: i64) -> Result<Vec<PendingUpdate>, StoreError> {
        let mut tx = self.begin_tx(Mode::Read).await?;
        let rows = sqlx::query(
            "SELECT bot_id, update_id, payload FROM telegram_updates WHERE status = 'received' \
             ORDER BY received_at, bot_id, update_id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(PendingUpdate {
                    bot_id: BotId::from_raw(r.try_get("bot_id")?),
                    update_id: r.try_get("update_id")?,
                    payload: r.try_get("payload")?,
                })
            })
            .collect()
    }

    /// Holds an update that carries money (a `successful_payment`) for a
    /// *suspended* bot, raw (redacted like every stored update) and
    /// `received`: nothing handles it while the bot is suspended — no tenant
    /// scope exists for it — and the runtime queues it as soon as the bot is
    /// served again. The only write the runtime makes for a suspended bot;
    /// refused (false) unless the bot is suspended. A repeat is a no-op (true).
    pub async fn hold_suspended_update(
        &self,
        bot_id: BotId,
        update_id: i64,
        payload: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let suspended: Option<i64> = sqlx::query_scalar("SELECT id FROM bots WHERE id = $1 AND status = 'suspended'")
            .bind(bot_id.get())
            .fetch_optional(tx.conn())
            .await?;
        if suspended.is_none() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO telegram_updates (bot_id, update_id, payload, received_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (bot_id, update_id) DO NOTHING",
        )
        .bind(bot_id.get())
        .bind(update_id)
        .bind(redact_update(payload).as_ref())
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes handled and failed updates older than `age_ms`; returns how many.
    pub async fn prune_updates(&self, age_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let done = sqlx::query("DELETE FROM telegram_updates WHERE status <> 'received' AND received_at < $1")
            .bind(now_ms() - age_ms)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TOKEN: &str = "700003:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_";

    #[test]
    fn texts_and_captions_are_redacted_anywhere_in_the_update() {
        let update = json!({
            "update_id": 5,
            "message": {
                "message_id": 9,
                "text": format!("here: {TOKEN}"),
                "reply_to_message": {"caption": "card 6037991234567810"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 4}]
            }
        })
        .to_string();
        let stored = redact_update(&update);
        assert!(!stored.contains("AAHdqTcv") && !stored.contains("6037991234567810"), "{stored}");
        let stored: Value = serde_json::from_str(&stored).unwrap();
        assert_eq!(stored["message"]["text"], "here: [redacted bot token]");
        assert_eq!(stored["message"]["reply_to_message"]["caption"], "card 603799******7810");
        assert_eq!(stored["message"]["message_id"], 9);
    }

    #[test]
    fn an_update_without_secrets_is_kept_byte_for_byte() {
        let update = r#"{"update_id":5,"message":{"text":"hello 12:30","chat":{"id":1}}}"#;
        assert!(matches!(redact_update(update), Cow::Borrowed(u) if u == update));
        // A token outside any text (an invoice payload, say) is not a pasted secret.
        let paid = format!(r#"{{"update_id":6,"message":{{"successful_payment":{{"invoice_payload":"{TOKEN}"}}}}}}"#);
        assert!(matches!(redact_update(&paid), Cow::Borrowed(_)));
    }
}
