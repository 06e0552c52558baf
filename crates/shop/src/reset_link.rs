//! Resetting a subscription's link: an admin asks for it (the bot's admin
//! menu), a `reset_link` job ([`JobKind::ResetLink`]) asks the panel for a new link — the panel also
//! renews the user's credentials, so whatever was imported from a leaked link
//! stops working — stores it, and the job runner sends it to the customer.
//!
//! The request only queues the job inside the caller's transaction, so the
//! panel is never called from an update that might still roll back; the job
//! retries with the provisioner's backoff while the panel is unavailable.

use crate::Provisioner;
use crate::clock::now_ms;
use bazar_domain::jobs::ResetLinkJob;
use bazar_domain::{JobKind, SubscriptionId};
use bazar_store::{Job, JobEnd, StoreError, Subscription, SubscriptionStatus, TenantScope, TenantTx};

/// What a reset request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    /// The job is queued; the customer gets the new link when it is done.
    Queued,
    /// This tenant has no such subscription.
    NotFound,
    /// Only a live subscription has a link to reset; this one is in that status.
    NotActive(SubscriptionStatus),
}

/// Queues a link reset of an active subscription, by `actor` (kept in the job).
pub async fn request(
    tx: &mut TenantTx,
    subscription_id: SubscriptionId,
    actor: &str,
) -> Result<ResetOutcome, StoreError> {
    let Some(subscription) = tx.subscription(subscription_id).await? else { return Ok(ResetOutcome::NotFound) };
    if subscription.status != SubscriptionStatus::Active {
        return Ok(ResetOutcome::NotActive(subscription.status));
    }
    let reset = ResetLinkJob { subscription: subscription_id, by: actor.to_owned() };
    tx.enqueue_job(&JobKind::ResetLink(reset), 0).await?;
    Ok(ResetOutcome::Queued)
}

/// How one attempt of the job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetDone {
    /// The new link is stored: send it to the customer.
    Reset(Box<Subscription>),
    /// The panel failed; another attempt is scheduled (or the job gave up).
    NotYet,
    /// Nothing to do: the subscription is gone or no longer active.
    Skipped,
}

impl Provisioner {
    /// Runs one attempt of a `reset_link` job: the job's end is recorded in
    /// the same transaction as the new link.
    pub async fn reset_link(
        &self,
        scope: &TenantScope,
        job: &Job,
        args: &ResetLinkJob,
    ) -> Result<ResetDone, StoreError> {
        let tenant = self.store().tenant(scope);
        let id = args.subscription;
        let mut tx = tenant.begin_read().await?;
        let subscription = tx.subscription(id).await?;
        tx.commit().await?;
        let Some(subscription) = subscription.filter(|s| s.status == SubscriptionStatus::Active) else {
            self.end(scope, job, JobEnd::Done).await?;
            return Ok(ResetDone::Skipped);
        };
        let result = match self.panel(subscription.panel_id).await {
            Ok(panel) => panel
                .reset_subscription(&subscription.panel_username)
                .await
                .map_err(|e| (e.is_retryable(), e.to_string())),
            Err(e) => Err((true, e)),
        };
        match result {
            Ok(user) => {
                let mut tx = tenant.begin().await?;
                tx.set_subscription_url(id, &user.subscription_url).await?;
                tx.finish_job(job.id, &JobEnd::Done).await?;
                let now = tx.subscription(id).await?;
                tx.commit().await?;
                Ok(now.map_or(ResetDone::Skipped, |s| ResetDone::Reset(Box::new(s))))
            }
            Err((true, error)) if job.attempts < self.options.max_attempts => {
                let run_at = now_ms() + self.backoff(job.attempts).as_millis() as i64;
                self.end(scope, job, JobEnd::Retry { run_at, error }).await?;
                Ok(ResetDone::NotYet)
            }
            Err((_, error)) => {
                tracing::warn!(bot_id = %scope.bot_id(), subscription = %id, error = %error, "could not reset a link");
                self.end(scope, job, JobEnd::Failed { error }).await?;
                Ok(ResetDone::NotYet)
            }
        }
    }
}
