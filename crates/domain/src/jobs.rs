//! Background jobs as one closed type: what to do and its arguments.
//!
//! A job is stored as two columns, `jobs.kind` (text) and `jobs.payload`
//! (JSON text). [`JobKind`] is serde's *adjacently tagged* form of exactly
//! those two — `{"kind": …, "payload": …}` — so the rows written before this
//! type existed read back as they are, and a producer cannot write a kind or
//! a payload shape that no consumer knows. A row that does not read as a
//! `JobKind` (an unknown kind, a payload of the wrong shape) is a
//! [`JobError`]: the store marks it failed with that reason instead of running
//! it with made-up arguments.
//!
//! The ids are the rows' ids (`subscriptions.id`, `payments.id`, …), stored as
//! plain numbers (the id types are transparent to serde); the job always runs inside its own tenant's scope, so an id of another tenant
//! is simply not found.

use crate::{Currency, Money, PaymentId, SubscriptionId, TicketId};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// One background job: its kind and its typed arguments. The stored kind of
/// each variant is fixed by its `rename` (and [`JobKind::name`]); a test pins
/// both to the spellings already in databases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum JobKind {
    /// Create a bought (or trial) subscription's user on the panel.
    #[serde(rename = "provision")]
    Provision(ProvisionJob),
    /// Move a renewed (or admin-extended) subscription's end on the panel.
    #[serde(rename = "extend")]
    Extend(ExtendJob),
    /// Turn off the panel user of a subscription an admin disabled.
    #[serde(rename = "disable")]
    Disable(DisableJob),
    /// Read again what the tenant's panel offers plans (its catalog).
    #[serde(rename = "panel_catalog")]
    PanelCatalog(PanelCatalogJob),
    /// Remind the customer some days before the end.
    #[serde(rename = "remind")]
    Remind(RemindJob),
    /// End a subscription (or renew it automatically).
    #[serde(rename = "expire")]
    Expire(ExpireJob),
    /// Ask the panel for a new subscription link and send it.
    #[serde(rename = "reset_link")]
    ResetLink(ResetLinkJob),
    /// Tell a customer what became of their payment.
    #[serde(rename = "payment_update")]
    PaymentUpdate(PaymentUpdateJob),
    /// Close an unpaid payment whose time is up.
    #[serde(rename = "payment_expire")]
    PaymentExpire(PaymentJob),
    /// Credit a Stars charge that could not be credited when it arrived.
    #[serde(rename = "stars_settle")]
    StarsSettle(PaymentJob),
    /// Ask Zarinpal for a payment's authority and send the StartPay button.
    #[serde(rename = "zarinpal_request")]
    ZarinpalRequest(PaymentJob),
    /// Verify a Zarinpal payment whose callback never came.
    #[serde(rename = "zarinpal_reconcile")]
    ZarinpalReconcile(PaymentJob),
    /// Deliver an admin's answer to a ticket's customer.
    #[serde(rename = "ticket_reply")]
    TicketReply(TicketReplyJob),
    /// Tell a ticket's customer it was closed outside Telegram.
    #[serde(rename = "ticket_closed")]
    TicketClosed(TicketClosedJob),
    /// Send a tenant's admins the figures of one Tehran day.
    #[serde(rename = "daily_summary")]
    DailySummary(DailySummaryJob),
    /// Tell the tenant's admins its VPN panel stopped, or started again,
    /// answering (sales pause and resume on their own).
    #[serde(rename = "panel_health")]
    PanelHealth(PanelHealthJob),
    /// Test and connect the VPN panel a shop's admin gave in `/admin`.
    #[serde(rename = "panel_connect")]
    PanelConnect(PanelConnectJob),
}

/// `provision`: payload `{"subscription": id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionJob {
    /// The subscription to create on the panel.
    pub subscription: SubscriptionId,
}

