//! The 3x-ui adapter (API up to v3.0) against the fake 3x-ui: the whole
//! lifecycle, and the panel's traps (404 without a session, `settings` as a
//! JSON string, bytes and milliseconds, the last client of an inbound).

use bazar_panels::{
    Choice, PanelConfig, PanelCredentials, PanelError, PanelKind, PanelUserStatus, PlanOptions, UserChange, UserSpec,
    VpnPanel, connect,
};
use bazar_testkit::panels::FakeXui;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

const GIB: u64 = 1 << 30;
const MARKER: &str = "bazar/q7k2ma/7/42";

fn in_days(days: i64) -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 + days * 86_400
}

fn config(url: &str, password: &str) -> PanelConfig {
    PanelConfig {
        kind: PanelKind::named("3x-ui"),
        base_url: url.to_owned(),
        credentials: PanelCredentials::login("admin", SecretString::from(password.to_owned())),
    }
}

/// The adapter for the fake's generation: a login up to v3.0, its API token from v3.1.
fn panel(fake: &FakeXui) -> Arc<dyn VpnPanel> {
    let mut config = config(&fake.url(), &fake.admin_credentials().1);
    if let Some(token) = fake.api_token() {
        config.credentials = PanelCredentials::token(SecretString::from(token));
    }
    connect(config, reqwest::Client::new()).unwrap()
}

fn spec(username: &str, inbound: &str) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: in_days(30),
        traffic_limit_bytes: Some(50 * GIB),
        device_limit: Some(2),
        telegram_id: Some(42),
        marker: MARKER.into(),
        legacy_marker: None,
        options: PlanOptions::default().with("inbounds", Choice::Values(vec![inbound.to_owned()])),
    }
}

/// The links a subscription URL serves, decoded.
async fn served(url: &str) -> (u16, String) {
    use base64::Engine;
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    let decoded = base64::engine::general_purpose::STANDARD.decode(body.trim()).unwrap_or_default();
    (status, String::from_utf8_lossy(&decoded).into_owned())
}

#[tokio::test]
async fn the_catalog_lists_inbounds_by_id_and_marks_what_cannot_serve() {
    let fake = FakeXui::start().await;
    let catalog = panel(&fake).catalog().await.unwrap();
    let inbounds = catalog.entries("inbounds");
    let values: Vec<&str> = inbounds.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(values, ["1", "2", "3", "4"]);
    assert_eq!((inbounds[1].label.as_str(), inbounds[1].detail.as_deref()), ("VMess WS", Some("vmess:8080")));
    assert!(inbounds[3].unusable.as_deref().is_some_and(|why| why.contains("shadowsocks")));
    fake.set_inbound_enabled(3, false);
    let catalog = panel(&fake).catalog().await.unwrap();
    assert!(catalog.entries("inbounds")[2].unusable.is_some(), "a switched-off inbound serves nothing");
}

#[tokio::test]
async fn a_user_is_a_client_in_bytes_and_milliseconds_and_its_link_serves_configs() {
    let fake = FakeXui::start().await;
    let panel = panel(&fake);
    let spec = spec("bzq7k2ma_1_x9f3", "2");
    let user = panel.ensure_user(&spec).await.unwrap();

    let (inbound, client) = fake.client("bzq7k2ma_1_x9f3").unwrap();
    assert_eq!(inbound, 2);
    assert_eq!(client["totalGB"], json!(50 * GIB), "totalGB is bytes despite its name");
    assert_eq!(client["expiryTime"], json!(spec.expire_at * 1000), "expiryTime is milliseconds");
    assert_eq!((client["limitIp"].clone(), client["comment"].clone()), (json!(2), json!(MARKER)));
    let sent = fake.request_log().into_iter().find(|r| r.path.ends_with("/addClient")).unwrap();
    assert!(sent.body["settings"].is_string(), "settings travels as a JSON string: {}", sent.body);

    assert_eq!(
        (user.status, user.expire_at, user.traffic_limit_bytes),
        (PanelUserStatus::Active, Some(spec.expire_at), Some(50 * GIB))
    );
    assert!(user.access.connects(), "{:?}", user.access);
    assert_eq!(user.note.as_deref(), Some(MARKER));
    let sub_id = client["subId"].as_str().unwrap();
    assert!(user.subscription_url.ends_with(&format!("/sub/{sub_id}")), "{}", user.subscription_url);
    let (status, links) = served(&user.subscription_url).await;
    assert_eq!(status, 200);
    assert!(links.starts_with("vmess://"), "{links}");

    fake.set_traffic("bzq7k2ma_1_x9f3", 10 * GIB, 41 * GIB);
    let used = panel.get_user("bzq7k2ma_1_x9f3").await.unwrap().unwrap();
    assert_eq!((used.used_traffic_bytes, used.status), (51 * GIB, PanelUserStatus::Limited));
    assert_eq!(panel.get_user("nobody").await.unwrap(), None);
}

