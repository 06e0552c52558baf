//! Bazar's VPN panel adapters.
//!
//! A shop sells access; the access itself lives on a VPN panel — Remnawave
//! Remnawave, Marzban, … — that creates users, counts their traffic and serves their
//! subscription links. [`VpnPanel`] is the one interface the rest of Bazar
//! uses, in Bazar's terms (unix seconds, `None` for unlimited, "enabled");
//! each kind's folder under [`kinds`] translates it into that panel's HTTP
//! API and declares, as data, how it logs in and what plans choose on it;
//! [`connect`] picks the kind of a [`PanelConfig`].
//!
//! Two properties matter most, because panel outages must never lose a paid
//! order:
//! * **Every operation can be repeated.** [`VpnPanel::ensure_user`] is keyed
//!   by username and converges on an existing user instead of creating a
//!   second; updates set absolute values; deleting a missing user succeeds.
//!   A call that timed out (and may or may not have happened) is simply
//!   made again.
//! * **Errors say what to do**: [`PanelError::is_retryable`] separates "try
//!   again later" (outage, timeout, garbage) from "fix the configuration"
//!   (bad credentials) and "this request is wrong" (rejected).
//!
//! Secrets (API tokens, admin passwords, access tokens) travel only in
//! request headers and forms marked sensitive; no error text or log line
//! contains them. Every base URL is configurable, so tests point the
//! adapters at the fakes in `bazar_testkit::panels`.

mod error;
mod http;
pub mod kinds;
mod time;
mod types;

pub use bazar_domain::{Choice, PanelCapabilities, PanelCatalog, PanelKind, PlanOptions, UnknownPanelKind};
pub use error::PanelError;
pub use kinds::{KINDS, KindSpec, MarzbanClient, RemnawaveClient, XuiClient, capabilities, kind, parse_kind};
pub use types::{
    Access, PanelConfig, PanelCredentials, PanelOptions, PanelUser, PanelUserStatus, UserChange, UserSpec,
};

use futures::future::BoxFuture;
use std::sync::Arc;

/// One VPN panel, whatever its kind.
///
/// Methods return boxed futures so the trait stays object-safe: panels are
/// chosen at run time, per tenant, and held as `Arc<dyn VpnPanel>`.
/// Users are always named by username (Bazar derives it from the tenant and
/// the customer), never by a panel-internal id.
pub trait VpnPanel: Send + Sync {
    /// Which panel software this talks to.
    fn kind(&self) -> PanelKind;

    /// Creates the user, or — when a user with this username already exists
    /// *and is ours* ([`UserSpec::owns`] its note) — updates it to match
    /// `spec` and returns it. Idempotent: a retry never creates a second
    /// user. A user under this name with another note belongs to someone else
    /// (another database selling on the same panel): it is left untouched and
    /// the call fails with [`PanelError::Foreign`].
    ///
    /// "Match" covers expiry, traffic allowance, device limit, Telegram id,
    /// description and the plan's squads or proxies/inbounds (when the plan
    /// sets them). It does not touch the administrative enabled/disabled
    /// state: a user an admin disabled stays disabled through a renewal until
    /// [`update_user`](Self::update_user) enables it. An expired or limited
    /// user becomes active again by the panel's own rules once the new
    /// expiry or allowance admits it.
    fn ensure_user<'a>(&'a self, spec: &'a UserSpec) -> BoxFuture<'a, Result<PanelUser, PanelError>>;

    /// The user with this username, or `None` when the panel has none.
    fn get_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<PanelUser>, PanelError>>;

    /// Changes expiry / traffic limit / device limit / enabled state (None = leave as is).
    ///
    /// A missing user is [`PanelError::Rejected`]. Values are absolute (a new
    /// expiry, not "+30 days"), so repeating the call is harmless.
    fn update_user<'a>(
        &'a self,
        username: &'a str,
        change: &'a UserChange,
    ) -> BoxFuture<'a, Result<PanelUser, PanelError>>;

    /// Deletes the user; a user that does not exist is success, so a retry
    /// after a lost answer succeeds.
    fn delete_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), PanelError>>;

    /// Revokes the old subscription link and returns the user with the new one.
    ///
    /// The panel also renews the user's proxy credentials, so configurations
    /// imported from the old link stop working — the point when a link leaked.
    /// Not idempotent in effect (each call issues another link), but harmless
    /// to repeat. A missing user is [`PanelError::Rejected`].
    fn reset_subscription<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<PanelUser, PanelError>>;

    /// What a plan may choose on this panel, per option field of its kind
    /// (Marzban's inbounds, Remnawave's internal squads). Read when a plan is created or changed, so its
    /// options are checked against what the panel really has.
    fn catalog(&self) -> BoxFuture<'_, Result<PanelCatalog, PanelError>>;

    /// A cheap call that needs a login and the panel's database, for the
    /// periodic health check: `Ok` when the panel could serve a purchase now.
    /// Reading the catalog is that call for most kinds; a kind whose catalog
    /// needs no request overrides it.
    fn probe(&self) -> BoxFuture<'_, Result<(), PanelError>> {
        Box::pin(async move { self.catalog().await.map(|_| ()) })
    }
}

/// Builds the client of the panel's kind ([`kinds::KINDS`]). One shared
/// reqwest::Client may be passed in.
///
/// Sharing the process's client shares its connection pool; timeouts are set
/// per request ([`PanelOptions::default`]: 10 s), so a client without a
/// global timeout (as long polling needs) is fine. Nothing is sent yet: a
/// wrong URL or credentials show up on the first call. Fails with
/// [`PanelError::Rejected`] when the kind is unknown, the base URL is not an
/// http(s) URL or the credentials are none of the kind's ways of logging in.
pub fn connect(config: PanelConfig, http: reqwest::Client) -> Result<Arc<dyn VpnPanel>, PanelError> {
    connect_with(config, http, PanelOptions::default())
}

/// [`connect`] with non-default [`PanelOptions`] (tests use short timeouts).
pub fn connect_with(
    config: PanelConfig,
    http: reqwest::Client,
    options: PanelOptions,
) -> Result<Arc<dyn VpnPanel>, PanelError> {
    let spec = kind(&config.kind).map_err(|e| PanelError::Rejected(e.to_string()))?;
    spec.connect(&config.base_url, &config.credentials, http, options)
}
