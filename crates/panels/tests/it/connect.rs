//! Choosing an adapter, configuration parsing, and keeping secrets out of text.

use bazar_panels::{
    MarzbanClient, PanelConfig, PanelCredentials, PanelError, PanelKind, PlanOptions, RemnawaveClient,
    UnknownPanelKind, connect,
};
use secrecy::SecretString;
use serde_json::json;

const SECRET: &str = "s3cr3t-Value-that-must-not-leak";

fn token() -> PanelCredentials {
    PanelCredentials::Token(SecretString::from(SECRET))
}

fn login() -> PanelCredentials {
    PanelCredentials::Login { username: "admin".into(), password: SecretString::from(SECRET) }
}

fn config(kind: PanelKind, base_url: &str, credentials: PanelCredentials) -> PanelConfig {
    PanelConfig { kind, base_url: base_url.into(), credentials }
}

#[test]
fn panel_kinds_parse_and_print() {
    for kind in [PanelKind::Remnawave, PanelKind::Marzban] {
        assert_eq!(kind.as_str().parse::<PanelKind>().unwrap(), kind);
        assert_eq!(kind.to_string(), kind.as_str());
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
    }
    assert_eq!(" Marzban ".parse::<PanelKind>().unwrap(), PanelKind::Marzban);
    assert_eq!("xui".parse::<PanelKind>(), Err(UnknownPanelKind("xui".into())));
}

#[test]
fn plan_options_read_partial_json() {
    let options: PlanOptions = serde_json::from_value(json!({"remnawave_squads": ["a"]})).unwrap();
    assert_eq!(options.remnawave_squads, ["a"]);
    assert!(options.marzban_inbounds.is_none() && options.marzban_proxies.is_empty());
    assert_eq!(serde_json::from_value::<PlanOptions>(json!({})).unwrap(), PlanOptions::default());
}

#[test]
fn connect_picks_the_adapter_by_kind_and_credentials() {
    let http = reqwest::Client::new();
    let remnawave = connect(config(PanelKind::Remnawave, "https://panel.example.com", token()), http.clone()).unwrap();
    assert_eq!(remnawave.kind(), PanelKind::Remnawave);
    let marzban = connect(config(PanelKind::Marzban, "https://host/marzban/", login()), http.clone()).unwrap();
    assert_eq!(marzban.kind(), PanelKind::Marzban);
    let marzban_token = connect(config(PanelKind::Marzban, "http://127.0.0.1:8000", token()), http.clone()).unwrap();
    assert_eq!(marzban_token.kind(), PanelKind::Marzban);
}

#[test]
fn connect_refuses_what_cannot_work() {
    let http = reqwest::Client::new();
    let cases = [
        config(PanelKind::Remnawave, "https://panel.example.com", login()),
        config(PanelKind::Marzban, "panel.example.com", login()),
        config(PanelKind::Marzban, &format!("https://admin:{SECRET}@panel.example.com"), login()),
        config(PanelKind::Remnawave, "https://panel.example.com", PanelCredentials::Token(SecretString::from("a\nb"))),
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
        format!("{:?}", config(PanelKind::Marzban, "https://x", login())),
        format!("{:?}", config(PanelKind::Remnawave, "https://x", token())),
        format!("{:?}", RemnawaveClient::new("https://x", &SecretString::from(SECRET), http.clone()).unwrap()),
        format!("{:?}", MarzbanClient::with_token("https://x", &SecretString::from(SECRET), http.clone()).unwrap()),
        format!("{:?}", MarzbanClient::with_login("https://x", "admin", SecretString::from(SECRET), http).unwrap()),
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
