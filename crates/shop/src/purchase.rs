//! Buying a plan from the wallet, and the free trial.

use crate::promo::with_benefit;
use bazar_domain::jobs::ProvisionJob;
use bazar_domain::{Currency, CustomerId, JobKind, Money, PanelId, PlanId, PromoBenefit};
use bazar_store::{Created, EntryKind, NewSubscription, Plan, PromoRefusal, StoreError, Subscription, TenantTx};

/// How a purchase ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuyOutcome {
    /// Paid; the subscription is being provisioned.
    Bought {
        /// The new subscription.
        subscription: Subscription,
        /// The wallet balance after paying.
        balance: Money,
        /// The customer who invited the buyer, and the reward credited to them.
        referral: Option<(CustomerId, Money)>,
    },
    /// The same purchase (same key: a double tap) happened before.
    AlreadyBought(Subscription),
    /// The wallet does not cover the price; nothing was written.
    NotEnough {
        /// Balance now.
        balance: Money,
        /// Price of the plan.
        price: Money,
    },
    /// The plan is gone, disabled, priced in another currency, or its panel
    /// options do not fit the shop's panel (nothing it could serve is sold).
    PlanUnavailable,
    /// The platform has no panel for this tenant yet.
    NoPanel,
    /// The shop's panel is not answering (its health check says so): nothing
    /// is sold into retries; the customer is asked to try again soon.
    PanelDown,
    /// The promo code given with the purchase cannot be used any more.
    PromoRefused(PromoRefusal),
}

/// What a purchase is made under: its idempotency key, the shop's currency,
/// the referral share (when the programme is on) and a promo code.
#[derive(Debug, Clone, Copy)]
pub struct Purchase<'a> {
    /// Idempotency key: a double tap finds the first purchase.
    pub key: &'a str,
    /// The shop's currency.
    pub currency: Currency,
    /// The inviter's share of the price, when the referral programme is on.
    pub referral_percent: Option<u8>,
    /// A promo code given with the purchase.
    pub promo: Option<&'a str>,
}

impl<'a> Purchase<'a> {
    /// A purchase under `key` in `currency`, without referral share or promo code.
    pub const fn plain(key: &'a str, currency: Currency) -> Self {
        Self { key, currency, referral_percent: None, promo: None }
    }
}

/// Buys `plan_id` for `customer` inside `tx`: debits the wallet (ledger key
/// `purchase:{subscription}`), creates the subscription and queues its
/// provisioning — all or nothing with the caller's commit.
/// With `referral_percent` (the tenant's referral programme is on), whoever
/// invited the buyer is credited that share of the price, once per purchase
/// (ledger key `referral:{subscription}`). Only plans priced in the shop's
/// `currency` are sold (a shop that changed its currency keeps its old plans
/// unsold, never reinterpreted).
pub async fn buy(
    tx: &mut TenantTx,
    customer: CustomerId,
    plan_id: PlanId,
    purchase: &Purchase<'_>,
) -> Result<BuyOutcome, StoreError> {
    let Purchase { key: purchase_key, currency, referral_percent, promo } = *purchase;
    let Some(plan) = tx.plan(plan_id).await?.filter(|p| p.active && p.price.currency() == currency) else {
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
    let Some(panel) = tx.tenant_panel_info().await? else {
        return Ok(BuyOutcome::NoPanel);
    };
    if crate::plans::ready_for(&plan.panel_options, &panel.kind).is_err() {
        return Ok(BuyOutcome::PlanUnavailable);
    }
    // Before the balance: a customer is not sent to top up for what cannot be served now.
    if panel.down_since.is_some() {
        return Ok(BuyOutcome::PanelDown);
    }
    let (price, days) = with_benefit(plan.price, plan.duration_days, benefit);
    let balance = tx.balance(customer, currency).await?;
    if balance.minor() < price.minor() {
        return Ok(BuyOutcome::NotEnough { balance, price });
    }
    let mut new = subscription_for(customer, &plan, panel.id, purchase_key);
    new.price = price;
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

fn subscription_for(customer: CustomerId, plan: &Plan, panel: PanelId, key: &str) -> NewSubscription {
    NewSubscription {
        customer_id: customer,
        plan_id: Some(plan.id),
        is_trial: false,
        panel_id: Some(panel),
        duration_days: plan.duration_days,
        traffic_bytes: plan.traffic_bytes,
        device_limit: plan.device_limit,
        price: plan.price,
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
    /// The shop's panel is not answering; try again soon.
    PanelDown,
}

/// Starts the free trial of `days` and `traffic_mb`, once per customer.
pub async fn start_trial(
    tx: &mut TenantTx,
    customer: CustomerId,
    days: u32,
    traffic_mb: u64,
    currency: Currency,
) -> Result<TrialOutcome, StoreError> {
    let Some(panel) = tx.tenant_panel_info().await? else {
        return Ok(TrialOutcome::NoPanel);
    };
    if crate::plans::trial_options(tx).await?.is_none() {
        return Ok(TrialOutcome::NoPanel);
    }
    if panel.down_since.is_some() {
        return Ok(TrialOutcome::PanelDown);
    }
    let panel = panel.id;
    let new = NewSubscription {
        customer_id: customer,
        plan_id: None,
        is_trial: true,
        panel_id: Some(panel),
        duration_days: days,
        traffic_bytes: Some(traffic_mb * 1024 * 1024),
        device_limit: Some(1),
        price: Money::zero(currency),
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
