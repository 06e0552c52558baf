//! The platform API through the real binary, on both databases: registering
//! bots (the token checked with Telegram, the API token shown once, duplicates
//! refused), listing them, disabling, enabling and suspending them, replacing
//! their API tokens, the platform's counts, and the wall between the platform
//! token and tenant tokens.
//!
//! A token Telegram does not know answers **422** (`invalid_input`, field
//! `token`, "Telegram rejected this bot token …"): the request is well-formed
//! but its content is refused, like any other invalid field.

use crate::helpers;

use helpers::Platform;
use serde_json::{Value, json};

const PLATFORM_TOKEN: &str = "platform-token-0123456789abcdef0123456789abcdef";

async fn call(method: &str, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Runs statements with full visibility (test data for the counts).
async fn exec(p: &Platform, statements: &[String]) {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    for sql in statements {
        sqlx::query(sql).execute(&mut conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let _ = sqlx::Connection::close(conn).await;
}

async fn cli_bot(p: &Platform, telegram_id: i64, username: &str) -> (i64, String) {
    let token = p.telegram.add_bot(telegram_id, username);
    let out = p.run(&["bot", "add", "--token", &token, "--json"]).await;
    let v: Value = serde_json::from_str(out.ok().stdout.trim()).unwrap();
    (v["id"].as_i64().unwrap(), v["api_token"].as_str().unwrap().to_owned())
}

/// Customers, subscriptions and payments of two tenants in two currencies.
async fn seed_counts(p: &Platform, a: i64, b: i64) {
    let customer = |id: i64, bot: i64, tg: i64| {
        format!(
            "INSERT INTO customers (id, bot_id, telegram_id, first_name, created_at, last_seen_at) \
             VALUES ({id}, {bot}, {tg}, 'Seed', 1, 1)"
        )
    };
    let subscription = |bot: i64, customer: i64, status: &str, key: &str| {
        format!(
            "INSERT INTO subscriptions (bot_id, customer_id, status, duration_days, price, currency, purchase_key, \
             created_at, updated_at) VALUES ({bot}, {customer}, '{status}', 30, 1000, 'IRT', '{key}', 1, 1)"
        )
    };
    let payment = |bot: i64, customer: i64, method: &str, status: &str, credit: i64, currency: &str, code: &str| {
        let (amount, pay_currency) = if method == "stars" { (50, "XTR") } else { (credit, currency) };
        format!(
            "INSERT INTO payments (bot_id, customer_id, method, status, amount, pay_currency, credit, currency, \
             tracking_code, expires_at, created_at, updated_at) \
             VALUES ({bot}, {customer}, '{method}', '{status}', {amount}, '{pay_currency}', {credit}, '{currency}', \
             '{code}', 1, 1, 1)"
        )
    };
    exec(
        p,
        &[
            customer(900_001, a, 5001),
            customer(900_002, a, 5002),
            customer(900_003, b, 5001),
            subscription(a, 900_001, "active", "k1"),
            subscription(a, 900_002, "expired", "k2"),
            subscription(b, 900_003, "provisioning", "k3"),
            payment(a, 900_001, "card", "paid", 100_000, "IRT", "t1"),
            payment(a, 900_002, "stars", "paid", 25_000, "IRT", "t2"),
            payment(a, 900_002, "zarinpal", "pending", 5_000, "IRT", "t3"),
            payment(a, 900_001, "card", "rejected", 7_000, "IRT", "t4"),
            payment(b, 900_003, "zarinpal", "paid", 300_000, "IRR", "t5"),
            payment(b, 900_003, "card", "expired", 9_000, "IRR", "t6"),
        ],
    )
    .await;
}

async fn platform_api(p: Platform) {
    let (a, a_token) = cli_bot(&p, 9401, "alpha_shop_bot").await;
    let (b, _) = cli_bot(&p, 9402, "beta_shop_bot").await;
    seed_counts(&p, a, b).await;

    // Off: no platform token configured. Every platform route says so.
    let server = p.serve(false).await;
    let base = format!("{}/api/v1", server.url());
    for token in [None, Some(PLATFORM_TOKEN)] {
        let (status, body) = call("GET", &format!("{base}/platform/bots"), token, None).await;
        assert_eq!(status, 401, "{body}");
        if token.is_some() {
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("platform API is off") && message.contains("platform_api_token"), "{body}");
        }
    }
    server.stop().await;

    let mut p = p;
    p.env.push(("BAZAR_PLATFORM_API_TOKEN".into(), PLATFORM_TOKEN.into()));
    let server = p.serve_process(false).await;
    let base = format!("{}/api/v1", server.url());
    let platform = Some(PLATFORM_TOKEN);

    // Without, with a wrong, with a tenant token: 401. The platform token opens no tenant route.
    let wrong = "x".repeat(PLATFORM_TOKEN.len());
    for (token, needle) in
        [(None, "Bearer"), (Some(wrong.as_str()), "invalid platform token"), (Some(a_token.as_str()), "")]
    {
        for (method, path) in
            [("GET", "/platform/bots"), ("GET", "/platform/stats"), ("POST", "/platform/bots/1/disable")]
        {
            let (status, body) = call(method, &format!("{base}{path}"), token, None).await;
            assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{path}: {body}");
            assert!(body["error"]["message"].as_str().unwrap().contains(needle), "{body}");
        }
    }
    let (status, body) = call("GET", &format!("{base}/me"), platform, None).await;
    assert_eq!(status, 401, "the platform token is no tenant token: {body}");
    assert_eq!(call("GET", &format!("{base}/me"), Some(&a_token), None).await.0, 200);

    // Register a bot: 201 with its API token, shown once.
    let telegram_token = p.telegram.add_bot(9403, "gamma_shop_bot");
    let create = json!({"token": telegram_token, "name": "Gamma VPN", "admins": [777, 778], "owner": 555});
    let (status, created) = call("POST", &format!("{base}/platform/bots"), platform, Some(create.clone())).await;
    assert_eq!(status, 201, "{created}");
    let c = created["bot"]["id"].as_i64().unwrap();
    assert_eq!(created["bot"]["name"], "Gamma VPN");
    assert_eq!(created["bot"]["username"], "gamma_shop_bot");
    assert_eq!(created["bot"]["status"], "active");
    assert_eq!(created["bot"]["is_master"], false);
    assert_eq!(created["bot"]["owner_telegram_id"], 555);
    assert_eq!(created["bot"]["telegram_bot_id"], 9403);
    let c_token = created["api_token"].as_str().unwrap().to_owned();
    assert!(c_token.starts_with("bzr_"), "{created}");
    assert!(!created.to_string().contains(&telegram_token), "the Telegram token is never answered");
    let (status, me) = call("GET", &format!("{base}/me"), Some(&c_token), None).await;
    assert_eq!((status, me["id"].as_i64()), (200, Some(c)), "{me}");
    let admins = p.run(&["admin", "list", &c.to_string()]).await;
    assert!(admins.ok().stdout.contains("777") && admins.stdout.contains("778"), "{}", admins.stdout);
    assert!(p.telegram.calls_of("getme").iter().any(|call| call.bot_id == 9403), "checked with getMe");

    // The same bot again: 409, with the token or the same Telegram bot id.
    let (status, body) = call("POST", &format!("{base}/platform/bots"), platform, Some(create)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains(&format!("bot {c}")), "{body}");
    let token_a = p.telegram.add_bot(9401, "alpha_shop_bot");
    let (status, body) =
        call("POST", &format!("{base}/platform/bots"), platform, Some(json!({"token": token_a}))).await;
    assert_eq!(status, 409, "{body}");

    // A well-formed token Telegram does not know: 422 naming the token, nothing written.
    let unknown = "9499:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let (status, body) =
        call("POST", &format!("{base}/platform/bots"), platform, Some(json!({"token": unknown}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_input")), "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "token", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("Telegram rejected this bot token"), "{body}");
    assert!(!body.to_string().contains("AAAAAAAAAA"), "the token is not echoed: {body}");
    // Malformed tokens, names, admins; the wrong body shapes.
    for (body, field) in [
        (json!({"token": "not a token"}), "token"),
        (json!({"token": "12:short"}), "token"),
        (json!({"token": p.telegram.add_bot(9404, "delta_shop_bot"), "name": "  "}), "name"),
        (json!({"token": p.telegram.add_bot(9404, "delta_shop_bot"), "name": "n".repeat(65)}), "name"),
        (json!({"token": p.telegram.add_bot(9404, "delta_shop_bot"), "name": "a\u{0007}b"}), "name"),
        (json!({"token": p.telegram.add_bot(9404, "delta_shop_bot"), "name": "a\u{0000}b"}), "NUL"),
        (json!({"token": p.telegram.add_bot(9404, "delta_shop_bot"), "admins": [-5]}), "admins"),
        (json!({"token": p.telegram.add_bot(9404, "delta_shop_bot"), "owner": 0}), "owner"),
        (json!({"name": "no token"}), "token"),
    ] {
        let (status, answer) = call("POST", &format!("{base}/platform/bots"), platform, Some(body.clone())).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(answer["error"]["message"].as_str().unwrap().contains(field), "{body}: {answer}");
    }
    let response = reqwest::Client::new()
        .post(format!("{base}/platform/bots"))
        .bearer_auth(PLATFORM_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["code"], "malformed_json");
    assert_eq!(p.count("SELECT COUNT(*) FROM bots").await, 3, "refusals wrote nothing");

    // The list: every bot, no secrets; pages.
    let (status, list) = call("GET", &format!("{base}/platform/bots"), platform, None).await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|b| b["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![a, b, c]);
    let first = &list["items"][0];
    assert_eq!((first["username"].as_str(), first["customer_count"].as_i64()), (Some("alpha_shop_bot"), Some(2)));
    assert!(first["created_at"].as_i64().unwrap() > 1_600_000_000_000, "unix ms: {first}");
    let text = list.to_string();
    assert!(!text.contains("bzr_") && !text.contains(&telegram_token) && !text.contains("token"), "{text}");
    let (_, page) = call("GET", &format!("{base}/platform/bots?limit=2&offset=1"), platform, None).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    assert_eq!((page["items"][0]["id"].as_i64(), page["next_offset"].as_i64()), (Some(b), Some(3)));
    let (_, page) = call("GET", &format!("{base}/platform/bots?limit=2&offset=2"), platform, None).await;
    assert_eq!((page["items"].as_array().unwrap().len(), page["next_offset"].as_i64()), (1, None), "{page}");
    for query in ["limit=0", "limit=201", "offset=-1", "limit=abc"] {
        let (status, body) = call("GET", &format!("{base}/platform/bots?{query}"), platform, None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_input")), "{query}: {body}");
    }

    // One bot; unknown ids are 404.
    let (status, one) = call("GET", &format!("{base}/platform/bots/{b}"), platform, None).await;
    assert_eq!((status, one["username"].as_str()), (200, Some("beta_shop_bot")), "{one}");
    for id in ["999999", "0", "-1", "abc", "99999999999999999999999"] {
        let (status, body) = call("GET", &format!("{base}/platform/bots/{id}"), platform, None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")), "{id}: {body}");
        let (status, _) = call("POST", &format!("{base}/platform/bots/{id}/disable"), platform, None).await;
        assert_eq!(status, 404, "{id}");
    }

    // Disable, enable, suspend: the tenant's token follows the status.
    let status_of = |v: &Value| v["status"].as_str().unwrap_or_default().to_owned();
    let (status, bot) = call("POST", &format!("{base}/platform/bots/{c}/disable"), platform, None).await;
    assert_eq!((status, status_of(&bot)), (200, "disabled".into()), "{bot}");
    let (status, body) = call("GET", &format!("{base}/me"), Some(&c_token), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("tenant_inactive")), "{body}");
    let (status, bot) = call("POST", &format!("{base}/platform/bots/{c}/enable"), platform, None).await;
    assert_eq!((status, status_of(&bot)), (200, "active".into()), "{bot}");
    assert_eq!(call("GET", &format!("{base}/me"), Some(&c_token), None).await.0, 200);
    let (status, bot) = call("POST", &format!("{base}/platform/bots/{c}/suspend"), platform, None).await;
    assert_eq!((status, status_of(&bot)), (200, "suspended".into()), "{bot}");
    let (status, body) = call("GET", &format!("{base}/me"), Some(&c_token), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("tenant_inactive")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("suspended"), "{body}");
    let list = p.run(&["bot", "list", "--json"]).await;
    assert!(list.ok().stdout.contains("\"suspended\""), "the CLI sees it: {}", list.stdout);
    call("POST", &format!("{base}/platform/bots/{c}/enable"), platform, None).await;
    p.run(&["bot", "disable", &b.to_string()]).await.ok();

    // Rotate: the old token is 401 at once, the new one works; the answer holds only the new one.
    let (status, rotated) = call("POST", &format!("{base}/platform/bots/{c}/rotate-api-token"), platform, None).await;
    assert_eq!((status, rotated["id"].as_i64()), (200, Some(c)), "{rotated}");
    let new_token = rotated["api_token"].as_str().unwrap().to_owned();
    assert!(new_token.starts_with("bzr_") && new_token != c_token);
    let (status, body) = call("GET", &format!("{base}/me"), Some(&c_token), None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");
    assert_eq!(call("GET", &format!("{base}/me"), Some(&new_token), None).await.0, 200);
    assert_eq!(call("GET", &format!("{base}/me"), Some(&a_token), None).await.0, 200, "other tenants keep theirs");

    // The counts: three bots (one disabled), three customers, one active subscription, paid payments per currency.
    let (status, stats) = call("GET", &format!("{base}/platform/stats"), platform, None).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["bots"], json!({"active": 2, "suspended": 0, "disabled": 1, "total": 3}), "{stats}");
    assert_eq!(stats["customers"], 3, "{stats}");
    assert_eq!(stats["active_subscriptions"], 1, "{stats}");
    assert_eq!(
        stats["revenue"],
        json!([
            {"currency": "IRR", "amount": 300_000, "payments": 1},
            {"currency": "IRT", "amount": 125_000, "payments": 2}
        ]),
        "{stats}"
    );
    call("POST", &format!("{base}/platform/bots/{c}/suspend"), platform, None).await;
    let (_, stats) = call("GET", &format!("{base}/platform/stats"), platform, None).await;
    assert_eq!(stats["bots"], json!({"active": 1, "suspended": 1, "disabled": 1, "total": 3}), "{stats}");

    // The document: every platform operation is guarded by the platform token; the API token is "shown once".
    let (_, doc) = call("GET", &format!("{base}/openapi.json"), None, None).await;
    let mut platform_operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let is_platform = path.starts_with("/api/v1/platform/");
            assert_eq!(op["tags"][0] == "platform", is_platform, "{method} {path}");
            if is_platform {
                platform_operations += 1;
                assert_eq!(op["security"], json!([{"platform_token": []}]), "{method} {path}");
            }
        }
    }
    assert_eq!(platform_operations, 8, "{doc}");
    let created_schema = doc["components"]["schemas"]["CreatedBot"]["properties"]["api_token"].to_string();
    assert!(created_schema.contains("Shown only this once"), "{created_schema}");
    let rotated_schema = doc["components"]["schemas"]["RotatedToken"]["properties"]["api_token"].to_string();
    assert!(rotated_schema.contains("Shown only this once"), "{rotated_schema}");

    let logs = server.stop().await;
    for secret in [PLATFORM_TOKEN, &c_token, &new_token, &telegram_token] {
        assert!(!logs.contains(secret), "a token reached the log");
    }
}

on_both_backends!(platform_api);
