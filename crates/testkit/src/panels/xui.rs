//! A fake 3x-ui panel, API generation up to v3.0 (read from MHSanaei/3x-ui
//! `web/controller/inbound.go`, `web/service/inbound.go` and
//! `database/model/model.go`).
//!
//! What it emulates, and why:
//! * **Login**: `POST /login` (form or JSON `username`, `password`) answers
//!   `{"success": …}` with HTTP 200 either way, and on success a `3x-ui`
//!   session cookie. `/panel/api/*` without a live session answers **404**
//!   (`404 page not found`), never 401. [`FakeXui::expire_sessions`] kills
//!   every session, [`FakeXui::logins`] counts logins. An optional web base
//!   path ([`FakeXui::start_under`]) prefixes every route, as in the panel.
//! * **Envelope**: `{"success", "msg", "obj"}`, HTTP 200 also for refusals.
//! * **Inbounds** (`GET /panel/api/inbounds/list`) carry `settings` as a
//!   JSON *string* and `clientStats` rows; `addClient` and
//!   `updateClient/:clientId` take `{"id", "settings": "<string>"}` — an
//!   object there is refused as Go's binding refuses it; emails are unique
//!   across the panel (`Duplicate email: …`); clients are named by `id`
//!   (VLESS, VMess) or `password` (Trojan); `delClient` refuses to remove an
//!   inbound's last client (`no client remained in Inbound`).
//! * **Units**: `totalGB` bytes, `expiryTime` milliseconds, as the panel.
//! * **v3.1+** ([`FakeXui::start_v3`]): an API token as `Bearer` and the
//!   clients API (`/panel/api/clients/{add, get/:email, update/:email,
//!   del/:email, traffic/:email}`), clients by email.
//! * **Links**: `POST /panel/setting/all` gives `subPort`, `subPath`,
//!   `subDomain`, `subURI`, `subEnable`; the subscription server (here the
//!   same listener) serves `{subPath}{subId}` — base64 share links of every
//!   enabled client with that `subId` — and 400 for an unknown one.

use super::common::{Front, front_controls, now, random_string, segments, serve, uuid};
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
pub struct FakeXui {
    addr: SocketAddr,
    state: Arc<Shared>,
    front: Arc<Front>,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    base_path: String,
    admin_username: String,
    admin_password: String,
    sessions: Mutex<HashSet<String>>,
    logins: AtomicUsize,
    inbounds: Mutex<Vec<Inbound>>,
    /// email → (up, down)
    traffic: Mutex<BTreeMap<String, (u64, u64)>>,
    settings: Mutex<Map<String, Value>>,
    /// v3.1+: the API token `Authorization: Bearer` carries, and the clients API.
    api_token: Option<String>,
}

#[derive(Clone)]
struct Inbound {
    id: i64,
    remark: String,
    protocol: String,
    port: i64,
    enable: bool,
    clients: Vec<Map<String, Value>>,
}

impl FakeXui {
    /// Starts the fake at the root of an ephemeral port of 127.0.0.1 with
    /// admin `admin`/`secret-xui-password` and four inbounds: 1 `VLESS
    /// Reality` (vless:443, holding one client `first-client`), 2 `VMess WS`
    /// (vmess:8080, empty), 3 `Trojan` (trojan:8443, empty), 4 `SS`
    /// (shadowsocks:8388).
    pub async fn start() -> Self {
        Self::start_under("").await
    }

    /// [`Self::start`] with the panel's web base path (`/secretpath`).
    pub async fn start_under(base_path: &str) -> Self {
        Self::start_with(base_path, None).await
    }

    /// The v3.1+ generation: the API takes [`Self::api_token`] as `Bearer`
    /// and serves the clients API (`/panel/api/clients/*`), where an
    /// inbound's last client can be deleted.
    pub async fn start_v3() -> Self {
        Self::start_with("", Some(format!("xui-token-{}", random_string(24)))).await
    }

