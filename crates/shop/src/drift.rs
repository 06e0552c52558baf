//! Drift: panel users changed or deleted behind Bazar's back. For each
//! active subscription of a shop, its panel user is read (outside any
//! transaction) and compared with what was sold; what is ours is put back —
//! a deleted user recreated under its name and marker, an expiry or traffic
//! allowance changed on the panel restored, a user switched off on the panel
//! switched on — and what is not ours (the name now held by someone else's
//! user) is reported and left alone.

use crate::Provisioner;
use crate::clock::now_ms;
use bazar_domain::SubscriptionId;
use bazar_panels::{PanelUser, PanelUserStatus, UserChange, VpnPanel};
use bazar_store::{StoreError, Subscription, SubscriptionFilter, SubscriptionStatus, TenantScope};
use std::sync::Arc;

/// Expiry differences below this are not drift: some panels keep whole days
/// (Hiddify counts `package_days` from a start date).
const EXPIRY_TOLERANCE_S: i64 = 86_400;
/// Subscriptions read per database page.
const PAGE: i64 = 200;

/// How a panel user differs from its subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The panel has no user under the subscription's name.
    Missing,
    /// The name is held by a user that is not ours: left alone.
    Foreign,
    /// Its expiry was changed on the panel (unix s; `None` = never).
    Expiry {
        /// What was sold.
        ours: i64,
        /// What the panel says.
        panel: Option<i64>,
    },
    /// Its traffic allowance was changed on the panel (bytes; `None` = unlimited).
    Traffic {
        /// What was sold.
        ours: Option<u64>,
        /// What the panel says.
        panel: Option<u64>,
    },
    /// It was switched off on the panel.
    Disabled,
    /// The panel could not be asked (down, or refused): nothing known.
    Unreadable(String),
}

/// One subscription whose panel user drifted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftItem {
    /// The subscription.
    pub subscription: SubscriptionId,
    /// Its panel user's name.
    pub username: String,
    /// Every way it differs.
    pub drift: Vec<Drift>,
    /// Whether it was put back (`false` for what is not ours or could not be fixed).
    pub fixed: bool,
}

/// A shop's drift report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// Active subscriptions compared.
    pub checked: usize,
    /// Those that differed.
    pub items: Vec<DriftItem>,
}

/// Compares every active subscription of `scope`'s shop with its panel user
/// and puts back what is ours.
pub async fn check(provisioner: &Provisioner, scope: &TenantScope) -> Result<DriftReport, StoreError> {
    let mut report = DriftReport::default();
    let filter = SubscriptionFilter { status: Some(SubscriptionStatus::Active), customer: None };
    let mut offset = 0;
    loop {
        let mut tx = provisioner.store.tenant(scope).begin_read().await?;
        let page = tx.subscriptions_page(&filter, PAGE, offset).await?;
        tx.commit().await?;
        for subscription in &page {
            report.checked += 1;
            if let Some(item) = compare(provisioner, scope, subscription).await? {
                report.items.push(item);
            }
        }
        if (page.len() as i64) < PAGE {
            return Ok(report);
        }
        offset += PAGE;
    }
}

async fn compare(
    provisioner: &Provisioner,
    scope: &TenantScope,
    subscription: &Subscription,
) -> Result<Option<DriftItem>, StoreError> {
    let item = |drift: Vec<Drift>, fixed| DriftItem {
        subscription: subscription.id,
        username: subscription.panel_username.clone(),
        drift,
        fixed,
    };
    let panel = match provisioner.panel(subscription.panel_id).await {
        Ok(panel) => panel,
        Err(e) => return Ok(Some(item(vec![Drift::Unreadable(e)], false))),
    };
    let ours = subscription.expires_at.unwrap_or_else(now_ms) / 1000;
    let user = match panel.get_user(&subscription.panel_username).await {
        Ok(user) => user,
        Err(e) => return Ok(Some(item(vec![Drift::Unreadable(e.to_string())], false))),
    };
    let Some(user) = user else {
        let fixed = recreate(provisioner, scope, &panel, subscription, ours).await?;
        return Ok(Some(item(vec![Drift::Missing], fixed)));
    };
    let spec = spec_of(provisioner, scope, subscription, ours).await?;
    if spec.as_ref().is_some_and(|spec| !spec.owns(user.note.as_deref())) {
        return Ok(Some(item(vec![Drift::Foreign], false)));
    }
    let drift = differences(subscription, ours, &user);
    if drift.is_empty() {
        return Ok(None);
    }
    let change = UserChange {
        expire_at: Some(ours),
        traffic_limit_bytes: Some(subscription.traffic_bytes),
        enabled: Some(true),
        ..Default::default()
    };
    let fixed = panel.update_user(&subscription.panel_username, &change).await.is_ok();
    Ok(Some(item(drift, fixed)))
}

/// What differs between what was sold and what the panel has.
fn differences(subscription: &Subscription, ours: i64, user: &PanelUser) -> Vec<Drift> {
    let mut drift = Vec::new();
    if user.expire_at.is_none_or(|panel| (panel - ours).abs() > EXPIRY_TOLERANCE_S) {
        drift.push(Drift::Expiry { ours, panel: user.expire_at });
    }
    if user.traffic_limit_bytes != subscription.traffic_bytes {
        drift.push(Drift::Traffic { ours: subscription.traffic_bytes, panel: user.traffic_limit_bytes });
    }
    if user.status == PanelUserStatus::Disabled {
        drift.push(Drift::Disabled);
    }
    drift
}

/// The panel user the subscription should be (`None`: its customer is gone).
async fn spec_of(
    provisioner: &Provisioner,
    scope: &TenantScope,
    subscription: &Subscription,
    expire_at: i64,
) -> Result<Option<bazar_panels::UserSpec>, StoreError> {
    let mut tx = provisioner.store.tenant(scope).begin_read().await?;
    let customer = tx.customer(subscription.customer_id).await?;
    let options = match (subscription.plan_id, subscription.is_trial) {
        (Some(plan), _) => tx.plan(plan).await?.map(|p| p.panel_options),
        (None, true) => crate::plans::trial_options(&mut tx).await?,
        _ => None,
    };
    tx.commit().await?;
    Ok(customer
        .map(|customer| provisioner.user_spec(scope, subscription, &customer, &options.unwrap_or_default(), expire_at)))
}

/// Recreates a deleted user under its name and marker; whether it worked.
async fn recreate(
    provisioner: &Provisioner,
    scope: &TenantScope,
    panel: &Arc<dyn VpnPanel>,
    subscription: &Subscription,
    expire_at: i64,
) -> Result<bool, StoreError> {
    let Some(spec) = spec_of(provisioner, scope, subscription, expire_at).await? else { return Ok(false) };
    Ok(match panel.ensure_user(&spec).await {
        Ok(user) => {
            let mut tx = provisioner.store.tenant(scope).begin().await?;
            tx.set_subscription_url(subscription.id, &user.subscription_url).await?;
            tx.commit().await?;
            true
        }
        Err(e) => {
            tracing::warn!(bot_id = %scope.bot_id(), subscription = %subscription.id, error = %e, "cannot recreate a deleted panel user");
            false
        }
    })
}
