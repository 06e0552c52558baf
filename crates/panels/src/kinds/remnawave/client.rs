//! The Remnawave adapter (panel 2.x and 3.x, contract `@remnawave/backend-contract`).
//!
//! * **Auth**: an API token as `Authorization: Bearer …`. Admin logins are
//!   refused by Remnawave for API use, so there is no login variant.
//! * **Reverse-proxy headers**: outside development mode the panel closes the
//!   connection, without answering, on any request that lacks
//!   `X-Forwarded-For` and `X-Forwarded-Proto: https` — the marks of its
//!   HTTPS reverse proxy. When Bazar reaches the panel directly (plain HTTP
//!   on a private network) it must send them itself, so every request does;
//!   behind a real proxy they are overwritten and harmless.
//! * **Envelope**: answers are `{"response": …}`; errors are
//!   `{"message", "errorCode"}` (e.g. `A019` username taken, `A025`/`A063`
//!   user not found) or, for validation, `{"message", "errors": [...]}`.
//! * **Versions**: 2.x addresses a user by its `uuid` (`/api/users/{uuid}`,
//!   PATCH body `{"uuid"}`), 3.x by its numeric `id` (and has no `uuid`).
//!   Both find users by username at `/api/users/by-username/{username}`, and
//!   every operation here starts from that lookup, so the version is read off
//!   each user the panel returns and no configuration is needed.

use super::SQUADS;
use crate::http::{Reply, absolute_link, as_i64, as_u64, endpoint, exchange, parse_base, status_error};
use crate::time::{parse_rfc3339, to_rfc3339};
use crate::{
    Access, PanelCatalog, PanelError, PanelKind, PanelOptions, PanelUser, PanelUserStatus, UserChange, UserSpec,
    VpnPanel,
};
use bazar_domain::{CatalogEntry, Choice};
use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// `errorCode` of "User username already exists" (HTTP 400).
const USERNAME_TAKEN: &str = "A019";
/// `errorCode`s of "User already disabled" / "User already enabled" (HTTP 400).
const ALREADY_DISABLED: &str = "A029";
const ALREADY_ENABLED: &str = "A030";

/// A Remnawave panel client. Cheap to share behind an `Arc`; all state is the
/// shared HTTP pool.
#[derive(Debug)]
pub struct RemnawaveClient {
    http: reqwest::Client,
    base: Url,
    /// `Bearer {token}`, marked sensitive so it never shows in debug output.
    auth: HeaderValue,
    timeout: Duration,
}

/// How this panel's version addresses one user.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UserKey {
    /// Remnawave 2.x.
    Uuid(String),
    /// Remnawave 3.x.
    Id(i64),
}

impl UserKey {
    /// The path segment of `/api/users/{…}`.
    fn segment(&self) -> String {
        match self {
            Self::Uuid(uuid) => uuid.clone(),
            Self::Id(id) => id.to_string(),
        }
    }

    /// A PATCH body naming only the user (3.x demands exactly one identifier).
    fn patch_body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        match self {
            Self::Uuid(uuid) => body.insert("uuid".into(), uuid.clone().into()),
            Self::Id(id) => body.insert("id".into(), (*id).into()),
        };
        body
    }
}

/// A user read from the panel, with the key to address it.
struct Found {
    user: PanelUser,
    key: UserKey,
    /// UUIDs of its internal squads.
    squads: Vec<String>,
}

impl Found {
    /// The user, with its access judged by what its squads hold: a user whose
    /// squads are all empty is served placeholders only.
    fn served_by(mut self, catalog: &PanelCatalog) -> PanelUser {
        let served = catalog.entries(SQUADS.key).iter().any(|c| c.unusable.is_none() && self.squads.contains(&c.value));
        if self.user.access.connects() && !served {
            self.user.access =
                Access::Nothing("the user's internal squads hold no inbounds, so it gets only placeholders".into());
        }
        self.user
    }
}

