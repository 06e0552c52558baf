//! Buying a plan from the wallet, and the free trial.

use crate::promo::with_benefit;
use bazar_domain::jobs::ProvisionJob;
use bazar_domain::{CurrencyUnit, CustomerId, JobKind, Money, PromoBenefit};
use bazar_store::{Created, EntryKind, NewSubscription, Plan, PromoRefusal, StoreError, Subscription, TenantTx};

/// How a purchase ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuyOutcome<C: CurrencyUnit> {
    /// Paid; the subscription is being provisioned.
    Bought {
        /// The new subscription.
        subscription: Subscription,
        /// The wallet balance after paying.
        balance: Money<C>,
        /// The customer who invited the buyer, and the reward credited to them.
        referral: Option<(CustomerId, Money<C>)>,
    },
    /// The same purchase (same key: a double tap) happened before.
    AlreadyBought(Subscription),
    /// The wallet does not cover the price; nothing was written.
    NotEnough {
        /// Balance now.
        balance: Money<C>,
        /// Price of the plan.
        price: Money<C>,
    },
    /// The plan is gone, disabled, priced in another currency, or its panel
    /// options do not fit the shop's panel (nothing it could serve is sold).
    PlanUnavailable,
    /// The platform has no panel for this tenant yet.
    NoPanel,
    /// The promo code given with the purchase cannot be used any more.
    PromoRefused(PromoRefusal),
}

/// Buys `plan_id` for `customer` inside `tx`: debits the wallet (ledger key
/// `purchase:{subscription}`), creates the subscription and queues its
/// provisioning — all or nothing with the caller's commit.
/// With `referral_percent` (the tenant's referral programme is on), whoever
/// invited the buyer is credited that share of the price, once per purchase
/// (ledger key `referral:{subscription}`).
pub async fn buy<C: CurrencyUnit>(
    tx: &mut TenantTx,
    customer: CustomerId,
    plan_id: i64,
    purchase_key: &str,
    referral_percent: Option<u8>,
    promo: Option<&str>,
) -> Result<BuyOutcome<C>, StoreError> {
    let Some(plan) = tx.plan(plan_id).await?.filter(|p| p.active && p.currency == C::CODE) else {
        return Ok(BuyOutcome::PlanUnavailable);
    };
    // A double tap finds the first purchase before anything else.
    if let Some(existing) = tx.subscription_by_key(purchase_key).await? {
        return Ok(BuyOutcome::AlreadyBought(existing));
    }
    let benefit = match promo {
        Some(code) => match tx.check_promo(code, customer).await? {
            Ok(p) if !matches!(p.benefit, PromoBenefit::WalletBonus(_)) => Some(p.benefit),
            Ok(_) => None,
            Err(refusal) => return Ok(BuyOutcome::PromoRefused(refusal)),
        },
        None => None,
    };
    let (price, days) = with_benefit(Money::<C>::new(plan.price), plan.duration_days, benefit);
    let balance = tx.balance::<C>(customer).await?;
    if balance < price {
        return Ok(BuyOutcome::NotEnough { balance, price });
    }
    let Some(panel) = tx.tenant_panel_info().await? else {
        return Ok(BuyOutcome::NoPanel);
    };
    if plan.panel_options.ready_for(panel.kind).is_err() {
        return Ok(BuyOutcome::PlanUnavailable);
    }
    let mut new = subscription_for(customer, &plan, panel.id, purchase_key, C::CODE);
    new.price = price.minor();
    new.duration_days = days;
    let subscription = match tx.create_subscription(&new).await? {
        Created::New(s) => s,
        Created::Existing(s) => return Ok(BuyOutcome::AlreadyBought(s)),
        Created::TrialUsed => return Ok(BuyOutcome::PlanUnavailable),
    };
    if let Some(code) = promo.filter(|_| benefit.is_some())
        && tx.redeem_promo(code, customer, Some(subscription.id)).await?.is_err()
    {
        // Used up by someone else a moment ago: undo everything (the caller retries and reports it).
        return Err(StoreError::Conflict("the promo code was used up while buying"));
    }
    let key = format!("purchase:{}", subscription.id);
    let reference = format!("subscription {}", subscription.id);
    let balance = if !price.is_positive() {
        balance
    } else {
        match tx.post(customer, -price, EntryKind::Purchase, &key, Some(&reference)).await? {
            bazar_store::Posting::Applied { balance } => balance,
            bazar_store::Posting::Duplicate => balance,
        }
    };
    let mut referral = None;
    if let (Some(percent), Some(referrer)) = (referral_percent, tx.referrer_of(customer).await?) {
        let reward = price.percent(percent.min(100));
        if reward.is_positive() {
            let key = format!("referral:{}", subscription.id);
            let reference = format!("referee's subscription {}", subscription.id);
            if let bazar_store::Posting::Applied { .. } =
                tx.post(referrer, reward, EntryKind::ReferralReward, &key, Some(&reference)).await?
            {
                referral = Some((referrer, reward));
            }
        }
    }
    tx.enqueue_job(&JobKind::Provision(ProvisionJob { subscription: subscription.id }), 0).await?;
    Ok(BuyOutcome::Bought { subscription, balance, referral })
}

fn subscription_for(
    customer: CustomerId,
    plan: &Plan,
    panel: i64,
    key: &str,
    currency: &'static str,
) -> NewSubscription {
    NewSubscription {
        customer_id: customer,
        plan_id: Some(plan.id),
        is_trial: false,
        panel_id: Some(panel),
        duration_days: plan.duration_days,
        traffic_bytes: plan.traffic_bytes,
        device_limit: plan.device_limit,
        price: plan.price,
        currency,
        purchase_key: key.to_owned(),
    }
}

/// How a trial request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrialOutcome {
    /// Started; being provisioned.
    Started(Subscription),
    /// The customer had their trial already.
    AlreadyUsed,
    /// No panel can serve a trial now: none is assigned, or no plan on sale
    /// has panel options that fit it (a trial gets those of the first one).
    NoPanel,
}

/// Starts the free trial of `days` and `traffic_mb`, once per customer.
pub async fn start_trial(
    tx: &mut TenantTx,
    customer: CustomerId,
    days: u32,
    traffic_mb: u64,
    currency: &'static str,
) -> Result<TrialOutcome, StoreError> {
    let Some(panel) = tx.tenant_panel().await? else {
        return Ok(TrialOutcome::NoPanel);
    };
    if crate::plans::trial_options(tx).await?.is_none() {
        return Ok(TrialOutcome::NoPanel);
    }
    let new = NewSubscription {
        customer_id: customer,
        plan_id: None,
        is_trial: true,
        panel_id: Some(panel),
        duration_days: days,
        traffic_bytes: Some(traffic_mb * 1024 * 1024),
        device_limit: Some(1),
        price: 0,
        currency,
        purchase_key: format!("trial:{customer}"),
    };
    match tx.create_subscription(&new).await? {
        Created::New(s) => {
            tx.enqueue_job(&JobKind::Provision(ProvisionJob { subscription: s.id }), 0).await?;
            Ok(TrialOutcome::Started(s))
        }
        Created::Existing(_) | Created::TrialUsed => Ok(TrialOutcome::AlreadyUsed),
    }
}
