//! The chat's conversation state, stored as JSON by the runtime.

use serde_json::{Value, json};

/// What the bot remembers about a chat between updates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChatState {
    /// Generation of the chat's current menu message (see `callback`).
    pub menu: u64,
}

impl ChatState {
    /// Parses the stored state; anything unreadable starts afresh.
    pub fn parse(stored: Option<&str>) -> Self {
        let menu = stored
            .and_then(|s| serde_json::from_str::<Value>(s).ok())
            .and_then(|v| v.get("menu")?.as_u64())
            .unwrap_or(0);
        Self { menu }
    }

    /// The JSON to store.
    pub fn to_json(self) -> String {
        json!({ "menu": self.menu }).to_string()
    }
}
