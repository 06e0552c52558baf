//! What an admin's guided flow ("send the plan's price") remembers between
//! two messages: one typed value per area and step, kept in the chat's state
//! (`Awaiting::AdminFlow`). Stored as `{"area": …, "step": …, fields…}` — the
//! same JSON the flows were written in before they had types, so a chat in
//! the middle of one keeps its place across an upgrade; a stored flow that
//! does not read as one of these is dropped, never half-read.

use crate::callback::AdminArea;
use bazar_domain::{PlanId, SubscriptionId};
use serde::{Deserialize, Serialize};

/// An open guided flow of one admin area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "area", rename_all = "snake_case")]
pub enum AdminFlow {
    /// Finding a customer, or adjusting a wallet.
    Customers(CustomerFlow),
    /// Extending a subscription.
    Subscriptions(SubscriptionFlow),
    /// Adding a plan (answer by answer) or changing one field of a plan.
    Plans(PlanFlow),
    /// Adding a card.
    Cards(CardFlow),
    /// A new value for a configuration key (by its stable code).
    Settings {
        /// `ConfigKey::code()` of the key.
        key: u64,
    },
    /// Adding a promo code.
    Promos(PromoFlow),
    /// Composing a broadcast.
    Broadcast(BroadcastFlow),
    /// Adding an admin: their Telegram id.
    Admins(AdminsFlow),
    /// Connecting the shop's own VPN panel.
    Panel(PanelFlow),
    /// The master bot's platform area.
    Master(MasterFlow),
    /// A reseller's onboarding: the token of their bot, for this platform plan.
    Onboarding {
        /// The platform plan's name.
        plan: String,
    },
}

impl AdminFlow {
    /// The area that reads the flow's next message.
    pub fn area(&self) -> AdminArea {
        match self {
            Self::Customers(_) => AdminArea::Customers,
            Self::Subscriptions(_) => AdminArea::Subscriptions,
            Self::Plans(_) => AdminArea::Plans,
            Self::Cards(_) => AdminArea::Cards,
            Self::Settings { .. } => AdminArea::Settings,
            Self::Promos(_) => AdminArea::Promos,
            Self::Broadcast(_) => AdminArea::Broadcast,
            Self::Admins(_) => AdminArea::Admins,
            Self::Panel(_) => AdminArea::Panel,
            Self::Master(_) => AdminArea::Master,
            Self::Onboarding { .. } => AdminArea::Onboarding,
        }
    }
}

/// The customers area's flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum CustomerFlow {
    /// A Telegram id or `@username` to look up.
    Search,
    /// The amount of a wallet adjustment (the key is fixed when "Adjust" was pressed).
    Amount {
        /// The customer's row id.
        customer: i64,
        /// The adjustment's idempotency key.
        key: String,
    },
    /// The reason for that amount.
    Reason {
        /// The customer's row id.
        customer: i64,
        /// The adjustment's idempotency key.
        key: String,
        /// Signed minor units of the shop's currency.
        amount: i64,
    },
}

/// The subscriptions area's flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum SubscriptionFlow {
    /// Days to add.
    Days {
        /// The subscription.
        subscription: SubscriptionId,
    },
}

/// A field of a plan, asked one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanField {
    /// Its name in the admin's language.
    Name,
    /// Its length.
    Days,
    /// Its traffic.
    Traffic,
    /// Its device limit.
    Devices,
    /// Its price.
    Price,
}

/// Adding a plan or changing one of its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum PlanMode {
    /// A new plan, built answer by answer.
    Add,
    /// One field of an existing plan.
    Edit {
        /// The plan.
        plan: PlanId,
    },
}

/// The plans area's flow: the field asked now and the answers so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFlow {
    /// The field the next message answers.
    pub step: PlanField,
    /// Adding or editing.
    #[serde(flatten)]
    pub mode: PlanMode,
    /// Answers so far (adding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Days (adding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Traffic in bytes, `None` for unlimited (adding; the fields are asked
    /// in order, so by the last one every earlier `None` was an answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<u64>,
    /// Device limit, `None` for no limit (adding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<u32>,
    /// Price in minor units (adding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
}