    async fn start_with(base_path: &str, api_token: Option<String>) -> Self {
        let inbound = |id, remark: &str, protocol: &str, port| Inbound {
            id,
            remark: remark.into(),
            protocol: protocol.into(),
            port,
            enable: true,
            clients: Vec::new(),
        };
        let mut vless = inbound(1, "VLESS Reality", "vless", 443);
        vless
            .clients
            .push(client_object(json!({"id": uuid(), "email": "first-client", "enable": true, "subId": "first"})));
        let inbounds = vec![
            vless,
            inbound(2, "VMess WS", "vmess", 8080),
            inbound(3, "Trojan", "trojan", 8443),
            inbound(4, "SS", "shadowsocks", 8388),
        ];
        let state = Arc::new(Shared {
            base_path: format!("/{}", base_path.trim_matches('/')).trim_end_matches('/').to_owned(),
            admin_username: "admin".into(),
            admin_password: "secret-xui-password".into(),
            sessions: Mutex::default(),
            logins: AtomicUsize::new(0),
            inbounds: Mutex::new(inbounds),
            traffic: Mutex::default(),
            settings: Mutex::new(Map::new()),
            api_token,
        });
        let front = Arc::new(Front::new(render_error));
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (addr, server) = serve(router, front.clone()).await;
        let settings = json!({"subEnable": true, "subPort": addr.port(), "subPath": "/sub/", "subDomain": "", "subURI": "", "subCertFile": "", "subKeyFile": ""});
        *state.settings.lock().unwrap() = settings.as_object().cloned().unwrap();
        Self { addr, state, front, server }
    }

    /// Base URL of the panel, with its web base path.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.state.base_path)
    }

    /// The v3.1+ API token (`None` for the older generation).
    pub fn api_token(&self) -> Option<String> {
        self.state.api_token.clone()
    }

    /// The admin's `(username, password)`.
    pub fn admin_credentials(&self) -> (String, String) {
        (self.state.admin_username.clone(), self.state.admin_password.clone())
    }

    /// How many successful logins happened.
    pub fn logins(&self) -> usize {
        self.state.logins.load(Ordering::SeqCst)
    }

    /// Ends every session: the next API call answers 404, as after a restart.
    pub fn expire_sessions(&self) {
        self.state.sessions.lock().unwrap().clear();
    }

    /// The client with this email and the id of its inbound.
    pub fn client(&self, email: &str) -> Option<(i64, Value)> {
        let inbounds = self.state.inbounds.lock().unwrap();
        inbounds
            .iter()
            .find_map(|i| i.clients.iter().find(|c| c["email"] == email).map(|c| (i.id, Value::Object(c.clone()))))
    }

    /// Every client's email, inbound by inbound.
    pub fn emails(&self) -> Vec<String> {
        let inbounds = self.state.inbounds.lock().unwrap();
        inbounds.iter().flat_map(|i| i.clients.iter().filter_map(|c| c["email"].as_str().map(str::to_owned))).collect()
    }

    /// Sets a client's used traffic, as its connections would.
    pub fn set_traffic(&self, email: &str, up: u64, down: u64) {
        self.state.traffic.lock().unwrap().insert(email.to_owned(), (up, down));
    }

    /// Changes a subscription setting (`subURI`, `subEnable`, `subPort`, …).
    pub fn set_setting(&self, key: &str, value: Value) {
        self.state.settings.lock().unwrap().insert(key.to_owned(), value);
    }

    /// Switches an inbound on or off.
    pub fn set_inbound_enabled(&self, id: i64, enable: bool) {
        let mut inbounds = self.state.inbounds.lock().unwrap();
        inbounds.iter_mut().filter(|i| i.id == id).for_each(|i| i.enable = enable);
    }
}

front_controls!(FakeXui);

impl Drop for FakeXui {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A client as the panel stores it: every field its model has.
fn client_object(given: Value) -> Map<String, Value> {
    let mut client = json!({"id": "", "password": "", "flow": "", "email": "", "limitIp": 0, "totalGB": 0,
        "expiryTime": 0, "enable": true, "tgId": 0, "subId": "", "comment": "", "reset": 0})
    .as_object()
    .cloned()
    .unwrap();
    if let Value::Object(given) = given {
        client.extend(given);
    }
    client
}

fn envelope(success: bool, msg: &str, obj: Value) -> Response {
    axum::Json(json!({"success": success, "msg": msg, "obj": obj})).into_response()
}

fn refuse(msg: impl AsRef<str>) -> Response {
    envelope(false, msg.as_ref(), Value::Null)
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "404 page not found").into_response()
}

/// The panel's answer for an injected status: gin's plain texts.
fn render_error(code: u16, _path: &str) -> Response {
    match code {
        404 => not_found(),
        _ => (super::common::status(code), "Injected failure").into_response(),
    }
}

fn client_key(protocol: &str) -> &'static str {
    match protocol {
        "trojan" => "password",
        "shadowsocks" => "email",
        _ => "id",
    }
}

