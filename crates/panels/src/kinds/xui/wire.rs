//! 3x-ui's answers as Bazar reads them: the `{success, msg, obj}` envelope,
//! inbounds whose `settings` is a JSON *string* holding their clients, and
//! the per-client traffic rows (`clientStats`).

use crate::PanelError;
use crate::http::{as_i64, as_u64};
use serde_json::{Map, Value};

/// The protocols whose clients Bazar can make, and the field that names a
/// client in `updateClient/:clientId` and `delClient/:clientId`.
pub(super) fn client_key(protocol: &str) -> Option<&'static str> {
    match protocol {
        "vless" | "vmess" => Some("id"),
        "trojan" => Some("password"),
        _ => None,
    }
}

/// `obj` of a successful answer; `success: false` is the panel refusing,
/// with its `msg`.
pub(super) fn envelope(body: Value, what: &str) -> Result<Value, Refusal> {
    let Value::Object(mut map) = body else {
        return Err(Refusal::Garbled(format!("{what}: the answer is not an object")));
    };
    match map.get("success").and_then(Value::as_bool) {
        Some(true) => Ok(map.remove("obj").unwrap_or(Value::Null)),
        Some(false) => Err(Refusal::Said(map.get("msg").and_then(Value::as_str).unwrap_or("refused").to_owned())),
        None => Err(Refusal::Garbled(format!("{what}: the answer has no `success`"))),
    }
}

/// Why an enveloped call did not succeed.
#[derive(Debug)]
pub(super) enum Refusal {
    /// `success: false` with this message (`Duplicate email: …`, `Client Not Found`…).
    Said(String),
    /// Not the envelope at all.
    Garbled(String),
    /// No answer to read: the exchange itself failed.
    Failed(PanelError),
}

impl Refusal {
    /// As a [`PanelError`] of the operation `what`.
    pub(super) fn error(self, what: &str) -> PanelError {
        match self {
            Self::Said(msg) => PanelError::Rejected(format!("{what}: {msg}")),
            Self::Garbled(text) => PanelError::Protocol(text),
            Self::Failed(error) => error,
        }
    }
}

/// One inbound of `GET /panel/api/inbounds/list`.
#[derive(Debug, Clone)]
pub(super) struct Inbound {
    pub id: i64,
    pub remark: String,
    pub protocol: String,
    pub port: i64,
    pub enable: bool,
    /// Its clients, as the `settings` string holds them.
    pub clients: Vec<Map<String, Value>>,
    /// Traffic rows, by client email.
    pub stats: Vec<Map<String, Value>>,
}

impl Inbound {
    /// Reads one entry of the list.
    pub(super) fn parse(value: &Value, what: &str) -> Result<Self, PanelError> {
        let bad = |field: &str| PanelError::Protocol(format!("{what}: an inbound has no valid `{field}`"));
        let settings = value.get("settings").and_then(Value::as_str).ok_or_else(|| bad("settings"))?;
        let settings: Value = serde_json::from_str(settings).map_err(|_| bad("settings"))?;
        let objects = |list: Option<&Value>| -> Vec<Map<String, Value>> {
            list.and_then(Value::as_array).into_iter().flatten().filter_map(|c| c.as_object().cloned()).collect()
        };
        Ok(Self {
            id: value.get("id").and_then(as_i64).ok_or_else(|| bad("id"))?,
            remark: value.get("remark").and_then(Value::as_str).unwrap_or_default().to_owned(),
            protocol: value.get("protocol").and_then(Value::as_str).ok_or_else(|| bad("protocol"))?.to_owned(),
            port: value.get("port").and_then(as_i64).unwrap_or(0),
            enable: value.get("enable").and_then(Value::as_bool).unwrap_or(true),
            clients: objects(settings.get("clients")),
            stats: objects(value.get("clientStats")),
        })
    }

    /// The client whose email is `email`.
    pub(super) fn client(&self, email: &str) -> Option<&Map<String, Value>> {
        self.clients.iter().find(|c| c.get("email").and_then(Value::as_str) == Some(email))
    }

    /// Bytes `email` used (up + down), from its traffic row.
    pub(super) fn used(&self, email: &str) -> u64 {
        self.stats
            .iter()
            .find(|s| s.get("email").and_then(Value::as_str) == Some(email))
            .map_or(0, |s| field_u64(s, "up").saturating_add(field_u64(s, "down")))
    }
}

/// A client's numeric field (`0` when absent).
pub(super) fn field_u64(client: &Map<String, Value>, field: &str) -> u64 {
    client.get(field).and_then(as_u64).unwrap_or(0)
}

/// A client's signed numeric field (`0` when absent).
pub(super) fn field_i64(client: &Map<String, Value>, field: &str) -> i64 {
    client.get(field).and_then(as_i64).unwrap_or(0)
}

/// A client's text field.
pub(super) fn field_str<'a>(client: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    client.get(field).and_then(Value::as_str)
}

/// The body of `addClient` / `updateClient`: the inbound's id and its
/// `settings` as a JSON *string* of `{"clients": [client]}` — an object
/// there is refused by the panel (its model field is a string).
pub(super) fn client_body(inbound: i64, client: &Map<String, Value>) -> Value {
    let settings = serde_json::json!({ "clients": [client] }).to_string();
    serde_json::json!({ "id": inbound, "settings": settings })
}
