//! The `provision` job: the paid (or trial) subscription becomes a user on the
//! tenant's VPN panel — or, if the panel keeps failing, the money goes back.

use crate::clock::now_ms;
use crate::plans::PanelView;
use bazar_domain::jobs::{DisableJob, ExtendJob, ProvisionJob};
use bazar_domain::{
    Money, PanelCatalog, PanelId, SubscriptionId, is_legacy_user_name, legacy_owner_marker, owner_marker,
};
use bazar_panels::{PanelConfig, PanelUser, UserSpec, VpnPanel};
use bazar_store::{
    EntryKind, Job, JobEnd, PlatformScope, Store, StoreError, Subscription, SubscriptionStatus, TenantScope,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Retry policy.
#[derive(Debug, Clone, Copy)]
pub struct ProvisionerOptions {
    /// Attempts before giving up and refunding.
    pub max_attempts: u32,
    /// Wait after the first failure; doubled after each further one (capped at 30 min).
    pub retry_base: Duration,
}

impl Default for ProvisionerOptions {
    fn default() -> Self {
        Self { max_attempts: 8, retry_base: Duration::from_secs(15) }
    }
}

/// How one attempt ended, for the bot to tell the customer (and admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProvisionOutcome {
    /// Live on the panel: deliver the link.
    Delivered(Subscription),
    /// The panel failed; another attempt is scheduled.
    Retrying {
        /// Attempts so far.
        attempt: u32,
        /// What went wrong (no secrets).
        error: String,
    },
    /// Given up; the payment was refunded to the wallet (once).
    Refunded {
        /// The failed subscription.
        subscription: Subscription,
        /// What went wrong last.
        error: String,
    },
    /// Nothing to do (already provisioned, or gone).
    Skipped,
}

/// Runs `provision` jobs; keeps one client per panel.
pub struct Provisioner {
    pub(crate) store: Store,
    /// Panels are the platform's (credentials, catalogs): reading one needs
    /// platform access, handed in by the composition root. It never leaves
    /// the provisioner.
    pub(crate) platform: PlatformScope,
    pub(crate) http: reqwest::Client,
    pub(crate) options: ProvisionerOptions,
    panels: Mutex<HashMap<PanelId, Arc<dyn VpnPanel>>>,
    /// Traffic read from panels, kept briefly so menus stay fast.
    usage: Mutex<HashMap<(PanelId, String), (std::time::Instant, u64)>>,
}

/// How long a panel's traffic figure is reused.
const USAGE_TTL: Duration = Duration::from_secs(60);

impl Provisioner {
    /// A provisioner using `http` for every panel, reading panels with `platform`.
    pub fn new(store: Store, platform: PlatformScope, http: reqwest::Client, options: ProvisionerOptions) -> Self {
        let (panels, usage) = (Mutex::new(HashMap::new()), Mutex::new(HashMap::new()));
        Self { store, platform, http, options, panels, usage }
    }

    /// The storage layer.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The panel user `subscription` should be, ending at `expire_at` (unix s):
    /// the one description provisioning creates and drift repair restores.
    pub(crate) fn user_spec(
        &self,
        scope: &TenantScope,
        subscription: &Subscription,
        customer: &bazar_store::Customer,
        options: &bazar_domain::PlanOptions,
        expire_at: i64,
    ) -> UserSpec {
        UserSpec {
            username: subscription.panel_username.clone(),
            expire_at,
            traffic_limit_bytes: subscription.traffic_bytes,
            device_limit: subscription.device_limit,
            telegram_id: Some(customer.telegram_id.get()),
            marker: owner_marker(self.store.installation(), scope.bot_id(), subscription.id),
            legacy_marker: is_legacy_user_name(&subscription.panel_username, scope.bot_id(), subscription.id)
                .then(|| legacy_owner_marker(scope.bot_id(), subscription.id)),
            options: options.clone(),
        }
    }

