//! Marzban 0.8.4: an admin login (or an access token), users with inbounds.

mod client;

pub(crate) use client::Dialect;
pub use client::MarzbanClient;

use super::KindSpec;
use super::fields::{LOGIN_SET, TOKEN_SET, token_or_login};
use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{Labels, OptionField, PanelCapabilities, PanelCredentials, ValueShape};
use std::sync::Arc;

/// The inbounds a plan's users get, by tag. Marzban gives a user created
/// without inbounds none at all, so a plan must choose (`all` included).
pub(super) const INBOUNDS: OptionField = OptionField {
    key: "inbounds",
    singular: "inbound",
    plural: "inbounds",
    labels: Labels { en: "Inbounds", fa: "اینباندها", ru: "Инбаунды" },
    help: "tags of the inbounds the plan's users get, or `all` (see `bazar panel options`)",
    shape: ValueShape::Text,
    all: true,
    required: true,
    single: false,
};

/// The VLESS flow a plan's users get (XTLS Vision); none by default.
pub(super) const FLOW: OptionField = OptionField {
    key: "flow",
    singular: "flow",
    plural: "flows",
    labels: Labels { en: "VLESS flow", fa: "فلوی VLESS", ru: "Поток VLESS" },
    help: "`xtls-rprx-vision` for VLESS users (only where the panel serves VLESS); none by default",
    shape: ValueShape::Text,
    all: false,
    required: false,
    single: false,
};

/// The one flow Xray's VLESS offers.
pub(super) const VISION: &str = "xtls-rprx-vision";

pub(super) const SPEC: KindSpec = KindSpec {
    name: "marzban",
    title: "Marzban 0.8",
    url_help: "the panel's address, with its path prefix if any, e.g. https://panel.example.com",
    credentials: &[LOGIN_SET, TOKEN_SET],
    options: &[INBOUNDS, FLOW],
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
    let client = token_or_login(
        credentials,
        |token| MarzbanClient::with_token(base_url, token, http.clone()),
        |username, password| MarzbanClient::with_login(base_url, username, password, http.clone()),
    )?;
    Ok(Arc::new(client.with_timeout(options.timeout)))
}