async fn handle(
    State(state): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(path) = uri.path().strip_prefix(&state.base_path) else { return not_found() };
    let segments = segments(path);
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let sub_path = state.settings.lock().unwrap()["subPath"].as_str().unwrap_or("/sub/").trim_matches('/').to_owned();
    match (&method, segments.as_slice()) {
        (&Method::POST, ["login"]) => return login(&state, &headers, &body),
        (&Method::GET, [prefix, sub_id]) if *prefix == sub_path => return subscription(&state, sub_id),
        _ => {}
    }
    if !matches!(segments.as_slice(), ["panel", ..]) {
        return not_found();
    }
    let session = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').find_map(|p| p.trim().strip_prefix("3x-ui=")).map(str::to_owned));
    let token = super::common::bearer(&headers).map(str::to_owned);
    let by_token = token.is_some() && token == state.api_token;
    if !by_token && !session.is_some_and(|s| state.sessions.lock().unwrap().contains(&s)) {
        return not_found();
    }
    if state.api_token.is_some()
        && let Some(answer) = clients_api(&state, &method, &segments, &body)
    {
        return answer;
    }
    match (&method, segments.as_slice()) {
        (&Method::POST, ["panel", "setting", "all"]) => {
            envelope(true, "", Value::Object(state.settings.lock().unwrap().clone()))
        }
        (&Method::GET, ["panel", "api", "inbounds", "list"]) => envelope(true, "", state.list()),
        (&Method::POST, ["panel", "api", "inbounds", "addClient"]) => state.add_client(&body),
        (&Method::POST, ["panel", "api", "inbounds", "updateClient", key]) => state.update_client(key, &body),
        (&Method::POST, ["panel", "api", "inbounds", id, "delClient", key]) => state.del_client(id, key),
        _ => not_found(),
    }
}

fn login(state: &Shared, headers: &HeaderMap, body: &Bytes) -> Response {
    let json = headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok()).is_some_and(|c| c.contains("json"));
    let fields: BTreeMap<String, String> = if json {
        serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|m| m.into_iter().filter_map(|(k, v)| Some((k, v.as_str()?.to_owned()))).collect())
            .unwrap_or_default()
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().collect()
    };
    let ok =
        fields.get("username") == Some(&state.admin_username) && fields.get("password") == Some(&state.admin_password);
    if !ok {
        return refuse("Invalid username or password");
    }
    state.logins.fetch_add(1, Ordering::SeqCst);
    let session = random_string(32);
    state.sessions.lock().unwrap().insert(session.clone());
    let mut response = envelope(true, "Login Successfully", Value::Null);
    let cookie = format!("3x-ui={session}; Path=/; Max-Age=3600; HttpOnly");
    response.headers_mut().insert(header::SET_COOKIE, cookie.parse().unwrap());
    response
}

impl Shared {
    fn list(&self) -> Value {
        let traffic = self.traffic.lock().unwrap();
        let inbounds = self.inbounds.lock().unwrap();
        inbounds
            .iter()
            .map(|i| {
                let stats: Vec<Value> = i
                    .clients
                    .iter()
                    .map(|c| {
                        let email = c["email"].as_str().unwrap_or_default();
                        let (up, down) = traffic.get(email).copied().unwrap_or((0, 0));
                        json!({"id": 0, "inboundId": i.id, "enable": c["enable"], "email": email, "up": up, "down": down,
                               "expiryTime": c["expiryTime"], "total": c["totalGB"], "reset": 0})
                    })
                    .collect();
                json!({"id": i.id, "up": 0, "down": 0, "total": 0, "remark": i.remark, "enable": i.enable,
                       "expiryTime": 0, "listen": "", "port": i.port, "protocol": i.protocol,
                       "settings": json!({"clients": i.clients, "decryption": "none", "fallbacks": []}).to_string(),
                       "streamSettings": "{\"network\":\"tcp\",\"security\":\"none\"}", "tag": format!("inbound-{}", i.port),
                       "sniffing": "{}", "clientStats": stats})
            })
            .collect()
    }

    /// `{"id", "settings": "<json string>"}` → the inbound id and its clients.
    fn read_clients(body: &Bytes) -> Result<(i64, Vec<Map<String, Value>>), String> {
        let body: Value =
            serde_json::from_slice(body).map_err(|_| "invalid request: unexpected end of JSON input".to_owned())?;
        let settings = match body.get("settings") {
            Some(Value::String(text)) => text.clone(),
            Some(other) => {
                let kind = if other.is_object() { "object" } else { "value" };
                return Err(format!(
                    "json: cannot unmarshal {kind} into Go struct field Inbound.settings of type string"
                ));
            }
            None => String::new(),
        };
        let id = body.get("id").and_then(Value::as_i64).unwrap_or(0);
        let settings: Value = serde_json::from_str(&settings).map_err(|_| "unexpected end of JSON input".to_owned())?;
        let clients = settings["clients"].as_array().cloned().unwrap_or_default();
        Ok((id, clients.into_iter().map(client_object).collect()))
    }

