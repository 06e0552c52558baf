//! How the runtime is configured: webhooks or polling, shards, pacing, the
//! node's name. A leaf: the pollers, the webhook route and the wiring read it.

use crate::outbox::OutboxOptions;
use std::time::Duration;

/// How updates reach the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Telegram POSTs to `{public_url}/webhook/{bot_id}`.
    Webhook {
        /// The externally reachable base URL.
        public_url: String,
    },
    /// One `getUpdates` long-polling loop per bot.
    Polling,
}

/// Runtime settings.
#[derive(Debug, Clone)]
pub struct RuntimeOptions {
    /// Webhooks or long polling.
    pub mode: Mode,
    /// Number of ordering shards (parallel handlers).
    pub shards: usize,
    /// Pacing of outgoing messages.
    pub outbox: OutboxOptions,
    /// How often the registry checks the database for added/disabled/removed bots.
    pub registry_refresh: Duration,
    /// `getUpdates` long-poll timeout.
    pub poll_timeout: Duration,
    /// How often due background jobs are claimed.
    pub job_poll: Duration,
    /// How broadcasts are claimed, batched and reported.
    pub broadcasts: crate::broadcast::BroadcastOptions,
    /// This process's name on the database (`node_id`): stable across its
    /// restarts, distinct from every other process sharing the database. At
    /// start, jobs and broadcasts still held under it were held by its own
    /// previous run, which is dead, and are taken back at once.
    pub node: String,
}

impl RuntimeOptions {
    /// Defaults for a mode.
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            shards: 64,
            outbox: OutboxOptions::default(),
            registry_refresh: Duration::from_secs(1),
            poll_timeout: Duration::from_secs(25),
            job_poll: Duration::from_millis(200),
            broadcasts: crate::broadcast::BroadcastOptions::default(),
            node: ephemeral_node(),
        }
    }
}

/// A node name no other run will ever have (the default, for embedders that
/// set none): nothing is taken back at start, leases bring work back instead.
fn ephemeral_node() -> String {
    format!("run-{}-{}", std::process::id(), bazar_secrets::random_code(b"0123456789abcdef", 8))
}
