//! A fake Hiddify panel (REST API v2), as HiddifyPanel's source says
//! (`hiddifypanel/panel/commercial/restapi/v2/admin/{users_api,user_api,schema}.py`):
//!
//! * **Paths**: `/{admin_proxy_path}/api/v2/admin/user/` and `…/user/{uuid}/`,
//!   with their trailing slash (without it Flask answers 308); every call
//!   needs `Hiddify-API-Key: <admin uuid>` (403 `Unathorized`, sic, otherwise:
//!   `hiddifypanel/auth.py`); `GET admin/me/` describes the admin.
//! * **Users** keyed by `uuid`; `GET user/` lists them and answers **404
//!   "You have no user"** when there are none; `POST user/` creates (`name`
//!   required, 422 otherwise; a taken uuid 400 "The user exists"; no uuid:
//!   one is made); `PATCH user/{uuid}/` merges the fields given (a new
//!   `uuid` among them renames the user) and answers the user; `DELETE`
//!   removes, answering `{"status": 200, "msg": "ok"}`; a
//!   missing uuid is 404 "user not found". Errors are apiflask's
//!   `{"detail", "message", "status"}`.
//! * **Units**: `usage_limit_GB`, `current_usage_GB` floats of GiB;
//!   `start_date` `YYYY-MM-DD` (null: from first use) plus `package_days`.
//! * **Links**: `/{client_proxy_path}/{uuid}/` serves the user's configs
//!   (base64, as its subscription does) while the user exists.

use super::common::{Front, front_controls, json_body, segments, serve, uuid};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

const ADMIN_PATH: &str = "hAdminPath";
const CLIENT_PATH: &str = "hClientPath";

/// The fake server. Dropping it stops serving.
pub struct FakeHiddify {
    addr: SocketAddr,
    state: Arc<Shared>,
    front: Arc<Front>,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    api_key: String,
    /// Users as the API renders them, in creation order.
    users: Mutex<Vec<Map<String, Value>>>,
}

impl FakeHiddify {
    /// Starts the fake on 127.0.0.1.
    pub async fn start() -> Self {
        let state = Arc::new(Shared { api_key: uuid(), users: Mutex::default() });
        let front = Arc::new(Front::new(render_error));
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (addr, server) = serve(router, front.clone()).await;
        Self { addr, state, front, server }
    }

    /// The panel's address with its admin proxy path (what `--url` takes).
    pub fn url(&self) -> String {
        format!("http://{}/{ADMIN_PATH}", self.addr)
    }

    /// The admin's UUID: the API key.
    pub fn api_key(&self) -> String {
        self.state.api_key.clone()
    }

    /// The client proxy path users' links are served under.
    pub fn client_path(&self) -> &'static str {
        CLIENT_PATH
    }

    /// Every user as the API renders it, in creation order.
    pub fn users(&self) -> Vec<Value> {
        self.state.users.lock().unwrap().iter().cloned().map(Value::Object).collect()
    }

    /// Sets a user's used traffic (bytes), as its connections would.
    pub fn set_used_traffic(&self, name: &str, bytes: u64) {
        let mut users = self.state.users.lock().unwrap();
        let user = users.iter_mut().find(|u| u["name"] == name).expect("a user of the fake Hiddify");
        user.insert("current_usage_GB".into(), json!(bytes as f64 / (1u64 << 30) as f64));
    }
}

front_controls!(FakeHiddify);

impl Drop for FakeHiddify {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// apiflask's error body.
fn error(code: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(json!({"detail": {}, "message": message, "status": code}))).into_response()
}

fn render_error(code: u16, _path: &str) -> Response {
    error(code, "Injected failure")
}

