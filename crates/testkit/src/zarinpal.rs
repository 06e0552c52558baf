//! A fake Zarinpal payment gateway (REST API v4) on 127.0.0.1, keeping
//! payments in memory with the gateway's rules, so that `bazar-zarinpal` (and
//! the shop above it) runs the whole payment flow as in production.
//!
//! What it emulates:
//! * **`POST /pg/v4/payment/request.json`**: validates like Zarinpal (code -9
//!   with `validations`: merchant id a UUID, an integer amount of at least
//!   10,000 rials or 1,000 tomans, `IRR`/`IRT`, a description, an http(s)
//!   callback URL, `metadata.mobile` as `09xxxxxxxxx`, an email with `@`),
//!   refuses unknown merchants (-10, see [`FakeZarinpal::accept_merchant`]),
//!   and opens a session with a new authority: `A` and 35 digits.
//! * **`GET /pg/StartPay/{authority}`**: a small HTML page standing for the
//!   gateway's payment form. The customer's choice is made by the test:
//!   [`FakeZarinpal::pay`] or [`FakeZarinpal::cancel`], which return the
//!   callback URL the browser would be sent to.
//! * **`POST /pg/v4/payment/verify.json`**: -54 for an unknown authority,
//!   -53 for another merchant's, -51 while not paid (or cancelled), -50 for
//!   another amount; the first success is code 100 with `ref_id`, a masked
//!   `card_pan` (`603799******1234`), `card_hash`, `fee_type` and `fee`,
//!   later ones code 101 with the same values.
//! * **`POST /pg/v4/payment/unVerified.json`**: the merchant's paid but
//!   unverified payments (at most the latest 100), `code` written as the
//!   string `"100"` as in Zarinpal's documentation.
//!
//! Answers have Zarinpal's envelope: `{"data": {…}, "errors": []}`, or on
//! refusal `{"data": [], "errors": {"code", "message", "validations"}}` with
//! HTTP 422 ([`FakeZarinpal::set_error_status`] changes it). Amounts are
//! compared as sent, in the request's currency; the `currency` a verify
//! may carry is recorded ([`FakePayment::verify_currency`]) but not used.
//! The fee is 1% of the amount, rounded down.
//!
//! Failure injection, in front of the API routes (not StartPay):
//! [`FakeZarinpal::fail_next`] answers a status with an nginx page,
//! [`FakeZarinpal::delay_next`] holds calls to run clients into their
//! timeouts — the call is still carried out afterwards, as a slow gateway
//! would.

use crate::panels::common::{is_uuid, proxy_page, status};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use rand::Rng;
use serde_json::{Map, Value, json};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const REQUEST_PATH: &str = "/pg/v4/payment/request.json";
const VERIFY_PATH: &str = "/pg/v4/payment/verify.json";
const UNVERIFIED_PATH: &str = "/pg/v4/payment/unVerified.json";

/// Smallest amount Zarinpal accepts, in rials (10,000 rials = 1,000 tomans).
pub const MIN_AMOUNT_IRR: i64 = 10_000;

/// One payment session as the fake holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakePayment {
    /// The session's id (`A` and 35 digits).
    pub authority: String,
    /// The merchant that opened it, as sent.
    pub merchant_id: String,
    /// The amount, in `currency` units.
    pub amount: i64,
    /// `IRR` or `IRT` (`IRR` when the request sent none).
    pub currency: String,
    /// The description shown on the gateway's page.
    pub description: String,
    /// Where the browser returns.
    pub callback_url: String,
    /// `metadata.mobile`, if sent.
    pub mobile: Option<String>,
    /// `metadata.email`, if sent.
    pub email: Option<String>,
    /// `metadata.order_id`, if sent.
    pub order_id: Option<String>,
    /// The customer paid ([`FakeZarinpal::pay`]).
    pub paid: bool,
    /// The customer cancelled ([`FakeZarinpal::cancel`]); never paid then.
    pub cancelled: bool,
    /// A verify succeeded (or [`FakeZarinpal::mark_verified`]).
    pub verified: bool,
    /// How many verify calls named this authority (refused ones included).
    pub verify_calls: u32,
    /// The `currency` of the latest verify call, if it sent one.
    pub verify_currency: Option<String>,
    /// Zarinpal's reference number, from the payment on.
    pub ref_id: Option<i64>,
    /// The masked paying card, from the payment on.
    pub card_pan: Option<String>,
    /// The fee: 1% of the amount, rounded down.
    pub fee: i64,
}

