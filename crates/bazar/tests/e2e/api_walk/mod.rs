//! Walking the generated OpenAPI document: its operations, their parameters,
//! and request bodies built from their schemas, so tests cover every route
//! the document lists — including routes added after the test was written.
#![allow(dead_code)]

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "patch", "head"];

/// A valid Iranian IBAN (Sheba) used by public validators' own tests.
pub const SAMPLE_IBAN: &str = "IR062960000000100324200001";

/// The document.
pub struct Doc(pub Value);

/// One documented operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Lower-case method.
    pub method: String,
    /// The path template, e.g. `/api/v1/customers/{id}`.
    pub path: String,
    /// The operation object.
    pub op: Value,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// `path` or `query`.
    pub location: String,
    /// Its schema, `$ref`s resolved.
    pub schema: Value,
    /// Whether it must be sent.
    pub required: bool,
}

impl Param {
    /// Whether it is a whole number (an object id, a limit…).
    pub fn is_integer(&self) -> bool {
        schema_type(&self.schema) == Some("integer")
    }

    /// Its allowed values, when it is an enumeration (a flag or configuration key).
    pub fn enum_values(&self) -> Option<Vec<String>> {
        self.schema["enum"].as_array().map(|v| v.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
    }

    /// Whether its name says it is an object id.
    pub fn is_id(&self) -> bool {
        is_id_name(&self.name)
    }
}

/// Whether a field or parameter name names an object id (`id`, `customer_id`, `planId`).
pub fn is_id_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "id" || n.ends_with("_id") || (name.ends_with("Id") && name.len() > 2)
}

/// Whether an id field names a Telegram user (a person every tenant may name), not a tenant's object.
pub fn is_person(name: &str) -> bool {
    name.eq_ignore_ascii_case("telegram_id")
}

/// The kind of object an id field refers to: `customer_id` → `customer`; `id` → `None`.
pub fn id_kind(name: &str) -> Option<String> {
    let n = name.to_ascii_lowercase();
    n.strip_suffix("_id").map(str::to_owned).or_else(|| name.strip_suffix("Id").map(|k| k.to_ascii_lowercase()))
}

/// The first non-null `type` of a schema (OpenAPI 3.1 writes `["string", "null"]`).
pub fn schema_type(schema: &Value) -> Option<&str> {
    match &schema["type"] {
        Value::String(t) => Some(t.as_str()),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ if schema["properties"].is_object() => Some("object"),
        _ => None,
    }
}

