//! The chat's conversation state, stored as JSON by the runtime.

use serde_json::{Value, json};

/// What the bot remembers about a chat between updates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatState {
    /// Generation of the chat's current menu message (see `callback`).
    pub menu: u64,
    /// The next text message is a promo code.
    pub awaiting_promo: bool,
    /// A discount or extra-days code waiting for the next purchase.
    pub promo: Option<String>,
    /// The next text message goes to support.
    pub awaiting_ticket: bool,
    /// In the admin chat: the ticket the next text message answers.
    pub replying_to: Option<i64>,
    /// The next text message is a top-up amount for this method (`card`, `zarinpal`, `stars`).
    pub awaiting_amount: Option<String>,
    /// The next text message is the receipt of the open card-to-card payment.
    pub awaiting_receipt: bool,
    /// In the admin chat: the payment the next text message rejects (it is the reason).
    pub rejecting: Option<i64>,
    /// An admin's guided input in progress: `{"area": "<area>", …}` as the
    /// area's module (`crate::admin`) wrote it; the next text or photo goes there.
    pub admin_flow: Option<Value>,
}

impl ChatState {
    /// Forgets every "the next text message is…" expectation.
    pub fn clear_awaiting(&mut self) {
        self.awaiting_promo = false;
        self.awaiting_ticket = false;
        self.awaiting_amount = None;
        self.awaiting_receipt = false;
        self.admin_flow = None;
    }

    /// Parses the stored state; anything unreadable starts afresh.
    pub fn parse(stored: Option<&str>) -> Self {
        let value = stored.and_then(|s| serde_json::from_str::<Value>(s).ok()).unwrap_or(Value::Null);
        Self {
            menu: value.get("menu").and_then(Value::as_u64).unwrap_or(0),
            awaiting_promo: value.get("awaiting_promo").and_then(Value::as_bool).unwrap_or(false),
            promo: value.get("promo").and_then(Value::as_str).map(str::to_owned),
            awaiting_ticket: value.get("awaiting_ticket").and_then(Value::as_bool).unwrap_or(false),
            replying_to: value.get("replying_to").and_then(Value::as_i64),
            awaiting_amount: value.get("awaiting_amount").and_then(Value::as_str).map(str::to_owned),
            awaiting_receipt: value.get("awaiting_receipt").and_then(Value::as_bool).unwrap_or(false),
            rejecting: value.get("rejecting").and_then(Value::as_i64),
            admin_flow: value.get("admin_flow").filter(|v| v.is_object()).cloned(),
        }
    }

    /// The JSON to store.
    pub fn to_json(&self) -> String {
        json!({
            "menu": self.menu,
            "awaiting_promo": self.awaiting_promo,
            "promo": self.promo,
            "awaiting_ticket": self.awaiting_ticket,
            "replying_to": self.replying_to,
            "awaiting_amount": self.awaiting_amount,
            "awaiting_receipt": self.awaiting_receipt,
            "rejecting": self.rejecting,
            "admin_flow": self.admin_flow,
        })
        .to_string()
    }
}
