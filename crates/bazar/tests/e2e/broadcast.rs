//! Broadcasts end to end: the real `bazar serve` against the fake Telegram
//! with Telegram's limits on, on SQLite and PostgreSQL. An admin composes a
//! message with a URL button, picks an audience (the counts are checked
//! against the customers made for it), previews and confirms; every targeted
//! customer gets it exactly once, customers known to have blocked the bot or
//! banned are skipped, those who block it meanwhile are recorded, the
//! progress message is edited and a report sent. Cancelling stops it; a
//! `kill -9` mid-way and a restart (of the same `node_id`) resume it at once
//! without sending anyone the message twice.

use crate::helpers;

use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const TG: i64 = 7301;
const ADMIN: i64 = 730;
/// Telegram ids of the bulk customers start here.
const FIRST: i64 = 20_000_000;

/// What kind of customer number `i` is (same rule on every side of the test).
fn active(i: i64) -> bool {
    i % 5 == 0
}
fn expired(i: i64) -> bool {
    i % 5 == 1 || i % 5 == 2 // paid and expired, or only an expired trial
}
fn never_bought(i: i64) -> bool {
    i % 5 >= 2
}
fn known_blocked(i: i64) -> bool {
    i % 50 == 7
}
fn banned(i: i64) -> bool {
    i % 50 == 9
}
fn reachable(i: i64) -> bool {
    !known_blocked(i) && !banned(i)
}

/// Executes statements with full visibility (test setup only).
async fn exec(p: &Platform, statements: &[String]) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    for sql in statements {
        sqlx::query(sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
    let _ = sqlx::Connection::close(conn).await;
}

/// `n` customers of bot `bot` with subscriptions, blocks and bans following the rules above.
async fn add_customers(p: &Platform, bot: &str, n: i64) {
    let mut statements = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let blocked = if known_blocked(*i) { "1" } else { "NULL" };
                let banned = if banned(*i) { "TRUE" } else { "FALSE" };
                format!("({bot}, {}, 'C{i}', 'en', {banned}, {blocked}, 1, 1)", FIRST + i)
            })
            .collect();
        statements.push(format!(
            "INSERT INTO customers (bot_id, telegram_id, first_name, language, banned, blocked_at, created_at, last_seen_at) \
             VALUES {}",
            rows.join(", ")
        ));
    }
    let subscription = |trial: &str, status: &str, rest: i64| {
        format!(
            "INSERT INTO subscriptions (bot_id, customer_id, is_trial, status, duration_days, price, currency, \
             purchase_key, created_at, updated_at) SELECT bot_id, id, {trial}, '{status}', 30, 1000, 'IRT', \
             'k' || id, 1, 1 FROM customers WHERE bot_id = {bot} AND telegram_id >= {FIRST} \
             AND (telegram_id - {FIRST}) % 5 = {rest}"
        )
    };
    statements.push(subscription("FALSE", "active", 0));
    statements.push(subscription("FALSE", "expired", 1));
    statements.push(subscription("TRUE", "expired", 2));
    exec(p, &statements).await;
}

/// Messages of the bot to `chat` whose text or caption contains `needle`.
fn got(p: &Platform, chat: i64, needle: &str) -> Vec<SentMessage> {
    p.telegram
        .sent_to(TG, chat)
        .into_iter()
        .filter(|m| {
            let caption = m.params.get("caption").and_then(|c| c.as_str()).unwrap_or_default();
            m.text.as_deref().unwrap_or_default().contains(needle) || caption.contains(needle)
        })
        .collect()
}

