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
//! * **Inbounds**: a user gets only the inbounds its `inbounds` field
//!   names — and *none* when the field is left out (the panel then lists
//!   every tag under `excluded_inbounds`, `links` is empty and the
//!   subscription serves nothing). `{}` means every inbound of each protocol
//!   in `proxies`, but only on create: on modify an empty object changes
//!   nothing. So the field is always sent, and "every inbound" on modify is
//!   the panel's whole list (`GET /api/inbounds`).
//! * **Links**: `subscription_url` is relative (`/sub/{token}`) unless the
//!   panel sets `XRAY_SUBSCRIPTION_URL_PREFIX`; it is made absolute against
//!   the configured base URL.

use super::{FLOW, INBOUNDS, VISION};
use crate::http::{Reply, absolute_link, as_i64, as_u64, endpoint, exchange, parse_base, status_error};
use crate::kinds::marzneshin::wire as marzneshin;
use crate::kinds::pasarguard::wire as pasarguard;
use crate::time::parse_rfc3339;
use crate::{
    Access, PanelCatalog, PanelError, PanelKind, PanelOptions, PanelUser, PanelUserStatus, PlanOptions, UserChange,
    UserSpec, VpnPanel,
};
use bazar_domain::{CatalogEntry, Choice};
use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
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
    dialect: Dialect,
}

/// Which of the two panels sharing this API is on the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Marzban 0.8: `proxies` and `inbounds` per user.
    Marzban,
    /// PasarGuard: inbounds through `group_ids`, `hwid_limit`, ISO expiry
    /// in answers ([`crate::kinds::pasarguard::wire`]).
    PasarGuard,
    /// Marzneshin: `/api/users`, `service_ids`, an expiry strategy,
    /// enable/disable routes ([`crate::kinds::marzneshin::wire`]).
    Marzneshin,
}

impl Dialect {
    /// For log lines.
    fn label(self) -> &'static str {
        match self {
            Self::Marzban => "marzban",
            Self::PasarGuard => "pasarguard",
            Self::Marzneshin => "marzneshin",
        }
    }

    /// Where the admin logs in.
    fn token_path(self) -> [&'static str; 3] {
        match self {
            Self::Marzneshin => ["api", "admins", "token"],
            _ => ["api", "admin", "token"],
        }
    }

    /// The users collection: `/api/user/{name}` or `/api/users/{name}`.
    fn users(self) -> &'static str {
        match self {
            Self::Marzneshin => "users",
            _ => "user",
        }
    }
}

