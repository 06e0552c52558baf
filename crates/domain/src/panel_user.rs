//! Whose a panel user is: the name Bazar gives the VPN user of a
//! subscription, and the marker it writes into the user's note.
//!
//! Several Bazar databases may sell on one panel (a staging copy, a restored
//! backup running beside the original, two operators sharing a panel).
//! Subscription ids restart at 1 in every database, so a name built from ids
//! alone (`bz1s1`, the scheme before installation ids) lets one database
//! adopt — and overwrite — another's live user. A name therefore carries the
//! database's [`InstallationId`] and a random part fixed when the
//! subscription is created; and a user found under that name is adopted only
//! when its note carries this installation's marker for this exact
//! subscription ([`owner_marker`]).

use crate::{BotId, SubscriptionId};
use std::fmt;

/// Identifies one Bazar database: generated once, when its schema is
/// created, and never changed. Six characters of `[a-z0-9]`, starting with
/// a letter — valid in every panel's user names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstallationId(String);

/// The alphabet of [`InstallationId`] and of a name's random part.
pub const NAME_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A malformed installation id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an installation id is 6 characters of a-z and 0-9, starting with a letter")]
pub struct InstallationIdError;

impl InstallationId {
    /// Length of an id.
    pub const LEN: usize = 6;

    /// Checks `text`'s shape.
    pub fn parse(text: &str) -> Result<Self, InstallationIdError> {
        let ok = text.len() == Self::LEN
            && text.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && text.bytes().all(|b| NAME_ALPHABET.contains(&b));
        if ok { Ok(Self(text.to_owned())) } else { Err(InstallationIdError) }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstallationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The panel user name of a new subscription: `bz{installation}_{subscription}_{nonce}`,
/// e.g. `bzq7k2ma_1234_x9f3` — lower-case letters, digits and inner
/// underscores, at most 29 characters, so every panel kind accepts it
/// (PasarGuard takes only `[a-z0-9_]`, Marzban 3–32 characters with
/// underscores only between other characters). `nonce` is random, chosen
/// when the subscription is created and stored with it: two restored copies
/// of one database still never pick the same name.
pub fn panel_user_name(installation: &InstallationId, subscription: SubscriptionId, nonce: &str) -> String {
    format!("bz{installation}_{subscription}_{nonce}")
}

/// The note a subscription's panel user carries: `bazar/{installation}/{bot}/{subscription}`.
/// A user under the subscription's name is adopted (a retry after a lost
/// answer) only when its note is exactly this.
pub fn owner_marker(installation: &InstallationId, bot: BotId, subscription: SubscriptionId) -> String {
    format!("bazar/{installation}/{bot}/{subscription}")
}

/// The note of users made before installation ids, under the old names
/// `bz{bot}s{subscription}`. Accepted only for subscriptions still carrying
/// such a name; new subscriptions never get one.
pub fn legacy_owner_marker(bot: BotId, subscription: SubscriptionId) -> String {
    format!("bazar bot {bot} subscription {subscription}")
}

/// Whether `username` is an old-style name (`bz{bot}s{subscription}`).
pub fn is_legacy_user_name(username: &str, bot: BotId, subscription: SubscriptionId) -> bool {
    username == format!("bz{bot}s{subscription}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_every_panel_and_carry_the_installation() {
        let id = InstallationId::parse("q7k2ma").unwrap();
        let name = panel_user_name(&id, SubscriptionId::from_raw(9_999_999_999), "x9f3");
        assert_eq!(name, "bzq7k2ma_9999999999_x9f3");
        assert!(name.len() <= 32 && name.len() >= 3);
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
        assert!(!name.starts_with('_') && !name.ends_with('_'));
        let bot = BotId::from_raw(3);
        assert_eq!(owner_marker(&id, bot, SubscriptionId::from_raw(17)), "bazar/q7k2ma/3/17");
        assert!(is_legacy_user_name("bz3s17", bot, SubscriptionId::from_raw(17)));
        assert!(!is_legacy_user_name("bz3s171", bot, SubscriptionId::from_raw(17)));
    }

    #[test]
    fn ids_are_checked() {
        for bad in ["", "Q7K2MA", "7k2maq", "q7k2m", "q7k2ma1", "q7-2ma"] {
            assert!(InstallationId::parse(bad).is_err(), "{bad}");
        }
    }
}
