//! The broadcast engine on its own — a store, an outbox to the fake Telegram,
//! a registry — without the runtime around it: a confirmed broadcast reaches
//! every reachable customer once, with a progress message and one report;
//! an engine stopped mid-way and started again (the same node) resumes and
//! sends nobody the message twice; a bot that is not active is not sent for.

use bazar_domain::{BotToken, BroadcastId, Language, TelegramUserId};
use bazar_runtime::outbox::{Outbox, OutboxOptions};
use bazar_runtime::registry::Registry;
use bazar_runtime::{BroadcastEngine, BroadcastOptions, Handler, HandlerError, UpdateContext};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{
    Audience, BroadcastMessage, BroadcastStatus, CustomerContact, DatabaseOptions, NewBot, NewBroadcast, Store,
    TenantScope,
};
use bazar_telegram::BotApi;
use bazar_testkit::telegram::FakeTelegram;
use futures::future::BoxFuture;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

const BOT: i64 = 4501;
const ADMIN_CHAT: i64 = 1;

use crate::platform;

/// Only the broadcast texts matter here (the default, plain English ones).
struct Texts;

impl Handler for Texts {
    fn handle<'a>(&'a self, _ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin(async { Ok(()) })
    }
}

struct Setup {
    telegram: FakeTelegram,
    store: Store,
    scope: TenantScope,
    registry: Arc<Registry>,
    _dir: tempfile::TempDir,
}

async fn setup(customers: i64) -> Setup {
    let telegram = FakeTelegram::start().await;
    let token = telegram.add_bot(BOT, "broadcast_bot");
    let (url, dir) = bazar_testkit::sqlite_url();
    let store = Store::open(&DatabaseOptions::new(url), Keyring::new(MasterKey::generate(), vec![])).await.unwrap();
    let new = NewBot {
        token: BotToken::parse(&token).unwrap(),
        name: "Shop".into(),
        username: Some("broadcast_bot".into()),
        is_master: false,
        admins: vec![],
        owner: None,
    };
    let (record, _) = store.platform(&platform()).add_bot(new).await.unwrap();
    let scope = store.platform(&platform()).tenant(record.id).await.unwrap();
    for id in 0..customers {
        let contact = CustomerContact {
            telegram_id: TelegramUserId::from_raw(1000 + id),
            username: None,
            first_name: None,
            language: None,
        };
        store.tenant(&scope).record_contact(&contact).await.unwrap();
    }
    let registry = Arc::new(Registry::default());
    registry.reload(&store, &platform(), true).await.unwrap();
    Setup { telegram, store, scope, registry, _dir: dir }
}

/// Confirms a text broadcast to every customer; its id.
async fn confirm(s: &Setup, text: &str) -> i64 {
    let mut tx = s.store.tenant(&s.scope).begin().await.unwrap();
    let message = BroadcastMessage { text: Some(text.into()), photo_file_id: None, button: None };
    let new = NewBroadcast {
        created_by: TelegramUserId::from_raw(ADMIN_CHAT),
        admin_chat_id: ADMIN_CHAT,
        language: Language::En,
        message,
    };
    let draft = tx.create_broadcast(&new).await.unwrap();
    tx.start_broadcast(draft.id, Audience::All).await.unwrap().expect("started");
    tx.commit().await.unwrap();
    draft.id.get()
}

fn new_engine(s: &Setup, node: &str) -> (BroadcastEngine, CancellationToken) {
    // Fast pacing for a test: the fake Telegram's limits stay off.
    let outbox_options = OutboxOptions {
        per_bot_interval: Duration::from_millis(1),
        per_bot_burst: 1000,
        per_bot_window: Duration::from_millis(50),
        per_chat_interval: Duration::from_millis(1),
        max_attempts: 2,
    };
    let outbox = Outbox::new(BotApi::new(&s.telegram.url()), s.store.clone(), outbox_options);
    let options = BroadcastOptions {
        poll: Duration::from_millis(20),
        lease: Duration::from_secs(30),
        ..BroadcastOptions::default()
    };
    let cancel = CancellationToken::new();
    let engine = BroadcastEngine {
        store: s.store.clone(),
        platform: platform(),
        outbox,
        registry: s.registry.clone(),
        texts: Arc::new(Texts),
        options,
        window: Duration::from_millis(50),
        node: node.into(),
        cancel: cancel.clone(),
    };
    (engine, cancel)
}

