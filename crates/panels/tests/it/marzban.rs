//! The Marzban adapter against the fake Marzban 0.8.4 panel.

use bazar_panels::PanelCatalog;
use bazar_panels::{
    Choice, PanelConfig, PanelCredentials, PanelError, PanelKind, PanelOptions, PanelUserStatus, PlanOptions,
    UserChange, UserSpec, VpnPanel, connect, connect_with,
};
use bazar_testkit::panels::FakeMarzban;
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const GIB: u64 = 1 << 30;
/// The owner marker the specs carry.
const MARKER: &str = "bazar/q7k2ma/7/42";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn in_days(days: i64) -> i64 {
    now() + days * 86_400
}

fn login_config(url: &str, username: &str, password: &str) -> PanelConfig {
    PanelConfig {
        kind: PanelKind::named("marzban"),
        base_url: url.to_owned(),
        credentials: PanelCredentials::login(username, SecretString::from(password.to_owned())),
    }
}

fn config(fake: &FakeMarzban) -> PanelConfig {
    let (username, password) = fake.admin_credentials();
    login_config(&fake.url(), &username, &password)
}

fn panel(fake: &FakeMarzban) -> Arc<dyn VpnPanel> {
    connect(config(fake), reqwest::Client::new()).unwrap()
}

/// Options choosing these inbound tags.
fn only(tags: &[&str]) -> PlanOptions {
    PlanOptions::default().with("inbounds", Choice::Values(tags.iter().map(|t| (*t).to_owned()).collect()))
}

fn spec(username: &str) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: in_days(30),
        traffic_limit_bytes: Some(50 * GIB),
        device_limit: Some(3),
        telegram_id: Some(123_456_789),
        marker: MARKER.into(),
        legacy_marker: None,
        options: only(&["VLESS TCP REALITY"]).with("flow", Choice::Values(vec!["xtls-rprx-vision".into()])),
    }
}

#[tokio::test]
async fn ensure_user_creates_the_user_as_specified() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    assert_eq!(panel.kind(), PanelKind::named("marzban"));
    let spec = spec("shop7_u42");

    let user = panel.ensure_user(&spec).await.unwrap();

    assert_eq!(user.username, "shop7_u42");
    assert_eq!(user.panel_id, "shop7_u42");
    assert_eq!(user.status, PanelUserStatus::Active);
    assert_eq!(user.expire_at, Some(spec.expire_at));
    assert_eq!(user.traffic_limit_bytes, Some(50 * GIB));
    // Marzban's link is relative; the adapter makes it absolute.
    assert!(user.subscription_url.starts_with(&format!("{}/sub/", fake.url())), "{}", user.subscription_url);
    assert!(reqwest::get(&user.subscription_url).await.unwrap().status().is_success());
    let stored = fake.user("shop7_u42").unwrap();
    assert_eq!(stored["inbounds"], json!({"vless": ["VLESS TCP REALITY"]}));
    assert_eq!(stored["proxies"]["vless"]["flow"], "xtls-rprx-vision");
    assert_eq!(stored["proxies"].as_object().unwrap().len(), 1);
    assert_eq!(stored["data_limit_reset_strategy"], "no_reset");
    assert_eq!(stored["note"], MARKER);
    assert!(user.access.connects(), "{:?}", user.access);
    assert_eq!(fake.token_logins(), 1);
}

#[tokio::test]
async fn every_inbound_is_an_explicit_choice_and_gives_every_protocol_of_the_panel() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let options = PlanOptions::default().with("inbounds", Choice::All);
    let plain = UserSpec { traffic_limit_bytes: None, options, ..spec("plain") };

    let user = panel.ensure_user(&plain).await.unwrap();

    assert_eq!(user.traffic_limit_bytes, None);
    assert!(user.access.connects());
    let stored = fake.user("plain").unwrap();
    let mut protocols: Vec<&String> = stored["proxies"].as_object().unwrap().keys().collect();
    protocols.sort();
    assert_eq!(protocols, ["shadowsocks", "trojan", "vless", "vmess"]);
    assert_eq!(stored["inbounds"]["vmess"], json!(["VMess TCP", "VMess Websocket"]));
    assert_eq!(stored["links"].as_array().unwrap().len(), 5);
    assert_eq!(stored["data_limit"], Value::Null);
    let sent = fake.request_log().into_iter().find(|r| r.method == "POST" && r.path == "/api/user").unwrap();
    assert_eq!(sent.body["inbounds"], json!({}));
}

