//! Marzneshin: Marzban's login and errors, users under `/api/users` with
//! services, an expiry strategy and enable/disable routes. The client is
//! Marzban's, in its Marzneshin dialect; what differs on the wire is in
//! [`wire`].

pub(crate) mod wire;

use super::KindSpec;
use super::fields::{LOGIN_SET, PASSWORD, USERNAME, value};
use super::marzban::{Dialect, MarzbanClient};
use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{Labels, OptionField, PanelCapabilities, PanelCredentials, ValueShape};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// The services a plan's users get: they decide the inbounds. A user
/// without services is served nothing, so a plan must choose (`all`: every
/// service the panel has).
pub(super) const SERVICES: OptionField = OptionField {
    key: "services",
    singular: "service",
    plural: "services",
    labels: Labels { en: "Services", fa: "سرویس‌ها", ru: "Сервисы" },
    help: "ids of the services the plan's users get, or `all` (see `bazar panel options`)",
    shape: ValueShape::Text,
    all: true,
    required: true,
    single: false,
};

pub(super) const SPEC: KindSpec = KindSpec {
    name: "marzneshin",
    title: "Marzneshin",
    url_help: "the panel's address, e.g. https://panel.example.com",
    credentials: &[LOGIN_SET],
    options: &[SERVICES],
    capabilities: PanelCapabilities {
        device_limit: false,
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
    let username = value(credentials, &USERNAME).expose_secret().trim().to_owned();
    let client = MarzbanClient::with_login(base_url, &username, value(credentials, &PASSWORD).clone(), http)?;
    Ok(Arc::new(client.in_dialect(Dialect::Marzneshin).with_timeout(options.timeout)))
}