    fn email_taken(&self, email: &str, except: Option<&str>) -> bool {
        self.inbounds
            .lock()
            .unwrap()
            .iter()
            .flat_map(|i| &i.clients)
            .any(|c| c["email"] == email && Some(email) != except)
    }

    fn add_client(&self, body: &Bytes) -> Response {
        let (id, clients) = match Self::read_clients(body) {
            Ok(read) => read,
            Err(msg) => return refuse(msg),
        };
        for client in &clients {
            let email = client["email"].as_str().unwrap_or_default();
            if email.is_empty() {
                return refuse("Something went wrong: email is required");
            }
            if self.email_taken(email, None) {
                return refuse(format!("Something went wrong: Duplicate email: {email}"));
            }
        }
        let mut inbounds = self.inbounds.lock().unwrap();
        let Some(inbound) = inbounds.iter_mut().find(|i| i.id == id) else {
            return refuse("Something went wrong: record not found");
        };
        for mut client in clients {
            if inbound.protocol != "trojan" && client["id"].as_str().is_none_or(str::is_empty) {
                client.insert("id".into(), uuid().into());
            }
            inbound.clients.push(client);
        }
        envelope(true, "Inbound client(s) have been added.", Value::Null)
    }

    fn update_client(&self, key: &str, body: &Bytes) -> Response {
        let (id, clients) = match Self::read_clients(body) {
            Ok(read) => read,
            Err(msg) => return refuse(msg),
        };
        let Some(new) = clients.into_iter().next() else {
            return refuse("Something went wrong: No client data provided");
        };
        let old_email = {
            let inbounds = self.inbounds.lock().unwrap();
            let Some(inbound) = inbounds.iter().find(|i| i.id == id) else {
                return refuse("Something went wrong: record not found");
            };
            let field = client_key(&inbound.protocol);
            match inbound.clients.iter().find(|c| c[field] == key) {
                Some(c) => c["email"].as_str().unwrap_or_default().to_owned(),
                None => return refuse("Something went wrong: Client Not Found In Inbound For ID: ".to_owned() + key),
            }
        };
        let new_email = new["email"].as_str().unwrap_or_default().to_owned();
        if new_email != old_email && self.email_taken(&new_email, None) {
            return refuse(format!("Something went wrong: Duplicate email: {new_email}"));
        }
        let mut inbounds = self.inbounds.lock().unwrap();
        let inbound = inbounds.iter_mut().find(|i| i.id == id).expect("checked above");
        let field = client_key(&inbound.protocol);
        let slot = inbound.clients.iter_mut().find(|c| c[field] == key).expect("checked above");
        *slot = new;
        envelope(true, "Inbound client has been updated.", Value::Null)
    }

    fn del_client(&self, id: &str, key: &str) -> Response {
        let mut inbounds = self.inbounds.lock().unwrap();
        let Some(inbound) = inbounds.iter_mut().find(|i| i.id.to_string() == id) else {
            return refuse("Something went wrong: record not found");
        };
        let field = client_key(&inbound.protocol);
        let Some(at) = inbound.clients.iter().position(|c| c[field] == key) else {
            return refuse("Something went wrong: Client Not Found In Inbound For ID: ".to_owned() + key);
        };
        if inbound.clients.len() == 1 {
            return refuse("Something went wrong: no client remained in Inbound");
        }
        let removed = inbound.clients.remove(at);
        self.traffic.lock().unwrap().remove(removed["email"].as_str().unwrap_or_default());
        envelope(true, "Inbound client has been deleted.", Value::Null)
    }
}

