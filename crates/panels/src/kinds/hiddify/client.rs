//! The Hiddify adapter (HiddifyPanel's REST API v2, `hiddifypanel/panel/
//! commercial/restapi/v2/admin/`).
//!
//! * **Auth**: every call carries `Hiddify-API-Key: <admin uuid>` under
//!   `{base}/api/v2/admin/…`, the base being the panel's address with its
//!   admin proxy path; a refused key is 401/403.
//! * **Users** are keyed by their `uuid`, which is also the secret in their
//!   link `{origin}/{client_path}/{uuid}/`. There is no lookup by name:
//!   `GET user/` lists the admin's users (404 "You have no user" when there
//!   are none, `users_api.py`) and Bazar's user is the one whose `name` is
//!   its username (the newest, should a reset have left two).
//!   `POST user/` creates (400 "The user exists" for a taken uuid),
//!   `PATCH user/{uuid}/` changes and answers the user (older builds only
//!   `{"status", "msg"}`, so a user-less answer is read again),
//!   `DELETE user/{uuid}/` removes (404 when gone: success here).
//! * **Units**: `usage_limit_GB` and `current_usage_GB` are floats of GiB;
//!   a user is served while `package_days - (today - start_date)` is not
//!   negative (`models/user.py`), i.e. through the day `start_date +
//!   package_days` and cut at the midnight after it (the panel's date, taken
//!   as UTC here); so an end is rounded *up* to a midnight. It is blocked
//!   once usage *exceeds* the limit; no limit is a very large one
//!   ([`UNLIMITED_GB`]).
//! * **Probe**: `GET admin/me/` (`admin_info_api.py`), which checks the key
//!   without listing users.
//! * **Reset link**: the user is created again under a new uuid with the
//!   same name, allowance, usage and dates, then the old one is deleted.
//!   (A `PATCH` could change the uuid, but would keep the user's WireGuard
//!   and ed25519 keys, which a new user gets fresh.)
//! * **Whose**: the owner marker goes into `comment`. Users are listed per
//!   admin (and its sub-admins), so with an agent's key another admin's user
//!   of the same name is invisible and not reported as foreign; names are not
//!   unique in Hiddify.

use crate::http::{Reply, endpoint, exchange, parse_base, status_error};
use crate::{
    Access, PanelCatalog, PanelError, PanelKind, PanelOptions, PanelUser, PanelUserStatus, UserChange, UserSpec,
    VpnPanel,
};
use bazar_domain::calendar::{civil_from_days, days_from_civil};
use futures::future::BoxFuture;
use rand::Rng;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: i64 = 86_400;
const GIB: f64 = (1u64 << 30) as f64;
/// What "no traffic limit" is written as: Hiddify has no unlimited user.
const UNLIMITED_GB: f64 = 1_000_000.0;
const API_KEY_HEADER: HeaderName = HeaderName::from_static("hiddify-api-key");

/// A Hiddify panel client.
pub struct HiddifyClient {
    http: reqwest::Client,
    base: Url,
    key: HeaderValue,
    client_path: String,
    timeout: Duration,
}

impl std::fmt::Debug for HiddifyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HiddifyClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

impl HiddifyClient {
    /// A client for the panel at `base_url` (with its admin proxy path),
    /// authenticating as the admin whose UUID is `api_key`; users' links are
    /// served under `client_path`.
    pub fn new(
        base_url: &str,
        api_key: &SecretString,
        client_path: &str,
        http: reqwest::Client,
    ) -> Result<Self, PanelError> {
        let base = parse_base(base_url)?;
        let mut key = HeaderValue::from_str(api_key.expose_secret().trim())
            .map_err(|_| PanelError::Rejected("the Hiddify API key must be an admin's UUID".into()))?;
        key.set_sensitive(true);
        let path_ok =
            !client_path.is_empty() && client_path.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !path_ok {
            return Err(PanelError::Rejected("the Hiddify client path must be letters, digits, `-` or `_`".into()));
        }
        let timeout = PanelOptions::default().timeout;
        Ok(Self { http, base, key, client_path: client_path.to_owned(), timeout })
    }

