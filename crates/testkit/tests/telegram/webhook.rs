//! Webhook delivery: secret header, retries, info, replies with a method.

use super::*;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bazar_testkit::telegram::updates::{self, FakeUser};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the test receiver saw: (secret header, update).
type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A webhook receiver on 127.0.0.1 that fails the first `failures` requests with 500
/// and answers the others with `reply`.
async fn receiver(failures: usize, reply: Value) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route(
        "/hook",
        post({
            let seen = seen.clone();
            move |headers: HeaderMap, axum::Json(update): axum::Json<Value>| async move {
                let secret = headers.get("x-telegram-bot-api-secret-token").map(|v| v.to_str().unwrap().to_owned());
                seen.lock().unwrap().push((secret, update));
                if count.fetch_add(1, Ordering::SeqCst) < failures {
                    (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(json!({})))
                } else {
                    (StatusCode::OK, axum::Json(reply.clone()))
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn delivers_with_secret_including_updates_queued_before() {
    let (fake, token) = fake(no_limits()).await;
    let (url, seen) = receiver(0, json!({})).await;
    let alice = FakeUser::new(1001, "Alice");
    fake.push_update(BOT, updates::text(&alice, "before"));
    ok(&fake, &token, "setWebhook", json!({"url": url, "secret_token": "s3cr3t_-X", "allowed_updates": ["message"]}))
        .await;
    assert_eq!(fake.webhook_url(BOT).as_deref(), Some(url.as_str()));
    fake.push_update(BOT, updates::text(&alice, "after"));
    wait_until("two deliveries", || seen.lock().unwrap().len() == 2).await;
    let seen = seen.lock().unwrap().clone();
    let mut texts: Vec<_> = seen.iter().map(|(_, u)| u["message"]["text"].as_str().unwrap().to_owned()).collect();
    texts.sort();
    assert_eq!(texts, ["after", "before"]);
    assert!(seen.iter().all(|(secret, _)| secret.as_deref() == Some("s3cr3t_-X")));
    wait_until("no pending", || fake.pending_updates(BOT) == 0).await;

    let info = ok(&fake, &token, "getWebhookInfo", json!({})).await;
    assert_eq!(info["url"], url.as_str());
    assert_eq!(
        (info["has_custom_certificate"].as_bool(), info["pending_update_count"].as_i64()),
        (Some(false), Some(0))
    );
    assert_eq!((info["max_connections"].as_i64(), &info["allowed_updates"]), (Some(40), &json!(["message"])));

    let (status, body) = call(&fake, &token, "setWebhook", json!({"url": url, "secret_token": "no spaces"})).await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: bad webhook: secret token contains unallowed characters"))
    );
}

#[tokio::test]
async fn retries_a_failing_endpoint_with_backoff() {
    let (fake, token) = fake(no_limits()).await;
    let (url, seen) = receiver(2, json!({})).await;
    ok(&fake, &token, "setWebhook", json!({"url": url})).await;
    let id = fake.push_update(BOT, updates::text(&FakeUser::new(7, "Bob"), "retry me"));
    wait_until("three attempts", || fake.webhook_deliveries(BOT).len() == 3).await;
    let attempts = fake.webhook_deliveries(BOT);
    assert!(attempts.iter().all(|a| a.update_id == id));
    assert_eq!(attempts.iter().map(|a| a.status).collect::<Vec<_>>(), [Some(500), Some(500), Some(200)]);
    assert!(attempts[1].at - attempts[0].at >= Duration::from_millis(100));
    assert!(attempts[2].at - attempts[1].at >= Duration::from_millis(200));
    assert!(seen.lock().unwrap().iter().all(|(secret, _)| secret.is_none()));
    wait_until("no pending", || fake.pending_updates(BOT) == 0).await;
    let info = ok(&fake, &token, "getWebhookInfo", json!({})).await;
    assert!(info["last_error_message"].as_str().unwrap().contains("500"), "{info}");
}

#[tokio::test]
async fn a_webhook_reply_with_a_method_is_executed() {
    let (fake, token) = fake(no_limits()).await;
    let (url, _seen) = receiver(0, json!({"method": "sendMessage", "chat_id": 1001, "text": "pong"})).await;
    ok(&fake, &token, "setWebhook", json!({"url": url})).await;
    fake.push_update(BOT, updates::text(&FakeUser::new(1001, "Alice"), "ping"));
    let sent = fake.wait_for_sent(BOT, 1001, 1, Duration::from_secs(3)).await;
    assert_eq!(sent[0].text.as_deref(), Some("pong"));
}

#[tokio::test]
async fn without_retry_a_failed_delivery_is_dropped() {
    let (fake, token) = fake(FakeOptions { webhook_retry: false, ..no_limits() }).await;
    let (url, _seen) = receiver(usize::MAX, json!({})).await;
    ok(&fake, &token, "setWebhook", json!({"url": url, "max_connections": 1})).await;
    fake.push_update(BOT, updates::text(&FakeUser::new(7, "Bob"), "once"));
    wait_until("the attempt", || fake.webhook_deliveries(BOT).len() == 1).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(fake.webhook_deliveries(BOT).len(), 1);
    assert_eq!(fake.pending_updates(BOT), 0);
    let info = ok(&fake, &token, "getWebhookInfo", json!({})).await;
    assert_eq!(info["max_connections"], 1);
}