async fn handle(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let parts = segments(path);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    if let [CLIENT_PATH, id] = parts.as_slice() {
        return subscription(&state, id);
    }
    let ["hAdminPath", "api", "v2", "admin", area, rest @ ..] = parts.as_slice() else {
        return error(404, "Not Found");
    };
    if !path.ends_with('/') {
        return (StatusCode::PERMANENT_REDIRECT, [("location", format!("{path}/"))]).into_response();
    }
    if headers.get("hiddify-api-key").and_then(|v| v.to_str().ok()) != Some(state.api_key.as_str()) {
        return error(403, "Unathorized");
    }
    match (*area, rest) {
        ("me", []) => {
            return axum::Json(json!({"name": "owner", "uuid": state.api_key, "mode": "super_admin"})).into_response();
        }
        ("user", _) => {}
        _ => return error(404, "Not Found"),
    }
    let body = json_body(&body).unwrap_or(Value::Null);
    let mut users = state.users.lock().unwrap();
    match (&method, rest) {
        (&Method::GET, []) if users.is_empty() => error(404, "You have no user"),
        (&Method::GET, []) => axum::Json(json!(*users)).into_response(),
        (&Method::POST, []) => {
            let Some(fields) = body.as_object().filter(|b| b.get("name").is_some_and(Value::is_string)) else {
                let detail = json!({"json": {"name": ["Missing data for required field."]}});
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    axum::Json(json!({"detail": detail, "message": "Validation error", "status": 422})),
                )
                    .into_response();
            };
            let id = fields.get("uuid").and_then(Value::as_str).map(str::to_owned).unwrap_or_else(uuid);
            if users.iter().any(|u| u["uuid"] == id.as_str()) {
                return error(400, "The user exists");
            }
            let mut user = defaults();
            user.extend(fields.clone());
            user.insert("uuid".into(), json!(id));
            users.push(user.clone());
            axum::Json(Value::Object(user)).into_response()
        }
        (method, [id]) => {
            let Some(i) = users.iter().position(|u| u["uuid"] == *id) else { return error(404, "user not found") };
            match *method {
                Method::GET => axum::Json(Value::Object(users[i].clone())).into_response(),
                Method::PATCH => {
                    let mut fields = body.as_object().cloned().unwrap_or_default();
                    if fields.get("uuid").is_some_and(|u| !u.as_str().is_some_and(super::common::is_uuid)) {
                        fields.remove("uuid"); // `add_or_update` keeps the old one for an invalid uuid
                    }
                    users[i].extend(fields);
                    axum::Json(Value::Object(users[i].clone())).into_response()
                }
                Method::DELETE => {
                    users.remove(i);
                    axum::Json(json!({"status": 200, "msg": "ok"})).into_response()
                }
                _ => error(405, "Method Not Allowed"),
            }
        }
        _ => error(405, "Method Not Allowed"),
    }
}

/// What `User.add_or_update` fills in when a field is not given.
fn defaults() -> Map<String, Value> {
    let mut user = Map::new();
    for (key, value) in [
        ("usage_limit_GB", json!(1000.0)),
        ("package_days", json!(90)),
        ("mode", json!("no_reset")),
        ("start_date", Value::Null),
        ("current_usage_GB", json!(0.0)),
        ("last_reset_time", Value::Null),
        ("comment", Value::Null),
        ("telegram_id", Value::Null),
        ("enable", json!(true)),
        ("is_active", json!(true)),
        ("lang", json!("en")),
        ("added_by_uuid", Value::Null),
        ("last_online", Value::Null),
    ] {
        user.insert(key.into(), value);
    }
    user
}

/// `/{client_path}/{uuid}/`: the user's configs while it exists and may connect.
fn subscription(state: &Shared, id: &str) -> Response {
    use base64::Engine;
    let users = state.users.lock().unwrap();
    let Some(user) = users.iter().find(|u| u["uuid"] == id) else { return error(404, "Not Found") };
    if user["enable"] == false {
        return (StatusCode::OK, "").into_response();
    }
    let links = format!("vless://{id}@127.0.0.1:443?security=tls#hiddify\ntrojan://{id}@127.0.0.1:443#hiddify-trojan");
    (StatusCode::OK, base64::engine::general_purpose::STANDARD.encode(links)).into_response()
}
