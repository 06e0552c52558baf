//! A handler that panics on one update (a bug) fails that update only: the
//! shard its chat hashes to keeps serving — the same chat's next updates are
//! answered — and the runtime stays up.

use bazar_domain::BotToken;
use bazar_runtime::{Handler, HandlerError, Mode, Outgoing, Runtime, RuntimeOptions, UpdateContext};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{DatabaseOptions, NewBot, Store};
use bazar_telegram::BotApi;
use bazar_telegram::requests::SendMessage;
use bazar_telegram::update::UpdateContent;
use bazar_testkit::telegram::FakeTelegram;
use bazar_testkit::telegram::updates::{self, FakeUser};
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;

/// Echoes texts, and panics on "boom".
struct Panicky;

impl Handler for Panicky {
    fn handle<'a>(&'a self, ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin(async move {
            let text = match &ctx.update.content {
                UpdateContent::Message(m) => m.text.clone().unwrap_or_default(),
                _ => String::new(),
            };
            assert_ne!(text, "boom", "a bug in a handler");
            let chat = ctx.chat.0;
            ctx.send(Outgoing::call(SendMessage::new(chat, format!("echo {text}"))));
            Ok(())
        })
    }
}

#[tokio::test]
async fn a_panicking_update_does_not_stop_its_shard() {
    let telegram = FakeTelegram::start().await;
    let token = telegram.add_bot(4401, "panicky_bot");
    let (url, _dir) = bazar_testkit::sqlite_url();
    let keyring = Keyring::new(MasterKey::generate(), vec![]);
    let store = Store::open(&DatabaseOptions::new(url), keyring).await.unwrap();
    let new = NewBot {
        token: BotToken::parse(&token).unwrap(),
        name: "Panicky".into(),
        username: Some("panicky_bot".into()),
        is_master: false,
        admins: vec![],
        owner: None,
    };
    store.platform(&platform()).add_bot(new).await.unwrap();
    let mut options = RuntimeOptions::new(Mode::Polling);
    // One shard: every chat shares it, so a dead shard would silence everyone.
    options.shards = 1;
    options.poll_timeout = Duration::from_secs(1);
    let runtime = Runtime::start(store.clone(), platform(), BotApi::new(&telegram.url()), options, Arc::new(Panicky))
        .await
        .unwrap();

    let user = FakeUser::new(77, "Sara");
    let other = FakeUser::new(78, "Reza");
    telegram.push_update(4401, updates::text(&user, "boom"));
    telegram.push_update(4401, updates::text(&user, "hello"));
    telegram.push_update(4401, updates::text(&other, "hi"));
    let wait = Duration::from_secs(20);
    let sent = telegram.wait_for_sent(4401, user.id, 1, wait).await;
    assert_eq!(sent[0].text.as_deref(), Some("echo hello"));
    let sent = telegram.wait_for_sent(4401, other.id, 1, wait).await;
    assert_eq!(sent[0].text.as_deref(), Some("echo hi"));
    // The panicking update is recorded as handled (failed), not retried forever.
    let pending = store.platform(&platform()).pending_updates(10).await.unwrap();
    assert!(pending.is_empty(), "{} updates still pending", pending.len());
    runtime.shutdown(Duration::from_secs(5)).await;
}

use crate::platform;
