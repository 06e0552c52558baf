//! Sending, editing, files, answers: what users would see.

use super::*;
use bazar_testkit::telegram::updates::{self, FakeUser};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn sent_messages_are_realistic_and_recorded() {
    let (fake, token) = fake(no_limits()).await;
    let keyboard = json!({"inline_keyboard": [[{"text": "Buy", "callback_data": "buy:1"}]]});
    let first =
        ok(&fake, &token, "sendMessage", json!({"chat_id": 1001, "text": "Menu", "reply_markup": keyboard})).await;
    // The fields every Bot API `Message` has, with their types.
    assert_eq!((first["message_id"].as_i64(), first["chat"]["id"].as_i64()), (Some(1), Some(1001)));
    assert_eq!((first["from"]["id"].as_i64(), first["from"]["is_bot"].as_bool()), (Some(BOT), Some(true)));
    assert!(first["date"].as_i64().is_some_and(|d| d > 0) && first["from"]["first_name"].is_string(), "{first}");
    assert_eq!((first["chat"]["type"].as_str(), &first["reply_markup"]), (Some("private"), &keyboard));

    let second = ok(&fake, &token, "sendMessage", json!({"chat_id": 1001, "text": "More"})).await;
    let group = ok(&fake, &token, "sendMessage", json!({"chat_id": -100123, "text": "Hi all"})).await;
    assert_eq!((second["message_id"].as_i64(), group["message_id"].as_i64()), (Some(2), Some(1)));
    assert_eq!(group["chat"]["type"], "supergroup");

    // A reply keyboard is recorded but, as on Telegram, not echoed.
    let reply_kb = json!({"keyboard": [[{"text": "Catalog"}]], "resize_keyboard": true});
    let third =
        ok(&fake, &token, "sendMessage", json!({"chat_id": 1001, "text": "Pick", "reply_markup": reply_kb})).await;
    assert!(third.get("reply_markup").is_none());

    let sent = fake.wait_for_sent(BOT, 1001, 3, Duration::from_secs(1)).await;
    assert_eq!(sent.iter().map(|m| m.text.as_deref().unwrap()).collect::<Vec<_>>(), ["Menu", "More", "Pick"]);
    assert_eq!((sent[0].reply_markup.as_ref(), sent[2].reply_markup.as_ref()), (Some(&keyboard), Some(&reply_kb)));
    assert_eq!((fake.sent(BOT).len(), fake.all_sent().len(), fake.sent_count()), (4, 4, 4));

    let invoice = json!({"chat_id": 1001, "title": "Tea", "description": "Green tea", "payload": "order:1",
        "currency": "XTR", "prices": [{"label": "Tea", "amount": 50}]});
    let message = ok(&fake, &token, "sendInvoice", invoice).await;
    let invoice = &message["invoice"];
    assert_eq!((invoice["total_amount"].as_i64(), invoice["currency"].as_str()), (Some(50), Some("XTR")));
    assert_eq!((invoice["title"].as_str(), invoice["start_parameter"].as_str()), (Some("Tea"), Some("")));
}

#[tokio::test]
async fn edits_update_the_message_and_are_recorded() {
    let (fake, token) = fake(no_limits()).await;
    let keyboard = json!({"inline_keyboard": [[{"text": "Buy", "callback_data": "buy:1"}]]});
    ok(&fake, &token, "sendMessage", json!({"chat_id": 5, "text": "Tea: 50", "reply_markup": keyboard})).await;
    let edited =
        ok(&fake, &token, "editMessageText", json!({"chat_id": 5, "message_id": 1, "text": "Tea: sold out"})).await;
    assert_eq!(edited["text"], "Tea: sold out");
    assert!(edited.get("reply_markup").is_none(), "no reply_markup removes the keyboard");
    assert!(edited["edit_date"].as_i64().is_some());

    let (status, body) =
        call(&fake, &token, "editMessageText", json!({"chat_id": 5, "message_id": 1, "text": "Tea: sold out"})).await;
    assert_eq!(status, 400);
    assert!(body["description"].as_str().unwrap().starts_with("Bad Request: message is not modified"));
    let (status, body) =
        call(&fake, &token, "editMessageText", json!({"chat_id": 5, "message_id": 99, "text": "x"})).await;
    assert_eq!((status, body["description"].as_str()), (400, Some("Bad Request: message to edit not found")));

    ok(&fake, &token, "editMessageReplyMarkup", json!({"chat_id": 5, "message_id": 1, "reply_markup": keyboard})).await;
    let current = fake.message(BOT, 5, 1).unwrap();
    assert_eq!((current["text"].as_str(), &current["reply_markup"]), (Some("Tea: sold out"), &keyboard));

    let methods: Vec<_> = fake.sent_to(BOT, 5).into_iter().map(|m| (m.method, m.message_id, m.text)).collect();
    assert_eq!(
        methods,
        [
            ("sendmessage".to_owned(), 1, Some("Tea: 50".to_owned())),
            ("editmessagetext".to_owned(), 1, Some("Tea: sold out".to_owned())),
            ("editmessagereplymarkup".to_owned(), 1, Some("Tea: sold out".to_owned())),
        ]
    );
    assert_eq!(ok(&fake, &token, "deleteMessage", json!({"chat_id": 5, "message_id": 1})).await, json!(true));
    assert!(fake.message(BOT, 5, 1).is_none());
    assert_eq!(call(&fake, &token, "deleteMessage", json!({"chat_id": 5, "message_id": 1})).await.0, 400);
}

