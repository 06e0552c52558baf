//! A fake Marzban 0.8.4 panel: FastAPI-style answers (`{"detail": …}`
//! errors, 422 for invalid bodies with Marzban's `{field: message}` detail).
//!
//! What it emulates, and why:
//! * **Admin login**: `POST /api/admin/token` with a password form issues an
//!   access token; every other route needs `Authorization: Bearer` with a
//!   live one (401 `Could not validate credentials` otherwise).
//!   [`FakeMarzban::expire_tokens`] kills every token at once — as expiry or
//!   a password change does — so a client's re-login is tested;
//!   [`FakeMarzban::token_logins`] counts logins.
//! * **Users** under `/api/user/{username}`: unique usernames (409), at least
//!   one proxy per user (`proxies: {}` → 422; `proxies` left out → 500 with
//!   the row inserted anyway, and that user's GET answering 500 until it is
//!   deleted), proxies only for protocols the server has inbounds for (400),
//!   inbound tags that exist (422), and Marzban 0.8.4's inbound rule, read
//!   from `app/models/user.py`: `inbounds` *left out* of a create gives the
//!   user **no** inbounds (every tag in `excluded_inbounds`, `links: []`, an
//!   empty subscription), while `{}` — or an empty list for a protocol —
//!   gives every inbound of each protocol in `proxies`; on modify an empty
//!   object changes nothing and a listed protocol gets exactly its list.
//!   Marzban's status rules on modify (a future `expire`
//!   revives an expired user, a sufficient `data_limit` a limited one, an
//!   explicit status first), and a proxy set replaced wholesale on modify
//!   (settings `{}` get new ids, exactly what makes careless clients break
//!   their customers' configs).
//! * **Links**: `subscription_url` is relative (`/sub/{token}`) as with an
//!   unset `XRAY_SUBSCRIPTION_URL_PREFIX`, or absolute after
//!   [`FakeMarzban::set_subscription_prefix`]; `revoke_sub` issues a new
//!   token and new proxy credentials, and the old link answers 404.

