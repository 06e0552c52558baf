//! PasarGuard (v1–v5), the maintained fork of Marzban: the same users API,
//! with inbounds given through groups. The client is Marzban's, in its
//! PasarGuard dialect; what differs in the wire format is in [`wire`].

pub(crate) mod wire;

use super::KindSpec;
use super::fields::{LOGIN_SET, token_or_login};
use super::marzban::{Dialect, MarzbanClient};
use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{
    CredentialField, CredentialSet, Labels, OptionField, PanelCapabilities, PanelCredentials, ValueShape,
};
use std::sync::Arc;

/// The groups a plan's users join: they decide the inbounds. PasarGuard
/// accepts a user without groups and serves it an empty subscription, so a
/// plan must choose (`all`: every group the panel has).
pub(super) const GROUPS: OptionField = OptionField {
    key: "groups",
    singular: "group",
    plural: "groups",
    labels: Labels { en: "Groups", fa: "گروه‌ها", ru: "Группы" },
    help: "ids of the groups the plan's users join, or `all` (see `bazar panel options`)",
    shape: ValueShape::Text,
    all: true,
    required: true,
    single: false,
};

/// An API key (PasarGuard 5.1+), sent as `X-Api-Key`.
const API_KEY_SET: CredentialSet = CredentialSet {
    name: "an API key (5.1+)",
    fields: &[CredentialField { key: "token", help: "API key created in the panel (sent as X-Api-Key)", secret: true }],
};

pub(super) const SPEC: KindSpec = KindSpec {
    name: "pasarguard",
    title: "PasarGuard 1 to 5",
    url_help: "the panel's address, with its path prefix if any, e.g. https://panel.example.com",
    credentials: &[LOGIN_SET, API_KEY_SET],
    options: &[GROUPS],
    capabilities: PanelCapabilities {
        device_limit: true,
        reset_link: true,
        traffic_reset: true,
        start_on_first_use: true,
    },
    connect,
};

fn connect(
    base_url: &str,
    credentials: &PanelCredentials,
    http: reqwest::Client,
    options: PanelOptions,
) -> Result<Arc<dyn VpnPanel>, PanelError> {
    let client = token_or_login(
        credentials,
        |key| MarzbanClient::with_api_key(base_url, key, http.clone()),
        |username, password| MarzbanClient::with_login(base_url, username, password, http.clone()),
    )?;
    Ok(Arc::new(client.in_dialect(Dialect::PasarGuard).with_timeout(options.timeout)))
}
