//! The active bots, held in memory and kept in step with the database.

use bazar_domain::{BotId, BotToken};
use bazar_store::{BotRecord, PlatformScope, Store, StoreError, TenantScope};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// One active bot as the runtime serves it.
#[derive(Debug)]
pub struct BotHandle {
    /// The capability to act for this tenant (from resolving the active bot).
    pub scope: TenantScope,
    /// Its registry entry at load time.
    pub record: BotRecord,
    /// Its Telegram token.
    pub token: BotToken,
    /// What Telegram must echo in `X-Telegram-Bot-Api-Secret-Token`.
    pub webhook_secret: String,
}

/// What a reload changed.
#[derive(Debug, Default)]
pub struct Changes {
    /// Bots that became active (new, enabled).
    pub added: Vec<Arc<BotHandle>>,
    /// Bots no longer active (disabled, suspended, removed), as they were.
    pub removed: Vec<Arc<BotHandle>>,
}

/// The in-memory registry of active bots. Lookups never touch the database.
#[derive(Default)]
pub struct Registry {
    bots: RwLock<HashMap<BotId, Arc<BotHandle>>>,
    fingerprint: RwLock<Option<String>>,
}

impl Registry {
    /// The active bot with this id, if any.
    pub fn get(&self, bot_id: BotId) -> Option<Arc<BotHandle>> {
        self.bots.read().expect("registry lock").get(&bot_id).cloned()
    }

    /// Every active bot.
    pub fn all(&self) -> Vec<Arc<BotHandle>> {
        self.bots.read().expect("registry lock").values().cloned().collect()
    }

    /// Number of active bots.
    pub fn len(&self) -> usize {
        self.bots.read().expect("registry lock").len()
    }

    /// Whether no bot is active.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reloads from the database when the set of active bots changed (or `force`).
    pub async fn reload(&self, store: &Store, force: bool) -> Result<Changes, StoreError> {
        let platform = PlatformScope::for_operator();
        let fingerprint = store.platform(&platform).active_bots_fingerprint().await?;
        if !force && self.fingerprint.read().expect("registry lock").as_deref() == Some(fingerprint.as_str()) {
            return Ok(Changes::default());
        }
        let active = store.platform(&platform).active_bots().await?;
        let mut fresh = HashMap::with_capacity(active.len());
        for bot in active {
            let id = bot.resolved.record.id;
            let handle = BotHandle {
                webhook_secret: store.platform(&platform).webhook_secret(id),
                scope: bot.resolved.scope,
                record: bot.resolved.record,
                token: bot.token,
            };
            fresh.insert(id, Arc::new(handle));
        }
        let mut changes = Changes::default();
        {
            let mut bots = self.bots.write().expect("registry lock");
            for (id, old) in bots.iter() {
                if !fresh.contains_key(id) {
                    changes.removed.push(old.clone());
                }
            }
            for (id, new) in &fresh {
                match bots.get(id) {
                    // Keep the existing handle when nothing that matters changed.
                    Some(old) if old.token == new.token && old.record.created_at == new.record.created_at => {}
                    _ => changes.added.push(new.clone()),
                }
            }
            for (id, old) in bots.iter() {
                if let Some(new) = fresh.get(id)
                    && changes.added.iter().any(|a| Arc::ptr_eq(a, new))
                {
                    changes.removed.push(old.clone());
                }
            }
            let keep: HashMap<BotId, Arc<BotHandle>> = fresh
                .into_iter()
                .map(|(id, new)| match bots.get(&id) {
                    Some(old) if !changes.added.iter().any(|a| Arc::ptr_eq(a, &new)) => (id, old.clone()),
                    _ => (id, new),
                })
                .collect();
            *bots = keep;
        }
        *self.fingerprint.write().expect("registry lock") = Some(fingerprint);
        Ok(changes)
    }
}
