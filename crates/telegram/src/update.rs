//! Incoming updates: the part of the Bot API's `Update` the platform reads.
//!
//! Bazar asks Telegram only for messages, button presses, pre-checkout
//! queries and membership changes (`allowed_updates`), and reads a handful of
//! fields of each; these types are exactly that, read leniently (a field
//! Telegram adds is ignored, a kind we did not ask for reads as
//! [`UpdateContent::Other`]). A full Bot API model costs the build more than
//! the rest of the platform's Telegram code together.

use crate::User;
use serde::Deserialize;
use serde::de::Error as _;
use serde_json::Value;

/// One update as Telegram sends it: its id and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// Telegram's id of the update (increasing per bot).
    pub update_id: i64,
    /// What happened.
    pub content: UpdateContent,
}

/// What an update carries (the one field of the update that is set).
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateContent {
    /// A new message in a chat with the bot.
    Message(Box<Message>),
    /// A button of one of the bot's messages was pressed.
    CallbackQuery(Box<CallbackQuery>),
    /// Telegram asks whether an invoice may still be paid.
    PreCheckoutQuery(Box<PreCheckoutQuery>),
    /// The bot was blocked or unblocked in a private chat (or added to a group).
    MyChatMember(Box<ChatMemberUpdated>),
    /// A kind the platform does not read.
    Other,
}

impl<'de> Deserialize<'de> for Update {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut fields = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        let update_id =
            fields.get("update_id").and_then(Value::as_i64).ok_or_else(|| D::Error::missing_field("update_id"))?;
        let content = if let Some(message) = fields.remove("message") {
            UpdateContent::Message(read::<_, D>(message)?)
        } else if let Some(query) = fields.remove("callback_query") {
            UpdateContent::CallbackQuery(read::<_, D>(query)?)
        } else if let Some(query) = fields.remove("pre_checkout_query") {
            UpdateContent::PreCheckoutQuery(read::<_, D>(query)?)
        } else if let Some(change) = fields.remove("my_chat_member") {
            UpdateContent::MyChatMember(read::<_, D>(change)?)
        } else {
            UpdateContent::Other
        };
        Ok(Self { update_id, content })
    }
}

/// One field of an update, read as its type (the deserializer's error on failure).
fn read<'de, T: serde::de::DeserializeOwned, D: serde::Deserializer<'de>>(value: Value) -> Result<T, D::Error> {
    serde_json::from_value(value).map_err(D::Error::custom)
}

/// A message.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Message {
    /// Its id in its chat.
    pub message_id: i32,
    /// When it was sent (unix seconds).
    pub date: i64,
    /// The chat it belongs to.
    pub chat: Chat,
    /// Who sent it (absent for channel posts).
    pub from: Option<Box<User>>,
    /// Its text.
    pub text: Option<String>,
    /// A photo's caption.
    pub caption: Option<String>,
    /// A photo, in each size Telegram made of it (the largest last).
    pub photo: Option<Vec<PhotoSize>>,
    /// A Stars (or other) payment that went through.
    pub successful_payment: Option<Box<SuccessfulPayment>>,
}

/// A chat.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Chat {
    /// Its id (negative for groups and channels).
    pub id: i64,
    /// `private`, `group`, `supergroup` or `channel`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// One size of a photo.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PhotoSize {
    /// What `sendPhoto` and `getFile` take to reuse it.
    pub file_id: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A payment that went through.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SuccessfulPayment {
    /// Three-letter currency (`XTR` for Stars).
    pub currency: String,
    /// Total in the currency's smallest unit.
    pub total_amount: u32,
    /// The invoice's payload, as the bot set it.
    pub invoice_payload: String,
    /// Telegram's id of the charge (what a refund names).
    pub telegram_payment_charge_id: String,
}

/// A button press.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallbackQuery {
    /// To answer with `answerCallbackQuery`.
    pub id: String,
    /// Who pressed.
    pub from: User,
    /// The message carrying the button, when Telegram still has it.
    pub message: Option<MaybeInaccessibleMessage>,
    /// The button's data.
    pub data: Option<String>,
}

/// The message of a button press: whole, or (older than 48 hours) only its
/// chat and id, which Telegram marks with a `date` of 0.
#[derive(Debug, Clone, PartialEq)]
pub enum MaybeInaccessibleMessage {
    /// The message.
    Message(Box<Message>),
    /// Only where it was.
    InaccessibleMessage(InaccessibleMessage),
}

/// A message the bot can no longer read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InaccessibleMessage {
    /// Its chat.
    pub chat: Chat,
    /// Its id.
    pub message_id: i32,
}

impl<'de> Deserialize<'de> for MaybeInaccessibleMessage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let inaccessible = value.get("date").and_then(Value::as_i64) == Some(0);
        if inaccessible {
            serde_json::from_value(value).map(Self::InaccessibleMessage).map_err(D::Error::custom)
        } else {
            serde_json::from_value(value).map(Self::Message).map_err(D::Error::custom)
        }
    }
}