    /// One attempt at a `provision` job's subscription; records the job's end
    /// in the same transaction as its effects.
    pub async fn run(
        &self,
        scope: &TenantScope,
        job: &Job,
        args: &ProvisionJob,
    ) -> Result<ProvisionOutcome, StoreError> {
        let tenant = self.store.tenant(scope);
        let id = args.subscription;
        let mut tx = tenant.begin_read().await?;
        let subscription = tx.subscription(id).await?;
        let customer = match &subscription {
            Some(s) => tx.customer(s.customer_id).await?,
            None => None,
        };
        let options = match subscription.as_ref().map(|s| (s.plan_id, s.is_trial)) {
            Some((Some(plan), _)) => tx.plan(plan).await?.map(|p| p.panel_options),
            Some((None, true)) => crate::plans::trial_options(&mut tx).await?,
            _ => None,
        };
        let kind = PanelView::stored(&mut tx).await?.kind().cloned();
        tx.commit().await?;
        let (Some(subscription), Some(customer)) = (subscription, customer) else {
            return self.end(scope, job, JobEnd::Done).await.map(|()| ProvisionOutcome::Skipped);
        };
        if subscription.status != SubscriptionStatus::Provisioning {
            return self.end(scope, job, JobEnd::Done).await.map(|()| ProvisionOutcome::Skipped);
        }
        let options = options.unwrap_or_default();
        let now = now_secs();
        let expire_at = now + i64::from(subscription.duration_days) * 86_400;
        let spec = self.user_spec(scope, &subscription, &customer, &options, expire_at);
        let result =
            match (kind.map(|k| crate::plans::ready_for(&options, &k)), self.panel(subscription.panel_id).await) {
                // The plan's options do not fit the shop's panel: no retry will fix that.
                (Some(Err(e)), _) => Err((false, format!("the plan cannot be provisioned on this panel: {e}"))),
                (_, Ok(panel)) => connectable(panel.ensure_user(&spec).await),
                (_, Err(e)) => Err((true, e)),
            };
        match result {
            Ok(user) => {
                let mut tx = tenant.begin().await?;
                let fresh = tx.subscription(id).await?;
                if fresh.as_ref().map(|s| s.status) != Some(SubscriptionStatus::Provisioning) {
                    tx.finish_job(job.id, &JobEnd::Done).await?;
                    tx.commit().await?;
                    return Ok(ProvisionOutcome::Skipped);
                }
                let starts = now * 1000;
                let expires = user.expire_at.unwrap_or(spec.expire_at) * 1000;
                tx.activate_subscription(id, &user.subscription_url, starts, expires).await?;
                let settings = tenant.settings().await?;
                crate::lifecycle::schedule(&mut tx, &settings, id, expires, now_ms()).await?;
                tx.finish_job(job.id, &JobEnd::Done).await?;
                let delivered = tx.subscription(id).await?.unwrap_or(subscription);
                tx.commit().await?;
                Ok(ProvisionOutcome::Delivered(delivered))
            }
            Err((retryable, error)) if retryable && job.attempts < self.options.max_attempts => {
                let run_at = now_ms() + self.backoff(job.attempts).as_millis() as i64;
                tracing::warn!(bot_id = %scope.bot_id(), subscription = %id, attempt = job.attempts, %error, "provisioning failed; will retry");
                self.end(scope, job, JobEnd::Retry { run_at, error: error.clone() }).await?;
                Ok(ProvisionOutcome::Retrying { attempt: job.attempts, error })
            }
            Err((_, error)) => {
                tracing::error!(bot_id = %scope.bot_id(), subscription = %id, %error, "provisioning failed for good; refunding");
                self.fail_provision(scope, job, subscription, error).await
            }
        }
    }

    /// A bought subscription that will not be provisioned: its price back to
    /// the wallet (once, by key), the subscription failed, the job failed —
    /// in one transaction.
    async fn fail_provision(
        &self,
        scope: &TenantScope,
        job: &Job,
        subscription: Subscription,
        error: String,
    ) -> Result<ProvisionOutcome, StoreError> {
        let id = subscription.id;
        let mut tx = self.store.tenant(scope).begin().await?;
        let key = format!("refund:subscription:{id}");
        refund(&mut tx, subscription.customer_id, subscription.price, &key, id).await?;
        tx.set_subscription_status(id, SubscriptionStatus::Failed).await?;
        tx.finish_job(job.id, &JobEnd::Failed { error: error.clone() }).await?;
        let failed = tx.subscription(id).await?.unwrap_or(subscription);
        tx.commit().await?;
        Ok(ProvisionOutcome::Refunded { subscription: failed, error })
    }

