//! The Marzban adapter (0.8.4, the last release; PasarGuard keeps the same API).
//!
//! * **Auth**: `POST /api/admin/token` with an OAuth2 password form returns
//!   a JWT (valid 24 h by default, and void once the admin's password
//!   changes). It is cached and shared by all calls; a 401 on a call drops
//!   it, logs in again — once, and only one task at a time — and repeats the
//!   call. A failed login is [`PanelError::Unauthorized`].
//! * **Users** are addressed by username: `/api/user/{username}`. Plain
//!   JSON, no envelope; errors are FastAPI's `{"detail": …}` (a string, or
//!   per-field messages for 422).
//! * **Semantics**: `expire` is unix seconds and `data_limit` bytes, `0` (or
//!   `null`) meaning "never" / "unlimited"; on modify, an omitted field is
//!   left as is. Statuses are `active`, `disabled`, `limited`, `expired` and
//!   `on_hold`. There is no device limit.
//! * **Links**: `subscription_url` is relative (`/sub/{token}`) unless the
//!   panel sets `XRAY_SUBSCRIPTION_URL_PREFIX`; it is made absolute against
//!   the configured base URL.

use crate::http::{Reply, absolute_link, as_i64, as_u64, endpoint, exchange, parse_base, status_error};
use crate::{
    PanelError, PanelKind, PanelOptions, PanelUser, PanelUserStatus, PlanOptions, UserChange, UserSpec, VpnPanel,
};
use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use std::time::Duration;
use tokio::sync::Mutex;

/// A Marzban panel client. Share it (behind an `Arc`) rather than building
/// one per call: it holds the access token, and every new client logs in anew.
#[derive(Debug)]
pub struct MarzbanClient {
    http: reqwest::Client,
    base: Url,
    auth: Auth,
    timeout: Duration,
}

#[derive(Debug)]
enum Auth {
    /// A ready-made access token; it cannot be renewed.
    Static(HeaderValue),
    /// Admin credentials, and the current `Bearer …` header once logged in.
    /// The lock is held across a login so concurrent calls wait for one
    /// login instead of each starting their own.
    Login { username: String, password: SecretString, bearer: Mutex<Option<HeaderValue>> },
}

impl MarzbanClient {
    /// A client that logs in as the given admin, with the default 10-second
    /// request timeout. Nothing is sent until the first call.
    pub fn with_login(
        base_url: &str,
        username: &str,
        password: SecretString,
        http: reqwest::Client,
    ) -> Result<Self, PanelError> {
        let auth = Auth::Login { username: username.to_owned(), password, bearer: Mutex::new(None) };
        Ok(Self { http, base: parse_base(base_url)?, auth, timeout: PanelOptions::default().timeout })
    }

    /// A client that uses an access token obtained elsewhere (e.g. a
    /// long-lived one); a 401 is then final.
    pub fn with_token(base_url: &str, token: &SecretString, http: reqwest::Client) -> Result<Self, PanelError> {
        let auth = Auth::Static(bearer_header(token.expose_secret().trim())?);
        Ok(Self { http, base: parse_base(base_url)?, auth, timeout: PanelOptions::default().timeout })
    }

    /// Replaces the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `Authorization` header to use now, logging in if there is none.
    async fn bearer(&self) -> Result<HeaderValue, PanelError> {
        match &self.auth {
            Auth::Static(header) => Ok(header.clone()),
            Auth::Login { username, password, bearer } => {
                let mut current = bearer.lock().await;
                if let Some(header) = current.as_ref() {
                    return Ok(header.clone());
                }
                let header = self.login(username, password).await?;
                *current = Some(header.clone());
                Ok(header)
            }
        }
    }

    /// Drops `used` after the panel refused it, unless another call already
    /// replaced it. Returns whether a new login can be tried.
    async fn forget(&self, used: &HeaderValue) -> bool {
        match &self.auth {
            Auth::Static(_) => false,
            Auth::Login { bearer, .. } => {
                let mut current = bearer.lock().await;
                if current.as_ref() == Some(used) {
                    *current = None;
                }
                true
            }
        }
    }

