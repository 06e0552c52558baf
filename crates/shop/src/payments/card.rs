//! Card-to-card: the payment row is created (and its card chosen by the
//! tenant's rotation) before the card is shown; the customer's receipt goes
//! to the tenant's admins; one admin decision, once.

use super::{MethodLimits, Settlement, close, fiat_payment, payment_minutes, settle};
use crate::clock::now_ms;
use bazar_domain::jobs::PaymentJob;
use bazar_domain::{
    CardId, CardRotation, ConfigKey, ConfigValue, CustomerId, JobKind, Money, PaymentId, PlanId, TelegramUserId,
};
use bazar_store::{Payment, PaymentCard, PaymentMethod, PaymentStatus, StoreError, TenantSettings, TenantTx};
use rand::Rng;

/// How asking to pay by card ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardStart {
    /// Pay `payment.amount` to `card` before `payment.expires_at`, then send the receipt.
    Started {
        /// The new payment.
        payment: Payment,
        /// Where to transfer.
        card: PaymentCard,
    },
    /// The customer has an open card payment already; finish or cancel that first.
    AlreadyOpen {
        /// The open payment.
        payment: Payment,
        /// Its card, if it still exists.
        card: Option<PaymentCard>,
    },
    /// The amount is outside the tenant's limits.
    OutOfRange(MethodLimits),
    /// No active card can take this amount today (all over their daily caps).
    NoCard,
}

/// Starts a card-to-card payment of `amount` (plus a unique suffix when the
/// tenant wants one), optionally to buy `plan` once approved.
pub async fn start(
    tx: &mut TenantTx,
    settings: &TenantSettings,
    customer: CustomerId,
    amount: Money,
    plan: Option<(PlanId, Option<String>)>,
) -> Result<CardStart, StoreError> {
    if let Some(payment) = tx.open_card_payment(customer).await? {
        let card = match payment.card_id {
            Some(id) => tx.card(id).await?,
            None => None,
        };
        return Ok(CardStart::AlreadyOpen { payment, card });
    }
    let limits = MethodLimits::of(settings, PaymentMethod::Card);
    if !limits.allows(amount) {
        return Ok(CardStart::OutOfRange(limits));
    }
    let rotation = match settings.config(ConfigKey::CardRotation) {
        ConfigValue::Rotation(r) => *r,
        _ => CardRotation::RoundRobin,
    };
    let unique = matches!(settings.config(ConfigKey::CardUniqueAmount), ConfigValue::Bool(true));
    // Room for the largest suffix, so the cap holds whatever suffix is drawn.
    let Some(card) = tx.pick_card(rotation, amount.minor() + if unique { 999 } else { 0 }).await? else {
        return Ok(CardStart::NoCard);
    };
    let amount = if unique {
        Money::new(with_unique_suffix(tx, card.id, amount.minor()).await?, amount.currency())
    } else {
        amount
    };
    let expires_at = now_ms() + payment_minutes(settings) * 60_000;
    let new = fiat_payment(customer, PaymentMethod::Card, amount, plan, Some(card.id), expires_at);
    let payment = tx.create_payment(&new).await?;
    tx.enqueue_job(&JobKind::PaymentExpire(PaymentJob { payment: payment.id }), expires_at).await?;
    Ok(CardStart::Started { payment, card })
}

/// `amount` plus 1-999 minor units that no other open payment on the card
/// uses, so an admin can tell transfers apart by their amount in the bank's SMS.
async fn with_unique_suffix(tx: &mut TenantTx, card: CardId, amount: i64) -> Result<i64, StoreError> {
    let taken = tx.open_amounts_on_card(card).await?;
    let mut rng = rand::thread_rng();
    for _ in 0..50 {
        let candidate = amount + rng.gen_range(1..=999);
        if !taken.contains(&candidate) {
            return Ok(candidate);
        }
    }
    // 50 clashes in 999 means hundreds of open payments on one card: fall back to the plain amount.
    Ok(amount)
}