#[tokio::test]
async fn multipart_photo_upload_then_get_file_and_download() {
    let (fake, token) = fake(no_limits()).await;
    let image = b"\xff\xd8\xff\xe0 not really a jpeg \r\n--tricky-- \xff\xd9".to_vec();
    let keyboard = r#"{"inline_keyboard":[[{"text":"Order","callback_data":"order"}]]}"#;
    let (boundary, body) = multipart(
        &[("chat_id", "1001"), ("caption", "Fresh tea"), ("reply_markup", keyboard)],
        ("photo", "tea.jpg", "image/jpeg", &image),
    );
    let response: Value = reqwest::Client::new()
        .post(format!("{}/bot{token}/sendPhoto", fake.url()))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = &response["result"];
    assert_eq!(
        (message["caption"].as_str(), message["reply_markup"]["inline_keyboard"][0][0]["text"].as_str()),
        (Some("Fresh tea"), Some("Order"))
    );
    let largest = message["photo"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(largest["file_size"].as_u64(), Some(image.len() as u64));

    let sent = fake.sent_to(BOT, 1001).pop().unwrap();
    assert_eq!((sent.method.as_str(), sent.text.as_deref()), ("sendphoto", Some("Fresh tea")));
    assert_eq!(
        sent.params["photo"],
        json!({"file_name": "tea.jpg", "file_size": image.len(), "mime_type": "image/jpeg"})
    );
    assert_eq!(sent.reply_markup.unwrap()["inline_keyboard"][0][0]["callback_data"], "order");

    let file = ok(&fake, &token, "getFile", json!({"file_id": largest["file_id"]})).await;
    assert_eq!(file["file_size"].as_u64(), Some(image.len() as u64));
    let url = format!("{}/file/bot{token}/{}", fake.url(), file["file_path"].as_str().unwrap());
    let downloaded = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert_eq!(&downloaded[..], &image[..]);

    // Resending by file_id reuses the file; unknown ids are refused.
    let again = ok(&fake, &token, "sendPhoto", json!({"chat_id": 1001, "photo": largest["file_id"]})).await;
    assert_eq!(again["photo"][2]["file_id"], largest["file_id"]);
    let (status, body) = call(&fake, &token, "getFile", json!({"file_id": "nope"})).await;
    assert_eq!((status, body["description"].as_str()), (400, Some("Bad Request: invalid file_id")));

    // Files the test registers, e.g. for a photo a user sends.
    fake.add_file(BOT, "USERPHOTO", b"user bytes".to_vec());
    let file = ok(&fake, &token, "getFile", json!({"file_id": "USERPHOTO"})).await;
    let url = format!("{}/file/bot{token}/{}", fake.url(), file["file_path"].as_str().unwrap());
    assert_eq!(&reqwest::get(url).await.unwrap().bytes().await.unwrap()[..], b"user bytes");
}

#[tokio::test]
async fn queries_are_answered_once_and_payments_refunded_once() {
    let (fake, token) = fake(no_limits()).await;
    let alice = FakeUser::new(1001, "Alice");
    fake.push_update(BOT, updates::callback(&alice, 1, "buy:1"));
    fake.push_update(BOT, updates::pre_checkout(&alice, "XTR", 50, "order:1"));
    fake.push_update(BOT, updates::successful_payment(&alice, "XTR", 50, "order:1", "charge-1"));
    let got = ok(&fake, &token, "getUpdates", json!({})).await;
    let callback_id = got[0]["callback_query"]["id"].clone();
    let query_id = got[1]["pre_checkout_query"]["id"].clone();

    ok(&fake, &token, "answerCallbackQuery", json!({"callback_query_id": callback_id, "text": "Added"})).await;
    assert_eq!(call(&fake, &token, "answerCallbackQuery", json!({"callback_query_id": callback_id})).await.0, 400);
    assert_eq!(fake.callback_answers(BOT)[0]["text"], "Added");

    ok(&fake, &token, "answerPreCheckoutQuery", json!({"pre_checkout_query_id": query_id, "ok": true})).await;
    assert_eq!(fake.pre_checkout_answers(BOT).len(), 1);

    let refund = json!({"user_id": 1001, "telegram_payment_charge_id": "charge-1"});
    ok(&fake, &token, "refundStarPayment", refund.clone()).await;
    let (status, body) = call(&fake, &token, "refundStarPayment", refund).await;
    assert_eq!((status, body["description"].as_str()), (400, Some("Bad Request: CHARGE_ALREADY_REFUNDED")));

    let commands = json!([{"command": "start", "description": "Open the shop"}]);
    ok(&fake, &token, "setMyCommands", json!({"commands": commands})).await;
    assert_eq!(fake.my_commands(BOT, ""), Some(commands.clone()));
    assert_eq!(ok(&fake, &token, "getMyCommands", json!({})).await, commands);
}

#[tokio::test]
#[should_panic(expected = "wait_for_sent: bot 4242 delivered 1 message(s) to chat 3")]
async fn wait_for_sent_panics_with_what_was_sent() {
    let (fake, token) = fake(no_limits()).await;
    ok(&fake, &token, "sendMessage", json!({"chat_id": 3, "text": "only one"})).await;
    fake.wait_for_sent(BOT, 3, 2, Duration::from_millis(100)).await;
}

/// Telegram's length limits, measured as Telegram does: UTF-16 units of the
/// text shown (after `parse_mode: HTML`), so a fake that counted characters or
/// raw bytes would accept what Telegram refuses (or refuse what it accepts).
#[tokio::test]
async fn texts_and_captions_over_telegrams_limits_are_refused() {
    let (fake, token) = fake(no_limits()).await;
    let refused = |body: &Value| body["description"].as_str().unwrap_or_default().to_owned();

    // 2,048 emoji are 4,096 units: accepted; one more is too long, though only 2,049 characters.
    ok(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "😀".repeat(2048)})).await;
    let (status, body) = call(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "😀".repeat(2049)})).await;
    assert_eq!((status, refused(&body).as_str()), (400, "Bad Request: message is too long"));
    // Tags do not count and `&lt;` counts one, so this long HTML is fine …
    let html = format!("<b>{}</b>", "&lt;".repeat(4096));
    ok(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": html, "parse_mode": "HTML"})).await;
    // … but the same as plain text is 18,000 characters.
    let (status, _) = call(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": html})).await;
    assert_eq!(status, 400);
    // HTML Telegram cannot parse is refused.
    let (status, body) =
        call(&fake, &token, "sendMessage", json!({"chat_id": 1, "text": "<b>open", "parse_mode": "HTML"})).await;
    assert_eq!(status, 400);
    assert!(refused(&body).starts_with("Bad Request: can't parse entities"), "{body}");

    // Captions: 1,024 units. Persian letters are one unit each.
    let photo = |caption: String| json!({"chat_id": 1, "photo": "https://example.com/a.jpg", "caption": caption});
    ok(&fake, &token, "sendPhoto", photo("ب".repeat(1024))).await;
    let (status, body) = call(&fake, &token, "sendPhoto", photo(format!("{}😀", "ب".repeat(1023)))).await;
    assert_eq!((status, refused(&body).as_str()), (400, "Bad Request: message caption is too long"));
    let (status, body) =
        call(&fake, &token, "editMessageText", json!({"chat_id": 1, "message_id": 1, "text": "x".repeat(4097)})).await;
    assert_eq!((status, refused(&body).as_str()), (400, "Bad Request: message is too long"));

    // Invoices: title 32, description 255.
    let invoice = |title: &str, description: &str| {
        json!({"chat_id": 1, "title": title, "description": description, "payload": "p",
            "currency": "XTR", "prices": [{"label": "x", "amount": 1}]})
    };
    ok(&fake, &token, "sendInvoice", invoice(&"T".repeat(32), &"D".repeat(255))).await;
    assert_eq!(call(&fake, &token, "sendInvoice", invoice(&"T".repeat(33), "d")).await.0, 400);
    assert_eq!(call(&fake, &token, "sendInvoice", invoice("t", &"D".repeat(256))).await.0, 400);

    // Every bad request is on record for the test to see.
    let refusals = fake.refusals(BOT);
    assert_eq!(refusals.len(), 7, "{refusals:?}");
    assert_eq!(refusals[0].method, "sendmessage");
    assert!(refusals.iter().any(|r| r.description == "Bad Request: message caption is too long"));
}
