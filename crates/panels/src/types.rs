//! The panel-neutral vocabulary: what we ask of a panel and what it tells us.
//!
//! These types say what Bazar *means* (an expiry instant, a traffic allowance,
//! "enabled"); each adapter translates them into its panel's dialect (ISO
//! dates or unix seconds, `0` or `null` for "unlimited", status strings…).

use bazar_domain::{PanelKind, PlanOptions};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

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
    /// Written into the user's note (Remnawave `description`, Marzban
    /// `note`): whose user this is ([`bazar_domain::owner_marker`]). A user
    /// found under `username` is adopted only when its note is exactly this
    /// (or [`Self::legacy_marker`]); any other is someone else's
    /// ([`PanelError::Foreign`](crate::PanelError::Foreign)) and is not touched.
    pub marker: String,
    /// The note of users made before installation ids, also accepted (for
    /// subscriptions still under an old-style name).
    pub legacy_marker: Option<String>,
    /// The plan's panel-specific settings.
    pub options: PlanOptions,
}

impl UserSpec {
    /// Whether an existing user's note says it is this subscription's user.
    pub fn owns(&self, note: Option<&str>) -> bool {
        let note = note.map(str::trim);
        note == Some(self.marker.as_str()) || (note.is_some() && note == self.legacy_marker.as_deref())
    }
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
    /// The user's note as the panel keeps it (Remnawave `description`,
    /// Marzban `note`): where Bazar's owner marker lives.
    pub note: Option<String>,
    /// Whether the panel gives the user anything to connect to.
    pub access: Access,
}

/// Whether a panel user can connect at all, as far as the panel says.
///
/// A user can exist, active and paid for, and still be served nothing: a
/// Marzban user without inbounds has `links: []` and an empty subscription; a
/// Remnawave user without internal squads gets placeholder entries ("No hosts
/// found"). Such a user is never delivered as "ready".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    /// It has inbounds (Marzban: links; Remnawave: squads) to connect to.
    Connects,
    /// It has nothing to connect to; why, for admins.
    Nothing(String),
}

impl Access {
    /// Whether the user can connect.
    pub fn connects(&self) -> bool {
        matches!(self, Self::Connects)
    }
}

pub use bazar_domain::PanelCredentials;

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
