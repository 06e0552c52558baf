//! A tenant connects its own VPN panel — when the platform allows it
//! (`own_panel_allowed`). One use case for every interface: the kind and
//! credentials are checked against the kind's declarations, the panel is
//! asked what it offers (the test of the connection, before anything is
//! written and outside any transaction), then it is registered, its
//! credentials sealed, and assigned to the tenant.

use crate::Provisioner;
use bazar_domain::{ConfigKey, ConfigValue, PanelCatalog, PanelCredentials};
use bazar_panels::{PanelConfig, PanelOptions};
use bazar_store::{NewPanel, PanelRecord, StoreError, TenantScope};
use std::time::Duration;

/// How long the connection test may take.
const TEST_DEADLINE: Duration = Duration::from_secs(10);

/// A panel a tenant wants to use.
#[derive(Debug)]
pub struct OwnPanel {
    /// The kind's name, as typed (`marzban`, `3x-ui`, …).
    pub kind: String,
    /// The panel's URL.
    pub url: String,
    /// How to log in, by the kind's credential keys.
    pub credentials: PanelCredentials,
}

/// Why the panel was not connected. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum OwnPanelRefusal {
    /// The platform does not let this tenant bring its own panel.
    #[error("this platform does not let shops connect their own VPN panel")]
    NotAllowed,
    /// No such panel kind.
    #[error("{0}")]
    UnknownKind(String),
    /// The credentials are none of the kind's ways to log in, or the panel refused them.
    #[error("{0}")]
    BadCredentials(String),
    /// The URL is not one a panel can be reached at.
    #[error("{0}")]
    BadUrl(String),
    /// The panel did not answer as expected (wrong URL or credentials, or down).
    #[error("the panel did not answer as expected: {0}")]
    Unreachable(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Connects `panel` for `scope`'s shop: checked, tested, registered and assigned.
pub async fn connect(
    provisioner: &Provisioner,
    scope: &TenantScope,
    panel: OwnPanel,
) -> Result<(PanelRecord, PanelCatalog), OwnPanelRefusal> {
    let settings = provisioner.store.tenant(scope).settings().await?;
    if !matches!(settings.config(ConfigKey::OwnPanelAllowed), ConfigValue::Bool(true)) {
        return Err(OwnPanelRefusal::NotAllowed);
    }
    let spec = bazar_panels::parse_kind(&panel.kind).map_err(|e| OwnPanelRefusal::UnknownKind(e.to_string()))?;
    panel.credentials.matching(spec.credentials).map_err(|e| OwnPanelRefusal::BadCredentials(e.to_string()))?;
    let base_url = panel.url.trim().trim_end_matches('/').to_owned();
    let config = PanelConfig { kind: spec.kind(), base_url: base_url.clone(), credentials: panel.credentials.clone() };
    let options = PanelOptions { timeout: TEST_DEADLINE };
    let client = bazar_panels::connect_with(config, provisioner.http.clone(), options)
        .map_err(|e| OwnPanelRefusal::BadUrl(e.to_string()))?;
    let catalog = tokio::time::timeout(TEST_DEADLINE, client.catalog())
        .await
        .map_err(|_| OwnPanelRefusal::Unreachable("no answer in time".into()))?
        .map_err(|e| match e {
            bazar_panels::PanelError::Unauthorized => {
                OwnPanelRefusal::BadCredentials("the panel refused these credentials".into())
            }
            other => OwnPanelRefusal::Unreachable(other.to_string()),
        })?;
    let platform = provisioner.store.platform(&provisioner.platform);
    let name = format!("bot {} own panel {}", scope.bot_id(), crate::clock::now_ms());
    let record = platform
        .add_panel(NewPanel {
            name,
            kind: spec.kind(),
            base_url,
            credentials: panel.credentials,
            make_default: false,
            catalog: Some(catalog.clone()),
        })
        .await?;
    platform.assign_panel(scope, Some(record.id)).await?;
    tracing::info!(bot_id = %scope.bot_id(), panel = %record.id, kind = %record.kind, "a shop connected its own panel");
    Ok((record, catalog))
}