    /// Gives up a `provision` or `extend` job claimed more often than its
    /// kind allows (it never ended: its process died or it panicked each
    /// time), without asking the panel again: what was paid goes back as
    /// after a last failed attempt. `Skipped` when nothing was owed any more
    /// (already delivered, disabled, gone) or the job is of another kind.
    pub async fn give_up(&self, scope: &TenantScope, job: &Job) -> Result<ProvisionOutcome, StoreError> {
        let error = format!("given up after {} attempts", job.attempts);
        let subscription_id = match &job.kind {
            bazar_domain::JobKind::Provision(args) => args.subscription,
            bazar_domain::JobKind::Extend(args) => args.subscription,
            _ => return self.end(scope, job, JobEnd::Failed { error }).await.map(|()| ProvisionOutcome::Skipped),
        };
        let mut tx = self.store.tenant(scope).begin_read().await?;
        let subscription = tx.subscription(subscription_id).await?;
        tx.commit().await?;
        match (&job.kind, subscription) {
            (bazar_domain::JobKind::Provision(_), Some(s)) if s.status == SubscriptionStatus::Provisioning => {
                self.fail_provision(scope, job, s, error).await
            }
            (bazar_domain::JobKind::Extend(args), Some(s)) => self.fail_extend(scope, job, args, s, error).await,
            _ => self.end(scope, job, JobEnd::Failed { error }).await.map(|()| ProvisionOutcome::Skipped),
        }
    }

    /// A renewal the panel will not take: what it paid back, the job failed.
    async fn fail_extend(
        &self,
        scope: &TenantScope,
        job: &Job,
        args: &ExtendJob,
        subscription: Subscription,
        error: String,
    ) -> Result<ProvisionOutcome, StoreError> {
        let price = args.paid();
        let mut tx = self.store.tenant(scope).begin().await?;
        refund(&mut tx, subscription.customer_id, price, &format!("refund:{}", args.key), subscription.id).await?;
        tx.finish_job(job.id, &JobEnd::Failed { error: error.clone() }).await?;
        tx.commit().await?;
        let refunded = Subscription { price, ..subscription };
        Ok(ProvisionOutcome::Refunded { subscription: refunded, error })
    }

    pub(crate) async fn end(&self, scope: &TenantScope, job: &Job, end: JobEnd) -> Result<(), StoreError> {
        let mut tx = self.store.tenant(scope).begin().await?;
        tx.finish_job(job.id, &end).await?;
        tx.commit().await
    }

    /// The `extend` job of a renewal: moves the panel user's end by the plan's
    /// length from its current end (or from now, if it already ended).
    pub async fn extend(
        &self,
        scope: &TenantScope,
        job: &Job,
        args: &ExtendJob,
    ) -> Result<ProvisionOutcome, StoreError> {
        let tenant = self.store.tenant(scope);
        let (id, days) = (args.subscription, args.days);
        let mut tx = tenant.begin_read().await?;
        let subscription = tx.subscription(id).await?;
        tx.commit().await?;
        // A subscription disabled meanwhile stays off on the panel too.
        let Some(subscription) = subscription.filter(|s| s.status != SubscriptionStatus::Disabled) else {
            return self.end(scope, job, JobEnd::Done).await.map(|()| ProvisionOutcome::Skipped);
        };
        let now = now_ms();
        let end = subscription.expires_at.unwrap_or(now).max(now) + days * 86_400_000;
        let change =
            bazar_panels::UserChange { expire_at: Some(end / 1000), enabled: Some(true), ..Default::default() };
        let result = match self.panel(subscription.panel_id).await {
            Ok(panel) => connectable(panel.update_user(&subscription.panel_username, &change).await),
            Err(e) => Err((true, e)),
        };
        match result {
            Ok(_) => {
                let mut tx = tenant.begin().await?;
                tx.extend_subscription(id, end).await?;
                let settings = tenant.settings().await?;
                crate::lifecycle::schedule(&mut tx, &settings, id, end, now).await?;
                tx.finish_job(job.id, &JobEnd::Done).await?;
                let extended = tx.subscription(id).await?.unwrap_or(subscription);
                tx.commit().await?;
                Ok(ProvisionOutcome::Delivered(extended))
            }
            Err((retryable, error)) if retryable && job.attempts < self.options.max_attempts => {
                let run_at = now + self.backoff(job.attempts).as_millis() as i64;
                self.end(scope, job, JobEnd::Retry { run_at, error: error.clone() }).await?;
                Ok(ProvisionOutcome::Retrying { attempt: job.attempts, error })
            }
            Err((_, error)) => self.fail_extend(scope, job, args, subscription, error).await,
        }
    }