impl PlanFlow {
    /// A flow asking `step` first, with no answers yet.
    pub fn new(step: PlanField, mode: PlanMode) -> Self {
        Self { step, mode, name: None, days: None, traffic: None, devices: None, price: None }
    }
}

/// The cards area's flow: number, then holder, then daily cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum CardFlow {
    /// The card number.
    Number,
    /// The holder's name.
    Holder {
        /// The card number's digits (checked).
        number: String,
    },
    /// The daily cap.
    Cap {
        /// The card number's digits.
        number: String,
        /// The holder's name.
        holder: String,
    },
}

/// The promos area's flow: code, value, total uses, days valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoFlow {
    /// The question the next message answers.
    pub step: PromoStep,
    /// The kind of benefit (the area's own numbering).
    pub kind: i64,
    /// The code (answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The benefit's value (answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// Uses allowed in total, 0 for no limit (answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<i64>,
}

/// A question of adding a promo code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromoStep {
    /// The code.
    Code,
    /// The value.
    Value,
    /// Uses in total.
    Uses,
    /// Days valid.
    Valid,
}

/// The broadcast area's flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum BroadcastFlow {
    /// The message (text, or photo with caption).
    Compose,
    /// The optional button ("Label | https://…") of draft broadcast `id`.
    Button {
        /// The draft broadcast.
        id: i64,
    },
}

/// The admins area's flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum AdminsFlow {
    /// The new admin's Telegram id.
    Id,
}

/// The panel area's flow: the kind was picked by a button; then its URL,
/// then its credentials (never kept here: they are read from the message,
/// which is deleted, and handed to a job sealed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum PanelFlow {
    /// The panel's URL.
    Url {
        /// The kind's name.
        kind: String,
    },
    /// The login, as `key=value` lines.
    Credentials {
        /// The kind's name.
        kind: String,
        /// The URL given.
        url: String,
    },
}

/// The master bot's platform area's flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum MasterFlow {
    /// A tenant's bot token, pasted.
    Token,
    /// A message to every tenant owner.
    Broadcast,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The JSON flows were stored in before they had types reads as the same flow.
    #[test]
    fn stored_flows_keep_their_place() {
        let cases = [
            (json!({"area": "customers", "step": "search"}), AdminFlow::Customers(CustomerFlow::Search)),
            (
                json!({"area": "customers", "step": "reason", "customer": 7, "key": "k", "amount": -500}),
                AdminFlow::Customers(CustomerFlow::Reason { customer: 7, key: "k".into(), amount: -500 }),
            ),
            (
                json!({"area": "plans", "step": "price", "mode": "edit", "plan": 3}),
                AdminFlow::Plans(PlanFlow {
                    step: PlanField::Price,
                    mode: PlanMode::Edit { plan: PlanId::from_raw(3) },
                    name: None,
                    days: None,
                    traffic: None,
                    devices: None,
                    price: None,
                }),
            ),
            (json!({"area": "settings", "key": 12}), AdminFlow::Settings { key: 12 }),
            (json!({"area": "onboarding", "plan": "pro"}), AdminFlow::Onboarding { plan: "pro".into() }),
            (
                json!({"area": "broadcast", "step": "button", "id": 4}),
                AdminFlow::Broadcast(BroadcastFlow::Button { id: 4 }),
            ),
        ];
        for (stored, flow) in cases {
            assert_eq!(serde_json::from_value::<AdminFlow>(stored.clone()).unwrap(), flow, "{stored}");
            let again: AdminFlow = serde_json::from_value(serde_json::to_value(&flow).unwrap()).unwrap();
            assert_eq!(again, flow);
        }
        let adding =
            json!({"area": "plans", "step": "devices", "mode": "add", "name": "M", "days": 30, "traffic": null});
        let AdminFlow::Plans(plan) = serde_json::from_value::<AdminFlow>(adding).unwrap() else { panic!() };
        assert_eq!((plan.mode, plan.days, plan.traffic), (PlanMode::Add, Some(30), None), "null traffic: unlimited");
        assert!(serde_json::from_value::<AdminFlow>(json!({"area": "plans", "step": "colour"})).is_err());
        assert!(serde_json::from_value::<AdminFlow>(json!({"area": "nowhere"})).is_err());
    }
}
