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

    #[test]
    fn unknown_flag_error_lists_known_keys() {
        let msg = "nope".parse::<FeatureFlag>().unwrap_err().to_string();
        for flag in FeatureFlag::ALL {
            assert!(msg.contains(flag.key()), "{msg}");
        }
    }
}
