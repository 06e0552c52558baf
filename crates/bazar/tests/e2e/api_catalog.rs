//! The tenant API's catalogue and back office through the real binary, on
//! both databases: plans, payment cards (numbers masked in every answer),
//! promo codes, payments (card-to-card approvals through the API racing the
//! bot's Approve button: one credit), support tickets — and another tenant's
//! token, which finds none of it and changes nothing.

use crate::helpers;

use bazar_testkit::telegram::SentMessage;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::chat::{button, count_texts, press, say, wait_for_text};
use helpers::{Platform, Server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);
const TG: i64 = 9701;
const TG_B: i64 = 9702;
const ADMIN: i64 = 777;
const ADMIN_B: i64 = 888;

/// One API client: a base URL and a token; every answer's raw text is kept
/// so tests can assert what never appears in any of them.
struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
    seen: std::sync::Mutex<Vec<String>>,
}

impl Api {
    fn new(server: &Server, token: &str) -> Self {
        Self {
            base: format!("{}/api/v1", server.url()),
            token: token.to_owned(),
            http: reqwest::Client::new(),
            seen: Default::default(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        self.seen.lock().unwrap().push(text.clone());
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("POST", path, Some(body)).await
    }

    async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.call("PATCH", path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.call("DELETE", path, None).await
    }

    /// Every answer body so far.
    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// The refused fields of a 422.
fn fields(body: &Value) -> Vec<String> {
    assert_eq!(body["error"]["code"], "invalid_input", "{body}");
    body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect()
}

/// A 422 for a missing field. (The shared body extractor names the field in
/// the message; its `fields` entry says `body` for a missing field.)
fn assert_missing(answer: (u16, Value), field: &str) {
    assert_eq!(answer.0, 422, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], "invalid_input", "{}", answer.1);
    let message = answer.1["error"]["message"].as_str().unwrap();
    assert!(message.contains(&format!("missing field `{field}`")), "{}", answer.1);
}

fn assert_not_found(answer: (u16, Value), what: &str) {
    assert_eq!(answer.0, 404, "{what}: {}", answer.1);
    assert_eq!(answer.1["error"]["code"], "not_found", "{what}");
}

async fn catalog(p: Platform) {
    let (id, token_a) = p.add_shop(TG, "catalog_shop_bot", &[ADMIN]).await;
    let (_other, token_b) = p.add_shop(TG_B, "other_catalog_bot", &[ADMIN_B]).await;
    let server = p.serve(false).await;
    let a = Api::new(&server, &token_a);
    let b = Api::new(&server, &token_b);
    assert_eq!(a.get("/panel").await.0, 404, "no panel serves the shop yet");

    // ---- Plans ----
    let (status, monthly) = a
        .post(
            "/plans",
            json!({"names": {"en": " Monthly ", "fa": "یک ماهه"}, "days": 30, "traffic_gb": 50, "devices": 2,
                   "price": 150000, "sort": 2, "options": {"squads": ["0b1c6d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"]}}),
        )
        .await;
    assert_eq!(status, 201, "{monthly}");
    assert_eq!(monthly["names"]["en"], "Monthly", "trimmed like the CLI does");
    assert_eq!((monthly["days"].as_i64(), monthly["traffic_gb"].as_i64()), (Some(30), Some(50)));
    assert_eq!((monthly["devices"].as_i64(), monthly["price"].as_i64()), (Some(2), Some(150000)));
    assert_eq!((monthly["currency"].as_str(), monthly["active"].as_bool()), (Some("IRT"), Some(true)));
    assert_eq!(monthly["options"], json!({"squads": ["0b1c6d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"]}));
    let (status, weekly) = a
        .post(
            "/plans",
            json!({"names": {"ru": "Неделя"}, "days": 7, "price": 0, "sort": 1, "active": false,
                   "options": {"inbounds": "VLESS TCP, VMess TCP"}}),
        )
        .await;
    assert_eq!(status, 201, "{weekly}");
    assert_eq!((weekly["traffic_gb"].is_null(), weekly["devices"].is_null()), (true, true), "unlimited by default");
    assert_eq!(weekly["active"], false);
    assert_eq!(weekly["options"], json!({"inbounds": ["VLESS TCP", "VMess TCP"]}), "a text is a comma-separated list");
    let (monthly_id, weekly_id) = (monthly["id"].as_i64().unwrap(), weekly["id"].as_i64().unwrap());

    // Everything the CLI refuses is refused here too, each field named.
    let (status, body) = a
        .post(
            "/plans",
            json!({"names": {"en": "  "}, "days": 0, "traffic_gb": 200000, "devices": 101, "price": -1,
                   "options": {"squads": ["not-a-uuid"], "inbounds": [" "]}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let mut refused = fields(&body);
    refused.sort();
    assert_eq!(refused, ["days", "devices", "inbounds", "names", "price", "squads", "traffic_gb"], "{body}");
    assert_missing(a.post("/plans", json!({"names": {"en": "X"}, "price": 1})).await, "days");
    let (status, body) = a.post("/plans", json!({"names": {"en": "X"}, "days": -3, "price": 1})).await;
    assert_eq!((status, fields(&body)), (422, vec!["days".to_owned()]), "{body}");
    let (status, body) = a.post("/plans", json!({"names": {"de": "X"}, "days": 3, "price": 1})).await;
    assert_eq!(status, 422, "unknown language: {body}");
    let (status, body) = a.post("/plans", json!({"names": {"en": "X"}, "days": 3, "price": 1, "colour": 1})).await;
    assert_eq!(status, 422, "unknown field: {body}");

    // Listed in display order (sort, then id), inactive ones too.
    let (status, list) = a.get("/plans").await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [weekly_id, monthly_id]);
    let (_, page) = a.get("/plans?limit=1&offset=1").await;
    assert_eq!(page["items"][0]["id"].as_i64(), Some(monthly_id));
    assert_eq!(a.get("/plans?limit=0").await.0, 422);

    // PATCH changes only what is given.
    let (status, patched) = a
        .patch(&format!("/plans/{monthly_id}"), json!({"price": 170000, "traffic_gb": null, "names": {"ru": "Месяц"}}))
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!((patched["price"].as_i64(), patched["traffic_gb"].is_null()), (Some(170000), true));
    assert_eq!((patched["names"]["en"].as_str(), patched["names"]["ru"].as_str()), (Some("Monthly"), Some("Месяц")));
    assert_eq!((patched["days"].as_i64(), patched["devices"].as_i64()), (Some(30), Some(2)));
    assert_eq!(patched["options"], monthly["options"], "panel options kept");
    let (status, body) = a.patch(&format!("/plans/{monthly_id}"), json!({"days": 0, "devices": 500})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(fields(&body).len(), 2, "{body}");
    let (_, patched) = a.patch(&format!("/plans/{monthly_id}"), json!({"options": {"squads": []}, "devices": 0})).await;
    assert_eq!((patched["options"].clone(), patched["devices"].is_null()), (json!({}), true), "{patched}");
    let (status, body) = a.patch(&format!("/plans/{monthly_id}"), json!({"options": {"colour": "red"}})).await;
    assert_eq!((status, fields(&body)), (422, vec!["colour".to_owned()]), "no panel kind has it: {body}");
    // DELETE disables (subscriptions refer to plans); the plan stays.
    let (status, deleted) = a.delete(&format!("/plans/{monthly_id}")).await;
    assert_eq!((status, deleted["active"].as_bool()), (200, Some(false)));
    let (status, got) = a.get(&format!("/plans/{monthly_id}")).await;
    assert_eq!((status, got["active"].as_bool(), got["price"].as_i64()), (200, Some(false), Some(170000)));
    let (_, enabled) = a.patch(&format!("/plans/{monthly_id}"), json!({"active": true})).await;
    assert_eq!(enabled["active"], true);
    assert_not_found(a.get("/plans/999999").await, "unknown plan");
    assert_not_found(a.get("/plans/abc").await, "non-numeric id");

    // ---- Payment cards ----
    let number = bazar_testkit::card_number("603799123456789");
    let grouped = format!("{}-{}-{}-{}", &number[..4], &number[4..8], &number[8..12], &number[12..]);
    let (status, card) = a
        .post(
            "/payment-cards",
            json!({"number": grouped, "holder": " Ali Rezaei ", "iban": "IR06 2960 0000 0010 0324 2000 01",
                   "weight": 3, "daily_cap": 5000000}),
        )
        .await;
    assert_eq!(status, 201, "{card}");
    let card_id = card["id"].as_i64().unwrap();
    assert_eq!(card["number"], format!("{}******{}", &number[..6], &number[12..]));
    assert_eq!((card["bank"].as_str(), card["holder"].as_str()), (Some("melli"), Some("Ali Rezaei")));
    assert_eq!(card["iban"], "IR06******************0001");
    assert_eq!((card["weight"].as_i64(), card["daily_cap"].as_i64()), (Some(3), Some(5000000)));
    assert_eq!((card["used_today"].as_i64(), card["payments_today"].as_i64()), (Some(0), Some(0)));
    assert_eq!((card["currency"].as_str(), card["active"].as_bool()), (Some("IRT"), Some(true)));
    let (status, body) = a.post("/payment-cards", json!({"number": number, "holder": "Someone"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    // Refusals name the field and never quote the number, even when it is sent as a JSON number.
    let bad = format!("{}{}", &number[..15], (number[15..].parse::<u32>().unwrap() + 1) % 10);
    for number in [json!(bad), json!(bad.parse::<u64>().unwrap()), json!(["x"])] {
        let (status, body) = a.post("/payment-cards", json!({"number": number, "holder": "X"})).await;
        assert_eq!((status, fields(&body)), (422, vec!["number".to_owned()]), "{body}");
    }
    let (status, body) = a
        .post(
            "/payment-cards",
            json!({"number": bazar_testkit::card_number("622106123456789"), "holder": "", "iban": "IR00 1234",
                                        "weight": 0, "daily_cap": 0}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let mut refused = fields(&body);
    refused.sort();
    assert_eq!(refused, ["daily_cap", "holder", "iban", "weight"], "{body}");
    let (status, second) = a
        .post("/payment-cards", json!({"number": bazar_testkit::card_number("622106123456789"), "holder": "Sara"}))
        .await;
    assert_eq!((status, second["weight"].as_i64(), second["iban"].is_null()), (201, Some(1), true), "{second}");
    let second_id = second["id"].as_i64().unwrap();
    let (status, patched) = a
        .patch(&format!("/payment-cards/{card_id}"), json!({"holder": "Ali R.", "iban": null, "daily_cap": null}))
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!((patched["holder"].as_str(), patched["iban"].is_null()), (Some("Ali R."), true));
    assert_eq!((patched["daily_cap"].is_null(), patched["weight"].as_i64()), (true, Some(3)));
    let (status, body) = a.patch(&format!("/payment-cards/{card_id}"), json!({"number": number})).await;
    assert_eq!(status, 422, "the number cannot change: {body}");
    let (status, body) = a.patch(&format!("/payment-cards/{card_id}"), json!({"weight": 101})).await;
    assert_eq!((status, fields(&body)), (422, vec!["weight".to_owned()]));
    let (status, disabled) = a.delete(&format!("/payment-cards/{second_id}")).await;
    assert_eq!((status, disabled["active"].as_bool()), (200, Some(false)));
    let (_, list) = a.get("/payment-cards").await;
    let listed: Vec<(i64, bool)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["active"].as_bool().unwrap()))
        .collect();
    assert_eq!(listed, [(card_id, true), (second_id, false)]);
    assert_eq!(a.get(&format!("/payment-cards/{card_id}")).await.1["holder"], "Ali R.");

    // ---- Promo codes ----
    let (status, gift) =
        a.post("/promo-codes", json!({"code": "gift-1405", "kind": "bonus", "value": 20000, "max_uses": 10})).await;
    assert_eq!(status, 201, "{gift}");
    assert_eq!((gift["code"].as_str(), gift["kind"].as_str()), (Some("GIFT-1405"), Some("bonus")));
    assert_eq!((gift["currency"].as_str(), gift["per_customer"].as_i64()), (Some("IRT"), Some(1)));
    assert_eq!((gift["uses"].as_i64(), gift["active"].as_bool()), (Some(0), Some(true)));
    let gift_id = gift["id"].as_i64().unwrap();
    let (status, body) = a.post("/promo-codes", json!({"code": "GIFT-1405", "kind": "days", "value": 3})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")), "{body}");
    let (status, spring) = a
        .post(
            "/promo-codes",
            json!({"code": "spring", "kind": "percent", "value": 20, "starts_at": 1_700_000_000_000_i64,
                   "ends_at": 1_900_000_000_000_i64, "per_customer": 2}),
        )
        .await;
    assert_eq!(status, 201, "{spring}");
    assert_eq!((spring["currency"].is_null(), spring["ends_at"].as_i64()), (true, Some(1_900_000_000_000)));
    let spring_id = spring["id"].as_i64().unwrap();
    for (body, field) in [
        (json!({"code": "ab", "kind": "days", "value": 3}), "code"),
        (json!({"code": "ZERO", "kind": "percent", "value": 0}), "value"),
        (json!({"code": "MANY", "kind": "percent", "value": 300}), "value"),
        (json!({"code": "LONG", "kind": "days", "value": 400}), "value"),
        (json!({"code": "FREE", "kind": "bonus", "value": -5}), "value"),
        (json!({"code": "WHAT", "kind": "gift", "value": 5}), "kind"),
        (json!({"code": "BACK", "kind": "days", "value": 5, "starts_at": 20, "ends_at": 10}), "ends_at"),
        (json!({"code": "NONE", "kind": "days", "value": 5, "max_uses": 0}), "max_uses"),
        (json!({"code": "NONE", "kind": "days", "value": 5, "per_customer": 0}), "per_customer"),
    ] {
        let (status, refused) = a.post("/promo-codes", body.clone()).await;
        assert_eq!((status, fields(&refused)), (422, vec![field.to_owned()]), "{body} → {refused}");
    }
    let (status, patched) =
        a.patch(&format!("/promo-codes/{spring_id}"), json!({"ends_at": null, "max_uses": 5, "active": false})).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!((patched["ends_at"].is_null(), patched["max_uses"].as_i64()), (true, Some(5)));
    assert_eq!((patched["active"].as_bool(), patched["value"].as_i64()), (Some(false), Some(20)));
    let (status, body) = a.patch(&format!("/promo-codes/{spring_id}"), json!({"ends_at": 5})).await;
    assert_eq!((status, fields(&body)), (422, vec!["ends_at".to_owned()]), "before it starts: {body}");
    let (status, body) = a.patch(&format!("/promo-codes/{spring_id}"), json!({"max_uses": 0})).await;
    assert_eq!((status, fields(&body)), (422, vec!["max_uses".to_owned()]), "{body}");
    let (status, body) = a.patch(&format!("/promo-codes/{spring_id}"), json!({"code": "OTHER"})).await;
    assert_eq!(status, 422, "{body}");
    let (status, deleted) = a.delete(&format!("/promo-codes/{gift_id}")).await;
    assert_eq!((status, deleted["active"].as_bool()), (200, Some(false)));
    let (_, list) = a.get("/promo-codes").await;
    let codes: Vec<&str> = list["items"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["GIFT-1405", "SPRING"]);
    // The CLI sees the same codes.
    let cli = p.run(&["promo", "list", &id]).await.ok().stdout.clone();
    assert!(cli.contains("GIFT-1405") && cli.contains("(disabled)"), "{cli}");

    // ---- Another tenant's token: nothing of A exists, nothing of A changes ----
    for path in [format!("/plans/{monthly_id}"), format!("/payment-cards/{card_id}"), format!("/promo-codes/{gift_id}")]
    {
        assert_not_found(b.get(&path).await, &path);
        assert_not_found(b.patch(&path, json!({"active": false})).await, &path);
        assert_not_found(b.delete(&path).await, &path);
    }
    assert_not_found(b.patch(&format!("/plans/{monthly_id}"), json!({"price": 1})).await, "plan price");
    assert_not_found(b.patch(&format!("/payment-cards/{card_id}"), json!({"holder": "Eve"})).await, "card holder");
    assert_not_found(b.patch(&format!("/promo-codes/{gift_id}"), json!({"max_uses": 99})).await, "promo limit");
    for list in ["/plans", "/payment-cards", "/promo-codes"] {
        let (status, page) = b.get(list).await;
        assert_eq!((status, page["items"].as_array().unwrap().len()), (200, 0), "{list}: {page}");
    }
    let (_, plan) = a.get(&format!("/plans/{monthly_id}")).await;
    assert_eq!((plan["active"].as_bool(), plan["price"].as_i64()), (Some(true), Some(170000)));
    let (_, card) = a.get(&format!("/payment-cards/{card_id}")).await;
    assert_eq!((card["active"].as_bool(), card["holder"].as_str()), (Some(true), Some("Ali R.")));
    let (_, promo) = a.get(&format!("/promo-codes/{gift_id}")).await;
    assert_eq!((promo["active"].as_bool(), promo["max_uses"].as_i64()), (Some(false), Some(10)));

    // The full card number appeared in no answer, in any spelling.
    for text in a.seen().iter().chain(b.seen().iter()) {
        assert!(!text.contains(&number) && !text.contains(&grouped) && !text.contains(&bad), "leaked: {text}");
    }
    // The OpenAPI document lists the routes.
    let (_, doc) = a.get("/openapi.json").await;
    for path in ["/api/v1/plans/{id}", "/api/v1/payment-cards", "/api/v1/promo-codes/{id}"] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    server.stop().await;
}

on_both_backends!(catalog);

/// With a panel, a plan's options are checked against it, as `plan add` does.
async fn plans_fit_the_panel(p: Platform) {
    let panel = bazar_testkit::panels::FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let (_id, token) = p.add_shop(TG, "panel_api_bot", &[ADMIN]).await;
    let server = p.serve(false).await;
    let a = Api::new(&server, &token);
    let plan = |extra: Value| {
        let mut body = json!({"names": {"en": "Month"}, "days": 30, "price": 100000});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let (status, body) = a.post("/plans", plan(json!({}))).await;
    assert_eq!((status, fields(&body)), (422, vec!["squads".to_owned()]), "{body}");
    assert!(body.to_string().contains("Default-Squad"), "names what the panel has: {body}");
    let unknown = "11111111-1111-4111-8111-111111111111";
    let (status, body) = a.post("/plans", plan(json!({"options": {"squads": [unknown]}}))).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains(unknown), "{body}");
    let squad = panel.default_squad();
    let (status, created) = a.post("/plans", plan(json!({"options": {"squads": [squad]}}))).await;
    assert_eq!(status, 201, "{created}");
    // What plans may choose, for a client's forms: every kind's fields, and what this panel has.
    let (status, kinds) = a.get("/panel-kinds").await;
    let names: Vec<&str> = kinds.as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert_eq!((status, names.contains(&"remnawave"), names.contains(&"marzban")), (200, true, true), "{kinds}");
    let remnawave = kinds.as_array().unwrap().iter().find(|k| k["name"] == "remnawave").unwrap();
    assert_eq!(remnawave["options"][0]["key"], "squads");
    assert_eq!(remnawave["credentials"][0]["fields"][0]["key"], "token");
    let (status, shop_panel) = a.get("/panel").await;
    assert_eq!((status, shop_panel["kind"].as_str()), (200, Some("remnawave")), "{shop_panel}");
    assert_eq!((&shop_panel["available"], &shop_panel["down_since"]), (&json!(true), &json!(null)), "{shop_panel}");
    let entries = &shop_panel["options"][0]["entries"];
    assert!(entries.as_array().unwrap().iter().any(|e| e["value"] == squad.as_str()), "{shop_panel}");
    assert!(!shop_panel.to_string().contains(&panel.url()), "never the panel's address: {shop_panel}");
    let (status, body) = a.post("/plans", plan(json!({"options": {"squads": [squad], "inbounds": "all"}}))).await;
    assert_eq!((status, fields(&body)), (422, vec!["inbounds".to_owned()]), "not an option of Remnawave: {body}");
    let id = created["id"].as_i64().unwrap();
    let (status, body) = a.patch(&format!("/plans/{id}"), json!({"options": {"squads": []}})).await;
    assert_eq!((status, fields(&body)), (422, vec!["squads".to_owned()]), "{body}");
    let germany = panel.add_squad("Germany");
    let (status, patched) = a.patch(&format!("/plans/{id}"), json!({"options": {"squads": [germany]}})).await;
    assert_eq!(
        (status, patched["options"]["squads"].clone()),
        (200, json!([germany])),
        "read from the panel again: {patched}"
    );
}

on_both_backends!(plans_fit_the_panel);

/// A shop connects its own panel through the API, only when the platform
/// allows it: the panel is tested first (a wrong login saves nothing), then
/// it serves the shop and plans are checked against it. Its password is
/// never answered back.
async fn own_panel(p: Platform) {
    let marzban = bazar_testkit::panels::FakeMarzban::start().await;
    let (id, token) = p.add_shop(TG, "own_panel_bot", &[ADMIN]).await;
    let server = p.serve(false).await;
    let a = Api::new(&server, &token);
    let (user, password) = marzban.admin_credentials();
    let body = |password: &str| json!({"kind": "marzban", "url": marzban.url(), "credentials": {"username": user, "password": password}});
    let (status, refused) = a.call("PUT", "/panel", Some(body(&password))).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (403, Some("own_panel_not_allowed")), "{refused}");
    p.run(&["config", "set", &id, "own_panel_allowed", "on"]).await.ok();
    server.reload().await;
    let (status, wrong) = a.call("PUT", "/panel", Some(body("not-the-password"))).await;
    assert_eq!((status, fields(&wrong)), (422, vec!["credentials".to_owned()]), "{wrong}");
    let (status, unknown) =
        a.call("PUT", "/panel", Some(json!({"kind": "xui", "url": marzban.url(), "credentials": {}}))).await;
    assert_eq!((status, fields(&unknown)), (422, vec!["kind".to_owned()]), "{unknown}");
    let (status, _) = a.get("/panel").await;
    assert_eq!(status, 404, "nothing was saved");

    let (status, connected) = a.call("PUT", "/panel", Some(body(&password))).await;
    assert_eq!((status, connected["kind"].as_str()), (200, Some("marzban")), "{connected}");
    assert_eq!(connected["options"][0]["key"], "inbounds");
    assert!(!connected["options"][0]["entries"].as_array().unwrap().is_empty(), "{connected}");
    let (status, created) = a
        .post("/plans", json!({"names": {"en": "Own"}, "days": 30, "price": 1000, "options": {"inbounds": "all"}}))
        .await;
    assert_eq!(status, 201, "plans are checked against the shop's own panel: {created}");
    assert!(a.seen().iter().all(|body| !body.contains(&password)), "the password is never answered back");
}

on_both_backends!(own_panel);

/// A customer starts a card top-up in the bot and sends a text receipt; returns the admin's receipt message.
async fn card_top_up(p: &Platform, user: &FakeUser, amount: &str, receipt: &str) -> SentMessage {
    let menu = say(p, TG, user, updates::command(user, "/start", None)).await;
    let wallet = press(p, TG, user, &menu, "Wallet").await;
    let methods = press(p, TG, user, &wallet, "Top up").await;
    press(p, TG, user, &methods, "Card to card").await;
    let details = say(p, TG, user, updates::text(user, amount)).await;
    assert!(details.text.as_deref().unwrap_or_default().contains("Ali"), "the card's details: {details:?}");
    say(p, TG, user, updates::text(user, receipt)).await;
    wait_for_text(p, TG, ADMIN, receipt.split_whitespace().last().unwrap()).await
}

async fn payments(p: Platform) {
    let (id, token_a) = p.add_shop(TG, "pay_api_bot", &[ADMIN]).await;
    let (_other, token_b) = p.add_shop(TG_B, "other_pay_bot", &[ADMIN_B]).await;
    let server = p.serve(true).await;
    let a = Api::new(&server, &token_a);
    let b = Api::new(&server, &token_b);
    let number = bazar_testkit::card_number("603799123456789");
    let (status, card) = a.post("/payment-cards", json!({"number": number, "holder": "Ali Rezaei"})).await;
    assert_eq!(status, 201, "{card}");
    let user = FakeUser::new(5252, "Sara").with_language("en");
    let admin = FakeUser::new(ADMIN, "Admin").with_language("en");
    say(&p, TG, &admin, updates::command(&admin, "/start", None)).await;

    // A receipt whose text carries a card number: shown masked.
    let typed = format!("{} {} {} {}", &number[..4], &number[4..8], &number[8..12], &number[12..]);
    let receipt = card_top_up(&p, &user, "50000", &format!("paid from {typed} ref 998877")).await;
    let (status, list) = a.get("/payments?status=submitted&method=card").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    let payment = list["items"][0].clone();
    let pid = payment["id"].as_i64().unwrap();
    let customer = payment["customer_id"].as_i64().unwrap();
    assert_eq!(payment["card_number"], card["number"]);
    let (status, shown) = a.get(&format!("/payments/{pid}")).await;
    assert_eq!(status, 200, "{shown}");
    let text = shown["receipt_text"].as_str().unwrap();
    assert!(text.contains("603799******") && text.contains("998877"), "{text}");
    let statuses: Vec<&str> =
        shown["events"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["pending", "submitted"]);
    let credit = shown["credit"].as_i64().unwrap();
    assert!((50001..=50999).contains(&credit), "a unique suffix: {credit}");

    // Tenant B can neither see nor decide it.
    assert_not_found(b.get(&format!("/payments/{pid}")).await, "B reads A's payment");
    assert_not_found(b.post(&format!("/payments/{pid}/approve"), json!({})).await, "B approves");
    assert_not_found(b.post(&format!("/payments/{pid}/reject"), json!({"reason": "no"})).await, "B rejects");
    let (_, other) = b.get(&format!("/payments?customer_id={customer}")).await;
    assert_eq!(other["items"].as_array().unwrap().len(), 0);
    assert_eq!(a.get(&format!("/payments/{pid}")).await.1["status"], "submitted", "B changed nothing");

    // The admin presses Approve in the bot while five API approvals run: one credit.
    let answers_before = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&admin, receipt.message_id, &button(&receipt, "Approve")));
    let approve = format!("/payments/{pid}/approve");
    let calls = (0..5).map(|_| a.post(&approve, json!({})));
    let results = futures::future::join_all(calls).await;
    let deadline = Instant::now() + WAIT;
    while p.telegram.callback_answers(TG).len() == answers_before {
        assert!(Instant::now() < deadline, "the button press was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_for_text(&p, TG, user.id, "confirmed").await;
    let api_wins = results.iter().filter(|(s, _)| *s == 200).count();
    if api_wins == 0 {
        // The bot won: its "approved by" follows the customer's notice.
        wait_for_text(&p, TG, ADMIN, "approved by").await;
    }
    server.settled(&p, &[TG, TG_B]).await; // a second winner would show by now
    let bot_wins = count_texts(&p, TG, ADMIN, "approved by");
    assert_eq!(api_wins + bot_wins, 1, "exactly one winner: api {api_wins}, bot {bot_wins}");
    for (status, body) in &results {
        match status {
            200 => assert_eq!(body["status"], "paid", "{body}"),
            409 => {
                assert_eq!(body["error"]["code"], "already_decided", "{body}");
                assert!(body["error"]["message"].as_str().unwrap().contains("paid"), "{body}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(count_texts(&p, TG, user.id, "confirmed"), 1, "the customer is told once");
    let (_, paid) = a.get(&format!("/payments/{pid}")).await;
    assert_eq!(paid["status"], "paid");
    let paid_events = paid["events"].as_array().unwrap().iter().filter(|e| e["status"] == "paid").count();
    assert_eq!(paid_events, 1, "{paid}");
    if api_wins == 1 {
        let event = paid["events"].as_array().unwrap().last().unwrap().clone();
        assert_eq!((event["actor"].as_str(), paid["decided_by"].is_null()), (Some("api"), true), "{paid}");
    } else {
        assert_eq!(paid["decided_by"].as_i64(), Some(ADMIN), "{paid}");
    }
    let key = format!("c2c:{pid}");
    assert_eq!(p.count(&format!("SELECT COUNT(*) FROM ledger_entries WHERE idempotency_key = '{key}'")).await, 1);
    let balance = p.count(&format!("SELECT balance FROM wallets WHERE customer_id = {customer}")).await;
    assert_eq!(balance, credit, "the wallet shows the credit once");
    p.run(&["ledger", "check", &id]).await.ok();
    let (status, again) = a.post(&format!("/payments/{pid}/approve"), json!({})).await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_decided")));
    let (status, again) = a.post(&format!("/payments/{pid}/reject"), json!({"reason": "late"})).await;
    assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_decided")));

    // Rejected through the API; approving it afterwards (API or button) is refused and credits nothing.
    let receipt = card_top_up(&p, &user, "30000", "bank tracking 556677").await;
    let (_, list) = a.get("/payments?status=submitted").await;
    let second = list["items"][0]["id"].as_i64().unwrap();
    assert_ne!(second, pid);
    let (status, body) = a.post(&format!("/payments/{second}/reject"), json!({"reason": "  "})).await;
    assert_eq!((status, fields(&body)), (422, vec!["reason".to_owned()]));
    assert_missing(a.post(&format!("/payments/{second}/reject"), json!({})).await, "reason");
    let (status, rejected) =
        a.post(&format!("/payments/{second}/reject"), json!({"reason": "no such transfer on the account"})).await;
    assert_eq!(status, 200, "{rejected}");
    assert_eq!(
        (rejected["status"].as_str(), rejected["reason"].as_str()),
        (Some("rejected"), Some("no such transfer on the account"))
    );
    assert_eq!(rejected["events"].as_array().unwrap().last().unwrap()["actor"], "api");
    let told = wait_for_text(&p, TG, user.id, "not accepted").await;
    assert!(told.text.unwrap().contains("no such transfer"));
    let (status, body) = a.post(&format!("/payments/{second}/approve"), json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_decided")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("rejected"), "{body}");
    let before = p.telegram.callback_answers(TG).len();
    p.telegram.push_update(TG, updates::callback(&admin, receipt.message_id, &button(&receipt, "Approve")));
    let deadline = Instant::now() + WAIT;
    while p.telegram.callback_answers(TG).len() == before {
        assert!(Instant::now() < deadline, "the stale button was not answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let answers = p.telegram.callback_answers(TG);
    assert!(answers.last().unwrap()["text"].as_str().unwrap_or_default().contains("already rejected"), "{answers:?}");
    assert_eq!(p.count(&format!("SELECT balance FROM wallets WHERE customer_id = {customer}")).await, credit);
    p.run(&["ledger", "check", &id]).await.ok();

    // Filters and refusals.
    let (_, paid_list) = a.get(&format!("/payments?status=paid&customer_id={customer}")).await;
    assert_eq!(paid_list["items"].as_array().unwrap().len(), 1);
    let (_, all) = a.get("/payments").await;
    let order: Vec<i64> = all["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(order, [second, pid], "newest first");
    let (status, body) = a.get("/payments?status=bogus").await;
    assert_eq!((status, fields(&body)), (422, vec!["status".to_owned()]));
    let (status, body) = a.get("/payments?method=cash").await;
    assert_eq!((status, fields(&body)), (422, vec!["method".to_owned()]));
    assert_eq!(a.get("/payments?customer_id=abc").await.0, 422);
    assert_not_found(a.get("/payments/999999").await, "unknown payment");
    assert_not_found(a.post("/payments/999999/approve", json!({})).await, "unknown payment");
    assert_not_found(b.post(&format!("/payments/{second}/approve"), json!({})).await, "B approves A's rejected");
    assert_eq!(p.count(&format!("SELECT balance FROM wallets WHERE customer_id = {customer}")).await, credit);
    for text in a.seen().iter().chain(b.seen().iter()) {
        assert!(!text.contains(&number) && !text.contains(&typed), "leaked: {text}");
    }
    server.stop().await;
}

on_both_backends!(payments);

async fn tickets(p: Platform) {
    let (id, token_a) = p.add_shop(TG, "ticket_api_bot", &[ADMIN]).await;
    let (_other, token_b) = p.add_shop(TG_B, "other_ticket_bot", &[ADMIN_B]).await;
    p.run(&["config", "set", &id, "admin_chat_id", &ADMIN.to_string()]).await.ok();
    p.run(&["config", "set", &id, "default_language", "en"]).await.ok();
    let server = p.serve(true).await;
    let a = Api::new(&server, &token_a);
    let b = Api::new(&server, &token_b);
    let user = FakeUser::new(6363, "Sara").with_username("sara_k").with_language("en");

    // The customer writes through the Support button.
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    press(&p, TG, &user, &menu, "Write to support").await;
    let ack = say(&p, TG, &user, updates::text(&user, "My VPN is slow today")).await;
    assert!(ack.text.unwrap().contains("ticket #"));
    wait_for_text(&p, TG, ADMIN, "My VPN is slow today").await;

    let (status, list) = a.get("/tickets").await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    let ticket = items[0].clone();
    let tid = ticket["id"].as_i64().unwrap();
    assert_eq!((ticket["status"].as_str(), ticket["message_count"].as_i64()), (Some("open"), Some(1)));
    assert!(ticket["customer_id"].as_i64().unwrap() > 0 && ticket["last_message_at"].as_i64().unwrap() > 0);
    assert_eq!(a.get("/tickets?status=closed").await.1["items"].as_array().unwrap().len(), 0);
    assert_eq!(a.get("/tickets?status=open").await.1["items"].as_array().unwrap().len(), 1);
    let (status, body) = a.get("/tickets?status=lost").await;
    assert_eq!((status, fields(&body)), (422, vec!["status".to_owned()]));
    let (status, detail) = a.get(&format!("/tickets/{tid}")).await;
    assert_eq!(status, 200);
    assert_eq!(detail["messages"][0]["text"], "My VPN is slow today");
    assert_eq!(
        (detail["messages"][0]["from_admin"].as_bool(), detail["messages"][0]["author"].as_i64()),
        (Some(false), Some(user.id))
    );

    // Another tenant: not found, nothing stored, nothing queued.
    assert_not_found(b.get(&format!("/tickets/{tid}")).await, "B reads");
    assert_not_found(b.post(&format!("/tickets/{tid}/reply"), json!({"text": "hi from B"})).await, "B replies");
    assert_not_found(b.post(&format!("/tickets/{tid}/close"), json!({})).await, "B closes");
    assert_eq!(b.get("/tickets").await.1["items"].as_array().unwrap().len(), 0);
    assert_eq!(p.count("SELECT COUNT(*) FROM ticket_messages").await, 1);
    assert_eq!(p.count("SELECT COUNT(*) FROM jobs WHERE kind IN ('ticket_reply', 'ticket_closed')").await, 0);
    assert_eq!(a.get(&format!("/tickets/{tid}")).await.1["status"], "open");

    // The answer is stored (author 0: the API) and queued for delivery by the bot.
    let (status, body) = a.post(&format!("/tickets/{tid}/reply"), json!({"text": "   "})).await;
    assert_eq!((status, fields(&body)), (422, vec!["text".to_owned()]));
    let (status, answered) =
        a.post(&format!("/tickets/{tid}/reply"), json!({"text": "Please switch to server 2"})).await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!((answered["status"].as_str(), answered["message_count"].as_i64()), (Some("answered"), Some(2)));
    let answer = answered["messages"][1].clone();
    assert_eq!((answer["from_admin"].as_bool(), answer["author"].as_i64()), (Some(true), Some(0)));
    assert_eq!(answer["text"], "Please switch to server 2");
    let sql = format!(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'ticket_reply' AND payload LIKE '%\"ticket\":{tid}%' \
         AND payload LIKE '%\"message\":{}%'",
        answer["id"]
    );
    assert_eq!(p.count(&sql).await, 1, "the ticket_reply job: {{\"ticket\": {tid}, \"message\": {}}}", answer["id"]);
    assert_eq!(a.get("/tickets?status=answered").await.1["items"][0]["id"].as_i64(), Some(tid));
    // The bot delivers it to the customer in Telegram.
    wait_for_text(&p, TG, user.id, "Please switch to server 2").await;

    // Closed once: a second close changes nothing and queues nothing.
    let (status, closed) = a.post(&format!("/tickets/{tid}/close"), json!({})).await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("closed")), "{closed}");
    let (status, closed) = a.post(&format!("/tickets/{tid}/close"), json!({})).await;
    assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
    let sql = format!("SELECT COUNT(*) FROM jobs WHERE kind = 'ticket_closed' AND payload LIKE '%\"ticket\":{tid}%'");
    assert_eq!(p.count(&sql).await, 1);
    wait_for_text(&p, TG, user.id, "was closed").await;
    assert_not_found(a.get("/tickets/999999").await, "unknown ticket");
    assert_not_found(a.post("/tickets/999999/reply", json!({"text": "x"})).await, "unknown ticket");
    assert_not_found(a.post("/tickets/999999/close", json!({})).await, "unknown ticket");
    assert_eq!(p.count("SELECT COUNT(*) FROM ticket_messages").await, 2);
    server.stop().await;
}

on_both_backends!(tickets);