    async fn login(&self, username: &str, password: &SecretString) -> Result<HeaderValue, PanelError> {
        const WHAT: &str = "log in";
        let form = [("grant_type", "password"), ("username", username), ("password", password.expose_secret())];
        let request = self
            .http
            .post(endpoint(&self.base, &["api", "admin", "token"]))
            .timeout(self.timeout)
            .header(ACCEPT, "application/json")
            .form(&form);
        let reply = exchange(request, WHAT).await?;
        if !reply.status.is_success() {
            return Err(failure(&reply, WHAT));
        }
        let json = reply.success_json(WHAT)?;
        let token = json
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| PanelError::Protocol(format!("{WHAT}: the answer has no `access_token`")))?;
        tracing::info!(panel = "marzban", "logged in to the panel");
        bearer_header(token)
            .map_err(|_| PanelError::Protocol(format!("{WHAT}: the access token is not a valid header")))
    }

    /// Sends one authenticated request; on 401, logs in again and repeats it once.
    async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        what: &str,
    ) -> Result<Reply, PanelError> {
        let url = endpoint(&self.base, segments);
        let mut bearer = self.bearer().await?;
        let mut retried = false;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .timeout(self.timeout)
                .header(AUTHORIZATION, bearer.clone())
                .header(ACCEPT, "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let reply = exchange(request, what).await?;
            if reply.status == StatusCode::UNAUTHORIZED && !retried && self.forget(&bearer).await {
                tracing::info!(panel = "marzban", "access token refused (expired?); logging in again");
                retried = true;
                bearer = self.bearer().await?;
                continue;
            }
            return Ok(reply);
        }
    }

    /// The user object of a successful answer, or the error the answer means.
    fn user_json(reply: &Reply, what: &str) -> Result<Value, PanelError> {
        if !reply.status.is_success() {
            return Err(failure(reply, what));
        }
        match reply.success_json(what)? {
            user @ Value::Object(_) => Ok(user),
            _ => Err(PanelError::Protocol(format!("{what}: the answer is not a user object"))),
        }
    }

    /// Reads a user object.
    fn parse_user(&self, user: &Value, what: &str) -> Result<PanelUser, PanelError> {
        let bad = |field: &str| PanelError::Protocol(format!("{what}: the user has no valid `{field}`"));
        let username = user.get("username").and_then(Value::as_str).ok_or_else(|| bad("username"))?;
        let status = match user.get("status").and_then(Value::as_str) {
            // on_hold: created, not yet connected; its clock starts on first use.
            Some("active" | "on_hold") => PanelUserStatus::Active,
            Some("disabled") => PanelUserStatus::Disabled,
            Some("limited") => PanelUserStatus::Limited,
            Some("expired") => PanelUserStatus::Expired,
            _ => return Err(bad("status")),
        };
        let expire = match user.get("expire") {
            None | Some(Value::Null) => None,
            Some(value) => Some(as_i64(value).ok_or_else(|| bad("expire"))?),
        };
        let data_limit = match user.get("data_limit") {
            None | Some(Value::Null) => None,
            Some(value) => Some(as_u64(value).ok_or_else(|| bad("data_limit"))?),
        };
        let link = user.get("subscription_url").and_then(Value::as_str).ok_or_else(|| bad("subscription_url"))?;
        Ok(PanelUser {
            username: username.to_owned(),
            panel_id: username.to_owned(),
            status,
            expire_at: expire.filter(|e| *e > 0),
            traffic_limit_bytes: data_limit.filter(|l| *l > 0),
            used_traffic_bytes: user.get("used_traffic").and_then(as_u64).unwrap_or(0),
            subscription_url: absolute_link(&self.base, link, what)?,
        })
    }

    /// The raw user object, or `None` when the panel has no such user.
    async fn fetch(&self, username: &str) -> Result<Option<Value>, PanelError> {
        const WHAT: &str = "look up user";
        let reply = self.call(Method::GET, &["api", "user", username], None, WHAT).await?;
        if is_user_missing(&reply) {
            return Ok(None);
        }
        Self::user_json(&reply, WHAT).map(Some)
    }

    /// `PUT /api/user/{username}` and the resulting user.
    async fn modify(&self, username: &str, body: Map<String, Value>, what: &str) -> Result<PanelUser, PanelError> {
        let reply = self.call(Method::PUT, &["api", "user", username], Some(&Value::Object(body)), what).await?;
        if is_user_missing(&reply) {
            return Err(missing(username));
        }
        self.parse_user(&Self::user_json(&reply, what)?, what)
    }

    /// The protocols every inbound of the panel serves, for a plan that names none.
    async fn panel_protocols(&self) -> Result<Vec<String>, PanelError> {
        const WHAT: &str = "list inbounds";
        let reply = self.call(Method::GET, &["api", "inbounds"], None, WHAT).await?;
        if !reply.status.is_success() {
            return Err(failure(&reply, WHAT));
        }
        match reply.success_json(WHAT)? {
            Value::Object(by_protocol) => Ok(by_protocol
                .into_iter()
                .filter(|(_, inbounds)| inbounds.as_array().is_some_and(|list| !list.is_empty()))
                .map(|(protocol, _)| protocol)
                .collect()),
            _ => Err(PanelError::Protocol(format!("{WHAT}: the answer is not an object"))),
        }
    }

    async fn ensure(&self, spec: &UserSpec) -> Result<PanelUser, PanelError> {
        let options = PlanShape::read(&spec.options)?;
        if let Some(current) = self.fetch(&spec.username).await? {
            let user =
                self.modify(&spec.username, spec_modify(spec, &options, &current), "update existing user").await?;
            tracing::info!(panel = "marzban", username = %spec.username, "VPN user existed; brought in line with the order");
            return Ok(user);
        }
        const WHAT: &str = "create user";
        let proxies = match options.protocols() {
            Some(protocols) => protocols,
            None => self.panel_protocols().await?,
        };
        if proxies.is_empty() {
            return Err(PanelError::Rejected(format!("{WHAT}: the panel has no inbounds to give the user")));
        }
        let body = create_body(spec, &options, &proxies);
        let reply = self.call(Method::POST, &["api", "user"], Some(&body), WHAT).await?;
        if reply.status.is_success() {
            let user = self.parse_user(&Self::user_json(&reply, WHAT)?, WHAT)?;
            tracing::info!(panel = "marzban", username = %spec.username, "VPN user created");
            return Ok(user);
        }
        if reply.status != StatusCode::CONFLICT {
            return Err(failure(&reply, WHAT));
        }
        // 409 "User already exists": created in the meantime by a concurrent
        // call or an attempt whose answer was lost. Converge on it.
        let current = self.fetch(&spec.username).await?.ok_or_else(|| {
            PanelError::Protocol(format!("{WHAT}: the panel says the user exists but cannot find it"))
        })?;
        self.modify(&spec.username, spec_modify(spec, &options, &current), "update existing user").await
    }

    async fn update(&self, username: &str, change: &UserChange) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "update user";
        let current = self.fetch(username).await?.ok_or_else(|| missing(username))?;
        let mut body = Map::new();
        if let Some(expire_at) = change.expire_at {
            body.insert("expire".into(), expire(expire_at).into());
        }
        if let Some(limit) = change.traffic_limit_bytes {
            body.insert("data_limit".into(), limit.unwrap_or(0).into());
        }
        // Only an administrative disable is undone by "enable": sending
        // `active` to an expired or limited user would mark it usable until
        // the panel's next review, and would end an `on_hold` wait.
        let disabled = current.get("status").and_then(Value::as_str) == Some("disabled");
        match change.enabled {
            Some(false) if !disabled => body.insert("status".into(), "disabled".into()),
            Some(true) if disabled => body.insert("status".into(), "active".into()),
            _ => None,
        };
        let user =
            if body.is_empty() { self.parse_user(&current, WHAT)? } else { self.modify(username, body, WHAT).await? };
        tracing::info!(panel = "marzban", username, status = %user.status, "VPN user updated");
        Ok(user)
    }

    async fn delete(&self, username: &str) -> Result<(), PanelError> {
        const WHAT: &str = "delete user";
        let reply = self.call(Method::DELETE, &["api", "user", username], None, WHAT).await?;
        if reply.status.is_success() || is_user_missing(&reply) {
            tracing::info!(panel = "marzban", username, "VPN user deleted");
            return Ok(());
        }
        Err(failure(&reply, WHAT))
    }

    async fn reset(&self, username: &str) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "revoke subscription";
        let reply = self.call(Method::POST, &["api", "user", username, "revoke_sub"], None, WHAT).await?;
        if is_user_missing(&reply) {
            return Err(missing(username));
        }
        let user = self.parse_user(&Self::user_json(&reply, WHAT)?, WHAT)?;
        tracing::info!(panel = "marzban", username, "VPN subscription link revoked");
        Ok(user)
    }
}