impl RemnawaveClient {
    /// A client for the panel at `base_url` with an API token, using the given
    /// HTTP pool and the default 10-second request timeout.
    pub fn new(base_url: &str, token: &SecretString, http: reqwest::Client) -> Result<Self, PanelError> {
        let base = parse_base(base_url)?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret().trim())).map_err(|_| {
            PanelError::Rejected("the Remnawave API token contains characters not allowed in a header".into())
        })?;
        auth.set_sensitive(true);
        Ok(Self { http, base, auth, timeout: PanelOptions::default().timeout })
    }

    /// Replaces the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends one request with the token and the reverse-proxy headers.
    async fn call(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        what: &str,
    ) -> Result<Reply, PanelError> {
        let mut request = self
            .http
            .request(method, endpoint(&self.base, segments))
            .timeout(self.timeout)
            .header(AUTHORIZATION, self.auth.clone())
            .header(ACCEPT, "application/json")
            .header("x-forwarded-for", "127.0.0.1")
            .header("x-forwarded-proto", "https");
        if let Some(body) = body {
            request = request.json(body);
        }
        exchange(request, what).await
    }

    /// The `response` of a successful answer, or the error the answer means.
    fn response(reply: &Reply, what: &str) -> Result<Value, PanelError> {
        if !reply.status.is_success() {
            return Err(Self::failure(reply, what));
        }
        let mut json = reply.success_json(what)?;
        match json.get_mut("response").map(Value::take) {
            Some(response @ Value::Object(_)) => Ok(response),
            _ => Err(PanelError::Protocol(format!("{what}: the answer has no `response` object"))),
        }
    }

    /// The error for a non-2xx answer, with the panel's message and code.
    fn failure(reply: &Reply, what: &str) -> PanelError {
        status_error(what, reply.status, reply.json().as_ref().and_then(error_detail))
    }

    /// Whether a non-2xx answer is the panel saying "no such user" (as opposed
    /// to, say, a 404 page of a wrong base URL, which has no `errorCode`).
    fn is_user_missing(reply: &Reply) -> bool {
        reply.status == StatusCode::NOT_FOUND && reply.json().as_ref().and_then(error_code).is_some()
    }

    /// Looks a user up by username.
    async fn find(&self, username: &str) -> Result<Option<Found>, PanelError> {
        const WHAT: &str = "look up user";
        let reply = self.call(Method::GET, &["api", "users", "by-username", username], None, WHAT).await?;
        if Self::is_user_missing(&reply) {
            return Ok(None);
        }
        self.parse_user(&Self::response(&reply, WHAT)?, WHAT).map(Some)
    }

    /// Like [`find`](Self::find), for operations that need the user to exist.
    async fn find_existing(&self, username: &str) -> Result<Found, PanelError> {
        self.find(username).await?.ok_or_else(|| PanelError::Rejected(format!("no user `{username}` on the panel")))
    }

    /// Reads a user object of either version.
    fn parse_user(&self, user: &Value, what: &str) -> Result<Found, PanelError> {
        let bad = |field: &str| PanelError::Protocol(format!("{what}: the user has no valid `{field}`"));
        let username = user.get("username").and_then(Value::as_str).ok_or_else(|| bad("username"))?;
        let key = match (user.get("uuid").and_then(Value::as_str), user.get("id").and_then(as_i64)) {
            (Some(uuid), _) => UserKey::Uuid(uuid.to_owned()),
            (None, Some(id)) => UserKey::Id(id),
            (None, None) => return Err(bad("uuid")),
        };
        let status = match user.get("status").and_then(Value::as_str) {
            Some("ACTIVE") => PanelUserStatus::Active,
            Some("DISABLED") => PanelUserStatus::Disabled,
            Some("LIMITED") => PanelUserStatus::Limited,
            Some("EXPIRED") => PanelUserStatus::Expired,
            _ => return Err(bad("status")),
        };
        let expire_at =
            user.get("expireAt").and_then(Value::as_str).and_then(parse_rfc3339).ok_or_else(|| bad("expireAt"))?;
        let traffic_limit = user.get("trafficLimitBytes").and_then(as_u64).unwrap_or(0);
        // 2.x ≥ 2.1 nest usage under `userTraffic`; older 2.0 builds had it at the top.
        let used = user
            .pointer("/userTraffic/usedTrafficBytes")
            .or_else(|| user.get("usedTrafficBytes"))
            .and_then(as_u64)
            .unwrap_or(0);
        let link = user.get("subscriptionUrl").and_then(Value::as_str).ok_or_else(|| bad("subscriptionUrl"))?;
        let squads: Vec<String> = user
            .get("activeInternalSquads")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|s| s.get("uuid").or(Some(s)).and_then(Value::as_str))
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        let access = if !squads.is_empty() {
            Access::Connects
        } else {
            Access::Nothing("the user is in no internal squad, so its subscription holds only placeholders".into())
        };
        let user = PanelUser {
            username: username.to_owned(),
            panel_id: key.segment(),
            status,
            expire_at: Some(expire_at),
            traffic_limit_bytes: (traffic_limit > 0).then_some(traffic_limit),
            used_traffic_bytes: used,
            subscription_url: absolute_link(&self.base, link, what)?,
            note: user.get("description").and_then(Value::as_str).map(str::to_owned),
            access,
        };
        Ok(Found { user, key, squads })
    }

    /// PATCHes a user and reads the answer.
    async fn patch(&self, body: Map<String, Value>, what: &str) -> Result<Found, PanelError> {
        let reply = self.call(Method::PATCH, &["api", "users"], Some(&Value::Object(body)), what).await?;
        self.parse_user(&Self::response(&reply, what)?, what)
    }

    async fn ensure(&self, spec: &UserSpec) -> Result<PanelUser, PanelError> {
        let found = self.ensure_found(spec).await?;
        Ok(found.served_by(&self.squads().await?))
    }

    async fn ensure_found(&self, spec: &UserSpec) -> Result<Found, PanelError> {
        if let Some(found) = self.find(&spec.username).await? {
            return self.adopt(spec, found).await;
        }
        const WHAT: &str = "create user";
        let reply = self.call(Method::POST, &["api", "users"], Some(&create_body(spec)?), WHAT).await?;
        if reply.status.is_success() {
            let found = self.parse_user(&Self::response(&reply, WHAT)?, WHAT)?;
            tracing::info!(panel = "remnawave", username = %spec.username, "VPN user created");
            return Ok(found);
        }
        let taken = matches!(reply.status.as_u16(), 400 | 409)
            && reply.json().as_ref().and_then(error_code).as_deref() == Some(USERNAME_TAKEN);
        if !taken {
            return Err(Self::failure(&reply, WHAT));
        }
        // Created in the meantime: by a concurrent call, or by an earlier
        // attempt whose answer was lost. Converge on it instead of failing.
        let found = self.find(&spec.username).await?.ok_or_else(|| {
            PanelError::Protocol(format!("{WHAT}: the panel says the username is taken but cannot find it"))
        })?;
        self.adopt(spec, found).await
    }

    /// Brings an existing user in line with `spec` — only when its
    /// description says it is ours; anyone else's is left as it is.
    async fn adopt(&self, spec: &UserSpec, found: Found) -> Result<Found, PanelError> {
        if !spec.owns(found.user.note.as_deref()) {
            tracing::warn!(panel = "remnawave", username = %spec.username, "a user with our name belongs to someone else; not touched");
            return Err(PanelError::Foreign(spec.username.clone()));
        }
        let found = self.patch(spec_patch(spec, &found.key)?, "update existing user").await?;
        tracing::info!(panel = "remnawave", username = %spec.username, "VPN user existed; brought in line with the order");
        Ok(found)
    }

    /// `GET /api/internal-squads`: the squads a plan may put its users in.
    async fn squads(&self) -> Result<PanelCatalog, PanelError> {
        const WHAT: &str = "list internal squads";
        let reply = self.call(Method::GET, &["api", "internal-squads"], None, WHAT).await?;
        let response = Self::response(&reply, WHAT)?;
        let list = response
            .get("internalSquads")
            .and_then(Value::as_array)
            .ok_or_else(|| PanelError::Protocol(format!("{WHAT}: the answer has no `internalSquads`")))?;
        let squads = list
            .iter()
            .map(|squad| {
                let uuid = squad.get("uuid").and_then(Value::as_str);
                let name = squad.get("name").and_then(Value::as_str).unwrap_or_default();
                let inbounds = squad
                    .pointer("/info/inboundsCount")
                    .and_then(as_u64)
                    .or_else(|| squad.get("inbounds").and_then(Value::as_array).map(|l| l.len() as u64))
                    .unwrap_or(0);
                let uuid = uuid.ok_or_else(|| PanelError::Protocol(format!("{WHAT}: a squad has no `uuid`")))?;
                Ok(CatalogEntry {
                    value: uuid.to_ascii_lowercase(),
                    label: name.to_owned(),
                    detail: Some(format!("{inbounds} inbounds")),
                    unusable: (inbounds == 0).then(|| "holds no inbounds".to_owned()),
                })
            })
            .collect::<Result<Vec<_>, PanelError>>()?;
        Ok(PanelCatalog([(SQUADS.key.to_owned(), squads)].into()))
    }

    async fn update(&self, username: &str, change: &UserChange) -> Result<PanelUser, PanelError> {
        let found = self.find_existing(username).await?;
        let mut body = found.key.patch_body();
        if let Some(expire_at) = change.expire_at {
            body.insert("expireAt".into(), iso(expire_at)?.into());
        }
        if let Some(limit) = change.traffic_limit_bytes {
            body.insert("trafficLimitBytes".into(), limit.unwrap_or(0).into());
        }
        if let Some(devices) = change.device_limit {
            body.insert("hwidDeviceLimit".into(), devices.map_or(Value::Null, Value::from));
        }
        let key = found.key.clone();
        let mut user = if body.len() > 1 { self.patch(body, "update user").await?.user } else { found.user };
        // Enable/disable go through the panel's actions, which also add the
        // user to or remove it from the nodes. Only an administrative disable
        // is undone by "enable": an EXPIRED or LIMITED user is made usable by
        // extending it (done above), not by forcing its status.
        let action = match change.enabled {
            Some(false) if user.status != PanelUserStatus::Disabled => Some(("disable", ALREADY_DISABLED)),
            Some(true) if user.status == PanelUserStatus::Disabled => Some(("enable", ALREADY_ENABLED)),
            _ => None,
        };
        if let Some((action, already)) = action {
            let what = format!("{action} user");
            let segment = key.segment();
            let reply = self.call(Method::POST, &["api", "users", &segment, "actions", action], None, &what).await?;
            user = if reply.status.is_success() {
                self.parse_user(&Self::response(&reply, &what)?, &what)?.user
            } else if reply.json().as_ref().and_then(error_code).as_deref() == Some(already) {
                // Someone else did it in between: the goal is reached.
                self.find_existing(username).await?.user
            } else {
                return Err(Self::failure(&reply, &what));
            };
        }
        tracing::info!(panel = "remnawave", username, status = %user.status, "VPN user updated");
        Ok(user)
    }

    async fn delete(&self, username: &str) -> Result<(), PanelError> {
        const WHAT: &str = "delete user";
        let Some(found) = self.find(username).await? else {
            return Ok(());
        };
        let reply = self.call(Method::DELETE, &["api", "users", &found.key.segment()], None, WHAT).await?;
        if reply.status.is_success() || Self::is_user_missing(&reply) {
            tracing::info!(panel = "remnawave", username, "VPN user deleted");
            return Ok(());
        }
        Err(Self::failure(&reply, WHAT))
    }

    async fn reset(&self, username: &str) -> Result<PanelUser, PanelError> {
        const WHAT: &str = "revoke subscription";
        let found = self.find_existing(username).await?;
        let segment = found.key.segment();
        // An empty body: the panel generates a new short UUID (the link) and
        // new proxy passwords, so the old link and configs stop working.
        let reply =
            self.call(Method::POST, &["api", "users", &segment, "actions", "revoke"], Some(&json!({})), WHAT).await?;
        let user = self.parse_user(&Self::response(&reply, WHAT)?, WHAT)?.user;
        tracing::info!(panel = "remnawave", username, "VPN subscription link revoked");
        Ok(user)
    }
}

