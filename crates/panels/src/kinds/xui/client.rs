//! The 3x-ui adapter, both API generations (chosen by the credentials).
//!
//! * **v3.1+, with an API token**: `Authorization: Bearer …`; clients are
//!   records of their own under `/panel/api/clients/*`, by email — `add`
//!   (`{"client", "inboundIds"}`), `get/:email` (`{"client", "inboundIds"}`),
//!   `update/:email`, `del/:email`, `traffic/:email`; units, envelope and
//!   links as below. Everything else here describes the older generation.
//! * **Auth**: `POST /login` with a form (`username`, `password`) answers
//!   `{"success": true}` and a session cookie (`3x-ui`; `session` on older
//!   builds), kept and sent back. An API call without a live session is
//!   answered **404**, not 401 (the panel hides its API from strangers), so a
//!   404 drops the session, logs in again — once, one task at a time — and
//!   repeats the call; a 404 with a fresh session means the URL lacks the
//!   panel's web base path. A refused login is [`PanelError::Unauthorized`].
//! * **Envelope**: every answer is HTTP 200 `{"success", "msg", "obj"}`;
//!   `success: false` is a refusal, its `msg` the reason.
//! * **Clients** live inside an inbound: `settings` is a JSON *string*
//!   holding `{"clients": [...]}`, on reads and on writes
//!   (`addClient`, `updateClient/:clientId` with `{"id": inbound, "settings": "…"}`).
//!   A client is named by its `id` (VLESS, VMess) or `password` (Trojan) in
//!   paths, and by its `email` everywhere else — unique across the whole
//!   panel, so Bazar's user name is the email.
//! * **Units**: `totalGB` is **bytes** despite its name (0 = unlimited);
//!   `expiryTime` is **milliseconds** (0 = never, negative = a duration
//!   counted from first use); `limitIp` caps simultaneous IPs (0 = none).
//! * **Whose**: the owner marker goes into the client's `comment`; a client
//!   under our name with another comment is someone else's. Builds without
//!   `comment` drop it, and then the name alone (installation id + random
//!   part) says whose a client is.
//! * **Delete**: the panel refuses to remove an inbound's last client
//!   (`no client remained in Inbound`); such a client is switched off and
//!   expired instead, which frees nothing but serves nothing.
//! * **Links**: the panel's subscription server (its own port, 2096 by
//!   default) serves `{subURI}{subId}`, or, with no `subURI` set,
//!   `{http(s)}://{subDomain or the panel's host}:{subPort}{subPath}{subId}`;
//!   read once from `POST /panel/setting/all`.

