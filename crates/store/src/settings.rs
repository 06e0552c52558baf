//! Per-tenant feature flags and configuration, read through an in-process cache.
//!
//! Reads are served from a cache keyed by bot id; every write through this
//! crate invalidates the tenant's entry at once (the seed's writers bypassed its
//! cache for five minutes). Writes made by *another* process (the CLI next to a
//! running server, another server behind the load balancer) bump
//! `bots.settings_version`; entries also expire after [`CROSS_PROCESS_TTL`] so
//! such writes are seen within that bound even before the runtime watches versions.

use bazar_domain::{BotId, ConfigKey, ConfigValue, Currency, FeatureFlag};
use moka::future::Cache;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bound for seeing a write made by another process.
pub const CROSS_PROCESS_TTL: Duration = Duration::from_secs(3);

/// The effective flags and configuration of one tenant (defaults filled in).
#[derive(Debug, Clone, PartialEq)]
pub struct TenantSettings {
    flags: BTreeMap<FeatureFlag, bool>,
    config: BTreeMap<ConfigKey, ConfigValue>,
    overridden_flags: Vec<FeatureFlag>,
    overridden_config: Vec<ConfigKey>,
}

impl TenantSettings {
    pub(crate) fn from_stored(flags: Vec<(FeatureFlag, bool)>, config: Vec<(ConfigKey, ConfigValue)>) -> Self {
        let overridden_flags = flags.iter().map(|(f, _)| *f).collect();
        let overridden_config = config.iter().map(|(k, _)| *k).collect();
        let mut all_flags: BTreeMap<_, _> = FeatureFlag::ALL.iter().map(|f| (*f, f.default_enabled())).collect();
        all_flags.extend(flags);
        let mut all_config: BTreeMap<_, _> = ConfigKey::ALL.iter().map(|k| (*k, k.default_value())).collect();
        all_config.extend(config);
        Self { flags: all_flags, config: all_config, overridden_flags, overridden_config }
    }

    /// Whether a feature is on for this tenant.
    pub fn flag(&self, flag: FeatureFlag) -> bool {
        self.flags[&flag]
    }

    /// The tenant's currency — every price, cap and amount of the tenant
    /// is in it. The one place it is read.
    pub fn currency(&self) -> Currency {
        match self.config(ConfigKey::Currency) {
            ConfigValue::Currency(currency) => *currency,
            // `Currency` always holds a currency (the domain's typed
            // configuration); its default is the toman.
            _ => Currency::Irt,
        }
    }

    /// The effective value of `key` (its default when unset).
    pub fn config(&self, key: ConfigKey) -> &ConfigValue {
        &self.config[&key]
    }

    /// Whether the flag was set explicitly (otherwise it has its default).
    pub fn flag_is_set(&self, flag: FeatureFlag) -> bool {
        self.overridden_flags.contains(&flag)
    }

    /// Whether the key was set explicitly (otherwise it has its default).
    pub fn config_is_set(&self, key: ConfigKey) -> bool {
        self.overridden_config.contains(&key)
    }
}

/// The process-wide cache of [`TenantSettings`].
#[derive(Clone)]
pub(crate) struct SettingsCache {
    cache: Cache<BotId, Arc<TenantSettings>>,
    /// Bumped by every invalidation, so a load that raced a write is not cached.
    epoch: Arc<AtomicU64>,
}

impl SettingsCache {
    pub(crate) fn new() -> Self {
        Self {
            cache: Cache::builder().max_capacity(200_000).time_to_live(CROSS_PROCESS_TTL).build(),
            epoch: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Marks the start of a load from the database; pass the mark to [`SettingsCache::put`].
    pub(crate) fn begin_load(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub(crate) async fn get(&self, bot_id: BotId) -> Option<Arc<TenantSettings>> {
        self.cache.get(&bot_id).await
    }

    /// Caches a loaded value unless a write happened since `load_mark`.
    pub(crate) async fn put(&self, bot_id: BotId, settings: Arc<TenantSettings>, load_mark: u64) {
        if self.epoch.load(Ordering::Acquire) == load_mark {
            self.cache.insert(bot_id, settings).await;
        }
    }

    /// Forgets every tenant's entry: the next read of each goes to the database.
    pub(crate) fn invalidate_all(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.cache.invalidate_all();
    }

    pub(crate) async fn invalidate(&self, bot_id: BotId) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.cache.invalidate(&bot_id).await;
    }
}
