//! Background jobs: work a use case hands off (provisioning on a panel, …),
//! claimed by any process, retried with backoff, finished in the same
//! transaction as the job's own effects. What a job is — its kind and typed
//! arguments — is [`JobKind`]; the rows keep its stored form
//! (`kind`, `payload`).

use crate::clock::now_ms;
use crate::tenancy::{Mode, PlatformTx};
use crate::{Backend, Platform, StoreError, TenantTx};
use bazar_domain::{BotId, JobError, JobKind};
use sqlx::Row;

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Row id.
    pub id: i64,
    /// The tenant it works for.
    pub bot_id: BotId,
    /// What to do, with its arguments.
    pub kind: JobKind,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

/// How a job attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    /// Done for good.
    Done,
    /// Try again at `run_at` (unix ms).
    Retry {
        /// When.
        run_at: i64,
        /// Why this attempt failed.
        error: String,
    },
    /// Given up.
    Failed {
        /// Why.
        error: String,
    },
}

/// Queues `job` for each of `bots`, due `now`: a platform path that hands
/// every tenant its own job (daily summaries, panel health notices).
pub(crate) async fn enqueue_for_each(
    tx: &mut PlatformTx,
    bots: &[i64],
    job: &JobKind,
    now: i64,
) -> Result<(), StoreError> {
    let payload = job.payload();
    for bot in bots {
        sqlx::query(
            "INSERT INTO jobs (bot_id, kind, payload, run_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $4, $4)",
        )
        .bind(bot)
        .bind(job.name())
        .bind(&payload)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

impl TenantTx {
    /// Queues a job for this tenant, due at `run_at` (unix ms).
    pub async fn enqueue_job(&mut self, job: &JobKind, run_at: i64) -> Result<i64, StoreError> {
        let now = now_ms();
        Ok(sqlx::query_scalar(
            "INSERT INTO jobs (bot_id, kind, payload, run_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(self.bot())
        .bind(job.name())
        .bind(job.payload())
        .bind(run_at)
        .bind(now)
        .fetch_one(self.conn())
        .await?)
    }

    /// Records how an attempt ended, in the transaction that made its effects.
    pub async fn finish_job(&mut self, id: i64, end: &JobEnd) -> Result<(), StoreError> {
        let (status, run_at, error) = match end {
            JobEnd::Done => ("done", None, None),
            JobEnd::Retry { run_at, error } => ("pending", Some(*run_at), Some(error.as_str())),
            JobEnd::Failed { error } => ("failed", None, Some(error.as_str())),
        };
        sqlx::query(
            "UPDATE jobs SET status = $1, run_at = COALESCE($2, run_at), last_error = $3, locked_until = NULL, \
             updated_at = $4 WHERE bot_id = $5 AND id = $6",
        )
        .bind(status)
        .bind(run_at)
        .bind(error)
        .bind(now_ms())
        .bind(self.bot())
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}

impl Platform<'_> {
    /// Puts a claimed job back for later without counting the attempt (its bot
    /// is not active right now).
    pub async fn defer_job(&self, id: i64, run_at: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        sqlx::query(
            "UPDATE jobs SET status = 'pending', attempts = attempts - 1, run_at = $1, locked_until = NULL, updated_at = $2 \
             WHERE id = $3 AND status = 'running'",
        )
        .bind(run_at)
        .bind(now_ms())
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Puts a claimed job back for `run_at` after an attempt that could not
    /// record its own end (it panicked): the attempt counts, and `error` says
    /// what happened, so the job neither waits out its lease nor loops unseen.
    pub async fn retry_job(&self, id: i64, run_at: i64, error: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        sqlx::query(
            "UPDATE jobs SET status = 'pending', run_at = $1, last_error = $2, locked_until = NULL, updated_at = $3 \
             WHERE id = $4 AND status = 'running'",
        )
        .bind(run_at)
        .bind(error)
        .bind(now_ms())
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Ends a claimed job `failed` with `error` unless it already ended: the
    /// runtime's last word on a job it gave up, whatever its handler did.
    pub async fn fail_job(&self, id: i64, error: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        sqlx::query(
            "UPDATE jobs SET status = 'failed', last_error = COALESCE(last_error, $1), locked_until = NULL, \
             updated_at = $2 WHERE id = $3 AND status = 'running'",
        )
        .bind(error)
        .bind(now_ms())
        .bind(id)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Gives back, at once, the jobs `node` held when its process died: a
    /// process calls it as it starts, before claiming anything, so every job
    /// still `running` under its own `node_id` belongs to a predecessor that
    /// can no longer finish it (and would otherwise wait out its lease).
    /// Returns how many went back to `pending`; their attempts still count.
    pub async fn release_jobs_of(&self, node: &str) -> Result<u64, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let done = sqlx::query(
            "UPDATE jobs SET status = 'pending', locked_until = NULL, updated_at = $1 \
             WHERE status = 'running' AND claimed_by = $2",
        )
        .bind(now_ms())
        .bind(node)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Claims up to `limit` due jobs of any tenant for `lease_ms`, with no
    /// holder recorded: only the lease brings them back (tests and tools that
    /// do not restart; the runtime uses [`Platform::claim_jobs_by`]).
    pub async fn claim_jobs(&self, limit: i64, lease_ms: i64) -> Result<Vec<Job>, StoreError> {
        self.claim_jobs_by(limit, lease_ms, None).await
    }

    /// Claims up to `limit` due jobs of any tenant for `lease_ms`, recording
    /// `node` (the claiming process's `node_id`) as their holder, so that
    /// process takes them back at once when it restarts
    /// ([`Platform::release_jobs_of`]). Jobs whose lease ran out (their
    /// process died) are due again. On PostgreSQL, `SKIP LOCKED` lets several
    /// processes claim side by side.
    ///
    /// A claimed row that is not a [`JobKind`] (an unknown kind, a payload
    /// without its fields) is marked `failed` with the reason in the same
    /// transaction and not returned: it can neither run with made-up
    /// arguments nor come back forever, and the others run.
    pub async fn claim_jobs_by(&self, limit: i64, lease_ms: i64, node: Option<&str>) -> Result<Vec<Job>, StoreError> {
        let mut tx = self.begin_tx(Mode::Write).await?;
        let now = now_ms();
        sqlx::query("UPDATE jobs SET status = 'pending' WHERE status = 'running' AND locked_until < $1")
            .bind(now)
            .execute(tx.conn())
            .await?;
        let skip_locked = match self.store().db.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let rows = sqlx::query(&format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1, updated_at = $2, \
             claimed_by = $4 WHERE status = 'pending' AND id IN (SELECT id FROM jobs WHERE status = 'pending' \
             AND run_at <= $2 ORDER BY run_at LIMIT $3 {skip_locked}) RETURNING id, bot_id, kind, payload, attempts"
        ))
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit)
        .bind(node)
        .fetch_all(tx.conn())
        .await?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let kind: String = row.try_get("kind")?;
            let payload: String = row.try_get("payload")?;
            match JobKind::from_stored(&kind, &payload) {
                Ok(job) => jobs.push(Job {
                    id,
                    bot_id: BotId::from_raw(row.try_get("bot_id")?),
                    kind: job,
                    attempts: row.try_get::<i64, _>("attempts")? as u32,
                }),
                Err(error) => fail_unreadable(&mut tx, id, &error).await?,
            }
        }
        tx.commit().await?;
        Ok(jobs)
    }
}

/// Ends a claimed row that is not a job: `failed`, with why, never retried.
async fn fail_unreadable(tx: &mut PlatformTx, id: i64, error: &JobError) -> Result<(), StoreError> {
    tracing::error!(job = id, %error, "a stored job cannot be read; marked failed");
    sqlx::query(
        "UPDATE jobs SET status = 'failed', last_error = $1, locked_until = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(error.to_string())
    .bind(now_ms())
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}
