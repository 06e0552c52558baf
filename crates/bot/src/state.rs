//! The chat's conversation state, stored as JSON by the runtime.
//!
//! A chat waits for at most one thing at a time ([`Awaiting`]): a promo
//! code, a support message, a top-up amount, a receipt, an admin's answer to
//! a ticket, a rejection reason, or the next step of an admin's guided flow.
//! Setting a new expectation replaces the old one, and leaving a flow (Home,
//! `/start`, any other button) ends it, so a flow left behind can never take
//! the text meant for another.

use crate::flow::AdminFlow;
use bazar_domain::{PaymentId, TicketId};
use bazar_store::PaymentMethod;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What the next text (or photo) of the chat is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Awaiting {
    /// Nothing in particular: a text gets "I did not understand".
    #[default]
    Nothing,
    /// A promo code.
    PromoCode,
    /// A message to support (opens or extends a ticket).
    SupportMessage,
    /// In the admin chat: the answer to this ticket.
    TicketAnswer(TicketId),
    /// A top-up amount for this method.
    TopUpAmount(PaymentMethod),
    /// The receipt (text) of the open card-to-card payment; a photo is always taken as one.
    Receipt,
    /// In the admin chat: the reason for rejecting this payment.
    RejectionReason(PaymentId),
    /// The next step of an admin's guided input.
    AdminFlow(AdminFlow),
}

/// What the bot remembers about a chat between updates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatState {
    /// Generation of the chat's current menu message (see `callback`).
    pub menu: u64,
    /// A discount or extra-days code waiting for the next purchase (kept
    /// while the customer browses; not an expectation of the next text).
    pub promo: Option<String>,
    /// What the next message is.
    pub awaiting: Awaiting,
}

/// The stored form.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    menu: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    promo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    awaiting: Option<StoredAwaiting>,
    /// The flags of the state before [`Awaiting`] (read, never written).
    #[serde(flatten, skip_serializing)]
    legacy: Legacy,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StoredAwaiting {
    PromoCode,
    SupportMessage,
    TicketAnswer { ticket: TicketId },
    TopUpAmount { method: String },
    Receipt,
    RejectionReason { payment: PaymentId },
    AdminFlow { flow: Value },
}

/// The eight independent flags states were stored with before; read so a
/// chat in the middle of something when Bazar is upgraded keeps its place.
#[derive(Debug, Default, Deserialize)]
struct Legacy {
    #[serde(default)]
    awaiting_promo: bool,
    #[serde(default)]
    awaiting_ticket: bool,
    replying_to: Option<TicketId>,
    awaiting_amount: Option<String>,
    #[serde(default)]
    awaiting_receipt: bool,
    rejecting: Option<PaymentId>,
    admin_flow: Option<Value>,
}

impl Legacy {
    /// The one expectation the old flags meant, by the precedence the old
    /// handler gave them.
    fn awaiting(self) -> Awaiting {
        if let Some(payment) = self.rejecting {
            Awaiting::RejectionReason(payment)
        } else if let Some(flow) = self.admin_flow.and_then(|f| serde_json::from_value(f).ok()) {
            Awaiting::AdminFlow(flow)
        } else if let Some(method) = self.awaiting_amount.as_deref().and_then(PaymentMethod::parse) {
            Awaiting::TopUpAmount(method)
        } else if self.awaiting_receipt {
            Awaiting::Receipt
        } else if let Some(ticket) = self.replying_to {
            Awaiting::TicketAnswer(ticket)
        } else if self.awaiting_ticket {
            Awaiting::SupportMessage
        } else if self.awaiting_promo {
            Awaiting::PromoCode
        } else {
            Awaiting::Nothing
        }
    }
}

impl ChatState {
    /// Forgets what the next message was expected to be.
    pub fn clear_awaiting(&mut self) {
        self.awaiting = Awaiting::Nothing;
    }

    /// Expects `what` next, replacing any other expectation.
    pub fn expect(&mut self, what: Awaiting) {
        self.awaiting = what;
    }

    /// Opens (or continues) an admin's guided flow.
    pub fn admin_flow(&mut self, flow: AdminFlow) {
        self.awaiting = Awaiting::AdminFlow(flow);
    }

    /// Takes the expectation out (the chat then waits for nothing until the
    /// handler of the message sets one again, e.g. to ask again).
    pub fn take_awaiting(&mut self) -> Awaiting {
        std::mem::take(&mut self.awaiting)
    }

    /// Parses the stored state; anything unreadable starts afresh.
    pub fn parse(stored: Option<&str>) -> Self {
        let stored: Stored = stored.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
        let awaiting = match stored.awaiting {
            Some(awaiting) => awaiting.into(),
            None => stored.legacy.awaiting(),
        };
        Self { menu: stored.menu, promo: stored.promo, awaiting }
    }

