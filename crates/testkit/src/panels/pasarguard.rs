//! A fake PasarGuard 5.2 panel, as the panel kit's transcript of the real
//! one shows it (`shared/panels/pasarguard/transcript.txt`) and its source
//! says (`app/models/user.py`, `app/routers/user.py`):
//!
//! * **Login**: `POST /api/admin/token` with a password form; a JSON body is
//!   a 422; other routes need a live `Bearer` (401 otherwise).
//! * **Groups** (`GET /api/groups`): one group `kit` (id 1) holding four
//!   inbounds. A user gets inbounds only through `group_ids`: **omitted**
//!   on create it is accepted (201, `group_ids: []`) and the subscription is
//!   empty; `null` or `[]` is a 422; an unknown id a 404 `Group not found`.
//! * **Users** under `/api/user/{username}`: 3–128 of `[A-Za-z0-9-_@.]`;
//!   create answers **201**, delete **204** with no body; `expire` is taken
//!   as unix seconds (or ISO) and answered as an ISO string; `0` limits
//!   read back as `null`; `hwid_limit`; PUT refuses `limited`/`expired`.
//! * **Links**: relative `/sub/{token}`; `revoke_sub` issues a new token and
//!   the old one answers 404; a disabled user's link still serves every
//!   config (cutting off is the node's job).