#[tokio::test]
async fn a_plan_without_an_inbound_choice_creates_no_user() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let err = panel.ensure_user(&UserSpec { options: PlanOptions::default(), ..spec("empty") }).await.unwrap_err();
    assert!(matches!(err, PanelError::Rejected(ref t) if t.contains("no Marzban inbounds")), "{err:?}");
    assert!(!err.is_retryable());
    assert!(fake.users().is_empty());
}

#[tokio::test]
async fn the_fake_gives_no_inbounds_when_the_field_is_left_out_as_the_real_panel_does() {
    let fake = FakeMarzban::start().await;
    let (username, password) = fake.admin_credentials();
    let http = reqwest::Client::new();
    let bearer = bazar_testkit::panels::marzban_bearer(&fake.url(), &username, &password).await;
    let create =
        |body: Value| http.post(format!("{}/api/user", fake.url())).header("authorization", &bearer).json(&body).send();
    let omitted: Value =
        create(json!({"username": "omitted", "proxies": {"vless": {}}})).await.unwrap().json().await.unwrap();
    assert_eq!(omitted["links"], json!([]));
    assert_eq!(omitted["inbounds"], json!({"vless": []}));
    assert_eq!(omitted["excluded_inbounds"], json!({"vless": ["VLESS TCP REALITY"]}));
    let sub = reqwest::get(format!("{}{}", fake.url(), omitted["subscription_url"].as_str().unwrap())).await.unwrap();
    assert_eq!(sub.status(), 200);
    assert_eq!(sub.text().await.unwrap(), "", "an empty subscription");
    let all: Value = create(json!({"username": "all", "proxies": {"vless": {}}, "inbounds": {}}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["inbounds"], json!({"vless": ["VLESS TCP REALITY"]}));
    let no_proxies = create(json!({"username": "noproxy"})).await.unwrap();
    assert_eq!(no_proxies.status(), 500, "Marzban inserts the row and fails");
    assert_eq!(fake.users().len(), 3);
}

#[tokio::test]
async fn a_user_with_our_name_but_someone_elses_note_is_left_alone() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let theirs = UserSpec { marker: "bazar/otherx/1/1".into(), ..spec("bz_taken_1") };
    panel.ensure_user(&theirs).await.unwrap();
    let before = fake.user("bz_taken_1").unwrap();

    let err = panel.ensure_user(&spec("bz_taken_1")).await.unwrap_err();

    assert_eq!(err, PanelError::Foreign("bz_taken_1".into()));
    assert!(!err.is_retryable());
    let after = fake.user("bz_taken_1").unwrap();
    assert_eq!(after["expire"], before["expire"]);
    assert_eq!(after["note"], "bazar/otherx/1/1");
    // A legacy user of ours (old name, old note) is still adopted.
    let legacy = UserSpec { marker: "bazar bot 7 subscription 9".into(), ..spec("bz7s9") };
    panel.ensure_user(&legacy).await.unwrap();
    let adopted = UserSpec { legacy_marker: Some("bazar bot 7 subscription 9".into()), ..spec("bz7s9") };
    assert!(panel.ensure_user(&adopted).await.is_ok());
    assert_eq!(fake.user("bz7s9").unwrap()["note"], MARKER);
}

#[tokio::test]
async fn the_catalog_lists_the_panels_inbounds() {
    let fake = FakeMarzban::start().await;
    let catalog: PanelCatalog = panel(&fake).catalog().await.unwrap();
    let inbounds = catalog.entries("inbounds");
    let tags: Vec<&str> = inbounds.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(tags.len(), 5);
    assert!(tags.contains(&"VMess Websocket"));
    assert!(inbounds.iter().any(|i| i.value == "Trojan Websocket TLS" && i.detail.as_deref() == Some("trojan")));
    assert_eq!(catalog.entries("flow").len(), 1, "XTLS Vision where VLESS is served");
}