    /// The `disable` job: turns off the panel user of a subscription an admin
    /// disabled, retrying while the panel is unavailable.
    pub async fn disable(&self, scope: &TenantScope, job: &Job, args: &DisableJob) -> Result<(), StoreError> {
        let id = args.subscription;
        let mut tx = self.store.tenant(scope).begin_read().await?;
        let subscription = tx.subscription(id).await?;
        tx.commit().await?;
        // Re-enabled, or never provisioned: nothing to turn off.
        let Some(subscription) =
            subscription.filter(|s| s.status == SubscriptionStatus::Disabled && s.starts_at.is_some())
        else {
            return self.end(scope, job, JobEnd::Done).await;
        };
        let change = bazar_panels::UserChange { enabled: Some(false), ..Default::default() };
        let result = match self.panel(subscription.panel_id).await {
            Ok(panel) => panel
                .update_user(&subscription.panel_username, &change)
                .await
                .map(|_| ())
                .map_err(|e| (e.is_retryable(), e.to_string())),
            Err(e) => Err((true, e)),
        };
        let end = match result {
            Ok(()) => JobEnd::Done,
            Err((true, error)) if job.attempts < self.options.max_attempts => {
                JobEnd::Retry { run_at: now_ms() + self.backoff(job.attempts).as_millis() as i64, error }
            }
            Err((_, error)) => {
                tracing::warn!(bot_id = %scope.bot_id(), subscription = %id, error = %error, "could not disable a user on the panel");
                JobEnd::Failed { error }
            }
        };
        self.end(scope, job, end).await
    }

    pub(crate) fn backoff(&self, attempts: u32) -> Duration {
        self.options.retry_base.saturating_mul(1 << attempts.saturating_sub(1).min(10)).min(Duration::from_secs(1800))
    }

    /// Traffic used by a subscription's panel user, from the panel (cached for a
    /// minute; `None` when the panel does not answer within two seconds).
    pub async fn used_traffic(&self, subscription: &Subscription) -> Option<u64> {
        let key = (subscription.panel_id?, subscription.panel_username.clone());
        if let Some((at, used)) = self.usage.lock().expect("usage cache").get(&key)
            && at.elapsed() < USAGE_TTL
        {
            return Some(*used);
        }
        let panel = self.panel(subscription.panel_id).await.ok()?;
        let user = tokio::time::timeout(Duration::from_secs(2), panel.get_user(&subscription.panel_username))
            .await
            .ok()?
            .ok()??;
        self.usage.lock().expect("usage cache").insert(key, (std::time::Instant::now(), user.used_traffic_bytes));
        Some(user.used_traffic_bytes)
    }

    /// Disables an expired subscription's user on its panel (best effort:
    /// the panel also stops it at its own expiry time).
    pub async fn disable_on_panel(&self, subscription: &Subscription) {
        let change = bazar_panels::UserChange { enabled: Some(false), ..Default::default() };
        match self.panel(subscription.panel_id).await {
            Ok(panel) => {
                if let Err(e) = panel.update_user(&subscription.panel_username, &change).await {
                    tracing::warn!(subscription = %subscription.id, error = %e, "could not disable an expired user on the panel");
                }
            }
            Err(e) => {
                tracing::warn!(subscription = %subscription.id, error = %e, "no panel to disable an expired user on")
            }
        }
    }