#[derive(Debug)]
enum Auth {
    /// A ready-made credential header (`Authorization: Bearer …`, or
    /// PasarGuard's `X-Api-Key`); it cannot be renewed.
    Static(HeaderName, HeaderValue),
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
        Ok(Self {
            http,
            base: parse_base(base_url)?,
            auth,
            timeout: PanelOptions::default().timeout,
            dialect: Dialect::Marzban,
        })
    }

    /// A client that uses an access token obtained elsewhere (e.g. a
    /// long-lived one); a 401 is then final.
    pub fn with_token(base_url: &str, token: &SecretString, http: reqwest::Client) -> Result<Self, PanelError> {
        let auth = Auth::Static(AUTHORIZATION, bearer_header(token.expose_secret().trim())?);
        Ok(Self {
            http,
            base: parse_base(base_url)?,
            auth,
            timeout: PanelOptions::default().timeout,
            dialect: Dialect::Marzban,
        })
    }

    /// A PasarGuard client that sends an API key as `X-Api-Key` (5.1+).
    pub fn with_api_key(base_url: &str, key: &SecretString, http: reqwest::Client) -> Result<Self, PanelError> {
        let mut header = HeaderValue::from_str(key.expose_secret().trim())
            .map_err(|_| PanelError::Rejected("the API key contains characters not allowed in a header".into()))?;
        header.set_sensitive(true);
        let auth = Auth::Static(HeaderName::from_static("x-api-key"), header);
        Ok(Self::with_auth(base_url, auth, http)?.in_dialect(Dialect::PasarGuard))
    }

    fn with_auth(base_url: &str, auth: Auth, http: reqwest::Client) -> Result<Self, PanelError> {
        Ok(Self {
            http,
            base: parse_base(base_url)?,
            auth,
            timeout: PanelOptions::default().timeout,
            dialect: Dialect::Marzban,
        })
    }

    /// This client speaking `dialect`.
    pub(crate) fn in_dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = dialect;
        self
    }

    /// Replaces the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `Authorization` header to use now, logging in if there is none.
    async fn bearer(&self) -> Result<HeaderValue, PanelError> {
        match &self.auth {
            Auth::Static(_, header) => Ok(header.clone()),
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
            Auth::Static(..) => false,
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
            .post(endpoint(&self.base, &self.dialect.token_path()))
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
        tracing::info!(panel = self.dialect.label(), "logged in to the panel");
        bearer_header(token)
            .map_err(|_| PanelError::Protocol(format!("{WHAT}: the access token is not a valid header")))
    }

    /// The header the credential travels in.
    fn auth_header(&self) -> HeaderName {
        match &self.auth {
            Auth::Static(name, _) => name.clone(),
            Auth::Login { .. } => AUTHORIZATION,
        }
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
                .header(self.auth_header(), bearer.clone())
                .header(ACCEPT, "application/json");
            if let Some(body) = body {
                request = request.json(body);
            }
            let reply = exchange(request, what).await?;
            if reply.status == StatusCode::UNAUTHORIZED && !retried && self.forget(&bearer).await {
                tracing::info!(panel = self.dialect.label(), "access token refused (expired?); logging in again");
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
        let status = match (self.dialect, user.get("status").and_then(Value::as_str)) {
            (Dialect::Marzneshin, _) => marzneshin::status(user).ok_or_else(|| bad("enabled"))?,
            (_, status) => match status {
                // on_hold: created, not yet connected; its clock starts on first use.
                Some("active" | "on_hold") => PanelUserStatus::Active,
                Some("disabled") => PanelUserStatus::Disabled,
                Some("limited") => PanelUserStatus::Limited,
                Some("expired") => PanelUserStatus::Expired,
                _ => return Err(bad("status")),
            },
        };
        // Marzban answers unix seconds; PasarGuard an ISO string.
        let expire = match user.get("expire") {
            _ if self.dialect == Dialect::Marzneshin => marzneshin::expire_at(user),
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.contains('T') => Some(parse_rfc3339(text).ok_or_else(|| bad("expire"))?),
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
            note: user.get("note").and_then(Value::as_str).map(str::to_owned),
            access: match self.dialect {
                Dialect::Marzban => access(user),
                Dialect::PasarGuard => pasarguard::access(user),
                Dialect::Marzneshin => marzneshin::access(user),
            },
        })
    }

    /// The raw user object, or `None` when the panel has no such user.
    async fn fetch(&self, username: &str) -> Result<Option<Value>, PanelError> {
        const WHAT: &str = "look up user";
        let reply = self.call(Method::GET, &["api", self.dialect.users(), username], None, WHAT).await?;
        if is_user_missing(&reply) {
            return Ok(None);
        }
        Self::user_json(&reply, WHAT).map(Some)
    }

    /// `PUT /api/user/{username}` and the resulting user.
    async fn modify(&self, username: &str, body: Map<String, Value>, what: &str) -> Result<PanelUser, PanelError> {
        let reply =
            self.call(Method::PUT, &["api", self.dialect.users(), username], Some(&Value::Object(body)), what).await?;
        if is_user_missing(&reply) {
            return Err(missing(username));
        }
        self.parse_user(&Self::user_json(&reply, what)?, what)
    }

    /// `GET /api/inbounds`: every inbound, grouped by protocol in the answer.
    async fn inbounds(&self) -> Result<PanelCatalog, PanelError> {
        const WHAT: &str = "list inbounds";
        let reply = self.call(Method::GET, &["api", "inbounds"], None, WHAT).await?;
        if !reply.status.is_success() {
            return Err(failure(&reply, WHAT));
        }
        let Value::Object(by_protocol) = reply.success_json(WHAT)? else {
            return Err(PanelError::Protocol(format!("{WHAT}: the answer is not an object")));
        };
        let mut inbounds = Vec::new();
        for (protocol, list) in by_protocol {
            for inbound in list.as_array().into_iter().flatten() {
                let tag = inbound
                    .get("tag")
                    .and_then(Value::as_str)
                    .ok_or_else(|| PanelError::Protocol(format!("{WHAT}: an inbound has no `tag`")))?;
                inbounds.push(CatalogEntry { detail: Some(protocol.clone()), ..CatalogEntry::plain(tag) });
            }
        }
        // XTLS Vision is the one flow Xray's VLESS knows; offered where VLESS is served.
        let vless = inbounds.iter().any(|i| i.detail.as_deref() == Some("vless"));
        let flows = if vless { vec![CatalogEntry::plain(VISION)] } else { Vec::new() };
        Ok(PanelCatalog([(INBOUNDS.key.to_owned(), inbounds), (FLOW.key.to_owned(), flows)].into()))
    }

    /// `GET /api/groups` (PasarGuard): every group, by id.
    async fn groups(&self) -> Result<PanelCatalog, PanelError> {
        const WHAT: &str = "list groups";
        let reply = self.call(Method::GET, &["api", "groups"], None, WHAT).await?;
        if !reply.status.is_success() {
            return Err(failure(&reply, WHAT));
        }
        pasarguard::catalog(&reply.success_json(WHAT)?, WHAT)
    }

    /// `GET /api/services` (Marzneshin): every service, by id.
    async fn services(&self) -> Result<PanelCatalog, PanelError> {
        const WHAT: &str = "list services";
        let reply = self.call(Method::GET, &["api", "services"], None, WHAT).await?;
        if !reply.status.is_success() {
            return Err(failure(&reply, WHAT));
        }
        marzneshin::catalog(&reply.success_json(WHAT)?, WHAT)
    }

    async fn ensure(&self, spec: &UserSpec) -> Result<PanelUser, PanelError> {
        let existing = self.fetch(&spec.username).await?;
        let wanted = match self.dialect {
            Dialect::Marzban => Wanted::Inbounds(InboundsWanted::of(&spec.options, &self.inbounds().await?)?),
            Dialect::PasarGuard => Wanted::Groups(pasarguard::chosen_groups(&spec.options, &self.groups().await?)?),
            Dialect::Marzneshin => {
                Wanted::Services(marzneshin::chosen_services(&spec.options, &self.services().await?)?)
            }
        };
        if let Some(current) = existing {
            return self.adopt(spec, &wanted, &current).await;
        }
        const WHAT: &str = "create user";
        let reply =
            self.call(Method::POST, &["api", self.dialect.users()], Some(&create_body(spec, &wanted)?), WHAT).await?;
        if reply.status.is_success() {
            let user = self.parse_user(&Self::user_json(&reply, WHAT)?, WHAT)?;
            tracing::info!(panel = self.dialect.label(), username = %spec.username, "VPN user created");
            return Ok(user);
        }
        if reply.status != StatusCode::CONFLICT {
            return Err(failure(&reply, WHAT));
        }
        // 409 "User already exists": created in the meantime by a concurrent
        // call or an attempt whose answer was lost — or by someone else.
        let current = self.fetch(&spec.username).await?.ok_or_else(|| {
            PanelError::Protocol(format!("{WHAT}: the panel says the user exists but cannot find it"))
        })?;
        self.adopt(spec, &wanted, &current).await
    }

    /// Brings an existing user in line with `spec` — only when its note says
    /// it is ours; anyone else's is left as it is.
    async fn adopt(&self, spec: &UserSpec, wanted: &Wanted, current: &Value) -> Result<PanelUser, PanelError> {
        if !spec.owns(current.get("note").and_then(Value::as_str)) {
            tracing::warn!(panel = self.dialect.label(), username = %spec.username, "a user with our name belongs to someone else; not touched");
            return Err(PanelError::Foreign(spec.username.clone()));
        }
        let user = self.modify(&spec.username, spec_modify(spec, wanted, current)?, "update existing user").await?;
        tracing::info!(panel = self.dialect.label(), username = %spec.username, "VPN user existed; brought in line with the order");
        Ok(user)
    }

    async fn update(&self, username: &str, change: &UserChange) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "update user";
        let current = self.fetch(username).await?.ok_or_else(|| missing(username))?;
        if self.dialect == Dialect::Marzneshin {
            return self.update_marzneshin(username, change, current).await;
        }
        let mut body = Map::new();
        if let Some(expire_at) = change.expire_at {
            body.insert("expire".into(), expire(expire_at).into());
        }
        if let Some(limit) = change.traffic_limit_bytes {
            body.insert("data_limit".into(), limit.unwrap_or(0).into());
        }
        if let (Some(devices), Dialect::PasarGuard) = (change.device_limit, self.dialect) {
            body.insert("hwid_limit".into(), devices.map_or(Value::Null, Value::from));
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
        tracing::info!(panel = self.dialect.label(), username, status = %user.status, "VPN user updated");
        Ok(user)
    }

    /// Marzneshin's update: expiry and allowance by PUT (repeating the name
    /// and expiry strategy it requires), enabled state by its own routes.
    async fn update_marzneshin(
        &self,
        username: &str,
        change: &UserChange,
        current: Value,
    ) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "update user";
        let mut user = self.parse_user(&current, WHAT)?;
        if change.expire_at.is_some() || change.traffic_limit_bytes.is_some() {
            let mut body = Map::new();
            if let Some(expire_at) = change.expire_at {
                marzneshin::expiry(expire_at, &mut body)?;
            }
            if let Some(limit) = change.traffic_limit_bytes {
                body.insert("data_limit".into(), limit.unwrap_or(0).into());
            }
            marzneshin::carry_over(&current, &mut body);
            user = self.modify(username, body, WHAT).await?;
        }
        let route = match change.enabled {
            Some(false) if user.status != PanelUserStatus::Disabled => Some("disable"),
            Some(true) if user.status == PanelUserStatus::Disabled => Some("enable"),
            _ => None,
        };
        if let Some(route) = route {
            let reply = self.call(Method::POST, &["api", "users", username, route], None, WHAT).await?;
            // 409: already so (a retry after a lost answer).
            if reply.status != StatusCode::CONFLICT {
                user = self.parse_user(&Self::user_json(&reply, WHAT)?, WHAT)?;
            }
        }
        tracing::info!(panel = self.dialect.label(), username, status = %user.status, "VPN user updated");
        Ok(user)
    }

    async fn delete(&self, username: &str) -> Result<(), PanelError> {
        const WHAT: &str = "delete user";
        let reply = self.call(Method::DELETE, &["api", self.dialect.users(), username], None, WHAT).await?;
        if reply.status.is_success() || is_user_missing(&reply) {
            tracing::info!(panel = self.dialect.label(), username, "VPN user deleted");
            return Ok(());
        }
        Err(failure(&reply, WHAT))
    }

    async fn reset(&self, username: &str) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "revoke subscription";
        let reply = self.call(Method::POST, &["api", self.dialect.users(), username, "revoke_sub"], None, WHAT).await?;
        if is_user_missing(&reply) {
            return Err(missing(username));
        }
        let user = self.parse_user(&Self::user_json(&reply, WHAT)?, WHAT)?;
        tracing::info!(panel = self.dialect.label(), username, "VPN subscription link revoked");
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

