//! The REST layer's own rules, without a server: every documented operation
//! is guarded, tokens are described as shown once, serde's messages name
//! their field, and the rate limiter's budget. (Here rather than as unit tests
//! of `bazar-http`, so that crate is compiled once, not twice, by the suite.)

use bazar_http::api::errors::field_of;
use bazar_http::api::openapi;
use bazar_http::api::rate_limit::{Decision, RateLimiter};
use serde_json::Value;

#[test]
fn serde_messages_name_their_field() {
    assert_eq!(field_of("price: invalid type: string \"x\", expected i64 at line 1 column 12"), "price");
    assert_eq!(field_of("missing field `days` at line 1 column 2"), "days");
    assert_eq!(field_of("unknown field `extra`, expected one of `a`, `b` at line 1 column 9"), "extra");
    assert_eq!(field_of("names.en: invalid length"), "names.en");
    assert_eq!(field_of("expected value at line 1 column 1"), "body");
}

/// Every documented operation (tenant and platform alike) names its token and documents the 401 it answers
/// without one; platform routes take only the platform token, tenant routes only an API token.
#[test]
fn every_documented_operation_is_guarded() {
    let doc: Value = serde_json::from_str(&openapi().to_json().unwrap()).unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let scheme = if path.starts_with("/api/v1/platform/") { "platform_token" } else { "api_token" };
            assert_eq!(op["security"], serde_json::json!([{ scheme: [] }]), "{method} {path}");
            assert!(op["responses"]["401"].is_object(), "{method} {path} documents its 401");
        }
    }
    assert!(operations >= 8, "{operations}");
}

/// The platform's answers never carry a Telegram token, and say where an API token is shown once.
#[test]
fn api_tokens_are_described_as_shown_once() {
    let doc: Value = serde_json::from_str(&openapi().to_json().unwrap()).unwrap();
    for schema in ["CreatedBot", "RotatedToken"] {
        let text = doc["components"]["schemas"][schema]["properties"]["api_token"]["description"].to_string();
        assert!(text.contains("Shown only this once"), "{schema}: {text}");
    }
    let bot = doc["components"]["schemas"]["PlatformBot"]["properties"].as_object().unwrap();
    assert!(bot.keys().all(|k| !k.contains("token")), "{bot:?}");
}

#[test]
fn a_full_minute_then_limited() {
    let limiter = RateLimiter::default();
    for _ in 0..3 {
        assert_eq!(limiter.check(b"a", 3), Decision::Allowed);
    }
    assert!(matches!(limiter.check(b"a", 3), Decision::Limited { retry_after } if (1..=20).contains(&retry_after)));
    assert_eq!(limiter.check(b"b", 3), Decision::Allowed, "other tokens have their own budget");
}
