//! Telegram Stars: the invoice names the payment; `pre_checkout_query` is
//! answered only while that payment can still be paid; `successful_payment`
//! credits once by Telegram's charge id. Stars (XTR) never mix with the
//! tenant's currency: the payment records both the Stars paid and the
//! wallet credit they buy at the tenant's explicit `stars_rate`.
//!
//! Telegram delivers a `successful_payment` once and has taken the Stars by
//! then. If crediting it fails for a reason a retry of the update cannot fix,
//! [`keep_charge`] records the charge on the payment (with a payment event
//! saying what failed) and queues a `stars_settle` job, which tries again a
//! bounded number of times ([`settle_kept`]); expiry never closes a payment
//! holding a charge. The money stays findable and creditable.

use super::{MethodLimits, Settlement, payment_minutes, settle};
use crate::clock::now_ms;
use bazar_domain::jobs::PaymentJob;
use bazar_domain::{Charge, ConfigKey, ConfigValue, CustomerId, JobKind, Money, PaymentId, PlanId, Stars};
use bazar_store::{
    EntryKind, Job, JobEnd, NewPayment, Payment, PaymentMethod, PaymentStatus, Posting, Store, StoreError, TenantScope,
    TenantSettings, TenantTx,
};
use bazar_telegram::requests::RefundStarPayment;

/// Attempts of the `stars_settle` job ([`JobKind::StarsSettle`]: a Stars
/// charge whose `successful_payment` could not be handled) before the charge is left to the admins
/// (about two hours of retries with [`retry_delay_ms`]).
pub const SETTLE_ATTEMPTS: u32 = 8;

/// Wait before retry number `attempt` (1-based) of the `stars_settle` job: 30 s, doubling.
pub fn retry_delay_ms(attempt: u32) -> i64 {
    30_000 << attempt.saturating_sub(1).min(7)
}

/// The invoice payload that names a payment.
pub fn invoice_payload(payment: &Payment) -> String {
    format!("pay:{}", payment.id)
}

fn payment_of_payload(payload: &str) -> Option<PaymentId> {
    payload.strip_prefix("pay:")?.parse().ok()
}

/// Stars needed for a credit of `credit` at `rate` (rounded up: the tenant never sells below its rate).
pub fn stars_for(credit: Money, rate: i64) -> Stars {
    let rate = rate.max(1);
    Stars((credit.minor() + rate - 1) / rate)
}

/// How asking to pay in Stars ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StarsStart {
    /// Send an invoice for `payment.amount` Stars.
    Invoice(Payment),
    /// The amount is outside the tenant's limits.
    OutOfRange(MethodLimits),
    /// The tenant has not set a Stars rate.
    NotConfigured,
}

/// Creates a Stars payment crediting `credit` (tenant currency), optionally to buy `plan`.
pub async fn start(
    tx: &mut TenantTx,
    settings: &TenantSettings,
    customer: CustomerId,
    credit: Money,
    plan: Option<(PlanId, Option<String>)>,
) -> Result<StarsStart, StoreError> {
    let ConfigValue::Int(rate) = settings.config(ConfigKey::StarsRate) else {
        return Ok(StarsStart::NotConfigured);
    };
    let limits = MethodLimits::of(settings, PaymentMethod::Stars);
    if !limits.allows(credit) {
        return Ok(StarsStart::OutOfRange(limits));
    }
    let stars = stars_for(credit, *rate);
    let expires_at = now_ms() + payment_minutes(settings) * 60_000;
    let (plan_id, promo) = plan.map_or((None, None), |(id, promo)| (Some(id), promo));
    let payment = tx
        .create_payment(&NewPayment {
            customer_id: customer,
            method: PaymentMethod::Stars,
            charge: Charge::Stars(stars),
            credit,
            plan_id,
            promo,
            card_id: None,
            expires_at,
        })
        .await?;
    tx.enqueue_job(&JobKind::PaymentExpire(PaymentJob { payment: payment.id }), expires_at).await?;
    Ok(StarsStart::Invoice(payment))
}

/// Why a pre-checkout query is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreCheckoutRefusal {
    /// The payload names no Stars payment of this customer.
    Unknown,
    /// The payment expired or was closed.
    NotOpen,
    /// The total or currency differs from the invoice.
    Mismatch,
}

