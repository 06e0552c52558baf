//! Hiddify (HiddifyPanel's REST API v2). An admin's UUID is its API key;
//! plans choose nothing on it (every user gets every protocol the panel
//! serves), so it declares no option fields.

mod client;

use client::HiddifyClient;

use super::KindSpec;
use super::fields::value;
use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{CredentialField, CredentialSet, PanelCapabilities, PanelCredentials};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// The admin's UUID, sent as `Hiddify-API-Key`.
const API_KEY: CredentialField =
    CredentialField { key: "api_key", help: "the UUID of a Hiddify admin (its API key)", secret: true };
/// The path users' links are served under (the panel's `proxy_path_client`).
const CLIENT_PATH: CredentialField = CredentialField {
    key: "client_path",
    help: "the panel's client proxy path: users' links are https://{domain}/{client_path}/{uuid}/",
    secret: false,
};

pub(super) const SPEC: KindSpec = KindSpec {
    name: "hiddify",
    title: "Hiddify (REST API v2)",
    url_help: "the panel's address with its admin proxy path, e.g. https://panel.example.com/AdminProxyPath",
    credentials: &[CredentialSet { name: "an admin's API key", fields: &[API_KEY, CLIENT_PATH] }],
    options: &[],
    capabilities: PanelCapabilities {
        // The v2 user has no device limit.
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
    let client_path = value(credentials, &CLIENT_PATH).expose_secret().trim().trim_matches('/').to_owned();
    let client = HiddifyClient::new(base_url, value(credentials, &API_KEY), &client_path, http)?;
    Ok(Arc::new(client.with_timeout(options.timeout)))
}
