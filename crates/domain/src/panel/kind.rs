//! A panel kind's name and what the panel enforces.

use crate::Language;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// Which panel software is on the other end, by the name its module in
/// `bazar-panels` registers (`remnawave`, `marzban`, `3x-ui`, …).
///
/// Stored as that text. Parsing checks the spelling only (lower-case
/// letters, digits and `-`, 2–24 characters): whether a kind is *known* is
/// the registry's answer (`bazar_panels::kind`), asked where a panel is
/// added or connected, so the store and the domain never list kinds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PanelKind(Cow<'static, str>);

impl PanelKind {
    /// A kind named in code (a registry entry). The name must be spelled as
    /// [`FromStr`] accepts; the registry's tests check every entry.
    pub const fn named(name: &'static str) -> Self {
        Self(Cow::Borrowed(name))
    }

    /// The stored spelling.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PanelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A panel kind that is not spelled as one, or that no module registers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown VPN panel kind `{given}` (known kinds: {known})")]
pub struct UnknownPanelKind {
    /// What was given.
    pub given: String,
    /// The kinds this build knows, comma-separated (empty when only the
    /// spelling was checked).
    pub known: String,
}

impl FromStr for PanelKind {
    type Err = UnknownPanelKind;

    /// Case-insensitive, surrounding whitespace ignored: configuration is typed by people.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        let spelled = (2..=24).contains(&name.len())
            && name.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if spelled {
            Ok(Self(Cow::Owned(name)))
        } else {
            Err(UnknownPanelKind { given: s.to_owned(), known: String::new() })
        }
    }
}

impl Serialize for PanelKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PanelKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

/// What a panel kind does for its users beyond expiry and traffic, so the
/// shop promises only what the panel keeps: a device limit the panel does
/// not enforce is never shown to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PanelCapabilities {
    /// The panel limits a user's simultaneous devices (Remnawave
    /// `hwidDeviceLimit`, PasarGuard `hwid_limit`, 3x-ui `limitIp`).
    pub device_limit: bool,
    /// The panel issues a new subscription link on request (and revokes the old).
    pub reset_link: bool,
    /// The panel can reset a user's used traffic to zero.
    pub traffic_reset: bool,
    /// The panel can start a user's clock on first use.
    pub start_on_first_use: bool,
}

/// One short text in each language Bazar speaks: labels of form fields that
/// admins read in the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    /// English.
    pub en: &'static str,
    /// Persian.
    pub fa: &'static str,
    /// Russian.
    pub ru: &'static str,
}

impl Labels {
    /// The text in `language`.
    pub fn get(&self, language: Language) -> &'static str {
        match language {
            Language::En => self.en,
            Language::Fa => self.fa,
            Language::Ru => self.ru,
        }
    }
}
