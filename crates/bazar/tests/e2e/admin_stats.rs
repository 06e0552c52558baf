//! Statistics for a tenant's admins, end to end: the chart arrives as a real
//! PNG with a summary in the admin's language, only admins get it, and the
//! daily summary reaches the admin chat once a day — also across a restart.

use crate::helpers;

use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{WAIT, button, say};
use serde_json::Value;
use std::time::{Duration, Instant};

const TG: i64 = 9601;
const ADMIN: i64 = 7601;
const ADMIN_CHAT: i64 = -100_7601;

/// Runs a statement with full visibility (setup only).
async fn exec(p: &Platform, sql: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
    let _ = sqlx::Connection::close(conn).await;
}

/// Downloads a file the bot sent, as Telegram would serve it.
async fn download(p: &Platform, token: &str, file_id: &str) -> Vec<u8> {
    let url = p.telegram.url();
    let info: Value =
        reqwest::get(format!("{url}/bot{token}/getFile?file_id={file_id}")).await.unwrap().json().await.unwrap();
    let path = info["result"]["file_path"].as_str().unwrap_or_else(|| panic!("getFile: {info}")).to_owned();
    reqwest::get(format!("{url}/file/bot{token}/{path}")).await.unwrap().bytes().await.unwrap().to_vec()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

async fn stats_chart(p: Platform) {
    let token = p.telegram.add_bot(TG, "stats_shop_bot");
    let out = p.run(&["bot", "add", "--token", &token, "--admin", &ADMIN.to_string(), "--json"]).await;
    let _id: Value = serde_json::from_str(out.ok().stdout.trim()).unwrap();
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    let customers: Vec<FakeUser> = (0..3).map(|i| FakeUser::new(5600 + i, "Customer").with_language("en")).collect();
    for customer in &customers {
        say(&p, TG, customer, updates::command(customer, "/start", None)).await;
    }
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let before = p.telegram.sent_to(TG, ADMIN).len();
    p.telegram.push_update(TG, updates::callback(&admin, home.message_id, &button(&home, "Statistics")));
    let sent = p.telegram.wait_for_sent(TG, ADMIN, before + 2, WAIT).await;
    let screen = sent.iter().find(|m| m.method == "editmessagetext").cloned().expect("the period screen");
    assert!(screen.text.as_deref().unwrap_or_default().contains("choose a period"), "{screen:?}");
    let photo = sent.iter().find(|m| m.method == "sendphoto").unwrap_or_else(|| panic!("no chart in {sent:?}"));
    let caption = photo.text.clone().unwrap_or_default();
    assert!(caption.contains("Last 30 days"), "{caption}");
    // Three customers and the admin started the bot.
    assert!(caption.contains("Customers: 4 (new: 4)"), "{caption}");
    let message = p.telegram.message(TG, ADMIN, photo.message_id).expect("the chart message");
    let sizes = message["photo"].as_array().unwrap_or_else(|| panic!("a photo message: {message}"));
    let file_id = sizes.last().and_then(|s| s["file_id"].as_str()).unwrap().to_owned();
    let (width, height) = png_size(&download(&p, &token, &file_id).await);
    assert_eq!((width, height), (960, 600));

    // Another period from the same screen.
    let before = p.telegram.sent_to(TG, ADMIN).len();
    p.telegram.push_update(TG, updates::callback(&admin, screen.message_id, &button(&screen, "7 days")));
    let sent = p.telegram.wait_for_sent(TG, ADMIN, before + 2, WAIT).await;
    assert!(sent.iter().any(|m| m.text.as_deref().unwrap_or_default().contains("Last 7 days")), "{sent:?}");

    // A customer pressing the admin's button (data copied into their own chat,
    // with their own current menu generation) is refused, and gets no chart.
    let customer = &customers[0];
    let menu = say(&p, TG, customer, updates::command(customer, "/start", None)).await;
    let theirs = button(&menu, "Buy");
    let generation = theirs.split('.').nth(1).unwrap();
    let stats_data = button(&home, "Statistics");
    let mut parts: Vec<&str> = stats_data.split('.').collect();
    parts[1] = generation;
    let forged = parts.join(".");
    let answers = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(customer, menu.message_id, &forged));
    let deadline = Instant::now() + WAIT;
    while p.telegram.callback_answers(TG).len() == answers {
        assert!(Instant::now() < deadline, "the forged press was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let answer = p.telegram.callback_answers(TG).last().cloned().unwrap();
    assert!(answer["text"].as_str().unwrap_or_default().contains("Only this shop's admins"), "{answer}");
    server.settled(&p, &[TG]).await;
    assert!(p.telegram.sent_to(TG, customer.id).iter().all(|m| m.method != "sendphoto"), "no chart for a customer");
}

async fn daily_summary(mut p: Platform) {
    let token = p.telegram.add_bot(TG, "summary_shop_bot");
    let out = p.run(&["bot", "add", "--token", &token, "--admin", &ADMIN.to_string(), "--json"]).await;
    let id = serde_json::from_str::<Value>(out.ok().stdout.trim()).unwrap()["id"].to_string();
    p.run(&["config", "set", &id, "admin_chat_id", "--", &ADMIN_CHAT.to_string()]).await.ok();
    // A forum group: the summary goes to the admins' topic.
    p.run(&["config", "set", &id, "admin_topic_id", "42"]).await.ok();
    // The admin chat is written to in the shop's default language.
    p.run(&["config", "set", &id, "default_language", "en"]).await.ok();
    // The tenant existed yesterday, and summaries go out from midnight on.
    exec(&p, "UPDATE bots SET created_at = created_at - 2 * 86400000").await;
    for (key, value) in p.env.iter_mut() {
        if key == "BAZAR_DAILY_SUMMARY_HOUR" {
            *value = "0".into();
        }
    }
    let server = p.serve(true).await;
    let summary = helpers::chat::wait_for_text(&p, TG, ADMIN_CHAT, "Daily summary").await;
    assert_eq!(summary.params["message_thread_id"].as_i64(), Some(42), "{:?}", summary.params);
    let text = summary.text.unwrap();
    assert!(text.contains("Receipts waiting: 0") && text.contains("Open tickets: 0"), "{text}");
    server.stop().await;
    // A restart (and a second process) schedule nothing more for the same day.
    let server = p.serve(true).await;
    server.settled(&p, &[TG]).await;
    assert_eq!(helpers::chat::count_texts(&p, TG, ADMIN_CHAT, "Daily summary"), 1);
    assert_eq!(p.count("SELECT COUNT(*) FROM daily_summaries").await, 1);
    server.stop().await;
}

on_both_backends!(stats_chart, daily_summary);