/// The customer's receipt (photo and/or text) for their open card payment.
/// `None` when they have no open card payment.
pub async fn submit_receipt(
    tx: &mut TenantTx,
    customer: CustomerId,
    file_id: Option<&str>,
    text: Option<&str>,
) -> Result<Option<Payment>, StoreError> {
    let Some(payment) = tx.open_card_payment(customer).await? else { return Ok(None) };
    if !tx.attach_receipt(payment.id, file_id, text).await? {
        return Ok(None);
    }
    tx.payment(payment.id).await
}

/// What an admin's decision did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approved and credited now.
    Approved(Settlement),
    /// Rejected now.
    Rejected,
    /// Decided before: the current status.
    AlreadyDecided(PaymentStatus),
    /// No card payment with this id in this tenant.
    NotFound,
}

/// An admin approves a card payment: one transaction, the payment row locked,
/// credited once however many approvals race. The decision is recorded as
/// `admin:{telegram id}` (see [`approve_by`]).
pub async fn approve(
    tx: &mut TenantTx,
    payment_id: PaymentId,
    admin: TelegramUserId,
    referral_percent: Option<u8>,
) -> Result<Decision, StoreError> {
    approve_by(tx, payment_id, &format!("admin:{admin}"), referral_percent).await
}

/// Approves a card payment on behalf of `actor` (`admin:{telegram id}` for a
/// bot button, `api` for the REST API): the one code path of every approval,
/// so a button and an API call racing each other credit once, both in the
/// payment's own currency (see [`settle`]).
pub async fn approve_by(
    tx: &mut TenantTx,
    payment_id: PaymentId,
    actor: &str,
    referral_percent: Option<u8>,
) -> Result<Decision, StoreError> {
    let Some(payment) = tx.payment_for_update(payment_id).await?.filter(|p| p.method == PaymentMethod::Card) else {
        return Ok(Decision::NotFound);
    };
    if !payment.status.is_open() {
        return Ok(Decision::AlreadyDecided(payment.status));
    }
    Ok(match settle(tx, payment_id, actor, Some("approved"), referral_percent).await? {
        Settlement::AlreadyPaid => Decision::AlreadyDecided(PaymentStatus::Paid),
        Settlement::Closed(status) => Decision::AlreadyDecided(status),
        credited => Decision::Approved(credited),
    })
}

/// An admin rejects a card payment with a reason; a decided payment stays as
/// it is. The decision is recorded as `admin:{telegram id}` (see [`reject_by`]).
pub async fn reject(
    tx: &mut TenantTx,
    payment_id: PaymentId,
    admin: TelegramUserId,
    reason: &str,
) -> Result<Decision, StoreError> {
    reject_by(tx, payment_id, &format!("admin:{admin}"), reason).await
}

/// Rejects a card payment on behalf of `actor` (`admin:{telegram id}` or
/// `api`), with a reason; a decided payment stays as it is.
pub async fn reject_by(
    tx: &mut TenantTx,
    payment_id: PaymentId,
    actor: &str,
    reason: &str,
) -> Result<Decision, StoreError> {
    let Some(payment) = tx.payment_for_update(payment_id).await?.filter(|p| p.method == PaymentMethod::Card) else {
        return Ok(Decision::NotFound);
    };
    let reason: String = reason.trim().chars().take(500).collect();
    let open = [PaymentStatus::Pending, PaymentStatus::Submitted];
    if close(tx, payment.id, &open, PaymentStatus::Rejected, actor, Some(&reason)).await? {
        Ok(Decision::Rejected)
    } else {
        let now = tx.payment(payment.id).await?.map(|p| p.status).unwrap_or(payment.status);
        Ok(Decision::AlreadyDecided(now))
    }
}

/// The customer cancels their open card payment (before any receipt).
pub async fn cancel(tx: &mut TenantTx, customer: CustomerId) -> Result<bool, StoreError> {
    let Some(payment) = tx.open_card_payment(customer).await? else { return Ok(false) };
    tx.transition_payment(payment.id, &[PaymentStatus::Pending], PaymentStatus::Failed, "customer", Some("cancelled"))
        .await
}
