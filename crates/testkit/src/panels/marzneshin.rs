//! A fake Marzneshin panel, as its source says (`app/models/user.py`,
//! `app/routes/user.py`, `app/routes/service.py`):
//!
//! * **Login**: `POST /api/admins/token` with a password form; other routes
//!   need a live `Bearer` (401 otherwise).
//! * **Services** (`GET /api/services`, a page `{"items", "total", …}`):
//!   1 `Main` with two inbounds, 2 `Empty` with none. A user gets inbounds
//!   only through `service_ids`; without them it is made and served nothing.
//! * **Users** under `/api/users/{username}`: `^\w{3,32}$`, stored in lower
//!   case; `expire_strategy` is required (`fixed_date` needs an
//!   `expire_date`, `start_on_first_use` a `usage_duration`) on create **and
//!   on every PUT**, as is `username` — the PUT model extends the create
//!   model, so a partial PUT is a 422; create answers 200, a duplicate 409.
//! * **State**: no `status`; `enabled` changes only through
//!   `POST …/enable` and `…/disable` (409 when already so); `expired` and
//!   `data_limit_reached` follow the dates and traffic.
//! * **Links**: relative `/sub/{username}/{key}`; `revoke_sub` makes a new
//!   key and the old link answers 404.

use super::common::{
    FormAdmin, Front, detail, format_time, front_controls, json_body, now, parse_time, segments, serve,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The fake server. Dropping it stops serving.
pub struct FakeMarzneshin {
    addr: SocketAddr,
    state: Arc<Shared>,
    front: Arc<Front>,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    admin: FormAdmin,
    /// `(id, name, inbound ids)`.
    services: Vec<(i64, &'static str, Vec<i64>)>,
    users: Mutex<Vec<User>>,
}

#[derive(Clone)]
struct User {
    id: i64,
    username: String,
    service_ids: Vec<i64>,
    expire_strategy: String,
    expire_date: Option<i64>,
    usage_duration: Option<i64>,
    data_limit: Option<u64>,
    enabled: bool,
    used_traffic: u64,
    note: Option<String>,
    key: String,
}

impl User {
    fn expired(&self) -> bool {
        self.expire_strategy == "fixed_date" && self.expire_date.is_some_and(|e| e <= now())
    }

    fn limit_reached(&self) -> bool {
        self.data_limit.is_some_and(|l| self.used_traffic >= l)
    }
}

impl FakeMarzneshin {
    /// Starts the fake on 127.0.0.1 with admin `admin`/`fake-marzneshin-pass`.
    pub async fn start() -> Self {
        let state = Arc::new(Shared {
            admin: FormAdmin::new("admin", "fake-marzneshin-pass"),
            services: vec![(1, "Main", vec![1, 2]), (2, "Empty", vec![])],
            users: Mutex::default(),
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

    /// Every user as `GET /api/users/{username}` answers it, in creation order.
    pub fn users(&self) -> Vec<Value> {
        self.state.users.lock().unwrap().iter().map(render).collect()
    }

    /// One user by username.
    pub fn user(&self, username: &str) -> Option<Value> {
        self.users().into_iter().find(|u| u["username"] == username)
    }

    /// Sets a user's used traffic, as its connections would.
    pub fn set_used_traffic(&self, username: &str, bytes: u64) {
        let mut users = self.state.users.lock().unwrap();
        let user = users.iter_mut().find(|u| u.username == username);
        user.unwrap_or_else(|| panic!("user {username} is unknown to the fake Marzneshin")).used_traffic = bytes;
    }
}

front_controls!(FakeMarzneshin);

impl Drop for FakeMarzneshin {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// FastAPI's 422: a list of errors with their location.
fn invalid(field: &str, message: &str) -> Response {
    detail(422, json!([{"type": "value_error", "loc": ["body", field], "msg": message, "input": null}]))
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
        "id": u.id,
        "username": u.username,
        "expire_strategy": u.expire_strategy,
        "expire_date": u.expire_date.map(|e| format_time(e, false)),
        "usage_duration": u.usage_duration,
        "activation_deadline": null,
        "key": u.key,
        "data_limit": u.data_limit,
        "data_limit_reset_strategy": "no_reset",
        "note": u.note,
        "sub_updated_at": null,
        "sub_last_user_agent": null,
        "online_at": null,
        "activated": u.enabled && !u.expired() && !u.limit_reached(),
        "is_active": u.enabled && !u.expired() && !u.limit_reached(),
        "expired": u.expired(),
        "data_limit_reached": u.limit_reached(),
        "enabled": u.enabled,
        "used_traffic": u.used_traffic,
        "lifetime_used_traffic": u.used_traffic,
        "sub_revoked_at": null,
        "created_at": format_time(now(), false),
        "service_ids": u.service_ids,
        "subscription_url": format!("/sub/{}/{}", u.username, u.key),
        "owner_username": "admin",
        "traffic_reset_at": null,
    })
}

fn key() -> String {
    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
        (&Method::POST, ["api", "admins", "token"]) => {
            return state.admin.login(&body, || invalid("username", "Field required"));
        }
        (&Method::GET, ["sub", username, key]) => return subscription(&state, username, key),
        _ => {}
    }
    if !state.admin.admits(&headers) {
        return detail(401, "Could not validate credentials");
    }
    let Some(body) = json_body(&body) else { return invalid("body", "JSON decode error") };
    match (&method, segments.as_slice()) {
        (&Method::GET, ["api", "services"]) => {
            let items: Vec<Value> = state
                .services
                .iter()
                .map(|(id, name, inbounds)| json!({"id": id, "name": name, "inbound_ids": inbounds, "user_ids": []}))
                .collect();
            axum::Json(json!({"items": items, "total": items.len(), "page": 1, "size": 50, "pages": 1})).into_response()
        }
        (&Method::POST, ["api", "users"]) => create(&state, &body),
        (&Method::GET, ["api", "users", username]) => with_user(&state, username, |_| Ok(())),
        (&Method::PUT, ["api", "users", username]) => with_user(&state, username, |user| modify(&state, user, &body)),
        (&Method::DELETE, ["api", "users", username]) => {
            let mut users = state.users.lock().unwrap();
            match users.iter().position(|u| u.username == *username) {
                Some(i) => {
                    users.remove(i);
                    axum::Json(json!({})).into_response()
                }
                None => detail(404, "User not found"),
            }
        }
        (&Method::POST, ["api", "users", username, action @ ("enable" | "disable")]) => {
            let enable = *action == "enable";
            with_user(&state, username, |user| {
                if user.enabled == enable {
                    let already = if enable { "User is already enabled" } else { "User is not enabled" };
                    return Err(Box::new(detail(409, already)));
                }
                user.enabled = enable;
                Ok(())
            })
        }
        (&Method::POST, ["api", "users", username, "revoke_sub"]) => with_user(&state, username, |user| {
            user.key = key();
            Ok(())
        }),
        (&Method::POST, ["api", "users", username, "reset"]) => with_user(&state, username, |user| {
            user.used_traffic = 0;
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
    if let Err(refused) = change(user) {
        return *refused;
    }
    axum::Json(render(user)).into_response()
}

/// The fields the create model requires (and so, the PUT model too).
struct Expiry {
    strategy: String,
    date: Option<i64>,
    duration: Option<i64>,
}

fn expiry(body: &Value) -> Result<Expiry, Refused> {
    let strategy = match body.get("expire_strategy").and_then(Value::as_str) {
        Some(s @ ("never" | "fixed_date" | "start_on_first_use")) => s.to_owned(),
        Some(_) => {
            return Err(Box::new(invalid(
                "expire_strategy",
                "Input should be 'never', 'fixed_date' or 'start_on_first_use'",
            )));
        }
        None => return Err(Box::new(invalid("expire_strategy", "Field required"))),
    };
    let date = match body.get("expire_date") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => {
            Some(parse_time(text).ok_or_else(|| Box::new(invalid("expire_date", "Input should be a valid datetime")))?)
        }
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => return Err(Box::new(invalid("expire_date", "Input should be a valid datetime"))),
    };
    let duration = body.get("usage_duration").and_then(Value::as_i64);
    match strategy.as_str() {
        "fixed_date" if date.is_none() => Err(Box::new(invalid(
            "body",
            "Value error, User expire_strategy can not be fixed_date without a valid expire date.",
        ))),
        "start_on_first_use" if duration.is_none_or(|d| d == 0) => Err(Box::new(invalid(
            "body",
            "Value error, User expire_strategy can not be start_on_first_use without a valid usage_duration.",
        ))),
        _ => Ok(Expiry { strategy, date, duration }),
    }
}

fn username(body: &Value) -> Result<String, Refused> {
    let name =
        body.get("username").and_then(Value::as_str).ok_or_else(|| Box::new(invalid("username", "Field required")))?;
    let name = name.to_lowercase();
    let valid = (3..=32).contains(&name.len()) && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !valid {
        return Err(Box::new(invalid("username", "String should match pattern '^\\w{3,32}$'")));
    }
    Ok(name)
}

fn services(state: &Shared, body: &Value) -> Option<Vec<i64>> {
    let ids = body.get("service_ids")?.as_array()?;
    // Only services that exist are attached.
    Some(ids.iter().filter_map(Value::as_i64).filter(|id| state.services.iter().any(|(s, ..)| s == id)).collect())
}

fn limit(value: Option<&Value>) -> Option<u64> {
    value.and_then(Value::as_u64).filter(|l| *l > 0)
}

fn create(state: &Shared, body: &Value) -> Response {
    let (name, expiry) = match (username(body), expiry(body)) {
        (Ok(name), Ok(expiry)) => (name, expiry),
        (Err(refused), _) | (_, Err(refused)) => return *refused,
    };
    let mut users = state.users.lock().unwrap();
    if users.iter().any(|u| u.username == name) {
        return detail(409, "User already exists");
    }
    let user = User {
        id: users.len() as i64 + 1,
        username: name,
        service_ids: services(state, body).unwrap_or_default(),
        expire_strategy: expiry.strategy,
        expire_date: expiry.date,
        usage_duration: expiry.duration,
        data_limit: limit(body.get("data_limit")),
        enabled: true,
        used_traffic: 0,
        note: body.get("note").and_then(Value::as_str).map(str::to_owned),
        key: key(),
    };
    let rendered = render(&user);
    users.push(user);
    axum::Json(rendered).into_response()
}

fn modify(state: &Shared, user: &mut User, body: &Value) -> Result<(), Refused> {
    username(body)?;
    let expiry = expiry(body)?;
    (user.expire_strategy, user.expire_date, user.usage_duration) = (expiry.strategy, expiry.date, expiry.duration);
    if let Some(ids) = services(state, body) {
        user.service_ids = ids;
    }
    // `null` leaves the limit as it is; 0 makes it unlimited.
    if let Some(value) = body.get("data_limit").filter(|v| !v.is_null()) {
        user.data_limit = limit(Some(value));
    }
    if let Some(note) = body.get("note") {
        user.note = note.as_str().map(str::to_owned);
    }
    Ok(())
}

/// `GET /sub/{username}/{key}`: a config per inbound of the user's services; none without.
fn subscription(state: &Shared, username: &str, key: &str) -> Response {
    use base64::Engine;
    let users = state.users.lock().unwrap();
    let Some(user) = users.iter().find(|u| u.username == username && u.key == key) else {
        return detail(404, "Not Found");
    };
    let links: Vec<String> = state
        .services
        .iter()
        .filter(|(id, ..)| user.service_ids.contains(id))
        .flat_map(|(_, _, inbounds)| inbounds.iter())
        .map(|inbound| format!("vless://{}@127.0.0.1:{}#inbound-{inbound}", user.key, 20000 + inbound))
        .collect();
    if links.is_empty() {
        return (StatusCode::OK, "").into_response();
    }
    (StatusCode::OK, base64::engine::general_purpose::STANDARD.encode(links.join("\n"))).into_response()
}
