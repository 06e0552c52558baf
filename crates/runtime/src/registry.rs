//! The active bots, held in memory and kept in step with the database, and
//! the suspended ones, known only well enough to answer their customers with
//! one polite line (no tenant scope, no tenant data).

use bazar_domain::{BotId, BotToken};
use bazar_store::{BotRecord, PlatformScope, Store, StoreError, SuspendedBot, TenantScope};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a chat of a suspended bot waits before it is told again that the
/// shop is unavailable (one line per chat per window, counted in memory).
pub const POLITE_WINDOW: Duration = Duration::from_secs(10 * 60);

/// Most chats remembered by the polite limiter before old entries are swept.
const POLITE_MEMORY: usize = 100_000;

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
    /// Bots that became suspended (their customers get the polite line).
    pub suspended: Vec<Arc<SuspendedBot>>,
    /// Bots no longer suspended (resumed, disabled, removed).
    pub unsuspended: Vec<BotId>,
}

/// The in-memory registry of active bots. Lookups never touch the database.
#[derive(Default)]
pub struct Registry {
    bots: RwLock<HashMap<BotId, Arc<BotHandle>>>,
    suspended: RwLock<HashMap<BotId, Arc<SuspendedBot>>>,
    told: Mutex<HashMap<(BotId, i64), Instant>>,
    /// Polling mode: the stop switch of each suspended bot's polite poller.
    pub(crate) polite_pollers: Mutex<HashMap<BotId, tokio_util::sync::CancellationToken>>,
    fingerprint: RwLock<Option<String>>,
}

impl Registry {
    /// The active bot with this id, if any.
    pub fn get(&self, bot_id: BotId) -> Option<Arc<BotHandle>> {
        self.bots.read().expect("registry lock").get(&bot_id).cloned()
    }

    /// The suspended bot with this id, if any: its customers get a polite line.
    pub fn suspended(&self, bot_id: BotId) -> Option<Arc<SuspendedBot>> {
        self.suspended.read().expect("registry lock").get(&bot_id).cloned()
    }

    /// Whether a chat of a suspended bot should be told (again) that the shop
    /// is unavailable: yes at most once per [`POLITE_WINDOW`]; records the telling.
    pub fn may_tell(&self, bot_id: BotId, chat: i64) -> bool {
        let now = Instant::now();
        let mut told = self.told.lock().expect("registry lock");
        if told.len() >= POLITE_MEMORY {
            told.retain(|_, at| now.duration_since(*at) < POLITE_WINDOW);
        }
        match told.get(&(bot_id, chat)) {
            Some(at) if now.duration_since(*at) < POLITE_WINDOW => false,
            _ => {
                told.insert((bot_id, chat), now);
                true
            }
        }
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

    /// Reloads from the database when the set of active or suspended bots
    /// changed (or `force`), reading every bot with the runtime's `platform`.
    pub async fn reload(&self, store: &Store, platform: &PlatformScope, force: bool) -> Result<Changes, StoreError> {
        let fingerprint = store.platform(platform).active_bots_fingerprint().await?;
        if !force && self.fingerprint.read().expect("registry lock").as_deref() == Some(fingerprint.as_str()) {
            return Ok(Changes::default());
        }
        let active = store.platform(platform).active_bots().await?;
        let suspended: HashMap<BotId, Arc<SuspendedBot>> = store
            .platform(platform)
            .suspended_bots()
            .await?
            .into_iter()
            .map(|bot| (bot.bot_id, Arc::new(bot)))
            .collect();
        let mut changes = Changes::default();
        {
            let mut known = self.suspended.write().expect("registry lock");
            changes.unsuspended = known.keys().filter(|id| !suspended.contains_key(id)).copied().collect();
            changes.suspended =
                suspended.iter().filter(|(id, _)| !known.contains_key(id)).map(|(_, bot)| bot.clone()).collect();
            *known = suspended;
        }
        let mut fresh = HashMap::with_capacity(active.len());
        for bot in active {
            let id = bot.resolved.record.id;
            let handle = BotHandle {
                webhook_secret: store.platform(platform).webhook_secret(id),
                scope: bot.resolved.scope,
                record: bot.resolved.record,
                token: bot.token,
            };
            fresh.insert(id, Arc::new(handle));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_of_a_suspended_bot_is_told_once_per_window() {
        let registry = Registry::default();
        let (a, b) = (BotId::from_raw(1), BotId::from_raw(2));
        assert!(registry.may_tell(a, 5));
        assert!(!registry.may_tell(a, 5), "the same chat is not told twice within the window");
        assert!(registry.may_tell(a, 6), "another chat is told");
        assert!(registry.may_tell(b, 5), "the same chat of another bot is told");
    }
}
