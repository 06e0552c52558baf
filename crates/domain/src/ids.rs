//! Identifier newtypes. Each id is its own type so a customer id can never be
//! passed where a bot id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why a text is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not a whole number at all.
    #[error("`{0}` is not a number")]
    NotANumber(String),
    /// A number, but not a positive one.
    #[error("`{0}` is not a positive id")]
    NotPositive(String),
}

macro_rules! positive_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw database/Telegram value. Callers must only pass values that
            /// came from the database or from Telegram, never from user input; user
            /// input goes through [`FromStr`].
            pub const fn from_raw(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw integer, for storage and wire formats.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                let n: i64 = s.trim().parse().map_err(|_| IdError::NotANumber(s.to_owned()))?;
                if n <= 0 {
                    return Err(IdError::NotPositive(s.to_owned()));
                }
                Ok(Self(n))
            }
        }
    };
}

positive_id!(
    /// A tenant: one Telegram bot registered on the platform (our own row id,
    /// not Telegram's bot user id).
    BotId
);
positive_id!(
    /// A customer row: one Telegram user *as seen by one bot*.
    CustomerId
);
positive_id!(
    /// A Telegram user id (the same human has the same id in every bot).
    TelegramUserId
);
positive_id!(
    /// A plan of one shop (`bot_plans.id`).
    PlanId
);
positive_id!(
    /// A subscription of one shop's customer (`subscriptions.id`).
    SubscriptionId
);
positive_id!(
    /// A payment: one attempt to pay for a plan, a top-up or a renewal (`payments.id`).
    PaymentId
);
positive_id!(
    /// A card-to-card destination card of one shop (`payment_cards.id`).
    CardId
);
positive_id!(
    /// A promo code of one shop (`promo_codes.id`).
    PromoId
);
positive_id!(
    /// A support ticket (`tickets.id`).
    TicketId
);
positive_id!(
    /// A VPN panel registered on the platform (`panels.id`).
    PanelId
);
positive_id!(
    /// A broadcast one shop's admin sent to its customers (`broadcasts.id`).
    BroadcastId
);

/// A Telegram chat id. Unlike user ids it may be negative (groups, channels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChatId(pub i64);

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for ChatId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let n: i64 = s.trim().parse().map_err(|_| IdError::NotANumber(s.to_owned()))?;
        if n == 0 {
            return Err(IdError::NotPositive(s.to_owned()));
        }
        Ok(Self(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bot_id_parses_only_positive_numbers() {
        assert_eq!("42".parse::<BotId>().unwrap().get(), 42);
        assert_eq!(" 7 ".parse::<BotId>().unwrap().get(), 7);
        assert!(matches!("0".parse::<BotId>(), Err(IdError::NotPositive(_))));
        assert!(matches!("-3".parse::<BotId>(), Err(IdError::NotPositive(_))));
        assert!(matches!("x".parse::<BotId>(), Err(IdError::NotANumber(_))));
    }

    #[test]
    fn every_row_id_parses_only_positive_numbers_and_stays_a_plain_number() {
        fn check<T: FromStr<Err = IdError> + Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug>(
            make: fn(i64) -> T,
        ) {
            assert_eq!("42".parse::<T>().unwrap(), make(42));
            assert!(matches!("0".parse::<T>(), Err(IdError::NotPositive(_))));
            assert!(matches!("-1".parse::<T>(), Err(IdError::NotPositive(_))));
            assert!(matches!("4x".parse::<T>(), Err(IdError::NotANumber(_))));
            // Job payloads and chat state written before the types existed read the same.
            assert_eq!(serde_json::to_string(&make(42)).unwrap(), "42");
            assert_eq!(serde_json::from_str::<T>("42").unwrap(), make(42));
        }
        check(SubscriptionId::from_raw);
        check(PaymentId::from_raw);
        check(CardId::from_raw);
        check(PromoId::from_raw);
        check(TicketId::from_raw);
        check(PanelId::from_raw);
        check(BroadcastId::from_raw);
        check(PlanId::from_raw);
    }

    #[test]
    fn chat_ids_may_be_negative_but_not_zero() {
        assert_eq!("-1001234".parse::<ChatId>().unwrap(), ChatId(-1001234));
        assert!("0".parse::<ChatId>().is_err());
    }
}