use super::INBOUNDS;
use super::wire::{Inbound, Refusal, client_body, client_key, envelope, field_i64, field_str, field_u64};
use crate::http::{Reply, endpoint, exchange, parse_base, status_error};
use crate::{
    Access, PanelCatalog, PanelError, PanelKind, PanelOptions, PanelUser, PanelUserStatus, UserChange, UserSpec,
    VpnPanel,
};
use bazar_domain::{CatalogEntry, Choice};
use futures::future::BoxFuture;
use rand::Rng;
use reqwest::header::{ACCEPT, AUTHORIZATION, COOKIE, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

/// A 3x-ui panel client. Share it (behind an `Arc`): it holds the session.
#[derive(Debug)]
pub struct XuiClient {
    http: reqwest::Client,
    base: Url,
    auth: Auth,
    /// Where subscription links start, once read.
    links: Mutex<Option<Links>>,
    timeout: Duration,
}

/// How the client authenticates — which also says which API generation it speaks.
#[derive(Debug)]
enum Auth {
    /// Up to v3.0: an admin login kept as a session cookie; clients are
    /// written into inbounds (`/panel/api/inbounds/addClient`, …). The lock
    /// is held across a login so concurrent calls wait for one login.
    Login { username: String, password: SecretString, session: Mutex<Option<HeaderValue>> },
    /// From v3.1: an API token as `Authorization: Bearer`; clients are
    /// records of their own (`/panel/api/clients/*`, by email).
    Token(HeaderValue),
}

/// The panel's subscription settings.
#[derive(Debug, Clone)]
struct Links {
    /// `…/sub/` — a client's link is this + its `subId`.
    prefix: String,
    /// The subscription server is on.
    enabled: bool,
}

/// A user found on the panel: its client and the inbound holding it.
struct Found {
    inbound: Inbound,
    client: Map<String, Value>,
}

impl XuiClient {
    /// A client logging in as the given admin, with the default request
    /// timeout. Nothing is sent until the first call.
    pub fn new(
        base_url: &str,
        username: &str,
        password: SecretString,
        http: reqwest::Client,
    ) -> Result<Self, PanelError> {
        let auth = Auth::Login { username: username.to_owned(), password, session: Mutex::new(None) };
        Self::with_auth(base_url, auth, http)
    }

    /// A client of the v3.1+ API with an API token (created in the panel).
    pub fn with_token(base_url: &str, token: &SecretString, http: reqwest::Client) -> Result<Self, PanelError> {
        let mut header = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret().trim())).map_err(|_| {
            PanelError::Rejected("the 3x-ui API token contains characters not allowed in a header".into())
        })?;
        header.set_sensitive(true);
        Self::with_auth(base_url, Auth::Token(header), http)
    }

    fn with_auth(base_url: &str, auth: Auth, http: reqwest::Client) -> Result<Self, PanelError> {
        Ok(Self {
            http,
            base: parse_base(base_url)?,
            auth,
            links: Mutex::new(None),
            timeout: PanelOptions::default().timeout,
        })
    }

    /// Whether this panel speaks the v3.1+ clients API.
    fn clients_api(&self) -> bool {
        matches!(self.auth, Auth::Token(_))
    }

    /// Replaces the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn login(&self, username: &str, password: &SecretString) -> Result<HeaderValue, PanelError> {
        const WHAT: &str = "log in";
        let form = [("username", username), ("password", password.expose_secret())];
        let request = self
            .http
            .post(endpoint(&self.base, &["login"]))
            .timeout(self.timeout)
            .header(ACCEPT, "application/json")
            .form(&form);
        let reply = exchange(request, WHAT).await?;
        if !reply.status.is_success() {
            return Err(status_error(WHAT, reply.status, None));
        }
        match envelope(reply.success_json(WHAT)?, WHAT) {
            Ok(_) => {}
            Err(Refusal::Said(_)) => return Err(PanelError::Unauthorized),
            Err(garbled) => return Err(garbled.error(WHAT)),
        }
        if reply.cookies.is_empty() {
            return Err(PanelError::Protocol(format!("{WHAT}: the panel set no session cookie")));
        }
        let mut header = HeaderValue::from_str(&reply.cookies.join("; "))
            .map_err(|_| PanelError::Protocol(format!("{WHAT}: the session cookie is not a valid header")))?;
        header.set_sensitive(true);
        tracing::info!(panel = "3x-ui", "logged in to the panel");
        Ok(header)
    }

    /// The credential header to send: the session cookie (logging in when
    /// there is none) or the API token.
    async fn credential(&self) -> Result<(HeaderName, HeaderValue), PanelError> {
        match &self.auth {
            Auth::Token(bearer) => Ok((AUTHORIZATION, bearer.clone())),
            Auth::Login { username, password, session } => {
                let mut current = session.lock().await;
                if let Some(cookie) = current.as_ref() {
                    return Ok((COOKIE, cookie.clone()));
                }
                let cookie = self.login(username, password).await?;
                *current = Some(cookie.clone());
                Ok((COOKIE, cookie))
            }
        }
    }

    /// Drops a refused session; `false` when there is no session to renew (a token).
    async fn forget(&self, used: &HeaderValue) -> bool {
        match &self.auth {
            Auth::Token(_) => false,
            Auth::Login { session, .. } => {
                let mut current = session.lock().await;
                if current.as_ref() == Some(used) {
                    *current = None;
                }
                true
            }
        }
    }

    /// One enveloped call: `obj` on success. A 404 (no live session) logs in
    /// again once and repeats the call.
    async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, Refusal> {
        let reply = self.send(method, segments, body, what).await.map_err(Refusal::Failed)?;
        envelope(reply.success_json(what).map_err(Refusal::Failed)?, what)
    }

    async fn send(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        what: &str,
    ) -> Result<Reply, PanelError> {
        let url = endpoint(&self.base, segments);
        let (mut name, mut credential) = self.credential().await?;
        let mut retried = false;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .timeout(self.timeout)
                .header(name.clone(), credential.clone())
                .header(ACCEPT, "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let reply = exchange(request, what).await?;
            let refused = matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED);
            if refused && !retried && self.forget(&credential).await {
                tracing::info!(panel = "3x-ui", "session refused (expired?); logging in again");
                retried = true;
                (name, credential) = self.credential().await?;
                continue;
            }
            if refused {
                let why = if self.clients_api() {
                    "the API token was refused, or the URL lacks the panel's web base path"
                } else {
                    "no such API route after logging in: give the URL with the panel's web base path"
                };
                return Err(PanelError::Rejected(format!("{what}: HTTP {} — {why}", reply.status.as_u16())));
            }
            if !reply.status.is_success() {
                return Err(status_error(what, reply.status, None));
            }
            return Ok(reply);
        }
    }

    /// Every inbound with its clients and their traffic.
    async fn inbounds(&self) -> Result<Vec<Inbound>, PanelError> {
        const WHAT: &str = "list inbounds";
        let obj = self
            .call(Method::GET, &["panel", "api", "inbounds", "list"], None, WHAT)
            .await
            .map_err(|r| r.error(WHAT))?;
        obj.as_array()
            .ok_or_else(|| PanelError::Protocol(format!("{WHAT}: the answer holds no list")))?
            .iter()
            .map(|inbound| Inbound::parse(inbound, WHAT))
            .collect()
    }

    async fn find(&self, username: &str) -> Result<Option<Found>, PanelError> {
        if self.clients_api() {
            return self.find_record(username).await;
        }
        Ok(self.inbounds().await?.into_iter().find_map(|inbound| {
            let client = inbound.client(username)?.clone();
            Some(Found { inbound, client })
        }))
    }

    /// v3.1+: the client record by email (`clients/get/:email` answers
    /// `{client, inboundIds}`), its traffic (`clients/traffic/:email`) and
    /// its first inbound, shaped as the inbound list shows a client.
    async fn find_record(&self, username: &str) -> Result<Option<Found>, PanelError> {
        const WHAT: &str = "look up user";
        let obj = match self.call(Method::GET, &["panel", "api", "clients", "get", username], None, WHAT).await {
            Ok(obj) => obj,
            Err(Refusal::Said(msg)) if msg.to_ascii_lowercase().contains("not found") => return Ok(None),
            Err(refusal) => return Err(refusal.error(WHAT)),
        };
        let client = obj
            .get("client")
            .and_then(Value::as_object)
            .cloned()
            .ok_or_else(|| PanelError::Protocol(format!("{WHAT}: the answer has no `client`")))?;
        let inbound_id =
            obj.get("inboundIds").and_then(Value::as_array).and_then(|ids| ids.first()).and_then(Value::as_i64);
        let traffic = self
            .call(Method::GET, &["panel", "api", "clients", "traffic", username], None, WHAT)
            .await
            .map_err(|r| r.error(WHAT))?;
        let mut inbound = self
            .inbounds()
            .await?
            .into_iter()
            .find(|i| Some(i.id) == inbound_id)
            .ok_or_else(|| PanelError::Protocol(format!("{WHAT}: the client is in no inbound the panel lists")))?;
        let mut stats = traffic.as_object().cloned().unwrap_or_default();
        stats.insert("email".into(), username.into());
        inbound.stats = vec![stats];
        inbound.clients = vec![client.clone()];
        Ok(Some(Found { inbound, client }))
    }

    /// Where links start, read once from the panel's settings.
    async fn links(&self) -> Result<Links, PanelError> {
        const WHAT: &str = "read subscription settings";
        let mut cached = self.links.lock().await;
        if let Some(links) = cached.as_ref() {
            return Ok(links.clone());
        }
        let obj = self.call(Method::POST, &["panel", "setting", "all"], None, WHAT).await.map_err(|r| r.error(WHAT))?;
        let settings = obj.as_object().ok_or_else(|| PanelError::Protocol(format!("{WHAT}: no settings object")))?;
        let text = |key: &str| field_str(settings, key).map(str::trim).unwrap_or_default().to_owned();
        let uri = text("subURI");
        let prefix = if !uri.is_empty() {
            if uri.ends_with('/') { uri } else { format!("{uri}/") }
        } else {
            let scheme = if text("subCertFile").is_empty() { "http" } else { "https" };
            let domain = text("subDomain");
            let host = if domain.is_empty() { self.base.host_str().unwrap_or_default().to_owned() } else { domain };
            let port = field_i64(settings, "subPort");
            let path = text("subPath");
            let path = format!("/{}/", path.trim_matches('/'));
            let path = if path == "//" { "/sub/".to_owned() } else { path };
            let port = if port > 0 { port } else { 2096 };
            format!("{scheme}://{host}:{port}{path}")
        };
        let links = Links { prefix, enabled: settings.get("subEnable").and_then(Value::as_bool).unwrap_or(true) };
        *cached = Some(links.clone());
        Ok(links)
    }

    async fn user(&self, found: &Found, username: &str) -> Result<PanelUser, PanelError> {
        let links = self.links().await?;
        let client = &found.client;
        let used = found.inbound.used(username);
        let total = field_u64(client, "totalGB");
        let expiry_ms = field_i64(client, "expiryTime");
        let status = if client.get("enable").and_then(Value::as_bool) == Some(false) {
            PanelUserStatus::Disabled
        } else if expiry_ms > 0 && expiry_ms <= now_ms() {
            PanelUserStatus::Expired
        } else if total > 0 && used >= total {
            PanelUserStatus::Limited
        } else {
            PanelUserStatus::Active
        };
        let sub_id = field_str(client, "subId").unwrap_or_default();
        let access = if !found.inbound.enable {
            Access::Nothing(format!("inbound {} is switched off in the panel", found.inbound.id))
        } else if !links.enabled {
            Access::Nothing("the panel's subscription service is switched off (Settings → Subscription)".into())
        } else if sub_id.is_empty() {
            Access::Nothing("the client has no subscription id".into())
        } else {
            Access::Connects
        };
        Ok(PanelUser {
            username: username.to_owned(),
            panel_id: format!("{}/{}", found.inbound.id, username),
            status,
            // A negative expiry is a duration from first use: no date yet.
            expire_at: (expiry_ms > 0).then_some(expiry_ms / 1000),
            traffic_limit_bytes: (total > 0).then_some(total),
            used_traffic_bytes: used,
            subscription_url: format!("{}{sub_id}", links.prefix),
            note: field_str(client, "comment").map(str::to_owned),
            access,
        })
    }

    /// Whether an existing client under our name is ours: its comment is
    /// our marker, or the panel keeps no comment at all.
    fn owns(spec: &UserSpec, client: &Map<String, Value>) -> bool {
        match field_str(client, "comment").map(str::trim) {
            None | Some("") => true,
            Some(note) => spec.owns(Some(note)),
        }
    }

    async fn ensure(&self, spec: &UserSpec) -> Result<PanelUser, PanelError> {
        let inbound_id = chosen_inbound(spec)?;
        if let Some(found) = self.find(&spec.username).await? {
            return self.adopt(spec, found).await;
        }
        const WHAT: &str = "create user";
        let inbounds = self.inbounds().await?;
        let inbound = inbounds
            .iter()
            .find(|i| i.id == inbound_id)
            .ok_or_else(|| PanelError::Rejected(format!("the panel has no inbound {inbound_id} any more")))?;
        let key = client_key(&inbound.protocol).ok_or_else(|| unsupported(&inbound.protocol))?;
        let mut client = Map::new();
        client.insert(key.into(), new_secret(key).into());
        client.insert("email".into(), spec.username.clone().into());
        client.insert("enable".into(), true.into());
        client.insert("subId".into(), random_id(16).into());
        client.insert("comment".into(), spec.marker.clone().into());
        client.insert("flow".into(), "".into());
        client.insert("reset".into(), 0.into());
        apply_spec(&mut client, spec);
        let (path, body): (&[&str], Value) = if self.clients_api() {
            (&["panel", "api", "clients", "add"], json!({"client": client, "inboundIds": [inbound_id]}))
        } else {
            (&["panel", "api", "inbounds", "addClient"], client_body(inbound_id, &client))
        };
        match self.call(Method::POST, path, Some(&body), WHAT).await {
            Ok(_) => {}
            // Made meanwhile by a concurrent call or an attempt whose answer was lost — or by someone else.
            Err(Refusal::Said(msg)) if msg.contains("Duplicate email") => {}
            Err(refusal) => return Err(refusal.error(WHAT)),
        }
        let found = self.find(&spec.username).await?.ok_or_else(|| {
            PanelError::Protocol(format!("{WHAT}: the panel accepted the client but does not list it"))
        })?;
        if !Self::owns(spec, &found.client) {
            return Err(self.foreign(spec));
        }
        tracing::info!(panel = "3x-ui", username = %spec.username, "VPN user created");
        self.user(&found, &spec.username).await
    }

    fn foreign(&self, spec: &UserSpec) -> PanelError {
        tracing::warn!(panel = "3x-ui", username = %spec.username, "a client with our name belongs to someone else; not touched");
        PanelError::Foreign(spec.username.clone())
    }

    /// Brings an existing client of ours in line with `spec` (it stays in its inbound).
    async fn adopt(&self, spec: &UserSpec, found: Found) -> Result<PanelUser, PanelError> {
        if !Self::owns(spec, &found.client) {
            return Err(self.foreign(spec));
        }
        let mut client = found.client.clone();
        apply_spec(&mut client, spec);
        client.insert("comment".into(), spec.marker.clone().into());
        let found = self.write(found, client, "update existing user").await?;
        tracing::info!(panel = "3x-ui", username = %spec.username, "VPN user existed; brought in line with the order");
        self.user(&found, &spec.username).await
    }

    /// `updateClient/:clientId` with `client` replacing the found one.
    async fn write(&self, found: Found, client: Map<String, Value>, what: &str) -> Result<Found, PanelError> {
        if self.clients_api() {
            let email = field_str(&found.client, "email").unwrap_or_default().to_owned();
            let body = Value::Object(client.clone());
            self.call(Method::POST, &["panel", "api", "clients", "update", &email], Some(&body), what)
                .await
                .map_err(|r| r.error(what))?;
            return Ok(Found { inbound: found.inbound, client });
        }
        let key = client_key(&found.inbound.protocol).ok_or_else(|| unsupported(&found.inbound.protocol))?;
        let old_key = field_str(&found.client, key).unwrap_or_default().to_owned();
        let body = client_body(found.inbound.id, &client);
        self.call(Method::POST, &["panel", "api", "inbounds", "updateClient", &old_key], Some(&body), what)
            .await
            .map_err(|r| r.error(what))?;
        Ok(Found { inbound: found.inbound, client })
    }

    async fn update(&self, username: &str, change: &UserChange) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "update user";
        let found = self.find(username).await?.ok_or_else(|| missing(username))?;
        let mut client = found.client.clone();
        if let Some(expire_at) = change.expire_at {
            client.insert("expiryTime".into(), expiry_ms(expire_at).into());
        }
        if let Some(limit) = change.traffic_limit_bytes {
            client.insert("totalGB".into(), limit.unwrap_or(0).into());
        }
        if let Some(devices) = change.device_limit {
            client.insert("limitIp".into(), devices.unwrap_or(0).into());
        }
        if let Some(enabled) = change.enabled {
            client.insert("enable".into(), enabled.into());
        }
        let found = if client == found.client { found } else { self.write(found, client, WHAT).await? };
        let user = self.user(&found, username).await?;
        tracing::info!(panel = "3x-ui", username, status = %user.status, "VPN user updated");
        Ok(user)
    }

    async fn delete(&self, username: &str) -> Result<(), PanelError> {
        const WHAT: &str = "delete user";
        let Some(found) = self.find(username).await? else { return Ok(()) };
        if self.clients_api() {
            return match self.call(Method::POST, &["panel", "api", "clients", "del", username], None, WHAT).await {
                Ok(_) => Ok(()),
                Err(Refusal::Said(msg)) if msg.to_ascii_lowercase().contains("not found") => Ok(()),
                Err(refusal) => Err(refusal.error(WHAT)),
            };
        }
        let key = client_key(&found.inbound.protocol).ok_or_else(|| unsupported(&found.inbound.protocol))?;
        let id = found.inbound.id.to_string();
        let client_id = field_str(&found.client, key).unwrap_or_default().to_owned();
        match self.call(Method::POST, &["panel", "api", "inbounds", &id, "delClient", &client_id], None, WHAT).await {
            Ok(_) => {}
            Err(Refusal::Said(msg)) if msg.contains("Not Found") || msg.contains("not found") => {}
            // The inbound's last client cannot be removed: it is switched off and expired instead.
            Err(Refusal::Said(msg)) if msg.contains("no client remained") => {
                let mut client = found.client.clone();
                client.insert("enable".into(), false.into());
                client.insert("expiryTime".into(), expiry_ms(1).into());
                self.write(found, client, WHAT).await?;
            }
            Err(refusal) => return Err(refusal.error(WHAT)),
        }
        tracing::info!(panel = "3x-ui", username, "VPN user deleted");
        Ok(())
    }

    /// A new subscription id and new proxy credentials: the old link and
    /// the configurations imported from it stop working.
    async fn reset(&self, username: &str) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "revoke subscription";
        let found = self.find(username).await?.ok_or_else(|| missing(username))?;
        let key = client_key(&found.inbound.protocol).ok_or_else(|| unsupported(&found.inbound.protocol))?;
        let mut client = found.client.clone();
        client.insert(key.into(), new_secret(key).into());
        client.insert("subId".into(), random_id(16).into());
        let found = self.write(found, client, WHAT).await?;
        tracing::info!(panel = "3x-ui", username, "VPN subscription link revoked");
        self.user(&found, username).await
    }

    async fn catalog(&self) -> Result<PanelCatalog, PanelError> {
        let entries = self
            .inbounds()
            .await?
            .into_iter()
            .map(|inbound| {
                let unusable = if client_key(&inbound.protocol).is_none() {
                    Some(format!("is {}, which Bazar cannot add clients to yet", inbound.protocol))
                } else if !inbound.enable {
                    Some("is switched off in the panel".to_owned())
                } else {
                    None
                };
                let label = if inbound.remark.is_empty() { format!("inbound {}", inbound.id) } else { inbound.remark };
                CatalogEntry {
                    value: inbound.id.to_string(),
                    label,
                    detail: Some(format!("{}:{}", inbound.protocol, inbound.port)),
                    unusable,
                }
            })
            .collect();
        Ok(PanelCatalog([(INBOUNDS.key.to_owned(), entries)].into()))
    }
}