    /// The same client with another per-request deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn call(&self, method: Method, path: &[&str], body: Option<&Value>, what: &str) -> Result<Reply, PanelError> {
        let mut segments = vec!["api", "v2", "admin"];
        segments.extend_from_slice(path);
        segments.push("");
        let mut request = self
            .http
            .request(method, endpoint(&self.base, &segments))
            .header(API_KEY_HEADER, self.key.clone())
            .timeout(self.timeout);
        if let Some(body) = body {
            request = request.json(body);
        }
        exchange(request, what).await
    }

    /// Fails unless the answer is 2xx; the panel's `message` is the detail.
    fn ok(reply: Reply, what: &str) -> Result<Reply, PanelError> {
        if reply.status.is_success() {
            return Ok(reply);
        }
        let detail = reply.json().and_then(|v| v["message"].as_str().map(str::to_owned));
        Err(status_error(what, reply.status, detail))
    }

    /// Every user of this admin.
    async fn list(&self) -> Result<Vec<Value>, PanelError> {
        let reply = self.call(Method::GET, &["user"], None, "list users").await?;
        if reply.status == StatusCode::NOT_FOUND && reply.json().is_some_and(|v| v.get("message").is_some()) {
            return Ok(Vec::new()); // "You have no user"
        }
        match Self::ok(reply, "list users")?.success_json("list users")? {
            Value::Array(users) => Ok(users),
            _ => Err(PanelError::Protocol("list users: not a list".into())),
        }
    }

    /// Bazar's user `name`: the newest one so called.
    async fn find(&self, name: &str) -> Result<Option<Value>, PanelError> {
        Ok(self.list().await?.into_iter().rev().find(|u| u["name"].as_str() == Some(name)))
    }

    async fn fetch(&self, uuid: &str) -> Result<Value, PanelError> {
        let reply = self.call(Method::GET, &["user", uuid], None, "read user").await?;
        Self::ok(reply, "read user")?.success_json("read user")
    }

    async fn create(&self, body: &Value) -> Result<Value, PanelError> {
        let reply = self.call(Method::POST, &["user"], Some(body), "create user").await?;
        Self::ok(reply, "create user")?.success_json("create user")
    }

    async fn patch(&self, uuid: &str, body: &Value) -> Result<Value, PanelError> {
        let reply = self.call(Method::PATCH, &["user", uuid], Some(body), "update user").await?;
        match Self::ok(reply, "update user")?.json() {
            Some(user) if user.get("uuid").is_some() => Ok(user),
            _ => self.fetch(uuid).await,
        }
    }

    async fn remove(&self, uuid: &str) -> Result<(), PanelError> {
        let reply = self.call(Method::DELETE, &["user", uuid], None, "delete user").await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Self::ok(reply, "delete user").map(|_| ())
    }

    fn user_of(&self, user: &Value) -> Result<PanelUser, PanelError> {
        let uuid = user["uuid"].as_str().ok_or_else(|| PanelError::Protocol("a user without uuid".into()))?;
        let limit = user["usage_limit_GB"].as_f64().filter(|gb| *gb < UNLIMITED_GB).map(|gb| (gb * GIB).round() as u64);
        let used = (user["current_usage_GB"].as_f64().unwrap_or(0.0).max(0.0) * GIB).round() as u64;
        let days = user["package_days"].as_i64().unwrap_or(0);
        let start = user["start_date"].as_str().and_then(parse_day);
        let now = now_secs();
        // Served through its last day, cut at the midnight after it.
        let expire_at = Some(start.map_or(now, |d| d * DAY) + (days + 1) * DAY);
        let status = if user["enable"].as_bool() == Some(false) {
            PanelUserStatus::Disabled
        } else if expire_at.is_some_and(|e| e <= now) {
            PanelUserStatus::Expired
        } else if limit.is_some_and(|l| used > l) {
            PanelUserStatus::Limited
        } else {
            PanelUserStatus::Active
        };
        let origin = self.base.origin().ascii_serialization();
        Ok(PanelUser {
            username: user["name"].as_str().unwrap_or_default().to_owned(),
            panel_id: uuid.to_owned(),
            status,
            expire_at,
            traffic_limit_bytes: limit,
            used_traffic_bytes: used,
            subscription_url: format!("{origin}/{}/{uuid}/", self.client_path),
            note: user["comment"].as_str().map(str::to_owned),
            access: Access::Connects,
        })
    }
}

/// `expire_at` as a start date (today, UTC) and the `package_days` that
/// serve until the first midnight at or after it (the last day counts).
fn package(expire_at: i64) -> (String, i64) {
    let today = now_secs().div_euclid(DAY);
    let midnights = (expire_at - today * DAY + DAY - 1).div_euclid(DAY);
    (format_day(today), (midnights - 1).max(0))
}

fn limit_gb(bytes: Option<u64>) -> f64 {
    bytes.map_or(UNLIMITED_GB, |b| b as f64 / GIB)
}

fn format_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.get(..10)?.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    Some(days_from_civil(y, m, d))
}