    /// The client of a panel, built once from its sealed credentials.
    pub(crate) async fn panel(&self, panel_id: Option<PanelId>) -> Result<Arc<dyn VpnPanel>, String> {
        let panel_id = panel_id.ok_or("no panel assigned")?;
        if let Some(panel) = self.panels.lock().expect("panel cache").get(&panel_id) {
            return Ok(panel.clone());
        }
        let (record, credentials) = self
            .store
            .platform(&self.platform)
            .panel_with_credentials(panel_id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the panel was removed")?;
        let config = PanelConfig { kind: record.kind, base_url: record.base_url, credentials };
        let client = bazar_panels::connect(config, self.http.clone()).map_err(|e| e.to_string())?;
        self.panels.lock().expect("panel cache").insert(panel_id, client.clone());
        Ok(client)
    }

    /// Reads what panel `panel_id` offers plans (inbounds, squads) from the
    /// panel itself, within [`CATALOG_DEADLINE`], and keeps it in the
    /// database for the admin menus. Called outside any transaction.
    pub async fn refresh_catalog(&self, panel_id: PanelId) -> Result<PanelCatalog, String> {
        let panel = self.panel(Some(panel_id)).await?;
        let catalog = tokio::time::timeout(CATALOG_DEADLINE, panel.catalog())
            .await
            .map_err(|_| "the panel did not answer in time".to_owned())?
            .map_err(|e| e.to_string())?;
        self.store.platform(&self.platform).set_panel_catalog(panel_id, &catalog).await.map_err(|e| e.to_string())?;
        Ok(catalog)
    }

    /// The `panel_catalog` job ([`bazar_domain::JobKind::PanelCatalog`]): reads the catalog
    /// of the panel serving `scope` (never a panel the payload names) and
    /// keeps it; a panel that does not answer is tried again a few times.
    pub async fn catalog_job(&self, scope: &TenantScope, job: &Job) -> Result<(), StoreError> {
        let mut tx = self.store.tenant(scope).begin_read().await?;
        let panel = tx.tenant_panel().await?;
        tx.commit().await?;
        let end = match panel {
            None => JobEnd::Done,
            Some(panel) => match self.refresh_catalog(panel).await {
                Ok(_) => JobEnd::Done,
                Err(error) if job.attempts < 3 => JobEnd::Retry { run_at: now_ms() + 5_000, error },
                Err(error) => JobEnd::Failed { error },
            },
        };
        self.end(scope, job, end).await
    }

    /// What the panel serving `scope` offers, read from it now when it
    /// answers (else the copy kept from the last read), for checking a plan
    /// being created or changed. Called *before* the caller's transaction:
    /// the panel is never waited on inside one.
    pub async fn panel_view(&self, scope: &TenantScope) -> Result<PanelView, StoreError> {
        let mut tx = self.store.tenant(scope).begin_read().await?;
        let info = tx.tenant_panel_info().await?;
        tx.commit().await?;
        let Some(info) = info else { return Ok(PanelView::None) };
        let catalog = match self.refresh_catalog(info.id).await {
            Ok(fresh) => Some(fresh),
            Err(error) => {
                tracing::warn!(bot_id = %scope.bot_id(), panel = %info.id, %error, "could not read the panel's options; using the last known ones");
                info.catalog
            }
        };
        Ok(PanelView::Panel { kind: info.kind, catalog })
    }
}

/// How long reading a panel's catalog may take.
const CATALOG_DEADLINE: Duration = Duration::from_secs(5);

/// A panel answer, refused when the user it describes has nothing to
/// connect to (no inbounds, placeholder-only squads): never delivered as
/// "ready", retried like an outage (an admin may fix the panel meanwhile),
/// refunded in the end. The bool says whether a retry may help.
fn connectable(answer: Result<PanelUser, bazar_panels::PanelError>) -> Result<PanelUser, (bool, String)> {
    match answer {
        Ok(user) => match &user.access {
            bazar_panels::Access::Connects => Ok(user),
            bazar_panels::Access::Nothing(why) => Err((true, format!("the VPN user cannot connect: {why}"))),
        },
        Err(e) => Err((e.is_retryable(), e.to_string())),
    }
}

/// Returns `price` to the customer's wallet, in the currency it was paid
/// in, once per `key`.
async fn refund(
    tx: &mut bazar_store::TenantTx,
    customer: bazar_domain::CustomerId,
    price: Money,
    key: &str,
    subscription: SubscriptionId,
) -> Result<(), StoreError> {
    if !price.is_positive() {
        return Ok(());
    }
    let reference = format!("subscription {subscription} could not be provisioned");
    tx.post(customer, price, EntryKind::Refund, key, Some(&reference)).await?;
    Ok(())
}

fn now_secs() -> i64 {
    now_ms() / 1000
}