/// Whether a user has anything to connect to: links, from inbounds.
fn access(user: &Value) -> Access {
    let links = user.get("links").and_then(Value::as_array).map_or(0, Vec::len);
    let inbounds = user
        .get("inbounds")
        .and_then(Value::as_object)
        .map_or(0, |by_protocol| by_protocol.values().filter_map(Value::as_array).map(Vec::len).sum());
    if links > 0 && inbounds > 0 {
        Access::Connects
    } else {
        Access::Nothing(format!("the panel gives the user no inbounds ({inbounds} inbounds, {links} links)"))
    }
}

/// What a plan asks of the panel, resolved against what it has.
enum Wanted {
    /// Marzban: proxies and inbounds.
    Inbounds(InboundsWanted),
    /// PasarGuard: group ids.
    Groups(Vec<i64>),
    /// Marzneshin: service ids.
    Services(Vec<i64>),
}

/// What a plan asks of Marzban, resolved against the panel's inbounds.
struct InboundsWanted {
    /// protocol → the settings the plan imposes (`{}` lets the panel generate ids and passwords).
    proxies: Map<String, Value>,
    /// `inbounds` on create: `{}` for every inbound, else the tags per protocol.
    create_inbounds: Map<String, Value>,
    /// `inbounds` on modify, always explicit (an empty object changes nothing there).
    modify_inbounds: Map<String, Value>,
}

