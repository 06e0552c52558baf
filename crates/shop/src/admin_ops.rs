//! What a tenant's admins do to customers and subscriptions from outside the
//! customer's menus: correct a wallet, extend or disable a subscription.
//! Shared by the REST API and (later) the bot's admin menu. Each runs inside
//! the caller's [`TenantTx`]: nothing happens unless the caller commits.

use crate::clock::now_ms;
use crate::lifecycle;
use bazar_domain::jobs::{DisableJob, ExtendJob};
use bazar_domain::{CustomerId, JobKind, Money, SubscriptionId};
use bazar_store::{
    EntryKind, LedgerEntry, Posting, StoreError, Subscription, SubscriptionStatus, TenantSettings, TenantTx,
};

/// Most days one extension may add (ten years).
pub const MAX_EXTEND_DAYS: u32 = 3650;
/// Longest reason of a wallet adjustment, in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// Longest idempotency key a client may give, in characters.
pub const MAX_KEY_CHARS: usize = 100;

const DAY_MS: i64 = 86_400_000;

/// How an extension ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtendOutcome {
    /// The end moved; the panel user follows (an `extend` job).
    Extended {
        /// The subscription, with its new end.
        subscription: Box<Subscription>,
        /// Its end before (unix ms).
        previous_end: i64,
    },
    /// This tenant has no such subscription.
    NotFound,
    /// Only an active subscription is extended; this one is in that status.
    NotActive(SubscriptionStatus),
    /// Its end moved meanwhile (a renewal, an expiry); nothing was changed.
    Changed,
}

/// Adds `days` to an active subscription: its end moves now (from the later of
/// its end and now), its reminders and expiry are scheduled for the new end,
/// and an `extend` job brings the panel user to that end.
///
/// The job is queued with `days: 0`: [`crate::Provisioner::extend`] computes
/// the panel's new end from the stored one (already moved here) plus `days`,
/// so the panel ends exactly where the database does, and its `price: 0` makes
/// its refund-on-failure a no-op (an extension costs the customer nothing).
pub async fn extend(
    tx: &mut TenantTx,
    settings: &TenantSettings,
    subscription_id: SubscriptionId,
    days: u32,
    actor: &str,
) -> Result<ExtendOutcome, StoreError> {
    if !(1..=MAX_EXTEND_DAYS).contains(&days) {
        return Err(StoreError::InvalidInput("an extension is 1 to 3650 days"));
    }
    let Some(subscription) = tx.subscription(subscription_id).await? else { return Ok(ExtendOutcome::NotFound) };
    if subscription.status != SubscriptionStatus::Active {
        return Ok(ExtendOutcome::NotActive(subscription.status));
    }
    let previous_end = subscription
        .expires_at
        .ok_or_else(|| StoreError::Corrupt(format!("active subscription {subscription_id} has no end")))?;
    let now = now_ms();
    let end = previous_end.max(now) + i64::from(days) * DAY_MS;
    if !tx.move_subscription_end(subscription_id, previous_end, end).await? {
        return Ok(ExtendOutcome::Changed);
    }
    // The expiry and reminders planned for the old end find a later end and do nothing.
    lifecycle::schedule(tx, settings, subscription_id, end, now).await?;
    let extend = ExtendJob {
        subscription: subscription_id,
        days: 0,
        price: 0,
        currency: subscription.price.currency(),
        key: format!("admin-extend:{subscription_id}:{end}"),
        added_days: Some(i64::from(days)),
        by: Some(actor.to_owned()),
    };
    tx.enqueue_job(&JobKind::Extend(extend), 0).await?;
    let subscription = tx
        .subscription(subscription_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("subscription {subscription_id} vanished")))?;
    Ok(ExtendOutcome::Extended { subscription: Box::new(subscription), previous_end })
}

/// How disabling ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisableOutcome {
    /// Disabled now.
    Disabled(Box<Subscription>),
    /// It was disabled already; nothing changed.
    AlreadyDisabled(Box<Subscription>),
    /// This tenant has no such subscription.
    NotFound,
    /// A failed subscription (never provisioned, refunded) is not disabled.
    Failed,
}

/// Switches a subscription off: its status becomes `disabled`, so reminders,
/// expiry and auto-renewal leave it alone, and a provisioning still pending
/// does not create it on the panel.
///
/// The user is turned off *on the panel* by a [`JobKind::Disable`] job
/// queued in the same transaction (the panel client lives with the job runner),
/// retried while the panel is unavailable.
pub async fn disable(tx: &mut TenantTx, subscription_id: SubscriptionId) -> Result<DisableOutcome, StoreError> {
    let Some(subscription) = tx.subscription(subscription_id).await? else { return Ok(DisableOutcome::NotFound) };
    match subscription.status {
        SubscriptionStatus::Disabled => return Ok(DisableOutcome::AlreadyDisabled(Box::new(subscription))),
        SubscriptionStatus::Failed => return Ok(DisableOutcome::Failed),
        SubscriptionStatus::Provisioning | SubscriptionStatus::Active | SubscriptionStatus::Expired => {}
    }
    let from = [SubscriptionStatus::Provisioning, SubscriptionStatus::Active, SubscriptionStatus::Expired];
    let moved = tx.transition_subscription(subscription_id, &from, SubscriptionStatus::Disabled).await?;
    let now = tx
        .subscription(subscription_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("subscription {subscription_id} vanished")))?;
    if moved {
        tx.enqueue_job(&JobKind::Disable(DisableJob { subscription: subscription_id }), 0).await?;
    }
    Ok(match (moved, now.status) {
        (true, _) => DisableOutcome::Disabled(Box::new(now)),
        (false, SubscriptionStatus::Disabled) => DisableOutcome::AlreadyDisabled(Box::new(now)),
        (false, _) => DisableOutcome::Failed,
    })
}

