//! Whether each panel answers, as its periodic probes found
//! (`bazar_shop::panel_health` probes; this records and decides).
//!
//! A panel is *down* after [`DOWN_AFTER`] failed probes in a row and *up*
//! again at the first good one. Each transition is one conditional `UPDATE`
//! (`… WHERE down_since IS NULL`), so when several processes probe the same
//! panel exactly one of them sees the change, and that one queues a
//! `panel_health` job for every tenant the panel serves, in the same
//! transaction: admins are told once per outage, never once per process.

use crate::clock::now_ms;
use crate::tenancy::Mode;
use crate::{Platform, StoreError, TenantTx};
use bazar_domain::jobs::PanelHealthJob;
use bazar_domain::{JobKind, PanelId};
use sqlx::Row;
use sqlx::any::AnyRow;

/// Failed probes in a row after which a panel is down: one lost answer is a
/// blip, two in a row (a probe interval apart) an outage worth pausing sales for.
pub const DOWN_AFTER: i64 = 2;

/// A panel's health as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PanelHealth {
    /// Failed probes since the last good one.
    pub failures: i64,
    /// When it was last probed (unix ms); `None`: never.
    pub checked_at: Option<i64>,
    /// The last failure, as the adapter worded it (no secrets).
    pub error: Option<String>,
    /// Since when it is down (unix ms); `None`: up.
    pub down_since: Option<i64>,
}

impl PanelHealth {
    /// Whether sales that need it are paused.
    pub fn is_down(&self) -> bool {
        self.down_since.is_some()
    }

    pub(crate) fn of_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            failures: row.try_get("health_failures")?,
            checked_at: row.try_get("health_checked_at")?,
            error: row.try_get("health_error")?,
            down_since: row.try_get("down_since")?,
        })
    }
}

/// What one probe changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthChange {
    /// Nothing anyone must hear about.
    Unchanged,
    /// It just went down; the admins of `tenants` shops get told.
    WentDown {
        /// Tenants given a `panel_health` job.
        tenants: usize,
    },
    /// It answers again after being down since `since`.
    CameUp {
        /// When the outage began (unix ms).
        since: i64,
        /// Tenants given a `panel_health` job.
        tenants: usize,
    },
}

impl Platform<'_> {
    /// Records a probe of panel `id`: `Ok(())` it answered, `Err(reason)` it
    /// did not (the reason is kept for `bazar panel list`). Returns the
    /// transition it caused, having queued that transition's notices for the
    /// tenants the panel serves in the same transaction.
    pub async fn record_panel_probe(&self, id: PanelId, result: Result<(), &str>) -> Result<HealthChange, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_tx(Mode::Write).await?;
        let conn = tx.conn();
        let job = match result {
            Ok(()) => {
                let since: Option<Option<i64>> = sqlx::query_scalar("SELECT down_since FROM panels WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(&mut *conn)
                    .await?;
                sqlx::query(
                    "UPDATE panels SET health_failures = 0, health_checked_at = $1, health_error = NULL WHERE id = $2",
                )
                .bind(now)
                .bind(id.get())
                .execute(&mut *conn)
                .await?;
                match since.flatten() {
                    // Whoever clears this very outage reports it; a racing process finds it cleared.
                    Some(since) => sqlx::query("UPDATE panels SET down_since = NULL WHERE id = $1 AND down_since = $2")
                        .bind(id.get())
                        .bind(since)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected()
                        .eq(&1)
                        .then_some(PanelHealthJob { down: false, since }),
                    None => None,
                }
            }
            Err(reason) => {
                sqlx::query(
                    "UPDATE panels SET health_failures = health_failures + 1, health_checked_at = $1, \
                     health_error = $2 WHERE id = $3",
                )
                .bind(now)
                .bind(reason)
                .bind(id.get())
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "UPDATE panels SET down_since = $1 WHERE id = $2 AND down_since IS NULL AND health_failures >= $3",
                )
                .bind(now)
                .bind(id.get())
                .bind(DOWN_AFTER)
                .execute(&mut *conn)
                .await?
                .rows_affected()
                .eq(&1)
                .then_some(PanelHealthJob { down: true, since: now })
            }
        };
        let change = match job {
            None => HealthChange::Unchanged,
            Some(job) => {
                let tenants = tell_tenants(&mut tx, id, job, now).await?;
                if job.down {
                    HealthChange::WentDown { tenants }
                } else {
                    HealthChange::CameUp { since: job.since, tenants }
                }
            }
        };
        tx.commit().await?;
        Ok(change)
    }
}

/// Queues `job` for every active shop panel `id` serves now: those it is
/// assigned to, and, when it is the default, those with no panel of their own.
async fn tell_tenants(
    tx: &mut crate::tenancy::PlatformTx,
    id: PanelId,
    job: PanelHealthJob,
    now: i64,
) -> Result<usize, StoreError> {
    let bots: Vec<i64> = sqlx::query_scalar(
        "SELECT b.id FROM bots b WHERE b.status = 'active' AND b.is_master = $1 AND ( \
           EXISTS (SELECT 1 FROM bot_panels bp WHERE bp.bot_id = b.id AND bp.panel_id = $2) \
           OR (NOT EXISTS (SELECT 1 FROM bot_panels bp WHERE bp.bot_id = b.id) \
               AND EXISTS (SELECT 1 FROM panels p WHERE p.id = $2 AND p.is_default = $3))) ORDER BY b.id",
    )
    .bind(false)
    .bind(id.get())
    .bind(true)
    .fetch_all(tx.conn())
    .await?;
    crate::jobs::enqueue_for_each(tx, &bots, &JobKind::PanelHealth(job), now).await?;
    Ok(bots.len())
}

impl TenantTx {
    /// Since when panel `id` is down (unix ms); `None` while it answers (or is unknown).
    pub async fn panel_down_since(&mut self, id: PanelId) -> Result<Option<i64>, StoreError> {
        let since: Option<Option<i64>> = sqlx::query_scalar("SELECT down_since FROM panels WHERE id = $1")
            .bind(id.get())
            .fetch_optional(self.conn())
            .await?;
        Ok(since.flatten())
    }
}
