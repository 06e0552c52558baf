//! A fake Remnawave panel (2.x by default, 3.x on request), following
//! `@remnawave/backend-contract`: `{"response": …}` envelopes, NestJS error
//! bodies with Remnawave's error codes, zod-style validation errors.
//!
//! What it emulates, and why:
//! * **The reverse-proxy check**: outside development mode Remnawave closes
//!   the connection, without a byte of answer, on requests lacking
//!   `X-Forwarded-For` or `X-Forwarded-Proto: https`. So does this fake,
//!   except on subscription links (VPN apps fetch those through the public
//!   proxy; tests fetch them directly). A client that forgets the headers
//!   fails here as it would against a real panel; [`FakeRemnawave::hung_up`]
//!   counts the hang-ups.
//! * **Auth**: `Authorization: Bearer {token}` with [`FakeRemnawave::token`];
//!   anything else is 401 (`{"message":"Unauthorized","statusCode":401}`).
//! * **Users**: unique usernames (400 `A019` on a duplicate), a short UUID per
//!   user behind `subscriptionUrl` (`{url}/api/sub/{shortUuid}`), revocation
//!   issuing a new one, the panel's status rules (enable/disable refuse a
//!   no-op with `A030`/`A029`; a PATCHed future expiry revives an EXPIRED
//!   user, a larger allowance a LIMITED one; ACTIVE users past their expiry or
//!   allowance turn EXPIRED/LIMITED as the panel's jobs would).
//! * **Versions**: 2.x addresses users by `uuid`; 3.x ([`FakeRemnawave::start_v3`])
//!   by numeric `id`, without `uuid` in user objects.

