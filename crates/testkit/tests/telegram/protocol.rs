//! Envelopes, encodings and the errors every client must handle.

use super::*;
use serde_json::json;

#[tokio::test]
async fn get_me_in_every_encoding_and_case() {
    let (fake, token) = fake(no_limits()).await;
    let me = ok(&fake, &token, "getMe", json!({})).await;
    assert_eq!(
        me,
        json!({"id": BOT, "is_bot": true, "first_name": "test_shop_bot shop", "username": "test_shop_bot",
        "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false})
    );

    let client = reqwest::Client::new();
    let get: Value = client.get(format!("{}/bot{token}/GETME", fake.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(get["result"]["id"], BOT);

    // Form values stay text, JSON-looking ones are parsed.
    let form: Value = client
        .post(format!("{}/bot{token}/sendMessage?chat_id=7", fake.url()))
        .form(&[("text", "42"), ("reply_markup", r#"{"inline_keyboard":[[{"text":"Buy","callback_data":"b"}]]}"#)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(form["result"]["text"], "42");
    assert_eq!(form["result"]["reply_markup"]["inline_keyboard"][0][0]["text"], "Buy");
    let call = fake.calls_of("sendmessage").pop().unwrap();
    assert_eq!((call.params["chat_id"].as_str(), call.params["text"].as_str()), (Some("7"), Some("42")));
    assert_eq!(fake.calls_of("getme").len(), 2);
}

#[tokio::test]
async fn unauthorized_unknown_method_and_bad_requests() {
    let (fake, token) = fake(no_limits()).await;
    let (status, body) = call(&fake, "1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "getMe", json!({})).await;
    assert_eq!((status, body), (401, json!({"ok": false, "error_code": 401, "description": "Unauthorized"})));

    let (status, body) = call(&fake, &token, "noSuchMethod", json!({})).await;
    assert_eq!((status, body["description"].as_str()), (404, Some("Not Found: method not found")));

    let (status, body) = call(&fake, &token, "sendMessage", json!({"text": "hi"})).await;
    assert_eq!((status, body["description"].as_str()), (400, Some("Bad Request: chat_id is empty")));
    let (status, body) = call(&fake, &token, "sendMessage", json!({"chat_id": 5})).await;
    assert_eq!((status, body["description"].as_str()), (400, Some("Bad Request: message text is empty")));
    assert!(body.get("parameters").is_none());

    fake.revoke_bot(BOT);
    assert_eq!(call(&fake, &token, "getMe", json!({})).await.0, 401);
    assert_eq!(fake.sent_count(), 0);
}
