//! Daily summaries: which tenant's admins have been sent the summary of which
//! Tehran day. A row and the job that sends the summary are inserted in one
//! transaction, and the row's key `(bot_id, day_start)` makes a second
//! scheduling of the same day a no-op — however many processes try.

use crate::clock::now_ms;
use crate::{Platform, StoreError};
use bazar_domain::jobs::DailySummaryJob;
use bazar_domain::{BotId, JobKind};

impl Platform<'_> {
    /// Schedules the summary of the Tehran day starting at `day_start` for every
    /// active tenant that existed that day and has not had it yet; returns the
    /// tenants scheduled now.
    pub async fn schedule_daily_summaries(&self, day_start: i64) -> Result<Vec<BotId>, StoreError> {
        let mut tx = self.begin_tx(crate::tenancy::Mode::Write).await?;
        let now = now_ms();
        let bots: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO daily_summaries (bot_id, day_start, created_at) \
             SELECT id, CAST($1 AS BIGINT), CAST($2 AS BIGINT) FROM bots WHERE status = 'active' AND created_at < CAST($1 AS BIGINT) + 86400000 \
             ON CONFLICT DO NOTHING RETURNING bot_id",
        )
        .bind(day_start)
        .bind(now)
        .fetch_all(tx.conn())
        .await?;
        let job = JobKind::DailySummary(DailySummaryJob { day_start });
        crate::jobs::enqueue_for_each(&mut tx, &bots, &job, now).await?;
        tx.commit().await?;
        Ok(bots.into_iter().map(BotId::from_raw).collect())
    }
}