#[tokio::test]
async fn ensuring_twice_makes_one_client_and_someone_elses_is_left_alone() {
    let fake = FakeXui::start().await;
    let panel = panel(&fake);
    let first = panel.ensure_user(&spec("twice", "3")).await.unwrap();
    let renewed = UserSpec { expire_at: in_days(60), traffic_limit_bytes: None, ..spec("twice", "3") };
    let second = panel.ensure_user(&renewed).await.unwrap();
    assert_eq!(fake.emails().iter().filter(|e| *e == "twice").count(), 1);
    assert_eq!(second.subscription_url, first.subscription_url, "the link survives a renewal");
    assert_eq!((second.expire_at, second.traffic_limit_bytes), (Some(renewed.expire_at), None));
    assert_eq!(
        fake.client("twice").unwrap().1["password"].as_str().map(str::len),
        Some(24),
        "a Trojan client has a password"
    );

    let theirs = UserSpec { marker: "bazar/otherx/9/9".into(), ..spec("taken", "2") };
    panel.ensure_user(&theirs).await.unwrap();
    let before = fake.client("taken").unwrap();
    let err = panel.ensure_user(&spec("taken", "2")).await.unwrap_err();
    assert_eq!(err, PanelError::Foreign("taken".into()));
    assert_eq!(fake.client("taken").unwrap(), before, "untouched");
}

#[tokio::test]
async fn changes_follow_on_the_panel_and_a_reset_link_revokes_the_old_one() {
    let fake = FakeXui::start().await;
    let panel = panel(&fake);
    let user = panel.ensure_user(&spec("changing", "1")).await.unwrap();
    let off = panel.update_user("changing", &UserChange { enabled: Some(false), ..Default::default() }).await.unwrap();
    assert_eq!(off.status, PanelUserStatus::Disabled);
    assert_eq!(served(&user.subscription_url).await, (200, String::new()), "a disabled client is served nothing");
    let later = in_days(90);
    let change = UserChange {
        enabled: Some(true),
        expire_at: Some(later),
        traffic_limit_bytes: Some(None),
        device_limit: Some(None),
    };
    let on = panel.update_user("changing", &change).await.unwrap();
    assert_eq!((on.status, on.expire_at, on.traffic_limit_bytes), (PanelUserStatus::Active, Some(later), None));
    assert_eq!(fake.client("changing").unwrap().1["limitIp"], 0);

    let reset = panel.reset_subscription("changing").await.unwrap();
    assert_ne!(reset.subscription_url, user.subscription_url);
    assert_eq!(served(&user.subscription_url).await.0, 400, "the old link is gone");
    assert_eq!(served(&reset.subscription_url).await.0, 200);
    let missing = panel.update_user("nobody", &UserChange::default()).await.unwrap_err();
    assert!(matches!(missing, PanelError::Rejected(_)));
}

#[tokio::test]
async fn delete_removes_a_client_or_switches_off_an_inbounds_last_one() {
    let fake = FakeXui::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("beside", "1")).await.unwrap();
    panel.delete_user("beside").await.unwrap();
    assert!(fake.client("beside").is_none(), "removed beside another client");
    let alone = panel.ensure_user(&spec("alone", "2")).await.unwrap();
    panel.delete_user("alone").await.unwrap();
    let (_, client) = fake.client("alone").expect("the panel keeps an inbound's last client");
    assert_eq!((client["enable"].clone(), client["expiryTime"].clone()), (json!(false), json!(1000)));
    assert_eq!(served(&alone.subscription_url).await, (200, String::new()), "it serves nothing");
    panel.delete_user("nobody").await.unwrap();
}

