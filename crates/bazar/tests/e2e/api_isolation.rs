//! Tenant isolation of the REST API, proven by walking the generated OpenAPI
//! document — so a route added later is covered without touching this file.
//!
//! Tenant A gets one object of every kind through its own interfaces (a
//! customer and a ticket through the bot, a subscription bought with the
//! wallet and provisioned on the fake Remnawave, a card-to-card payment with a
//! receipt, a plan, a card and a promo code through the CLI). Tenant B has
//! nothing of its own. Then, with B's token, every documented operation is
//! called:
//!
//! * a path with parameters gets A's ids (every id A has, the natural one of
//!   the path's list first), 1..=5 and huge ids, with a body built from the
//!   operation's schema whose id fields also hold A's ids: the answer must be
//!   404 — never 2xx, 403 or 409, which would reveal that the object exists.
//!   A 422 is tolerated only for an operation that takes a body the builder
//!   could not satisfy, and each one is printed. A path parameter whose values
//!   B has too (B has no objects, so these are keys every tenant shares: a
//!   feature flag, a configuration key) addresses B's own settings: any
//!   non-5xx answer is fine there, and A's settings must stay as they were;
//! * a path without parameters (a list, `/me`, stats) must answer none of A's
//!   ids or texts, also when A's ids, A's texts, A's Telegram id, wildcards or
//!   A's field values (`status=submitted`) are passed as filters; a write
//!   whose body names A's ids must be refused;
//! * every platform route answers 401.
//!
//! No answer may be a 5xx or carry any of A's texts (all of them contain the
//! marker `zq7`), A's tracking code, card number or subscription link. A's
//! data — every GET of the API with A's token, and a fingerprint of every
//! tenant table — must be the same afterwards, and bot B must not have written
//! to any of A's chats. The walk fails if it exercised fewer (method, path)
//! pairs than the document has operations. Afterwards, as a control, A sends
//! the same bodies to its own objects: most are accepted, so B's 404s came
//! from scoping, not from a malformed request.
//!
//! A second test proves every route is documented and guarded: each
//! documented operation answers 401 without a token and lists 401 among its
//! responses; undocumented methods on documented paths answer 405; undocumented
//! paths near the documented ones answer 404.

use crate::api_walk;
use crate::helpers;

use api_walk::{Answer, Doc, Http, IdHints, Operation, Param, build, fill, id_values, is_error_shape, list_ids};
use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say, wait_for_text};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

const TG_A: i64 = 9701;
const TG_B: i64 = 9702;
const ADMIN_A: i64 = 9170;
const ADMIN_B: i64 = 9270;
const CUSTOMER_A: i64 = 8170;
/// Every text of tenant A contains this (compared case-insensitively).
const MARK: &str = "zq7";
/// Ids no tenant has.
const HUGE_IDS: [i64; 3] = [999_999, 9_007_199_254_740_993, i64::MAX];
const PLATFORM_TOKEN: &str = "platform-token-0123456789abcdef0123456789abcdef";

/// Two tenants on a running server: A with one object of every kind, B empty.
struct World {
    server: helpers::Server,
    http: Http,
    a: String,
    a_token: String,
    b_token: String,
    _panel: FakeRemnawave,
}

