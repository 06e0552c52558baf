//! Choosing an adapter, configuration parsing, and keeping secrets out of text.

use bazar_panels::{
    MarzbanClient, PanelConfig, PanelCredentials, PanelError, PanelKind, RemnawaveClient, XuiClient, connect,
};
use secrecy::SecretString;
use serde_json::json;

const SECRET: &str = "s3cr3t-Value-that-must-not-leak";

fn token() -> PanelCredentials {
    PanelCredentials::token(SecretString::from(SECRET))
}

fn login() -> PanelCredentials {
    PanelCredentials::login("admin", SecretString::from(SECRET))
}

fn config(kind: PanelKind, base_url: &str, credentials: PanelCredentials) -> PanelConfig {
    PanelConfig { kind, base_url: base_url.into(), credentials }
}

const REMNAWAVE: PanelKind = PanelKind::named("remnawave");
const MARZBAN: PanelKind = PanelKind::named("marzban");

#[test]
fn every_registered_kind_parses_prints_and_connects() {
    for spec in bazar_panels::KINDS {
        let kind = spec.kind();
        assert_eq!(kind.as_str().parse::<PanelKind>().unwrap(), kind);
        assert_eq!(serde_json::to_value(&kind).unwrap(), json!(kind.as_str()));
        let credentials = spec.credentials[0]
            .fields
            .iter()
            .fold(PanelCredentials::default(), |c, f| c.with(f.key, SecretString::from(SECRET)));
        let panel = connect(config(kind.clone(), "https://panel.example.com", credentials), reqwest::Client::new());
        assert_eq!(panel.unwrap().kind(), kind, "{} connects with its first credential set", spec.name);
    }
    let unknown = connect(config(PanelKind::named("xui"), "https://x", token()), reqwest::Client::new());
    assert!(matches!(unknown.err(), Some(PanelError::Rejected(text)) if text.contains("known kinds: remnawave")));
}

#[test]
fn connect_picks_the_adapter_by_kind_and_credentials() {
    let http = reqwest::Client::new();
    let remnawave = connect(config(REMNAWAVE, "https://panel.example.com", token()), http.clone()).unwrap();
    assert_eq!(remnawave.kind(), REMNAWAVE);
    let marzban = connect(config(MARZBAN, "https://host/marzban/", login()), http.clone()).unwrap();
    assert_eq!(marzban.kind(), MARZBAN);
    let marzban_token = connect(config(MARZBAN, "http://127.0.0.1:8000", token()), http.clone()).unwrap();
    assert_eq!(marzban_token.kind(), MARZBAN);
}

#[test]
fn connect_refuses_what_cannot_work() {
    let http = reqwest::Client::new();
    let cases = [
        config(REMNAWAVE, "https://panel.example.com", login()),
        config(MARZBAN, "panel.example.com", login()),
        config(MARZBAN, "https://panel.example.com", login().with("token", SecretString::from(SECRET))),
        config(MARZBAN, &format!("https://admin:{SECRET}@panel.example.com"), login()),
        config(REMNAWAVE, "https://panel.example.com", PanelCredentials::token(SecretString::from("a\nb"))),
    ];
    for case in cases {
        let err = connect(case, http.clone()).err().expect("refused");
        assert!(matches!(err, PanelError::Rejected(_)), "{err:?}");
        assert!(!err.is_retryable());
        assert!(!format!("{err} {err:?}").contains(SECRET));
    }
}

#[test]
fn debug_output_never_shows_secrets() {
    let http = reqwest::Client::new();
    let debug = [
        format!("{:?}", config(MARZBAN, "https://x", login())),
        format!("{:?}", config(REMNAWAVE, "https://x", token())),
        format!("{:?}", RemnawaveClient::new("https://x", &SecretString::from(SECRET), http.clone()).unwrap()),
        format!("{:?}", MarzbanClient::with_token("https://x", &SecretString::from(SECRET), http.clone()).unwrap()),
        format!(
            "{:?}",
            MarzbanClient::with_login("https://x", "admin", SecretString::from(SECRET), http.clone()).unwrap()
        ),
        format!("{:?}", MarzbanClient::with_api_key("https://x", &SecretString::from(SECRET), http.clone()).unwrap()),
        format!("{:?}", XuiClient::new("https://x", "admin", SecretString::from(SECRET), http.clone()).unwrap()),
        format!("{:?}", XuiClient::with_token("https://x", &SecretString::from(SECRET), http).unwrap()),
    ];
    for text in debug {
        assert!(!text.contains(SECRET), "{text}");
    }
}

#[test]
fn only_outages_and_garbage_are_retryable() {
    assert!(PanelError::Unavailable("x".into()).is_retryable());
    assert!(PanelError::Protocol("x".into()).is_retryable());
    assert!(!PanelError::Unauthorized.is_retryable());
    assert!(!PanelError::Rejected("x".into()).is_retryable());
}