/// Telegram asks whether an invoice may still be paid (answer within 10 s).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PreCheckoutQuery {
    /// To answer with `answerPreCheckoutQuery`.
    pub id: String,
    /// Who pays.
    pub from: User,
    /// Three-letter currency (`XTR` for Stars).
    pub currency: String,
    /// Total in the currency's smallest unit.
    pub total_amount: u32,
    /// The invoice's payload, as the bot set it.
    pub invoice_payload: String,
}

/// The bot's membership in a chat changed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChatMemberUpdated {
    /// The chat.
    pub chat: Chat,
    /// Who changed it (in a private chat: the user).
    pub from: User,
    /// The bot's membership now.
    pub new_chat_member: ChatMember,
}

/// A member of a chat (here: the bot itself).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChatMember {
    /// Where the member stands.
    pub status: ChatMemberStatus,
}

/// Where a member of a chat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatMemberStatus {
    /// Created the chat.
    Creator,
    /// An administrator.
    Administrator,
    /// A member.
    Member,
    /// A member with restrictions.
    Restricted,
    /// Left (or, in a private chat, unblocked and not restarted).
    Left,
    /// Removed; in a private chat: the user blocked the bot.
    Kicked,
}

#[cfg(test)]
mod tests {
    use super::*;
    use bazar_testkit::telegram::updates::{self, FakeUser};

    fn parse(mut update: Value) -> Update {
        update["update_id"] = 1.into();
        serde_json::from_value(update).expect("the testkit builds real updates")
    }

    fn alice() -> FakeUser {
        FakeUser::new(42, "Alice").with_language("fa")
    }

    #[test]
    fn the_testkits_updates_read_as_updates() {
        let UpdateContent::Message(text) = parse(updates::text(&alice(), "hello")).content else { panic!("text") };
        assert_eq!((text.text.as_deref(), text.chat.id, text.chat.kind.as_str()), (Some("hello"), 42, "private"));
        let from = text.from.expect("a sender");
        assert_eq!((from.id, from.first_name.as_str(), from.language_code.as_deref()), (42, "Alice", Some("fa")));

        let UpdateContent::CallbackQuery(press) = parse(updates::callback(&alice(), 5, "v1.0.home")).content else {
            panic!("press")
        };
        assert_eq!(press.data.as_deref(), Some("v1.0.home"));
        assert!(matches!(press.message, Some(MaybeInaccessibleMessage::Message(m)) if m.message_id == 5));

        let photo = parse(updates::photo(&alice(), "PHOTO1", Some("receipt"))).content;
        let UpdateContent::Message(photo) = photo else { panic!("photo") };
        let sizes = photo.photo.expect("sizes");
        assert_eq!(
            (sizes.last().map(|s| s.file_id.as_str()), photo.caption.as_deref()),
            (Some("PHOTO1"), Some("receipt"))
        );

        let query = parse(updates::pre_checkout(&alice(), "XTR", 50, "pay:7")).content;
        let UpdateContent::PreCheckoutQuery(query) = query else { panic!("pre-checkout") };
        assert_eq!((query.currency.as_str(), query.total_amount, query.invoice_payload.as_str()), ("XTR", 50, "pay:7"));

        let paid = parse(updates::successful_payment(&alice(), "XTR", 50, "pay:7", "charge_1")).content;
        let UpdateContent::Message(paid) = paid else { panic!("payment") };
        let paid = paid.successful_payment.expect("a payment");
        assert_eq!((paid.total_amount, paid.telegram_payment_charge_id.as_str()), (50, "charge_1"));
    }

    #[test]
    fn other_kinds_and_old_messages_still_read() {
        let poll: Update = serde_json::from_value(serde_json::json!({"update_id": 9, "poll": {"id": "1"}})).unwrap();
        assert_eq!(poll, Update { update_id: 9, content: UpdateContent::Other });
        let old = serde_json::json!({"update_id": 3, "callback_query": {"id": "q", "chat_instance": "c",
            "from": {"id": 42, "is_bot": false, "first_name": "Alice"},
            "message": {"chat": {"id": 42, "type": "private"}, "message_id": 8, "date": 0}}});
        let UpdateContent::CallbackQuery(press) = serde_json::from_value::<Update>(old).unwrap().content else {
            panic!("press")
        };
        assert!(matches!(press.message, Some(MaybeInaccessibleMessage::InaccessibleMessage(m)) if m.message_id == 8));
        let blocked = serde_json::json!({"update_id": 4, "my_chat_member": {"chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": false, "first_name": "Alice"}, "date": 1,
            "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": true, "first_name": "Shop"}},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": {"id": 1, "is_bot": true, "first_name": "Shop"}}}});
        let UpdateContent::MyChatMember(change) = serde_json::from_value::<Update>(blocked).unwrap().content else {
            panic!("membership")
        };
        assert_eq!(change.new_chat_member.status, ChatMemberStatus::Kicked);
        assert!(serde_json::from_value::<Update>(serde_json::json!({"message": {}})).is_err(), "no update_id");
    }
}
