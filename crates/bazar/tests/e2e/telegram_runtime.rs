//! The Telegram runtime end to end: the real `bazar serve` process against the
//! fake Bot API, in webhook and in polling mode, on SQLite and PostgreSQL.

use crate::helpers;

use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use serde_json::Value;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// Registers a bot with the CLI; returns (our bot id, Telegram bot id).
async fn add_bot(p: &Platform, telegram_id: i64, username: &str) -> (String, i64) {
    let token = p.telegram.add_bot(telegram_id, username);
    let out = p.run(&["bot", "add", "--token", &token, "--json"]).await;
    let v: Value = serde_json::from_str(out.ok().stdout.trim()).unwrap();
    (v["id"].to_string(), telegram_id)
}

fn buttons(message: &bazar_testkit::telegram::SentMessage) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(rows) = message.reply_markup.as_ref().and_then(|m| m["inline_keyboard"].as_array()) {
        for row in rows {
            for b in row.as_array().unwrap() {
                let data = b["callback_data"].as_str().unwrap_or_default().to_owned();
                out.push((b["text"].as_str().unwrap().to_owned(), data));
            }
        }
    }
    out
}

fn customers_of(p_list: &Value, id: &str) -> i64 {
    p_list.as_array().unwrap().iter().find(|b| b["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id)).unwrap()
        ["customers"]
        .as_i64()
        .unwrap()
}

async fn two_bots_one_user_webhooks(p: Platform) {
    let (a, tg_a) = add_bot(&p, 7001, "alpha_vpn_bot").await;
    let (b, tg_b) = add_bot(&p, 7002, "beta_vpn_bot").await;
    let server = p.serve_process(true).await;
    // Both webhooks registered, with a secret, pointing at this server.
    for tg in [tg_a, tg_b] {
        let deadline = std::time::Instant::now() + WAIT;
        while p.telegram.webhook_url(tg).is_none() {
            assert!(std::time::Instant::now() < deadline, "webhook never set:\n{}", server.logs());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(p.telegram.webhook_url(tg).unwrap().starts_with(&server.url()));
    }

    let user = FakeUser::new(424242, "Sara").with_language("ru");
    p.telegram.push_update(tg_a, updates::command(&user, "/start", None));
    p.telegram.push_update(tg_b, updates::command(&user, "/start", None));
    let in_a = p.telegram.wait_for_sent(tg_a, user.id, 1, WAIT).await;
    let in_b = p.telegram.wait_for_sent(tg_b, user.id, 1, WAIT).await;
    let greeting = in_a[0].text.clone().unwrap();
    assert!(greeting.contains("Добро пожаловать") && greeting.contains("Sara"), "{greeting}");
    assert!(in_b[0].text.as_deref().unwrap().contains("beta_vpn_bot"), "each bot speaks for its own shop");
    assert!(!greeting.contains("beta_vpn_bot"));

    // Two separate customers, one per bot.
    let list: Value = serde_json::from_str(p.run(&["bot", "list", "--json"]).await.ok().stdout.trim()).unwrap();
    assert_eq!(customers_of(&list, &a), 1);
    assert_eq!(customers_of(&list, &b), 1);

    // Language: open the picker, choose English; the choice is remembered in bot A only.
    let menu = &in_a[0];
    let (_, lang_data) = buttons(menu).into_iter().find(|(t, _)| t.contains("Язык")).expect("language button");
    p.telegram.push_update(tg_a, updates::callback(&user, menu.message_id, &lang_data));
    let picker = p.telegram.wait_for_sent(tg_a, user.id, 2, WAIT).await;
    assert_eq!(picker[1].method, "editmessagetext");
    let (_, en_data) = buttons(&picker[1]).into_iter().find(|(t, _)| t.contains("English")).expect("English");
    p.telegram.push_update(tg_a, updates::callback(&user, menu.message_id, &en_data));
    let switched = p.telegram.wait_for_sent(tg_a, user.id, 3, WAIT).await;
    assert!(switched[2].text.as_deref().unwrap().contains("main menu"), "{:?}", switched[2].text);
    assert_eq!(p.telegram.callback_answers(tg_a).len(), 2, "every press is answered");

    p.telegram.push_update(tg_a, updates::command(&user, "/start", None));
    let again = p.telegram.wait_for_sent(tg_a, user.id, 4, WAIT).await;
    assert!(again[3].text.as_deref().unwrap().starts_with("Welcome back"), "{:?}", again[3].text);
    p.telegram.push_update(tg_b, updates::command(&user, "/start", None));
    let b_again = p.telegram.wait_for_sent(tg_b, user.id, 2, WAIT).await;
    assert!(b_again[1].text.as_deref().unwrap().contains("С возвращением"), "bot B kept Russian");

    // A button of an older menu: friendly expiry and a fresh menu, not an error.
    p.telegram.push_update(tg_a, updates::callback(&user, menu.message_id, &lang_data));
    let fresh = p.telegram.wait_for_sent(tg_a, user.id, 5, WAIT).await;
    assert_eq!(fresh[4].method, "sendmessage");
    let answers = p.telegram.callback_answers(tg_a);
    assert!(answers.last().unwrap()["text"].as_str().unwrap().contains("expired"), "{answers:?}");

    // Replies never went out through the wrong token.
    assert!(p.telegram.sent(tg_a).iter().all(|m| m.bot_id == tg_a));
    assert_eq!(p.telegram.sent(tg_b).len(), 2);
    let logs = server.stop().await;
    assert!(!logs.contains(&p.telegram.add_bot(7001, "alpha_vpn_bot")[5..]), "token in logs");
}

async fn wrong_secret_and_inactive_bots(p: Platform) {
    let (a, tg_a) = add_bot(&p, 7101, "gamma_bot").await;
    let server = p.serve(true).await;
    let http = reqwest::Client::new();
    let user = FakeUser::new(5151, "Reza");
    let mut update = updates::command(&user, "/start", None);
    update["update_id"] = 1.into();
    let url = format!("{}/webhook/{a}", server.url());
    for secret in [None, Some("wrong-secret")] {
        let mut req = http.post(&url).json(&update);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        assert_eq!(req.send().await.unwrap().status(), 401);
    }
    // Unknown bot: acknowledged, dropped.
    let unknown = http.post(format!("{}/webhook/999", server.url())).json(&update).send().await.unwrap();
    assert_eq!(unknown.status(), 200);
    server.settled(&p, &[tg_a]).await;
    assert!(p.telegram.sent(tg_a).is_empty(), "nothing handled");

    // Disabled while running: the next update is not handled.
    p.run(&["bot", "disable", &a]).await.ok();
    server.reload().await;
    p.telegram.push_update(tg_a, updates::command(&user, "/start", None));
    server.settled(&p, &[tg_a]).await;
    assert!(p.telegram.sent(tg_a).is_empty(), "a disabled bot must not answer");
    // Enabled again: served again, without restart.
    p.run(&["bot", "enable", &a]).await.ok();
    server.reload().await;
    p.telegram.push_update(tg_a, updates::command(&user, "/start", None));
    p.telegram.wait_for_sent(tg_a, user.id, 1, WAIT).await;
    server.stop().await;
}

async fn polling_survives_restarts(p: Platform) {
    let (_, tg) = add_bot(&p, 7201, "delta_bot").await;
    let users: Vec<FakeUser> = (0..20).map(|i| FakeUser::new(9000 + i, "U")).collect();
    let server = p.serve(false).await;
    for u in &users[..10] {
        p.telegram.push_update(tg, updates::command(u, "/start", None));
    }
    for u in &users[..10] {
        p.telegram.wait_for_sent(tg, u.id, 1, WAIT).await;
    }
    server.stop().await;
    // Updates arriving while the server is down are picked up after the restart.
    for u in &users[10..] {
        p.telegram.push_update(tg, updates::command(u, "/start", None));
    }
    let server = p.serve_process(false).await;
    for u in &users {
        p.telegram.wait_for_sent(tg, u.id, 1, WAIT).await;
    }
    tokio::time::sleep(Duration::from_millis(1000)).await;
    for u in &users {
        assert_eq!(p.telegram.sent_to(tg, u.id).len(), 1, "update for {} handled twice or lost", u.id);
    }
    // kill -9 with updates provably in flight: Telegram holds the replies
    // (accepted, not answered), and the process dies while at least one is
    // open. No update lost, none handled twice.
    p.telegram.hold_sends();
    for u in &users {
        p.telegram.push_update(tg, updates::text(u, "hello"));
    }
    let deadline = std::time::Instant::now() + WAIT;
    while p.telegram.held_sends() == 0 {
        assert!(std::time::Instant::now() < deadline, "no reply ever left:\n{}", server.logs());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    p.telegram.release_sends();
    let server = p.serve(false).await;
    let total = 40;
    let deadline = std::time::Instant::now() + WAIT;
    while p.count("SELECT COUNT(*) FROM telegram_updates WHERE status = 'handled'").await < total {
        assert!(std::time::Instant::now() < deadline, "updates lost:\n{}", server.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(p.count("SELECT COUNT(*) FROM telegram_updates").await, total, "each update stored once");
    assert_eq!(p.telegram.pending_updates(tg), 0, "every update confirmed to Telegram");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for u in &users {
        // Replies are sent after the commit; one queued at the moment of the kill can be lost, never doubled.
        assert!(p.telegram.sent_to(tg, u.id).len() <= 2, "update for {} answered twice", u.id);
    }
    server.stop().await;
}

on_both_backends!(two_bots_one_user_webhooks, wrong_secret_and_inactive_bots, polling_survives_restarts);

#[tokio::test]
async fn replies_arrive_after_telegram_says_429() {
    use bazar_testkit::telegram::{FakeOptions, FakeTelegram};
    let mut p = Platform::sqlite().await;
    // A fake far stricter than Telegram (2 messages/s per bot) forces 429 answers.
    p.telegram = FakeTelegram::start_with(FakeOptions { per_bot_per_second: 2, ..FakeOptions::default() }).await;
    p.env.retain(|(k, _)| k != "BAZAR_TELEGRAM_API_URL");
    p.env.push(("BAZAR_TELEGRAM_API_URL".into(), p.telegram.url()));
    let (_, tg) = add_bot(&p, 7301, "epsilon_bot").await;
    let server = p.serve(true).await;
    let users: Vec<FakeUser> = (0..6).map(|i| FakeUser::new(8800 + i, "L")).collect();
    for u in &users {
        p.telegram.push_update(tg, updates::command(u, "/start", None));
    }
    for u in &users {
        p.telegram.wait_for_sent(tg, u.id, 1, Duration::from_secs(30)).await;
    }
    assert!(p.telegram.too_many_requests_for(tg) >= 1, "the fake never said 429");
    for u in &users {
        assert_eq!(p.telegram.sent_to(tg, u.id).len(), 1);
    }
    server.stop().await;
}
