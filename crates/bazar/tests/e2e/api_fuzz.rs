//! A schema-driven fuzz run of the REST API: every documented operation gets
//! malformed input — ids that are negative, zero, huge, not numbers or full of
//! odd bytes; body fields of the wrong type, huge, negative, very long or
//! missing; bodies that are not JSON, not objects, sent with the wrong content
//! type or larger than 64 KiB; odd query parameters; odd Authorization
//! headers — with a valid token (the tenant's, or the platform's for platform
//! routes). No answer may be a 5xx, and every refusal has the API's JSON error
//! shape. The choice of mutations is seeded, so every run sends the same
//! requests.

use crate::api_walk;
use crate::helpers;

use api_walk::{
    Answer, Doc, Http, IdHints, Operation, build, build_full, fill, is_error_shape, list_ids, string_pointers,
};
use helpers::Platform;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const PLATFORM_TOKEN: &str = "platform-token-0123456789abcdef0123456789abcdef";
const TG: i64 = 9801;
const SEED: u64 = 0x00BA_2A11_F022_5EED;
/// Field mutations tried per operation that takes a body.
const FIELD_MUTATIONS: usize = 10;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// Values of every wrong kind for a body field.
fn odd_values() -> Vec<Value> {
    vec![
        json!("not a number"),
        json!(""),
        json!(-1),
        json!(0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e300),
        json!(-0.5),
        json!(true),
        json!(null),
        json!([]),
        json!([1, 2, 3]),
        json!({}),
        json!({"nested": {"deeper": [null]}}),
        json!("x".repeat(10_000)),
        json!("\u{0000}\u{202e}🙂 مرحبا <script>alert(1)</script> ' OR 1=1 --"),
        json!("9".repeat(40)),
    ]
}

/// Path segments that are no valid id or key.
const ODD_SEGMENTS: [&str; 12] = [
    "-1",
    "0",
    "abc",
    "1.5",
    "99999999999999999999999",
    "9223372036854775808",
    "%00",
    "%F0%9F%99%82",
    "'%20OR%201=1--",
    "..%2F..%2Fetc",
    "1e3",
    "%20",
];

struct Run {
    http: Http,
    requests: usize,
    failures: Vec<String>,
    by_status: BTreeMap<u16, usize>,
}

impl Run {
    fn check(&mut self, what: &str, answer: &Answer, expected: Option<&[u16]>) {
        self.requests += 1;
        *self.by_status.entry(answer.status).or_default() += 1;
        if answer.status >= 500 {
            self.failures.push(format!("{what}: {} {}", answer.status, answer.text));
        } else if answer.status >= 400 && !is_error_shape(answer) {
            self.failures.push(format!("{what}: not the JSON error shape: {} {:?}", answer.status, answer.text));
        }
        if let Some(expected) = expected
            && !expected.contains(&answer.status)
        {
            self.failures.push(format!("{what}: expected {expected:?}, got {} {}", answer.status, answer.text));
        }
    }
}

