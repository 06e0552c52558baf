//! Configuration: defaults, then `bazar.toml`, then `BAZAR_*` environment variables.
//!
//! Every key is listed once in [`KEYS`]; `bazar --help` and the README are
//! generated from / checked against that table.

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// One documented configuration key.
pub struct KeyDoc {
    /// Key in `bazar.toml`; the environment variable is `BAZAR_` + upper case.
    pub key: &'static str,
    /// Default, as text.
    pub default: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// Every configuration key.
pub const KEYS: &[KeyDoc] = &[
    KeyDoc {
        key: "database_url",
        default: "sqlite://data/bazar.db",
        description: "sqlite://PATH (created on first run) or postgres://USER[:PASSWORD]@HOST[:PORT]/DB",
    },
    KeyDoc {
        key: "database_migration_url",
        default: "(none)",
        description: "PostgreSQL only: the tables' owner, used to apply migrations; the app then connects as database_url's ordinary role",
    },
    KeyDoc { key: "database_max_connections", default: "8", description: "size of the connection pool" },
    KeyDoc { key: "listen", default: "127.0.0.1:8080", description: "address the HTTP server binds" },
    KeyDoc {
        key: "node_id",
        default: "host name + listen",
        description: "this process's name on the database: the same across its restarts, different for every process sharing the database (1-100 characters, no `/`); a restarted process takes back at once the jobs and broadcasts it held when it stopped",
    },
    KeyDoc {
        key: "public_url",
        default: "(none)",
        description: "https URL Telegram reaches this server at; when set, bots use webhooks instead of long polling",
    },
    KeyDoc {
        key: "telegram_api_url",
        default: "https://api.telegram.org",
        description: "Bot API base URL (a self-hosted Bot API server, or a fake in tests)",
    },
    KeyDoc {
        key: "master_key",
        default: "(key file)",
        description: "32 bytes, base64 or hex, sealing bot tokens at rest; required with PostgreSQL",
    },
    KeyDoc {
        key: "master_key_file",
        default: "beside the SQLite file",
        description: "file holding the master key; on SQLite without master_key it is generated (mode 0600)",
    },
    KeyDoc {
        key: "previous_master_keys",
        default: "(none)",
        description: "comma-separated older master keys that may still open secrets sealed before a rotation",
    },
    KeyDoc {
        key: "provisioning_max_attempts",
        default: "8",
        description: "attempts to create a paid subscription on the VPN panel before refunding it",
    },
    KeyDoc {
        key: "provisioning_retry_ms",
        default: "15000",
        description: "wait after the first failed attempt; doubled after each further one (at most 30 minutes)",
    },
    KeyDoc {
        key: "platform_api_token",
        default: "(none: platform API off)",
        description: "the operator's Bearer token for /api/v1/platform/… (at least 32 characters; `openssl rand -hex 32`)",
    },
    KeyDoc {
        key: "zarinpal_api_url",
        default: "https://payment.zarinpal.com",
        description: "Zarinpal's API (tenants with the sandbox switch off); the callback is {public_url}/pay/zarinpal/…",
    },
    KeyDoc {
        key: "zarinpal_sandbox_url",
        default: "https://sandbox.zarinpal.com",
        description: "Zarinpal's sandbox API (tenants with the sandbox switch on)",
    },
    KeyDoc {
        key: "zarinpal_reconcile_ms",
        default: "600000",
        description: "how long after a Zarinpal request a payment whose callback never came is verified by a job (repeated until it expires)",
    },
    KeyDoc {
        key: "daily_summary_hour",
        default: "9",
        description: "hour of the day (Tehran time, 0-23) at which each tenant's admins get the previous day's summary; -1 turns summaries off",
    },
    KeyDoc {
        key: "panel_check_ms",
        default: "60000",
        description: "how often every VPN panel is probed; after two failed probes in a row its shops stop selling (\"temporarily unavailable\") and their admins are told, until it answers again; 0 turns probing off",
    },
    KeyDoc {
        key: "log_format",
        default: "text",
        description: "text or json (log level: RUST_LOG, e.g. info,bazar=debug)",
    },
];

/// How logs are written (always to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The effective configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// See [`KEYS`].
    #[serde(default = "default_database_url")]
    pub database_url: SecretString,
    /// See [`KEYS`].
    #[serde(default)]
    pub database_migration_url: Option<SecretString>,
    /// See [`KEYS`].
    #[serde(default = "default_max_connections")]
    pub database_max_connections: u32,
    /// See [`KEYS`].
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// See [`KEYS`]; [`Config::node_id`] gives the effective one.
    #[serde(default)]
    pub node_id: Option<String>,
    /// See [`KEYS`].
    #[serde(default)]
    pub public_url: Option<url::Url>,
    /// See [`KEYS`].
    #[serde(default = "default_telegram_api_url")]
    pub telegram_api_url: url::Url,
    /// See [`KEYS`].
    #[serde(default)]
    pub master_key: Option<SecretString>,
    /// See [`KEYS`].
    #[serde(default)]
    pub master_key_file: Option<PathBuf>,
    /// See [`KEYS`].
    #[serde(default)]
    pub previous_master_keys: Option<SecretString>,
    /// See [`KEYS`].
    #[serde(default = "default_provisioning_attempts")]
    pub provisioning_max_attempts: u32,
    /// See [`KEYS`].
    #[serde(default = "default_provisioning_retry_ms")]
    pub provisioning_retry_ms: u64,
    /// See [`KEYS`].
    #[serde(default)]
    pub platform_api_token: Option<SecretString>,
    /// See [`KEYS`].
    #[serde(default = "default_zarinpal_api_url")]
    pub zarinpal_api_url: url::Url,
    /// See [`KEYS`].
    #[serde(default = "default_zarinpal_sandbox_url")]
    pub zarinpal_sandbox_url: url::Url,
    /// See [`KEYS`].
    #[serde(default = "default_zarinpal_reconcile_ms")]
    pub zarinpal_reconcile_ms: u64,
    /// See [`KEYS`].
    #[serde(default = "default_daily_summary_hour")]
    pub daily_summary_hour: i16,
    /// See [`KEYS`].
    #[serde(default = "default_panel_check_ms")]
    pub panel_check_ms: u64,
    /// See [`KEYS`].
    #[serde(default)]
    pub log_format: LogFormat,
}

