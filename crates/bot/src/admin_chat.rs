//! The tenant's admin chat: a user, group or supergroup (`admin_chat_id`),
//! and, when that group is a forum, the topic its messages go to
//! (`admin_topic_id`). Receipts, tickets, provisioning alerts and daily
//! summaries are addressed through here so they all land in the same topic.

use crate::context::language_of;
use bazar_domain::{ConfigKey, ConfigValue, Language};
use bazar_runtime::Outgoing;
use bazar_store::{StoreError, TenantSettings, TenantTx};

/// Who hears about something that needs an admin, in which language: the
/// admin chat (in the tenant's default language), else each admin who can be
/// written to (started the bot, did not block it), in their own language.
pub(crate) async fn recipients(
    tx: &mut TenantTx,
    settings: &TenantSettings,
) -> Result<Vec<(i64, Language)>, StoreError> {
    if let ConfigValue::Chat(chat) = settings.config(ConfigKey::AdminChatId) {
        return Ok(vec![(chat.0, language_of(None, settings))]);
    }
    let mut chats = Vec::new();
    for admin in tx.admin_ids().await? {
        if let Some(customer) = tx.customer_by_telegram_id(admin).await?.filter(|c| c.blocked_at.is_none()) {
            chats.push((admin.get(), language_of(customer.language, settings)));
        }
    }
    Ok(chats)
}

/// Puts a message for the admin chat into the configured topic (a no-op for
/// messages to other chats, or when no topic is set).
pub(crate) fn into_topic(settings: &TenantSettings, message: &mut Outgoing) {
    let (ConfigValue::Chat(chat), ConfigValue::Int(topic)) =
        (settings.config(ConfigKey::AdminChatId), settings.config(ConfigKey::AdminTopicId))
    else {
        return;
    };
    if message.params.get("chat_id").and_then(serde_json::Value::as_i64) == Some(chat.0) {
        message.in_topic(*topic);
    }
}
