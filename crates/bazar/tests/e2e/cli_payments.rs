//! The operator's payment commands as the real binary: cards (never shown in
//! full), the Zarinpal merchant id (never shown at all), payments, and Stars
//! refunds against the fake Bot API.

use crate::helpers;

use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::{Platform, Run};
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

const MERCHANT: &str = "1344b5d4-0048-11e8-94db-005056a205be";
const IBAN: &str = "IR062960000000100324200001";

/// The same number with its last digit changed: fails the check digit.
fn broken(number: &str) -> String {
    let last = number.as_bytes()[15] - b'0';
    format!("{}{}", &number[..15], (last + 1) % 10)
}

async fn add_bot(p: &Platform, telegram_id: i64) -> String {
    let token = p.telegram.add_bot(telegram_id, &format!("pay_cli_{telegram_id}_bot"));
    let added = p.run(&["bot", "add", "--token", &token, "--json"]).await;
    serde_json::from_str::<Value>(added.ok().stdout.trim()).unwrap()["id"].to_string()
}

/// Runs `bazar ARGS…` with `input` on standard input.
async fn run_with_stdin(p: &Platform, args: &[&str], input: &str) -> Run {
    let mut cmd = p.command(args);
    let input = input.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs a statement with full visibility (test set-up only) and returns the id it yields.
async fn insert(p: &Platform, sql: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    let id: i64 = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
    let _ = sqlx::Connection::close(conn).await;
    id
}

fn assert_hidden(runs: &[&Run], secret: &str) {
    for run in runs {
        assert!(!run.stdout.contains(secret), "{secret} leaked to stdout: {}", run.stdout);
        assert!(!run.stderr.contains(secret), "{secret} leaked to stderr: {}", run.stderr);
    }
}

async fn cards_are_checked_and_masked(p: Platform) {
    let id = add_bot(&p, 8301).await;
    let number = bazar_testkit::card_number("603799123456789");
    let masked = format!("603799******{}", &number[12..]);
    let grouped = format!("{} {} {} {}", &number[..4], &number[4..8], &number[8..12], &number[12..]);
    let mut seen = Vec::new();

    // Bad input: one error line, exit 1, nothing stored.
    let bad = p.run(&["card", "add", &id, "--number", &broken(&number), "--holder", "Ali Rezaei"]).await;
    bad.fails_with("check digit");
    assert_eq!(bad.code, 1);
    seen.push(bad);
    seen.push(p.run(&["card", "add", &id, "--number", "6037 99", "--holder", "Ali"]).await);
    seen.last().unwrap().fails_with("16 digits");
    seen.push(p.run(&["card", "add", &id, "--number", &number, "--holder", "  "]).await);
    seen.last().unwrap().fails_with("--holder");
    seen.push(p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali", "--iban", "IR00123"]).await);
    seen.last().unwrap().fails_with("--iban");
    seen.push(p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali", "--weight", "0"]).await);
    seen.last().unwrap().fails_with("--weight");
    seen.push(p.run(&["card", "add", &id, "--number", &number, "--holder", "Ali", "--daily-cap", "lots"]).await);
    seen.last().unwrap().fails_with("--daily-cap");
    seen.push(p.run(&["card", "add", "999", "--number", &number, "--holder", "Ali"]).await);
    seen.last().unwrap().fails_with("no bot with id 999");
    assert_eq!(p.count("SELECT COUNT(*) FROM payment_cards").await, 0);

    // Pasted with spaces; shown masked, with its bank.
    let added =
        p.run(&["card", "add", &id, "--number", &grouped, "--holder", "Ali Rezaei", "--daily-cap", "5,000,000"]).await;
    assert!(
        added.ok().stdout.contains(&format!("bot {id}: card 1 added ({masked}, Bank Melli Iran)")),
        "{}",
        added.stdout
    );
    seen.push(added);
    let list = p.run(&["card", "list", &id]).await;
    for want in [masked.as_str(), "Bank Melli Iran", "Ali Rezaei", "0 / 5,000,000 IRT", "active"] {
        assert!(list.ok().stdout.contains(want), "list lacks {want}: {}", list.stdout);
    }
    seen.push(list);
    let json = p.run(&["card", "list", &id, "--json"]).await;
    let cards: Value = serde_json::from_str(json.ok().stdout.trim()).unwrap();
    assert_eq!(cards[0]["number"], masked.as_str());
    assert_eq!(cards[0]["bank"], "melli");
    assert_eq!(cards[0]["daily_cap"], 5_000_000);
    assert_eq!(cards[0]["active"], true);
    seen.push(json);

    // The same number again, however written, is refused.
    seen.push(p.run(&["card", "add", &id, "--number", &number, "--holder", "Someone Else"]).await);
    seen.last().unwrap().fails_with("already registered");
    assert_eq!(p.count("SELECT COUNT(*) FROM payment_cards").await, 1);

    // Update: only what is given changes; `none` clears.
    let updated = p.run(&["card", "update", &id, "1", "--weight", "5", "--iban", IBAN, "--daily-cap", "none"]).await;
    assert!(updated.ok().stdout.contains("card 1 updated"), "{}", updated.stdout);
    seen.push(updated);
    let cards: Value = serde_json::from_str(p.run(&["card", "list", &id, "--json"]).await.ok().stdout.trim()).unwrap();
    assert_eq!((cards[0]["weight"].as_i64(), cards[0]["daily_cap"].is_null()), (Some(5), true));
    assert_eq!(cards[0]["iban"], "IR06******************0001");
    assert_eq!(cards[0]["holder"], "Ali Rezaei");
    p.run(&["card", "update", &id, "1", "--iban", "none", "--holder", "Ali R."]).await.ok();
    let cards: Value = serde_json::from_str(p.run(&["card", "list", &id, "--json"]).await.ok().stdout.trim()).unwrap();
    assert_eq!((cards[0]["iban"].is_null(), cards[0]["holder"].as_str()), (true, Some("Ali R.")));
    p.run(&["card", "update", &id, "1"]).await.fails_with("nothing to change");
    p.run(&["card", "update", &id, "1", "--weight", "101"]).await.fails_with("--weight");
    p.run(&["card", "update", &id, "9", "--weight", "2"]).await.fails_with(&format!("bot {id} has no card 9"));

    // Disable and enable.
    let disabled = p.run(&["card", "disable", &id, "1"]).await;
    assert!(disabled.ok().stdout.contains(&format!("card 1 ({masked}) disabled")), "{}", disabled.stdout);
    seen.push(disabled);
    let list = p.run(&["card", "list", &id]).await;
    assert!(list.ok().stdout.contains("disabled"), "{}", list.stdout);
    seen.push(list);
    p.run(&["card", "enable", &id, "1"]).await.ok();
    let json = p.run(&["card", "list", &id, "--json"]).await;
    assert_eq!(serde_json::from_str::<Value>(json.ok().stdout.trim()).unwrap()[0]["active"], true);
    seen.push(json);
    p.run(&["card", "disable", &id, "7"]).await.fails_with("has no card 7");

    assert_hidden(&seen.iter().collect::<Vec<_>>(), &number);
}

async fn zarinpal_merchant_id_is_never_shown(p: Platform) {
    let id = add_bot(&p, 8302).await;
    let show = p.run(&["zarinpal", "show", &id]).await;
    assert!(show.ok().stdout.contains("not configured"), "{}", show.stdout);

    p.run(&["zarinpal", "set", &id, "--merchant-id", "not-a-uuid"]).await.fails_with("36-character UUID");
    p.run(&["zarinpal", "set", &id, "--merchant-id", MERCHANT, "--sandbox", "maybe"]).await.fails_with("--sandbox");
    p.run(&["zarinpal", "set", "999", "--merchant-id", MERCHANT]).await.fails_with("no bot with id 999");
    let bad = run_with_stdin(&p, &["zarinpal", "set", &id, "--merchant-id", "-"], "1344b5d4-0048\n").await;
    bad.fails_with("36-character UUID");
    assert_eq!(p.count("SELECT COUNT(*) FROM payment_gateways").await, 0);

    let set = run_with_stdin(
        &p,
        &["zarinpal", "set", &id, "--merchant-id", "-", "--sandbox", "on"],
        &format!("{MERCHANT}\n"),
    )
    .await;
    assert!(set.ok().stdout.contains("configured (sandbox on)"), "{}", set.stdout);
    assert!(set.stdout.contains("flag set"), "hints at the flag: {}", set.stdout);
    let show = p.run(&["zarinpal", "show", &id]).await;
    assert!(show.ok().stdout.contains("configured (sandbox on)"), "{}", show.stdout);
    assert!(!show.stdout.contains("not configured"));
    assert_eq!(p.count("SELECT COUNT(*) FROM payment_gateways").await, 1);

    // Replacing it keeps one row; the flag shows up in `show`.
    p.run(&["flag", "set", &id, "zarinpal", "on"]).await.ok();
    let again = p.run(&["zarinpal", "set", &id, "--merchant-id", MERCHANT]).await;
    assert!(again.ok().stdout.contains("configured (sandbox off)"), "{}", again.stdout);
    let shown = p.run(&["zarinpal", "show", &id]).await;
    assert!(shown.ok().stdout.contains("configured (sandbox off), flag zarinpal on"), "{}", shown.stdout);
    assert_eq!(p.count("SELECT COUNT(*) FROM payment_gateways").await, 1);

    let removed = p.run(&["zarinpal", "remove", &id]).await;
    removed.ok();
    let after = p.run(&["zarinpal", "show", &id]).await;
    assert!(after.ok().stdout.contains("not configured"), "{}", after.stdout);
    p.run(&["zarinpal", "remove", &id]).await.fails_with("has no Zarinpal merchant id");
    assert_hidden(&[&set, &show, &again, &shown, &removed, &after, &bad], MERCHANT);
}

async fn payments_list_show_and_refund(p: Platform) {
    let id = add_bot(&p, 8303).await;
    let empty = p.run(&["payment", "list", &id]).await;
    assert!(empty.ok().stdout.contains(&format!("bot {id} has no payments")), "{}", empty.stdout);
    assert_eq!(p.run(&["payment", "list", &id, "--json"]).await.ok().stdout.trim(), "[]");
    p.run(&["payment", "list", &id, "--status", "lost"]).await.fails_with("--status must be one of");
    p.run(&["payment", "list", &id, "--method", "cash"]).await.fails_with("--method");
    p.run(&["payment", "list", &id, "--limit", "0"]).await.fails_with("--limit");
    p.run(&["payment", "show", &id, "42"]).await.fails_with(&format!("bot {id} has no payment 42"));
    p.run(&["payment", "refund", &id, "42"]).await.fails_with(&format!("bot {id} has no payment 42"));
    p.run(&["payment", "list", "999"]).await.fails_with("no bot with id 999");

    // A customer with a card payment (its receipt quotes the card) and Stars payments.
    let number = bazar_testkit::card_number("610433987654321");
    p.run(&["card", "add", &id, "--number", &number, "--holder", "Sara"]).await.ok();
    let now = 1_770_000_000_000_i64;
    let later = now + 3_600_000;
    let customer = insert(
        &p,
        &format!(
            "INSERT INTO customers (bot_id, telegram_id, first_name, created_at, last_seen_at) \
             VALUES ({id}, 777, 'Mina', {now}, {now}) RETURNING id"
        ),
    )
    .await;
    let payment = |method: &str, status: &str, amount: i64, pay: &str, credit: i64, extra: &str, code: &str| {
        let (columns, values) = extra.split_once('|').unwrap_or(("", ""));
        format!(
            "INSERT INTO payments (bot_id, customer_id, method, status, amount, pay_currency, credit, currency, \
             tracking_code, expires_at, created_at, updated_at{columns}) VALUES ({id}, {customer}, '{method}', \
             '{status}', {amount}, '{pay}', {credit}, 'IRT', '{code}', {later}, {now}, {now}{values}) RETURNING id"
        )
    };
    let card_payment = insert(
        &p,
        &payment(
            "card",
            "submitted",
            150_123,
            "IRT",
            150_123,
            &format!(", card_id, receipt_text| , 1, 'paid to {} ref 998877'", &number),
            "CARD2345",
        ),
    )
    .await;
    let pending_stars = insert(&p, &payment("stars", "pending", 20, "XTR", 400, "", "STAR2345")).await;
    let paid_stars =
        insert(&p, &payment("stars", "paid", 50, "XTR", 1000, ", charge_id| , 'charge-1'", "STAR3456")).await;
    let spent_stars =
        insert(&p, &payment("stars", "paid", 80, "XTR", 5000, ", charge_id| , 'charge-2'", "STAR4567")).await;
    for (payment, status, actor) in [(paid_stars, "pending", "customer"), (paid_stars, "paid", "telegram")] {
        insert(
            &p,
            &format!(
                "INSERT INTO payment_events (bot_id, payment_id, status, actor, created_at) \
                 VALUES ({id}, {payment}, '{status}', '{actor}', {now}) RETURNING id"
            ),
        )
        .await;
    }

    let list = p.run(&["payment", "list", &id]).await;
    for want in ["CARD2345", "STAR3456", "150,123 IRT", "50 XTR", "777", "submitted"] {
        assert!(list.ok().stdout.contains(want), "list lacks {want}: {}", list.stdout);
    }
    let stars: Value =
        serde_json::from_str(p.run(&["payment", "list", &id, "--method", "stars", "--json"]).await.ok().stdout.trim())
            .unwrap();
    let ids: Vec<i64> = stars.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![spent_stars, paid_stars, pending_stars], "newest first");
    let paid = p.run(&["payment", "list", &id, "--status", "paid", "--limit", "1", "--json"]).await;
    assert_eq!(serde_json::from_str::<Value>(paid.ok().stdout.trim()).unwrap().as_array().unwrap().len(), 1);
    let none = p.run(&["payment", "list", &id, "--status", "refunded"]).await;
    assert!(none.ok().stdout.contains("has no payments matching"), "{}", none.stdout);

    // The card shows masked, in text and JSON, even where the customer typed it.
    let shown = p.run(&["payment", "show", &id, &card_payment.to_string()]).await;
    for want in ["610433******", "Bank Mellat", "CARD2345", "150,123 IRT", "ref 998877"] {
        assert!(shown.ok().stdout.contains(want), "show lacks {want}: {}", shown.stdout);
    }
    let shown_json = p.run(&["payment", "show", &id, &card_payment.to_string(), "--json"]).await;
    let value: Value = serde_json::from_str(shown_json.ok().stdout.trim()).unwrap();
    assert_eq!(value["card"]["id"], 1);
    assert!(value["card"]["number"].as_str().unwrap().starts_with("610433******"));
    assert_eq!(value["customer_telegram_id"], 777);
    assert_hidden(&[&list, &shown, &shown_json], &number);

    let history = p.run(&["payment", "show", &id, &paid_stars.to_string()]).await;
    assert!(history.ok().stdout.contains("charge-1"), "{}", history.stdout);
    let lines: Vec<&str> = history.stdout.lines().skip_while(|l| *l != "history:").collect();
    assert!(lines.len() == 3 && lines[1].contains("pending") && lines[2].contains("telegram"), "{lines:?}");

    // Refunds: Stars only, paid only, and only while the wallet still holds the credit.
    p.run(&["payment", "refund", &id, &card_payment.to_string()]).await.fails_with("only Telegram Stars");
    p.run(&["payment", "refund", &id, &pending_stars.to_string()]).await.fails_with("is pending");
    p.run(&["wallet", "adjust", &id, "777", "1000", "--reason", "stars credit", "--key", "stars-1"]).await.ok();
    p.run(&["payment", "refund", &id, &spent_stars.to_string()]).await.fails_with("already spent");
    assert!(p.telegram.calls_of("refundstarpayment").is_empty(), "refused before asking Telegram");

    // Telegram knows the charge from the successful_payment it delivered.
    let user = FakeUser::new(777, "Mina");
    p.telegram.push_update(8303, updates::successful_payment(&user, "XTR", 50, "pay:3", "charge-1"));
    let refunded = p.run(&["payment", "refund", &id, &paid_stars.to_string()]).await;
    assert!(
        refunded.ok().stdout.contains(&format!("payment {paid_stars} refunded: 50 Stars back to 777")),
        "{}",
        refunded.stdout
    );
    let calls = p.telegram.calls_of("refundstarpayment");
    assert_eq!(calls.len(), 1);
    let status = format!("SELECT COUNT(*) FROM payments WHERE id = {paid_stars} AND status = 'refunded'");
    assert_eq!(p.count(&status).await, 1);
    let wallet = p.run(&["wallet", "show", &id, "777"]).await;
    assert!(wallet.ok().stdout.contains("balance 0 IRT"), "{}", wallet.stdout);
    let history = p.run(&["payment", "show", &id, &paid_stars.to_string(), "--json"]).await;
    let events = serde_json::from_str::<Value>(history.ok().stdout.trim()).unwrap()["events"].clone();
    assert_eq!(events[2]["status"], "refunded");
    assert_eq!(events[2]["actor"], "operator");

    // Once only: refused before Telegram is asked again.
    p.run(&["payment", "refund", &id, &paid_stars.to_string()]).await.fails_with("is refunded");
    assert_eq!(p.telegram.calls_of("refundstarpayment").len(), 1);
    assert!(p.run(&["ledger", "check", &id]).await.ok().stdout.contains("every balance equals"));
}

async fn a_refund_telegram_refuses_changes_nothing(p: Platform) {
    let id = add_bot(&p, 8304).await;
    let now = 1_770_000_000_000_i64;
    let customer = insert(
        &p,
        &format!(
            "INSERT INTO customers (bot_id, telegram_id, created_at, last_seen_at) VALUES ({id}, 555, {now}, {now}) \
             RETURNING id"
        ),
    )
    .await;
    let payment = insert(
        &p,
        &format!(
            "INSERT INTO payments (bot_id, customer_id, method, status, amount, pay_currency, credit, currency, \
             tracking_code, expires_at, created_at, updated_at, charge_id) VALUES ({id}, {customer}, 'stars', 'paid', \
             10, 'XTR', 200, 'IRT', 'UNKN2345', {now}, {now}, {now}, 'charge-unknown') RETURNING id"
        ),
    )
    .await;
    p.run(&["wallet", "adjust", &id, "555", "200", "--reason", "stars credit"]).await.ok();
    // The fake never delivered this charge, so Telegram refuses it.
    p.run(&["payment", "refund", &id, &payment.to_string()]).await.fails_with("CHARGE_ID_INVALID");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM payments WHERE id = {payment} AND status = 'paid'")).await, 1);
    let wallet = p.run(&["wallet", "show", &id, "555"]).await;
    assert!(wallet.ok().stdout.contains("balance 200 IRT"), "{}", wallet.stdout);
}

on_both_backends!(
    cards_are_checked_and_masked,
    zarinpal_merchant_id_is_never_shown,
    payments_list_show_and_refund,
    a_refund_telegram_refuses_changes_nothing,
);
