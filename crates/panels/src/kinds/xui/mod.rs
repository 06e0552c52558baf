//! 3x-ui (MHSanaei/3x-ui, and alireza0/x-ui's same handlers). The API
//! generation follows from the credentials, once per panel: an admin login
//! speaks the API up to v3.0 (a session cookie, clients inside inbounds); an
//! API token the v3.1+ clients API (`Bearer`, clients as records by email).

mod client;
mod wire;

pub use client::XuiClient;

use super::KindSpec;
use super::fields::{LOGIN_SET, TOKEN_SET, token_or_login};
use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{Labels, OptionField, PanelCapabilities, PanelCredentials, ValueShape};
use std::sync::Arc;

/// The inbound a plan's users are clients of, by its id in the panel. One:
/// a 3x-ui client lives in one inbound, its email is unique across the
/// panel, and its traffic allowance is counted per client — a user spread
/// over two inbounds would get the allowance twice.
pub(super) const INBOUNDS: OptionField = OptionField {
    key: "inbounds",
    singular: "inbound",
    plural: "inbounds",
    labels: Labels { en: "Inbound", fa: "اینباند", ru: "Инбаунд" },
    help: "the id of the inbound the plan's users are added to (one; see `bazar panel options`)",
    shape: ValueShape::Text,
    all: false,
    required: true,
    single: true,
};

pub(super) const SPEC: KindSpec = KindSpec {
    name: "3x-ui",
    title: "3x-ui (a login: the API up to v3.0, and x-ui; an API token: the v3.1+ clients API)",
    url_help: "the panel's address with its web base path, e.g. https://panel.example.com:2053/secretpath",
    credentials: &[LOGIN_SET, TOKEN_SET],
    options: &[INBOUNDS],
    capabilities: PanelCapabilities {
        // `limitIp`: the panel counts a client's simultaneous IPs.
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
        |token| XuiClient::with_token(base_url, token, http.clone()),
        |username, password| XuiClient::new(base_url, username, password, http.clone()),
    )?;
    Ok(Arc::new(client.with_timeout(options.timeout)))
}
