//! Payments that credit exactly once.
//!
//! Every method ends in [`settle`]: one conditional status change (only one
//! caller can move a payment to `paid`) and one ledger credit under a
//! database-unique key (`c2c:{id}`, `zarinpal:{authority}`,
//! `stars:{charge_id}`), in the caller's transaction, followed — when the
//! payment was made to buy a plan — by that purchase, and a
//! `payment_update` job ([`JobKind::PaymentUpdate`]) that tells the customer.
//!
//! * [`card`] — card-to-card: rotation, receipts, admin approval.
//! * [`stars`] — Telegram Stars invoices, pre-checkout, refunds.
//! * [`zarinpal`] — the gateway: request, callback, reconciliation.

// Outcomes carry the payment they are about; each is built once per request
// and consumed at once, so boxing the large variant buys nothing.
#![allow(clippy::large_enum_variant)]

pub mod card;
pub mod stars;
pub mod zarinpal;

use crate::{BuyOutcome, Purchase, buy};
use bazar_domain::jobs::{PaymentUpdateJob, PurchaseResult};
use bazar_domain::{
    CardId, Charge, ConfigKey, ConfigValue, CustomerId, FeatureFlag, JobKind, Money, PaymentId, PlanId, SubscriptionId,
};
use bazar_store::{
    EntryKind, NewPayment, Payment, PaymentMethod, PaymentStatus, Posting, StoreError, TenantSettings, TenantTx,
};

/// What the automatic purchase after a credit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoPurchase {
    /// The plan was bought; its subscription is being provisioned.
    Bought(SubscriptionId),
    /// The wallet still does not cover the plan (its price changed, or the money was spent).
    NotEnough,
    /// The plan is no longer sold.
    PlanGone,
    /// No panel serves the tenant.
    NoPanel,
    /// The tenant's panel is not answering; the credit stays in the wallet.
    PanelDown,
}

impl AutoPurchase {
    /// What the customer is told of it, carried in the `payment_update` job.
    pub fn result(self) -> PurchaseResult {
        match self {
            Self::Bought(_) => PurchaseResult::Bought,
            Self::NotEnough => PurchaseResult::NotEnough,
            Self::PlanGone => PurchaseResult::PlanGone,
            Self::NoPanel => PurchaseResult::NoPanel,
            Self::PanelDown => PurchaseResult::PanelDown,
        }
    }
}

/// How settling a payment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Credited now (the only time for this payment).
    Credited {
        /// The payment as it is now.
        payment: Payment,
        /// What the purchase it was made for did.
        purchase: Option<AutoPurchase>,
    },
    /// Credited before (a repeated approval, callback or update).
    AlreadyPaid,
    /// It can no longer be credited (rejected, refunded, or expired for card-to-card).
    Closed(PaymentStatus),
}

/// Statuses from which money that did arrive is still credited. A card
/// payment is credited only while open: a rejected or expired receipt is
/// never credited by a stale button. Gateway and Stars money has really
/// arrived when they report it, so it is credited even after our expiry.
fn creditable_from(method: PaymentMethod) -> &'static [PaymentStatus] {
    match method {
        PaymentMethod::Card => &[PaymentStatus::Pending, PaymentStatus::Submitted],
        PaymentMethod::Zarinpal | PaymentMethod::Stars => {
            &[PaymentStatus::Pending, PaymentStatus::Expired, PaymentStatus::Failed]
        }
    }
}

/// The ledger key of a payment's credit: the gateway's own unique id where
/// there is one, so even two payment rows could not credit one transfer twice.
pub fn credit_key(payment: &Payment) -> String {
    match (payment.method, &payment.authority, &payment.charge_id) {
        (PaymentMethod::Zarinpal, Some(authority), _) => format!("zarinpal:{authority}"),
        (PaymentMethod::Stars, _, Some(charge)) => format!("stars:{charge}"),
        _ => format!("c2c:{}", payment.id),
    }
}