#[tokio::test]
async fn sessions_are_renewed_on_404_and_wrong_logins_or_paths_say_so() {
    let fake = FakeXui::start_under("/secretpath").await;
    let panel = panel(&fake);
    panel.catalog().await.unwrap();
    panel.catalog().await.unwrap();
    assert_eq!(fake.logins(), 1, "one session for many calls");
    fake.expire_sessions();
    panel.catalog().await.unwrap();
    assert_eq!(fake.logins(), 2, "an API 404 means the session ended: log in again");

    let wrong = connect(config(&fake.url(), "nope"), reqwest::Client::new()).unwrap();
    assert_eq!(wrong.catalog().await.unwrap_err(), PanelError::Unauthorized);
    let root = fake.url().trim_end_matches("/secretpath").to_owned();
    let no_path = connect(config(&root, &fake.admin_credentials().1), reqwest::Client::new()).unwrap();
    let err = no_path.catalog().await.unwrap_err();
    assert!(!err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn links_follow_the_panels_subscription_settings() {
    let fake = FakeXui::start().await;
    fake.set_setting("subURI", json!("https://sub.example.com:2096/s"));
    let user = panel(&fake).ensure_user(&spec("linked", "1")).await.unwrap();
    let sub_id = fake.client("linked").unwrap().1["subId"].as_str().unwrap().to_owned();
    assert_eq!(user.subscription_url, format!("https://sub.example.com:2096/s/{sub_id}"));
    let fake = FakeXui::start().await;
    fake.set_setting("subEnable", Value::Bool(false));
    let user = panel(&fake).ensure_user(&spec("unserved", "1")).await.unwrap();
    assert!(!user.access.connects(), "subscriptions switched off serve nothing: {:?}", user.access);
}

#[tokio::test]
async fn plans_without_a_usable_inbound_create_nothing() {
    let fake = FakeXui::start().await;
    let panel = panel(&fake);
    let none = UserSpec { options: PlanOptions::default(), ..spec("unchosen", "1") };
    assert!(matches!(panel.ensure_user(&none).await, Err(PanelError::Rejected(_))));
    assert!(
        matches!(panel.ensure_user(&spec("gone", "9")).await, Err(PanelError::Rejected(t)) if t.contains("no inbound 9"))
    );
    assert!(
        matches!(panel.ensure_user(&spec("ss", "4")).await, Err(PanelError::Rejected(t)) if t.contains("shadowsocks"))
    );
    assert!(fake.client("unchosen").is_none() && fake.client("gone").is_none() && fake.client("ss").is_none());
}

#[tokio::test]
async fn the_v3_clients_api_keeps_the_same_lifecycle() {
    let fake = FakeXui::start_v3().await;
    let panel = panel(&fake);
    let spec = spec("bzq7k2ma_2_v3ab", "2");
    let user = panel.ensure_user(&spec).await.unwrap();
    let (inbound, client) = fake.client("bzq7k2ma_2_v3ab").unwrap();
    assert_eq!((inbound, client["totalGB"].clone()), (2, json!(50 * GIB)));
    assert_eq!(client["expiryTime"], json!(spec.expire_at * 1000));
    assert!(fake.request_log().iter().any(|r| r.path.ends_with("/panel/api/clients/add")), "the clients API");
    assert_eq!(fake.logins(), 0, "a token needs no login");
    assert_eq!((user.status, user.expire_at), (PanelUserStatus::Active, Some(spec.expire_at)));
    assert_eq!(served(&user.subscription_url).await.0, 200);
    let later = in_days(45);
    let again = panel.ensure_user(&UserSpec { expire_at: later, ..spec.clone() }).await.unwrap();
    assert_eq!((again.expire_at, fake.emails().len()), (Some(later), 2), "one client, renewed");

    fake.set_traffic("bzq7k2ma_2_v3ab", 0, 51 * GIB);
    assert_eq!(panel.get_user("bzq7k2ma_2_v3ab").await.unwrap().unwrap().status, PanelUserStatus::Limited);
    let disable = UserChange { enabled: Some(false), ..Default::default() };
    let off = panel.update_user("bzq7k2ma_2_v3ab", &disable).await.unwrap();
    assert_eq!(off.status, PanelUserStatus::Disabled);
    let reset = panel.reset_subscription("bzq7k2ma_2_v3ab").await.unwrap();
    assert_eq!(served(&user.subscription_url).await.0, 400, "the old link is gone");
    assert_ne!(reset.subscription_url, user.subscription_url);
    panel.delete_user("bzq7k2ma_2_v3ab").await.unwrap();
    assert!(fake.client("bzq7k2ma_2_v3ab").is_none(), "v3.1 deletes an inbound's last client too");
    panel.delete_user("bzq7k2ma_2_v3ab").await.unwrap();

    let mut wrong = config(&fake.url(), "unused");
    wrong.credentials = PanelCredentials::token(SecretString::from("not-the-token"));
    let err = connect(wrong, reqwest::Client::new()).unwrap().catalog().await.unwrap_err();
    assert!(matches!(err, PanelError::Rejected(ref t) if t.contains("token was refused")), "{err:?}");
}