#[tokio::test]
async fn ensure_user_twice_creates_one_user_and_keeps_its_credentials() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let first = panel.ensure_user(&spec("twice")).await.unwrap();
    let vless_id = fake.user("twice").unwrap()["proxies"]["vless"]["id"].clone();
    assert!(vless_id.is_string());
    let renewed = UserSpec {
        expire_at: in_days(60),
        traffic_limit_bytes: None,
        options: only(&["VLESS TCP REALITY", "Trojan Websocket TLS"]),
        ..spec("twice")
    };

    let second = panel.ensure_user(&renewed).await.unwrap();

    assert_eq!(fake.users().len(), 1);
    assert_eq!(second.subscription_url, first.subscription_url);
    assert_eq!(second.expire_at, Some(renewed.expire_at));
    assert_eq!(second.traffic_limit_bytes, None);
    let stored = fake.user("twice").unwrap();
    // The customer's configured clients keep working: same vless id.
    assert_eq!(stored["proxies"]["vless"]["id"], vless_id);
    assert!(stored["proxies"]["trojan"]["password"].is_string());
    assert_eq!(stored["inbounds"]["trojan"], json!(["Trojan Websocket TLS"]));
    assert_eq!(stored["note"], MARKER);
}

#[tokio::test]
async fn ensure_user_converges_when_the_user_appeared_meanwhile() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("raced")).await.unwrap();
    // The lookup misses the user (created just after it), so the create meets 409.
    fake.respond_next(1, 404, r#"{"detail": "User not found"}"#);
    let later = UserSpec { expire_at: in_days(90), ..spec("raced") };

    let user = panel.ensure_user(&later).await.unwrap();

    assert_eq!(fake.users().len(), 1);
    assert_eq!(user.expire_at, Some(later.expire_at));
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_not_repeated() {
    let fake = FakeMarzban::start().await;
    let options = PanelOptions { timeout: Duration::from_millis(300) };
    let panel = connect_with(config(&fake), reqwest::Client::new(), options).unwrap();
    // Login, lookup and the inbound list answer at once; the create is carried out after the client gave up.
    fake.delay_next(Duration::ZERO);
    fake.delay_next(Duration::ZERO);
    fake.delay_next(Duration::ZERO);
    fake.delay_next(Duration::from_millis(600));
    assert!(matches!(panel.ensure_user(&spec("slowpoke")).await, Err(PanelError::Unavailable(_))));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(fake.users().len(), 1, "the panel carried out the create the client gave up on");

    let user = panel.ensure_user(&spec("slowpoke")).await.unwrap();

    assert_eq!(fake.users().len(), 1);
    assert_eq!(user.username, "slowpoke");
}

#[tokio::test]
async fn get_user_of_an_unknown_username_is_none() {
    let fake = FakeMarzban::start().await;
    assert_eq!(panel(&fake).get_user("nobody").await.unwrap(), None);
}

#[tokio::test]
async fn get_user_reports_usage_and_limits() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("heavy")).await.unwrap();
    fake.set_used_traffic("heavy", 7 * GIB);
    let user = panel.get_user("heavy").await.unwrap().unwrap();
    assert_eq!((user.used_traffic_bytes, user.status), (7 * GIB, PanelUserStatus::Active));
    fake.set_used_traffic("heavy", 50 * GIB);
    assert_eq!(panel.get_user("heavy").await.unwrap().unwrap().status, PanelUserStatus::Limited);
    let change = UserChange { traffic_limit_bytes: Some(Some(80 * GIB)), ..Default::default() };
    assert_eq!(panel.update_user("heavy", &change).await.unwrap().status, PanelUserStatus::Active);
    fake.set_status("heavy", "on_hold");
    assert_eq!(panel.get_user("heavy").await.unwrap().unwrap().status, PanelUserStatus::Active);
}

