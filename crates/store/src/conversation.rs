//! Conversation state per (bot, chat): where a chat is in a multi-step dialogue.

use crate::clock::now_ms;
use crate::{StoreError, TenantTx};
use bazar_domain::ChatId;

impl TenantTx {
    /// The chat's stored state (opaque JSON text owned by the bot layer).
    pub async fn conversation_state(&mut self, chat: ChatId) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT state FROM conversation_states WHERE bot_id = $1 AND chat_id = $2")
            .bind(self.bot())
            .bind(chat.0)
            .fetch_optional(self.conn())
            .await?)
    }

    /// Replaces the chat's state; `None` clears it.
    pub async fn set_conversation_state(&mut self, chat: ChatId, state: Option<&str>) -> Result<(), StoreError> {
        match state {
            Some(state) => {
                sqlx::query(
                    "INSERT INTO conversation_states (bot_id, chat_id, state, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (bot_id, chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                )
                .bind(self.bot())
                .bind(chat.0)
                .bind(state)
                .bind(now_ms())
                .execute(self.conn())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM conversation_states WHERE bot_id = $1 AND chat_id = $2")
                    .bind(self.bot())
                    .bind(chat.0)
                    .execute(self.conn())
                    .await?;
            }
        }
        Ok(())
    }
}