/// `extend`: what a renewal paid (refunded if the panel never takes it), or
/// an admin's extension (`price` 0, with `added_days` and `by`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendJob {
    /// The subscription.
    pub subscription: SubscriptionId,
    /// Days added on the panel from its current end (0: the database already
    /// moved the end, the panel follows it).
    pub days: i64,
    /// What was paid, in minor units of `currency` (0 for an admin's extension).
    pub price: i64,
    /// The currency paid in (its code on the wire, as stored beside every amount).
    pub currency: Currency,
    /// The ledger key of the payment; the refund's key is derived from it.
    pub key: String,
    /// An admin's extension: the days they added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_days: Option<i64>,
    /// An admin's extension: who made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl ExtendJob {
    /// What was paid (refunded if the panel never takes it).
    pub const fn paid(&self) -> Money {
        Money::new(self.price, self.currency)
    }
}

/// `disable`: payload `{"subscription": id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisableJob {
    /// The disabled subscription.
    pub subscription: SubscriptionId,
}

/// `panel_catalog`: payload `{}` — always the panel serving the job's own
/// tenant, never one the payload names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelCatalogJob {}

/// `remind`: payload `{"subscription": id, "days": n}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindJob {
    /// The subscription.
    pub subscription: SubscriptionId,
    /// Days before its end, as configured when it was planned.
    pub days: i64,
}

/// `expire`: payload `{"subscription": id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireJob {
    /// The subscription.
    pub subscription: SubscriptionId,
}

/// `reset_link`: payload `{"subscription": id, "by": actor}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLinkJob {
    /// The subscription.
    pub subscription: SubscriptionId,
    /// Who asked (kept with the job, e.g. `bot:1` or `api`).
    pub by: String,
}

/// `payment_update`: payload `{"payment": id}`, with `"purchase"` when the
/// payment was made to buy a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentUpdateJob {
    /// The payment.
    pub payment: PaymentId,
    /// What the purchase it was made for did (absent or `null`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase: Option<PurchaseResult>,
}

/// What the automatic purchase after a credit did, as the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseResult {
    /// The plan was bought.
    Bought,
    /// The wallet still does not cover the plan.
    NotEnough,
    /// The plan is no longer sold.
    PlanGone,
    /// No panel serves the tenant.
    NoPanel,
    /// The tenant's panel is not answering; the money stays in the wallet.
    PanelDown,
}

/// `payment_expire`, `stars_settle`, `zarinpal_request`, `zarinpal_reconcile`:
/// payload `{"payment": id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentJob {
    /// The payment.
    pub payment: PaymentId,
}

/// `ticket_reply`: payload `{"ticket": id, "message": id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketReplyJob {
    /// The ticket.
    pub ticket: TicketId,
    /// The answer (a `ticket_messages` row of the ticket).
    pub message: i64,
}

/// `ticket_closed`: payload `{"ticket": id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketClosedJob {
    /// The ticket.
    pub ticket: TicketId,
}

/// `daily_summary`: payload `{"day_start": ms}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySummaryJob {
    /// Start of the Tehran day summarized (unix ms).
    pub day_start: i64,
}

/// `panel_health`: payload `{"down": bool, "since": ms}` — always about the
/// panel serving the job's own tenant, never one the payload names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelHealthJob {
    /// `true`: it stopped answering; `false`: it answers again.
    pub down: bool,
    /// When it stopped answering (unix ms), in both cases: the outage's start.
    pub since: i64,
}

/// `panel_connect`: the panel an admin asked to connect, with its credentials
/// sealed for the job's tenant (the store seals and opens them; the payload
/// never holds them in the clear), and the chat to answer in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelConnectJob {
    /// The kind's name.
    pub kind: String,
    /// The panel's URL.
    pub url: String,
    /// The credentials, sealed.
    pub credentials: SealedBlob,
    /// Where the admin asked (told the outcome).
    pub chat: i64,
}

/// A secret sealed by the store's keyring: which key, and the ciphertext.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBlob {
    /// The sealing key's id.
    pub key_id: String,
    /// Nonce and ciphertext.
    pub blob: Vec<u8>,
}