/// `expireAt` for the panel.
fn iso(unix: i64) -> Result<String, PanelError> {
    to_rfc3339(unix).ok_or_else(|| PanelError::Rejected(format!("expiry {unix} is outside years 0000–9999")))
}

/// `POST /api/users` for a new user. Optional fields the spec leaves unset
/// are omitted rather than sent as `null`: the create schema does not accept
/// `null` for `hwidDeviceLimit`. The description carries the owner marker.
fn create_body(spec: &UserSpec) -> Result<Value, PanelError> {
    let mut body = Map::new();
    body.insert("username".into(), spec.username.clone().into());
    body.insert("status".into(), "ACTIVE".into());
    body.insert("expireAt".into(), iso(spec.expire_at)?.into());
    body.insert("trafficLimitBytes".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    body.insert("trafficLimitStrategy".into(), "NO_RESET".into());
    if let Some(squads) = spec.options.get(SQUADS.key).map(Choice::values).filter(|s| !s.is_empty()) {
        body.insert("activeInternalSquads".into(), squads.into());
    }
    if let Some(devices) = spec.device_limit {
        body.insert("hwidDeviceLimit".into(), devices.into());
    }
    if let Some(telegram_id) = spec.telegram_id {
        body.insert("telegramId".into(), telegram_id.into());
    }
    body.insert("description".into(), spec.marker.clone().into());
    Ok(Value::Object(body))
}

/// `PATCH /api/users` making an existing user match `spec`. Unset optional
/// fields are sent as `null` so that stale values are cleared; the status
/// is not sent (see [`VpnPanel::ensure_user`]). The panel itself turns an
/// EXPIRED user with a new future expiry, or a LIMITED one with a larger
/// allowance, back to ACTIVE.
fn spec_patch(spec: &UserSpec, key: &UserKey) -> Result<Map<String, Value>, PanelError> {
    let mut body = key.patch_body();
    body.insert("expireAt".into(), iso(spec.expire_at)?.into());
    body.insert("trafficLimitBytes".into(), spec.traffic_limit_bytes.unwrap_or(0).into());
    body.insert("trafficLimitStrategy".into(), "NO_RESET".into());
    body.insert("hwidDeviceLimit".into(), spec.device_limit.map_or(Value::Null, Value::from));
    body.insert("telegramId".into(), spec.telegram_id.map_or(Value::Null, Value::from));
    body.insert("description".into(), spec.marker.clone().into());
    if let Some(squads) = spec.options.get(SQUADS.key).map(Choice::values).filter(|s| !s.is_empty()) {
        body.insert("activeInternalSquads".into(), squads.into());
    }
    Ok(body)
}

/// The `errorCode` of an error answer.
fn error_code(body: &Value) -> Option<String> {
    body.get("errorCode").and_then(Value::as_str).map(str::to_owned)
}

/// A one-line explanation from an error answer: `message (errorCode)`, plus
/// the messages of validation errors.
fn error_detail(body: &Value) -> Option<String> {
    let mut text = match body.get("message") {
        Some(Value::String(message)) => message.clone(),
        Some(Value::Array(messages)) => messages.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; "),
        _ => String::new(),
    };
    if let Some(Value::Array(errors)) = body.get("errors") {
        let details: Vec<String> = errors
            .iter()
            .filter_map(|e| {
                let message = e.get("message").and_then(Value::as_str)?;
                let path: Vec<String> = e
                    .get("path")
                    .and_then(Value::as_array)
                    .map(|p| p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned)).collect())
                    .unwrap_or_default();
                Some(if path.is_empty() { message.to_owned() } else { format!("{}: {message}", path.join(".")) })
            })
            .collect();
        if !details.is_empty() {
            text = format!("{text} ({})", details.join("; "));
        }
    }
    if let Some(code) = error_code(body) {
        text = format!("{text} [{code}]");
    }
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

