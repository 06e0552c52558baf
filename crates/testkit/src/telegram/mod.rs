//! A fake Telegram Bot API server on 127.0.0.1, stateful enough to run a bot
//! end to end without the real Telegram.
//!
//! It speaks the real protocol — `GET|POST /bot{token}/{method}` with query,
//! form, JSON or multipart parameters, method names case-insensitive, answers
//! in Telegram's `{"ok": true, "result": …}` / `{"ok": false, "error_code": …,
//! "description": …}` envelopes — so the production client is exercised as is.
//!
//! What it emulates, and why:
//! * **Updates**: the test pushes updates ([`FakeTelegram::push_update`], built
//!   with [`updates`]); the bot receives them by long-polling `getUpdates` or on
//!   its webhook, with Telegram's offsets, conflicts (409) and retries.
//! * **Messages**: sends, edits and deletions answer realistic `Message`s and
//!   are recorded as [`SentMessage`]s, which is what tests assert on.
//! * **Texts**: lengths measured as Telegram does (UTF-16 units after parsing
//!   `parse_mode: HTML`, which must be well formed), so a text or caption
//!   Telegram would refuse is refused here too ([`FakeTelegram::refusals`]).
//! * **Limits and failures**: flood limits (429 with `retry_after`), blocked
//!   chats (403) and injected errors ([`FakeTelegram::fail_next`]), so that a
//!   bot's resilience is tested rather than assumed.
//!
//! Bots are registered by token; any other token gets 401 like the real
//! server. Every call with a known token is recorded ([`RecordedCall`]).

mod control;
mod edits;
mod envelope;
mod files;
mod hold;
mod inspect;
mod interactions;
mod limits;
mod messages;
mod methods;
mod multipart;
mod options;
mod params;
mod polling;
mod records;
mod server;
mod state;
mod text;
pub mod updates;
mod webhook;

pub use options::FakeOptions;
pub use records::{FakeBot, RecordedCall, Refusal, SentMessage, WebhookDelivery};

use state::Shared;
use std::net::SocketAddr;
use std::sync::Arc;

/// The fake server. Dropping it stops serving and ends its background tasks.
pub struct FakeTelegram {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeTelegram {
    /// Starts the server on an ephemeral port of 127.0.0.1 with Telegram's
    /// default limits ([`FakeOptions::default`]).
    pub async fn start() -> Self {
        Self::start_with(FakeOptions::default()).await
    }

    /// Starts the server with the given limits and retry behaviour.
    pub async fn start_with(options: FakeOptions) -> Self {
        let shared = Arc::new(Shared::new(options));
        let app = server::router(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake Telegram");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake Telegram server");
        });
        Self { addr, shared, server }
    }

    /// Base URL to configure as `BAZAR_TELEGRAM_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The options this fake was started with.
    pub fn options(&self) -> &FakeOptions {
        &self.shared.options
    }

    /// Registers a bot and returns a valid token for it, `"{id}:{35-char secret}"`.
    /// The secret is derived from the id, so the same id always gets the same
    /// token. Registering an id again with the same username keeps its state;
    /// with another username the bot starts afresh under the new name.
    pub fn add_bot(&self, id: i64, username: &str) -> String {
        let token = format!("{id}:{}", token_secret(id));
        let info = FakeBot { id, username: username.to_owned(), first_name: format!("{username} shop") };
        self.shared.add_bot(token.clone(), info);
        token
    }

    /// Revokes a bot's token (as `/revoke` in BotFather does): its calls then
    /// answer 401. Its records stay; [`add_bot`](Self::add_bot) brings it back.
    pub fn revoke_bot(&self, bot_id: i64) {
        self.shared.revoke(bot_id);
    }

    /// Every call received so far (with a known token), in arrival order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.calls()
    }

    /// Calls of one method (lower-case name).
    pub fn calls_of(&self, method: &str) -> Vec<RecordedCall> {
        self.calls().into_iter().filter(|c| c.method == method).collect()
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
        self.shared.abort_tasks();
    }
}

/// A deterministic, well-formed 35-character secret for a fake token.
fn token_secret(id: i64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut state = (id as u64) ^ 0x9E37_79B9_7F4A_7C15;
    (0..35)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            alphabet[(state >> 58) as usize] as char
        })
        .collect()
}
