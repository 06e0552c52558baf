//! The tenant's admin chat: a user, group or supergroup (`admin_chat_id`),
//! and, when that group is a forum, the topic its messages go to
//! (`admin_topic_id`). Receipts, tickets, provisioning alerts and daily
//! summaries are addressed through here so they all land in the same topic.

use bazar_domain::{ConfigKey, ConfigValue};
use bazar_runtime::Outgoing;
use bazar_store::TenantSettings;
use serde_json::json;

/// Puts a message for the admin chat into the configured topic (a no-op for
/// messages to other chats, or when no topic is set).
pub(crate) fn into_topic(settings: &TenantSettings, message: &mut Outgoing) {
    let (ConfigValue::Chat(chat), ConfigValue::Int(topic)) =
        (settings.config(ConfigKey::AdminChatId), settings.config(ConfigKey::AdminTopicId))
    else {
        return;
    };
    if message.params.get("chat_id").and_then(serde_json::Value::as_i64) == Some(chat.0) {
        message.params["message_thread_id"] = json!(topic);
    }
}
