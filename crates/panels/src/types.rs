//! The panel-neutral vocabulary: what we ask of a panel and what it tells us.
//!
//! These types say what Bazar *means* (an expiry instant, a traffic allowance,
//! "enabled"); each adapter translates them into its panel's dialect (ISO
//! dates or unix seconds, `0` or `null` for "unlimited", status strings…).

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Which panel software is on the other end. Stored in configuration as
/// `"remnawave"` / `"marzban"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PanelKind {
    /// [Remnawave](https://remna.st) 2.x or 3.x (API token, users under `/api/users`).
    Remnawave,
    /// Marzban 0.8.4, or its API-compatible fork PasarGuard (admin login, users under `/api/user`).
    Marzban,
}

impl PanelKind {
    /// The configuration spelling: `"remnawave"` or `"marzban"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Remnawave => "remnawave",
            Self::Marzban => "marzban",
        }
    }
}

impl fmt::Display for PanelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A panel kind that is neither `remnawave` nor `marzban`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown VPN panel kind `{0}` (expected `remnawave` or `marzban`)")]
pub struct UnknownPanelKind(pub String);

impl FromStr for PanelKind {
    type Err = UnknownPanelKind;

    /// Case-insensitive, surrounding whitespace ignored: configuration is typed by people.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "remnawave" => Ok(Self::Remnawave),
            "marzban" => Ok(Self::Marzban),
            _ => Err(UnknownPanelKind(s.to_owned())),
        }
    }
}

/// The panel-specific part of a plan, stored with the plan as JSON.
///
/// Each field is read by one panel kind only, so one plan definition can be
/// moved between panels by filling in the other kind's field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// Remnawave: UUIDs of the internal squads (`activeInternalSquads`) that
    /// decide which nodes and inbounds the user gets. Empty = not set by us:
    /// a new user gets none (the panel has no default squad), an existing
    /// user keeps the squads it has.
    pub remnawave_squads: Vec<String>,
    /// Marzban: inbound tags per protocol, `{"vless": ["VLESS TCP REALITY"]}`.
    /// `Null` = the panel default (every inbound of each protocol the user has).
    pub marzban_inbounds: serde_json::Value,
    /// Marzban: protocol settings, `{"vless": {"flow": "xtls-rprx-vision"}}`
    /// (an empty object lets the panel generate ids and passwords). `Null` =
    /// the protocols named in `marzban_inbounds`, or else every protocol the
    /// panel serves (read from `GET /api/inbounds`).
    pub marzban_proxies: serde_json::Value,
}

/// The account a customer paid for, as it should exist on the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSpec {
    /// The panel username; also the idempotency key of [`VpnPanel::ensure_user`](crate::VpnPanel::ensure_user).
    /// Remnawave accepts 3–36 of `[A-Za-z0-9_-]`, Marzban 3–32 of `[A-Za-z0-9_]`;
    /// a name outside both is rejected by the panel ([`PanelError::Rejected`](crate::PanelError::Rejected)).
    pub username: String,
    /// When access ends, unix seconds (UTC).
    pub expire_at: i64,
    /// Traffic allowance in bytes; `None` = unlimited.
    pub traffic_limit_bytes: Option<u64>,
    /// Simultaneous devices (Remnawave `hwidDeviceLimit`); `None` = the
    /// panel's default. Marzban has no device limit and ignores it.
    pub device_limit: Option<u32>,
    /// The customer's Telegram id, so the panel's own notifications can reach them (Remnawave only).
    pub telegram_id: Option<i64>,
    /// Free text shown to panel admins (Remnawave `description`, Marzban `note`).
    pub description: Option<String>,
    /// The plan's panel-specific settings.
    pub options: PlanOptions,
}

/// A partial change of an existing user. `None` everywhere = change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    /// New expiry, unix seconds.
    pub expire_at: Option<i64>,
    /// New traffic allowance: `Some(None)` = unlimited.
    pub traffic_limit_bytes: Option<Option<u64>>,
    /// New device limit: `Some(None)` = the panel default (ignored by Marzban).
    pub device_limit: Option<Option<u32>>,
    /// `Some(false)` disables the user administratively (it cannot connect
    /// whatever its expiry); `Some(true)` lifts that. Enabling a user that is
    /// expired or over its traffic does not make it usable: extend it instead.
    pub enabled: Option<bool>,
}

/// A user's state as the panel reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PanelUserStatus {
    /// Can connect. (Marzban's `on_hold` — waiting for its first connection
    /// to start the clock — is reported as active: nothing blocks the user.)
    Active,
    /// Switched off by an admin or by us.
    Disabled,
    /// Used up its traffic allowance.
    Limited,
    /// Past its expiry.
    Expired,
}

impl PanelUserStatus {
    /// Lower-case name: `active`, `disabled`, `limited`, `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Limited => "limited",
            Self::Expired => "expired",
        }
    }
}

impl fmt::Display for PanelUserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user as it exists on the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelUser {
    /// The username.
    pub username: String,
    /// The panel's own key for the user: Remnawave 2.x `uuid`, Remnawave 3.x
    /// numeric `id` (as text), Marzban the username. Worth storing for
    /// support; the adapters themselves always look users up by username.
    pub panel_id: String,
    /// Current status.
    pub status: PanelUserStatus,
    /// Expiry, unix seconds; `None` = never (Marzban only; Remnawave always has one).
    pub expire_at: Option<i64>,
    /// Traffic allowance in bytes; `None` = unlimited.
    pub traffic_limit_bytes: Option<u64>,
    /// Traffic used in the current period, bytes.
    pub used_traffic_bytes: u64,
    /// The subscription link to give the customer, always absolute.
    pub subscription_url: String,
}

/// How Bazar authenticates to a panel.
#[derive(Debug, Clone)]
pub enum PanelCredentials {
    /// A bearer token: a Remnawave API token (created in the panel under
    /// *API tokens*), or a Marzban access token obtained elsewhere (it cannot
    /// be renewed by us, so it stops working when it expires).
    Token(SecretString),
    /// A Marzban admin login; the adapter obtains and renews access tokens itself.
    Login {
        /// Admin username.
        username: String,
        /// Admin password.
        password: SecretString,
    },
}

/// Where a panel is and how to log in: everything [`connect`](crate::connect) needs.
#[derive(Debug, Clone)]
pub struct PanelConfig {
    /// Which adapter to use.
    pub kind: PanelKind,
    /// The panel's URL, e.g. `https://panel.example.com` (a path prefix is kept:
    /// `https://host/marzban` calls `https://host/marzban/api/…`).
    pub base_url: String,
    /// How to authenticate.
    pub credentials: PanelCredentials,
}

/// Tuning that production leaves at its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelOptions {
    /// Limit for one HTTP exchange with the panel (connect, send, whole
    /// answer). A panel that hangs must not hold a purchase worker forever;
    /// the caller retries later ([`PanelError::Unavailable`](crate::PanelError::Unavailable)).
    pub timeout: Duration,
}

impl Default for PanelOptions {
    /// Ten seconds per request: far above a healthy panel's answer time,
    /// well below what a customer waiting for a link tolerates.
    fn default() -> Self {
        Self { timeout: Duration::from_secs(10) }
    }
}