use super::common::{
    FormAdmin, Front, detail, format_time, front_controls, json_body, now, parse_time, random_string, segments, serve,
    uuid,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The fake server. Dropping it stops serving.
pub struct FakePasarGuard {
    addr: SocketAddr,
    state: Arc<Shared>,
    front: Arc<Front>,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    admin: FormAdmin,
    /// `(id, name, inbound tags)`.
    groups: Vec<(i64, &'static str, Vec<&'static str>)>,
    users: Mutex<Vec<User>>,
    next_id: Mutex<i64>,
}

#[derive(Clone)]
struct User {
    id: i64,
    username: String,
    group_ids: Vec<i64>,
    expire: Option<i64>,
    data_limit: Option<u64>,
    hwid_limit: Option<u64>,
    status: &'static str,
    used_traffic: u64,
    note: Option<String>,
    sub_token: String,
    vless_id: String,
}

impl User {
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

impl FakePasarGuard {
    /// Starts the fake on 127.0.0.1 with admin `admin`/`Fake-Pass-2468` and group 1 `kit`.
    pub async fn start() -> Self {
        let state = Arc::new(Shared {
            admin: FormAdmin::new("admin", "Fake-Pass-2468"),
            groups: vec![
                (1, "kit", vec!["VLESS TCP", "VMess TCP", "Trojan TCP", "Shadowsocks TCP"]),
                (2, "empty", vec![]),
            ],
            users: Mutex::default(),
            next_id: Mutex::new(1),
        });
        let front = Arc::new(Front::new(render_error));
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (addr, server) = serve(router, front.clone()).await;
        Self { addr, state, front, server }
    }

    /// Base URL of the panel.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The admin's `(username, password)`.
    pub fn admin_credentials(&self) -> (String, String) {
        (self.state.admin.username.clone(), self.state.admin.password.clone())
    }

    /// Every user as `GET /api/user/{username}` answers it, in creation order.
    pub fn users(&self) -> Vec<Value> {
        let mut users = self.state.users.lock().unwrap();
        users.iter_mut().for_each(|u| u.refresh(now()));
        users.iter().map(render).collect()
    }

    /// One user by username.
    pub fn user(&self, username: &str) -> Option<Value> {
        self.users().into_iter().find(|u| u["username"] == username)
    }

    /// Sets a user's used traffic, as its connections would.
    pub fn set_used_traffic(&self, username: &str, bytes: u64) {
        let mut users = self.state.users.lock().unwrap();
        let user = users.iter_mut().find(|u| u.username == username);
        user.unwrap_or_else(|| panic!("user {username} is unknown to the fake PasarGuard")).used_traffic = bytes;
    }
}

front_controls!(FakePasarGuard);

impl Drop for FakePasarGuard {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn invalid(field: &str, message: &str) -> Response {
    detail(422, json!({ field: message }))
}

fn render_error(code: u16, _path: &str) -> Response {
    match code {
        401 => detail(401, "Could not validate credentials"),
        404 => detail(404, "User not found"),
        _ => detail(code, "Injected failure"),
    }
}

fn render(u: &User) -> Value {
    json!({
        "proxy_settings": {"vless": {"id": u.vless_id, "flow": ""}},
        "expire": u.expire.map(|e| format!("{}Z", format_time(e, false))),
        "data_limit": u.data_limit,
        "data_limit_reset_strategy": "no_reset",
        "note": u.note,
        "on_hold_expire_duration": null,
        "on_hold_timeout": null,
        "group_ids": u.group_ids,
        "auto_delete_in_days": null,
        "hwid_limit": u.hwid_limit,
        "next_plan": null,
        "id": u.id,
        "username": u.username,
        "status": u.status,
        "used_traffic": u.used_traffic,
        "lifetime_used_traffic": u.used_traffic,
        "created_at": format!("{}Z", format_time(now(), false)),
        "edit_at": null,
        "online_at": null,
        "subscription_url": format!("/sub/{}", u.sub_token),
        "admin": {"id": 1, "username": "admin"},
    })
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
        (&Method::POST, ["api", "admin", "token"]) => {
            return state
                .admin
                .login(&body, || detail(422, json!({"username": "Field required", "password": "Field required"})));
        }
        (&Method::GET, ["sub", token]) => return subscription(&state, token),
        _ => {}
    }
    if !state.admin.admits(&headers) {
        return detail(401, "Could not validate credentials");
    }
    let Some(body) = json_body(&body) else { return invalid("body", "JSON decode error") };
    match (&method, segments.as_slice()) {
        (&Method::GET, ["api", "groups"]) => {
            let groups: Vec<Value> = state
                .groups
                .iter()
                .map(|(id, name, tags)| json!({"name": name, "inbound_tags": tags, "is_disabled": false, "id": id, "total_users": 0}))
                .collect();
            axum::Json(json!({"groups": groups, "total": groups.len()})).into_response()
        }
        (&Method::POST, ["api", "user"]) => create(&state, &body),
        (&Method::GET, ["api", "user", username]) => with_user(&state, username, |_| Ok(())),
        (&Method::PUT, ["api", "user", username]) => with_user(&state, username, |user| modify(&state, user, &body)),
        (&Method::DELETE, ["api", "user", username]) => {
            let mut users = state.users.lock().unwrap();
            match users.iter().position(|u| u.username == *username) {
                Some(i) => {
                    users.remove(i);
                    StatusCode::NO_CONTENT.into_response()
                }
                None => detail(404, "User not found"),
            }
        }
        (&Method::POST, ["api", "user", username, "revoke_sub"]) => with_user(&state, username, |user| {
            user.sub_token = random_string(32);
            user.vless_id = uuid();
            Ok(())
        }),
        (&Method::POST, ["api", "user", username, "reset"]) => with_user(&state, username, |user| {
            user.used_traffic = 0;
            if user.status == "limited" {
                user.status = "active";
            }
            Ok(())
        }),
        _ => detail(404, "Not Found"),
    }
}

/// A refusal on its way out: boxed, as `Response` is large.
type Refused = Box<Response>;

fn with_user(state: &Shared, username: &str, change: impl FnOnce(&mut User) -> Result<(), Refused>) -> Response {
    let mut users = state.users.lock().unwrap();
    let Some(user) = users.iter_mut().find(|u| u.username == username) else { return detail(404, "User not found") };
    user.refresh(now());
    if let Err(refused) = change(user) {
        return *refused;
    }
    axum::Json(render(user)).into_response()
}

/// `group_ids` as given: `None` when absent, else checked.
fn group_ids(state: &Shared, body: &Value) -> Result<Option<Vec<i64>>, Refused> {
    let Some(given) = body.get("group_ids") else { return Ok(None) };
    let ids: Vec<i64> = given.as_array().map(|l| l.iter().filter_map(Value::as_i64).collect()).unwrap_or_default();
    if ids.is_empty() {
        return Err(Box::new(invalid("group_ids", "Value error, you must select at least one group")));
    }
    if ids.iter().any(|id| !state.groups.iter().any(|(g, ..)| g == id)) {
        return Err(Box::new(detail(404, "Group not found")));
    }
    Ok(Some(ids))
}

/// `expire` as unix seconds or ISO; `0`/`null` = never.
fn expire(value: &Value) -> Result<Option<i64>, Refused> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_i64().filter(|e| *e > 0)),
        Value::String(text) => parse_time(text).map(Some).ok_or_else(|| Box::new(invalid("expire", "Invalid date"))),
        _ => Err(Box::new(invalid("expire", "Invalid date"))),
    }
}