impl InboundsWanted {
    /// The plan's `inbounds` choice against the panel's inbounds (their
    /// protocols are in the catalog entries' `detail`). Plans impose no proxy
    /// settings: the panel generates ids and passwords itself.
    fn of(options: &PlanOptions, catalog: &PanelCatalog) -> Result<Self, PanelError> {
        let tags = |map: &BTreeMap<String, Vec<String>>| -> Map<String, Value> {
            map.iter().map(|(protocol, tags)| (protocol.clone(), Value::from(tags.clone()))).collect()
        };
        let by_protocol = |wanted: Option<&[String]>| {
            let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for entry in catalog.entries(INBOUNDS.key) {
                if wanted.is_none_or(|w| w.contains(&entry.value)) {
                    let protocol = entry.detail.clone().unwrap_or_default();
                    map.entry(protocol).or_default().push(entry.value.clone());
                }
            }
            map
        };
        let (chosen, create_inbounds) = match options.get(INBOUNDS.key) {
            Some(Choice::All) => (by_protocol(None), Map::new()),
            Some(Choice::Values(wanted)) if !wanted.is_empty() => {
                let chosen = by_protocol(Some(wanted));
                if let Some(gone) = wanted.iter().find(|w| !chosen.values().flatten().any(|t| t == *w)) {
                    return Err(PanelError::Rejected(format!("the panel has no inbound {gone} any more")));
                }
                let create = tags(&chosen);
                (chosen, create)
            }
            _ => {
                return Err(PanelError::Rejected(
                    "the plan chooses no Marzban inbounds: its users would get none (set them with `--option inbounds=…`)"
                        .into(),
                ));
            }
        };
        if chosen.values().all(Vec::is_empty) {
            return Err(PanelError::Rejected("the panel has no inbounds to give the user".into()));
        }
        let flow = options.get(FLOW.key).and_then(|c| c.values().first().cloned());
        let proxies = chosen
            .keys()
            .map(|protocol| {
                let mut settings = Map::new();
                if let (Some(flow), "vless") = (&flow, protocol.as_str()) {
                    settings.insert("flow".into(), flow.clone().into());
                }
                (protocol.clone(), Value::Object(settings))
            })
            .collect();
        Ok(Self { proxies, create_inbounds, modify_inbounds: tags(&chosen) })
    }
}