async fn world(mut p: Platform) -> (Platform, World) {
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let (a, a_token) = p.add_shop(TG_A, "zq7_shop_bot", &[ADMIN_A]).await;
    let (b, b_token) = p.add_shop(TG_B, "bee_shop_bot", &[ADMIN_B]).await;
    for (bot, admin) in [(&a, ADMIN_A), (&b, ADMIN_B)] {
        p.run(&["config", "set", bot, "admin_chat_id", &admin.to_string()]).await.ok();
        p.run(&["config", "set", bot, "default_language", "en"]).await.ok();
        // The walk sends a few thousand requests; the default budget is 600 a minute.
        p.run(&["config", "set", bot, "api_rate_limit_per_minute", "100000"]).await.ok();
    }
    let squad = panel.default_squad();
    p.run(&["plan", "add", &a, "--name", "Zq7 Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    let number = bazar_testkit::card_number("610433987654321");
    p.run(&["card", "add", &a, "--number", &number, "--holder", "Zq7 Holder", "--daily-cap", "10000000"]).await.ok();
    p.run(&["promo", "add", &a, "ZQ7GIFT", "--percent", "10", "--max-uses", "5"]).await.ok();

    p.env.push(("BAZAR_PLATFORM_API_TOKEN".into(), PLATFORM_TOKEN.into()));
    let server = p.serve(true).await;
    let user = FakeUser::new(CUSTOMER_A, "Alice Zq7").with_username("zq7_alice").with_language("en");

    // A customer, with a subscription bought from the wallet.
    let menu = say(&p, TG_A, &user, updates::command(&user, "/start", None)).await;
    p.run(&["wallet", "adjust", &a, &CUSTOMER_A.to_string(), "150000", "--reason", "zq7 gift"]).await.ok();
    let plans = press(&p, TG_A, &user, &menu, "Buy").await;
    let summary = press(&p, TG_A, &user, &plans, "Zq7 Monthly").await;
    press(&p, TG_A, &user, &summary, "Pay").await;
    wait_for_text(&p, TG_A, CUSTOMER_A, "ready until").await;

    // A card-to-card top-up with a text receipt, waiting for the admins.
    let menu = say(&p, TG_A, &user, updates::command(&user, "/start", None)).await;
    let wallet = press(&p, TG_A, &user, &menu, "Wallet").await;
    let methods = press(&p, TG_A, &user, &wallet, "Top up").await;
    press(&p, TG_A, &user, &methods, "Card to card").await;
    say(&p, TG_A, &user, updates::text(&user, "50000")).await;
    say(&p, TG_A, &user, updates::text(&user, "zq7 receipt 998877")).await;
    wait_for_text(&p, TG_A, ADMIN_A, "998877").await;

    // A support ticket.
    let menu = say(&p, TG_A, &user, updates::command(&user, "/start", None)).await;
    press(&p, TG_A, &user, &menu, "Write to support").await;
    say(&p, TG_A, &user, updates::text(&user, "zq7 my VPN is slow")).await;
    wait_for_text(&p, TG_A, ADMIN_A, "zq7 my VPN is slow").await;

    let http = Http::new(server.url());
    (p, World { server, http, a, a_token, b_token, _panel: panel })
}

fn is_platform(op: &Operation) -> bool {
    op.path.starts_with("/api/v1/platform/") || op.path == "/api/v1/platform"
}

/// A's values for each path parameter of each template: ids from the list the
/// parameter's path prefix names (its "natural" ids), or an enum's values.
#[derive(Default)]
struct Naturals {
    by_param: BTreeMap<(String, String), Vec<String>>,
}

impl Naturals {
    fn first(&self, path: &str, param: &Param) -> String {
        self.by_param
            .get(&(path.to_owned(), param.name.clone()))
            .and_then(|v| v.first().cloned())
            .or_else(|| param.enum_values().and_then(|e| e.first().cloned()))
            .unwrap_or_else(|| "1".into())
    }

    /// The path filled with the first natural value of each parameter.
    fn fill(&self, doc: &Doc, op: &Operation) -> String {
        let values = doc
            .params(op)
            .iter()
            .filter(|p| p.location == "path")
            .map(|p| (p.name.clone(), self.first(&op.path, p)))
            .collect();
        fill(&op.path, &values)
    }
}

async fn find_naturals(http: &Http, doc: &Doc, token: &str) -> Naturals {
    let mut out = Naturals::default();
    let mut cache: BTreeMap<String, Answer> = BTreeMap::new();
    for op in doc.operations().iter().filter(|o| !is_platform(o)) {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        for param in doc.params(op).into_iter().filter(|p| p.location == "path") {
            let found = if let Some(e) = param.enum_values() {
                e
            } else {
                // The list the parameter indexes: the template up to it, earlier parameters filled.
                let marker = format!("{{{}}}", param.name);
                let prefix = op.path.split(&format!("/{marker}")).next().unwrap().to_owned();
                let url = fill(&prefix, &values);
                if !cache.contains_key(&url) {
                    cache.insert(url.clone(), http.call("get", &url, Some(token), None).await);
                }
                let list = &cache[&url].body;
                let items = list["items"].as_array().or(list.as_array()).cloned().unwrap_or_default();
                items
                    .iter()
                    .filter_map(|i| {
                        let v = if i.get(&param.name).is_some() { &i[&param.name] } else { &i["id"] };
                        v.as_i64().map(|n| n.to_string()).or_else(|| v.as_str().map(str::to_owned))
                    })
                    .collect()
            };
            if let Some(first) = found.first() {
                values.insert(param.name.clone(), first.clone());
            }
            out.by_param.insert((op.path.clone(), param.name.clone()), found);
        }
    }
    out
}

/// Drops what changes by itself between two reads.
fn normalize(v: &Value) -> Value {
    const VOLATILE: [&str; 5] = ["last_used_at", "last_seen_at", "generated_at", "now", "server_time"];
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(k, _)| !VOLATILE.contains(&k.as_str())).map(|(k, v)| (k.clone(), normalize(v))).collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// Every GET of the tenant API with A's token, paths filled with A's ids.
async fn snapshot(http: &Http, doc: &Doc, naturals: &Naturals, token: &str) -> BTreeMap<String, (u16, Value)> {
    let mut out = BTreeMap::new();
    for op in doc.operations().iter().filter(|o| o.method == "get" && !is_platform(o)) {
        let url = naturals.fill(doc, op);
        let answer = http.call("get", &url, Some(token), None).await;
        out.insert(url, (answer.status, normalize(&answer.body)));
    }
    out
}

/// Row counts (and latest change) of every tenant table for one bot, read with full visibility.
async fn fingerprint(p: &Platform, bot: &str) -> BTreeMap<String, (i64, i64)> {
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&p.inspect_url).await.unwrap();
    let with_column = |column: &str| {
        if p.postgres {
            format!(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.columns \
                 WHERE column_name = '{column}' AND table_schema = 'public' ORDER BY 1"
            )
        } else {
            format!(
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c \
                 WHERE m.type = 'table' AND c.name = '{column}' ORDER BY 1"
            )
        }
    };
    let tables: Vec<String> = sqlx::query_scalar(&with_column("bot_id")).fetch_all(&mut conn).await.unwrap();
    let with_updated: Vec<String> = sqlx::query_scalar(&with_column("updated_at")).fetch_all(&mut conn).await.unwrap();
    let mut out = BTreeMap::new();
    // The inbox and the runtime's bookkeeping move with Telegram traffic, not with API calls.
    for table in tables.into_iter().filter(|t| !["telegram_updates", "bot_runtime"].contains(&t.as_str())) {
        let latest = if with_updated.contains(&table) { "MAX(updated_at)" } else { "0" };
        let sql = format!("SELECT COUNT(*), CAST(COALESCE({latest}, 0) AS BIGINT) FROM {table} WHERE bot_id = {bot}");
        let row: (i64, i64) = sqlx::query_as(&sql).fetch_one(&mut conn).await.unwrap();
        out.insert(table, row);
    }
    let _ = sqlx::Connection::close(conn).await;
    out
}

/// A's texts and secrets that must never reach B: the marker, and the values
/// of A's fields that identify money and access.
fn a_secrets(snapshot: &BTreeMap<String, (u16, Value)>) -> Vec<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let k = k.to_ascii_lowercase();
                    if let Some(s) = v.as_str()
                        && s.len() >= 6
                        && (k.contains("tracking")
                            || k.contains("subscription_url")
                            || k.contains("link")
                            || k == "number")
                    {
                        out.insert(s.to_ascii_lowercase());
                    }
                    walk(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::from([MARK.to_owned()]);
    for (_, body) in snapshot.values() {
        walk(body, &mut out);
    }
    out.into_iter().collect()
}

/// What the walk saw.
#[derive(Default)]
struct Tally {
    pairs: BTreeSet<(String, String)>,
    requests: usize,
    not_found: usize,
    tolerated_422: Vec<String>,
    list_checks: usize,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        eprintln!("FAIL {what}");
        self.failures.push(what);
    }

    /// The checks every answer to B passes: no 5xx, none of A's texts.
    fn common(&mut self, what: &str, answer: &Answer, secrets: &[String]) {
        self.requests += 1;
        if answer.status >= 500 {
            self.fail(format!("{what}: {} {}", answer.status, answer.text));
        }
        let text = answer.text.to_ascii_lowercase();
        for s in secrets {
            if text.contains(s.as_str()) {
                self.fail(format!("LEAK {what}: the answer holds A's {s:?}: {}", answer.text));
            }
        }
        if answer.status >= 400 && !is_error_shape(answer) {
            self.fail(format!("{what}: not the JSON error shape: {} {}", answer.status, answer.text));
        }
    }
}