/// Checks a `pre_checkout_query` (Telegram waits 10 s for the answer).
pub async fn check_pre_checkout(
    tx: &mut TenantTx,
    customer: CustomerId,
    payload: &str,
    currency: &str,
    total: i64,
) -> Result<Result<Payment, PreCheckoutRefusal>, StoreError> {
    let Some(id) = payment_of_payload(payload) else { return Ok(Err(PreCheckoutRefusal::Unknown)) };
    let Some(payment) = tx.payment(id).await?.filter(|p| p.method == PaymentMethod::Stars && p.customer_id == customer)
    else {
        return Ok(Err(PreCheckoutRefusal::Unknown));
    };
    if payment.status != PaymentStatus::Pending || payment.expires_at <= now_ms() {
        return Ok(Err(PreCheckoutRefusal::NotOpen));
    }
    if currency != Stars::CODE || payment.charge != Charge::Stars(Stars(total)) {
        return Ok(Err(PreCheckoutRefusal::Mismatch));
    }
    Ok(Ok(payment))
}

/// What a `successful_payment` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StarsPaid {
    /// Settled (credited now, or found credited before).
    Settled(Settlement),
    /// The payload names no Stars payment of this customer: nothing credited, the admins must look.
    Unknown,
}

/// Credits a `successful_payment` once by its `telegram_payment_charge_id`,
/// in the payment's own currency (see [`settle`]).
pub async fn paid(
    tx: &mut TenantTx,
    customer: CustomerId,
    payload: &str,
    charge_id: &str,
    referral_percent: Option<u8>,
) -> Result<StarsPaid, StoreError> {
    let payment = match payment_of_payload(payload) {
        Some(id) => tx.payment_for_update(id).await?,
        None => None,
    };
    let Some(payment) = payment.filter(|p| p.method == PaymentMethod::Stars && p.customer_id == customer) else {
        return Ok(StarsPaid::Unknown);
    };
    match &payment.charge_id {
        Some(existing) if existing == charge_id => {}
        // Another charge already paid this payment: Telegram took the Stars twice; credit is per charge, so refuse loudly.
        Some(_) => return Ok(StarsPaid::Unknown),
        None => tx.set_payment_charge(payment.id, charge_id).await?,
    }
    let note = format!("charge {charge_id}");
    Ok(StarsPaid::Settled(settle(tx, payment.id, "telegram", Some(&note), referral_percent).await?))
}

/// What [`keep_charge`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// Recorded now: the payment holds the charge and a retry is queued (tell the admins).
    New(Payment),
    /// Recorded before (the same update failed again): nothing new to tell.
    Known(Payment),
    /// No payment of this customer can hold the charge (an unknown payload,
    /// another customer's payment, one holding another charge, or a charge
    /// another payment holds): only the admins can sort it out.
    Unmatched,
}

/// Keeps a `successful_payment` whose handling failed for good, in `tx` (a
/// transaction of its own, after the update's rolled back): the charge id on
/// the payment, a payment event saying `why` it is not credited yet, and a
/// a `stars_settle` job to credit it later. Nothing is credited here.
pub async fn keep_charge(
    tx: &mut TenantTx,
    customer: Option<CustomerId>,
    payload: &str,
    charge_id: &str,
    why: &str,
) -> Result<Kept, StoreError> {
    let payment = match payment_of_payload(payload) {
        Some(id) => tx.payment_for_update(id).await?,
        None => None,
    };
    let Some(payment) = payment.filter(|p| p.method == PaymentMethod::Stars && Some(p.customer_id) == customer) else {
        return Ok(Kept::Unmatched);
    };
    match payment.charge_id.as_deref() {
        Some(existing) if existing == charge_id => return Ok(Kept::Known(payment)),
        Some(_) => return Ok(Kept::Unmatched),
        None if tx.payment_by_charge(charge_id).await?.is_some() => return Ok(Kept::Unmatched),
        None => tx.set_payment_charge(payment.id, charge_id).await?,
    }
    let why: String = why.chars().take(300).collect();
    let note = format!("charge {charge_id} received but not credited ({why}); retrying");
    tx.payment_event(payment.id, payment.status, Some("telegram"), Some(&note)).await?;
    let settle = JobKind::StarsSettle(PaymentJob { payment: payment.id });
    tx.enqueue_job(&settle, now_ms() + retry_delay_ms(1)).await?;
    Ok(Kept::New(tx.payment(payment.id).await?.unwrap_or(payment)))
}

