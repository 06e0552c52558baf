//! The shared HTTP client and the call envelope.

use crate::{TelegramError, User};
use bazar_domain::BotToken;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

/// A file to upload with a call (e.g. the `photo` of `sendPhoto`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Form field the method expects (`photo`, `document`).
    pub field: String,
    /// File name shown to the user.
    pub file_name: String,
    /// MIME type.
    pub mime: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The Bot API client shared by every bot of the process.
#[derive(Debug, Clone)]
pub struct BotApi {
    http: reqwest::Client,
    base_url: String,
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    result: Option<Value>,
    error_code: Option<u16>,
    description: Option<String>,
    parameters: Option<ResponseParameters>,
}

#[derive(Deserialize)]
struct ResponseParameters {
    retry_after: Option<u64>,
}

impl BotApi {
    /// A client for the Bot API at `base_url` (e.g. `https://api.telegram.org`).
    pub fn new(base_url: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(75))
            .pool_max_idle_per_host(64)
            .user_agent(concat!("bazar/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("TLS backend available");
        Self { http, base_url: base_url.trim_end_matches('/').to_owned() }
    }

    /// Calls `method` with JSON parameters and decodes `result`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        token: &BotToken,
        method: &'static str,
        params: &Value,
    ) -> Result<T, TelegramError> {
        let url = format!("{}/bot{}/{method}", self.base_url, token.expose());
        let network = |e: reqwest::Error| TelegramError::Network { method, reason: e.without_url().to_string() };
        let response = self.http.post(url).json(params).send().await.map_err(network)?;
        let body = response.bytes().await.map_err(network)?;
        Self::decode(method, &body)
    }

    /// Calls a typed Bot API method and decodes its `result`.
    pub async fn send<M: crate::BotMethod, T: DeserializeOwned>(
        &self,
        token: &BotToken,
        request: &M,
    ) -> Result<T, TelegramError> {
        let params = serde_json::to_value(request)
            .map_err(|e| TelegramError::Protocol { method: M::METHOD, reason: e.to_string() })?;
        self.call(token, M::METHOD, &params).await
    }

    /// Calls `method` with a file upload (`multipart/form-data`): `params` become
    /// form fields (objects and arrays as JSON text), `file` the named part.
    pub async fn call_with_file(
        &self,
        token: &BotToken,
        method: &'static str,
        params: &Value,
        file: &Attachment,
    ) -> Result<Value, TelegramError> {
        let url = format!("{}/bot{}/{method}", self.base_url, token.expose());
        let network = |e: reqwest::Error| TelegramError::Network { method, reason: e.without_url().to_string() };
        let mut form = reqwest::multipart::Form::new();
        if let Value::Object(fields) = params {
            for (key, value) in fields {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                form = form.text(key.clone(), text);
            }
        }
        let part = reqwest::multipart::Part::bytes(file.bytes.clone())
            .file_name(file.file_name.clone())
            .mime_str(&file.mime)
            .map_err(network)?;
        form = form.part(file.field.clone(), part);
        let response = self.http.post(url).multipart(form).send().await.map_err(network)?;
        let body = response.bytes().await.map_err(network)?;
        Self::decode(method, &body)
    }

    fn decode<T: DeserializeOwned>(method: &'static str, body: &[u8]) -> Result<T, TelegramError> {
        let envelope: Envelope = serde_json::from_slice(body)
            .map_err(|e| TelegramError::Protocol { method, reason: format!("not a Bot API envelope ({e})") })?;
        if !envelope.ok {
            return Err(TelegramError::Api {
                method,
                code: envelope.error_code.unwrap_or(0),
                description: envelope.description.unwrap_or_default(),
                retry_after: envelope.parameters.and_then(|p| p.retry_after),
            });
        }
        let result = envelope.result.unwrap_or(Value::Null);
        serde_json::from_value(result).map_err(|e| TelegramError::Protocol { method, reason: e.to_string() })
    }

    /// Calls `method` and returns `result` as raw JSON.
    pub async fn call_json(
        &self,
        token: &BotToken,
        method: &'static str,
        params: &Value,
    ) -> Result<Value, TelegramError> {
        self.call(token, method, params).await
    }

    /// `getUpdates` long polling; returns the raw updates (parsed later, one by one,
    /// so one update of a shape we do not know cannot block the others).
    pub async fn get_updates(
        &self,
        token: &BotToken,
        offset: i64,
        timeout_secs: u64,
        allowed_updates: &[&str],
    ) -> Result<Vec<Value>, TelegramError> {
        let params = serde_json::json!({
            "offset": offset,
            "timeout": timeout_secs,
            "limit": 100,
            "allowed_updates": allowed_updates,
        });
        self.call(token, "getUpdates", &params).await
    }

    /// `setWebhook` with a secret Telegram echoes in `X-Telegram-Bot-Api-Secret-Token`.
    pub async fn set_webhook(
        &self,
        token: &BotToken,
        url: &str,
        secret: &str,
        allowed_updates: &[&str],
    ) -> Result<(), TelegramError> {
        let params = serde_json::json!({
            "url": url,
            "secret_token": secret,
            "allowed_updates": allowed_updates,
            "max_connections": 40,
        });
        self.call::<bool>(token, "setWebhook", &params).await.map(|_| ())
    }

    /// `deleteWebhook`, keeping pending updates for the poller.
    pub async fn delete_webhook(&self, token: &BotToken) -> Result<(), TelegramError> {
        let params = serde_json::json!({"drop_pending_updates": false});
        self.call::<bool>(token, "deleteWebhook", &params).await.map(|_| ())
    }

    /// `getMe`: who the token belongs to.
    pub async fn get_me(&self, token: &BotToken) -> Result<User, TelegramError> {
        self.call(token, "getMe", &Value::Object(Default::default())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bazar_testkit::telegram::FakeTelegram;

    #[tokio::test]
    async fn get_me_against_the_fake() {
        let fake = FakeTelegram::start().await;
        let token = BotToken::parse(&fake.add_bot(777, "shop_bot")).unwrap();
        let api = BotApi::new(&fake.url());
        let me = api.get_me(&token).await.unwrap();
        assert_eq!((me.id, me.username.as_deref(), me.is_bot), (777, Some("shop_bot"), true));
        assert_eq!(fake.calls_of("getme").len(), 1);
    }

    #[tokio::test]
    async fn errors_never_contain_the_token() {
        let fake = FakeTelegram::start().await;
        let unknown = BotToken::parse("555:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let err = BotApi::new(&fake.url()).get_me(&unknown).await.unwrap_err();
        assert!(err.is_unauthorized(), "{err}");
        assert!(!err.to_string().contains("AAAAAAAA"));

        // Nothing listens on port 9: a network error, still without the token.
        let err = BotApi::new("http://127.0.0.1:9").get_me(&unknown).await.unwrap_err();
        assert!(matches!(err, TelegramError::Network { .. }), "{err}");
        assert!(!err.to_string().contains("AAAAAAAA"), "{err}");
        assert!(!format!("{err:?}").contains("AAAAAAAA"), "{err:?}");
    }
}
