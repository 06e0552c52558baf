//! Bazar's Telegram runtime: every active bot of the platform in one process.
//!
//! ```text
//! Telegram ──webhook POST /webhook/{bot}──┐            ┌─ shard 0 ─┐
//!          ◄─getUpdates (one poller/bot)──┤  ingest     │  …        │  pipeline: customer, state,
//!                                         ├─► inbox ──►─┤  shard k  ├─► Handler (bot crate) ──► outbox ──► Telegram
//!                 registry (active bots) ─┘  (dedup)    │  …        │  one transaction             (paced)
//!                                                       └───────────┘
//! ```
//!
//! * [`registry`] keeps the active bots (scope + token) in memory and follows
//!   the database: bots added, disabled or removed take effect within a second.
//! * Updates are stored in the inbox before they are acknowledged (webhook) or
//!   before the poll offset moves (polling); the `(bot, update_id)` key drops
//!   repeats. [`dispatch`] orders them per (bot, chat) on a fixed set of shards.
//! * [`pipeline`] runs one update: resolves the customer, loads the
//!   conversation state, calls the [`Handler`], and commits the handler's writes
//!   together with "handled" — then hands the replies to the [`outbox`].
//! * [`limits`] fits every outgoing text to Telegram's length limits (cut
//!   with "…", HTML kept valid), or splits what must arrive whole.
//! * [`outbox`] paces sends under Telegram's limits (per bot and per chat),
//!   honours 429 `retry_after`, retries transient failures and records 403 as
//!   "blocked by the user".
//! * [`broadcast`] sends the broadcasts admins confirmed: claimed with a lease
//!   (resumed after a restart), batches marked `sending` before they go out (at
//!   most once), queued in the outbox behind interactive replies, with a
//!   progress message edited in the admin's chat and a final report.

pub mod broadcast;
pub mod dispatch;
mod inner;
mod job_runner;
pub mod limits;
mod options;
pub mod outbox;
pub mod pipeline;
mod poller;
pub mod registry;
mod runtime;
mod update_meta;
pub mod webhook;

pub use broadcast::{BroadcastEngine, BroadcastOptions, BroadcastProgress, TextKind, broadcast_message};
pub use options::{Mode, RuntimeOptions};
pub use outbox::Outgoing;
pub use pipeline::{FailedUpdate, Handler, HandlerError, UpdateContext};
pub use registry::BotHandle;
pub use runtime::Runtime;
pub use update_meta::{ALLOWED_UPDATES, UpdateMeta};