use super::common::{
    Front, bearer, detail, format_time, front_controls, json_body, jwt_like, now, random_string, segments, serve, uuid,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The fake server. Dropping it stops serving.
pub struct FakeMarzban {
    addr: SocketAddr,
    state: Arc<Shared>,
    front: Arc<Front>,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    admin_username: String,
    admin_password: String,
    tokens: Mutex<HashSet<String>>,
    logins: AtomicUsize,
    /// `XRAY_SUBSCRIPTION_URL_PREFIX`; empty = relative links.
    subscription_prefix: Mutex<String>,
    /// The server's inbounds: protocol → tags.
    inbounds: Mutex<BTreeMap<String, Vec<String>>>,
    users: Mutex<Vec<User>>,
}

#[derive(Clone)]
struct User {
    username: String,
    /// protocol → settings (`{"id": …}` / `{"password": …}`).
    proxies: Map<String, Value>,
    /// protocol → inbound tags the user may use.
    inbounds: BTreeMap<String, Vec<String>>,
    expire: Option<i64>,
    data_limit: Option<u64>,
    data_limit_reset_strategy: String,
    status: &'static str,
    used_traffic: u64,
    lifetime_used_traffic: u64,
    created_at: i64,
    note: Option<String>,
    sub_token: String,
    sub_revoked_at: Option<i64>,
    /// Created without `proxies`: the row exists but every read of it fails (500), as in Marzban.
    broken: bool,
}

impl User {
    /// What the panel's review job would have done by now.
    fn refresh(&mut self, now: i64) {
        if self.status == "active" {
            if self.expire.is_some_and(|e| e <= now) {
                self.status = "expired";
            } else if self.data_limit.is_some_and(|l| self.used_traffic >= l) {
                self.status = "limited";
            }
        }
    }
}

impl FakeMarzban {
    /// Starts the fake on an ephemeral port of 127.0.0.1 with admin
    /// `admin`/`secret-admin-password` and Marzban's stock inbounds:
    /// `VLESS TCP REALITY`, `VMess TCP`, `VMess Websocket`,
    /// `Trojan Websocket TLS`, `Shadowsocks TCP`.
    pub async fn start() -> Self {
        let inbounds = [
            ("vless", vec!["VLESS TCP REALITY"]),
            ("vmess", vec!["VMess TCP", "VMess Websocket"]),
            ("trojan", vec!["Trojan Websocket TLS"]),
            ("shadowsocks", vec!["Shadowsocks TCP"]),
        ]
        .into_iter()
        .map(|(protocol, tags)| (protocol.to_owned(), tags.into_iter().map(str::to_owned).collect()))
        .collect();
        let state = Arc::new(Shared {
            admin_username: "admin".into(),
            admin_password: "secret-admin-password".into(),
            tokens: Mutex::default(),
            logins: AtomicUsize::new(0),
            subscription_prefix: Mutex::default(),
            inbounds: Mutex::new(inbounds),
            users: Mutex::default(),
        });
        let front = Arc::new(Front::new(render_error));
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (addr, server) = serve(router, front.clone()).await;
        Self { addr, state, front, server }
    }

    /// Base URL of the panel, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The admin's `(username, password)`.
    pub fn admin_credentials(&self) -> (String, String) {
        (self.state.admin_username.clone(), self.state.admin_password.clone())
    }

    /// How many successful logins (`POST /api/admin/token`) happened.
    pub fn token_logins(&self) -> usize {
        self.state.logins.load(Ordering::SeqCst)
    }

    /// Invalidates every access token issued so far: the next request with
    /// one gets 401, as after the token's expiry or a password change.
    pub fn expire_tokens(&self) {
        self.state.tokens.lock().unwrap().clear();
    }

    /// Sets `XRAY_SUBSCRIPTION_URL_PREFIX` (e.g. `https://sub.example.com`):
    /// links become absolute. `""` (the default) gives relative `/sub/…` links.
    pub fn set_subscription_prefix(&self, prefix: &str) {
        *self.state.subscription_prefix.lock().unwrap() = prefix.trim_end_matches('/').to_owned();
    }

    /// Every user, as `GET /api/user/{username}` would return it, in creation order.
    pub fn users(&self) -> Vec<Value> {
        let mut users = self.state.users.lock().unwrap();
        let now = now();
        users.iter_mut().for_each(|u| u.refresh(now));
        users.iter().map(|u| self.state.render(u)).collect()
    }

    /// One user by username, as the API would return it.
    pub fn user(&self, username: &str) -> Option<Value> {
        self.users().into_iter().find(|u| u["username"] == username)
    }

    /// Sets a user's used traffic, as its connections would. Panics when the
    /// user does not exist (a bug in the test).
    pub fn set_used_traffic(&self, username: &str, bytes: u64) {
        self.with_user(username, |u| {
            u.used_traffic = bytes;
            u.lifetime_used_traffic = u.lifetime_used_traffic.max(bytes);
        });
    }

    /// Forces a user's status (`active`, `disabled`, `limited`, `expired`,
    /// `on_hold`). Panics on an unknown user or status.
    pub fn set_status(&self, username: &str, status: &str) {
        let status =
            parse_status(status, true).unwrap_or_else(|| panic!("set_status: {status} is not a Marzban status"));
        self.with_user(username, |u| u.status = status);
    }

    /// Replaces the server's inbounds (protocol → tags), as editing the xray
    /// config does. Users keep the tags they had; links show only tags that
    /// still exist.
    pub fn set_inbounds(&self, inbounds: &[(&str, &[&str])]) {
        *self.state.inbounds.lock().unwrap() = inbounds
            .iter()
            .map(|(protocol, tags)| ((*protocol).to_owned(), tags.iter().map(|t| (*t).to_owned()).collect()))
            .collect();
    }

    /// Every inbound tag of the server.
    pub fn inbound_tags(&self) -> Vec<String> {
        self.state.inbounds.lock().unwrap().values().flatten().cloned().collect()
    }

    fn with_user(&self, username: &str, change: impl FnOnce(&mut User)) {
        let mut users = self.state.users.lock().unwrap();
        let user = users.iter_mut().find(|u| u.username == username);
        change(user.unwrap_or_else(|| panic!("user {username} is unknown to the fake Marzban")));
    }
}

front_controls!(FakeMarzban);

impl Drop for FakeMarzban {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn parse_status(status: &str, any: bool) -> Option<&'static str> {
    match status {
        "active" => Some("active"),
        "disabled" => Some("disabled"),
        "on_hold" => Some("on_hold"),
        "limited" if any => Some("limited"),
        "expired" if any => Some("expired"),
        _ => None,
    }
}

/// A refusal on its way out: boxed, as `Response` is large.
type Refused = Box<Response>;

/// 422 with Marzban's `{field: message}` detail.
fn invalid(field: &str, message: &str) -> Response {
    detail(422, json!({ field: message }))
}

fn unauthorized(message: &str) -> Response {
    let mut response = detail(401, message);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, "Bearer".parse().unwrap());
    response
}

