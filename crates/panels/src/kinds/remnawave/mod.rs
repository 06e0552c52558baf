//! Remnawave 2.x and 3.x: an API token, users in internal squads.

mod client;

pub use client::RemnawaveClient;

use super::KindSpec;
use super::fields::{TOKEN, TOKEN_SET, value};
use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{Labels, OptionField, PanelCapabilities, PanelCredentials, ValueShape};
use std::sync::Arc;

/// The internal squads (`activeInternalSquads`) a plan's users join: they
/// decide which nodes and inbounds a user gets. Remnawave has no default
/// squad, so a plan needs at least one.
pub(super) const SQUADS: OptionField = OptionField {
    key: "squads",
    singular: "internal squad",
    plural: "internal squads",
    labels: Labels {
        en: "Internal squads", fa: "اسکوادهای داخلی", ru: "Внутренние сквады"
    },
    help: "UUIDs of the internal squads the plan's users join (see `bazar panel options`)",
    shape: ValueShape::Uuid,
    all: false,
    required: true,
    single: false,
};

pub(super) const SPEC: KindSpec = KindSpec {
    name: "remnawave",
    title: "Remnawave 2.x and 3.x",
    url_help: "the panel's address, e.g. https://panel.example.com",
    credentials: &[TOKEN_SET],
    options: &[SQUADS],
    capabilities: PanelCapabilities {
        device_limit: true,
        reset_link: true,
        traffic_reset: true,
        start_on_first_use: false,
    },
    connect,
};

fn connect(
    base_url: &str,
    credentials: &PanelCredentials,
    http: reqwest::Client,
    options: PanelOptions,
) -> Result<Arc<dyn VpnPanel>, PanelError> {
    Ok(Arc::new(RemnawaveClient::new(base_url, value(credentials, &TOKEN), http)?.with_timeout(options.timeout)))
}