impl std::fmt::Debug for SealedBlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedBlob({}, {} bytes)", self.key_id, self.blob.len())
    }
}

/// A stored job that is not a [`JobKind`]: it must not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// The payload column is not JSON at all.
    #[error("job `{kind}`: the payload is not JSON ({reason})")]
    NotJson {
        /// The stored kind.
        kind: String,
        /// The parser's words.
        reason: String,
    },
    /// An unknown kind, or a payload without the kind's fields.
    #[error("job `{kind}` cannot be read: {reason}")]
    Unreadable {
        /// The stored kind.
        kind: String,
        /// serde's words (`unknown variant …`, `missing field …`).
        reason: String,
    },
}

impl JobKind {
    /// The stored kind (`jobs.kind`): the same spelling as serde's tag.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Provision(_) => "provision",
            Self::Extend(_) => "extend",
            Self::Disable(_) => "disable",
            Self::PanelCatalog(_) => "panel_catalog",
            Self::Remind(_) => "remind",
            Self::Expire(_) => "expire",
            Self::ResetLink(_) => "reset_link",
            Self::PaymentUpdate(_) => "payment_update",
            Self::PaymentExpire(_) => "payment_expire",
            Self::StarsSettle(_) => "stars_settle",
            Self::ZarinpalRequest(_) => "zarinpal_request",
            Self::ZarinpalReconcile(_) => "zarinpal_reconcile",
            Self::TicketReply(_) => "ticket_reply",
            Self::TicketClosed(_) => "ticket_closed",
            Self::DailySummary(_) => "daily_summary",
            Self::PanelHealth(_) => "panel_health",
            Self::PanelConnect(_) => "panel_connect",
        }
    }

    /// Claims after which the job is given up whatever happened to its
    /// attempts: one that never ends (its process dies, or it panics, every
    /// time) would otherwise come back every lease forever. The kinds that
    /// retry on purpose stay above their own limits (`provisioning_max_attempts`,
    /// 8 by default; Stars settling 8; Zarinpal 5), so this only ends loops.
    /// What a given-up job owed (a paid subscription, a renewal) is refunded
    /// by the handler's `give_up`.
    pub const fn max_attempts(&self) -> u32 {
        match self {
            Self::Provision(_) | Self::Extend(_) | Self::Disable(_) | Self::ResetLink(_) => 50,
            Self::StarsSettle(_) | Self::ZarinpalReconcile(_) | Self::ZarinpalRequest(_) => 20,
            Self::PanelCatalog(_)
            | Self::Remind(_)
            | Self::Expire(_)
            | Self::PaymentUpdate(_)
            | Self::PaymentExpire(_)
            | Self::TicketReply(_)
            | Self::TicketClosed(_)
            | Self::DailySummary(_)
            | Self::PanelHealth(_) => 10,
            // A connection test is asked for by a person waiting for its answer.
            Self::PanelConnect(_) => 3,
        }
    }

    /// The stored payload (`jobs.payload`), as JSON text.
    pub fn payload(&self) -> String {
        // Serializing plain structs of numbers, strings and options cannot fail.
        let tagged = serde_json::to_value(self).expect("job payloads are plain data");
        match tagged {
            Json::Object(mut fields) => fields.remove("payload").unwrap_or_else(|| Json::Object(Default::default())),
            _ => Json::Object(Default::default()),
        }
        .to_string()
    }

    /// Reads a stored row (`jobs.kind`, `jobs.payload`).
    pub fn from_stored(kind: &str, payload: &str) -> Result<Self, JobError> {
        let payload: Json = serde_json::from_str(payload)
            .map_err(|e| JobError::NotJson { kind: kind.to_owned(), reason: e.to_string() })?;
        let tagged = serde_json::json!({ "kind": kind, "payload": payload });
        serde_json::from_value(tagged)
            .map_err(|e| JobError::Unreadable { kind: kind.to_owned(), reason: e.to_string() })
    }
}

#[cfg(test)]
mod tests;