async fn isolation(p: Platform) {
    let (p, w) = world(p).await;
    let http = &w.http;
    let doc = Doc(http.call("get", "/api/v1/openapi.json", None, None).await.body);
    let operations = doc.operations();
    let naturals = find_naturals(http, &doc, &w.a_token).await;
    let before = snapshot(http, &doc, &naturals, &w.a_token).await;
    for (url, (status, body)) in &before {
        assert_eq!(*status, 200, "A reads its own {url}: {body}");
    }
    // What B sees before the walk (defaults every tenant shares) is no secret of A's.
    let mut b_baseline = String::new();
    for op in operations.iter().filter(|o| o.method == "get" && !is_platform(o) && !o.path.contains('{')) {
        b_baseline.push_str(&http.call("get", &op.path, Some(&w.b_token), None).await.text.to_ascii_lowercase());
    }
    let secrets: Vec<String> = a_secrets(&before).into_iter().filter(|s| !b_baseline.contains(s.as_str())).collect();
    assert!(!b_baseline.contains(MARK), "B starts with nothing of A's: {b_baseline}");
    println!("A's secrets B must never see: {secrets:?}");
    let db_before = fingerprint(&p, &w.a).await;
    let sent_a = p.telegram.sent(TG_A).len();

    // Every id of A, of any kind, and the ids of each kind (for body fields like `customer_id`).
    let mut a_ids: BTreeSet<i64> = BTreeSet::new();
    let mut hints = IdHints::default();
    for (url, (_, body)) in &before {
        for id in list_ids(body) {
            a_ids.insert(id);
            // `/api/v1/customers` → kind `customer`; `/api/v1/payment-cards` → `card` too.
            if let Some(last) = url.rsplit('/').next() {
                let singular = last.trim_end_matches('s').to_owned();
                hints.by_kind.entry(singular.clone()).or_insert(id);
                if let Some(tail) = singular.rsplit('-').next() {
                    hints.by_kind.entry(tail.to_owned()).or_insert(id);
                }
            }
        }
        for (path, value) in id_values(body) {
            if path.ends_with("customer_id") || path.ends_with("plan_id") || path.ends_with("card_id") {
                let kind = path.rsplit('.').next().unwrap().trim_end_matches("_id").to_owned();
                if let Ok(id) = value.parse() {
                    hints.by_kind.entry(kind).or_insert(id);
                    a_ids.insert(id);
                }
            }
        }
    }
    hints.fallback = a_ids.iter().next().copied();
    // Values B has too (B has no objects) are keys every tenant shares — flag or configuration keys — not A's ids.
    let b_naturals = find_naturals(http, &doc, &w.b_token).await;
    let shared = |path: &str, param: &Param| {
        param.enum_values().is_some()
            || b_naturals.by_param.get(&(path.to_owned(), param.name.clone())).is_some_and(|v| !v.is_empty())
    };
    // The detector is not blind: each of A's objects, as A reads it, carries one of A's secrets.
    for op in operations.iter().filter(|o| o.method == "get" && !is_platform(o) && o.path.contains('{')) {
        if doc.params(op).iter().filter(|p| p.location == "path").all(|p| !shared(&op.path, p)) {
            let url = naturals.fill(&doc, op);
            let text = before[&url].1.to_string().to_ascii_lowercase();
            assert!(secrets.iter().any(|s| text.contains(s.as_str())), "{url}: nothing marks A's {text}");
        }
    }
    for ((path, param), values) in &naturals.by_param {
        assert!(!values.is_empty(), "A has an object for {path} (parameter {param}) to try");
    }
    println!("A's ids: {a_ids:?}; id hints for bodies: {:?}", hints.by_kind);

    let mut t = Tally::default();
    let b = Some(w.b_token.as_str());

    // 1. Platform routes: 401 for tenant tokens.
    for op in operations.iter().filter(|o| is_platform(o)) {
        for token in [&w.b_token, &w.a_token] {
            let url = naturals.fill(&doc, op);
            let body = doc.body_schema(op).map(|s| build(&doc, &s, &hints).value);
            let answer = http.call(&op.method, &url, Some(token), body.as_ref()).await;
            let what = format!("{} {url} (tenant token)", op.method);
            t.common(&what, &answer, &secrets);
            if answer.status != 401 {
                t.fail(format!("{what}: expected 401, got {} {}", answer.status, answer.text));
            }
        }
        t.pairs.insert((op.method.clone(), op.path.clone()));
    }

    // 2. Paths with parameters: A's ids (and numbers nobody or A has) → 404.
    let mut extra: Vec<String> = (1..=5).map(|n: i64| n.to_string()).collect();
    extra.extend(HUGE_IDS.iter().map(i64::to_string));
    extra.extend(a_ids.iter().map(i64::to_string));
    for op in operations.iter().filter(|o| !is_platform(o) && o.path.contains('{')) {
        let params: Vec<Param> = doc.params(op).into_iter().filter(|p| p.location == "path").collect();
        let body_schema = doc.body_schema(op);
        for param in &params {
            let keyed = shared(&op.path, param);
            let mut candidates: Vec<String> =
                naturals.by_param.get(&(op.path.clone(), param.name.clone())).cloned().unwrap_or_default();
            if !keyed {
                candidates.extend(extra.iter().cloned());
            }
            let mut seen = BTreeSet::new();
            candidates.retain(|c| seen.insert(c.clone()));
            for candidate in candidates {
                let mut values: BTreeMap<String, String> =
                    params.iter().map(|p| (p.name.clone(), naturals.first(&op.path, p))).collect();
                values.insert(param.name.clone(), candidate.clone());
                let url = fill(&op.path, &values);
                // An id in the path makes the object A's (or nobody's): the answer must be 404.
                // An id in the path makes the object A's (or nobody's): the answer must be 404. Only a path
                // made of keys alone (a flag, a configuration key) reaches B's own settings.
                let must_404 = params.iter().any(|p| !shared(&op.path, p));
                let body = body_schema.as_ref().map(|s| build(&doc, s, &hints));
                let answer = http.call(&op.method, &url, b, body.as_ref().map(|b| &b.value)).await;
                let shown = body.as_ref().map(|b| b.value.to_string()).unwrap_or_default();
                let what = format!("{} {url} body={shown}", op.method);
                t.common(&what, &answer, &secrets);
                if !must_404 {
                    continue;
                }
                match answer.status {
                    404 if answer.body["error"]["code"] == "not_found" => t.not_found += 1,
                    422 if body.is_some() => {
                        t.tolerated_422.push(format!("{what} → {}", answer.body["error"]["message"]));
                    }
                    s => t.fail(format!("{what}: expected 404 for A's/nobody's id, got {s} {}", answer.text)),
                }
            }
        }
        t.pairs.insert((op.method.clone(), op.path.clone()));
    }

    // 3. Paths without parameters: B's own data only; A's ids as filters find nothing of A's.
    let a_id_values: BTreeMap<String, BTreeSet<(String, String)>> =
        before.iter().map(|(url, (_, body))| (url.clone(), id_values(body).into_iter().collect())).collect();
    // Every text value of every field of A's objects, by field name (`status` → `submitted`, `active`, …).
    let mut a_fields: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, body) in before.values() {
        for item in body["items"].as_array().into_iter().flatten() {
            for (k, v) in item.as_object().into_iter().flatten() {
                if let Some(text) =
                    v.as_str().filter(|t| t.len() < 40 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                {
                    a_fields.entry(k.clone()).or_default().insert(text.to_owned());
                }
            }
        }
    }
    let gets = operations.iter().filter(|o| !is_platform(o) && !o.path.contains('{') && o.method == "get");
    let writes = operations.iter().filter(|o| !is_platform(o) && !o.path.contains('{') && o.method != "get");
    for op in gets.chain(writes) {
        let query_params: Vec<Param> = doc.params(op).into_iter().filter(|p| p.location == "query").collect();
        let mut urls = vec![op.path.clone()];
        for q in &query_params {
            if let Some(values) = q.enum_values() {
                urls.extend(values.iter().map(|v| format!("{}?{}={v}", op.path, q.name)));
            } else if q.is_id() || q.is_integer() && q.name != "limit" && q.name != "offset" {
                let mut values: Vec<String> = a_ids.iter().map(i64::to_string).collect();
                values.push(CUSTOMER_A.to_string());
                urls.extend(values.iter().map(|v| format!("{}?{}={v}", op.path, q.name)));
            } else if !q.is_integer() {
                // A search or a filter: A's texts, A's telegram id, wildcards, and every value A has in a
                // field of that name (`status=submitted`).
                let mut values: BTreeSet<String> =
                    [MARK, "alice", "%25", "_", "*"].iter().map(|s| s.to_string()).collect();
                values.insert(CUSTOMER_A.to_string());
                values.extend(a_fields.get(&q.name).cloned().unwrap_or_default());
                urls.extend(values.iter().map(|v| format!("{}?{}={v}", op.path, q.name)));
            }
        }
        for url in urls {
            let body = doc.body_schema(op).map(|s| build(&doc, &s, &hints));
            let answer = http.call(&op.method, &url, b, body.as_ref().map(|b| &b.value)).await;
            let shown = body.as_ref().map(|b| b.value.to_string()).unwrap_or_default();
            let what = format!("{} {url} body={shown}", op.method);
            t.common(&what, &answer, &secrets);
            if op.method == "get" {
                t.list_checks += 1;
                let a_values = a_id_values.get(&op.path).cloned().unwrap_or_default();
                for pair in id_values(&answer.body) {
                    if a_values.contains(&pair) {
                        t.fail(format!("LEAK {what}: A's {} = {} in B's answer: {}", pair.0, pair.1, answer.text));
                    }
                }
            } else if body.as_ref().is_some_and(|b| !b.ids_used.is_empty()) && (200..300).contains(&answer.status) {
                t.fail(format!(
                    "{what}: B's write naming A's {:?} was accepted: {} {}",
                    body.unwrap().ids_used,
                    answer.status,
                    answer.text
                ));
            }
        }
        t.pairs.insert((op.method.clone(), op.path.clone()));
    }

    // A is unchanged: every read, every table, and no message from B's bot to A's people.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let after = snapshot(http, &doc, &naturals, &w.a_token).await;
    for (url, old) in &before {
        if after.get(url) != Some(old) {
            t.fail(format!("A's {url} changed:\nbefore {}\nafter  {:?}", old.1, after.get(url).map(|a| &a.1)));
        }
    }
    let db_after = fingerprint(&p, &w.a).await;
    if db_after != db_before {
        t.fail(format!("A's tables changed:\nbefore {db_before:?}\nafter  {db_after:?}"));
    }
    if p.telegram.sent(TG_A).len() != sent_a {
        t.fail(format!("bot A sent {} messages during B's walk", p.telegram.sent(TG_A).len() - sent_a));
    }
    for m in p.telegram.sent(TG_B) {
        if [CUSTOMER_A, ADMIN_A].contains(&m.chat_id) {
            t.fail(format!("bot B wrote to A's chat {}: {:?}", m.chat_id, m.text));
        }
    }

    let total = operations.len();
    println!(
        "isolation walk: {} of {total} documented operations exercised, {} requests as tenant B, {} answered 404, \
         {} list/read answers checked for A's data, {} tolerated 422s",
        t.pairs.len(),
        t.requests,
        t.not_found,
        t.list_checks,
        t.tolerated_422.len()
    );
    for (method, path) in &t.pairs {
        println!("  covered {} {path}", method.to_uppercase());
    }
    for line in &t.tolerated_422 {
        println!("  422 (body the builder could not satisfy): {line}");
    }
    let documented: BTreeSet<(String, String)> =
        operations.iter().map(|o| (o.method.clone(), o.path.clone())).collect();
    assert_eq!(t.pairs, documented, "every documented operation is exercised");
    assert!(t.pairs.len() >= total);
    assert!(t.failures.is_empty(), "{} failures:\n{}", t.failures.len(), t.failures.join("\n"));

    // Control: the same bodies, sent by A to its own objects, are mostly accepted, so B's 404s came from scoping.
    let mut accepted = 0;
    let mut writes = 0;
    let mut order: Vec<&Operation> =
        operations.iter().filter(|o| !is_platform(o) && o.path.contains('{') && o.method != "get").collect();
    order.sort_by_key(|o| o.method == "delete");
    for op in order {
        writes += 1;
        let url = naturals.fill(&doc, op);
        let body = doc.body_schema(op).map(|s| build(&doc, &s, &hints).value);
        let answer = http.call(&op.method, &url, Some(&w.a_token), body.as_ref()).await;
        assert!(answer.status < 500, "{} {url} by its owner: {} {}", op.method, answer.status, answer.text);
        if (200..300).contains(&answer.status) {
            accepted += 1;
        } else {
            println!("  control: {} {url} by A → {} {}", op.method.to_uppercase(), answer.status, answer.text);
        }
    }
    println!("control: {accepted} of {writes} writes on A's own objects accepted the builder's body");
    w.server.stop().await;
}