/// `Bearer {token}`, marked sensitive so it never shows in debug output.
fn bearer_header(token: &str) -> Result<HeaderValue, PanelError> {
    let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| PanelError::Rejected("the Marzban token contains characters not allowed in a header".into()))?;
    header.set_sensitive(true);
    Ok(header)
}

/// `expire` for the panel. Marzban reads `0` as "never expires", so an
/// instant at or before the epoch (a bug upstream, surely) is sent as 1 —
/// long past, hence expired — rather than turning into a free forever.
fn expire(unix: i64) -> i64 {
    unix.max(1)
}

fn missing(username: &str) -> PanelError {
    PanelError::Rejected(format!("no user `{username}` on the panel"))
}

/// Whether a 404 is Marzban saying "User not found", rather than FastAPI's
/// `{"detail": "Not Found"}` for an unknown route (a wrong base URL, which
/// must not pass for a missing user: a delete would then "succeed").
fn is_user_missing(reply: &Reply) -> bool {
    reply.status == StatusCode::NOT_FOUND
        && reply
            .json()
            .as_ref()
            .and_then(|body| body.get("detail")?.as_str().map(str::to_owned))
            .is_some_and(|detail| detail != "Not Found")
}

/// The error for a non-2xx answer, with the panel's `detail`.
fn failure(reply: &Reply, what: &str) -> PanelError {
    status_error(what, reply.status, reply.json().as_ref().and_then(error_detail))
}