/// The panel's error body: for injected failures.
fn render_error(code: u16, _path: &str) -> Response {
    match code {
        401 => unauthorized("Could not validate credentials"),
        404 => detail(404, "User not found"),
        500 => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        _ => detail(code, "Injected failure"),
    }
}

impl Shared {
    fn render(&self, u: &User) -> Value {
        let prefix = self.subscription_prefix.lock().unwrap().clone();
        let server = self.inbounds.lock().unwrap().clone();
        let excluded: Map<String, Value> = u
            .proxies
            .keys()
            .map(|protocol| {
                let all = server.get(protocol.as_str()).cloned().unwrap_or_default();
                let mine = u.inbounds.get(protocol).cloned().unwrap_or_default();
                let excluded: Vec<String> = all.into_iter().filter(|tag| !mine.iter().any(|m| m == tag)).collect();
                (protocol.clone(), json!(excluded))
            })
            .collect();
        let links = Self::links(u, &server);
        json!({
            "proxies": u.proxies,
            "expire": u.expire,
            "data_limit": u.data_limit,
            "data_limit_reset_strategy": u.data_limit_reset_strategy,
            "inbounds": u.inbounds,
            "note": u.note,
            "sub_updated_at": null,
            "sub_last_user_agent": null,
            "online_at": null,
            "on_hold_expire_duration": null,
            "on_hold_timeout": null,
            "auto_delete_in_days": null,
            "next_plan": null,
            "username": u.username,
            "status": u.status,
            "used_traffic": u.used_traffic,
            "lifetime_used_traffic": u.lifetime_used_traffic,
            "created_at": format_time(u.created_at, false),
            "links": links,
            "subscription_url": format!("{prefix}/sub/{}", u.sub_token),
            "excluded_inbounds": excluded,
            "admin": {"username": self.admin_username, "is_sudo": true, "telegram_id": null, "discord_webhook": null, "users_usage": 0},
        })
    }

