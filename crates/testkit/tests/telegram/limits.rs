//! Flood limits (429), blocked chats (403), injected failures.

use super::*;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn per_chat_limit_answers_429_with_retry_after() {
    let (fake, token) = fake(FakeOptions::default()).await;
    ok(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "one"})).await;
    let (status, body) = call(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "two"})).await;
    assert_eq!(status, 429);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})
    );
    // Another chat is fine, the refused message was not sent, and sendChatAction is not a message.
    ok(&fake, &token, "sendMessage", json!({"chat_id": 2, "text": "other"})).await;
    ok(&fake, &token, "sendChatAction", json!({"chat_id": 1, "action": "typing"})).await;
    assert_eq!(fake.sent_to(BOT, 1).len(), 1);
    assert_eq!((fake.too_many_requests(), fake.too_many_requests_for(BOT), fake.too_many_requests_for(1)), (1, 1, 0));
}

#[tokio::test]
async fn per_chat_interval_elapses() {
    let options = FakeOptions { per_chat_interval: Duration::from_millis(200), ..FakeOptions::default() };
    let (fake, token) = fake(options).await;
    ok(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "one"})).await;
    assert_eq!(call(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "early"})).await.0, 429);
    tokio::time::sleep(Duration::from_millis(250)).await;
    ok(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "later"})).await;
}

#[tokio::test]
async fn per_bot_limit_counts_a_rolling_second() {
    let options = FakeOptions { per_bot_per_second: 5, ..FakeOptions::default() };
    let (fake, token) = fake(options).await;
    let other = fake.add_bot(777, "other_bot");
    for chat in 1..=5 {
        ok(&fake, &token, "sendMessage", json!({"chat_id": chat, "text": "hi"})).await;
    }
    let (status, body) = call(&fake, &token, "sendMessage", json!({"chat_id": 6, "text": "hi"})).await;
    assert_eq!((status, body["parameters"]["retry_after"].as_u64()), (429, Some(1)));
    // Limits are per bot.
    ok(&fake, &other, "sendMessage", json!({"chat_id": 6, "text": "hi"})).await;
    assert_eq!((fake.too_many_requests_for(BOT), fake.too_many_requests_for(777)), (1, 0));
}

#[tokio::test]
async fn blocked_chat_answers_403() {
    let (fake, token) = fake(no_limits()).await;
    fake.block_chat(BOT, 9);
    let (status, body) = call(&fake, &token, "sendMessage", json!({"chat_id": 9, "text": "hi"})).await;
    assert_eq!((status, body["description"].as_str()), (403, Some("Forbidden: bot was blocked by the user")));
    assert!(fake.sent_to(BOT, 9).is_empty());
    fake.unblock_chat(BOT, 9);
    ok(&fake, &token, "sendMessage", json!({"chat_id": 9, "text": "hi"})).await;
}

#[tokio::test]
async fn fail_next_injects_errors_without_performing() {
    let (fake, token) = fake(no_limits()).await;
    fake.fail_next("sendMessage", 502, 2);
    for _ in 0..2 {
        let (status, body) = call(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "hi"})).await;
        assert_eq!(body, json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}));
        assert_eq!(status, 502);
    }
    assert_eq!(fake.sent_count(), 0);
    ok(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "hi"})).await;
    assert_eq!(fake.sent_count(), 1);
    assert_eq!(fake.calls_of("sendmessage").len(), 3);

    fake.fail_next("getme", 500, 1);
    let (status, body) = call(&fake, &token, "getMe", json!({})).await;
    assert_eq!((status, body["description"].as_str()), (500, Some("Internal Server Error")));
}