/// The fake server. Dropping it stops serving.
pub struct FakeZarinpal {
    addr: SocketAddr,
    state: Arc<Mutex<Data>>,
    server: JoinHandle<()>,
}

struct Data {
    /// Lower-cased merchant ids; empty = every well-formed id is accepted.
    accepted: Vec<String>,
    payments: Vec<Payment>,
    next_authority: u64,
    next_ref_id: i64,
    failures: VecDeque<u16>,
    delays: VecDeque<Duration>,
    error_status: u16,
    requests: usize,
}

struct Payment {
    public: FakePayment,
    card_hash: String,
    /// `YYYY-MM-DD HH:MM:SS` (UTC), when it was paid.
    paid_at: String,
}

impl FakeZarinpal {
    /// Starts the fake on an ephemeral port of 127.0.0.1.
    pub async fn start() -> Self {
        let mut rng = rand::thread_rng();
        let state = Arc::new(Mutex::new(Data {
            accepted: Vec::new(),
            payments: Vec::new(),
            // Real authorities count up from a large number; random starts
            // keep two fakes from handing out the same ones.
            next_authority: rng.gen_range(100_000_000..900_000_000) * 1000,
            next_ref_id: rng.gen_range(10_000_000..90_000_000),
            failures: VecDeque::new(),
            delays: VecDeque::new(),
            error_status: 422,
            requests: 0,
        }));
        let router = Router::new()
            .route(REQUEST_PATH, post(api))
            .route(VERIFY_PATH, post(api))
            .route(UNVERIFIED_PATH, post(api))
            .route("/pg/StartPay/{authority}", get(start_pay))
            .fallback(not_found)
            .with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fake Zarinpal");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("fake Zarinpal server");
        });
        Self { addr, state, server }
    }

    /// Base URL of the gateway, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Registers a merchant. Once any is registered, only registered
    /// merchants are served; the others get -10 ("Terminal is not valid").
    /// Before that, any well-formed merchant id is accepted (as in the sandbox).
    pub fn accept_merchant(&self, merchant_id: &str) {
        self.data().accepted.push(merchant_id.to_ascii_lowercase());
    }

    /// The customer pays on the gateway's page: the session becomes paid,
    /// with a `ref_id` and a card. Returns the URL the browser is sent to:
    /// the callback URL with `Authority={authority}&Status=OK` appended to
    /// its query. Panics on an unknown or cancelled authority (a test bug).
    pub fn pay(&self, authority: &str) -> String {
        let mut data = self.data();
        let ref_id = data.next_ref_id;
        let payment = data.payment_mut(authority);
        assert!(!payment.public.cancelled, "pay: the customer already cancelled {authority}");
        let newly_paid = payment.pay(ref_id);
        let url = callback(&payment.public.callback_url, authority, "OK");
        if newly_paid {
            data.next_ref_id += 1;
        }
        url
    }

    /// The session is paid for `amount` instead of the amount it was opened
    /// for (a tampered payment page): verify with the original amount answers
    /// -50. Returns the callback URL with `Status=OK`, as a forger would send.
    pub fn pay_amount(&self, authority: &str, amount: i64) -> String {
        let url = self.pay(authority);
        self.data().payment_mut(authority).public.amount = amount;
        url
    }

    /// The customer cancels on the gateway's page (or the bank refuses):
    /// verify will answer -51. Returns the callback URL with
    /// `Authority={authority}&Status=NOK`. Panics on an unknown or paid authority.
    pub fn cancel(&self, authority: &str) -> String {
        let mut data = self.data();
        let payment = data.payment_mut(authority);
        assert!(!payment.public.paid, "cancel: {authority} is already paid");
        payment.public.cancelled = true;
        callback(&payment.public.callback_url, authority, "NOK")
    }

    /// As if someone had verified the payment already (paying it first if
    /// needed): the next verify answers 101. Panics on an unknown or
    /// cancelled authority.
    pub fn mark_verified(&self, authority: &str) {
        self.pay(authority);
        self.data().payment_mut(authority).public.verified = true;
    }

    /// One session by authority.
    pub fn payment(&self, authority: &str) -> Option<FakePayment> {
        self.data().payments.iter().find(|p| p.public.authority == authority).map(|p| p.public.clone())
    }

    /// Every authority handed out, in order.
    pub fn authorities(&self) -> Vec<String> {
        self.data().payments.iter().map(|p| p.public.authority.clone()).collect()
    }

    /// Makes the next `times` API calls (request, verify, unVerified) answer
    /// `status` with an nginx error page, without being performed. Adds to
    /// what is already planned.
    pub fn fail_next(&self, times: usize, status: u16) {
        self.data().failures.extend(std::iter::repeat_n(status, times));
    }

    /// Holds the next `times` API calls for `delay` before handling them —
    /// to run a client into its timeout. Each call is still carried out
    /// afterwards, even if the client gave up.
    pub fn delay_next(&self, times: usize, delay: Duration) {
        self.data().delays.extend(std::iter::repeat_n(delay, times));
    }

    /// The HTTP status of refusals (the error envelope); 422 by default.
    pub fn set_error_status(&self, status: u16) {
        self.data().error_status = status;
    }

    /// How many API calls arrived so far, failed and refused ones included.
    pub fn requests(&self) -> usize {
        self.data().requests
    }

    fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        self.state.lock().unwrap()
    }
}

