//! The panel kinds this build speaks, each one folder, and the registry the
//! rest of Bazar asks about them.
//!
//! A kind's folder owns everything about it: how it logs in
//! ([`CredentialSet`]s, read into its own typed credentials when it
//! connects), what a plan chooses on it ([`OptionField`]s, checked by
//! [`PlanOptions::checked`](bazar_domain::PlanOptions::checked) against the
//! catalog its client discovers), what it enforces ([`PanelCapabilities`]),
//! and its client. The CLI, the REST API and the admin menus render their
//! forms from a [`KindSpec`], so adding a kind is its folder, its line in
//! [`KINDS`], its fake and its contract tests.

mod hiddify;
mod marzban;
pub(crate) mod marzneshin;
pub(crate) mod pasarguard;
mod remnawave;
mod xui;

pub use marzban::MarzbanClient;
pub use remnawave::RemnawaveClient;
pub use xui::XuiClient;

use crate::{PanelError, PanelOptions, VpnPanel};
use bazar_domain::{
    CredentialField, CredentialSet, OptionField, PanelCapabilities, PanelCredentials, PanelKind, UnknownPanelKind,
};
use std::sync::Arc;

/// How a kind builds its client from a base URL and checked credentials.
pub type Connect = fn(&str, &PanelCredentials, reqwest::Client, PanelOptions) -> Result<Arc<dyn VpnPanel>, PanelError>;

/// Everything Bazar knows about one panel kind, as data.
#[derive(Debug)]
pub struct KindSpec {
    /// The stored name (`remnawave`).
    pub name: &'static str,
    /// What people call it, with the versions spoken (`Remnawave 2.x and 3.x`).
    pub title: &'static str,
    /// Which URL to give as `--url`.
    pub url_help: &'static str,
    /// The ways it logs in; credentials must be exactly one of them.
    pub credentials: &'static [CredentialSet],
    /// What a plan chooses on it.
    pub options: &'static [OptionField],
    /// What it enforces.
    pub capabilities: PanelCapabilities,
    /// Builds its client.
    pub connect: Connect,
}

/// Every kind, in the order help texts list them. Adding a kind: one line here.
pub const KINDS: &[&KindSpec] =
    &[&remnawave::SPEC, &marzban::SPEC, &pasarguard::SPEC, &marzneshin::SPEC, &xui::SPEC, &hiddify::SPEC];

impl KindSpec {
    /// The kind as the domain names it.
    pub fn kind(&self) -> PanelKind {
        PanelKind::named(self.name)
    }

    /// The option field of `key`.
    pub fn option(&self, key: &str) -> Option<&'static OptionField> {
        self.options.iter().find(|f| f.key == key)
    }

    /// A client for the panel at `base_url`, once `credentials` are checked
    /// to be one of the kind's sets.
    pub fn connect(
        &self,
        base_url: &str,
        credentials: &PanelCredentials,
        http: reqwest::Client,
        options: PanelOptions,
    ) -> Result<Arc<dyn VpnPanel>, PanelError> {
        credentials.matching(self.credentials).map_err(|e| PanelError::Rejected(format!("{}: {e}", self.title)))?;
        (self.connect)(base_url, credentials, http, options)
    }
}

/// The kind named `kind`, or an error listing the known ones.
pub fn kind(kind: &PanelKind) -> Result<&'static KindSpec, UnknownPanelKind> {
    KINDS.iter().copied().find(|spec| spec.name == kind.as_str()).ok_or_else(|| UnknownPanelKind {
        given: kind.to_string(),
        known: KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", "),
    })
}

/// The kind spelled `text` (as typed by a person), or an error listing the known ones.
pub fn parse_kind(text: &str) -> Result<&'static KindSpec, UnknownPanelKind> {
    let known = || KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ");
    let parsed: PanelKind = text.parse().map_err(|_| UnknownPanelKind { given: text.to_owned(), known: known() })?;
    kind(&parsed)
}

/// What a kind enforces; an unknown kind (a newer build's) promises nothing.
pub fn capabilities(kind: &PanelKind) -> PanelCapabilities {
    self::kind(kind).map(|spec| spec.capabilities).unwrap_or_default()
}

/// Every kind's option fields (a key declared by several kinds once), for
/// checking a plan's options before any panel serves its shop.
pub fn all_option_fields() -> Vec<OptionField> {
    let mut fields: Vec<OptionField> = Vec::new();
    for field in KINDS.iter().flat_map(|k| k.options) {
        if !fields.iter().any(|f| f.key == field.key) {
            fields.push(*field);
        }
    }
    fields
}