    /// The JSON to store.
    pub fn to_json(&self) -> String {
        let awaiting = StoredAwaiting::of(&self.awaiting);
        let stored = Stored { menu: self.menu, promo: self.promo.clone(), awaiting, legacy: Legacy::default() };
        serde_json::to_string(&stored).expect("a chat state serializes")
    }
}

impl StoredAwaiting {
    fn of(awaiting: &Awaiting) -> Option<Self> {
        Some(match awaiting {
            Awaiting::Nothing => return None,
            Awaiting::PromoCode => Self::PromoCode,
            Awaiting::SupportMessage => Self::SupportMessage,
            Awaiting::TicketAnswer(ticket) => Self::TicketAnswer { ticket: *ticket },
            Awaiting::TopUpAmount(method) => Self::TopUpAmount { method: method.as_str().to_owned() },
            Awaiting::Receipt => Self::Receipt,
            Awaiting::RejectionReason(payment) => Self::RejectionReason { payment: *payment },
            Awaiting::AdminFlow(flow) => {
                Self::AdminFlow { flow: serde_json::to_value(flow).expect("a flow serializes") }
            }
        })
    }
}

impl From<StoredAwaiting> for Awaiting {
    fn from(stored: StoredAwaiting) -> Self {
        match stored {
            StoredAwaiting::PromoCode => Self::PromoCode,
            StoredAwaiting::SupportMessage => Self::SupportMessage,
            StoredAwaiting::TicketAnswer { ticket } => Self::TicketAnswer(ticket),
            StoredAwaiting::TopUpAmount { method } => {
                PaymentMethod::parse(&method).map_or(Self::Nothing, Self::TopUpAmount)
            }
            StoredAwaiting::Receipt => Self::Receipt,
            StoredAwaiting::RejectionReason { payment } => Self::RejectionReason(payment),
            // A flow that no longer reads (a step this version does not have) is dropped.
            StoredAwaiting::AdminFlow { flow } => serde_json::from_value(flow).map_or(Self::Nothing, Self::AdminFlow),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_expectation_round_trips() {
        for awaiting in [
            Awaiting::Nothing,
            Awaiting::PromoCode,
            Awaiting::SupportMessage,
            Awaiting::TicketAnswer(TicketId::from_raw(7)),
            Awaiting::TopUpAmount(PaymentMethod::Zarinpal),
            Awaiting::Receipt,
            Awaiting::RejectionReason(PaymentId::from_raw(9)),
            Awaiting::AdminFlow(AdminFlow::Admins(crate::flow::AdminsFlow::Id)),
        ] {
            let state = ChatState { menu: 4, promo: Some("OFF20".into()), awaiting };
            assert_eq!(ChatState::parse(Some(&state.to_json())), state);
        }
        assert_eq!(ChatState::parse(Some("not json")), ChatState::default());
        assert_eq!(ChatState::parse(None), ChatState::default());
    }

    #[test]
    fn one_thing_at_a_time() {
        let mut state = ChatState::default();
        state.expect(Awaiting::RejectionReason(PaymentId::from_raw(3)));
        state.expect(Awaiting::PromoCode);
        assert_eq!(state.awaiting, Awaiting::PromoCode, "the rejection no longer waits for a text");
        assert_eq!(state.take_awaiting(), Awaiting::PromoCode);
        assert_eq!(state.awaiting, Awaiting::Nothing);
    }

    #[test]
    fn states_stored_before_the_enum_keep_their_place() {
        let old = r#"{"menu":3,"awaiting_promo":true,"promo":"OFF20","awaiting_ticket":false,"replying_to":null,
            "awaiting_amount":"card","awaiting_receipt":false,"rejecting":null,"admin_flow":null}"#;
        let state = ChatState::parse(Some(old));
        assert_eq!((state.menu, state.promo.as_deref()), (3, Some("OFF20")));
        assert_eq!(state.awaiting, Awaiting::TopUpAmount(PaymentMethod::Card), "the old handler's precedence");
        let rejecting = r#"{"menu":1,"rejecting":12,"awaiting_promo":true}"#;
        assert_eq!(ChatState::parse(Some(rejecting)).awaiting, Awaiting::RejectionReason(PaymentId::from_raw(12)));
        let flow = r#"{"menu":1,"admin_flow":{"area":"customers","step":"search"}}"#;
        let search = AdminFlow::Customers(crate::flow::CustomerFlow::Search);
        assert_eq!(ChatState::parse(Some(flow)).awaiting, Awaiting::AdminFlow(search));
        let unknown = r#"{"menu":1,"awaiting":{"kind":"admin_flow","flow":{"area":"plans","step":"colour"}}}"#;
        assert_eq!(ChatState::parse(Some(unknown)).awaiting, Awaiting::Nothing, "dropped, not half-read");
    }
}
