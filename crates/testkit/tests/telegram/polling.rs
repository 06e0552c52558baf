//! getUpdates: long polling, offsets, conflicts.

use super::*;
use bazar_testkit::telegram::updates::{self, FakeUser};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn long_poll_receives_a_pushed_update_and_offset_confirms() {
    let (fake, token) = fake(no_limits()).await;
    let fake = std::sync::Arc::new(fake);
    let poll = {
        let (fake, token) = (fake.clone(), token.clone());
        tokio::spawn(async move { ok(&fake, &token, "getUpdates", json!({"timeout": 5})).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let alice = FakeUser::new(1001, "Alice");
    assert_eq!(fake.push_update(BOT, updates::text(&alice, "hello")), 1);
    let got = poll.await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "long poll answered late");
    assert_eq!((got[0]["update_id"].as_i64(), got[0]["message"]["text"].as_str()), (Some(1), Some("hello")));

    // Not confirmed yet: served again.
    assert_eq!(fake.push_update(BOT, updates::text(&alice, "second")), 2);
    assert_eq!(ok(&fake, &token, "getUpdates", json!({})).await.as_array().unwrap().len(), 2);
    // offset = last + 1 confirms both.
    assert_eq!(ok(&fake, &token, "getUpdates", json!({"offset": 2, "limit": 1})).await[0]["update_id"], 2);
    assert_eq!(fake.pending_updates(BOT), 1);
    assert_eq!(ok(&fake, &token, "getUpdates", json!({"offset": 3})).await, json!([]));
    assert_eq!(fake.pending_updates(BOT), 0);
}

#[tokio::test]
async fn newer_get_updates_terminates_the_older_long_poll() {
    let (fake, token) = fake(no_limits()).await;
    let fake = std::sync::Arc::new(fake);
    let older = {
        let (fake, token) = (fake.clone(), token.clone());
        tokio::spawn(async move { call(&fake, &token, "getUpdates", json!({"timeout": 5})).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let newer = ok(&fake, &token, "getUpdates", json!({"timeout": 1})).await;
    assert_eq!(newer, json!([]));
    assert!(started.elapsed() >= Duration::from_millis(900), "timeout must be honoured");
    let (status, body) = older.await.unwrap();
    assert_eq!(status, 409);
    assert_eq!(
        body["description"],
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    );
}

#[tokio::test]
async fn webhook_forbids_get_updates_until_deleted_and_loses_nothing() {
    let (fake, token) = fake(no_limits()).await;
    // Nothing listens on port 9: deliveries fail and are retried.
    ok(&fake, &token, "setWebhook", json!({"url": "http://127.0.0.1:9/hook"})).await;
    let id = fake.push_update(BOT, updates::text(&FakeUser::new(1, "A"), "undelivered"));
    let (status, body) = call(&fake, &token, "getUpdates", json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(
        body["description"],
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );
    assert_eq!(fake.pending_updates(BOT), 1);
    ok(&fake, &token, "deleteWebhook", json!({})).await;
    assert_eq!(fake.webhook_url(BOT), None);
    // The update whose delivery was in progress comes back to getUpdates.
    let got = ok(&fake, &token, "getUpdates", json!({"timeout": 3})).await;
    assert_eq!((got[0]["update_id"].as_i64(), got[0]["message"]["text"].as_str()), (Some(id), Some("undelivered")));
    assert!(fake.webhook_deliveries(BOT).iter().all(|d| d.status.is_none()));
    ok(&fake, &token, "deleteWebhook", json!({"drop_pending_updates": true})).await;
    assert_eq!(fake.pending_updates(BOT), 0);
}