use super::common::{
    Connection, Front, bearer, format_time, front_controls, is_uuid, json_body, now, parse_time, random_string,
    segments, serve, status, uuid,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The Remnawave API generation a fake speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemnawaveVersion {
    /// 2.x: users addressed by `uuid`.
    V2,
    /// 3.x: users addressed by numeric `id`; no `uuid` in user objects.
    V3,
}

/// The fake server. Dropping it stops serving.
pub struct FakeRemnawave {
    addr: SocketAddr,
    state: Arc<Shared>,
    front: Arc<Front>,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    version: RemnawaveVersion,
    token: String,
    /// Where subscription links point (the fake's own URL).
    base_url: Mutex<String>,
    hung_up: AtomicUsize,
    data: Mutex<Data>,
}

struct Data {
    users: Vec<User>,
    next_id: i64,
    /// Internal squads.
    squads: Vec<Squad>,
}

/// An internal squad: which inbounds (of which nodes) its members get.
#[derive(Clone)]
struct Squad {
    uuid: String,
    name: String,
    /// How many inbounds it holds; a user only in squads without any gets
    /// placeholder entries instead of configs.
    inbounds: u32,
}

#[derive(Clone)]
struct User {
    id: i64,
    uuid: String,
    short_uuid: String,
    username: String,
    status: &'static str,
    traffic_limit_bytes: u64,
    traffic_limit_strategy: String,
    expire_at: i64,
    telegram_id: Option<i64>,
    email: Option<String>,
    description: Option<String>,
    tag: Option<String>,
    hwid_device_limit: Option<i64>,
    trojan_password: String,
    vless_uuid: String,
    ss_password: String,
    sub_revoked_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    squads: Vec<String>,
    used_traffic_bytes: u64,
    lifetime_used_traffic_bytes: u64,
}

impl User {
    /// What the panel's cron jobs would have done by now.
    fn refresh(&mut self, now: i64) {
        if self.status == "ACTIVE" {
            if self.expire_at <= now {
                self.status = "EXPIRED";
            } else if self.traffic_limit_bytes > 0 && self.used_traffic_bytes >= self.traffic_limit_bytes {
                self.status = "LIMITED";
            }
        }
    }
}

impl FakeRemnawave {
    /// Starts a Remnawave 2.x fake on an ephemeral port of 127.0.0.1, with
    /// one internal squad ([`default_squad`](Self::default_squad)).
    pub async fn start() -> Self {
        Self::start_version(RemnawaveVersion::V2).await
    }

    /// Starts a Remnawave 3.x fake (users addressed by numeric id).
    pub async fn start_v3() -> Self {
        Self::start_version(RemnawaveVersion::V3).await
    }

    /// Starts a fake of the given version.
    pub async fn start_version(version: RemnawaveVersion) -> Self {
        let state = Arc::new(Shared {
            version,
            token: super::common::jwt_like(),
            base_url: Mutex::default(),
            hung_up: AtomicUsize::new(0),
            data: Mutex::new(Data {
                users: Vec::new(),
                next_id: 1,
                squads: vec![Squad { uuid: uuid(), name: "Default-Squad".into(), inbounds: 2 }],
            }),
        });
        let front = Arc::new(Front::new(render_error));
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (addr, server) = serve(router, front.clone()).await;
        *state.base_url.lock().unwrap() = format!("http://{addr}");
        Self { addr, state, front, server }
    }

    /// Base URL of the panel, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The valid API token.
    pub fn token(&self) -> String {
        self.state.token.clone()
    }

    /// The version this fake speaks.
    pub fn version(&self) -> RemnawaveVersion {
        self.state.version
    }

    /// UUID of the squad that exists from the start (`Default-Squad`, two inbounds).
    pub fn default_squad(&self) -> String {
        self.state.data.lock().unwrap().squads[0].uuid.clone()
    }

    /// Creates another internal squad with one inbound and returns its UUID.
    pub fn add_squad(&self, name: &str) -> String {
        let id = uuid();
        self.state.data.lock().unwrap().squads.push(Squad { uuid: id.clone(), name: name.to_owned(), inbounds: 1 });
        id
    }

    /// Sets how many inbounds a squad holds (0 = its members get only
    /// placeholders), as editing it in the panel does. Panics on an unknown squad.
    pub fn set_squad_inbounds(&self, squad: &str, inbounds: u32) {
        let mut data = self.state.data.lock().unwrap();
        let squad = data.squads.iter_mut().find(|s| s.uuid == squad).expect("set_squad_inbounds: unknown squad");
        squad.inbounds = inbounds;
    }

    /// Every user, as `GET /api/users/by-username/…` would return it (the
    /// `response` part), in creation order.
    pub fn users(&self) -> Vec<Value> {
        let mut data = self.state.data.lock().unwrap();
        let now = now();
        data.users.iter_mut().for_each(|u| u.refresh(now));
        data.users.iter().map(|u| self.state.render(u, &data.squads)).collect()
    }

    /// One user by username, as the API would return it.
    pub fn user(&self, username: &str) -> Option<Value> {
        self.users().into_iter().find(|u| u["username"] == username)
    }

    /// Sets a user's used traffic, as its connections would. Panics when the
    /// user does not exist (a bug in the test).
    pub fn set_used_traffic(&self, username: &str, bytes: u64) {
        self.with_user(username, |u| {
            u.used_traffic_bytes = bytes;
            u.lifetime_used_traffic_bytes = u.lifetime_used_traffic_bytes.max(bytes);
        });
    }

    /// Forces a user's status (`ACTIVE`, `DISABLED`, `LIMITED`, `EXPIRED`),
    /// as the panel's jobs or an admin would. Panics on an unknown user or status.
    pub fn set_status(&self, username: &str, status: &str) {
        let status = match status {
            "ACTIVE" => "ACTIVE",
            "DISABLED" => "DISABLED",
            "LIMITED" => "LIMITED",
            "EXPIRED" => "EXPIRED",
            other => panic!("set_status: {other} is not a Remnawave status"),
        };
        self.with_user(username, |u| u.status = status);
    }

    /// How many connections were closed unanswered for lacking the
    /// reverse-proxy headers.
    pub fn hung_up(&self) -> usize {
        self.state.hung_up.load(Ordering::SeqCst)
    }

    fn with_user(&self, username: &str, change: impl FnOnce(&mut User)) {
        let mut data = self.state.data.lock().unwrap();
        let user = data.users.iter_mut().find(|u| u.username == username);
        change(user.unwrap_or_else(|| panic!("user {username} is unknown to the fake Remnawave")));
    }
}

front_controls!(FakeRemnawave);

impl Drop for FakeRemnawave {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The panel's error body (`HttpExceptionFilter`): for injected failures.
fn render_error(code: u16, path: &str) -> Response {
    let (message, error_code) = match code {
        401 => return unauthorized(),
        404 => ("User not found", "A025"),
        500 => ("Server error", "A001"),
        _ => ("Injected failure", "E000"),
    };
    error(code, path, message, error_code)
}

/// A refusal on its way out: boxed, as `Response` is large.
type Refused = Box<Response>;

fn error(code: u16, path: &str, message: &str, error_code: &str) -> Response {
    let body =
        json!({"timestamp": format_time(now(), true), "path": path, "message": message, "errorCode": error_code});
    (status(code), axum::Json(body)).into_response()
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, axum::Json(json!({"message": "Unauthorized", "statusCode": 401}))).into_response()
}

/// nestjs-zod's validation failure.
fn invalid(problems: Vec<(String, String)>) -> Response {
    let errors: Vec<Value> = problems
        .into_iter()
        .map(|(path, message)| json!({"code": "custom", "message": message, "path": [path]}))
        .collect();
    (StatusCode::BAD_REQUEST, axum::Json(json!({"statusCode": 400, "message": "Validation failed", "errors": errors})))
        .into_response()
}

fn ok(response: Value) -> Response {
    axum::Json(json!({ "response": response })).into_response()
}

/// Express's answer for an unknown route.
fn no_route(method: &Method, path: &str) -> Response {
    let body = json!({"message": format!("Cannot {method} {path}"), "error": "Not Found", "statusCode": 404});
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

impl Shared {
    fn render(&self, u: &User, squads: &[Squad]) -> Value {
        let base = self.base_url.lock().unwrap().clone();
        let squads: Vec<Value> = u
            .squads
            .iter()
            .map(|id| {
                let name = squads.iter().find(|s| &s.uuid == id).map_or("", |s| s.name.as_str());
                json!({"uuid": id, "name": name})
            })
            .collect();
        let time = |t: i64| format_time(t, true);
        let mut user = json!({
            "id": u.id,
            "shortUuid": u.short_uuid,
            "username": u.username,
            "status": u.status,
            "trafficLimitBytes": u.traffic_limit_bytes,
            "trafficLimitStrategy": u.traffic_limit_strategy,
            "expireAt": time(u.expire_at),
            "telegramId": u.telegram_id,
            "email": u.email,
            "description": u.description,
            "tag": u.tag,
            "hwidDeviceLimit": u.hwid_device_limit,
            "externalSquadUuid": null,
            "trojanPassword": u.trojan_password,
            "vlessUuid": u.vless_uuid,
            "ssPassword": u.ss_password,
            "lastTriggeredThreshold": 0,
            "subRevokedAt": u.sub_revoked_at.map(time),
            "lastTrafficResetAt": null,
            "createdAt": time(u.created_at),
            "updatedAt": time(u.updated_at),
            "subscriptionUrl": format!("{base}/api/sub/{}", u.short_uuid),
            "activeInternalSquads": squads,
            "userTraffic": {
                "usedTrafficBytes": u.used_traffic_bytes,
                "lifetimeUsedTrafficBytes": u.lifetime_used_traffic_bytes,
                "onlineAt": null,
                "firstConnectedAt": null,
                "lastConnectedNodeUuid": null,
            },
        });
        if self.version == RemnawaveVersion::V2 {
            user["uuid"] = u.uuid.clone().into();
        }
        user
    }

    /// Index of the user a path segment names (uuid in 2.x, id in 3.x);
    /// `Err` = the segment is malformed for this version.
    fn find_by_key(&self, data: &Data, key: &str) -> Result<Option<usize>, Refused> {
        match self.version {
            RemnawaveVersion::V2 if is_uuid(key) => Ok(data.users.iter().position(|u| u.uuid == key)),
            RemnawaveVersion::V2 => Err(Refused::from(invalid(vec![("uuid".into(), "Invalid uuid".into())]))),
            RemnawaveVersion::V3 => match key.parse::<i64>() {
                Ok(id) => Ok(data.users.iter().position(|u| u.id == id)),
                Err(_) => Err(Refused::from(invalid(vec![("userId".into(), "Expected number".into())]))),
            },
        }
    }
}

async fn handle(
    State(state): State<Arc<Shared>>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let segments = segments(path);
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    // Subscription links are fetched by VPN apps, through the public
    // reverse proxy (which adds the headers); tests fetch them directly.
    if let (&Method::GET, ["api", "sub", short_uuid]) = (&method, segments.as_slice()) {
        return subscription(&state, short_uuid);
    }
    // The proxy check runs for every API route, before routing and auth.
    let forwarded_for = headers.get("x-forwarded-for").is_some_and(|v| !v.is_empty());
    let forwarded_https = headers.get("x-forwarded-proto").is_some_and(|v| v == "https");
    if !(forwarded_for && forwarded_https) {
        state.hung_up.fetch_add(1, Ordering::SeqCst);
        connection.hang_up();
        return StatusCode::OK.into_response();
    }
    let known_route = matches!(
        (&method, segments.as_slice()),
        (&Method::POST | &Method::PATCH, ["api", "users"])
            | (&Method::GET, ["api", "users", "by-username", _])
            | (&Method::GET, ["api", "internal-squads"])
            | (&Method::GET | &Method::DELETE, ["api", "users", _])
            | (&Method::POST, ["api", "users", _, "actions", "enable" | "disable" | "revoke" | "reset-traffic"])
    );
    if !known_route {
        return no_route(&method, path);
    }
    if bearer(&headers) != Some(state.token.as_str()) {
        return unauthorized();
    }
    let Some(body) = json_body(&body) else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"message": "Invalid JSON", "statusCode": 400})))
            .into_response();
    };
    match (&method, segments.as_slice()) {
        (&Method::GET, ["api", "internal-squads"]) => internal_squads(&state),
        (&Method::POST, ["api", "users"]) => create(&state, path, &body),
        (&Method::PATCH, ["api", "users"]) => update(&state, path, &body),
        (&Method::GET, ["api", "users", "by-username", username]) => {
            let mut guard = state.data.lock().unwrap();
            let data = &mut *guard;
            let now = now();
            match data.users.iter_mut().find(|u| u.username == *username) {
                Some(user) => {
                    user.refresh(now);
                    ok(state.render(user, &data.squads))
                }
                None => error(404, path, "User with specified params not found", "A063"),
            }
        }
        (&Method::GET, ["api", "users", key]) => {
            let mut data = state.data.lock().unwrap();
            match state.find_by_key(&data, key) {
                Err(response) => *response,
                Ok(None) => error(404, path, "User not found", "A025"),
                Ok(Some(i)) => {
                    data.users[i].refresh(now());
                    ok(state.render(&data.users[i], &data.squads))
                }
            }
        }
        (&Method::DELETE, ["api", "users", key]) => {
            let mut data = state.data.lock().unwrap();
            match state.find_by_key(&data, key) {
                Err(response) => *response,
                Ok(None) => error(404, path, "User not found", "A025"),
                Ok(Some(i)) => {
                    data.users.remove(i);
                    ok(json!({"isDeleted": true}))
                }
            }
        }
        (&Method::POST, ["api", "users", key, "actions", action]) => act(&state, path, key, action, &body),
        _ => no_route(&method, path),
    }
}