/// Messages of the broadcast `text` each customer got.
fn received(s: &Setup, text: &str) -> HashMap<i64, usize> {
    let mut counts = HashMap::new();
    for m in s.telegram.sent(BOT) {
        if m.chat_id != ADMIN_CHAT && m.text.as_deref() == Some(text) {
            *counts.entry(m.chat_id).or_default() += 1;
        }
    }
    counts
}

async fn status(s: &Setup, id: i64) -> BroadcastStatus {
    let mut tx = s.store.tenant(&s.scope).begin_read().await.unwrap();
    let status = tx.broadcast(BroadcastId::from_raw(id)).await.unwrap().unwrap().status;
    tx.commit().await.unwrap();
    status
}

async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_broadcast_reaches_everyone_once_with_progress_and_one_report() {
    let s = setup(40).await;
    let id = confirm(&s, "spring sale").await;
    let (engine, cancel) = new_engine(&s, "node-a");
    let running = tokio::spawn(engine.run());
    wait_for("the broadcast to end", async || status(&s, id).await == BroadcastStatus::Done).await;
    let got = received(&s, "spring sale");
    assert_eq!(got.len(), 40, "every customer");
    assert!(got.values().all(|n| *n == 1), "once each: {got:?}");
    let admin: Vec<_> = s.telegram.sent_to(BOT, ADMIN_CHAT);
    assert!(!admin.is_empty(), "a progress message in the admin's chat");
    wait_for("the report", async || {
        s.telegram.sent_to(BOT, ADMIN_CHAT).iter().any(|m| m.text.as_deref().unwrap_or_default().contains("40"))
    })
    .await;
    cancel.cancel();
    running.await.unwrap();
}

#[tokio::test]
async fn stopped_and_started_again_it_resumes_and_sends_nobody_twice() {
    let s = setup(200).await;
    let id = confirm(&s, "flash sale").await;
    let (engine, cancel) = new_engine(&s, "node-a");
    let running = tokio::spawn(engine.run());
    wait_for("some sends", async || received(&s, "flash sale").len() >= 20).await;
    cancel.cancel();
    running.await.unwrap();
    let before = received(&s, "flash sale").len();
    assert!(before < 200, "stopped mid-way ({before} sent)");
    assert_eq!(status(&s, id).await, BroadcastStatus::Running, "still to finish");

    let (engine, cancel) = new_engine(&s, "node-a");
    let running = tokio::spawn(engine.run());
    wait_for("the rest", async || status(&s, id).await == BroadcastStatus::Done).await;
    cancel.cancel();
    running.await.unwrap();
    let got = received(&s, "flash sale");
    assert!(got.values().all(|n| *n == 1), "nobody twice: {got:?}");
    assert_eq!(got.len(), 200, "a graceful stop leaves nothing in doubt");
}

#[tokio::test]
async fn a_bot_that_is_not_served_is_not_sent_for() {
    let s = setup(5).await;
    let id = confirm(&s, "hello").await;
    let (mut engine, cancel) = new_engine(&s, "node-a");
    engine.registry = Arc::new(Registry::default());
    let running = tokio::spawn(engine.run());
    tokio::time::sleep(Duration::from_millis(300)).await;
    cancel.cancel();
    running.await.unwrap();
    assert!(received(&s, "hello").is_empty());
    assert_eq!(status(&s, id).await, BroadcastStatus::Running, "released for a process that serves the bot");
}