async fn fuzz(p: Platform) {
    let token = p.telegram.add_bot(TG, "fuzz_shop_bot");
    let out = p.run(&["bot", "add", "--token", &token, "--json"]).await;
    let created: Value = serde_json::from_str(out.ok().stdout.trim()).unwrap();
    let (bot, tenant_token) = (created["id"].to_string(), created["api_token"].as_str().unwrap().to_owned());
    p.run(&["config", "set", &bot, "api_rate_limit_per_minute", "100000"]).await.ok();
    p.run(&["plan", "add", &bot, "--name", "Monthly", "--days", "30", "--price", "100000"]).await.ok();
    let number = bazar_testkit::card_number("603799111122223");
    p.run(&["card", "add", &bot, "--number", &number, "--holder", "Fuzz Holder"]).await.ok();
    p.run(&["promo", "add", &bot, "FUZZ10", "--percent", "10"]).await.ok();
    let mut p = p;
    p.env.push(("BAZAR_PLATFORM_API_TOKEN".into(), PLATFORM_TOKEN.into()));
    let server = p.serve_process(false).await;
    let started = std::time::Instant::now();
    let mut run = Run { http: Http::new(server.url()), requests: 0, failures: Vec::new(), by_status: BTreeMap::new() };
    let doc = Doc(run.http.call("get", "/api/v1/openapi.json", None, None).await.body);
    let mut rng = Rng(SEED);
    let hints = IdHints { fallback: Some(1), ..Default::default() };

    for op in doc.operations() {
        let platform = op.path.starts_with("/api/v1/platform/");
        let token = if platform { PLATFORM_TOKEN } else { tenant_token.as_str() };
        let path_params: Vec<_> = doc.params(&op).into_iter().filter(|p| p.location == "path").collect();
        let query_params: Vec<_> = doc.params(&op).into_iter().filter(|p| p.location == "query").collect();
        // A path to the tenant's own object, if it has one (so body checks are reached), else 1.
        let url = own_path(&run.http, &doc, &op, token).await;
        let body = doc.body_schema(&op).map(|s| build(&doc, &s, &hints).value);
        let what = |detail: &str| format!("{} {} [{detail}]", op.method.to_uppercase(), op.path);

        // Odd path segments: never a 5xx; for an id, a 404 (or 405 when the odd segment changes the route).
        for param in &path_params {
            for _ in 0..4 {
                let segment = *rng.pick(&ODD_SEGMENTS);
                let mut values: BTreeMap<String, String> =
                    path_params.iter().map(|p| (p.name.clone(), "1".to_owned())).collect();
                values.insert(param.name.clone(), segment.to_owned());
                let odd = fill(&op.path, &values);
                let answer = run.http.call(&op.method, &odd, Some(token), body.as_ref()).await;
                run.check(&what(&format!("{} = {segment}", param.name)), &answer, Some(&[400, 404, 405, 422]));
            }
        }

        // Odd query parameters.
        for param in &query_params {
            for value in ["-1", "abc", "99999999999999999999", "", "1.5", "%00", &"z".repeat(3000)] {
                let answer =
                    run.http.call(&op.method, &format!("{url}?{}={value}", param.name), Some(token), None).await;
                run.check(&what(&format!("?{}={:.20}", param.name, value)), &answer, None);
            }
        }

        if let Some(body) = &body {
            // Field by field: wrong types, extremes, missing, unknown.
            let fields: Vec<String> = body.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            let odd = odd_values();
            for _ in 0..FIELD_MUTATIONS.min(fields.len() * odd.len()).max(1) {
                let mut mutated = body.clone();
                let detail = if fields.is_empty() {
                    mutated = rng.pick(&odd).clone();
                    "whole body".to_owned()
                } else {
                    let field = rng.pick(&fields).clone();
                    let value = rng.pick(&odd).clone();
                    mutated[&field] = value.clone();
                    format!("{field} = {:.40}", value.to_string())
                };
                let answer = run.http.call(&op.method, &url, Some(token), Some(&mutated)).await;
                run.check(&what(&detail), &answer, None);
            }
            for field in &fields {
                let mut mutated = body.clone();
                mutated.as_object_mut().unwrap().remove(field);
                let answer = run.http.call(&op.method, &url, Some(token), Some(&mutated)).await;
                run.check(&what(&format!("without {field}")), &answer, None);
            }
            // A NUL character in every text, optional ones included (PostgreSQL refuses it in `text`): refused or
            // stored, never a 5xx.
            let full = doc.body_schema(&op).map(|s| build_full(&doc, &s, &hints).value).unwrap_or_default();
            for pointer in string_pointers(&full) {
                let mut mutated = full.clone();
                *mutated.pointer_mut(&pointer).unwrap() = json!("a\u{0000}b");
                let answer = run.http.call(&op.method, &url, Some(token), Some(&mutated)).await;
                run.check(&what(&format!("{pointer} with a NUL")), &answer, None);
            }
            let mut unknown = body.clone();
            if let Some(o) = unknown.as_object_mut() {
                o.insert("no_such_field".into(), json!("x"));
            }
            let answer = run.http.call(&op.method, &url, Some(token), Some(&unknown)).await;
            run.check(&what("unknown field"), &answer, None);

            // Not JSON, not an object, the wrong content type, too large.
            for (bytes, content_type, expected) in [
                (b"{\"unterminated".to_vec(), "application/json", &[400][..]),
                (b"".to_vec(), "application/json", &[400][..]),
                (b"\xff\xfe\x00garbage".to_vec(), "application/json", &[400][..]),
                // JSON of the wrong shape: 422, or 400 when serde reads an array as a struct and finds it too long.
                (b"[1,2,3]".to_vec(), "application/json", &[400, 422][..]),
                (b"null".to_vec(), "application/json", &[400, 422][..]),
                (b"\"text\"".to_vec(), "application/json", &[400, 422][..]),
                (body.to_string().into_bytes(), "text/plain", &[415][..]),
                (b"a=1&b=2".to_vec(), "application/x-www-form-urlencoded", &[415][..]),
                (deep_json(200).into_bytes(), "application/json", &[400, 422][..]),
            ] {
                let answer = run.http.raw(&op.method, &url, Some(token), Some((bytes.clone(), content_type))).await;
                let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(20)]).into_owned();
                run.check(&what(&format!("{content_type}: {shown}")), &answer, Some(expected));
            }
            let mut large = body.clone();
            large["padding"] = json!("p".repeat(70 * 1024));
            let answer = run.http.call(&op.method, &url, Some(token), Some(&large)).await;
            run.check(&what("body > 64 KiB"), &answer, Some(&[413]));
        }

        // Odd Authorization headers are 401, never worse.
        let header = *rng.pick(&["Bearer", "Basic dXNlcjpwYXNz", "bearer  ", "Bearer bzr_", "Token x"]);
        let answer = raw_auth(&run.http, &op, &url, header).await;
        run.check(&what(&format!("Authorization: {header}")), &answer, Some(&[401]));
        let long = format!("Bearer {}", "a".repeat(8 * 1024));
        let answer = raw_auth(&run.http, &op, &url, &long).await;
        run.check(&what("an 8 KiB token"), &answer, Some(&[401, 431]));
    }

    let elapsed = started.elapsed();
    println!(
        "fuzz: {} requests over {} operations in {:.1}s, by status {:?}",
        run.requests,
        doc.operations().len(),
        elapsed.as_secs_f64(),
        run.by_status
    );
    assert!(run.failures.is_empty(), "{} failures:\n{}", run.failures.len(), run.failures.join("\n"));
    assert!(run.requests >= 300, "a few hundred requests at least: {}", run.requests);
    let logs = server.stop().await;
    assert!(!logs.contains("panicked"), "no handler panicked:\n{logs}");
}