/// `GET /api/internal-squads`: every squad with its member and inbound counts.
fn internal_squads(state: &Shared) -> Response {
    let data = state.data.lock().unwrap();
    let squads: Vec<Value> = data
        .squads
        .iter()
        .enumerate()
        .map(|(position, squad)| {
            let members = data.users.iter().filter(|u| u.squads.contains(&squad.uuid)).count();
            let inbounds: Vec<Value> = (0..squad.inbounds)
                .map(|i| json!({"uuid": uuid(), "tag": format!("{} inbound {}", squad.name, i + 1), "type": "vless"}))
                .collect();
            json!({
                "uuid": squad.uuid,
                "viewPosition": position,
                "name": squad.name,
                "info": {"membersCount": members, "inboundsCount": squad.inbounds},
                "inbounds": inbounds,
                "createdAt": format_time(0, true),
                "updatedAt": format_time(0, true),
            })
        })
        .collect();
    ok(json!({"total": squads.len(), "internalSquads": squads}))
}

/// `GET /api/sub/{shortUuid}`: the subscription itself (no auth; the short
/// UUID is the secret). A revoked short UUID is unknown. A user in no squad
/// with an inbound gets the panel's placeholder entries, as the real panel
/// serves them, instead of configs.
fn subscription(state: &Shared, short_uuid: &str) -> Response {
    let data = state.data.lock().unwrap();
    match data.users.iter().find(|u| u.short_uuid == short_uuid) {
        Some(user) => {
            let served = data.squads.iter().any(|s| s.inbounds > 0 && user.squads.contains(&s.uuid));
            let config = if served {
                format!("vless://{}@127.0.0.1:443?security=reality#{}", user.vless_uuid, user.username)
            } else {
                ["→ No hosts found", "→ Check Hosts tab", "→ Check Internal Squads tab"]
                    .map(|remark| format!("vless://00000000-0000-0000-0000-000000000000@0.0.0.0:1#{remark}"))
                    .join("\n")
            };
            ([(header::CONTENT_TYPE, "text/plain")], config).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Checks the fields the create and update schemas share; returns problems.
fn check_common(body: &Map<String, Value>, problems: &mut Vec<(String, String)>) {
    let mut problem = |field: &str, message: &str| problems.push((field.to_owned(), message.to_owned()));
    if let Some(limit) = body.get("trafficLimitBytes")
        && limit.as_i64().is_none_or(|l| l < 0)
    {
        problem("trafficLimitBytes", "Traffic limit must be greater than 0");
    }
    if let Some(strategy) = body.get("trafficLimitStrategy")
        && !matches!(strategy.as_str(), Some("NO_RESET" | "DAY" | "WEEK" | "MONTH" | "MONTH_ROLLING"))
    {
        problem("trafficLimitStrategy", "Invalid traffic limit strategy");
    }
    if let Some(telegram_id) = body.get("telegramId")
        && !(telegram_id.is_null() || telegram_id.is_i64())
    {
        problem("telegramId", "Expected integer, received something else");
    }
    // Only the shape is validated: an unknown squad fails later, in the
    // database, which the panel reports as a 500.
    if let Some(squad_ids) = body.get("activeInternalSquads")
        && !squad_ids.as_array().is_some_and(|ids| ids.iter().all(|id| id.as_str().is_some_and(is_uuid)))
    {
        problem("activeInternalSquads", "Enabled internal squads must be an array of UUIDs");
    }
}

fn squads_of(body: &Map<String, Value>) -> Option<Vec<String>> {
    body.get("activeInternalSquads")?
        .as_array()
        .map(|ids| ids.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
}

fn create(state: &Shared, path: &str, body: &Value) -> Response {
    let Some(body) = body.as_object() else {
        return invalid(vec![("".into(), "Expected object".into())]);
    };
    let mut data = state.data.lock().unwrap();
    let mut problems = Vec::new();
    let username = body.get("username").and_then(Value::as_str).unwrap_or_default();
    if !body.get("username").is_some_and(Value::is_string) {
        problems.push(("username".into(), "Username is required".into()));
    } else if !username.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        problems.push(("username".into(), "Username can only contain letters, numbers, underscores and dashes".into()));
    } else if username.len() > 36 {
        problems.push(("username".into(), "Username must be less than 36 characters".into()));
    } else if username.len() < 3 {
        problems.push(("username".into(), "Username must be at least 3 characters".into()));
    }
    let expire_at = body.get("expireAt").and_then(Value::as_str).and_then(parse_time);
    if expire_at.is_none() {
        problems.push(("expireAt".into(), "Invalid date format".into()));
    }
    let status = match body.get("status").map(Value::as_str) {
        None | Some(Some("ACTIVE")) => "ACTIVE",
        Some(Some("DISABLED")) => "DISABLED",
        Some(Some("LIMITED")) => "LIMITED",
        Some(Some("EXPIRED")) => "EXPIRED",
        _ => {
            problems.push(("status".into(), "Invalid enum value".into()));
            "ACTIVE"
        }
    };
    if let Some(description) = body.get("description")
        && !description.is_string()
    {
        problems.push(("description".into(), "Expected string".into()));
    }
    if let Some(devices) = body.get("hwidDeviceLimit")
        && devices.as_i64().is_none_or(|d| d < 0)
    {
        problems.push(("hwidDeviceLimit".into(), "Device limit must be a number".into()));
    }
    check_common(body, &mut problems);
    if !problems.is_empty() {
        return invalid(problems);
    }
    if data.users.iter().any(|u| u.username == username) {
        return error(400, path, "User username already exists", "A019");
    }
    let squads = squads_of(body).unwrap_or_default();
    if squads.iter().any(|id| !data.squads.iter().any(|s| &s.uuid == id)) {
        return error(500, path, "Failed to create user", "A018");
    }
    let now = now();
    let id = data.next_id;
    data.next_id += 1;
    let mut user = User {
        id,
        uuid: uuid(),
        short_uuid: random_string(16),
        username: username.to_owned(),
        status,
        traffic_limit_bytes: body.get("trafficLimitBytes").and_then(Value::as_u64).unwrap_or(0),
        traffic_limit_strategy: body.get("trafficLimitStrategy").and_then(Value::as_str).unwrap_or("NO_RESET").into(),
        expire_at: expire_at.unwrap_or_default(),
        telegram_id: body.get("telegramId").and_then(Value::as_i64),
        email: body.get("email").and_then(Value::as_str).map(str::to_owned),
        description: body.get("description").and_then(Value::as_str).map(str::to_owned),
        tag: body.get("tag").and_then(Value::as_str).map(str::to_owned),
        hwid_device_limit: body.get("hwidDeviceLimit").and_then(Value::as_i64),
        trojan_password: random_string(30),
        vless_uuid: uuid(),
        ss_password: random_string(32),
        sub_revoked_at: None,
        created_at: now,
        updated_at: now,
        squads,
        used_traffic_bytes: 0,
        lifetime_used_traffic_bytes: 0,
    };
    user.refresh(now);
    let rendered = state.render(&user, &data.squads);
    data.users.push(user);
    (StatusCode::CREATED, axum::Json(json!({ "response": rendered }))).into_response()
}

fn update(state: &Shared, path: &str, body: &Value) -> Response {
    let Some(body) = body.as_object() else {
        return invalid(vec![("".into(), "Expected object".into())]);
    };
    let mut data = state.data.lock().unwrap();
    let now = now();
    let mut problems = Vec::new();
    let (key_field, by_key) = match state.version {
        RemnawaveVersion::V2 => ("uuid", body.get("uuid")),
        RemnawaveVersion::V3 => ("id", body.get("id")),
    };
    let by_username = body.get("username");
    match (by_key, by_username) {
        (None, None) => problems.push(("".into(), format!("Either {key_field} or username must be provided"))),
        (Some(_), Some(_)) if state.version == RemnawaveVersion::V3 => {
            problems.push(("".into(), "Exactly one of id or username must be provided".into()))
        }
        _ => {}
    }
    if let Some(key) = by_key {
        let valid = match state.version {
            RemnawaveVersion::V2 => key.as_str().is_some_and(is_uuid),
            RemnawaveVersion::V3 => key.is_i64(),
        };
        if !valid {
            problems.push((key_field.into(), "Invalid identifier".into()));
        }
    }
    let new_status = match body.get("status").map(Value::as_str) {
        None => None,
        Some(Some("ACTIVE")) => Some("ACTIVE"),
        Some(Some("DISABLED")) => Some("DISABLED"),
        _ => {
            problems.push((
                "status".into(),
                "You can't change status to LIMITED or EXPIRED. These statuses handled by Remnawave.".into(),
            ));
            None
        }
    };
    let expire_at = match body.get("expireAt") {
        None => None,
        Some(value) => match value.as_str().and_then(parse_time) {
            Some(t) if t > now => Some(t),
            Some(_) => {
                problems.push(("expireAt".into(), "Expiration date cannot be in the past".into()));
                None
            }
            None => {
                problems.push(("expireAt".into(), "Invalid date format".into()));
                None
            }
        },
    };
    if let Some(description) = body.get("description")
        && !(description.is_null() || description.is_string())
    {
        problems.push(("description".into(), "Expected string".into()));
    }
    if let Some(devices) = body.get("hwidDeviceLimit")
        && !(devices.is_null() || devices.as_i64().is_some_and(|d| d >= 0))
    {
        problems.push(("hwidDeviceLimit".into(), "Device limit must be non-negative".into()));
    }
    check_common(body, &mut problems);
    if !problems.is_empty() {
        return invalid(problems);
    }
    let index = match (by_key, by_username) {
        (Some(Value::String(uuid)), _) => data.users.iter().position(|u| &u.uuid == uuid),
        (Some(id), _) => data.users.iter().position(|u| Some(u.id) == id.as_i64()),
        (None, Some(name)) => data.users.iter().position(|u| Some(u.username.as_str()) == name.as_str()),
        (None, None) => None,
    };
    let Some(index) = index else {
        return error(404, path, "User not found", "A025");
    };
    let squads = squads_of(body);
    if let Some(squads) = &squads
        && squads.iter().any(|id| !data.squads.iter().any(|s| &s.uuid == id))
    {
        return error(500, path, "Update user error", "A039");
    }
    let user = &mut data.users[index];
    user.refresh(now);
    // The panel's own rules (UsersService.updateUserTransactional).
    let mut status = new_status;
    if let Some(limit) = body.get("trafficLimitBytes").and_then(Value::as_u64)
        && user.status == "LIMITED"
        && (limit > user.traffic_limit_bytes || limit == 0)
    {
        status = Some("ACTIVE");
    }
    if let Some(expire_at) = expire_at
        && user.status == "EXPIRED"
        && new_status.is_none()
        && expire_at != user.expire_at
    {
        status = Some("ACTIVE");
    }
    if let Some(expire_at) = expire_at {
        user.expire_at = expire_at;
    }
    if let Some(limit) = body.get("trafficLimitBytes").and_then(Value::as_u64) {
        user.traffic_limit_bytes = limit;
    }
    if let Some(strategy) = body.get("trafficLimitStrategy").and_then(Value::as_str) {
        user.traffic_limit_strategy = strategy.to_owned();
    }
    if let Some(status) = status {
        user.status = status;
    }
    if let Some(description) = body.get("description") {
        user.description = description.as_str().map(str::to_owned);
    }
    if let Some(telegram_id) = body.get("telegramId") {
        user.telegram_id = telegram_id.as_i64();
    }
    if let Some(devices) = body.get("hwidDeviceLimit") {
        user.hwid_device_limit = devices.as_i64();
    }
    if let Some(email) = body.get("email") {
        user.email = email.as_str().map(str::to_owned);
    }
    if let Some(squads) = squads {
        user.squads = squads;
    }
    user.updated_at = now;
    user.refresh(now);
    let rendered = state.render(&data.users[index], &data.squads);
    ok(rendered)
}

fn act(state: &Shared, path: &str, key: &str, action: &str, body: &Value) -> Response {
    let mut data = state.data.lock().unwrap();
    let index = match state.find_by_key(&data, key) {
        Err(response) => return *response,
        Ok(None) => return error(404, path, "User not found", "A025"),
        Ok(Some(i)) => i,
    };
    let now = now();
    let user = &mut data.users[index];
    user.refresh(now);
    match action {
        "enable" if user.status == "ACTIVE" => return error(400, path, "User already enabled", "A030"),
        "enable" => user.status = "ACTIVE",
        "disable" if user.status == "DISABLED" => return error(400, path, "User already disabled", "A029"),
        "disable" => user.status = "DISABLED",
        "reset-traffic" => {
            user.used_traffic_bytes = 0;
            if user.status == "LIMITED" {
                user.status = "ACTIVE";
            }
        }
        _revoke => {
            // New credentials always; a new short UUID (the link) unless
            // only the passwords were to be revoked.
            let only_passwords = body.get("revokeOnlyPasswords").and_then(Value::as_bool).unwrap_or(false);
            if !only_passwords {
                user.short_uuid =
                    body.get("shortUuid").and_then(Value::as_str).map_or_else(|| random_string(16), str::to_owned);
            }
            user.vless_uuid = uuid();
            user.trojan_password = random_string(30);
            user.ss_password = random_string(32);
            user.sub_revoked_at = Some(now);
        }
    }
    user.updated_at = now;
    let rendered = state.render(&data.users[index], &data.squads);
    ok(rendered)
}