/// `POST /api/user` for a new user: one proxy per protocol of the plan, and
/// `inbounds` always sent (see the module's note on what omitting it does).
fn create_body(spec: &UserSpec, wanted: &Wanted) -> Result<Value, PanelError> {
    let mut body = Map::new();
    body.insert("username".into(), spec.username.clone().into());
    match wanted {
        Wanted::Inbounds(wanted) => {
            body.insert("proxies".into(), Value::Object(wanted.proxies.clone()));
            body.insert("inbounds".into(), Value::Object(wanted.create_inbounds.clone()));
        }
        Wanted::Groups(groups) => pasarguard::user_fields(spec, groups, &mut body),
        Wanted::Services(services) => {
            marzneshin::expiry(spec.expire_at, &mut body)?;
            body.insert("service_ids".into(), services.clone().into());
        }
    }
    if !matches!(wanted, Wanted::Services(_)) {
        body.insert("expire".into(), expire(spec.expire_at).into());
        body.insert("status".into(), "active".into());
    }
    body.insert("data_limit".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    body.insert("data_limit_reset_strategy".into(), "no_reset".into());
    body.insert("note".into(), spec.marker.clone().into());
    Ok(Value::Object(body))
}

/// `PUT /api/user/{username}` making an existing user of ours match `spec`.
///
/// The status is not sent (see [`VpnPanel::ensure_user`]); Marzban itself
/// turns an expired user with a future `expire`, or a limited one with a
/// larger allowance, back to active.
///
/// Proxies need care: Marzban replaces the user's whole proxy set with the
/// one sent, and `{}` for a protocol generates a *new* id or password — which
/// would silently break every client the customer configured. So each
/// protocol the user already has is sent with its current settings
/// (overlaid with what the plan imposes) and only new ones start empty.
fn spec_modify(spec: &UserSpec, wanted: &Wanted, current: &Value) -> Result<Map<String, Value>, PanelError> {
    let mut body = Map::new();
    body.insert("data_limit".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    body.insert("data_limit_reset_strategy".into(), "no_reset".into());
    body.insert("note".into(), spec.marker.clone().into());
    let wanted = match wanted {
        Wanted::Inbounds(wanted) => wanted,
        Wanted::Groups(groups) => {
            body.insert("expire".into(), expire(spec.expire_at).into());
            pasarguard::user_fields(spec, groups, &mut body);
            return Ok(body);
        }
        Wanted::Services(services) => {
            marzneshin::expiry(spec.expire_at, &mut body)?;
            body.insert("service_ids".into(), services.clone().into());
            body.insert("username".into(), spec.username.clone().into());
            return Ok(body);
        }
    };
    body.insert("expire".into(), expire(spec.expire_at).into());
    let proxies: Map<String, Value> = wanted
        .proxies
        .iter()
        .map(|(protocol, imposed)| {
            let mut settings = current
                .pointer(&format!("/proxies/{protocol}"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if let Some(imposed) = imposed.as_object() {
                settings.extend(imposed.clone());
            }
            (protocol.clone(), Value::Object(settings))
        })
        .collect();
    body.insert("proxies".into(), Value::Object(proxies));
    body.insert("inbounds".into(), Value::Object(wanted.modify_inbounds.clone()));
    Ok(body)
}

impl VpnPanel for MarzbanClient {
    fn kind(&self) -> PanelKind {
        match self.dialect {
            Dialect::Marzban => super::SPEC.kind(),
            Dialect::PasarGuard => crate::kinds::pasarguard::SPEC.kind(),
            Dialect::Marzneshin => crate::kinds::marzneshin::SPEC.kind(),
        }
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

    fn catalog(&self) -> BoxFuture<'_, Result<PanelCatalog, PanelError>> {
        match self.dialect {
            Dialect::Marzban => Box::pin(self.inbounds()),
            Dialect::PasarGuard => Box::pin(self.groups()),
            Dialect::Marzneshin => Box::pin(self.services()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> PanelCatalog {
        let inbound =
            |tag: &str, protocol: &str| CatalogEntry { detail: Some(protocol.into()), ..CatalogEntry::plain(tag) };
        let inbounds = vec![
            inbound("VLESS TCP", "vless"),
            inbound("VMess TCP", "vmess"),
            inbound("VMess WS", "vmess"),
            inbound("Trojan", "trojan"),
        ];
        PanelCatalog([(INBOUNDS.key.to_owned(), inbounds)].into())
    }

    fn spec(options: PlanOptions) -> UserSpec {
        UserSpec {
            username: "bzq7k2ma_42_x9f3".into(),
            expire_at: 1_800_000_000,
            traffic_limit_bytes: Some(10),
            device_limit: Some(3),
            telegram_id: Some(5),
            marker: "bazar/q7k2ma/7/42".into(),
            legacy_marker: None,
            options,
        }
    }

    fn all() -> PlanOptions {
        PlanOptions::default().with(INBOUNDS.key, Choice::All)
    }

    #[test]
    fn every_inbound_is_an_explicit_empty_object_on_create_and_the_full_list_on_modify() {
        let wanted = Wanted::Inbounds(InboundsWanted::of(&all(), &catalog()).unwrap());
        let body = create_body(&spec(all()), &wanted).unwrap();
        assert_eq!(body["inbounds"], json!({}), "`{{}}` = every inbound; omitted would be none");
        assert_eq!(body["proxies"], json!({"trojan": {}, "vless": {}, "vmess": {}}));
        assert_eq!(body["note"], "bazar/q7k2ma/7/42");
        let modify = Value::Object(spec_modify(&spec(all()), &wanted, &json!({})).unwrap());
        assert_eq!(
            modify["inbounds"],
            json!({"trojan": ["Trojan"], "vless": ["VLESS TCP"], "vmess": ["VMess TCP", "VMess WS"]})
        );
    }

    #[test]
    fn a_plan_without_an_inbound_choice_creates_nothing() {
        assert!(matches!(InboundsWanted::of(&PlanOptions::default(), &catalog()), Err(PanelError::Rejected(_))));
        let bare = PanelCatalog::default();
        assert!(matches!(InboundsWanted::of(&all(), &bare), Err(PanelError::Rejected(_))));
        let gone = PlanOptions::default().with(INBOUNDS.key, Choice::Values(vec!["Removed".into()]));
        assert!(matches!(InboundsWanted::of(&gone, &catalog()), Err(PanelError::Rejected(e)) if e.contains("Removed")));
    }

    #[test]
    fn modify_keeps_existing_proxy_credentials() {
        let options = PlanOptions::default()
            .with(INBOUNDS.key, Choice::Values(vec!["VLESS TCP".into(), "Trojan".into()]))
            .with(FLOW.key, Choice::Values(vec![VISION.into()]));
        let wanted = Wanted::Inbounds(InboundsWanted::of(&options, &catalog()).unwrap());
        let current = json!({"proxies": {"vless": {"id": "keep-me", "flow": ""}, "vmess": {"id": "dropped"}}});
        let body = Value::Object(spec_modify(&spec(options), &wanted, &current).unwrap());
        assert_eq!(body["proxies"], json!({"vless": {"id": "keep-me", "flow": "xtls-rprx-vision"}, "trojan": {}}));
        assert_eq!(body["inbounds"], json!({"trojan": ["Trojan"], "vless": ["VLESS TCP"]}));
        assert_eq!(body["data_limit"], 10);
        assert!(body.get("status").is_none());
    }

    #[test]
    fn users_without_links_cannot_connect() {
        assert!(access(&json!({"links": ["vless://x"], "inbounds": {"vless": ["VLESS TCP"]}})).connects());
        assert!(!access(&json!({"links": [], "inbounds": {"vless": [], "vmess": []}})).connects());
        assert!(!access(&json!({})).connects());
    }

    #[test]
    fn error_details_are_readable() {
        assert_eq!(error_detail(&json!({"detail": "User already exists"})).unwrap(), "User already exists");
        assert_eq!(error_detail(&json!({"detail": {"username": "bad name"}})).unwrap(), "username: bad name");
        let fastapi = json!({"detail": [{"loc": ["body", "expire"], "msg": "not an int", "type": "int_parsing"}]});
        assert_eq!(error_detail(&fastapi).unwrap(), "expire: not an int");
    }
}