impl Drop for FakeZarinpal {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Payment {
    /// Marks the session paid; whether it was not before.
    fn pay(&mut self, ref_id: i64) -> bool {
        if self.public.paid {
            return false;
        }
        let mut rng = rand::thread_rng();
        self.public.paid = true;
        self.public.ref_id = Some(ref_id);
        self.public.card_pan = Some(format!("603799******{:04}", rng.gen_range(0..10_000)));
        self.card_hash = (0..64).map(|_| char::from(b"0123456789ABCDEF"[rng.gen_range(0..16)])).collect();
        self.paid_at = datetime(now());
        true
    }

    fn receipt(&self, code: i64, message: &str) -> Value {
        json!({
            "code": code,
            "message": message,
            "card_hash": self.card_hash,
            "card_pan": self.public.card_pan,
            "ref_id": self.public.ref_id,
            "fee_type": "Merchant",
            "fee": self.public.fee,
        })
    }
}

impl Data {
    fn payment_mut(&mut self, authority: &str) -> &mut Payment {
        self.payments
            .iter_mut()
            .find(|p| p.public.authority == authority)
            .unwrap_or_else(|| panic!("authority {authority} is unknown to the fake Zarinpal"))
    }

    fn accepts(&self, merchant_id: &str) -> bool {
        self.accepted.is_empty() || self.accepted.iter().any(|m| m.eq_ignore_ascii_case(merchant_id))
    }

    fn refuse(&self, code: i64, message: &str, validations: Vec<Value>) -> Response {
        let body = json!({"data": [], "errors": {"code": code, "message": message, "validations": validations}});
        (status(self.error_status), axum::Json(body)).into_response()
    }

    fn invalid(&self, validations: Vec<Value>) -> Response {
        self.refuse(-9, "The input params invalid, validation error.", validations)
    }

