//! The background job runner: claims due jobs for this node, runs each on
//! a task of its own through the [`crate::Handler`], gives up a job claimed
//! more often than its kind allows, and records a panic with a backoff.

use crate::inner::RuntimeInner;
use bazar_store::StoreError;
use futures::FutureExt;
use std::sync::Arc;

impl RuntimeInner {
    /// Puts the jobs this node's previous run had claimed (it died holding
    /// them) back to `pending` at once, instead of after their lease.
    pub(crate) async fn take_back_jobs(&self) -> Result<(), StoreError> {
        let released = self.store.platform(&self.platform).release_jobs_of(&self.options.node).await?;
        if released > 0 {
            tracing::info!(released, node = %self.options.node, "took back jobs this node held when it stopped");
        }
        Ok(())
    }

    /// Claims due background jobs and runs each on its own task (at most
    /// [`MAX_RUNNING_JOBS`] at once), so a slow job delays no other and the
    /// next claim does not wait for it; their messages go out through the
    /// outbox like replies. Dropping the set (at shutdown) stops them: each
    /// is still leased to this node, which takes it back when it starts.
    pub(crate) async fn run_jobs(self: Arc<Self>) {
        let mut tick = tokio::time::interval(self.options.job_poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut running = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                () = self.cancel.cancelled() => return,
                _ = tick.tick() => {}
            }
            while running.try_join_next().is_some() {}
            let free = MAX_RUNNING_JOBS.saturating_sub(running.len());
            if free == 0 {
                continue;
            }
            let platform = self.store.platform(&self.platform);
            match platform.claim_jobs_by(free as i64, 120_000, Some(&self.options.node)).await {
                Ok(jobs) => {
                    for job in jobs {
                        running.spawn(self.clone().run_job(job));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot claim jobs"),
            }
        }
    }

    /// One claimed job: run through the handler, or given up once it was
    /// claimed more than its kind allows. A panic (a bug) puts the job back
    /// with its attempt counted and the panic recorded, after a backoff.
    async fn run_job(self: Arc<Self>, job: bazar_store::Job) {
        let platform = self.store.platform(&self.platform);
        let Some(bot) = self.registry.get(job.bot_id) else {
            let _ = platform.defer_job(job.id, now_ms() + 60_000).await;
            return;
        };
        let give_up = job.attempts > job.kind.max_attempts();
        let run = if give_up {
            tracing::error!(bot_id = %job.bot_id, job = job.id, kind = job.kind.name(), attempts = job.attempts, "job given up");
            std::panic::AssertUnwindSafe(self.handler.give_up(&bot, &job)).catch_unwind().await
        } else {
            std::panic::AssertUnwindSafe(self.handler.run_job(&bot, &job)).catch_unwind().await
        };
        let messages = match run {
            Ok(messages) => messages,
            Err(panic) => {
                let why = crate::pipeline::panic_text(&panic);
                tracing::error!(bot_id = %job.bot_id, job = job.id, kind = job.kind.name(), panic = why, "job panicked");
                if !give_up {
                    let error = format!("panicked: {why}");
                    let _ = platform.retry_job(job.id, now_ms() + panic_backoff_ms(job.attempts), &error).await;
                }
                Vec::new()
            }
        };
        if give_up {
            // Whatever the handler did, the job does not come back.
            let reason = format!("given up after {} attempts", job.attempts);
            let _ = platform.fail_job(job.id, &reason).await;
        }
        self.outbox.enqueue(&bot.scope, &bot.token, messages);
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Jobs running at once in one process.
const MAX_RUNNING_JOBS: usize = 32;

/// The wait before a job that panicked runs again: 5 s, doubling, at most 30 min.
fn panic_backoff_ms(attempts: u32) -> i64 {
    (5_000i64 << attempts.saturating_sub(1).min(9)).min(1_800_000)
}
