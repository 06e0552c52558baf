//! How Bazar logs in to a panel: named values (`token`, `username`,
//! `password`, …) that each kind declares in [`CredentialSet`]s and reads
//! into its own typed credentials when it connects.

use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::fmt;

/// One value a kind needs to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialField {
    /// Its name (`token`, `username`, `password`): the CLI's `--credential
    /// KEY=VALUE` and the API's `credentials` object use it.
    pub key: &'static str,
    /// What to put there, for help texts.
    pub help: &'static str,
    /// Never echoed, logged or shown once given.
    pub secret: bool,
}

/// One way of logging in to a kind (an API token; an admin login): the
/// credentials given must be exactly one set's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialSet {
    /// What it is, for help texts: `API token`, `admin login`.
    pub name: &'static str,
    /// Its values, all required.
    pub fields: &'static [CredentialField],
}

impl CredentialSet {
    /// `--credential token=…`, or `--credential username=… --credential password=…`.
    pub fn usage(&self) -> String {
        self.fields.iter().map(|f| format!("{}=…", f.key)).collect::<Vec<_>>().join(" + ")
    }
}

/// Credentials as given: each value under its key. Debug never shows a value.
///
/// The store seals them at rest as the text of [`Self::sealed_text`] and
/// reads them back, once, with [`Self::from_sealed_text`]; the kind's module
/// turns them into its own typed credentials when it connects.
#[derive(Clone, Default)]
pub struct PanelCredentials(BTreeMap<String, SecretString>);

impl fmt::Debug for PanelCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Credentials that fit none of a kind's ways of logging in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this panel kind logs in with {expected}; given: {given}")]
pub struct CredentialsError {
    /// The kind's sets, e.g. `token=… or username=… + password=…`.
    pub expected: String,
    /// The keys given (never their values).
    pub given: String,
}

/// Stored panel credentials that do not read (never says what they hold).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored panel credentials are unreadable")]
pub struct UnreadableCredentials;

impl PanelCredentials {
    /// An API token under `token`.
    pub fn token(token: SecretString) -> Self {
        Self(BTreeMap::from([("token".to_owned(), token)]))
    }

    /// An admin login under `username` and `password`.
    pub fn login(username: &str, password: SecretString) -> Self {
        Self(BTreeMap::from([
            ("username".to_owned(), SecretString::from(username.to_owned())),
            ("password".to_owned(), password),
        ]))
    }

    /// These credentials with `key` set to `value`.
    pub fn with(mut self, key: &str, value: SecretString) -> Self {
        self.0.insert(key.trim().to_ascii_lowercase(), value);
        self
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.0.get(key)
    }

    /// The value under `key`, trimmed, as text (for non-secret values such as a username).
    pub fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.expose_secret().trim())
    }

    /// The keys given, comma-separated.
    pub fn keys(&self) -> String {
        if self.0.is_empty() { "nothing".to_owned() } else { self.0.keys().cloned().collect::<Vec<_>>().join(", ") }
    }

    /// The set among `sets` these credentials are: exactly its keys, each non-empty.
    pub fn matching<'s>(&self, sets: &'s [CredentialSet]) -> Result<&'s CredentialSet, CredentialsError> {
        let filled = |key: &str| self.text(key).is_some_and(|v| !v.is_empty());
        sets.iter().find(|set| set.fields.len() == self.0.len() && set.fields.iter().all(|f| filled(f.key))).ok_or_else(
            || CredentialsError {
                expected: sets.iter().map(CredentialSet::usage).collect::<Vec<_>>().join(" or "),
                given: self.keys(),
            },
        )
    }

    /// A JSON object of the values (e.g. `{"token": …}`): what the store seals.
    pub fn sealed_text(&self) -> SecretString {
        let map: serde_json::Map<String, serde_json::Value> =
            self.0.iter().map(|(k, v)| (k.clone(), v.expose_secret().into())).collect();
        SecretString::from(serde_json::Value::Object(map).to_string())
    }

    /// Reads what [`Self::sealed_text`] wrote.
    pub fn from_sealed_text(text: &SecretString) -> Result<Self, UnreadableCredentials> {
        let map: BTreeMap<String, String> =
            serde_json::from_str(text.expose_secret()).map_err(|_| UnreadableCredentials)?;
        if map.is_empty() {
            return Err(UnreadableCredentials);
        }
        Ok(Self(map.into_iter().map(|(k, v)| (k, SecretString::from(v))).collect()))
    }
}
