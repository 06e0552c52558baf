//! The closed set of per-tenant feature switches.

use std::fmt;
use std::str::FromStr;

/// A per-tenant feature switch. The set is closed: an unknown key is an error
/// at the edge, never a silently-false lookup (the seed's flags were free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureFlag {
    /// Card-to-card payments with a receipt approved by an admin.
    CardToCard,
    /// Payments through the Zarinpal gateway.
    Zarinpal,
    /// Payments in Telegram Stars (XTR).
    TelegramStars,
    /// A free trial subscription, once per customer.
    Trial,
    /// Invite links that reward the referrer.
    Referral,
    /// Promo codes (wallet bonus, discount, extra days).
    PromoCodes,
    /// Support tickets between customers and the tenant's admins.
    SupportTickets,
    /// Automatic renewal from the wallet for customers who opt in.
    AutoRenew,
    /// Master bot only: anyone may open their own shop (self-service onboarding).
    /// Meaningless on a tenant bot: the onboarding area exists only in the master bot.
    Onboarding,
}

/// A flag key that is not one of [`FeatureFlag::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown feature flag `{0}` (known: card_to_card, zarinpal, telegram_stars, trial, referral, promo_codes, support_tickets, auto_renew, onboarding)"
)]
pub struct UnknownFeatureFlag(pub String);

impl FeatureFlag {
    /// Every flag, in display order.
    pub const ALL: [FeatureFlag; 9] = [
        Self::CardToCard,
        Self::Zarinpal,
        Self::TelegramStars,
        Self::Trial,
        Self::Referral,
        Self::PromoCodes,
        Self::SupportTickets,
        Self::AutoRenew,
        Self::Onboarding,
    ];

    /// The stored and typed key.
    pub const fn key(self) -> &'static str {
        match self {
            Self::CardToCard => "card_to_card",
            Self::Zarinpal => "zarinpal",
            Self::TelegramStars => "telegram_stars",
            Self::Trial => "trial",
            Self::Referral => "referral",
            Self::PromoCodes => "promo_codes",
            Self::SupportTickets => "support_tickets",
            Self::AutoRenew => "auto_renew",
            Self::Onboarding => "onboarding",
        }
    }

    /// The flag's stable code: what buttons (callback data) name it by, so
    /// adding or reordering flags in [`Self::ALL`] never re-targets a button
    /// already sent. Fixed forever per flag and never reused; a new flag takes
    /// the next unused number. (The first 9 are the flags' places in `ALL`
    /// when codes were introduced, so buttons sent before still mean the same
    /// flag.)
    pub const fn code(self) -> u16 {
        match self {
            Self::CardToCard => 0,
            Self::Zarinpal => 1,
            Self::TelegramStars => 2,
            Self::Trial => 3,
            Self::Referral => 4,
            Self::PromoCodes => 5,
            Self::SupportTickets => 6,
            Self::AutoRenew => 7,
            Self::Onboarding => 8,
        }
    }

    /// The flag whose [`Self::code`] is `code`, if any.
    pub fn from_code(code: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The value a tenant has until someone sets the flag.
    ///
    /// Card-to-card, promo codes and support are what a new Iranian reseller
    /// expects on day one; gateways, trials, referrals and auto-renew cost money
    /// or need configuration first, so they start off.
    pub const fn default_enabled(self) -> bool {
        matches!(self, Self::CardToCard | Self::PromoCodes | Self::SupportTickets)
    }

    /// Whether only the platform sets this flag (CLI, the master bot's admins):
    /// tenant-facing paths (the tenant API) neither list nor change it.
    pub const fn platform_only(self) -> bool {
        matches!(self, Self::Onboarding)
    }

    /// One line for `--help`, the README and the API.
    pub const fn description(self) -> &'static str {
        match self {
            Self::CardToCard => "card-to-card payments with receipts approved by the tenant's admins",
            Self::Zarinpal => "payments through the Zarinpal gateway (needs a merchant id)",
            Self::TelegramStars => "payments in Telegram Stars (XTR)",
            Self::Trial => "one free trial subscription per customer",
            Self::Referral => "invite links that reward the referrer on the referee's purchases",
            Self::PromoCodes => "promo codes: wallet bonus, percent discount or extra days",
            Self::SupportTickets => "support tickets answered by the tenant's admins",
            Self::AutoRenew => "automatic renewal from the wallet for customers who opt in",
            Self::Onboarding => "master bot only: self-service onboarding of new resellers (\"Open your own shop\")",
        }
    }
}

impl fmt::Display for FeatureFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for FeatureFlag {
    type Err = UnknownFeatureFlag;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|f| f.key() == s).ok_or_else(|| UnknownFeatureFlag(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_round_trips() {
        for flag in FeatureFlag::ALL {
            assert_eq!(flag.key().parse::<FeatureFlag>().unwrap(), flag);
        }
        assert!("yookassa".parse::<FeatureFlag>().is_err());
    }

    /// Every flag's code, as buttons already sent carry it. A code never
    /// changes and is never given to another flag: add new flags at the end.
    const CODES: [(FeatureFlag, u16); 9] = [
        (FeatureFlag::CardToCard, 0),
        (FeatureFlag::Zarinpal, 1),
        (FeatureFlag::TelegramStars, 2),
        (FeatureFlag::Trial, 3),
        (FeatureFlag::Referral, 4),
        (FeatureFlag::PromoCodes, 5),
        (FeatureFlag::SupportTickets, 6),
        (FeatureFlag::AutoRenew, 7),
        (FeatureFlag::Onboarding, 8),
    ];

    #[test]
    fn codes_are_stable_and_unique() {
        for (flag, code) in CODES {
            assert_eq!(flag.code(), code, "{flag}: a code never changes");
            assert_eq!(FeatureFlag::from_code(code), Some(flag));
        }
        assert_eq!(CODES.len(), FeatureFlag::ALL.len(), "every flag is pinned here");
        let mut codes: Vec<u16> = FeatureFlag::ALL.iter().map(|f| f.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FeatureFlag::ALL.len(), "two flags share a code");
        assert_eq!(FeatureFlag::from_code(u16::MAX), None);
    }

    #[test]
    fn unknown_flag_error_lists_known_keys() {
        let msg = "nope".parse::<FeatureFlag>().unwrap_err().to_string();
        for flag in FeatureFlag::ALL {
            assert!(msg.contains(flag.key()), "{msg}");
        }
    }
}