/// `detail` as one line: a string as is; a list of FastAPI validation errors
/// or Marzban's `{field: message}` object joined.
fn error_detail(body: &Value) -> Option<String> {
    match body.get("detail")? {
        Value::String(detail) => Some(detail.clone()),
        Value::Array(errors) => Some(
            errors
                .iter()
                .map(|e| {
                    let field =
                        e.pointer("/loc").and_then(Value::as_array).and_then(|l| l.last()).and_then(Value::as_str);
                    let message = e.get("msg").and_then(Value::as_str).unwrap_or("invalid");
                    field.map_or_else(|| message.to_owned(), |f| format!("{f}: {message}"))
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Value::Object(fields) => Some(
            fields
                .iter()
                .map(|(field, message)| format!("{field}: {}", message.as_str().unwrap_or("invalid")))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    }
}

/// The Marzban part of a plan, checked.
struct PlanShape {
    /// `{"vless": {…}}` — protocol settings the plan imposes.
    proxies: Option<Map<String, Value>>,
    /// `{"vless": ["tag", …]}` — inbounds the plan restricts the user to.
    inbounds: Option<Map<String, Value>>,
}

impl PlanShape {
    fn read(options: &PlanOptions) -> Result<Self, PanelError> {
        let object = |value: &Value, name: &str| match value {
            Value::Null => Ok(None),
            Value::Object(map) if map.is_empty() => Ok(None),
            Value::Object(map) => Ok(Some(map.clone())),
            _ => Err(PanelError::Rejected(format!("plan option `{name}` must be a JSON object or null"))),
        };
        Ok(Self {
            proxies: object(&options.marzban_proxies, "marzban_proxies")?,
            inbounds: object(&options.marzban_inbounds, "marzban_inbounds")?,
        })
    }

    /// The protocols the plan names (through its proxies, else its inbounds);
    /// `None` = the plan leaves them to the panel.
    fn protocols(&self) -> Option<Vec<String>> {
        self.proxies.as_ref().or(self.inbounds.as_ref()).map(|map| map.keys().cloned().collect())
    }

    /// The settings the plan imposes for `protocol` (an empty object if none).
    fn settings(&self, protocol: &str) -> Map<String, Value> {
        self.proxies.as_ref().and_then(|p| p.get(protocol)).and_then(Value::as_object).cloned().unwrap_or_default()
    }
}

/// `POST /api/user` for a new user. `proxies` gets one entry per protocol,
/// with the plan's settings or `{}` (the panel then generates ids and
/// passwords); `inbounds` is omitted when the plan leaves them to the panel,
/// which then gives every inbound of each protocol.
fn create_body(spec: &UserSpec, options: &PlanShape, protocols: &[String]) -> Value {
    let proxies: Map<String, Value> =
        protocols.iter().map(|protocol| (protocol.clone(), Value::Object(options.settings(protocol)))).collect();
    let mut body = Map::new();
    body.insert("username".into(), spec.username.clone().into());
    body.insert("proxies".into(), Value::Object(proxies));
    if let Some(inbounds) = &options.inbounds {
        body.insert("inbounds".into(), Value::Object(inbounds.clone()));
    }
    body.insert("expire".into(), expire(spec.expire_at).into());
    body.insert("data_limit".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    body.insert("data_limit_reset_strategy".into(), "no_reset".into());
    body.insert("status".into(), "active".into());
    if let Some(note) = &spec.description {
        body.insert("note".into(), note.clone().into());
    }
    Value::Object(body)
}

/// `PUT /api/user/{username}` making an existing user match `spec`.
///
/// The status is not sent (see [`VpnPanel::ensure_user`]); Marzban itself
/// turns an expired user with a future `expire`, or a limited one with a
/// larger allowance, back to active. `note` is sent as `""` to clear it
/// (`null` would mean "no change").
///
/// Proxies need care: Marzban replaces the user's whole proxy set with the
/// one sent, and `{}` for a protocol generates a *new* id or password — which
/// would silently break every client the customer configured. So when the
/// plan names protocols, each one the user already has is sent with its
/// current settings (overlaid with what the plan imposes) and only new ones
/// start empty; when the plan names none, proxies are not sent at all.
fn spec_modify(spec: &UserSpec, options: &PlanShape, current: &Value) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("expire".into(), expire(spec.expire_at).into());
    body.insert("data_limit".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    body.insert("data_limit_reset_strategy".into(), "no_reset".into());
    body.insert("note".into(), spec.description.clone().unwrap_or_default().into());
    if let Some(protocols) = options.protocols() {
        let proxies: Map<String, Value> = protocols
            .into_iter()
            .map(|protocol| {
                let mut settings = current
                    .pointer(&format!("/proxies/{protocol}"))
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                settings.extend(options.settings(&protocol));
                (protocol, Value::Object(settings))
            })
            .collect();
        body.insert("proxies".into(), Value::Object(proxies));
    }
    if let Some(inbounds) = &options.inbounds {
        body.insert("inbounds".into(), Value::Object(inbounds.clone()));
    }
    body
}

impl VpnPanel for MarzbanClient {
    fn kind(&self) -> PanelKind {
        PanelKind::Marzban
    }

    fn ensure_user<'a>(&'a self, spec: &'a UserSpec) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(self.ensure(spec))
    }

    fn get_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<PanelUser>, PanelError>> {
        Box::pin(async move {
            match self.fetch(username).await? {
                Some(user) => self.parse_user(&user, "look up user").map(Some),
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(options: PlanOptions) -> UserSpec {
        UserSpec {
            username: "shop7_u42".into(),
            expire_at: 1_800_000_000,
            traffic_limit_bytes: Some(10),
            device_limit: Some(3),
            telegram_id: Some(5),
            description: None,
            options,
        }
    }

    #[test]
    fn modify_keeps_existing_proxy_credentials() {
        let options = PlanOptions {
            marzban_proxies: json!({"vless": {"flow": "xtls-rprx-vision"}, "trojan": {}}),
            ..Default::default()
        };
        let shape = PlanShape::read(&options).unwrap();
        let current = json!({"proxies": {"vless": {"id": "keep-me", "flow": ""}, "vmess": {"id": "dropped"}}});
        let body = Value::Object(spec_modify(&spec(options), &shape, &current));
        assert_eq!(body["proxies"], json!({"vless": {"id": "keep-me", "flow": "xtls-rprx-vision"}, "trojan": {}}));
        assert_eq!(body["note"], "");
        assert_eq!(body["data_limit"], 10);
        assert!(body.get("status").is_none() && body.get("inbounds").is_none());
    }

    #[test]
    fn modify_leaves_proxies_alone_when_the_plan_names_none() {
        let shape = PlanShape::read(&PlanOptions::default()).unwrap();
        let body = spec_modify(&spec(PlanOptions::default()), &shape, &json!({"proxies": {"vless": {"id": "x"}}}));
        assert!(!body.contains_key("proxies"));
    }

    #[test]
    fn protocols_come_from_proxies_then_inbounds() {
        let by_inbounds =
            PlanOptions { marzban_inbounds: json!({"vless": ["VLESS TCP REALITY"]}), ..Default::default() };
        let shape = PlanShape::read(&by_inbounds).unwrap();
        assert_eq!(shape.protocols(), Some(vec!["vless".to_owned()]));
        let body = create_body(&spec(by_inbounds), &shape, &["vless".to_owned()]);
        assert_eq!(body["proxies"], json!({"vless": {}}));
        assert_eq!(body["inbounds"], json!({"vless": ["VLESS TCP REALITY"]}));
        assert!(body.get("note").is_none());
        assert_eq!(PlanShape::read(&PlanOptions::default()).unwrap().protocols(), None);
        let wrong = PlanOptions { marzban_inbounds: json!(["vless"]), ..Default::default() };
        assert!(matches!(PlanShape::read(&wrong), Err(PanelError::Rejected(_))));
    }

    #[test]
    fn error_details_are_readable() {
        assert_eq!(error_detail(&json!({"detail": "User already exists"})).unwrap(), "User already exists");
        assert_eq!(error_detail(&json!({"detail": {"username": "bad name"}})).unwrap(), "username: bad name");
        let fastapi = json!({"detail": [{"loc": ["body", "expire"], "msg": "not an int", "type": "int_parsing"}]});
        assert_eq!(error_detail(&fastapi).unwrap(), "expire: not an int");
    }
}
