//! Method parameters, however the client sent them: query string,
//! `x-www-form-urlencoded`, JSON or `multipart/form-data`. Telegram treats all
//! of these alike, so handlers read parameters through [`Params`] and never
//! care about the encoding; lenient getters accept `"42"` where 42 is meant.

use super::envelope::ApiError;
use super::multipart;
use axum::body::Bytes;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A file sent as a multipart part.
pub(crate) struct Upload {
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub data: Bytes,
}

/// The parameters of one call.
pub(crate) struct Params {
    pub map: Map<String, Value>,
    pub uploads: HashMap<String, Upload>,
}

impl Params {
    /// Merges the query string with the body (the body wins on conflicts).
    pub fn parse(query: Option<&str>, content_type: Option<&str>, body: &Bytes) -> Result<Self, ApiError> {
        let mut params = Self { map: Map::new(), uploads: HashMap::new() };
        if let Some(query) = query {
            params.add_urlencoded(query.as_bytes());
        }
        let content_type = content_type.unwrap_or("").to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            params.add_multipart(&content_type, body)?;
        } else if content_type.starts_with("application/json")
            || (content_type.is_empty() && body.first() == Some(&b'{'))
        {
            params.add_json(body)?;
        } else if !body.is_empty() {
            params.add_urlencoded(body);
        }
        Ok(params)
    }

    fn add_urlencoded(&mut self, text: &[u8]) {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(text).unwrap_or_default();
        for (key, value) in pairs {
            self.map.insert(key, form_value(value));
        }
    }

    fn add_json(&mut self, body: &[u8]) -> Result<(), ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        match serde_json::from_slice(body) {
            Ok(Value::Object(obj)) => {
                self.map.extend(obj);
                Ok(())
            }
            _ => Err(ApiError::bad_request("can't parse JSON object")),
        }
    }

    fn add_multipart(&mut self, content_type: &str, body: &Bytes) -> Result<(), ApiError> {
        let parts = multipart::boundary(content_type)
            .and_then(|b| multipart::parse(body, &b))
            .ok_or_else(|| ApiError::bad_request("can't parse multipart/form-data body"))?;
        for part in parts {
            if part.is_file() {
                let record = serde_json::json!({
                    "file_name": part.file_name,
                    "file_size": part.data.len(),
                    "mime_type": part.content_type,
                });
                self.map.insert(part.name.clone(), record);
                let upload = Upload { file_name: part.file_name, mime_type: part.content_type, data: part.data };
                self.uploads.insert(part.name, upload);
            } else {
                self.map.insert(part.name, form_value(String::from_utf8_lossy(&part.data).into_owned()));
            }
        }
        Ok(())
    }

    /// All parameters as one JSON object, for the records.
    pub fn to_value(&self) -> Value {
        Value::Object(self.map.clone())
    }

    /// A parameter that is present and not `null`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A textual parameter; numbers and booleans are accepted as their text.
    pub fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        }
    }

    /// A textual parameter that must be present and non-empty.
    pub fn required_str(&self, key: &str, missing: &str) -> Result<String, ApiError> {
        self.str(key).filter(|s| !s.is_empty()).ok_or_else(|| ApiError::bad_request(missing))
    }

    /// An integer parameter; `"42"` counts as 42.
    pub fn i64(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| invalid(key)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| invalid(key)),
            Some(_) => Err(invalid(key)),
        }
    }

    /// An integer parameter that must be present.
    pub fn required_i64(&self, key: &str) -> Result<i64, ApiError> {
        self.i64(key)?.ok_or_else(|| ApiError::bad_request(format!("{key} is empty")))
    }

    /// A boolean parameter; absent means false.
    pub fn bool(&self, key: &str) -> bool {
        match self.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true" || s == "1",
            Some(Value::Number(n)) => n.as_i64() == Some(1),
            _ => false,
        }
    }

    /// A JSON-typed parameter (object or array), also when a JSON body carries it as a string.
    pub fn json(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s).map(Some).map_err(|_| invalid(key)),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    /// The `chat_id`-like parameter `key`: required, numeric (`@channel` names are unknown chats here).
    pub fn chat(&self, key: &str) -> Result<i64, ApiError> {
        match self.get(key) {
            None => Err(ApiError::bad_request(format!("{key} is empty"))),
            Some(Value::String(s)) if s.is_empty() => Err(ApiError::bad_request(format!("{key} is empty"))),
            Some(_) => self.i64(key).ok().flatten().ok_or_else(|| ApiError::bad_request("chat not found")),
        }
    }

    /// The file uploaded for `key`, directly or through an `attach://name` reference.
    pub fn upload(&self, key: &str) -> Option<&Upload> {
        if let Some(name) = self.str(key).as_deref().and_then(|v| v.strip_prefix("attach://")) {
            return self.uploads.get(name);
        }
        self.uploads.get(key)
    }
}

/// Form values stay text unless they are JSON objects or arrays (`reply_markup`,
/// `entities`, `allowed_updates`…), which Telegram expects JSON-serialized.
fn form_value(value: String) -> Value {
    let trimmed = value.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(json) = serde_json::from_str(&value)
    {
        return json;
    }
    Value::String(value)
}

fn invalid(key: &str) -> ApiError {
    ApiError::bad_request(format!("invalid {key} specified"))
}