/// Every kind described for help texts: its credentials and plan options.
pub fn describe() -> String {
    let mut out = String::new();
    for spec in KINDS {
        out.push_str(&format!("{} — {}\n  --url: {}\n", spec.name, spec.title, spec.url_help));
        for set in spec.credentials {
            out.push_str(&format!("  log in with {}: {}\n", set.name, set.usage()));
            for field in set.fields {
                out.push_str(&format!("    {:<10} {}\n", field.key, field.help));
            }
        }
        for field in spec.options {
            let all = if field.all { ", or `all`" } else { "" };
            let required = if field.required { "required" } else { "optional" };
            out.push_str(&format!("  plan option {} ({required}{all}): {}\n", field.key, field.help));
        }
    }
    out
}

/// Shared credential fields: most kinds log in with one of these.
pub(crate) mod fields {
    use super::*;

    /// An API token.
    pub const TOKEN: CredentialField =
        CredentialField { key: "token", help: "API token created in the panel", secret: true };
    /// An admin's username.
    pub const USERNAME: CredentialField = CredentialField { key: "username", help: "admin username", secret: false };
    /// An admin's password.
    pub const PASSWORD: CredentialField = CredentialField { key: "password", help: "admin password", secret: true };

    /// A token that is the whole of the credentials.
    pub const TOKEN_SET: CredentialSet = CredentialSet { name: "an API token", fields: &[TOKEN] };
    /// An admin login.
    pub const LOGIN_SET: CredentialSet = CredentialSet { name: "an admin login", fields: &[USERNAME, PASSWORD] };

    /// The client a kind builds from credentials checked to be [`TOKEN_SET`]
    /// or [`LOGIN_SET`]: with a token when one is given, else with the login.
    pub fn token_or_login<T>(
        credentials: &PanelCredentials,
        token: impl FnOnce(&secrecy::SecretString) -> Result<T, crate::PanelError>,
        login: impl FnOnce(&str, secrecy::SecretString) -> Result<T, crate::PanelError>,
    ) -> Result<T, crate::PanelError> {
        use secrecy::ExposeSecret;
        match credentials.get(TOKEN.key) {
            Some(secret) => token(secret),
            None => login(value(credentials, &USERNAME).expose_secret().trim(), value(credentials, &PASSWORD).clone()),
        }
    }

    /// The value of a field of a set the credentials were checked to match.
    pub fn value<'c>(credentials: &'c PanelCredentials, field: &CredentialField) -> &'c secrecy::SecretString {
        credentials.get(field.key).expect("credentials are checked against the kind's sets before connecting")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_spelled_as_stored_and_declared_once() {
        for spec in KINDS {
            assert_eq!(spec.name.parse::<PanelKind>().unwrap().as_str(), spec.name, "{}", spec.name);
            assert_eq!(KINDS.iter().filter(|k| k.name == spec.name).count(), 1, "{}", spec.name);
            assert!(!spec.credentials.is_empty(), "{} logs in somehow", spec.name);
            for field in spec.options {
                assert_eq!(spec.options.iter().filter(|f| f.key == field.key).count(), 1, "{}", field.key);
            }
        }
        assert_eq!(kind(&PanelKind::named("marzban")).unwrap().title, marzban::SPEC.title);
        let unknown = parse_kind("xui").unwrap_err().to_string();
        assert_eq!(
            unknown,
            "unknown VPN panel kind `xui` (known kinds: remnawave, marzban, pasarguard, marzneshin, 3x-ui, hiddify)"
        );
        assert!(!capabilities(&PanelKind::named("future")).device_limit, "an unknown kind promises nothing");
    }

    #[test]
    fn secret_credentials_are_named_so_the_inbox_drops_them() {
        // An admin sends a login to `/admin` as `key=value` lines; the update
        // inbox keeps that text only with the values of secret keys redacted.
        for spec in KINDS {
            for field in spec.credentials.iter().flat_map(|set| set.fields) {
                assert_eq!(bazar_domain::is_secret_key(field.key), field.secret, "{}: {}", spec.name, field.key);
            }
        }
    }

    #[test]
    fn fields_shared_by_kinds_agree() {
        for field in all_option_fields() {
            for spec in KINDS {
                if let Some(other) = spec.option(field.key) {
                    assert_eq!(other.shape, field.shape, "`{}` is spelled alike by every kind", field.key);
                }
            }
        }
    }
}