#[tokio::test]
async fn update_user_extends_disables_and_enables() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("changing")).await.unwrap();

    let extended = in_days(45);
    let change = UserChange {
        expire_at: Some(extended),
        traffic_limit_bytes: Some(None),
        device_limit: Some(Some(2)),
        ..Default::default()
    };
    let user = panel.update_user("changing", &change).await.unwrap();
    assert_eq!((user.expire_at, user.traffic_limit_bytes), (Some(extended), None));

    let disable = UserChange { enabled: Some(false), ..Default::default() };
    assert_eq!(panel.update_user("changing", &disable).await.unwrap().status, PanelUserStatus::Disabled);
    assert_eq!(fake.user("changing").unwrap()["status"], "disabled");
    assert_eq!(panel.update_user("changing", &disable).await.unwrap().status, PanelUserStatus::Disabled);

    let enable = UserChange { enabled: Some(true), ..Default::default() };
    assert_eq!(panel.update_user("changing", &enable).await.unwrap().status, PanelUserStatus::Active);
    assert_eq!(panel.update_user("changing", &enable).await.unwrap().status, PanelUserStatus::Active);
}

#[tokio::test]
async fn extending_an_expired_user_revives_it() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("lapsed")).await.unwrap();
    fake.set_status("lapsed", "expired");
    let enable = UserChange { enabled: Some(true), ..Default::default() };
    assert_eq!(panel.update_user("lapsed", &enable).await.unwrap().status, PanelUserStatus::Expired);
    let extend = UserChange { expire_at: Some(in_days(31)), ..Default::default() };
    assert_eq!(panel.update_user("lapsed", &extend).await.unwrap().status, PanelUserStatus::Active);
    // A disabled user stays disabled through a renewal.
    let disable = UserChange { enabled: Some(false), ..Default::default() };
    panel.update_user("lapsed", &disable).await.unwrap();
    let renewed = panel.ensure_user(&UserSpec { expire_at: in_days(62), ..spec("lapsed") }).await.unwrap();
    assert_eq!(renewed.status, PanelUserStatus::Disabled);
}

#[tokio::test]
async fn updating_or_resetting_a_missing_user_is_rejected() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let change = UserChange { expire_at: Some(in_days(1)), ..Default::default() };
    assert!(matches!(panel.update_user("ghost", &change).await, Err(PanelError::Rejected(_))));
    assert!(matches!(panel.reset_subscription("ghost").await, Err(PanelError::Rejected(_))));
}

#[tokio::test]
async fn reset_subscription_issues_a_new_link_and_kills_the_old_one() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let before = panel.ensure_user(&spec("leaked")).await.unwrap();

    let after = panel.reset_subscription("leaked").await.unwrap();

    assert_ne!(after.subscription_url, before.subscription_url);
    assert!(after.subscription_url.starts_with(&fake.url()));
    assert_eq!(reqwest::get(&before.subscription_url).await.unwrap().status(), 404);
    assert!(reqwest::get(&after.subscription_url).await.unwrap().status().is_success());
}

#[tokio::test]
async fn absolute_links_are_kept() {
    let fake = FakeMarzban::start().await;
    fake.set_subscription_prefix("https://sub.example.com");
    let user = panel(&fake).ensure_user(&spec("abs")).await.unwrap();
    assert!(user.subscription_url.starts_with("https://sub.example.com/sub/"), "{}", user.subscription_url);
}

#[tokio::test]
async fn delete_user_removes_it_and_tolerates_a_missing_user() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("leaving")).await.unwrap();
    panel.delete_user("leaving").await.unwrap();
    assert!(fake.users().is_empty());
    assert_eq!(panel.get_user("leaving").await.unwrap(), None);
    panel.delete_user("leaving").await.unwrap();
}

#[tokio::test]
async fn an_expired_token_is_renewed_transparently() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec("renewing")).await.unwrap();
    assert_eq!(fake.token_logins(), 1);

    fake.expire_tokens();
    let user = panel.get_user("renewing").await.unwrap().unwrap();

    assert_eq!(user.username, "renewing");
    assert_eq!(fake.token_logins(), 2);
    // Many calls meeting the dead token at once share one new login.
    fake.expire_tokens();
    let calls = (0..8).map(|_| panel.get_user("renewing"));
    for result in futures::future::join_all(calls).await {
        assert!(result.unwrap().is_some());
    }
    assert_eq!(fake.token_logins(), 3);
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_and_not_retried() {
    let fake = FakeMarzban::start().await;
    let (username, _) = fake.admin_credentials();
    let panel = connect(login_config(&fake.url(), &username, "hunter2-wrong"), reqwest::Client::new()).unwrap();
    let err = panel.ensure_user(&spec("denied")).await.unwrap_err();
    assert_eq!(err, PanelError::Unauthorized);
    assert!(!err.is_retryable());
    assert!(!format!("{err} {err:?}").contains("hunter2"));
    assert_eq!(fake.token_logins(), 0);
    assert_eq!(fake.requests(), 1, "one failed login, nothing else");
    assert!(fake.users().is_empty());
}