impl Doc {
    /// Follows `$ref`s (and picks the first non-null variant of `oneOf`/`anyOf`, merges `allOf`).
    pub fn resolve(&self, schema: &Value) -> Value {
        if let Some(r) = schema["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap();
            let mut target = self.resolve(&self.0["components"]["schemas"][name]);
            // Keep the referring schema's own description/example, if any.
            if let (Some(t), Some(s)) = (target.as_object_mut(), schema.as_object()) {
                for (k, v) in s {
                    if k != "$ref" {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
            return target;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = schema[key].as_array() {
                let chosen =
                    variants.iter().map(|v| self.resolve(v)).find(|v| v["type"] != "null").unwrap_or(Value::Null);
                let mut merged = chosen;
                if let (Some(m), Some(s)) = (merged.as_object_mut(), schema.as_object()) {
                    for (k, v) in s {
                        if k != key {
                            m.entry(k.clone()).or_insert(v.clone());
                        }
                    }
                }
                return merged;
            }
        }
        if let Some(parts) = schema["allOf"].as_array() {
            let mut merged = Map::new();
            let mut properties = Map::new();
            let mut required = Vec::new();
            for part in parts.iter().map(|p| self.resolve(p)) {
                if let Some(p) = part["properties"].as_object() {
                    properties.extend(p.clone());
                }
                if let Some(r) = part["required"].as_array() {
                    required.extend(r.clone());
                }
                if let Some(o) = part.as_object() {
                    for (k, v) in o {
                        if k != "properties" && k != "required" {
                            merged.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            if !properties.is_empty() {
                merged.insert("type".into(), json!("object"));
                merged.insert("properties".into(), Value::Object(properties));
                merged.insert("required".into(), Value::Array(required));
            }
            return Value::Object(merged);
        }
        schema.clone()
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation> {
        let mut out = Vec::new();
        for (path, item) in self.0["paths"].as_object().expect("paths") {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push(Operation { method: method.to_owned(), path: path.clone(), op: op.clone() });
                }
            }
        }
        out
    }

    /// The parameters of `op` (operation-level and path-level), in the order
    /// path parameters appear in the template, then query parameters.
    pub fn params(&self, op: &Operation) -> Vec<Param> {
        let mut all: Vec<Value> = self.0["paths"][&op.path]["parameters"].as_array().cloned().unwrap_or_default();
        all.extend(op.op["parameters"].as_array().cloned().unwrap_or_default());
        let mut params: Vec<Param> = all
            .iter()
            .map(|p| self.resolve(p))
            .map(|p| Param {
                name: p["name"].as_str().unwrap_or_default().to_owned(),
                location: p["in"].as_str().unwrap_or_default().to_owned(),
                schema: self.resolve(&p["schema"]),
                required: p["required"].as_bool().unwrap_or(false),
            })
            .collect();
        // Path parameters the template names but the operation forgot to document still need a value.
        for name in path_params(&op.path) {
            if !params.iter().any(|p| p.location == "path" && p.name == name) {
                params.push(Param { name, location: "path".into(), schema: json!({"type": "string"}), required: true });
            }
        }
        let order = path_params(&op.path);
        params.sort_by_key(|p| (p.location != "path", order.iter().position(|n| *n == p.name).unwrap_or(usize::MAX)));
        params
    }

    /// The JSON request body's schema, if the operation takes one.
    pub fn body_schema(&self, op: &Operation) -> Option<Value> {
        let body = self.resolve(&op.op["requestBody"]);
        let content = body["content"].as_object()?;
        let schema = content.get("application/json").or_else(|| content.values().next())?;
        Some(self.resolve(&schema["schema"]))
    }
}

/// The `{name}`s of a path template, in order.
pub fn path_params(path: &str) -> Vec<String> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(str::to_owned).collect()
}

/// Fills a path template.
pub fn fill(path: &str, values: &BTreeMap<String, String>) -> String {
    path.split('/')
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => values.get(name).cloned().unwrap_or_else(|| "1".into()),
            None => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Which ids a body builder puts into id fields.
#[derive(Debug, Default, Clone)]
pub struct IdHints {
    /// By kind (`customer` → a customer id).
    pub by_kind: BTreeMap<String, i64>,
    /// For id fields of a kind not known.
    pub fallback: Option<i64>,
}

/// A body built from a schema.
#[derive(Debug, Clone)]
pub struct Built {
    /// The JSON body.
    pub value: Value,
    /// The id fields the hints filled (`field=value`), empty when none.
    pub ids_used: Vec<String>,
}

/// Builds a JSON value the schema accepts: required properties (and optional
/// id fields, so references to other objects are exercised), with values
/// from the schema's `example`/`enum`/`default`/bounds, else plausible ones
/// chosen by the field's name.
pub fn build(doc: &Doc, schema: &Value, hints: &IdHints) -> Built {
    let mut ids_used = Vec::new();
    let value = build_value(doc, &doc.resolve(schema), "", hints, &mut ids_used, 0, false);
    Built { value, ids_used }
}

/// Like [`build`], with every optional property too.
pub fn build_full(doc: &Doc, schema: &Value, hints: &IdHints) -> Built {
    let mut ids_used = Vec::new();
    let value = build_value(doc, &doc.resolve(schema), "", hints, &mut ids_used, 0, true);
    Built { value, ids_used }
}

fn build_value(
    doc: &Doc,
    schema: &Value,
    name: &str,
    hints: &IdHints,
    ids: &mut Vec<String>,
    depth: usize,
    all: bool,
) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key)
            && !v.is_null()
            && !(is_id_name(name) && schema_type(schema) == Some("integer"))
        {
            return v.clone();
        }
    }
    if let Some(v) = schema["examples"].as_array().and_then(|e| e.first()) {
        return v.clone();
    }
    if let Some(v) = schema["enum"].as_array().and_then(|e| e.iter().find(|v| !v.is_null())) {
        return v.clone();
    }
    let lower = name.to_ascii_lowercase();
    match schema_type(schema) {
        Some("object") | None if schema["properties"].is_object() || schema["additionalProperties"].is_object() => {
            let mut out = Map::new();
            let required: Vec<&str> =
                schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            if let Some(props) = schema["properties"].as_object() {
                for (field, sub) in props {
                    if all || required.contains(&field.as_str()) || is_id_name(field) {
                        let sub = doc.resolve(sub);
                        out.insert(field.clone(), build_value(doc, &sub, field, hints, ids, depth + 1, all));
                    }
                }
            }
            if out.is_empty()
                && let Some(extra) = schema["additionalProperties"].as_object()
            {
                // A map, e.g. names per language.
                let sub = doc.resolve(&Value::Object(extra.clone()));
                out.insert("en".into(), build_value(doc, &sub, name, hints, ids, depth + 1, all));
            }
            Value::Object(out)
        }
        Some("object") => json!({}),
        Some("array") => {
            let items = doc.resolve(&schema["items"]);
            let n = schema["minItems"].as_u64().unwrap_or(1).max(1);
            Value::Array((0..n).map(|_| build_value(doc, &items, name, hints, ids, depth + 1, all)).collect())
        }
        Some("integer") | Some("number") => {
            // A Telegram user id names a person, not an object of a tenant: any
            // tenant may name anyone (e.g. make them its admin), so a body gets a
            // plain number for it, not one of A's ids.
            if is_id_name(name)
                && !is_person(name)
                && let Some(id) = id_kind(name).and_then(|k| hints.by_kind.get(&k).copied()).or(hints.fallback)
            {
                ids.push(format!("{name}={id}"));
                return json!(id);
            }
            let guess: i64 = if lower.contains("telegram") || lower.contains("chat") || lower == "owner" {
                424_242
            } else if lower.contains("percent") {
                10
            } else if lower.contains("day") {
                30
            } else if lower.contains("price") || lower.contains("amount") || lower.contains("cap") {
                10_000
            } else if lower.contains("bytes") {
                1 << 30
            } else {
                1
            };
            let min = schema["minimum"].as_f64().or(schema["exclusiveMinimum"].as_f64().map(|m| m + 1.0));
            let max = schema["maximum"].as_f64().or(schema["exclusiveMaximum"].as_f64().map(|m| m - 1.0));
            let mut v = guess as f64;
            if let Some(min) = min {
                v = v.max(min);
            }
            if let Some(max) = max {
                v = v.min(max);
            }
            if schema_type(schema) == Some("integer") { json!(v as i64) } else { json!(v) }
        }
        Some("boolean") => json!(true),
        Some("string") => {
            let format = schema["format"].as_str().unwrap_or_default();
            let text = match format {
                "date-time" => "2030-01-01T00:00:00Z".to_owned(),
                "date" => "2030-01-01".to_owned(),
                "uri" | "url" => "https://example.com/".to_owned(),
                "uuid" => "5f6c1f6e-1d2b-4c3a-9f0e-0123456789ab".to_owned(),
                _ if lower.contains("iban") || lower.contains("sheba") => SAMPLE_IBAN.to_owned(),
                _ if lower.contains("card") || lower == "number" || lower == "pan" => {
                    bazar_testkit::card_number("603799000000001")
                }
                _ if lower.contains("currency") => "IRT".to_owned(),
                _ if lower.contains("lang") => "en".to_owned(),
                _ if lower.contains("url") => "https://example.com/".to_owned(),
                _ if lower.contains("squad") || lower.contains("uuid") => "5f6c1f6e-1d2b-4c3a-9f0e-0123456789ab".into(),
                _ if lower.contains("code") => "BEECODE7".to_owned(),
                _ if lower.contains("price") || lower.contains("amount") => "10000".to_owned(),
                _ if lower.contains("date") || lower.ends_with("_at") || lower.contains("until") => {
                    "2030-01-01".to_owned()
                }
                _ => "Bee value".to_owned(),
            };
            let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
            let max = schema["maxLength"].as_u64().map(|m| m as usize).unwrap_or(usize::MAX);
            let mut text = text;
            while text.chars().count() < min {
                text.push('x');
            }
            text.chars().take(max.max(1)).collect::<String>().into()
        }
        _ => Value::Null,
    }
}

/// A reusable HTTP client for the walk.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body, parsed as JSON when it is JSON (else a JSON string of the text).
    pub body: Value,
    /// The raw text.
    pub text: String,
    /// `Content-Type`.
    pub content_type: String,
}

impl Http {
    /// A client for the server at `base`.
    pub fn new(base: String) -> Self {
        Self { client: reqwest::Client::new(), base }
    }

    /// `method path` with an optional bearer token and JSON body.
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
        let raw = body.map(|b| (b.to_string().into_bytes(), "application/json"));
        self.raw(method, path, token, raw).await
    }

    /// `method path` with a body of any bytes and content type.
    pub async fn raw(&self, method: &str, path: &str, token: Option<&str>, body: Option<(Vec<u8>, &str)>) -> Answer {
        let m = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
        let mut request = self.client.request(m, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some((bytes, content_type)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        Answer::read(response).await
    }
}

impl Answer {
    /// Reads a response: status, content type, text, and the text as JSON when it is JSON.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
        Answer { status, body, text, content_type }
    }
}

/// Every `(key path, value)` of id-like fields in a JSON answer (`items[].id` → 7),
/// so two answers can be compared for shared object ids.
pub fn id_values(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk_ids(value, "", &mut out);
    out
}

fn walk_ids(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{path}.{k}");
                if is_id_name(k) && (v.is_i64() || v.is_string()) {
                    out.push((p.clone(), v.to_string()));
                }
                walk_ids(v, &p, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                walk_ids(v, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

/// The ids of the objects a list answer holds (`items[].id`, or a bare array's `[].id`).
pub fn list_ids(value: &Value) -> Vec<i64> {
    let items = value["items"].as_array().or(value.as_array());
    items.map(|i| i.iter().filter_map(|x| x["id"].as_i64()).collect()).unwrap_or_default()
}

/// Whether `status` is a JSON error in the API's shape.
pub fn is_error_shape(answer: &Answer) -> bool {
    answer.content_type.starts_with("application/json")
        && answer.body["error"]["code"].is_string()
        && answer.body["error"]["message"].is_string()
}

/// The JSON pointers of every string in a value (`/names/en`).
pub fn string_pointers(value: &Value) -> Vec<String> {
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::String(_) => out.push(at),
            Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, format!("{at}/{k}"), out)),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}/{i}"), out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}