    fn unknown_merchant(&self) -> Response {
        self.refuse(-10, "Terminal is not valid, please check merchant_id or ip address.", Vec::new())
    }

    fn request(&mut self, body: &Map<String, Value>) -> Response {
        let mut problems = Vec::new();
        let merchant_id = check_merchant(body, &mut problems);
        let currency = match body.get("currency") {
            None | Some(Value::Null) => Some("IRR"),
            Some(Value::String(c)) if c == "IRR" || c == "IRT" => Some(if c == "IRR" { "IRR" } else { "IRT" }),
            Some(_) => {
                problems.push(json!({"currency": "The selected currency is invalid."}));
                None
            }
        };
        let amount = check_amount(body, &mut problems);
        if let (Some(amount), Some(currency)) = (amount, currency) {
            let minimum = if currency == "IRT" { MIN_AMOUNT_IRR / 10 } else { MIN_AMOUNT_IRR };
            if amount < minimum {
                problems.push(json!({"amount": format!("The amount must be at least {minimum}.")}));
            }
        }
        let description = text(body, "description").filter(|d| !d.trim().is_empty());
        if description.is_none() {
            problems.push(json!({"description": "The description field is required."}));
        }
        let callback_url = text(body, "callback_url");
        match callback_url {
            None => problems.push(json!({"callback_url": "The callback url field is required."})),
            Some(url) if !is_http_url(url) => {
                problems.push(json!({"callback_url": "The callback url format is invalid."}))
            }
            Some(_) => {}
        }
        let metadata = match body.get("metadata") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(metadata)) => metadata.clone(),
            Some(Value::Array(items)) if items.is_empty() => Map::new(),
            Some(_) => {
                problems.push(json!({"metadata": "The metadata must be an array."}));
                Map::new()
            }
        };
        let mobile = text(&metadata, "mobile").map(str::to_owned);
        if mobile
            .as_deref()
            .is_some_and(|m| !(m.len() == 11 && m.starts_with("09") && m.bytes().all(|b| b.is_ascii_digit())))
        {
            problems.push(json!({"metadata.mobile": "The metadata.mobile format is invalid."}));
        }
        let email = text(&metadata, "email").map(str::to_owned);
        if email.as_deref().is_some_and(|e| !e.contains('@') || e.starts_with('@') || e.ends_with('@')) {
            problems.push(json!({"metadata.email": "The metadata.email must be a valid email address."}));
        }
        let order_id = metadata.get("order_id").and_then(|o| match o {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        if !problems.is_empty() {
            return self.invalid(problems);
        }
        let (Some(merchant_id), Some(amount), Some(currency), Some(description), Some(callback_url)) =
            (merchant_id, amount, currency, description, callback_url)
        else {
            unreachable!("every missing field was reported as a problem")
        };
        if !self.accepts(&merchant_id) {
            return self.unknown_merchant();
        }
        let authority = format!("A{:035}", self.next_authority);
        self.next_authority += 1;
        let fee = amount / 100;
        self.payments.push(Payment {
            public: FakePayment {
                authority: authority.clone(),
                merchant_id,
                amount,
                currency: currency.to_owned(),
                description: description.to_owned(),
                callback_url: callback_url.to_owned(),
                mobile,
                email,
                order_id,
                paid: false,
                cancelled: false,
                verified: false,
                verify_calls: 0,
                verify_currency: None,
                ref_id: None,
                card_pan: None,
                fee,
            },
            card_hash: String::new(),
            paid_at: String::new(),
        });
        ok(json!({"code": 100, "message": "Success", "authority": authority, "fee_type": "Merchant", "fee": fee}))
    }

    fn verify(&mut self, body: &Map<String, Value>) -> Response {
        let mut problems = Vec::new();
        let merchant_id = check_merchant(body, &mut problems);
        let amount = check_amount(body, &mut problems);
        let authority = text(body, "authority").filter(|a| !a.is_empty());
        if authority.is_none() {
            problems.push(json!({"authority": "The authority field is required."}));
        }
        if !problems.is_empty() {
            return self.invalid(problems);
        }
        let (Some(merchant_id), Some(amount), Some(authority)) = (merchant_id, amount, authority) else {
            unreachable!("every missing field was reported as a problem")
        };
        if !self.accepts(&merchant_id) {
            return self.unknown_merchant();
        }
        let verify_currency = text(body, "currency").map(str::to_owned);
        let Some(index) = self.payments.iter().position(|p| p.public.authority == authority) else {
            return self.refuse(-54, "Invalid authority.", Vec::new());
        };
        let payment = &mut self.payments[index];
        payment.public.verify_calls += 1;
        payment.public.verify_currency = verify_currency;
        let (mine, paid, verified, expected) = (
            payment.public.merchant_id.eq_ignore_ascii_case(&merchant_id),
            payment.public.paid,
            payment.public.verified,
            payment.public.amount,
        );
        if !mine {
            return self.refuse(-53, "Session is not this merchant_id session", Vec::new());
        }
        if !paid {
            return self.refuse(-51, "Session is not valid, session is not active paid try.", Vec::new());
        }
        if amount != expected {
            return self.refuse(-50, "Session is not valid, amounts values is not the same.", Vec::new());
        }
        let payment = &mut self.payments[index];
        if verified {
            return ok(payment.receipt(101, "Verified"));
        }
        payment.public.verified = true;
        ok(payment.receipt(100, "Paid"))
    }

    fn unverified(&self, body: &Map<String, Value>) -> Response {
        let mut problems = Vec::new();
        let merchant_id = check_merchant(body, &mut problems);
        let Some(merchant_id) = merchant_id.filter(|_| problems.is_empty()) else {
            return self.invalid(problems);
        };
        if !self.accepts(&merchant_id) {
            return self.unknown_merchant();
        }
        let pending: Vec<Value> = self
            .payments
            .iter()
            .filter(|p| p.public.paid && !p.public.verified && p.public.merchant_id.eq_ignore_ascii_case(&merchant_id))
            .map(|p| {
                json!({
                    "authority": p.public.authority,
                    "amount": p.public.amount,
                    "callback_url": p.public.callback_url,
                    "referer": "",
                    "date": p.paid_at,
                })
            })
            .collect();
        // The latest 100, newest last as created.
        let skip = pending.len().saturating_sub(100);
        let authorities: Vec<Value> = pending.into_iter().skip(skip).collect();
        ok(json!({"code": "100", "message": "Success", "authorities": authorities}))
    }
}

/// The three API routes: failure injection, then the gateway's logic.
async fn api(State(state): State<Arc<Mutex<Data>>>, uri: Uri, body: Bytes) -> Response {
    let (failure, delay) = {
        let mut data = state.lock().unwrap();
        data.requests += 1;
        let failure = data.failures.pop_front();
        let delay = if failure.is_none() { data.delays.pop_front() } else { None };
        (failure, delay)
    };
    if let Some(code) = failure {
        return proxy_page(code);
    }
    // In a task of its own, so that a call whose client gave up (timed out)
    // still happens, as it would at a slow gateway.
    let path = uri.path().to_owned();
    let handling = tokio::spawn(async move {
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        let mut data = state.lock().unwrap();
        let body = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(body)) => body,
            _ => return data.invalid(vec![json!({"body": "The request body must be a JSON object."})]),
        };
        match path.as_str() {
            REQUEST_PATH => data.request(&body),
            VERIFY_PATH => data.verify(&body),
            _ => data.unverified(&body),
        }
    });
    handling.await.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The gateway's payment page (the real one asks for card details).