/// Credits `payment` once, in `tx`: status to `paid` (conditionally), the
/// wallet credit, the purchase it was made for, and the customer's notice.
///
/// The credit is in the payment's *own* currency — the tenant's when the
/// payment was made — whatever the tenant's currency is now: a customer who
/// paid is credited what they were promised, and no caller can pick another
/// currency (there is no way to ask for one).
pub async fn settle(
    tx: &mut TenantTx,
    payment_id: PaymentId,
    actor: &str,
    note: Option<&str>,
    referral_percent: Option<u8>,
) -> Result<Settlement, StoreError> {
    let Some(payment) = tx.payment_for_update(payment_id).await? else {
        return Err(StoreError::InvalidInput("no such payment"));
    };
    if !tx.transition_payment(payment.id, creditable_from(payment.method), PaymentStatus::Paid, actor, note).await? {
        let now = tx.payment(payment.id).await?.map(|p| p.status).unwrap_or(payment.status);
        return Ok(if now == PaymentStatus::Paid { Settlement::AlreadyPaid } else { Settlement::Closed(now) });
    }
    let key = credit_key(&payment);
    let reference = format!("payment {} ({})", payment.id, payment.tracking_code);
    if let Posting::Duplicate =
        tx.post(payment.customer_id, payment.credit, EntryKind::TopUp, &key, Some(&reference)).await?
    {
        // The key is the gateway's id: this transfer was credited through another row.
        tracing::warn!(payment = %payment.id, "credit key already used; not crediting twice");
    }
    let purchase = match payment.plan_id {
        Some(plan) => Some(auto_purchase(tx, &payment, plan, referral_percent).await?),
        None => None,
    };
    let update = PaymentUpdateJob { payment: payment.id, purchase: purchase.map(AutoPurchase::result) };
    tx.enqueue_job(&JobKind::PaymentUpdate(update), 0).await?;
    let payment = tx.payment(payment.id).await?.ok_or(StoreError::Corrupt("a paid payment vanished".into()))?;
    Ok(Settlement::Credited { payment, purchase })
}

/// Buys the plan a credited payment was made for, in the payment's currency.
async fn auto_purchase(
    tx: &mut TenantTx,
    payment: &Payment,
    plan: PlanId,
    referral_percent: Option<u8>,
) -> Result<AutoPurchase, StoreError> {
    let key = format!("payment:{}", payment.id);
    let currency = payment.credit.currency();
    let purchase = Purchase { key: &key, currency, referral_percent, promo: payment.promo.as_deref() };
    let mut outcome = buy(tx, payment.customer_id, plan, &purchase).await?;
    if let BuyOutcome::PromoRefused(_) = outcome {
        outcome = buy(tx, payment.customer_id, plan, &Purchase { promo: None, ..purchase }).await?;
    }
    Ok(match outcome {
        BuyOutcome::Bought { subscription, .. } | BuyOutcome::AlreadyBought(subscription) => {
            AutoPurchase::Bought(subscription.id)
        }
        BuyOutcome::NotEnough { .. } => AutoPurchase::NotEnough,
        BuyOutcome::PlanUnavailable | BuyOutcome::PromoRefused(_) => AutoPurchase::PlanGone,
        BuyOutcome::NoPanel => AutoPurchase::NoPanel,
        BuyOutcome::PanelDown => AutoPurchase::PanelDown,
    })
}

/// The referral share of a purchase, when the tenant's referral programme is on.
pub fn referral_percent(settings: &TenantSettings) -> Option<u8> {
    if !settings.flag(FeatureFlag::Referral) {
        return None;
    }
    match settings.config(ConfigKey::ReferralRewardPercent) {
        ConfigValue::Int(p) => u8::try_from(*p).ok(),
        _ => None,
    }
}

/// Closes a payment for good (rejected, failed, expired) and queues the customer's notice; `false` if it was not open.
pub async fn close(
    tx: &mut TenantTx,
    payment_id: PaymentId,
    from: &[PaymentStatus],
    to: PaymentStatus,
    actor: &str,
    reason: Option<&str>,
) -> Result<bool, StoreError> {
    if !tx.transition_payment(payment_id, from, to, actor, reason).await? {
        return Ok(false);
    }
    tx.enqueue_job(&JobKind::PaymentUpdate(PaymentUpdateJob { payment: payment_id, purchase: None }), 0).await?;
    Ok(true)
}