fn limit(value: Option<&Value>) -> Option<u64> {
    value.and_then(Value::as_u64).filter(|l| *l > 0)
}

fn create(state: &Shared, body: &Value) -> Response {
    let username = body["username"].as_str().unwrap_or_default();
    let valid = username.chars().all(|c| c.is_ascii_alphanumeric() || "-_@.".contains(c));
    if !valid {
        return invalid("username", "Value error, Username can only contain alphanumeric characters, -, _, @, and .");
    }
    if !(3..=128).contains(&username.len()) {
        return invalid("username", "Value error, Username only can be 3 to 128 characters.");
    }
    let groups = match group_ids(state, body) {
        Ok(groups) => groups.unwrap_or_default(),
        Err(refused) => return *refused,
    };
    let expire = match expire(body.get("expire").unwrap_or(&Value::Null)) {
        Ok(expire) => expire,
        Err(refused) => return *refused,
    };
    let mut users = state.users.lock().unwrap();
    if users.iter().any(|u| u.username == username) {
        return detail(409, "User already exists");
    }
    let mut id = state.next_id.lock().unwrap();
    let user = User {
        id: *id,
        username: username.to_owned(),
        group_ids: groups,
        expire,
        data_limit: limit(body.get("data_limit")),
        hwid_limit: body.get("hwid_limit").and_then(Value::as_u64),
        status: if body["status"] == "disabled" { "disabled" } else { "active" },
        used_traffic: 0,
        note: body["note"].as_str().map(str::to_owned),
        sub_token: random_string(32),
        vless_id: uuid(),
    };
    *id += 1;
    let rendered = render(&user);
    users.push(user);
    (StatusCode::CREATED, axum::Json(rendered)).into_response()
}

fn modify(state: &Shared, user: &mut User, body: &Value) -> Result<(), Refused> {
    if let Some(groups) = group_ids(state, body)? {
        user.group_ids = groups;
    }
    if let Some(value) = body.get("expire") {
        user.expire = expire(value)?;
    }
    if body.get("data_limit").is_some() {
        user.data_limit = limit(body.get("data_limit"));
    }
    if let Some(value) = body.get("hwid_limit") {
        user.hwid_limit = value.as_u64();
    }
    if let Some(note) = body.get("note") {
        user.note = note.as_str().map(str::to_owned);
    }
    match body.get("status").and_then(Value::as_str) {
        None => {}
        Some("active") => user.status = "active",
        Some("disabled") => user.status = "disabled",
        Some("on_hold") => user.status = "on_hold",
        Some(_) => {
            return Err(Box::new(invalid("status", "Value error, status can only be active, disabled or on_hold")));
        }
    }
    // As the panel's review job would: a future expiry or a larger allowance revives.
    if matches!(user.status, "expired" | "limited")
        && user.expire.is_none_or(|e| e > now())
        && user.data_limit.is_none_or(|l| user.used_traffic < l)
    {
        user.status = "active";
    }
    Ok(())
}

/// `GET /sub/{token}`: every config of the user's groups' inbounds (also
/// for a disabled user, as the real panel does); empty without groups.
fn subscription(state: &Shared, token: &str) -> Response {
    use base64::Engine;
    let users = state.users.lock().unwrap();
    let Some(user) = users.iter().find(|u| u.sub_token == token) else { return detail(404, "Not Found") };
    let links: Vec<String> = state
        .groups
        .iter()
        .filter(|(id, ..)| user.group_ids.contains(id))
        .flat_map(|(_, _, tags)| tags.iter())
        .map(|tag| format!("vless://{}@127.0.0.1:18301#{}", user.vless_id, tag.replace(' ', "%20")))
        .collect();
    if links.is_empty() {
        return (StatusCode::OK, "").into_response();
    }
    (StatusCode::OK, base64::engine::general_purpose::STANDARD.encode(links.join("\n"))).into_response()
}