    /// The user's share links: one per inbound of theirs that the server still has.
    fn links(u: &User, server: &BTreeMap<String, Vec<String>>) -> Vec<String> {
        u.inbounds
            .iter()
            .flat_map(|(protocol, tags)| {
                let secret = u.proxies.get(protocol).and_then(|s| s.get("id").or_else(|| s.get("password"))).cloned();
                let secret = secret.and_then(|s| s.as_str().map(str::to_owned)).unwrap_or_default();
                let existing = server.get(protocol).cloned().unwrap_or_default();
                tags.iter()
                    .filter(move |tag| existing.contains(tag))
                    .map(move |tag| format!("{protocol}://{secret}@127.0.0.1:443#{}", tag.replace(' ', "%20")))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Settings for `protocol` from what the client sent, with the ids and
    /// passwords it left out generated (Marzban's `ProxySettings.from_dict`).
    fn settings(protocol: &str, given: &Value) -> Result<Value, Refused> {
        let mut settings = given
            .as_object()
            .cloned()
            .ok_or_else(|| Refused::from(invalid("proxies", "settings must be an object")))?;
        match protocol {
            "vless" | "vmess" => {
                settings.entry("id").or_insert_with(|| uuid().into());
                if protocol == "vless" {
                    settings.entry("flow").or_insert_with(|| "".into());
                }
            }
            "trojan" => {
                settings.entry("password").or_insert_with(|| random_string(22).into());
                settings.entry("flow").or_insert_with(|| "".into());
            }
            "shadowsocks" => {
                settings.entry("password").or_insert_with(|| random_string(22).into());
                settings.entry("method").or_insert_with(|| "chacha20-ietf-poly1305".into());
            }
            other => {
                return Err(Refused::from(invalid(
                    "proxies",
                    &format!("Input should be 'vmess', 'vless', 'trojan' or 'shadowsocks', got '{other}'"),
                )));
            }
        }
        Ok(Value::Object(settings))
    }

    /// Checks a `proxies` object: known protocols with inbounds on this server.
    fn proxies(&self, given: &Map<String, Value>) -> Result<Map<String, Value>, Refused> {
        let mut proxies = Map::new();
        for (protocol, settings) in given {
            let settings = Self::settings(protocol, settings)?;
            if !self.inbounds.lock().unwrap().contains_key(protocol.as_str()) {
                return Err(Refused::from(detail(400, format!("Protocol {protocol} is disabled on your server"))));
            }
            proxies.insert(protocol.clone(), settings);
        }
        Ok(proxies)
    }

    /// Checks an `inbounds` object: lists of tags that exist on the server
    /// (any protocol's, as Marzban checks them). An empty list is allowed.
    fn inbound_tags(&self, given: &Map<String, Value>) -> Result<BTreeMap<String, Vec<String>>, Refused> {
        let server = self.inbounds.lock().unwrap().clone();
        let mut inbounds = BTreeMap::new();
        for (protocol, tags) in given {
            let tags: Vec<String> = match tags.as_array() {
                Some(list) => list.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
                None => return Err(Refused::from(invalid("inbounds", &format!("{protocol} inbounds must be a list")))),
            };
            for tag in &tags {
                if !server.values().flatten().any(|t| t == tag) {
                    return Err(Refused::from(invalid(
                        "inbounds",
                        &format!("Value error, Inbound {tag} doesn't exist"),
                    )));
                }
            }
            inbounds.insert(protocol.clone(), tags);
        }
        Ok(inbounds)
    }

    fn all_tags(&self, protocol: &str) -> Vec<String> {
        self.inbounds.lock().unwrap().get(protocol).cloned().unwrap_or_default()
    }
}

async fn handle(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let segments = segments(uri.path());
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (&method, segments.as_slice()) {
        (&Method::POST, ["api", "admin", "token"]) => return login(&state, &body),
        (&Method::GET, ["sub", token]) => return subscription(&state, token),
        (_, ["api", "admin", "token"] | ["sub", _]) => return detail(405, "Method Not Allowed"),
        _ => {}
    }
    let route = matches!(
        (&method, segments.as_slice()),
        (&Method::GET, ["api", "inbounds"])
            | (&Method::POST, ["api", "user"])
            | (&Method::GET | &Method::PUT | &Method::DELETE, ["api", "user", _])
            | (&Method::POST, ["api", "user", _, "revoke_sub" | "reset"])
    );
    if !route {
        return detail(404, "Not Found");
    }
    match bearer(&headers) {
        None => return unauthorized("Not authenticated"),
        Some(token) if !state.tokens.lock().unwrap().contains(token) => {
            return unauthorized("Could not validate credentials");
        }
        Some(_) => {}
    }
    let body = match (&method, json_body(&body)) {
        (&Method::POST | &Method::PUT, None) => return invalid("body", "JSON decode error"),
        (_, body) => body.unwrap_or(Value::Null),
    };
    match (&method, segments.as_slice()) {
        (&Method::GET, ["api", "inbounds"]) => {
            let inbounds: Map<String, Value> = state
                .inbounds
                .lock()
                .unwrap()
                .iter()
                .map(|(protocol, tags)| {
                    let list: Vec<Value> = tags
                        .iter()
                        .map(|tag| json!({"tag": tag, "protocol": protocol, "network": "tcp", "tls": "none", "port": 443}))
                        .collect();
                    (protocol.clone(), Value::Array(list))
                })
                .collect();
            axum::Json(Value::Object(inbounds)).into_response()
        }
        (&Method::POST, ["api", "user"]) => create(&state, &body),
        (&Method::GET, ["api", "user", username]) => with_user(&state, username, |_, _| Ok(())),
        (&Method::PUT, ["api", "user", username]) => modify(&state, username, &body),
        (&Method::DELETE, ["api", "user", username]) => {
            let mut users = state.users.lock().unwrap();
            match users.iter().position(|u| u.username == *username) {
                Some(i) => {
                    users.remove(i);
                    axum::Json(json!({"detail": "User successfully deleted"})).into_response()
                }
                None => detail(404, "User not found"),
            }
        }
        (&Method::POST, ["api", "user", username, "revoke_sub"]) => with_user(&state, username, |_, user| {
            user.sub_token = random_string(32);
            user.sub_revoked_at = Some(now());
            for (protocol, settings) in user.proxies.iter_mut() {
                let fresh = Shared::settings(protocol, &json!({}))?;
                if let (Some(settings), Value::Object(fresh)) = (settings.as_object_mut(), fresh) {
                    for key in ["id", "password"] {
                        if let Some(value) = fresh.get(key) {
                            settings.insert(key.into(), value.clone());
                        }
                    }
                }
            }
            Ok(())
        }),
        (&Method::POST, ["api", "user", username, "reset"]) => with_user(&state, username, |_, user| {
            user.used_traffic = 0;
            if user.status == "limited" {
                user.status = "active";
            }
            Ok(())
        }),
        _ => detail(404, "Not Found"),
    }
}

fn login(state: &Shared, body: &Bytes) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let (Some(username), Some(password)) = (field("username"), field("password")) else {
        return detail(422, json!({"username": "Field required", "password": "Field required"}));
    };
    if username != state.admin_username || password != state.admin_password {
        return unauthorized("Incorrect username or password");
    }
    let token = jwt_like();
    state.tokens.lock().unwrap().insert(token.clone());
    state.logins.fetch_add(1, Ordering::SeqCst);
    axum::Json(json!({"access_token": token, "token_type": "bearer"})).into_response()
}

/// `GET /sub/{token}`: the subscription itself (no auth; the token is the
/// secret) — the user's links, one per line, base64-encoded, as v2ray
/// clients get it; an empty body when the user has no inbounds.
fn subscription(state: &Shared, token: &str) -> Response {
    use base64::Engine;
    let users = state.users.lock().unwrap();
    match users.iter().find(|u| u.sub_token == token && !u.broken) {
        Some(user) => {
            let links = Shared::links(user, &state.inbounds.lock().unwrap());
            let body = if links.is_empty() {
                String::new()
            } else {
                base64::engine::general_purpose::STANDARD.encode(links.join("\n"))
            };
            let info = format!(
                "upload=0; download={}; total={}; expire={}",
                user.used_traffic,
                user.data_limit.unwrap_or(0),
                user.expire.unwrap_or(0)
            );
            (
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                    (header::HeaderName::from_static("subscription-userinfo"), info),
                ],
                body,
            )
                .into_response()
        }
        None => detail(404, "Not Found"),
    }
}

/// Runs `change` on a user (after the review job's rules) and answers it.
fn with_user(
    state: &Shared,
    username: &str,
    change: impl FnOnce(&Shared, &mut User) -> Result<(), Refused>,
) -> Response {
    let mut users = state.users.lock().unwrap();
    let Some(user) = users.iter_mut().find(|u| u.username == username) else {
        return detail(404, "User not found");
    };
    if user.broken {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
    }
    user.refresh(now());
    let mut updated = user.clone();
    if let Err(response) = change(state, &mut updated) {
        return *response;
    }
    *user = updated;
    axum::Json(state.render(user)).into_response()
}

/// `expire` / `data_limit`: an integer ≥ 0, or null; `0` stored as "none".
fn optional_number(body: &Map<String, Value>, field: &str) -> Result<Option<Option<u64>>, Refused> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64() {
            Some(0) => Ok(Some(None)),
            Some(n) => Ok(Some(Some(n))),
            None => Err(Refused::from(invalid(field, "Input should be a valid integer greater than or equal to 0"))),
        },
    }
}