/// A payment method's limits and availability for one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodLimits {
    /// Smallest amount, in the tenant's currency.
    pub min: Money,
    /// Largest amount, in the tenant's currency.
    pub max: Money,
}

impl MethodLimits {
    /// The tenant's configured limits of `method`.
    pub fn of(settings: &TenantSettings, method: PaymentMethod) -> Self {
        let (min, max) = match method {
            PaymentMethod::Card => (ConfigKey::CardToCardMin, ConfigKey::CardToCardMax),
            PaymentMethod::Zarinpal => (ConfigKey::ZarinpalMin, ConfigKey::ZarinpalMax),
            PaymentMethod::Stars => (ConfigKey::TelegramStarsMin, ConfigKey::TelegramStarsMax),
        };
        let get = |key: ConfigKey| match settings.config(key) {
            ConfigValue::Int(n) => *n,
            _ => 0,
        };
        let currency = settings.currency();
        Self { min: Money::new(get(min), currency), max: Money::new(get(max), currency) }
    }

    /// Whether `amount` is allowed: in the tenant's currency and within the limits.
    pub fn allows(self, amount: Money) -> bool {
        amount.currency() == self.min.currency() && (self.min.minor()..=self.max.minor()).contains(&amount.minor())
    }
}

/// The feature flag that switches a method on.
pub const fn flag_of(method: PaymentMethod) -> FeatureFlag {
    match method {
        PaymentMethod::Card => FeatureFlag::CardToCard,
        PaymentMethod::Zarinpal => FeatureFlag::Zarinpal,
        PaymentMethod::Stars => FeatureFlag::TelegramStars,
    }
}

/// The methods a tenant's customers can use now: flag on and configured
/// (an active card, a Zarinpal merchant id, a Stars rate).
pub async fn available_methods(tx: &mut TenantTx, settings: &TenantSettings) -> Result<Vec<PaymentMethod>, StoreError> {
    let mut methods = Vec::new();
    for method in PaymentMethod::ALL {
        if !settings.flag(flag_of(method)) {
            continue;
        }
        let configured = match method {
            PaymentMethod::Card => tx.has_active_card().await?,
            PaymentMethod::Zarinpal => tx.zarinpal_configured().await?,
            PaymentMethod::Stars => matches!(settings.config(ConfigKey::StarsRate), ConfigValue::Int(_)),
        };
        if configured {
            methods.push(method);
        }
    }
    Ok(methods)
}

/// A payment in the tenant's currency that credits what is paid,
/// optionally made to buy `plan` (with its promo code).
pub(crate) fn fiat_payment(
    customer: CustomerId,
    method: PaymentMethod,
    amount: Money,
    plan: Option<(PlanId, Option<String>)>,
    card_id: Option<CardId>,
    expires_at: i64,
) -> NewPayment {
    let (plan_id, promo) = plan.map_or((None, None), |(id, promo)| (Some(id), promo));
    NewPayment {
        customer_id: customer,
        method,
        charge: Charge::Money(amount),
        credit: amount,
        plan_id,
        promo,
        card_id,
        expires_at,
    }
}

/// Minutes an unpaid payment stays open.
pub fn payment_minutes(settings: &TenantSettings) -> i64 {
    match settings.config(ConfigKey::PaymentMinutes) {
        ConfigValue::Int(n) => *n,
        _ => 60,
    }
}

/// Expires an unpaid payment whose time is up (the `payment_expire` job).
/// A card payment whose receipt is in stays for the admins to decide, and a
/// Stars payment holding a charge was paid: it waits for its credit
/// ([`stars::keep_charge`]) and is never closed by the clock.
pub async fn expire(tx: &mut TenantTx, payment_id: PaymentId) -> Result<bool, StoreError> {
    if tx.payment_for_update(payment_id).await?.is_some_and(|p| p.charge_id.is_some()) {
        return Ok(false);
    }
    close(tx, payment_id, &[PaymentStatus::Pending], PaymentStatus::Expired, "system", Some("not paid in time")).await
}
