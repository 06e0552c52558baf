//! The lifecycle state of a tenant bot.

use std::fmt;
use std::str::FromStr;

/// Whether a tenant bot is served.
///
/// Only [`BotStatus::Active`] bots get their updates handled; the others are
/// acknowledged and dropped (a suspended bot may answer one polite line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BotStatus {
    /// Served normally.
    Active,
    /// Stopped by the platform owner (e.g. unpaid); customers are told the shop is unavailable.
    Suspended,
    /// Switched off (by the owner or the operator); updates are dropped silently.
    Disabled,
}

/// A status text that is none of the known statuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown bot status `{0}` (expected active, suspended or disabled)")]
pub struct UnknownBotStatus(pub String);

impl BotStatus {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Disabled => "disabled",
        }
    }
}

impl fmt::Display for BotStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BotStatus {
    type Err = UnknownBotStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            "disabled" => Ok(Self::Disabled),
            other => Err(UnknownBotStatus(other.to_owned())),
        }
    }
}
