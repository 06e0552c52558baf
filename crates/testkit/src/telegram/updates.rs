//! Builders for the updates Telegram sends a shop bot, with the field sets
//! Telegram really uses, so the bot's parsing is tested against realistic
//! input. They return JSON without `update_id`:
//! [`FakeTelegram::push_update`](super::FakeTelegram::push_update) assigns it.
//!
//! ```no_run
//! # async fn demo(fake: bazar_testkit::telegram::FakeTelegram) {
//! use bazar_testkit::telegram::updates::{self, FakeUser};
//! let alice = FakeUser::new(1001, "Alice").with_username("alice").with_language("en");
//! fake.push_update(42, updates::command(&alice, "/start", Some("ref_7")));
//! # }
//! ```

use serde_json::{Value, json};
use std::sync::atomic::{AtomicI64, Ordering};

/// Message ids of user messages; global so ids never repeat within a test run.
static NEXT_MESSAGE_ID: AtomicI64 = AtomicI64::new(1);
/// Sequence for callback and pre-checkout query ids, unique within a test run.
static NEXT_QUERY: AtomicI64 = AtomicI64::new(1);

/// A Telegram user talking to the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Telegram user id; also the id of the private chat with the bot.
    pub id: i64,
    /// First name, always present on Telegram.
    pub first_name: String,
    /// `@username` without the `@`, when the user has one.
    pub username: Option<String>,
    /// IETF language tag of the user's client, which bots use to pick a language.
    pub language_code: Option<String>,
}

impl FakeUser {
    /// A user with only the fields Telegram always sends.
    pub fn new(id: i64, first_name: impl Into<String>) -> Self {
        Self { id, first_name: first_name.into(), username: None, language_code: None }
    }

    /// The same user with a `@username`.
    pub fn with_username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The same user with a client language (e.g. `"en"`, `"ru"`).
    pub fn with_language(mut self, language_code: impl Into<String>) -> Self {
        self.language_code = Some(language_code.into());
        self
    }

    /// The user as a Telegram `User` object.
    pub fn to_json(&self) -> Value {
        let mut user = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if let Some(username) = &self.username {
            user["username"] = json!(username);
        }
        if let Some(language) = &self.language_code {
            user["language_code"] = json!(language);
        }
        user
    }

    /// The private chat between this user and the bot, as a `Chat` object.
    pub fn private_chat(&self) -> Value {
        let mut chat = json!({"id": self.id, "type": "private", "first_name": self.first_name});
        if let Some(username) = &self.username {
            chat["username"] = json!(username);
        }
        chat
    }

    fn message(&self, extra: Value) -> Value {
        let mut message = json!({
            "message_id": NEXT_MESSAGE_ID.fetch_add(1, Ordering::Relaxed),
            "from": self.to_json(),
            "chat": self.private_chat(),
            "date": now(),
        });
        if let (Some(message), Value::Object(extra)) = (message.as_object_mut(), extra) {
            message.extend(extra);
        }
        message
    }
}

/// A text message from `user` in the private chat with the bot.
pub fn text(user: &FakeUser, text: &str) -> Value {
    json!({ "message": user.message(json!({ "text": text })) })
}

/// A command such as `/start` (the leading `/` is added when missing), with
/// an optional payload after a space (deep links: `/start ref_7`). Carries
/// the `bot_command` entity Telegram adds, its length in UTF-16 units.
pub fn command(user: &FakeUser, command: &str, payload: Option<&str>) -> Value {
    let command = if command.starts_with('/') { command.to_owned() } else { format!("/{command}") };
    let text = match payload {
        Some(payload) => format!("{command} {payload}"),
        None => command.clone(),
    };
    let entity = json!({"type": "bot_command", "offset": 0, "length": command.encode_utf16().count()});
    json!({ "message": user.message(json!({ "text": text, "entities": [entity] })) })
}