fn create(state: &Shared, body: &Value) -> Response {
    let Some(body) = body.as_object() else {
        return invalid("body", "Input should be a valid dictionary");
    };
    let username = body.get("username").and_then(Value::as_str).unwrap_or_default();
    if !(3..=32).contains(&username.len()) || !username.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return invalid(
            "username",
            "Username only can be 3 to 32 characters and contain a-z, 0-9, and underscores in between.",
        );
    }
    let given = match body.get("proxies") {
        Some(Value::Object(given)) if !given.is_empty() => given,
        // Left out, the field skips its validator and the insert goes
        // through; rendering the proxy-less user then fails.
        None if !username_taken(state, username) => {
            state.users.lock().unwrap().push(broken_user(username));
            return (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response();
        }
        _ => return invalid("proxies", "Value error, Each user needs at least one proxy"),
    };
    let status = match body.get("status").map(Value::as_str) {
        None | Some(Some("active")) => "active",
        Some(Some("on_hold")) => "on_hold",
        _ => return invalid("status", "Input should be 'active' or 'on_hold'"),
    };
    let (expire, data_limit) = match (optional_number(body, "expire"), optional_number(body, "data_limit")) {
        (Ok(expire), Ok(limit)) => (expire.flatten().map(|e| e as i64), limit.flatten()),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    let note = match body.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(note)) if note.chars().count() <= 500 => Some(note.clone()),
        _ => return invalid("note", "User's note can be a maximum of 500 character"),
    };
    let proxies = match state.proxies(given) {
        Ok(proxies) => proxies,
        Err(response) => return *response,
    };
    // `inbounds` left out skips its validator: its default `{}` stands and
    // every tag of every protocol lands in `excluded_inbounds` — no
    // inbounds at all. Given (even `{}`), the validator runs: protocols
    // without a proxy are dropped and a protocol with no (or an empty) list
    // gets every inbound of its protocol.
    let inbounds = match body.get("inbounds") {
        None => proxies.keys().map(|protocol| (protocol.clone(), Vec::new())).collect(),
        Some(Value::Object(given)) => {
            let mut inbounds = match state.inbound_tags(given) {
                Ok(inbounds) => inbounds,
                Err(response) => return *response,
            };
            inbounds.retain(|protocol, _| proxies.contains_key(protocol));
            for protocol in proxies.keys() {
                let tags = inbounds.entry(protocol.clone()).or_default();
                if tags.is_empty() {
                    *tags = state.all_tags(protocol);
                }
            }
            inbounds
        }
        Some(_) => return invalid("inbounds", "Input should be a valid dictionary"),
    };
    let mut users = state.users.lock().unwrap();
    if users.iter().any(|u| u.username == username) {
        return detail(409, "User already exists");
    }
    let user = User {
        username: username.to_owned(),
        proxies,
        inbounds,
        expire,
        data_limit,
        data_limit_reset_strategy: body
            .get("data_limit_reset_strategy")
            .and_then(Value::as_str)
            .unwrap_or("no_reset")
            .into(),
        status,
        used_traffic: 0,
        lifetime_used_traffic: 0,
        created_at: now(),
        note,
        sub_token: random_string(32),
        sub_revoked_at: None,
        broken: false,
    };
    let rendered = state.render(&user);
    users.push(user);
    axum::Json(rendered).into_response()
}