/// The first message to the admin after the first `after` ones whose text contains `needle`,
/// waiting at most `limit` (progress edits of a running broadcast interleave with screens).
async fn admin_text(p: &Platform, after: usize, needle: &str, limit: Duration) -> SentMessage {
    let deadline = Instant::now() + limit;
    loop {
        let found = p.telegram.sent_to(TG, ADMIN).into_iter().skip(after).find(|m| {
            let caption = m.params.get("caption").and_then(|c| c.as_str()).unwrap_or_default();
            m.text.as_deref().unwrap_or_default().contains(needle) || caption.contains(needle)
        });
        if let Some(m) = found {
            return m;
        }
        assert!(Instant::now() < deadline, "no message containing {needle:?} to the admin");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The admin presses `label` on `message`; returns the next message containing `needle`.
async fn admin_press(p: &Platform, admin: &FakeUser, message: &SentMessage, label: &str, needle: &str) -> SentMessage {
    let after = p.telegram.sent_to(TG, ADMIN).len();
    let data = helpers::chat::button(message, label);
    p.telegram.push_update(TG, updates::callback(admin, message.message_id, &data));
    admin_text(p, after, needle, WAIT).await
}

/// The admin sends `update`; returns the next message containing `needle`.
async fn admin_says(p: &Platform, update: serde_json::Value, needle: &str) -> SentMessage {
    let after = p.telegram.sent_to(TG, ADMIN).len();
    p.telegram.push_update(TG, update);
    admin_text(p, after, needle, WAIT).await
}

const WAIT: Duration = Duration::from_secs(20);

/// Waits until `done` holds, at most `limit`.
async fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The admin opens the broadcast area and composes `text`; returns the draft screen.
async fn compose(p: &Platform, admin: &FakeUser, text: &str) -> SentMessage {
    let home = say(p, TG, admin, updates::command(admin, "/admin", None)).await;
    let area = press(p, TG, admin, &home, "Broadcast").await;
    let ask = press(p, TG, admin, &area, "New broadcast").await;
    assert!(ask.text.as_deref().unwrap().contains("Send the message"), "{ask:?}");
    say(p, TG, admin, updates::text(admin, text)).await
}

/// From a draft screen: audience `audience` → preview → confirm. Returns the preview.
async fn send_to(p: &Platform, admin: &FakeUser, draft: &SentMessage, audience: &str) -> SentMessage {
    let audiences = press(p, TG, admin, draft, "Choose the audience").await;
    let after = p.telegram.sent_to(TG, ADMIN).len();
    let preview = press(p, TG, admin, &audiences, audience).await;
    let confirm = admin_text(p, after, "This is the preview", WAIT).await;
    let started = press(p, TG, admin, &confirm, "Send to").await;
    assert!(started.text.as_deref().unwrap().contains("started"), "{started:?}");
    preview
}

async fn compose_preview_confirm(p: Platform) {
    let (id, _) = p.add_shop(TG, "bc_shop_bot", &[ADMIN]).await;
    let n = 240;
    add_customers(&p, &id, n).await;
    // Two customers blocked the bot without us knowing yet: Telegram answers 403.
    let newly_blocked = [FIRST + 3, FIRST + 4];
    for chat in newly_blocked {
        p.telegram.block_chat(TG, chat);
    }
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;

    // Compose, with a button: a bad one is refused with the question again.
    let draft = compose(&p, &admin, "Big sale: 50% off every plan!").await;
    assert!(draft.text.as_deref().unwrap().contains("Draft #"), "{draft:?}");
    let ask = press(&p, TG, &admin, &draft, "Set a button").await;
    assert!(ask.text.as_deref().unwrap().contains("Label |"), "{ask:?}");
    let refused = say(&p, TG, &admin, updates::text(&admin, "Open | http://insecure.example")).await;
    assert!(refused.text.as_deref().unwrap().contains("https://"), "{refused:?}");
    let draft = say(&p, TG, &admin, updates::text(&admin, "Open the shop | https://shop.example.com/sale")).await;
    assert!(draft.text.as_deref().unwrap().contains("https://shop.example.com/sale"), "{draft:?}");

    // The audience screen counts who can be reached in each audience (the admin is a customer too).
    let audiences = press(&p, TG, &admin, &draft, "Choose the audience").await;
    let count = |rule: fn(i64) -> bool| (0..n).filter(|i| rule(*i) && reachable(*i)).count();
    let labels: Vec<String> = audiences.reply_markup.as_ref().unwrap()["inline_keyboard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[0]["text"].as_str().unwrap().to_owned())
        .collect();
    let expect = [
        format!("All customers ({})", count(|_| true) + 1),
        format!("With an active subscription ({})", count(active)),
        format!("Subscription expired ({})", count(expired)),
        format!("Never bought ({})", count(never_bought) + 1),
    ];
    assert_eq!(&labels[..4], &expect, "{labels:?}");

    // Preview: exactly what customers get, to the admin; then confirm (twice: starts once).
    let after = p.telegram.sent_to(TG, ADMIN).len();
    let preview = press(&p, TG, &admin, &audiences, "With an active").await;
    assert_eq!(preview.text.as_deref(), Some("Big sale: 50% off every plan!"));
    let url = &preview.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["url"];
    assert_eq!(url, "https://shop.example.com/sale");
    let confirm = admin_text(&p, after, "This is the preview", WAIT).await;
    assert!(confirm.text.as_deref().unwrap().contains(&format!("{} customers", count(active))), "{confirm:?}");
    let started = press(&p, TG, &admin, &confirm, "Send to").await;
    assert!(started.text.as_deref().unwrap().contains("started"), "{started:?}");
    let again = helpers::chat::button(&confirm, "Send to");
    p.telegram.push_update(TG, updates::callback(&admin, confirm.message_id, &again));

    let report = admin_text(&p, 0, "finished", Duration::from_secs(60)).await;
    let text = report.text.clone().unwrap();
    assert!(text.contains(&format!("Sent: {}", count(active))), "{text}");
    for i in 0..n {
        let messages = got(&p, FIRST + i, "Big sale");
        let want = usize::from(active(i) && reachable(i));
        assert_eq!(messages.len(), want, "customer {i}: {messages:?}");
    }
    assert_eq!(p.count("SELECT COUNT(*) FROM broadcasts WHERE status = 'running'").await, 0);
    assert_eq!(p.count("SELECT COUNT(*) FROM broadcasts").await, 1, "the second Confirm started nothing");

    // All customers now: known-blocked and banned ones are skipped, the two who
    // blocked meanwhile are recorded as blocked (and marked so), everyone else gets it once.
    let draft = compose(&p, &admin, "Second note").await;
    send_to(&p, &admin, &draft, "All customers").await;
    let report = admin_text(&p, 0, "#2 finished", Duration::from_secs(60)).await;
    let text = report.text.clone().unwrap();
    let skipped = (0..n).filter(|i| !reachable(*i)).count();
    assert!(text.contains(&format!("Skipped (blocked or banned before): {skipped}")), "{text}");
    assert!(text.contains("Blocked the bot: 2"), "{text}");
    assert!(text.contains(&format!("Sent: {}", n as usize - skipped - 2 + 1)), "{text}");
    for i in 0..n {
        let want = usize::from(reachable(i) && !newly_blocked.contains(&(FIRST + i)));
        assert_eq!(got(&p, FIRST + i, "Second note").len(), want, "customer {i}");
    }
    let exact = got(&p, ADMIN, "Second note").iter().filter(|m| m.text.as_deref() == Some("Second note")).count();
    assert_eq!(exact, 2, "the preview and the delivery (besides the draft screen)");
    let blocked_now = p
        .count(&format!(
            "SELECT COUNT(*) FROM customers WHERE telegram_id IN ({}, {}) AND blocked_at IS NOT NULL",
            newly_blocked[0], newly_blocked[1]
        ))
        .await;
    assert_eq!(blocked_now, 2);

    // The progress message was sent once and edited in place.
    let progress = got(&p, ADMIN, "Broadcast #2 —");
    assert!(progress.iter().any(|m| m.method.eq_ignore_ascii_case("editmessagetext")), "{progress:?}");
    assert_eq!(progress.iter().filter(|m| m.method.eq_ignore_ascii_case("sendmessage")).count(), 1);
    assert_eq!(p.telegram.too_many_requests(), 0, "paced under Telegram's limits");
    server.stop().await;
}

async fn photo_and_cancel(p: Platform) {
    let (id, _) = p.add_shop(TG, "bc_cancel_bot", &[ADMIN]).await;
    let n = 400;
    add_customers(&p, &id, n).await;
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    p.telegram.add_file(TG, "promo_photo", vec![1, 2, 3]);

    let home = say(&p, TG, &admin, updates::command(&admin, "/admin", None)).await;
    let area = press(&p, TG, &admin, &home, "Broadcast").await;
    press(&p, TG, &admin, &area, "New broadcast").await;
    let draft = say(&p, TG, &admin, updates::photo(&admin, "promo_photo", Some("Photo promo"))).await;
    assert!(draft.text.as_deref().unwrap().contains("photo"), "{draft:?}");
    let preview = send_to(&p, &admin, &draft, "All customers").await;
    assert!(preview.method.eq_ignore_ascii_case("sendphoto"), "{preview:?}");

    let delivered = || (0..n).filter(|i| !got(&p, FIRST + i, "Photo promo").is_empty()).count();
    wait_until(Duration::from_secs(30), "the first deliveries", || delivered() >= 40).await;
    // The admin finds it through the menus while it runs (progress edits interleave).
    let home = admin_says(&p, updates::command(&admin, "/admin", None), "Admin").await;
    let area = admin_press(&p, &admin, &home, "Broadcast", "Broadcasts —").await;
    let list = admin_press(&p, &admin, &area, "Recent", "Recent broadcasts").await;
    let view = admin_press(&p, &admin, &list, "#1", "Audience").await;
    assert!(view.text.as_deref().unwrap().contains("sending"), "{view:?}");
    let cancelled = admin_press(&p, &admin, &view, "Cancel the broadcast", "Audience").await;
    assert!(cancelled.text.as_deref().unwrap().contains("cancelled"), "{cancelled:?}");
    let report = admin_text(&p, 0, "was cancelled", Duration::from_secs(30)).await;
    let after_report = delivered();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(delivered(), after_report, "nothing is sent after the report");
    let reachable_count = (0..n).filter(|i| reachable(*i)).count() + 1;
    assert!(after_report < reachable_count - 100, "cancel stopped it early: {after_report}");
    let text = report.text.unwrap();
    assert!(
        text.contains(&format!("Sent: {}", after_report + 1)) || text.contains(&format!("Sent: {after_report}")),
        "{text}"
    );
    assert!(!text.contains("Not sent: 0"), "{text}");
    assert_eq!(p.count("SELECT COUNT(*) FROM broadcast_deliveries WHERE status = 'sending'").await, 0);
    assert_eq!(p.telegram.too_many_requests(), 0);
    server.stop().await;
}

async fn kill_and_resume(p: Platform) {
    // The restarted process is the same node: it takes its broadcast back at once.
    let mut p = p;
    p.env.push(("BAZAR_NODE_ID".into(), "bc-node".into()));
    let (id, _) = p.add_shop(TG, "bc_resume_bot", &[ADMIN]).await;
    let n = 450;
    add_customers(&p, &id, n).await;
    let server = p.serve_process(true).await;
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;
    let draft = compose(&p, &admin, "Survives kill -9").await;
    send_to(&p, &admin, &draft, "All customers").await;

    let delivered = || (0..n).filter(|i| !got(&p, FIRST + i, "Survives").is_empty()).count();
    wait_until(Duration::from_secs(30), "a third of the deliveries", || delivered() >= 150).await;
    server.kill();
    let at_kill = delivered();
    let server = p.serve(true).await;
    let restarted = Instant::now();
    wait_until(WAIT, "the broadcast to resume", || delivered() > at_kill).await;
    // Its lease (10 s) has not run out: this node took it back.
    assert!(restarted.elapsed() < Duration::from_secs(5), "resumed only {:?} after the restart", restarted.elapsed());
    let report = admin_text(&p, 0, "finished", Duration::from_secs(90)).await;
    let text = report.text.unwrap();

    let mut per_chat: HashMap<i64, usize> = HashMap::new();
    for i in 0..n {
        per_chat.insert(i, got(&p, FIRST + i, "Survives").len());
    }
    let twice: Vec<_> = per_chat.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "nobody gets it twice: {twice:?}");
    let missed = (0..n).filter(|i| reachable(*i) && per_chat[i] == 0).count() as i64;
    let unknown = p.count("SELECT COUNT(*) FROM broadcast_deliveries WHERE status = 'unknown'").await;
    assert!(missed <= unknown, "only rows in doubt at the crash may be missing: {missed} > {unknown}");
    assert!(unknown <= 30, "a crash leaves at most two batches (one second of sends) in doubt: {unknown}");
    assert_eq!(p.count("SELECT COUNT(*) FROM broadcast_deliveries WHERE status IN ('pending', 'sending')").await, 0);
    assert!(delivered() > at_kill, "it resumed after the restart");
    assert!(text.contains(&format!("Unknown (interrupted by a restart, not repeated): {unknown}")), "{text}");
    // The progress message of the first process is the one edited after the restart.
    let progress_sends =
        got(&p, ADMIN, "Broadcast #1 —").iter().filter(|m| m.method.eq_ignore_ascii_case("sendmessage")).count();
    assert_eq!(progress_sends, 1);
    assert_eq!(p.telegram.too_many_requests(), 0);
    server.stop().await;
}

on_both_backends!(compose_preview_confirm, photo_and_cancel, kill_and_resume);