async fn start_pay(State(state): State<Arc<Mutex<Data>>>, Path(authority): Path<String>) -> Response {
    let data = state.lock().unwrap();
    let Some(payment) = data.payments.iter().find(|p| p.public.authority == authority) else {
        let page = "<!doctype html><html><body><h1>Invalid authority</h1></body></html>";
        return (StatusCode::NOT_FOUND, Html(page)).into_response();
    };
    let p = &payment.public;
    let state = if p.paid {
        "paid"
    } else if p.cancelled {
        "cancelled"
    } else {
        "awaiting payment"
    };
    Html(format!(
        "<!doctype html><html><head><title>Zarinpal</title></head><body>\
         <h1>Fake Zarinpal</h1><p id=\"authority\">{}</p><p id=\"amount\">{} {}</p>\
         <p id=\"description\">{}</p><p id=\"state\">{state}</p></body></html>",
        escape(&p.authority),
        p.amount,
        escape(&p.currency),
        escape(&p.description),
    ))
    .into_response()
}

async fn not_found() -> Response {
    proxy_page(404)
}

fn ok(data: Value) -> Response {
    axum::Json(json!({"data": data, "errors": []})).into_response()
}

/// A string field of a JSON object.
fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// `merchant_id`, required and a UUID.
fn check_merchant(body: &Map<String, Value>, problems: &mut Vec<Value>) -> Option<String> {
    match text(body, "merchant_id") {
        None => problems.push(json!({"merchant_id": "The merchant id field is required."})),
        Some(id) if !is_uuid(id) => problems.push(json!({"merchant_id": "The merchant id must be 36 characters."})),
        Some(id) => return Some(id.to_owned()),
    }
    None
}