/// The plan's inbound id.
fn chosen_inbound(spec: &UserSpec) -> Result<i64, PanelError> {
    match spec.options.get(INBOUNDS.key) {
        Some(Choice::Values(values)) if values.len() == 1 => values[0]
            .trim()
            .parse()
            .map_err(|_| PanelError::Rejected(format!("3x-ui inbound `{}` is not an inbound id", values[0]))),
        _ => Err(PanelError::Rejected("the plan chooses no 3x-ui inbound (one, by id: `--option inbounds=ID`)".into())),
    }
}

/// Expiry, allowance and device limit of `spec` written into `client`.
fn apply_spec(client: &mut Map<String, Value>, spec: &UserSpec) {
    client.insert("expiryTime".into(), expiry_ms(spec.expire_at).into());
    client.insert("totalGB".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    client.insert("limitIp".into(), spec.device_limit.unwrap_or(0).into());
}

/// `expiryTime` for an instant: milliseconds, never `0` (that is "never
/// expires") nor negative (that is "a duration from first use").
fn expiry_ms(unix: i64) -> i64 {
    unix.max(1).saturating_mul(1000)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// A new client credential: a UUID for `id`, a random password otherwise.
fn new_secret(key: &str) -> String {
    if key == "id" { uuid_v4() } else { random_id(24) }
}

fn random_id(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = rand::thread_rng().r#gen();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn unsupported(protocol: &str) -> PanelError {
    PanelError::Rejected(format!("Bazar cannot manage clients of {protocol} inbounds yet"))
}

fn missing(username: &str) -> PanelError {
    PanelError::Rejected(format!("no user `{username}` on the panel"))
}

impl VpnPanel for XuiClient {
    fn kind(&self) -> PanelKind {
        super::SPEC.kind()
    }

    fn ensure_user<'a>(&'a self, spec: &'a UserSpec) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(self.ensure(spec))
    }

    fn get_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<PanelUser>, PanelError>> {
        Box::pin(async move {
            match self.find(username).await? {
                Some(found) => self.user(&found, username).await.map(Some),
                None => Ok(None),
            }
        })
    }

    fn update_user<'a>(
        &'a self,
        username: &'a str,
        change: &'a UserChange,
    ) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(self.update(username, change))
    }

    fn delete_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), PanelError>> {
        Box::pin(self.delete(username))
    }

    fn reset_subscription<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(self.reset(username))
    }

    fn catalog(&self) -> BoxFuture<'_, Result<PanelCatalog, PanelError>> {
        Box::pin(self.catalog())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_milliseconds_and_never_a_special_value() {
        assert_eq!(expiry_ms(1_800_000_000), 1_800_000_000_000);
        assert_eq!(expiry_ms(0), 1000, "0 would mean never");
        assert_eq!(expiry_ms(-5), 1000, "negative would mean a duration from first use");
    }

    #[test]
    fn client_bodies_carry_settings_as_a_json_string() {
        let mut client = Map::new();
        client.insert("email".into(), "bzq_1_x".into());
        let body = client_body(3, &client);
        assert_eq!(body["id"], 3);
        let settings: Value = serde_json::from_str(body["settings"].as_str().unwrap()).unwrap();
        assert_eq!(settings["clients"][0]["email"], "bzq_1_x");
    }

    #[test]
    fn uuids_are_version_4() {
        let id = uuid_v4();
        assert!(bazar_domain::is_uuid(&id), "{id}");
        assert_eq!(&id[14..15], "4");
    }
}