/// `user` pressed an inline button with `data` under the bot's message
/// `message_id` in their private chat.
pub fn callback(user: &FakeUser, message_id: i64, data: &str) -> Value {
    json!({
        "callback_query": {
            "id": query_id(user),
            "from": user.to_json(),
            "message": {"message_id": message_id, "chat": user.private_chat(), "date": now()},
            "chat_instance": format!("{}", (user.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1),
            "data": data,
        }
    })
}

/// A photo from `user`: three sizes, the largest with `file_id` (register its
/// bytes with [`FakeTelegram::add_file`](super::FakeTelegram::add_file) to let the bot download it).
pub fn photo(user: &FakeUser, file_id: &str, caption: Option<&str>) -> Value {
    let sizes = json!([
        {"file_id": format!("{file_id}_s"), "file_unique_id": format!("{file_id}_us"), "width": 90, "height": 67, "file_size": 1_402},
        {"file_id": format!("{file_id}_m"), "file_unique_id": format!("{file_id}_um"), "width": 320, "height": 240, "file_size": 18_774},
        {"file_id": file_id, "file_unique_id": format!("{file_id}_u"), "width": 1280, "height": 960, "file_size": 121_033},
    ]);
    let mut extra = json!({ "photo": sizes });
    if let Some(caption) = caption {
        extra["caption"] = json!(caption);
    }
    json!({ "message": user.message(extra) })
}

/// The pre-checkout query Telegram sends when `user` confirms paying an
/// invoice; the bot must answer it within 10 seconds.
pub fn pre_checkout(user: &FakeUser, currency: &str, total_amount: i64, payload: &str) -> Value {
    json!({
        "pre_checkout_query": {
            "id": query_id(user),
            "from": user.to_json(),
            "currency": currency,
            "total_amount": total_amount,
            "invoice_payload": payload,
        }
    })
}

/// The service message confirming `user`'s payment; for Stars (`XTR`) the
/// `telegram_payment_charge_id` is what `refundStarPayment` takes.
pub fn successful_payment(
    user: &FakeUser,
    currency: &str,
    total_amount: i64,
    payload: &str,
    telegram_payment_charge_id: &str,
) -> Value {
    let payment = json!({
        "currency": currency,
        "total_amount": total_amount,
        "invoice_payload": payload,
        "telegram_payment_charge_id": telegram_payment_charge_id,
        "provider_payment_charge_id": if currency == "XTR" { String::new() } else { format!("prov_{telegram_payment_charge_id}") },
    });
    json!({ "message": user.message(json!({ "successful_payment": payment })) })
}

fn query_id(user: &FakeUser) -> String {
    format!("{:x}{:08x}", user.id, NEXT_QUERY.fetch_add(1, Ordering::Relaxed))
}

fn now() -> i64 {
    super::state::unix_now()
}

#[cfg(test)]
mod tests {
    use super::*;

    // That every builder reads as a real update is checked where the update
    // types live (`bazar_telegram::update`); here, what those types do not keep.

    fn alice() -> FakeUser {
        FakeUser::new(1001, "Alice").with_username("alice").with_language("en")
    }

    #[test]
    fn command_carries_its_entity() {
        let update = command(&alice(), "start", Some("ref_7"));
        assert_eq!(update["message"]["text"], "/start ref_7");
        let entity = &update["message"]["entities"][0];
        assert_eq!(
            (entity["type"].as_str(), entity["offset"].as_i64(), entity["length"].as_i64()),
            (Some("bot_command"), Some(0), Some(6))
        );
    }

    #[test]
    fn photo_sizes_grow_to_the_largest_last() {
        let update = photo(&alice(), "PHOTO1", Some("look"));
        let sizes = update["message"]["photo"].as_array().unwrap();
        assert_eq!((sizes.len(), sizes[2]["file_id"].as_str()), (3, Some("PHOTO1")));
        assert!(sizes.windows(2).all(|w| w[0]["width"].as_i64() < w[1]["width"].as_i64()));
    }

    #[test]
    fn message_ids_increase() {
        let a = text(&alice(), "a")["message"]["message_id"].as_i64().unwrap();
        let b = text(&alice(), "b")["message"]["message_id"].as_i64().unwrap();
        assert!(b > a);
    }
}