/// JSON nested `depth` arrays deep.
fn deep_json(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// The operation's path filled with the tenant's own ids where its lists have any.
async fn own_path(http: &Http, doc: &Doc, op: &Operation, token: &str) -> String {
    let mut values = BTreeMap::new();
    for param in doc.params(op).into_iter().filter(|p| p.location == "path") {
        let value = if let Some(e) = param.enum_values() {
            e.first().cloned().unwrap_or_default()
        } else {
            let prefix = op.path.split(&format!("/{{{}}}", param.name)).next().unwrap().to_owned();
            let list = http.call("get", &fill(&prefix, &values), Some(token), None).await.body;
            let items = list["items"].as_array().or(list.as_array()).cloned().unwrap_or_default();
            items
                .iter()
                .find_map(|i| i.get(&param.name).and_then(|v| v.as_str().map(str::to_owned)))
                .or_else(|| list_ids(&list).first().map(i64::to_string))
                .unwrap_or_else(|| "1".into())
        };
        values.insert(param.name.clone(), value);
    }
    // Never act on a real bot through the platform routes: the fuzz tenant is bot 1, so use an id nobody has.
    if op.path.starts_with("/api/v1/platform/") {
        values.values_mut().for_each(|v| *v = "424242".into());
    }
    fill(&op.path, &values)
}

async fn raw_auth(http: &Http, op: &Operation, url: &str, header: &str) -> Answer {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(op.method.to_ascii_uppercase().as_bytes()).unwrap();
    let response =
        client.request(method, format!("{}{url}", http.base)).header("authorization", header).send().await.unwrap();
    Answer::read(response).await
}

on_both_backends!(fuzz);