/// How one attempt of a `stars_settle` job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeptSettle {
    /// Settled: credited now (the customer's notice follows), or found paid.
    Settled(Settlement),
    /// Failed again; tried again later.
    Retrying(String),
    /// Failed [`SETTLE_ATTEMPTS`] times: recorded on the payment, left to the admins.
    GaveUp(String),
}

/// One attempt of a `stars_settle` job: settles the kept charge's payment in
/// a transaction of its own; a failure is recorded in a second one (the job
/// retried after [`retry_delay_ms`], or given up with a payment event).
pub async fn settle_kept(
    store: &Store,
    scope: &TenantScope,
    job: &Job,
    args: &PaymentJob,
    referral_percent: Option<u8>,
) -> Result<KeptSettle, StoreError> {
    let tenant = store.tenant(scope);
    let id = args.payment;
    let error = {
        let mut tx = tenant.begin().await?;
        match settle(&mut tx, id, "telegram-retry", Some("kept charge credited"), referral_percent).await {
            Ok(settlement) => {
                tx.finish_job(job.id, &JobEnd::Done).await?;
                tx.commit().await?;
                return Ok(KeptSettle::Settled(settlement));
            }
            // The transaction is dropped (rolled back) with this block.
            Err(e) => e.to_string(),
        }
    };
    let mut tx = tenant.begin().await?;
    let outcome = if job.attempts >= SETTLE_ATTEMPTS {
        if let Some(payment) = tx.payment(id).await? {
            let note = format!("not credited after {} attempts ({error}); credit it by hand", job.attempts);
            tx.payment_event(id, payment.status, Some("telegram-retry"), Some(&note)).await?;
        }
        tx.finish_job(job.id, &JobEnd::Failed { error: error.clone() }).await?;
        KeptSettle::GaveUp(error)
    } else {
        let run_at = now_ms() + retry_delay_ms(job.attempts + 1);
        tx.finish_job(job.id, &JobEnd::Retry { run_at, error: error.clone() }).await?;
        KeptSettle::Retrying(error)
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A Stars refund that may go ahead: the wallet covers the credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundCheck {
    /// Refund `payment` (Telegram user id and charge id are on it and its customer).
    Ready(Payment),
    /// Not a paid Stars payment.
    NotRefundable(Option<PaymentStatus>),
    /// The customer has already spent part of what it credited.
    Spent {
        /// Balance now.
        balance: Money,
        /// What the payment credited.
        credit: Money,
    },
}

/// Checks that a payment can be refunded in Stars before Telegram is asked to.
pub async fn check_refund(tx: &mut TenantTx, payment_id: PaymentId) -> Result<RefundCheck, StoreError> {
    let payment = tx.payment(payment_id).await?.filter(|p| p.method == PaymentMethod::Stars);
    let Some(payment) = payment.filter(|p| p.status == PaymentStatus::Paid && p.charge_id.is_some()) else {
        return Ok(RefundCheck::NotRefundable(tx.payment(payment_id).await?.map(|p| p.status)));
    };
    let balance = tx.balance(payment.customer_id, payment.credit.currency()).await?;
    if balance.minor() < payment.credit.minor() {
        return Ok(RefundCheck::Spent { balance, credit: payment.credit });
    }
    Ok(RefundCheck::Ready(payment))
}

/// Records a refund Telegram has made: the payment becomes `refunded` and
/// the wallet gives back its credit, once (`stars-refund:{charge}`). If the
/// customer spent the money in the meantime, the wallet goes to zero and the
/// shortfall is written into the payment's history.
pub async fn record_refund(tx: &mut TenantTx, payment_id: PaymentId, actor: &str) -> Result<bool, StoreError> {
    let Some(payment) = tx.payment_for_update(payment_id).await? else { return Ok(false) };
    let Some(charge) = payment.charge_id.clone() else { return Ok(false) };
    let balance = tx.balance(payment.customer_id, payment.credit.currency()).await?;
    let debit = payment.credit.min(balance).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let note = if debit != payment.credit {
        format!("refunded in Stars; wallet had only {balance} of {}", payment.credit)
    } else {
        "refunded in Stars".to_owned()
    };
    if !tx.transition_payment(payment.id, &[PaymentStatus::Paid], PaymentStatus::Refunded, actor, Some(&note)).await? {
        return Ok(false);
    }
    if debit.is_positive() {
        let key = format!("stars-refund:{charge}");
        let reference = format!("payment {} refunded", payment.id);
        let posted = tx.post(payment.customer_id, -debit, EntryKind::Refund, &key, Some(&reference)).await?;
        if let Posting::Duplicate = posted {
            tracing::warn!(payment = %payment.id, "refund already recorded");
        }
    }
    Ok(true)
}

/// How a Stars refund ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refund {
    /// Telegram gave the Stars back and the wallet gave back the credit.
    Refunded {
        /// The payment, now `refunded`.
        payment: Payment,
        /// The customer's Telegram id.
        telegram_id: i64,
        /// Telegram had refunded it before (an earlier attempt whose recording was interrupted).
        earlier: bool,
    },
    /// No such payment in this tenant.
    NotFound,
    /// Not a Telegram Stars payment.
    NotStars(PaymentMethod),
    /// Not paid (or refunded already).
    NotRefundable(Option<PaymentStatus>),
    /// The customer already spent part of what it credited.
    Spent {
        /// Balance now.
        balance: Money,
        /// What the payment credited.
        credit: Money,
    },
    /// Telegram refunded, but the payment changed meanwhile: nothing was taken from the wallet.
    ChangedMeanwhile(Option<PaymentStatus>),
}

/// Refunds a paid Stars payment: checks it can be (in a read transaction),
/// asks Telegram (`refundStarPayment`), then records the refund once. The
/// same path for the operator's CLI and a tenant's API call; `actor` says who.
pub async fn refund(
    store: &bazar_store::Store,
    scope: &bazar_store::TenantScope,
    telegram: &bazar_telegram::BotApi,
    payment_id: PaymentId,
    actor: &str,
) -> Result<Refund, RefundError> {
    let tenant = store.tenant(scope);
    let mut tx = tenant.begin_read().await?;
    let Some(payment) = tx.payment(payment_id).await? else { return Ok(Refund::NotFound) };
    if payment.method != PaymentMethod::Stars {
        return Ok(Refund::NotStars(payment.method));
    }
    let payment = match check_refund(&mut tx, payment_id).await? {
        RefundCheck::Ready(payment) => payment,
        RefundCheck::NotRefundable(status) => return Ok(Refund::NotRefundable(status)),
        RefundCheck::Spent { balance, credit } => return Ok(Refund::Spent { balance, credit }),
    };
    let Some(customer) = tx.customer(payment.customer_id).await? else { return Ok(Refund::NotFound) };
    tx.commit().await?;
    let Some(charge) = payment.charge_id.clone() else { return Ok(Refund::NotRefundable(Some(payment.status))) };
    let token = tenant.bot_token().await?;
    let refund = RefundStarPayment { user_id: customer.telegram_id.get(), telegram_payment_charge_id: charge };
    let earlier = match telegram.send::<_, serde_json::Value>(&token, &refund).await {
        Ok(_) => false,
        Err(bazar_telegram::TelegramError::Api { description, .. })
            if description.contains("CHARGE_ALREADY_REFUNDED") =>
        {
            true
        }
        Err(e) => return Err(RefundError::Telegram(e)),
    };
    let mut tx = tenant.begin().await?;
    let recorded = record_refund(&mut tx, payment_id, actor).await?;
    let now = tx.payment(payment_id).await?;
    tx.commit().await?;
    Ok(match (recorded, now) {
        (true, Some(payment)) => Refund::Refunded { payment, telegram_id: customer.telegram_id.get(), earlier },
        (_, now) => Refund::ChangedMeanwhile(now.map(|p| p.status)),
    })
}

/// Why a refund could not be attempted or recorded.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Telegram refused or could not be reached (nothing was recorded).
    #[error("Telegram: {0}")]
    Telegram(bazar_telegram::TelegramError),
}