/// How a wallet adjustment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdjustOutcome {
    /// Posted now.
    Posted {
        /// The ledger row.
        entry: LedgerEntry,
        /// The balance after it.
        balance: Money,
    },
    /// The same key was posted before, for the same customer and amount:
    /// nothing changed; this is the earlier row.
    Duplicate {
        /// The earlier ledger row.
        entry: LedgerEntry,
        /// The balance now.
        balance: Money,
    },
    /// The key was used before for another customer, amount or kind of entry.
    KeyReused,
    /// This tenant has no such customer.
    NoSuchCustomer,
}

/// Checks an adjustment's reason: trimmed, 1 to 200 characters, no control characters.
pub fn check_reason(reason: &str) -> Result<&str, &'static str> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS || reason.chars().any(char::is_control) {
        return Err("must be 1 to 200 characters, without control characters");
    }
    Ok(reason)
}

/// Checks a client's idempotency key: 1 to 100 of `A-Z a-z 0-9 . _ : -`.
pub fn check_key(key: &str) -> Result<&str, &'static str> {
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-');
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.chars().all(fine) {
        return Err("must be 1 to 100 letters, digits, `.`, `_`, `:` or `-`");
    }
    Ok(key)
}

/// The ledger key of an adjustment by `actor` (`api`, `bot`…): the client's
/// key under the actor's prefix, like `bazar wallet adjust --key` (`adjust:…`),
/// or a fresh random one (`~` never appears in a client's key, so the two
/// cannot collide).
///
/// The operator's keys (`bazar wallet adjust --key K`, actor [`OPERATOR`])
/// are `adjust:{K}`, as they were before the CLI used this function, so a
/// key given again after an upgrade still posts once.
pub fn adjustment_key(actor: &str, client_key: Option<&str>) -> String {
    match (actor, client_key) {
        (OPERATOR, Some(key)) => format!("adjust:{key}"),
        (_, Some(key)) => format!("adjust:{actor}:{key}"),
        (_, None) => format!("adjust:{actor}:~{:032x}", rand::random::<u128>()),
    }
}

/// The actor of the operator's adjustments (`bazar wallet adjust`).
pub const OPERATOR: &str = "operator";

/// Posts a manual correction of `amount` (negative = debit) to a customer's
/// wallet, once per key (see [`adjustment_key`]); the ledger's reference is
/// `"{actor}: {reason}"`, as the CLI writes `"operator: {reason}"`.
///
/// A debit beyond the balance is [`StoreError::InsufficientFunds`]; the caller
/// must then drop the transaction.
pub async fn adjust_wallet(
    tx: &mut TenantTx,
    customer: CustomerId,
    amount: Money,
    reason: &str,
    actor: &str,
    client_key: Option<&str>,
) -> Result<AdjustOutcome, StoreError> {
    if amount.minor() == 0 {
        return Err(StoreError::InvalidInput("an adjustment's amount must not be zero"));
    }
    let reason =
        check_reason(reason).map_err(|_| StoreError::InvalidInput("a reason must be 1 to 200 plain characters"))?;
    if let Some(key) = client_key {
        check_key(key).map_err(|_| StoreError::InvalidInput("an idempotency key must be 1 to 100 plain characters"))?;
    }
    if tx.customer(customer).await?.is_none() {
        // Also guards the ledger's foreign key, which knows nothing of tenants.
        return Ok(AdjustOutcome::NoSuchCustomer);
    }
    let key = adjustment_key(actor, client_key);
    let reference = format!("{actor}: {reason}");
    let posting = tx.post(customer, amount, EntryKind::Adjustment, &key, Some(&reference)).await?;
    let Some((owner, entry)) = tx.ledger_entry_by_key(&key).await? else {
        return Err(StoreError::Corrupt(format!("ledger entry {key} vanished")));
    };
    Ok(match posting {
        Posting::Applied { balance } => AdjustOutcome::Posted { entry, balance },
        Posting::Duplicate if owner == customer && entry.amount == amount && entry.kind == EntryKind::Adjustment => {
            let balance = tx.balance(customer, amount.currency()).await?;
            AdjustOutcome::Duplicate { entry, balance }
        }
        Posting::Duplicate => AdjustOutcome::KeyReused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_reasons() {
        assert_eq!(adjustment_key("api", Some("order-7")), "adjust:api:order-7");
        let a = adjustment_key("api", None);
        assert!(a.starts_with("adjust:api:~") && a.len() == "adjust:api:~".len() + 32, "{a}");
        assert_ne!(a, adjustment_key("api", None));
        assert!(check_key("order-7:a_b.c").is_ok());
        for bad in ["", "has space", "tilde~", "ü", &"k".repeat(101)] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
        assert_eq!(check_reason("  refund for outage "), Ok("refund for outage"));
        assert!(check_reason("   ").is_err());
        assert!(check_reason(&"r".repeat(201)).is_err());
        assert!(check_reason("nul\0byte").is_err() && check_reason("two\nlines").is_err());
        assert!(check_reason(&"ر".repeat(200)).is_ok(), "characters, not bytes");
    }
}