/// The subscription server: base64 share links of every enabled client
/// with this `subId`, with the `subscription-userinfo` apps read.
fn subscription(state: &Shared, sub_id: &str) -> Response {
    use base64::Engine;
    let inbounds = state.inbounds.lock().unwrap();
    let traffic = state.traffic.lock().unwrap();
    let mut links = Vec::new();
    let mut info = (0u64, 0u64, 0i64, 0i64);
    let mut known = false;
    for inbound in inbounds.iter().filter(|i| i.enable) {
        for client in inbound.clients.iter().filter(|c| c["subId"] == sub_id) {
            known = true;
            let email = client["email"].as_str().unwrap_or_default();
            let (up, down) = traffic.get(email).copied().unwrap_or((0, 0));
            info =
                (up, down, client["totalGB"].as_i64().unwrap_or(0), client["expiryTime"].as_i64().unwrap_or(0) / 1000);
            let expired = client["expiryTime"].as_i64().is_some_and(|e| e > 0 && e / 1000 <= now());
            if client["enable"] == true && !expired {
                let secret = client[client_key(&inbound.protocol)].as_str().unwrap_or_default();
                links.push(format!(
                    "{}://{secret}@127.0.0.1:{}#{}-{email}",
                    inbound.protocol, inbound.port, inbound.remark
                ));
            }
        }
    }
    if !known {
        return (StatusCode::BAD_REQUEST, "Error!").into_response();
    }
    let body = base64::engine::general_purpose::STANDARD.encode(links.join("\n"));
    let userinfo = format!("upload={}; download={}; total={}; expire={}", info.0, info.1, info.2, info.3);
    ([(header::HeaderName::from_static("subscription-userinfo"), userinfo)], body).into_response()
}

/// The v3.1+ clients API: clients by email, attached to inbounds.
fn clients_api(state: &Shared, method: &Method, segments: &[&str], body: &Bytes) -> Option<Response> {
    let answer = match (method, segments) {
        (&Method::GET, ["panel", "api", "clients", "get", email]) => {
            let inbounds = state.inbounds.lock().unwrap();
            match inbounds.iter().find_map(|i| i.clients.iter().find(|c| c["email"] == *email).map(|c| (i.id, c))) {
                Some((id, client)) => envelope(true, "", json!({"client": client, "inboundIds": [id]})),
                None => refuse("record not found"),
            }
        }
        (&Method::GET, ["panel", "api", "clients", "traffic", email]) => {
            let inbounds = state.inbounds.lock().unwrap();
            let Some(client) = inbounds.iter().flat_map(|i| &i.clients).find(|c| c["email"] == *email) else {
                return Some(refuse("record not found"));
            };
            let (up, down) = state.traffic.lock().unwrap().get(*email).copied().unwrap_or((0, 0));
            envelope(
                true,
                "",
                json!({"email": email, "up": up, "down": down, "total": client["totalGB"],
                                      "expiryTime": client["expiryTime"], "enable": client["enable"]}),
            )
        }
        (&Method::POST, ["panel", "api", "clients", "add"]) => {
            let body: Value = serde_json::from_slice(body).unwrap_or_default();
            let Some(client) = body.get("client").cloned() else {
                return Some(refuse("Something went wrong: client is required"));
            };
            let mut client = client_object(client);
            let email = client["email"].as_str().unwrap_or_default().to_owned();
            if email.is_empty() || state.email_taken(&email, None) {
                return Some(refuse(format!("Something went wrong: Duplicate email: {email}")));
            }
            let ids: Vec<i64> =
                body["inboundIds"].as_array().map(|l| l.iter().filter_map(Value::as_i64).collect()).unwrap_or_default();
            let mut inbounds = state.inbounds.lock().unwrap();
            let Some(inbound) = ids.first().and_then(|id| inbounds.iter_mut().find(|i| i.id == *id)) else {
                return Some(refuse("Something went wrong: record not found"));
            };
            if inbound.protocol != "trojan" && client["id"].as_str().is_none_or(str::is_empty) {
                client.insert("id".into(), uuid().into());
            }
            inbound.clients.push(client);
            envelope(true, "Inbound client(s) have been added.", Value::Null)
        }
        (&Method::POST, ["panel", "api", "clients", "update", email]) => {
            let Ok(Value::Object(new)) = serde_json::from_slice::<Value>(body) else {
                return Some(refuse("Something went wrong: invalid request"));
            };
            let mut inbounds = state.inbounds.lock().unwrap();
            match inbounds.iter_mut().flat_map(|i| i.clients.iter_mut()).find(|c| c["email"] == *email) {
                Some(slot) => {
                    slot.extend(new);
                    envelope(true, "Inbound client has been updated.", Value::Null)
                }
                None => refuse("record not found"),
            }
        }
        (&Method::POST, ["panel", "api", "clients", "del", email]) => {
            let mut inbounds = state.inbounds.lock().unwrap();
            let mut removed = false;
            for inbound in inbounds.iter_mut() {
                let before = inbound.clients.len();
                inbound.clients.retain(|c| c["email"] != *email);
                removed |= inbound.clients.len() != before;
            }
            if removed {
                state.traffic.lock().unwrap().remove(*email);
                envelope(true, "Inbound client has been deleted.", Value::Null)
            } else {
                refuse("record not found")
            }
        }
        _ => return None,
    };
    Some(answer)
}