fn default_zarinpal_api_url() -> url::Url {
    url::Url::parse("https://payment.zarinpal.com").expect("valid default URL")
}
fn default_zarinpal_sandbox_url() -> url::Url {
    url::Url::parse("https://sandbox.zarinpal.com").expect("valid default URL")
}
fn default_zarinpal_reconcile_ms() -> u64 {
    600_000
}

fn default_daily_summary_hour() -> i16 {
    9
}

fn default_panel_check_ms() -> u64 {
    60_000
}

fn default_provisioning_attempts() -> u32 {
    8
}
fn default_provisioning_retry_ms() -> u64 {
    15_000
}

fn default_database_url() -> SecretString {
    SecretString::from("sqlite://data/bazar.db")
}
fn default_max_connections() -> u32 {
    8
}
fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn default_telegram_api_url() -> url::Url {
    url::Url::parse("https://api.telegram.org").expect("valid default URL")
}

/// Why the configuration could not be loaded. Never contains a secret value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigLoadError {
    /// The explicitly named file does not exist.
    #[error("configuration file {0} not found")]
    MissingFile(String),
    /// A key has a value of the wrong shape, or is unknown.
    #[error("configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Loads defaults, then `path` (if it exists, or must exist when `explicit`), then `BAZAR_*`.
    pub fn load(path: &Path, explicit: bool) -> Result<Self, ConfigLoadError> {
        if explicit && !path.exists() {
            return Err(ConfigLoadError::MissingFile(path.display().to_string()));
        }
        let keys: Vec<&str> = KEYS.iter().map(|k| k.key).collect();
        Self::extract(Figment::new().merge(Toml::file(path)).merge(Env::prefixed("BAZAR_").only(&keys)))
    }

    /// Defaults, then `BAZAR_*` variables given explicitly rather than read
    /// from the process (an in-process application in a test has its own),
    /// read exactly as [`Config::load`] reads the environment.
    pub fn from_vars<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, ConfigLoadError> {
        let mut values = figment::value::Dict::new();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix("BAZAR_").map(str::to_ascii_lowercase) else { continue };
            if KEYS.iter().any(|k| k.key == key) {
                let value: figment::value::Value = value.parse().unwrap_or_else(|never| match never {});
                values.insert(key, value);
            }
        }
        Self::extract(Figment::from(figment::providers::Serialized::defaults(values)))
    }

    fn extract(figment: Figment) -> Result<Self, ConfigLoadError> {
        figment.extract().map_err(|e| ConfigLoadError::Invalid(describe(e)))
    }

    /// This process's `node_id`: as configured, else `{host name}-{listen}` —
    /// stable across restarts of one installation, and distinct for processes
    /// on one host (they cannot listen on the same address). `None` when the
    /// configured one is unusable (empty, too long, or containing `/`, which
    /// separates it from the per-run part of a broadcast's owner).
    pub fn node_id(&self) -> Option<String> {
        let node = match &self.node_id {
            Some(node) => node.trim().to_owned(),
            None => format!("{}-{}", host_name(), self.listen),
        };
        (!node.is_empty() && node.chars().count() <= 100 && !node.contains('/')).then_some(node)
    }

    /// The text shown after `bazar --help`.
    pub fn help_text() -> String {
        let mut out = String::from(
            "Configuration: bazar.toml (or --config FILE), overridden by BAZAR_<KEY> environment variables:\n",
        );
        for k in KEYS {
            let env = format!("BAZAR_{}", k.key.to_ascii_uppercase());
            out.push_str(&format!("  {:<26} {}\n      {} (default: {})\n", k.key, env, k.description, k.default));
        }
        out
    }
}

/// The machine's host name (Linux: the kernel's; else `HOSTNAME`), or `localhost`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().replace('/', "-"))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// A figment error as one line, without echoing the offending value (it may be a secret).
fn describe(error: figment::Error) -> String {
    let mut parts = Vec::new();
    for e in error {
        let key = e.path.join(".");
        let kind = match &e.kind {
            figment::error::Kind::InvalidType(_, expected) => format!("expected {expected}"),
            figment::error::Kind::InvalidValue(_, expected) => format!("expected {expected}"),
            figment::error::Kind::UnknownField(field, _) => format!("unknown key `{field}`"),
            other => other.to_string(),
        };
        let source = e.metadata.as_ref().map(|m| format!(" (from {})", m.name)).unwrap_or_default();
        parts.push(if key.is_empty() { format!("{kind}{source}") } else { format!("`{key}`: {kind}{source}") });
    }
    parts.join("; ")
}
