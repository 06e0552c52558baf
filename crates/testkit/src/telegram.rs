//! A fake Telegram Bot API server on 127.0.0.1.
//!
//! Speaks the real protocol: `POST|GET /bot{token}/{method}` with JSON, form
//! or query parameters, method names case-insensitive, answers in Telegram's
//! `{"ok": true, "result": …}` / `{"ok": false, "error_code": …, "description": …}`
//! envelopes. Bots are registered by token; any other token gets 401 like the
//! real server. Every call is recorded for assertions.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// One bot the fake knows.
#[derive(Debug, Clone)]
pub struct FakeBot {
    /// Telegram's user id of the bot (the token's numeric part).
    pub id: i64,
    /// `@username` without the `@`.
    pub username: String,
    /// Display name.
    pub first_name: String,
}

/// One API call the fake received.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    /// Telegram user id of the bot whose token was used.
    pub bot_id: i64,
    /// Method name, lower-cased.
    pub method: String,
    /// Parameters, merged from query, form and JSON body.
    pub params: Value,
}

#[derive(Default)]
struct Inner {
    bots: HashMap<String, FakeBot>,
    calls: Vec<RecordedCall>,
}

/// The fake server. Dropping it stops serving.
pub struct FakeTelegram {
    addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    _server: tokio::task::JoinHandle<()>,
}

impl FakeTelegram {
    /// Starts the server on an ephemeral port of 127.0.0.1.
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake Telegram");
        let addr = listener.local_addr().expect("local addr");
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("fake Telegram server");
        });
        Self { addr, inner, _server: server }
    }

    /// Base URL to configure as `BAZAR_TELEGRAM_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Registers a bot and returns a valid token for it.
    pub fn add_bot(&self, id: i64, username: &str) -> String {
        let token = format!("{id}:{}", token_secret(id));
        self.inner.lock().unwrap().bots.insert(
            token.clone(),
            FakeBot { id, username: username.to_owned(), first_name: format!("{username} shop") },
        );
        token
    }

    /// Every call received so far.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.inner.lock().unwrap().calls.clone()
    }

    /// Calls of one method (lower-case name).
    pub fn calls_of(&self, method: &str) -> Vec<RecordedCall> {
        self.calls().into_iter().filter(|c| c.method == method).collect()
    }
}

/// A deterministic, well-formed 35-character secret for a fake token.
fn token_secret(id: i64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut state = (id as u64) ^ 0x9E37_79B9_7F4A_7C15;
    (0..35)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            alphabet[(state >> 58) as usize] as char
        })
        .collect()
}

async fn handle(State(inner): State<Arc<Mutex<Inner>>>, uri: Uri, body: Bytes) -> Response {
    let path = uri.path().trim_start_matches('/');
    let Some((token, method)) = path.strip_prefix("bot").and_then(|p| p.split_once('/')) else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let method = method.to_ascii_lowercase();
    let params = parse_params(uri.query(), &body);
    let mut inner = inner.lock().unwrap();
    let Some(bot) = inner.bots.get(token).cloned() else {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    inner.calls.push(RecordedCall { bot_id: bot.id, method: method.clone(), params });
    match method.as_str() {
        "getme" => ok(json!({
            "id": bot.id,
            "is_bot": true,
            "first_name": bot.first_name,
            "username": bot.username,
            "can_join_groups": true,
            "can_read_all_group_messages": false,
            "supports_inline_queries": false,
        })),
        _ => error(StatusCode::NOT_FOUND, "Not Found: method not found"),
    }
}

fn parse_params(query: Option<&str>, body: &Bytes) -> Value {
    let mut map = serde_json::Map::new();
    let mut add_pairs = |text: &str| {
        for (k, v) in url_pairs(text) {
            let value = serde_json::from_str(&v).unwrap_or(Value::String(v));
            map.insert(k, value);
        }
    };
    if let Some(q) = query {
        add_pairs(q);
    }
    if let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) {
        map.extend(obj);
    } else if let Ok(text) = std::str::from_utf8(body) {
        add_pairs(text);
    }
    Value::Object(map)
}

fn url_pairs(text: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(text).unwrap_or_default()
}

fn ok(result: Value) -> Response {
    (StatusCode::OK, axum::Json(json!({"ok": true, "result": result}))).into_response()
}

fn error(status: StatusCode, description: &str) -> Response {
    (status, axum::Json(json!({"ok": false, "error_code": status.as_u16(), "description": description})))
        .into_response()
}