/// `amount`, required and an integer (a number or, as Zarinpal's own
/// examples send it, a string of digits).
fn check_amount(body: &Map<String, Value>, problems: &mut Vec<Value>) -> Option<i64> {
    let amount = match body.get("amount") {
        None | Some(Value::Null) => {
            problems.push(json!({"amount": "The amount field is required."}));
            return None;
        }
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        Some(_) => None,
    };
    if amount.is_none() {
        problems.push(json!({"amount": "The amount must be an integer."}));
    }
    amount
}

/// `http://host…` or `https://host…` with a non-empty host.
fn is_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !r.contains(char::is_whitespace)
    })
}

/// The callback URL with `Authority` and `Status` added to its query.
fn callback(url: &str, authority: &str, status: &str) -> String {
    let (url, fragment) = match url.split_once('#') {
        Some((url, fragment)) => (url, format!("#{fragment}")),
        None => (url, String::new()),
    };
    let separator = match url.find('?') {
        None => "?",
        Some(_) if url.ends_with('?') || url.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{url}{separator}Authority={authority}&Status={status}{fragment}")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS` (UTC), the format of `date` in unVerified.
fn datetime(unix: i64) -> String {
    let (year, month, day) = bazar_domain::calendar::civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_get_authority_and_status() {
        assert_eq!(callback("https://shop.example/cb", "A1", "OK"), "https://shop.example/cb?Authority=A1&Status=OK");
        assert_eq!(
            callback("https://shop.example/cb?o=7", "A1", "NOK"),
            "https://shop.example/cb?o=7&Authority=A1&Status=NOK"
        );
        assert_eq!(callback("http://x/cb?", "A1", "OK"), "http://x/cb?Authority=A1&Status=OK");
        assert_eq!(callback("http://x/cb#top", "A1", "OK"), "http://x/cb?Authority=A1&Status=OK#top");
    }

    #[test]
    fn shapes_are_checked() {
        assert!(is_uuid("1344b5d4-0048-11e8-94db-005056a205be"));
        assert!(!is_uuid("1344b5d4004811e894db005056a205be"));
        assert!(is_http_url("https://shop.example/cb?x=1"));
        assert!(is_http_url("http://127.0.0.1:8080"));
        for bad in ["ftp://x", "https://", "shop.example/cb", "javascript:alert(1)", "http:// x"] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00");
        assert_eq!(datetime(1_593_624_805), "2020-07-01 17:33:25");
        assert_eq!(datetime(951_782_400), "2000-02-29 00:00:00");
    }
}
