//! The tenant API's customers, subscriptions, feature flags, configuration and
//! statistics through the real binary, the fake Telegram and the fake
//! Remnawave, on both databases: customers come from `/start`, subscriptions
//! from buying in the bot, money from wallet adjustments and a Stars payment.
//! Another tenant's token reaches none of it.

use crate::helpers;

use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say, wait_for_text};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);
const TG_A: i64 = 9601;
const TG_B: i64 = 9602;
const DAY_MS: i64 = 86_400_000;

/// A client of one tenant's API.
struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    fn new(server: &helpers::Server, token: &str) -> Self {
        Self { base: format!("{}/api/v1", server.url()), token: token.to_owned(), http: reqwest::Client::new() }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// GET that must answer 200.
    async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

async fn start(p: &Platform, bot: i64, user: &FakeUser) -> SentMessage {
    say(p, bot, user, updates::command(user, "/start", None)).await
}

/// Waits until the webhook has answered update `update_id` (its transaction committed).
async fn wait_handled(p: &Platform, bot: i64, update_id: i64) {
    let deadline = Instant::now() + WAIT;
    while !p.telegram.webhook_deliveries(bot).iter().any(|d| d.update_id == update_id && d.status == Some(200)) {
        assert!(Instant::now() < deadline, "update {update_id} was not handled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

fn telegram_ids(page: &Value) -> Vec<i64> {
    let mut out: Vec<i64> =
        page["items"].as_array().unwrap().iter().map(|c| c["telegram_id"].as_i64().unwrap()).collect();
    out.sort();
    out
}

/// Unix seconds of the fake panel's `2026-01-17T15:38:45.000Z`.
fn panel_time(text: &str) -> i64 {
    let (date, time) = text.split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let t: Vec<i64> = time[..8].split(':').map(|x| x.parse().unwrap()).collect();
    bazar_domain::calendar::days_from_civil(d[0], d[1], d[2]) * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
}

async fn ledger_ok(p: &Platform, id: &str) {
    let out = p.run(&["ledger", "check", id]).await;
    assert!(out.ok().stdout.contains("every balance equals"), "{}", out.stdout);
}

/// List, search and page through customers; one customer; ban and unban (the
/// bot ignores a banned customer); wallet credits, debits, refusals and keys.
async fn customers_and_wallets(p: Platform) {
    let (a, token_a) = p.add_shop(TG_A, "api_a_shop_bot", &[]).await;
    let server = p.serve(true).await;
    let api = Api::new(&server, &token_a);

    let users = [
        FakeUser::new(7101, "Sara").with_username("Sara_K").with_language("en"),
        FakeUser::new(7102, "Sam").with_username("sam").with_language("en"),
        FakeUser::new(7103, "Nameless").with_language("en"),
        FakeUser::new(7104, "Sarah").with_username("sarahx").with_language("en"),
        FakeUser::new(7105, "Bob").with_username("bob").with_language("en"),
    ];
    for user in &users {
        start(&p, TG_A, user).await;
    }

    // Pages of two, in a stable order that equals the whole list.
    let all = api.ok("/customers").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 5, "{all}");
    assert_eq!(all["next_offset"], Value::Null);
    let all_ids = ids(&all);
    assert!(all_ids.windows(2).all(|w| w[0] < w[1]), "ordered by id: {all_ids:?}");
    let mut paged = Vec::new();
    let mut offset = Some(0);
    let mut pages = 0;
    while let Some(o) = offset {
        let page = api.ok(&format!("/customers?limit=2&offset={o}")).await;
        paged.extend(ids(&page));
        offset = page["next_offset"].as_i64();
        pages += 1;
    }
    assert_eq!(paged, all_ids);
    assert_eq!(pages, 3);
    assert_eq!(api.get("/customers?limit=0").await.0, 422);
    assert_eq!(api.get("/customers?limit=abc").await.0, 422);

    // Search: a Telegram id exactly; a username prefix, any case, with or without @; `_` is no wildcard.
    assert_eq!(telegram_ids(&api.ok("/customers?q=7102").await), vec![7102]);
    assert_eq!(telegram_ids(&api.ok("/customers?q=710").await), Vec::<i64>::new(), "ids match exactly");
    assert_eq!(telegram_ids(&api.ok("/customers?q=%40SA").await), vec![7101, 7102, 7104]);
    assert_eq!(telegram_ids(&api.ok("/customers?q=sa").await), vec![7101, 7102, 7104]);
    assert_eq!(telegram_ids(&api.ok("/customers?q=sara_").await), vec![7101]);
    assert_eq!(telegram_ids(&api.ok("/customers?q=sar%25").await), Vec::<i64>::new(), "`%` is no wildcard");
    assert_eq!(telegram_ids(&api.ok("/customers?q=%40").await).len(), 5);
    let (status, body) = api.get("/customers?q=sa%00").await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_input")), "NUL is refused: {body}");

    // One customer.
    let sara_id = api.ok("/customers?q=7101").await["items"][0]["id"].as_i64().unwrap();
    let sara = api.ok(&format!("/customers/{sara_id}")).await;
    assert_eq!(sara["telegram_id"], 7101);
    assert_eq!(sara["username"], "Sara_K");
    assert_eq!(sara["language"], "en");
    assert_eq!(sara["banned"], false);
    assert_eq!(sara["blocked"], false);
    assert_eq!(sara["balance"], json!({"amount": 0, "currency": "IRT"}));
    assert_eq!(sara["subscriptions"], 0);
    let (status, body) = api.get("/customers/999999").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
    assert_eq!(api.get("/customers/not-a-number").await.0, 404);

    // Ban: the bot ignores them; unban: it answers again.
    let (status, banned) = api.post(&format!("/customers/{sara_id}/ban"), json!({})).await;
    assert_eq!(status, 200, "{banned}");
    assert_eq!(banned["banned"], true);
    let banned_at = banned["banned_at"].as_i64().expect("banned_at");
    let (_, again) = api.post(&format!("/customers/{sara_id}/ban"), json!({})).await;
    assert_eq!(again["banned_at"].as_i64(), Some(banned_at), "banning twice keeps the first time");
    let sent = p.telegram.sent_to(TG_A, 7101).len();
    let update = p.telegram.push_update(TG_A, updates::command(&users[0], "/start", None));
    wait_handled(&p, TG_A, update).await;
    server.settled(&p, &[TG_A, TG_B]).await;
    assert_eq!(p.telegram.sent_to(TG_A, 7101).len(), sent, "a banned customer gets no answer");
    let (status, unbanned) = api.post(&format!("/customers/{sara_id}/unban"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!((unbanned["banned"].as_bool(), unbanned["banned_at"].as_i64()), (Some(false), None));
    start(&p, TG_A, &users[0]).await;

    // Wallet adjustments: credit with a key; the same key again posts nothing.
    let path = format!("/customers/{sara_id}/wallet-adjustments");
    let credit = json!({"amount": 250000, "reason": "welcome gift", "idempotency_key": "gift-1"});
    let (status, first) = api.post(&path, credit.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["amount"], json!({"amount": 250000, "currency": "IRT"}));
    assert_eq!(first["balance"]["amount"], 250000);
    assert_eq!(first["kind"], "adjustment");
    assert_eq!(first["reference"], "api: welcome gift");
    assert_eq!(first["duplicate"], false);
    let (status, second) = api.post(&path, credit).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["duplicate"], true);
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["balance"]["amount"], 250000);
    let rows = p.count("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = 'adjust:api:gift-1'").await;
    assert_eq!(rows, 1, "one ledger row for the key");
    // The same key for something else is refused.
    let (status, body) = api.post(&path, json!({"amount": 1000, "reason": "other", "idempotency_key": "gift-1"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("idempotency_key_reused")), "{body}");
    // A debit, without a key.
    let (status, debit) = api.post(&path, json!({"amount": -50000, "reason": "correction"})).await;
    assert_eq!(status, 201, "{debit}");
    assert_eq!(debit["balance"]["amount"], 200000);
    assert_eq!(debit["idempotency_key"], Value::Null);
    // Beyond the balance: refused, nothing posted.
    let (status, body) = api.post(&path, json!({"amount": -200001, "reason": "too much"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("insufficient_funds")), "{body}");
    for (bad, field) in [
        (json!({"amount": 0, "reason": "zero"}), "amount"),
        (json!({"amount": 10, "reason": "   "}), "reason"),
        (json!({"amount": 10, "reason": "r".repeat(201)}), "reason"),
        (json!({"amount": 10, "reason": "x", "idempotency_key": "has space"}), "idempotency_key"),
        (json!({"amount": 1.5, "reason": "x"}), "amount"),
        (json!({"amount": i64::MIN, "reason": "x"}), "amount"),
        (json!({"amount": 10, "reason": "nul\0byte"}), "NUL"),
        (json!({"reason": "x"}), "amount"),
        (json!({"amount": 10, "reason": "x", "extra": 1}), "extra"),
    ] {
        let (status, body) = api.post(&path, bad.clone()).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{bad}: {body}");
    }
    let (status, _) = api.post("/customers/999999/wallet-adjustments", json!({"amount": 5, "reason": "x"})).await;
    assert_eq!(status, 404);
    let sara = api.ok(&format!("/customers/{sara_id}")).await;
    assert_eq!(sara["balance"]["amount"], 200000);
    let rows = p.count("SELECT COUNT(*) FROM ledger_entries").await;
    assert_eq!(rows, 2, "the credit and the debit");
    ledger_ok(&p, &a).await;
    let wallet = p.run(&["wallet", "show", &a, "7101"]).await;
    assert!(wallet.ok().stdout.contains("balance 200,000 IRT"), "{}", wallet.stdout);
    server.stop().await;
}

/// Subscriptions bought in the bot: list, filter, extend (the panel follows),
/// disable; statistics of an empty and a busy tenant; and tenant B's token
/// given A's ids: 404 everywhere, nothing changed.
async fn subscriptions_stats_and_isolation(p: Platform) {
    let panel = FakeRemnawave::start().await;
    let (a, token_a) = p.add_shop(TG_A, "api_a_shop_bot", &[]).await;
    let (b, token_b) = p.add_shop(TG_B, "api_b_shop_bot", &[]).await;
    p.add_remnawave(&panel).await;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &a, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad]).await.ok();
    let server = p.serve(true).await;
    let api = Api::new(&server, &token_a);
    let api_b = Api::new(&server, &token_b);

    // An empty tenant's statistics.
    let empty = api_b.ok("/stats").await;
    assert_eq!(empty["days"], 30);
    assert_eq!(empty["customers"], json!({"total": 0, "new": 0}));
    assert_eq!(empty["subscriptions"]["active"], 0);
    assert_eq!(empty["revenue"]["total"], json!({"amount": 0, "currency": "IRT"}));
    assert_eq!(empty["revenue"]["by_method"], json!([]));
    assert_eq!(empty["wallet_purchases"]["count"], 0);
    let by_day = empty["by_day"].as_array().unwrap();
    assert_eq!(by_day.len(), 30);
    assert_eq!(by_day[0]["date"], empty["from"]);
    assert_eq!(by_day[29]["day_start"].as_i64().unwrap() - by_day[0]["day_start"].as_i64().unwrap(), 29 * DAY_MS);
    assert_eq!(api_b.ok("/stats?days=1").await["by_day"].as_array().unwrap().len(), 1);
    assert_eq!(api_b.get("/stats?days=0").await.0, 422);
    assert_eq!(api_b.get("/stats?days=367").await.0, 422);

    // Sara buys a plan in A's bot with money the API gave her.
    let sara = FakeUser::new(7201, "Sara").with_language("en");
    let omid = FakeUser::new(7202, "Omid").with_language("en");
    let menu = start(&p, TG_A, &sara).await;
    start(&p, TG_A, &omid).await;
    let sara_id = api.ok("/customers?q=7201").await["items"][0]["id"].as_i64().unwrap();
    let omid_id = api.ok("/customers?q=7202").await["items"][0]["id"].as_i64().unwrap();
    let (status, _) = api
        .post(&format!("/customers/{sara_id}/wallet-adjustments"), json!({"amount": 150000, "reason": "top-up"}))
        .await;
    assert_eq!(status, 201);
    let plans = press(&p, TG_A, &sara, &menu, "Buy").await;
    let summary = press(&p, TG_A, &sara, &plans, "Monthly").await;
    let paid = press(&p, TG_A, &sara, &summary, "Pay").await;
    assert!(paid.text.as_deref().unwrap().contains("Paid 100,000 IRT"), "{:?}", paid.text);
    wait_for_text(&p, TG_A, sara.id, "ready until").await;

    let list = api.ok("/subscriptions").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    let sub = list["items"][0].clone();
    let sub_id = sub["id"].as_i64().unwrap();
    assert_eq!(sub["customer_id"], sara_id);
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["price"], json!({"amount": 100000, "currency": "IRT"}));
    assert_eq!(api.ok(&format!("/subscriptions?status=active&customer_id={sara_id}")).await["items"][0]["id"], sub_id);
    assert_eq!(api.ok(&format!("/subscriptions?customer_id={omid_id}")).await["items"], json!([]));
    assert_eq!(api.ok("/subscriptions?status=expired").await["items"], json!([]));
    let (status, body) = api.get("/subscriptions?status=bogus").await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("provisioning"), "{body}");
    assert_eq!(api.ok(&format!("/subscriptions/{sub_id}")).await["id"], sub_id);
    assert_eq!(api.get("/subscriptions/999999").await.0, 404);
    let detail = api.ok(&format!("/customers/{sara_id}")).await;
    assert_eq!((detail["subscriptions"].as_i64(), detail["active_subscriptions"].as_i64()), (Some(1), Some(1)));
    assert_eq!(detail["balance"]["amount"], 50000);

    // Statistics of the busy tenant, with a Stars payment as revenue.
    let (status, _) = api.put("/feature-flags/telegram_stars", json!({"enabled": true})).await;
    assert_eq!(status, 200);
    let (status, body) = api.put("/config/stars_rate", json!({"value": 1000})).await;
    assert_eq!(status, 200, "{body}");
    let menu = start(&p, TG_A, &omid).await;
    let wallet = press(&p, TG_A, &omid, &menu, "Wallet").await;
    let methods = press(&p, TG_A, &omid, &wallet, "Top up").await;
    press(&p, TG_A, &omid, &methods, "Stars").await;
    let invoice = say(&p, TG_A, &omid, updates::text(&omid, "50,500")).await;
    let payload = invoice.params["payload"].as_str().unwrap().to_owned();
    p.telegram.push_update(TG_A, updates::successful_payment(&omid, "XTR", 51, &payload, "charge_api"));
    wait_for_text(&p, TG_A, omid.id, "confirmed").await;
    let busy = api.ok("/stats?days=7").await;
    assert_eq!(busy["customers"], json!({"total": 2, "new": 2}), "{busy}");
    assert_eq!(busy["subscriptions"]["active"], 1);
    assert_eq!(busy["revenue"]["total"], json!({"amount": 50500, "currency": "IRT"}));
    assert_eq!(busy["revenue"]["payments"], 1);
    assert_eq!(
        busy["revenue"]["by_method"],
        json!([{"method": "stars", "amount": {"amount": 50500, "currency": "IRT"}, "payments": 1}])
    );
    assert_eq!(busy["wallet_purchases"], json!({"total": {"amount": 100000, "currency": "IRT"}, "count": 1}));
    let days = busy["by_day"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let today = &days[6];
    assert_eq!((today["new_customers"].as_i64(), today["payments"].as_i64()), (Some(2), Some(1)), "{busy}");
    assert_eq!(today["revenue"]["amount"], 50500);
    assert!(days[..6].iter().all(|d| d["new_customers"] == 0 && d["payments"] == 0), "{busy}");

    // Tenant B's token, given A's ids: 404 everywhere, and nothing changes.
    let before_sub = api.ok(&format!("/subscriptions/{sub_id}")).await;
    let before_sara = api.ok(&format!("/customers/{sara_id}")).await;
    let ledger_rows = p.count("SELECT COUNT(*) FROM ledger_entries").await;
    let jobs = p.count("SELECT COUNT(*) FROM jobs").await;
    let foreign = [
        (reqwest::Method::GET, format!("/customers/{sara_id}"), None),
        (reqwest::Method::POST, format!("/customers/{sara_id}/ban"), Some(json!({}))),
        (reqwest::Method::POST, format!("/customers/{sara_id}/unban"), Some(json!({}))),
        (
            reqwest::Method::POST,
            format!("/customers/{sara_id}/wallet-adjustments"),
            Some(json!({"amount": 1000, "reason": "theft"})),
        ),
        (
            reqwest::Method::POST,
            format!("/customers/{sara_id}/wallet-adjustments"),
            Some(json!({"amount": -1000, "reason": "theft", "idempotency_key": "b-1"})),
        ),
        (reqwest::Method::GET, format!("/subscriptions/{sub_id}"), None),
        (reqwest::Method::POST, format!("/subscriptions/{sub_id}/extend"), Some(json!({"days": 30}))),
        (reqwest::Method::POST, format!("/subscriptions/{sub_id}/disable"), Some(json!({}))),
    ];
    for (method, path, body) in foreign {
        let (status, answer) = api_b.send(method.clone(), &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        assert_eq!(answer["error"]["code"], "not_found");
    }
    assert_eq!(api_b.ok("/customers").await["items"], json!([]), "B sees none of A's customers");
    assert_eq!(api_b.ok("/customers?q=7201").await["items"], json!([]));
    assert_eq!(api_b.ok("/subscriptions").await["items"], json!([]));
    assert_eq!(api_b.ok(&format!("/subscriptions?customer_id={sara_id}")).await["items"], json!([]));
    assert_eq!(api_b.ok("/stats").await["customers"]["total"], 0);
    assert_eq!(api.ok(&format!("/subscriptions/{sub_id}")).await, before_sub);
    let after_sara = api.ok(&format!("/customers/{sara_id}")).await;
    assert_eq!(after_sara, before_sara);
    assert_eq!(p.count("SELECT COUNT(*) FROM ledger_entries").await, ledger_rows);
    assert_eq!(p.count("SELECT COUNT(*) FROM jobs").await, jobs);
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM customers WHERE bot_id = {b}")).await, 0);

    // Extend by 7 days: the end moves now; the panel user follows; the customer hears of it.
    let end = sub["expires_at"].as_i64().unwrap();
    let (status, extended) = api.post(&format!("/subscriptions/{sub_id}/extend"), json!({"days": 7})).await;
    assert_eq!(status, 200, "{extended}");
    assert_eq!(extended["previous_expires_at"], end);
    assert_eq!(extended["days"], 7);
    let new_end = extended["subscription"]["expires_at"].as_i64().unwrap();
    assert_eq!(new_end, end + 7 * DAY_MS);
    assert_eq!(extended["subscription"]["status"], "active");
    wait_for_text(&p, TG_A, sara.id, "is renewed until").await;
    let username = sub["panel_username"].as_str().unwrap();
    let panel_user = panel.user(username).expect("the panel user");
    assert_eq!(panel_time(panel_user["expireAt"].as_str().unwrap()), new_end / 1000, "{panel_user}");
    assert_eq!(api.ok(&format!("/subscriptions/{sub_id}")).await["expires_at"], new_end, "the job kept the end");
    for bad in [json!({"days": 0}), json!({"days": 3651}), json!({"days": -1}), json!({}), json!({"days": "7"})] {
        let (status, body) = api.post(&format!("/subscriptions/{sub_id}/extend"), bad.clone()).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
    assert_eq!(api.post("/subscriptions/999999/extend", json!({"days": 1})).await.0, 404);
    let balance = api.ok(&format!("/customers/{sara_id}")).await["balance"].clone();
    assert_eq!(balance["amount"], 50000, "an extension costs the customer nothing");

    // Extended and at once disabled: the extension's panel job, whenever it
    // runs, does not switch it back on, and the disable job turns the panel
    // user off. Disabling again changes nothing; a disabled subscription is
    // not extended.
    let (status, _) = api.post(&format!("/subscriptions/{sub_id}/extend"), json!({"days": 1})).await;
    assert_eq!(status, 200);
    let (status, disabled) = api.post(&format!("/subscriptions/{sub_id}/disable"), json!({})).await;
    assert_eq!(status, 200, "{disabled}");
    assert_eq!(disabled["subscription"]["status"], "disabled");
    assert_eq!((disabled["changed"].as_bool(), disabled["panel_update_queued"].as_bool()), (Some(true), Some(true)));
    let deadline = Instant::now() + WAIT;
    while panel.user(username).expect("the panel user")["status"] != "DISABLED" {
        assert!(Instant::now() < deadline, "the panel user was not disabled: {:?}", panel.user(username));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Whatever order the two jobs ran in, the user stays off.
    server.settled(&p, &[TG_A, TG_B]).await;
    assert_eq!(panel.user(username).unwrap()["status"], "DISABLED");
    let after = api.ok(&format!("/subscriptions/{sub_id}")).await;
    assert_eq!(after["status"], "disabled", "{after}");
    assert_eq!(after["expires_at"], new_end + DAY_MS);
    let (status, again) = api.post(&format!("/subscriptions/{sub_id}/disable"), json!({})).await;
    assert_eq!((status, again["changed"].as_bool()), (200, Some(false)));
    let (status, body) = api.post(&format!("/subscriptions/{sub_id}/extend"), json!({"days": 1})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_active")), "{body}");
    assert_eq!(api.ok("/subscriptions?status=disabled").await["items"][0]["id"], sub_id);
    assert_eq!(api.ok("/stats").await["subscriptions"]["active"], 0);
    assert_eq!(api.post("/subscriptions/999999/disable", json!({})).await.0, 404);
    ledger_ok(&p, &a).await;
    server.stop().await;
}

/// Feature flags and configuration: list, set, refuse, reset; one tenant's
/// settings do not touch another's.
async fn flags_and_config(p: Platform) {
    let (_, token_a) = p.add_shop(TG_A, "api_a_shop_bot", &[]).await;
    let (_, token_b) = p.add_shop(TG_B, "api_b_shop_bot", &[]).await;
    let server = p.serve(false).await;
    let api = Api::new(&server, &token_a);
    let api_b = Api::new(&server, &token_b);

    let flags = api.ok("/feature-flags").await;
    let flags = flags.as_array().unwrap();
    assert_eq!(flags.len(), 8);
    let trial = flags.iter().find(|f| f["key"] == "trial").unwrap();
    assert_eq!(
        (trial["enabled"].as_bool(), trial["default"].as_bool(), trial["set"].as_bool()),
        (Some(false), Some(false), Some(false))
    );
    assert!(!trial["description"].as_str().unwrap().is_empty());
    let (status, trial) = api.put("/feature-flags/trial", json!({"enabled": true})).await;
    assert_eq!(status, 200, "{trial}");
    assert_eq!((trial["enabled"].as_bool(), trial["set"].as_bool()), (Some(true), Some(true)));
    let listed = api.ok("/feature-flags").await;
    assert_eq!(listed.as_array().unwrap().iter().find(|f| f["key"] == "trial").unwrap()["enabled"], true);
    assert_eq!(api.ok("/me").await["flags"]["trial"], true);
    let (status, body) = api.put("/feature-flags/yookassa", json!({"enabled": true})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("card_to_card"), "lists the known keys: {body}");
    assert_eq!(api.put("/feature-flags/trial", json!({"enabled": "yes"})).await.0, 422);
    assert_eq!(api.put("/feature-flags/trial", json!({})).await.0, 422);
    let b_trial = api_b.ok("/feature-flags").await;
    assert_eq!(b_trial.as_array().unwrap().iter().find(|f| f["key"] == "trial").unwrap()["enabled"], false);

    let config = api.ok("/config").await;
    let config = config.as_array().unwrap();
    assert_eq!(config.len(), bazar_domain::ConfigKey::ALL.len(), "every key, platform-only ones included");
    let key = |name: &str| config.iter().find(|c| c["key"] == name).unwrap().clone();
    assert_eq!(key("trial_days")["value"], 1);
    assert_eq!(key("trial_days")["audience"], "tenant");
    assert_eq!(key("max_customers")["audience"], "platform");
    assert_eq!(key("max_customers")["value"], "unlimited");
    assert_eq!(key("reminder_days")["value"], json!([3, 1]));
    assert_eq!(key("support_contact")["value"], Value::Null);
    assert!(key("trial_days")["expected"].as_str().unwrap().contains("1 to 30"));

    let (status, set) = api.put("/config/trial_days", json!({"value": 7})).await;
    assert_eq!(status, 200, "{set}");
    assert_eq!((set["value"].as_i64(), set["set"].as_bool(), set["default"].as_i64()), (Some(7), Some(true), Some(1)));
    assert_eq!(api.put("/config/trial_days", json!({"value": "5"})).await.1["value"], 5);
    assert_eq!(api.put("/config/reminder_days", json!({"value": [5, 2]})).await.1["value"], json!([5, 2]));
    assert_eq!(api.put("/config/default_language", json!({"value": "en"})).await.1["value"], "en");
    assert_eq!(api.put("/config/card_unique_amount", json!({"value": false})).await.1["value"], false);
    for (path, bad) in [
        ("/config/trial_days", json!({"value": 99})),
        ("/config/trial_days", json!({"value": "soon"})),
        ("/config/default_language", json!({"value": "de"})),
        ("/config/reminder_days", json!({"value": {"a": 1}})),
        ("/config/trial_days", json!({"value": null})),
    ] {
        let (status, body) = api.put(path, bad.clone()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_input")), "{path} {bad}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("expected"), "{path} {bad}: {body}");
    }
    let (status, body) = api.put("/config/trial_days", json!({"value": 99})).await;
    assert!(body["error"]["message"].as_str().unwrap().contains("1 to 30"), "{status} {body}");
    for path in ["/config/max_customers", "/config/api_rate_limit_per_minute"] {
        let (status, body) = api.put(path, json!({"value": 5})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("platform_only")), "{path}: {body}");
        let (status, body) = api.delete(path).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("platform_only")), "{path}: {body}");
    }
    let (status, body) = api.put("/config/no_such_key", json!({"value": 1})).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("trial_days"), "{body}");
    assert_eq!(api.delete("/config/no_such_key").await.0, 404);
    assert_eq!(
        api_b.ok("/config").await.as_array().unwrap().iter().find(|c| c["key"] == "trial_days").unwrap()["value"],
        1
    );

    let (status, reset) = api.delete("/config/trial_days").await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!((reset["value"].as_i64(), reset["set"].as_bool()), (Some(1), Some(false)));
    assert_eq!(api.delete("/config/trial_days").await.0, 200, "idempotent");
    let again = api.ok("/config").await;
    assert_eq!(again.as_array().unwrap().iter().find(|c| c["key"] == "trial_days").unwrap()["set"], false);
    assert_eq!(again.as_array().unwrap().iter().find(|c| c["key"] == "default_language").unwrap()["value"], "en");

    // The document describes every route of this file.
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", server.url())).await.unwrap().json().await.unwrap();
    for (path, method) in [
        ("/api/v1/customers", "get"),
        ("/api/v1/customers/{id}", "get"),
        ("/api/v1/customers/{id}/ban", "post"),
        ("/api/v1/customers/{id}/unban", "post"),
        ("/api/v1/customers/{id}/wallet-adjustments", "post"),
        ("/api/v1/subscriptions", "get"),
        ("/api/v1/subscriptions/{id}", "get"),
        ("/api/v1/subscriptions/{id}/extend", "post"),
        ("/api/v1/subscriptions/{id}/disable", "post"),
        ("/api/v1/feature-flags", "get"),
        ("/api/v1/feature-flags/{key}", "put"),
        ("/api/v1/config", "get"),
        ("/api/v1/config/{key}", "put"),
        ("/api/v1/config/{key}", "delete"),
        ("/api/v1/stats", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is documented");
    }
    server.stop().await;
}

on_both_backends!(customers_and_wallets, subscriptions_stats_and_isolation, flags_and_config);
