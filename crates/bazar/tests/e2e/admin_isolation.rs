//! The admin menus never cross tenants, on both databases: tenant B's admins
//! press every op of every admin area with each of tenant A's object ids
//! (customer, subscription, plan, card, promo code, ticket, payment) and a few
//! arguments, as current buttons of their own chats. A's rows stay exactly as
//! they were, nothing sent to B's admins names anything of A, and A's
//! customers are sent nothing. A customer pressing an admin button (with a
//! current menu generation of their own chat) is refused and changes nothing.

use crate::helpers;

use bazar_bot::callback::{Action, AdminArea, AdminOp, encode};
use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say, wait_for_text};
use sqlx::{Column, Row};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const TG_A: i64 = 8101;
const TG_B: i64 = 8102;
const ADMIN_A: i64 = 810_100;
const CUSTOMER_A: i64 = 5_550_123;
/// B's admins walk in parallel: each chat's messages are paced to about one a second.
const WALKERS: i64 = 12;
const FIRST_WALKER: i64 = 820_000;

/// Every management area with the op letters it uses. Must equal each area's
/// `OPS`: the unit test `admin::manage::tests::isolation_walk_covers_every_op`
/// in crates/bot reads this list.
const WALK: &[(AdminArea, &str)] = &[
    (AdminArea::Customers, "hlsvbw"),
    (AdminArea::Subscriptions, "hlvedxry"),
    (AdminArea::Plans, "hlvaetcuwoxyr"),
    (AdminArea::Cards, "hlvat"),
    (AdminArea::Settings, "htcer"),
    (AdminArea::Promos, "hlvat"),
    (AdminArea::Tickets, "hlvrc"),
];

/// Areas walked with every letter a button may carry (their ops are not listed
/// here): the master bot's and onboarding (refused outside the master bot),
/// statistics, broadcasts and the shop's admins.
const EVERY_LETTER: &[AdminArea] =
    &[AdminArea::Master, AdminArea::Onboarding, AdminArea::Stats, AdminArea::Broadcast, AdminArea::Admins];

/// Arguments pressed with each id.
const ARGS: &[u64] = &[0, 1, 2];

/// A's rows, as text, table by table.
const A_TABLES: &[&str] = &[
    "customers",
    "wallets",
    "ledger_entries",
    "subscriptions",
    "bot_plans",
    "payment_cards",
    "promo_codes",
    "promo_redemptions",
    "tickets",
    "ticket_messages",
    "payments",
    "payment_events",
    "bot_feature_flags",
    "bot_configurations",
    "bot_admins",
    "subscription_notices",
    "conversation_states",
];

fn text(message: &SentMessage) -> String {
    message.text.clone().unwrap_or_default()
}

/// Every row of A's tables (and A's `bots` row and jobs), rendered, for before/after comparison.
async fn dump(p: &Platform, a: &str, tables: &[&str]) -> String {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    let mut out = String::new();
    let queries = tables.iter().map(|t| format!("SELECT * FROM {t} WHERE bot_id = {a} ORDER BY 1, 2")).chain([
        format!("SELECT id, status, settings_version FROM bots WHERE id = {a}"),
        format!("SELECT id, kind, status FROM jobs WHERE bot_id = {a} ORDER BY id"),
    ]);
    for sql in queries {
        out.push_str(&format!("# {sql}\n"));
        for row in sqlx::query(&sql).fetch_all(&mut conn).await.unwrap() {
            for (i, column) in row.columns().iter().enumerate() {
                let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
                    format!("{v:?}")
                } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                    format!("{v:?}")
                } else {
                    "<other>".to_owned()
                };
                out.push_str(&format!("{}={value} ", column.name()));
            }
            out.push('\n');
        }
    }
    let _ = sqlx::Connection::close(conn).await;
    out
}

async fn ids(p: &Platform, sql: &str) -> Vec<u64> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap();
    let _ = sqlx::Connection::close(conn).await;
    ids.into_iter().map(|i| i as u64).collect()
}