fn new_uuid() -> String {
    let mut b: [u8; 16] = rand::thread_rng().r#gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The fields a spec sets.
fn spec_body(spec: &UserSpec) -> Map<String, Value> {
    let (start, days) = package(spec.expire_at);
    let mut body = Map::new();
    body.insert("name".into(), json!(spec.username));
    body.insert("usage_limit_GB".into(), json!(limit_gb(spec.traffic_limit_bytes)));
    body.insert("package_days".into(), json!(days));
    body.insert("start_date".into(), json!(start));
    body.insert("mode".into(), json!("no_reset"));
    body.insert("comment".into(), json!(spec.marker));
    if let Some(id) = spec.telegram_id {
        body.insert("telegram_id".into(), json!(id));
    }
    body
}

impl VpnPanel for HiddifyClient {
    fn kind(&self) -> PanelKind {
        PanelKind::named("hiddify")
    }

    fn ensure_user<'a>(&'a self, spec: &'a UserSpec) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(async move {
            let body = Value::Object(spec_body(spec));
            match self.find(&spec.username).await? {
                Some(user) => {
                    if !spec.owns(user["comment"].as_str()) {
                        return Err(PanelError::Foreign(spec.username.clone()));
                    }
                    let uuid = user["uuid"].as_str().unwrap_or_default().to_owned();
                    self.user_of(&self.patch(&uuid, &body).await?)
                }
                None => {
                    let mut body = body;
                    body["uuid"] = json!(new_uuid());
                    body["enable"] = json!(true);
                    self.user_of(&self.create(&body).await?)
                }
            }
        })
    }

    fn get_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<Option<PanelUser>, PanelError>> {
        Box::pin(async move { self.find(username).await?.map(|u| self.user_of(&u)).transpose() })
    }

    fn update_user<'a>(
        &'a self,
        username: &'a str,
        change: &'a UserChange,
    ) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(async move {
            let user = self.find(username).await?.ok_or_else(|| PanelError::Rejected(format!("no user {username}")))?;
            let mut body = Map::new();
            if let Some(expire_at) = change.expire_at {
                let (start, days) = package(expire_at);
                body.insert("start_date".into(), json!(start));
                body.insert("package_days".into(), json!(days));
            }
            if let Some(limit) = change.traffic_limit_bytes {
                body.insert("usage_limit_GB".into(), json!(limit_gb(limit)));
            }
            if let Some(enabled) = change.enabled {
                body.insert("enable".into(), json!(enabled));
            }
            let uuid = user["uuid"].as_str().unwrap_or_default().to_owned();
            if body.is_empty() {
                return self.user_of(&user);
            }
            self.user_of(&self.patch(&uuid, &Value::Object(body)).await?)
        })
    }

    fn delete_user<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<(), PanelError>> {
        Box::pin(async move {
            for user in self.list().await?.iter().filter(|u| u["name"].as_str() == Some(username)) {
                self.remove(user["uuid"].as_str().unwrap_or_default()).await?;
            }
            Ok(())
        })
    }

    fn reset_subscription<'a>(&'a self, username: &'a str) -> BoxFuture<'a, Result<PanelUser, PanelError>> {
        Box::pin(async move {
            let old = self.find(username).await?.ok_or_else(|| PanelError::Rejected(format!("no user {username}")))?;
            let mut copy = Map::new();
            for key in [
                "name",
                "usage_limit_GB",
                "package_days",
                "start_date",
                "mode",
                "comment",
                "telegram_id",
                "enable",
                "current_usage_GB",
            ] {
                if let Some(value) = old.get(key).filter(|v| !v.is_null()) {
                    copy.insert(key.into(), value.clone());
                }
            }
            copy.insert("uuid".into(), json!(new_uuid()));
            let fresh = self.create(&Value::Object(copy)).await?;
            self.remove(old["uuid"].as_str().unwrap_or_default()).await?;
            self.user_of(&fresh)
        })
    }

    fn probe(&self) -> BoxFuture<'_, Result<(), PanelError>> {
        Box::pin(async move {
            let reply = self.call(Method::GET, &["me"], None, "read the admin").await?;
            Self::ok(reply, "read the admin").map(|_| ())
        })
    }

    fn catalog(&self) -> BoxFuture<'_, Result<PanelCatalog, PanelError>> {
        // Plans choose nothing on Hiddify; reading the users proves the key works.
        Box::pin(async move { self.list().await.map(|_| PanelCatalog::default()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_round_up_to_whole_days_and_read_back() {
        let today = now_secs().div_euclid(DAY);
        let (start, days) = package(today * DAY + 30 * DAY + 5);
        assert_eq!((parse_day(&start), days), (Some(today), 30), "served through day 30, cut at midnight 31");
        assert_eq!(package(today * DAY + 30 * DAY).1, 29, "cut exactly at midnight 30");
        assert_eq!(package(0).1, 0, "never less than today");
        assert_eq!(format_day(days_from_civil(2026, 12, 3)), "2026-12-03");
        assert_eq!(new_uuid().len(), 36);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = SecretString::from("2d2b3c4e-aaaa-4bbb-8ccc-123456789abc".to_owned());
        let client = HiddifyClient::new("https://h.example/admin", &key, "client", reqwest::Client::new()).unwrap();
        assert!(!format!("{client:?}").contains("2d2b3c4e"));
    }
}
