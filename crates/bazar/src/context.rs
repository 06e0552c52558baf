//! What every command needs: configuration and an open store.

use crate::config::Config;
use crate::error::CliError;
use bazar_store::{Backend, DatabaseOptions, PlatformScope, Store};
use secrecy::ExposeSecret;

/// Database options from configuration.
pub fn database_options(config: &Config) -> DatabaseOptions {
    let mut options = DatabaseOptions::new(config.database_url.expose_secret());
    options.migration_url = config.database_migration_url.as_ref().map(|u| u.expose_secret().to_owned());
    options.max_connections = config.database_max_connections;
    options
}

/// Opens the store: connects, migrates, and checks the master key.
pub async fn open_store(config: &Config) -> Result<Store, CliError> {
    let options = database_options(config);
    let backend = Backend::from_url(&options.url)?;
    let keyring = crate::keys::keyring(config, backend)?;
    Ok(Store::open(&options, keyring).await?)
}

/// The provisioner (panel clients built from their sealed credentials, read
/// with `platform`), with the configured retry policy: `serve` and the
/// commands that read panels.
pub fn provisioner(config: &Config, store: &Store, platform: PlatformScope) -> bazar_shop::Provisioner {
    bazar_shop::Provisioner::new(
        store.clone(),
        platform,
        reqwest::Client::new(),
        bazar_shop::ProvisionerOptions {
            max_attempts: config.provisioning_max_attempts.max(1),
            retry_base: std::time::Duration::from_millis(config.provisioning_retry_ms),
        },
    )
}