impl VpnPanel for RemnawaveClient {
    fn kind(&self) -> PanelKind {
        super::SPEC.kind()
    }

    fn ensure_user<'a>(&'a self, spec: &'a UserSpec) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(self.ensure(spec))
    }

    fn get_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<PanelUser>, PanelError>> {
        Box::pin(async move { Ok(self.find(username).await?.map(|found| found.user)) })
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
        Box::pin(self.squads())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> UserSpec {
        UserSpec {
            username: "shop7_u42".into(),
            expire_at: 1_737_128_325,
            traffic_limit_bytes: None,
            device_limit: None,
            telegram_id: None,
            marker: "bazar/q7k2ma/7/42".into(),
            legacy_marker: None,
            options: Default::default(),
        }
    }

    #[test]
    fn create_body_omits_what_is_unset() {
        let body = create_body(&spec()).unwrap();
        assert_eq!(
            body,
            json!({"username": "shop7_u42", "status": "ACTIVE", "expireAt": "2025-01-17T15:38:45.000Z",
                   "trafficLimitBytes": 0, "trafficLimitStrategy": "NO_RESET", "description": "bazar/q7k2ma/7/42"})
        );
    }

    #[test]
    fn patch_clears_what_is_unset_and_names_the_user_once() {
        let v2 = Value::Object(spec_patch(&spec(), &UserKey::Uuid("u-1".into())).unwrap());
        assert_eq!(v2["uuid"], "u-1");
        assert!(v2.get("id").is_none() && v2.get("username").is_none());
        assert_eq!(v2["hwidDeviceLimit"], Value::Null);
        assert_eq!(v2["description"], "bazar/q7k2ma/7/42");
        assert!(v2.get("activeInternalSquads").is_none());
        let v3 = Value::Object(spec_patch(&spec(), &UserKey::Id(17)).unwrap());
        assert_eq!(v3["id"], 17);
        assert!(v3.get("uuid").is_none());
    }

    #[test]
    fn error_details_are_readable() {
        let body = json!({"timestamp": "x", "path": "/api/users", "message": "User username already exists", "errorCode": "A019"});
        assert_eq!(error_detail(&body).unwrap(), "User username already exists [A019]");
        let zod = json!({"statusCode": 400, "message": "Validation failed",
                         "errors": [{"message": "Username must be less than 36 characters", "path": ["username"]}]});
        assert_eq!(
            error_detail(&zod).unwrap(),
            "Validation failed (username: Username must be less than 36 characters)"
        );
        assert_eq!(error_detail(&json!({})), None);
    }
}