fn username_taken(state: &Shared, username: &str) -> bool {
    state.users.lock().unwrap().iter().any(|u| u.username == username)
}

/// The row Marzban inserts for a create without `proxies`.
fn broken_user(username: &str) -> User {
    User {
        username: username.to_owned(),
        proxies: Map::new(),
        inbounds: BTreeMap::new(),
        expire: None,
        data_limit: None,
        data_limit_reset_strategy: "no_reset".into(),
        status: "active",
        used_traffic: 0,
        lifetime_used_traffic: 0,
        created_at: now(),
        note: None,
        sub_token: random_string(32),
        sub_revoked_at: None,
        broken: true,
    }
}

fn modify(state: &Shared, username: &str, body: &Value) -> Response {
    let Some(body) = body.as_object().cloned() else {
        return invalid("body", "Input should be a valid dictionary");
    };
    with_user(state, username, move |state, user| {
        let status = match body.get("status") {
            None | Some(Value::Null) => None,
            Some(value) => match value.as_str().and_then(|s| parse_status(s, false)) {
                Some(status) => Some(status),
                None => {
                    return Err(Refused::from(invalid("status", "Input should be 'active', 'disabled' or 'on_hold'")));
                }
            },
        };
        let expire = optional_number(&body, "expire")?;
        let data_limit = optional_number(&body, "data_limit")?;
        let proxies = match body.get("proxies") {
            Some(Value::Object(given)) if !given.is_empty() => Some(state.proxies(given)?),
            _ => None,
        };
        let inbounds = match body.get("inbounds") {
            Some(Value::Object(given)) if !given.is_empty() => Some(state.inbound_tags(given)?),
            _ => None,
        };
        let now = now();
        // crud.update_user, in its order: proxies, inbounds, status, data
        // limit, expiry, note.
        if let Some(proxies) = proxies {
            user.inbounds.retain(|protocol, _| proxies.contains_key(protocol));
            for protocol in proxies.keys() {
                user.inbounds.entry(protocol.clone()).or_insert_with(|| state.all_tags(protocol));
            }
            user.proxies = proxies;
        }
        if let Some(inbounds) = inbounds {
            for (protocol, tags) in inbounds {
                if user.proxies.contains_key(&protocol) {
                    user.inbounds.insert(protocol, tags);
                }
            }
        }
        if let Some(status) = status {
            user.status = status;
        }
        if let Some(limit) = data_limit {
            user.data_limit = limit;
            if !matches!(user.status, "expired" | "disabled") {
                if limit.is_none_or(|l| user.used_traffic < l) {
                    if user.status != "on_hold" {
                        user.status = "active";
                    }
                } else {
                    user.status = "limited";
                }
            }
        }
        if let Some(expire) = expire {
            user.expire = expire.map(|e| e as i64);
            if matches!(user.status, "active" | "expired") {
                user.status = if user.expire.is_none_or(|e| e > now) { "active" } else { "expired" };
            }
        }
        if let Some(Value::String(note)) = body.get("note") {
            user.note = Some(note.clone());
        }
        if let Some(strategy) = body.get("data_limit_reset_strategy").and_then(Value::as_str) {
            user.data_limit_reset_strategy = strategy.to_owned();
        }
        Ok(())
    })
}
