//! The few facts about a raw update the runtime needs before parsing it fully:
//! its id (de-duplication), its chat (ordering) and its sender (the customer).

use serde_json::Value;

/// Routing facts of one update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateMeta {
    /// Telegram's `update_id`.
    pub update_id: i64,
    /// The chat the update belongs to; updates of one chat are handled in order.
    /// Falls back to the sender for chat-less updates (pre-checkout queries).
    pub chat_id: Option<i64>,
}

/// The update kinds the bots handle (`allowed_updates` for setWebhook/getUpdates).
pub const ALLOWED_UPDATES: &[&str] = &["message", "callback_query", "pre_checkout_query", "my_chat_member"];

impl UpdateMeta {
    /// Reads the routing facts; `None` when there is no `update_id`.
    pub fn of(update: &Value) -> Option<Self> {
        let update_id = update.get("update_id")?.as_i64()?;
        let chat_id = ["message", "edited_message", "my_chat_member"]
            .iter()
            .find_map(|k| update.pointer(&format!("/{k}/chat/id")))
            .or_else(|| update.pointer("/callback_query/message/chat/id"))
            .or_else(|| update.pointer("/callback_query/from/id"))
            .or_else(|| update.pointer("/pre_checkout_query/from/id"))
            .and_then(Value::as_i64);
        Some(Self { update_id, chat_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_chat_of_each_kind() {
        let msg = json!({"update_id": 5, "message": {"chat": {"id": 42}, "from": {"id": 42}}});
        assert_eq!(UpdateMeta::of(&msg), Some(UpdateMeta { update_id: 5, chat_id: Some(42) }));
        let cb = json!({"update_id": 6, "callback_query": {"from": {"id": 7}, "message": {"chat": {"id": -100}}}});
        assert_eq!(UpdateMeta::of(&cb).unwrap().chat_id, Some(-100));
        let pcq = json!({"update_id": 7, "pre_checkout_query": {"from": {"id": 9}}});
        assert_eq!(UpdateMeta::of(&pcq).unwrap().chat_id, Some(9));
        assert_eq!(UpdateMeta::of(&json!({"message": {}})), None);
    }
}
