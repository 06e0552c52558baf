//! Renewing a subscription from the wallet: the same panel user gets more
//! days (a job, retried like provisioning), and the payment is refunded once
//! if the panel never accepts it.

use bazar_domain::jobs::ExtendJob;
use bazar_domain::{Currency, CustomerId, JobKind, Money, SubscriptionId};
use bazar_store::{EntryKind, Posting, StoreError, Subscription, SubscriptionStatus, TenantTx};

/// How a renewal request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewOutcome {
    /// Paid; the panel user is being extended.
    Renewed {
        /// The subscription.
        subscription: Box<Subscription>,
        /// The price paid.
        price: Money,
        /// The inviter's reward, if any.
        referral: Option<(CustomerId, Money)>,
    },
    /// The same renewal (same key) happened before.
    AlreadyRenewed,
    /// The wallet does not cover the price; nothing was written.
    NotEnough {
        /// Balance now.
        balance: Money,
        /// The plan's price.
        price: Money,
    },
    /// Not renewable: a trial, someone else's, failed, or its plan is gone.
    NotRenewable,
    /// The subscription's panel is not answering; nothing was charged.
    PanelDown,
}

/// Renews `subscription_id` of `customer` for its plan's length and price,
/// if the plan is still sold in the shop's `currency`.
pub async fn renew(
    tx: &mut TenantTx,
    customer: CustomerId,
    subscription_id: SubscriptionId,
    key: &str,
    referral_percent: Option<u8>,
    currency: Currency,
) -> Result<RenewOutcome, StoreError> {
    let ledger_key = format!("renew:{key}");
    if tx.ledger_key_exists(&ledger_key).await? {
        return Ok(RenewOutcome::AlreadyRenewed);
    }
    let Some(subscription) = tx.subscription(subscription_id).await?.filter(|s| {
        s.customer_id == customer
            && !s.is_trial
            && matches!(s.status, SubscriptionStatus::Active | SubscriptionStatus::Expired)
    }) else {
        return Ok(RenewOutcome::NotRenewable);
    };
    let plan = match subscription.plan_id {
        Some(plan) => tx.plan(plan).await?.filter(|p| p.active && p.price.currency() == currency),
        None => None,
    };
    let Some(plan) = plan else { return Ok(RenewOutcome::NotRenewable) };
    if let Some(panel) = subscription.panel_id
        && tx.panel_down_since(panel).await?.is_some()
    {
        return Ok(RenewOutcome::PanelDown);
    }
    let price = plan.price;
    let balance = tx.balance(customer, currency).await?;
    if balance.minor() < price.minor() {
        return Ok(RenewOutcome::NotEnough { balance, price });
    }
    if price.is_positive() {
        let reference = format!("renewal of subscription {subscription_id}");
        if let Posting::Duplicate =
            tx.post(customer, -price, EntryKind::Purchase, &ledger_key, Some(&reference)).await?
        {
            return Ok(RenewOutcome::AlreadyRenewed);
        }
    }
    let mut referral = None;
    if let (Some(percent), Some(referrer)) = (referral_percent, tx.referrer_of(customer).await?) {
        let reward = price.percent(percent.min(100));
        if reward.is_positive() {
            let reward_key = format!("referral:{ledger_key}");
            let reference = format!("referee's renewal of subscription {subscription_id}");
            if let Posting::Applied { .. } =
                tx.post(referrer, reward, EntryKind::ReferralReward, &reward_key, Some(&reference)).await?
            {
                referral = Some((referrer, reward));
            }
        }
    }
    let extend = ExtendJob {
        subscription: subscription_id,
        days: i64::from(plan.duration_days),
        price: price.minor(),
        currency: price.currency(),
        key: ledger_key,
        added_days: None,
        by: None,
    };
    tx.enqueue_job(&JobKind::Extend(extend), 0).await?;
    Ok(RenewOutcome::Renewed { subscription: Box::new(subscription), price, referral })
}