#[tokio::test]
async fn a_static_token_works_until_it_dies() {
    let fake = FakeMarzban::start().await;
    let (username, password) = fake.admin_credentials();
    let login: Value = reqwest::Client::new()
        .post(format!("{}/api/admin/token", fake.url()))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let config = PanelConfig {
        kind: PanelKind::named("marzban"),
        base_url: fake.url(),
        credentials: PanelCredentials::token(SecretString::from(token)),
    };
    let panel = connect(config, reqwest::Client::new()).unwrap();
    assert_eq!(panel.get_user("nobody").await.unwrap(), None);
    fake.expire_tokens();
    assert_eq!(panel.get_user("nobody").await.unwrap_err(), PanelError::Unauthorized);
    assert_eq!(fake.token_logins(), 1);
}

#[tokio::test]
async fn server_errors_and_outages_are_unavailable_and_retryable() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    fake.fail_next(1, 502);
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(ref text) if text.contains("502")), "{err:?}");
    assert!(err.is_retryable());
    fake.fail_next(1, 500);
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Unavailable(_))));

    fake.set_down(true);
    let err = panel.ensure_user(&spec("during_outage")).await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(_)), "{err:?}");
    fake.set_down(false);

    panel.ensure_user(&spec("during_outage")).await.unwrap();
    assert_eq!(fake.users().len(), 1);
}

#[tokio::test]
async fn garbage_answers_are_protocol_errors() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    panel.get_user("warm_up").await.unwrap();
    fake.garbage_next(1);
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Protocol(_)), "{err:?}");
    assert!(err.is_retryable());
    fake.respond_next(1, 200, r#"{"username": "anyone", "status": "sleeping"}"#);
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Protocol(_))));
    // A login answer without a token is garbage too.
    fake.expire_tokens();
    fake.respond_next(1, 401, r#"{"detail": "Could not validate credentials"}"#);
    fake.respond_next(1, 200, r#"{"token_type": "bearer"}"#);
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Protocol(_))));
}

#[tokio::test]
async fn a_slow_panel_times_out_as_unavailable() {
    let fake = FakeMarzban::start().await;
    let options = PanelOptions { timeout: Duration::from_millis(200) };
    let panel = connect_with(config(&fake), reqwest::Client::new(), options).unwrap();
    // The login itself hangs.
    fake.delay_next(Duration::from_secs(2));
    let started = Instant::now();
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(ref text) if text.contains("no answer in time")), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn invalid_requests_are_rejected_with_the_panels_reason() {
    let fake = FakeMarzban::start().await;
    let panel = panel(&fake);
    let err = panel.ensure_user(&spec("x")).await.unwrap_err();
    assert!(matches!(err, PanelError::Rejected(ref text) if text.contains("3 to 32 characters")), "{err:?}");
    assert!(!err.is_retryable());
    let err = panel.ensure_user(&UserSpec { options: only(&["NOPE"]), ..spec("bad_inbound") }).await.unwrap_err();
    assert!(matches!(err, PanelError::Rejected(ref text) if text.contains("no inbound NOPE")), "{err:?}");
    assert!(fake.user("bad_inbound").is_none(), "refused before anything is created");
}

#[tokio::test]
async fn a_wrong_base_url_is_not_mistaken_for_a_missing_user() {
    let fake = FakeMarzban::start().await;
    let (username, password) = fake.admin_credentials();
    let panel =
        connect(login_config(&format!("{}/wrong", fake.url()), &username, &password), reqwest::Client::new()).unwrap();
    // The login route is missing too: 404 `Not Found`.
    assert!(matches!(panel.delete_user("anyone").await, Err(PanelError::Rejected(_))));
}
