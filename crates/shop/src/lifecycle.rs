//! A subscription's life after delivery: reminders before it ends, and the end
//! itself (disabled on the panel, marked expired). Scheduled as jobs when the
//! subscription goes live, so nothing scans the whole table.

use bazar_domain::jobs::{ExpireJob, RemindJob};
use bazar_domain::{ConfigKey, ConfigValue, JobKind, SubscriptionId};
use bazar_store::{Job, JobEnd, StoreError, Subscription, SubscriptionStatus, TenantScope, TenantSettings, TenantTx};

const DAY_MS: i64 = 86_400_000;

/// Queues the reminders (per the tenant's `reminder_days`) and the expiry of a
/// subscription that just went live, in the transaction that activated it.
pub async fn schedule(
    tx: &mut TenantTx,
    settings: &TenantSettings,
    subscription: SubscriptionId,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    if let ConfigValue::IntList(days) = settings.config(ConfigKey::ReminderDays) {
        for days in days {
            let at = expires_at - days * DAY_MS;
            if at > now {
                tx.enqueue_job(&JobKind::Remind(RemindJob { subscription, days: *days }), at).await?;
            }
        }
    }
    tx.enqueue_job(&JobKind::Expire(ExpireJob { subscription }), expires_at).await?;
    Ok(())
}

/// What a lifecycle job decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Tell the customer the subscription ends in `days` days.
    Reminder {
        /// The subscription.
        subscription: Subscription,
        /// Days left, as configured.
        days: i64,
    },
    /// The subscription ended and was disabled on the panel.
    Expired(Subscription),
    /// Nothing to say (renewed, already told, no longer active).
    Nothing,
}

/// The `remind` job: once per subscription and day count, only while active
/// and still ending when the reminder was planned.
pub async fn remind(
    store: &bazar_store::Store,
    scope: &TenantScope,
    job: &Job,
    args: &RemindJob,
    now: i64,
) -> Result<Notice, StoreError> {
    let RemindJob { subscription: id, days } = *args;
    let mut tx = store.tenant(scope).begin().await?;
    let subscription = tx.subscription(id).await?;
    let due = subscription.as_ref().is_some_and(|s| {
        s.status == SubscriptionStatus::Active
            && s.expires_at.is_some_and(|e| e > now && e - now <= (days + 1) * DAY_MS)
    });
    let notice = match subscription {
        Some(subscription)
            if due
                && tx.record_notice(id, &format!("remind:{days}:{}", subscription.expires_at.unwrap_or(0))).await? =>
        {
            Notice::Reminder { subscription, days }
        }
        _ => Notice::Nothing,
    };
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    Ok(notice)
}

/// Marks the subscription expired (once) if its end has come; the caller
/// disables it on the panel. Returns the expired subscription, if it is one.
pub async fn expire_due(
    store: &bazar_store::Store,
    scope: &TenantScope,
    job: &Job,
    args: &ExpireJob,
    now: i64,
) -> Result<Option<Subscription>, StoreError> {
    let id = args.subscription;
    let mut tx = store.tenant(scope).begin().await?;
    let subscription = tx.subscription(id).await?;
    let expired = match subscription {
        Some(s) if s.status == SubscriptionStatus::Active && s.expires_at.is_some_and(|e| e <= now) => {
            if tx.record_notice(id, &format!("expired:{}", s.expires_at.unwrap_or(0))).await? {
                tx.set_subscription_status(id, SubscriptionStatus::Expired).await?;
                Some(s)
            } else {
                None
            }
        }
        // Renewed since: the renewal scheduled a new expiry job.
        Some(_) => None,
        _ => None,
    };
    tx.finish_job(job.id, &JobEnd::Done).await?;
    tx.commit().await?;
    Ok(expired)
}

/// At the end of a subscription whose customer turned auto-renewal on: renew it
/// from the wallet (key `auto:{subscription}:{end}`, so once per period) and
/// finish the expiry job. False when it was not renewed (off, not enough
/// balance, not renewable): the caller expires it as usual.
pub async fn auto_renew(
    store: &bazar_store::Store,
    scope: &TenantScope,
    job: &Job,
    args: &ExpireJob,
    now: i64,
    settings: &TenantSettings,
) -> Result<bool, StoreError> {
    let id = args.subscription;
    let mut tx = store.tenant(scope).begin().await?;
    let Some(subscription) = tx.subscription(id).await? else { return Ok(false) };
    let Some(end) = subscription.expires_at.filter(|e| *e <= now && subscription.status == SubscriptionStatus::Active)
    else {
        return Ok(false);
    };
    let wants = tx.customer(subscription.customer_id).await?.is_some_and(|c| c.auto_renew);
    if !wants {
        return Ok(false);
    }
    let key = format!("auto:{id}:{end}");
    let referral = crate::payments::referral_percent(settings);
    match crate::renew(&mut tx, subscription.customer_id, id, &key, referral, settings.currency()).await? {
        crate::RenewOutcome::Renewed { .. } | crate::RenewOutcome::AlreadyRenewed => {
            tx.finish_job(job.id, &JobEnd::Done).await?;
            tx.commit().await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}