/// The menu generation of a keyboard (`v1.<generation>.…`).
fn generation(message: &SentMessage) -> u64 {
    let data = message.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"].as_str().unwrap();
    u64::from_str_radix(data.split('.').nth(1).unwrap(), 36).unwrap()
}

/// Tenant A with one object of every kind, B with its admins only.
async fn world(p: &mut Platform) -> (String, String, FakeRemnawave, helpers::Server, Vec<String>) {
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let a = p.add_shop(TG_A, "zq7_admin_shop_bot", &[ADMIN_A]).await.0;
    let walkers: Vec<i64> = (0..WALKERS).map(|i| FIRST_WALKER + i).collect();
    let b = p.add_shop(TG_B, "bee_admin_shop_bot", &walkers).await.0;
    for (bot, chat) in [(&a, ADMIN_A), (&b, FIRST_WALKER)] {
        p.run(&["config", "set", bot, "admin_chat_id", &chat.to_string()]).await.ok();
        p.run(&["config", "set", bot, "default_language", "en"]).await.ok();
    }
    let squad = panel.default_squad();
    p.run(&["plan", "add", &a, "--name", "Zq7 Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    let number = bazar_testkit::card_number("610433987654321");
    p.run(&["card", "add", &a, "--number", &number, "--holder", "Zq7 Holder", "--daily-cap", "10000000"]).await.ok();
    p.run(&["promo", "add", &a, "ZQ7GIFT", "--percent", "10", "--max-uses", "5"]).await.ok();
    let server = p.serve_process(true).await;

    let user = FakeUser::new(CUSTOMER_A, "Alice Zq7").with_username("zq7_alice").with_language("en");
    let menu = say(p, TG_A, &user, updates::command(&user, "/start", None)).await;
    p.run(&["wallet", "adjust", &a, &CUSTOMER_A.to_string(), "150000", "--reason", "zq7 gift"]).await.ok();
    let plans = press(p, TG_A, &user, &menu, "Buy").await;
    let summary = press(p, TG_A, &user, &plans, "Zq7 Monthly").await;
    press(p, TG_A, &user, &summary, "Pay").await;
    wait_for_text(p, TG_A, CUSTOMER_A, "ready until").await;
    let menu = say(p, TG_A, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(p, TG_A, &user, &menu, "Wallet").await;
    let methods = press(p, TG_A, &user, &wallet, "Top up").await;
    press(p, TG_A, &user, &methods, "Card to card").await;
    say(p, TG_A, &user, updates::text(&user, "50000")).await;
    say(p, TG_A, &user, updates::text(&user, "zq7 receipt 998877")).await;
    wait_for_text(p, TG_A, ADMIN_A, "998877").await;
    let menu = say(p, TG_A, &user, updates::command(&user, "/start", None)).await;
    press(p, TG_A, &user, &menu, "Write to support").await;
    say(p, TG_A, &user, updates::text(&user, "zq7 my VPN is slow")).await;
    wait_for_text(p, TG_A, ADMIN_A, "zq7 my VPN is slow").await;

    let masked = format!("{}******{}", &number[..6], &number[12..]);
    let secrets = vec![
        "Zq7".to_owned(),
        "zq7".to_owned(),
        "ZQ7".to_owned(),
        CUSTOMER_A.to_string(),
        number.clone(),
        masked,
        "998877".to_owned(),
    ];
    (a, b, panel, server, secrets)
}

async fn walk_b_against_a(mut p: Platform) {
    let (a, b, _panel, server, secrets) = world(&mut p).await;
    let mut a_ids: BTreeSet<u64> = BTreeSet::new();
    for table in ["customers", "subscriptions", "bot_plans", "payment_cards", "promo_codes", "tickets", "payments"] {
        a_ids.extend(ids(&p, &format!("SELECT id FROM {table} WHERE bot_id = {a}")).await);
    }
    assert!(!a_ids.is_empty());

    // Each of B's admins opens B's /admin: its chat now has a current menu generation.
    let mut walkers = Vec::new();
    for i in 0..WALKERS {
        let admin = FakeUser::new(FIRST_WALKER + i, format!("Walker {i}")).with_language("en");
        let home = say(&p, TG_B, &admin, updates::command(&admin, "/admin", None)).await;
        assert!(text(&home).contains("Admin"), "{home:?}");
        walkers.push((admin, home));
    }

    let before = dump(&p, &a, A_TABLES).await;
    let sent_by_a = p.telegram.sent(TG_A).len();
    let answers_b = p.telegram.callback_answers(TG_B).len();
    let handled_before =
        p.count(&format!("SELECT COUNT(*) FROM telegram_updates WHERE bot_id = {b} AND status <> 'pending'")).await;

    // Every press, dealt out to the walkers in turn.
    let letters: Vec<char> = ('0'..='9').chain('a'..='z').chain('A'..='Z').collect();
    let mut presses: Vec<(AdminArea, char, u64, u64)> = Vec::new();
    let walked_ids: Vec<u64> = a_ids.iter().copied().chain([0, u64::MAX]).collect();
    for (area, ops) in WALK {
        for op in ops.chars() {
            for id in &walked_ids {
                for arg in ARGS.iter().copied().chain([*id]) {
                    presses.push((*area, op, *id, arg));
                }
            }
        }
    }
    for area in EVERY_LETTER {
        for op in &letters {
            for id in &walked_ids {
                presses.push((*area, *op, *id, 0));
            }
        }
    }
    let started = Instant::now();
    let total = presses.len();
    for (n, (area, op, id, arg)) in presses.into_iter().enumerate() {
        let (admin, home) = &walkers[n % walkers.len()];
        let data = encode(generation(home), Action::Admin(area, AdminOp::with(op, id, arg)));
        p.telegram.push_update(TG_B, updates::callback(admin, home.message_id, &data));
    }
    // Every press is handled before the last /admin goes out: Telegram
    // delivers a bot's updates over several connections at once, so an
    // /admin pushed right behind the presses could overtake one of its chat
    // and turn that press stale. (Handled, not answered: a delivery that
    // outlives Telegram's webhook timeout is handled, but the answer that
    // rode in its reply is gone and the redelivery is a repeat.)
    let handled = format!("SELECT COUNT(*) FROM telegram_updates WHERE bot_id = {b} AND status <> 'pending'");
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let done = p.count(&handled).await;
        if done >= handled_before + total as i64 {
            break;
        }
        assert!(Instant::now() < deadline, "only {} of {total} presses handled", done - handled_before);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A last /admin in each chat: once it is answered, everything before it was handled and sent.
    for (admin, home) in &walkers {
        p.telegram.push_update(TG_B, updates::command(admin, "/admin", None));
        // A liveness bound (the walk is long: every op of every area), not a speed test.
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            let done = p
                .telegram
                .sent_to(TG_B, admin.id)
                .iter()
                .any(|m| m.method == "sendmessage" && m.message_id > home.message_id && text(m).contains("Admin"));
            if done {
                break;
            }
            if Instant::now() > deadline {
                let sent = p.telegram.sent_to(TG_B, admin.id);
                let mut kinds = std::collections::BTreeMap::new();
                for m in &sent {
                    let key = format!("{} {}", m.method, text(m).chars().take(30).collect::<String>());
                    *kinds.entry(key).or_insert(0) += 1;
                }
                let logs = server.logs();
                let tail: Vec<&str> =
                    logs.lines().filter(|l| !l.contains(" INFO ") && !l.contains("not modified")).take(30).collect();
                panic!(
                    "walker {} did not finish after {:?}: {} deliveries, pending {}, {kinds:#?}\n{}",
                    admin.id,
                    started.elapsed(),
                    p.telegram.webhook_deliveries(TG_B).len(),
                    p.telegram.pending_updates(TG_B),
                    tail.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    eprintln!("{total} presses walked in {:?}", started.elapsed());

    // Every press was a current button: none was answered with a fresh main menu ("expired").
    for (admin, _) in &walkers {
        let expired = p.telegram.sent_to(TG_B, admin.id).iter().filter(|m| text(m).contains("main menu")).count();
        assert_eq!(expired, 0, "walker {} got a main menu: a press was not current", admin.id);
    }
    assert!(p.telegram.callback_answers(TG_B).len() > answers_b, "the presses were answered");

    // B's own admins were never banned (an admin cannot be), so every walker kept walking.
    let banned_b = p.count(&format!("SELECT COUNT(*) FROM customers WHERE bot_id = {b} AND banned = TRUE")).await;
    assert_eq!(banned_b, 0);

    // A is untouched and unmentioned.
    assert_eq!(dump(&p, &a, A_TABLES).await, before, "A's rows changed");
    assert_eq!(p.telegram.sent(TG_A).len(), sent_by_a, "A's bot sent something");
    for m in p.telegram.sent(TG_B) {
        let shown = format!("{} {}", text(&m), m.reply_markup.as_ref().map(|k| k.to_string()).unwrap_or_default());
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "B's admin was shown {secret:?}: {shown}");
        }
    }
    for answer in p.telegram.callback_answers(TG_B) {
        let shown = answer.to_string();
        for secret in &secrets {
            assert!(!shown.contains(secret.as_str()), "B's admin was told {secret:?}: {shown}");
        }
    }

    // A's customer presses admin buttons with a current generation of their own chat: refused, nothing changes.
    let user = FakeUser::new(CUSTOMER_A, "Alice Zq7").with_username("zq7_alice").with_language("en");
    let menu = say(&p, TG_A, &user, updates::command(&user, "/start", None)).await;
    let data_tables: Vec<&str> =
        A_TABLES.iter().copied().filter(|t| !matches!(*t, "customers" | "conversation_states")).collect();
    let before = dump(&p, &a, &data_tables).await;
    let refusals = |p: &Platform| {
        p.telegram
            .callback_answers(TG_A)
            .iter()
            .filter(|a| a["text"].as_str().unwrap_or_default().contains("admins"))
            .count()
    };
    let refused_before = refusals(&p);
    let customer_id =
        ids(&p, &format!("SELECT id FROM customers WHERE bot_id = {a} AND telegram_id = {CUSTOMER_A}")).await[0];
    let plan_id = ids(&p, &format!("SELECT id FROM bot_plans WHERE bot_id = {a}")).await[0];
    let forged = [
        Action::AdminHome,
        Action::AdminReceipts,
        Action::Admin(AdminArea::Customers, AdminOp::with('b', customer_id, 1)),
        Action::Admin(AdminArea::Customers, AdminOp::with('v', customer_id, 0)),
        Action::Admin(AdminArea::Plans, AdminOp::with('t', plan_id, 0)),
        Action::Admin(AdminArea::Settings, AdminOp::with('t', 3, 0)),
        Action::Admin(AdminArea::Promos, AdminOp::new('h')),
        Action::Admin(AdminArea::Tickets, AdminOp::new('h')),
    ];
    for action in forged {
        let data = encode(generation(&menu), action);
        p.telegram.push_update(TG_A, updates::callback(&user, menu.message_id, &data));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while refusals(&p) < refused_before + forged.len() {
        assert!(Instant::now() < deadline, "the customer's presses were not all refused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(dump(&p, &a, &data_tables).await, before, "a customer changed A through an admin button");
    let banned = p.count(&format!("SELECT COUNT(*) FROM customers WHERE bot_id = {a} AND banned = TRUE")).await;
    assert_eq!(banned, 0);
    for m in p.telegram.sent_to(TG_A, CUSTOMER_A).iter().filter(|m| m.message_id >= menu.message_id) {
        assert!(!text(m).contains("Customers (page"), "a customer saw an admin screen: {m:?}");
    }
}

on_both_backends!(walk_b_against_a);