on_both_backends!(isolation);

/// Whether a concrete path matches a documented template (`{…}` matches one segment).
fn matches_template(path: &str, template: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), template.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(s, t)| (t.starts_with('{') && !s.is_empty()) || s == t)
}

/// Fills a template with plausible values: an enum's first value, else `1`.
fn sample_path(doc: &Doc, op: &Operation) -> String {
    let values = doc
        .params(op)
        .iter()
        .filter(|p| p.location == "path")
        .map(|p| (p.name.clone(), p.enum_values().and_then(|e| e.first().cloned()).unwrap_or_else(|| "1".into())))
        .collect();
    fill(&op.path, &values)
}

async fn every_route_is_documented(p: Platform) {
    let (a, a_token) = p.add_shop(TG_A, "zq7_shop_bot", &[ADMIN_A]).await;
    p.run(&["config", "set", &a, "api_rate_limit_per_minute", "100000"]).await.ok();
    let mut p = p;
    p.env.push(("BAZAR_PLATFORM_API_TOKEN".into(), PLATFORM_TOKEN.into()));
    let server = p.serve(false).await;
    let http = Http::new(server.url());
    let doc = Doc(http.call("get", "/api/v1/openapi.json", None, None).await.body);
    let operations = doc.operations();
    let templates: Vec<String> = doc.0["paths"].as_object().unwrap().keys().cloned().collect();
    let hints = IdHints { fallback: Some(1), ..Default::default() };
    let mut failures = Vec::new();

    // Every documented operation is guarded and says so: 401 without a token, with a malformed or a foreign one.
    for op in &operations {
        let what = format!("{} {}", op.method.to_uppercase(), op.path);
        if !op.op["responses"]["401"].is_object() {
            failures.push(format!("{what}: 401 is not among its documented responses"));
        }
        if op.op["security"].as_array().is_none_or(|s| s.is_empty()) {
            failures.push(format!("{what}: no security requirement documented"));
        }
        let url = sample_path(&doc, op);
        let body = doc.body_schema(op).map(|s| build(&doc, &s, &hints).value);
        let foreign = if is_platform(op) { a_token.as_str() } else { PLATFORM_TOKEN };
        for token in [None, Some("bzr_not-a-real-token"), Some(foreign)] {
            let answer = http.call(&op.method, &url, token, body.as_ref()).await;
            if answer.status != 401 || answer.body["error"]["code"] != "unauthorized" {
                failures.push(format!("{what} ({url}) with {token:?}: {} {}", answer.status, answer.text));
            }
        }
    }

    // A documented path answers 405 to every method it does not document, whoever asks.
    let mut probes = 0;
    for template in &templates {
        let item = &doc.0["paths"][template];
        let sample_op = operations.iter().find(|o| &o.path == template).unwrap();
        let url = sample_path(&doc, sample_op);
        let token = if is_platform(sample_op) { PLATFORM_TOKEN } else { a_token.as_str() };
        for method in ["get", "post", "put", "patch", "delete", "options"] {
            if item.get(method).is_some() {
                continue;
            }
            probes += 1;
            let answer = http.call(method, &url, Some(token), Some(&serde_json::json!({}))).await;
            if answer.status != 405 || answer.body["error"]["code"] != "method_not_allowed" {
                failures.push(format!("{method} {url} (undocumented method): {} {}", answer.status, answer.text));
            }
        }
    }

    // Paths near the documented ones, and ones an API might grow by accident: 404, whatever the method and token.
    let mut candidates: BTreeSet<String> = [
        "/api",
        "/api/v1",
        "/api/v1/",
        "/api/v2/me",
        "/API/v1/me",
        "/api/v1/ME",
        "/api/v1//me",
        "/api/v1/me/",
        "/api/v1/me/token",
        "/api/v1/admin",
        "/api/v1/admins",
        "/api/v1/internal",
        "/api/v1/debug",
        "/api/v1/tokens",
        "/api/v1/api-tokens",
        "/api/v1/bots",
        "/api/v1/bots/1",
        "/api/v1/wallets",
        "/api/v1/ledger",
        "/api/v1/broadcasts",
        "/api/v1/users",
        "/api/v1/webhook",
        "/api/v1/platform",
        "/api/v1/platform/",
        "/api/v1/platform/me",
        "/api/v1/platform/tenants",
        "/api/v1/platform/config",
        "/api/v1/platform/customers",
        "/api/v1/platform/bots/1/token",
        "/api/v1/platform/bots/1/api-tokens",
        "/api/v1/platform/bots/1/remove",
        "/api/v1/platform/bots/1/delete",
        "/api/v1/openapi.yaml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for op in &operations {
        let url = sample_path(&doc, op);
        candidates.insert(format!("{url}/x"));
        candidates.insert(format!("{url}/1/x"));
        candidates.insert(format!("{url}/"));
        let (head, last) = url.rsplit_once('/').unwrap();
        candidates.insert(format!("{head}/{last}z"));
        candidates.insert(format!("{head}/-{last}"));
        if let Some(rest) = url.strip_prefix("/api/v1/platform/") {
            candidates.insert(format!("/api/v1/{rest}"));
        } else if let Some(rest) = url.strip_prefix("/api/v1/") {
            candidates.insert(format!("/api/v1/platform/{rest}"));
        }
    }
    candidates.retain(|c| {
        !templates.iter().any(|t| matches_template(c, t)) && c != "/api/v1/openapi.json" && c != "/api/v1/docs"
    });
    for path in &candidates {
        for method in ["get", "post", "put", "patch", "delete"] {
            for token in [a_token.as_str(), PLATFORM_TOKEN] {
                probes += 1;
                let answer = http.call(method, path, Some(token), Some(&serde_json::json!({}))).await;
                if answer.status != 404 || answer.body["error"]["code"] != "not_found" {
                    failures.push(format!("{method} {path} (undocumented): {} {}", answer.status, answer.text));
                }
            }
        }
    }
    println!(
        "documented: {} operations each answered 401 without, with a malformed and with a foreign token; \
         {probes} probes of undocumented methods and paths answered 405/404",
        operations.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    server.stop().await;
}

on_both_backends!(every_route_is_documented);
