//! Panel health as a shop lives it: the platform's panel stops answering, so
//! after two failed probes the shop stops selling ("temporarily unavailable",
//! nothing charged, nothing queued), its admin is told once, in their
//! language; the panel comes back and sales resume on their own. A user
//! deleted on the panel meanwhile is found and put back by `panel drift`.

use crate::helpers::Platform;
use crate::helpers::chat::{WAIT, button, count_texts, press, wait_for_text};
use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::updates::{self, FakeUser};
use std::time::{Duration, Instant};

const TG: i64 = 7301;
const ADMIN: i64 = 930;

/// Waits until the panel has been probed `n` more times than `before`.
async fn probes(p: &Platform, before: i64, n: i64) -> i64 {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = p.count("SELECT COALESCE(MAX(health_checked_at), 0) FROM panels").await;
        let failures = p.count("SELECT MAX(health_failures) FROM panels").await;
        if failures >= before + n || (n == 0 && now > 0) {
            return failures;
        }
        assert!(Instant::now() < deadline, "the panel was not probed {n} more times");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

#[tokio::test]
async fn a_shop_stops_selling_while_its_panel_is_down_and_resumes_by_itself() {
    let mut p = Platform::sqlite().await;
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let (id, api_token) = p.add_shop(TG, "health_shop_bot", &[ADMIN]).await;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    p.env.push(("BAZAR_PANEL_CHECK_MS".into(), "150".into()));
    let server = p.serve(true).await;
    let admin = FakeUser::new(ADMIN, "Oleg").with_language("ru");
    p.telegram.push_update(TG, updates::command(&admin, "/start", None));
    p.telegram.wait_for_sent(TG, ADMIN, 1, WAIT).await;
    let customer = FakeUser::new(4300, "Sara").with_language("fa");
    p.telegram.push_update(TG, updates::command(&customer, "/start", None));
    let menu = p.telegram.wait_for_sent(TG, customer.id, 1, WAIT).await.pop().unwrap();
    p.run(&["wallet", "adjust", &id, "4300", "250000", "--reason", "test top-up"]).await.ok();
    let plans = press(&p, TG, &customer, &menu, "خرید").await;
    let summary = press(&p, TG, &customer, &plans, "Monthly").await;

    // Down: two failed probes, then the admin hears it once, in Russian.
    panel.set_down(true);
    wait_for_text(&p, TG, ADMIN, "VPN-панель магазина не отвечает").await;
    let failures = probes(&p, 0, 2).await;
    probes(&p, failures, 2).await;
    assert_eq!(count_texts(&p, TG, ADMIN, "не отвечает"), 1, "told once per outage, not once per probe");
    let listed = p.run(&["panel", "list"]).await;
    assert!(listed.ok().stdout.contains("DOWN for"), "{}", listed.stdout);
    let shop_panel = panel_api(&server.url(), &api_token).await;
    assert_eq!(shop_panel["available"], false, "{shop_panel}");
    assert!(shop_panel["down_since"].as_i64().is_some(), "{shop_panel}");

    // The customer is not sold into retries: a polite line, nothing charged, nothing on the panel.
    let answers = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&customer, summary.message_id, &button(&summary, "پرداخت")));
    let deadline = Instant::now() + WAIT;
    while p.telegram.callback_answers(TG).len() <= answers {
        assert!(Instant::now() < deadline, "the Pay tap was not answered");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let refusal = p.telegram.callback_answers(TG).last().cloned().unwrap();
    assert!(refusal["text"].as_str().unwrap_or_default().contains("موقتاً در دسترس نیستند"), "{refusal}");
    assert_eq!(p.count("SELECT COUNT(*) FROM subscriptions").await, 0);
    assert_eq!(p.count("SELECT COUNT(*) FROM jobs WHERE kind = 'provision'").await, 0);
    assert!(p.run(&["wallet", "show", &id, "4300"]).await.ok().stdout.contains("250,000"));

    // Back: the admin hears that once too, and the same button now buys.
    panel.set_down(false);
    wait_for_text(&p, TG, ADMIN, "снова отвечает").await;
    let paid = press(&p, TG, &customer, &summary, "پرداخت").await;
    assert!(paid.text.as_deref().unwrap_or_default().contains("100,000"), "{:?}", paid.text);
    let deadline = Instant::now() + WAIT;
    while !p.telegram.sent_to(TG, customer.id).iter().any(|m| m.method == "sendphoto") {
        assert!(Instant::now() < deadline, "the link and QR code were not sent");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(panel.users().len(), 1);
    assert_eq!(count_texts(&p, TG, ADMIN, "снова отвечает"), 1);

    // Deleted on the panel behind the shop's back: `panel drift` puts it back.
    let drift = p.run(&["panel", "drift", &id]).await;
    assert!(
        drift.ok().stdout.contains("1 active subscriptions compared with the panel: 0 drifted"),
        "{}",
        drift.stdout
    );
    let username = panel.users()[0]["username"].as_str().unwrap().to_owned();
    let admin_api = bazar_panels::RemnawaveClient::new(&panel.url(), &panel.token().into(), reqwest::Client::new());
    bazar_panels::VpnPanel::delete_user(&admin_api.unwrap(), &username).await.unwrap();
    assert!(panel.users().is_empty());
    let drift = p.run(&["panel", "drift", &id]).await;
    assert!(drift.ok().stdout.contains("deleted on the panel — put back"), "{}", drift.stdout);
    assert!(drift.stdout.contains("1 drifted, 1 put back, 0 left"), "{}", drift.stdout);
    assert_eq!(panel.users().len(), 1, "recreated");
    let url = format!("{}/api/v1/panel/drift", server.url());
    let answer = reqwest::Client::new().post(url).bearer_auth(&api_token).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"checked": 1, "drifted": []}), "the API sees it put back");
    assert!(!p.run(&["panel", "list"]).await.ok().stdout.contains("DOWN"));
    assert_eq!(panel_api(&server.url(), &api_token).await["available"], true);
    server.stop().await;
}

/// The shop's `GET /api/v1/panel`.
async fn panel_api(url: &str, token: &str) -> serde_json::Value {
    let answer = reqwest::Client::new().get(format!("{url}/api/v1/panel")).bearer_auth(token).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}
