//! The Remnawave adapter against the fake Remnawave panel (2.x and 3.x).

use bazar_panels::{
    Choice, PanelConfig, PanelCredentials, PanelError, PanelKind, PanelOptions, PanelUserStatus, PlanOptions,
    UserChange, UserSpec, VpnPanel, connect, connect_with,
};
use bazar_testkit::panels::FakeRemnawave;
use secrecy::SecretString;
use serde_json::Value;
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

fn config(url: &str, token: &str) -> PanelConfig {
    PanelConfig {
        kind: PanelKind::named("remnawave"),
        base_url: url.to_owned(),
        credentials: PanelCredentials::token(SecretString::from(token.to_owned())),
    }
}

fn panel(fake: &FakeRemnawave) -> Arc<dyn VpnPanel> {
    connect(config(&fake.url(), &fake.token()), reqwest::Client::new()).unwrap()
}

fn spec(fake: &FakeRemnawave, username: &str) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: in_days(30),
        traffic_limit_bytes: Some(50 * GIB),
        device_limit: Some(3),
        telegram_id: Some(123_456_789),
        marker: MARKER.into(),
        legacy_marker: None,
        options: squads(vec![fake.default_squad()]),
    }
}

#[tokio::test]
async fn ensure_user_creates_the_user_as_specified() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    assert_eq!(panel.kind(), PanelKind::named("remnawave"));
    let spec = spec(&fake, "shop7_u42");

    let user = panel.ensure_user(&spec).await.unwrap();

    assert_eq!(user.username, "shop7_u42");
    assert_eq!(user.status, PanelUserStatus::Active);
    assert_eq!(user.expire_at, Some(spec.expire_at));
    assert_eq!(user.traffic_limit_bytes, Some(50 * GIB));
    assert_eq!(user.used_traffic_bytes, 0);
    assert!(user.subscription_url.starts_with(&format!("{}/api/sub/", fake.url())), "{}", user.subscription_url);
    let stored = fake.user("shop7_u42").unwrap();
    assert_eq!(user.panel_id, stored["uuid"]);
    assert_eq!(stored["activeInternalSquads"][0]["uuid"], fake.default_squad().as_str());
    assert_eq!(stored["hwidDeviceLimit"], 3);
    assert_eq!(stored["telegramId"], 123_456_789);
    assert_eq!(stored["description"], MARKER);
    assert_eq!(stored["trafficLimitStrategy"], "NO_RESET");
    // Every request carried the reverse-proxy headers (the fake hangs up otherwise).
    assert_eq!(fake.hung_up(), 0);
    for request in fake.request_log() {
        assert_eq!(request.headers.get("x-forwarded-proto").map(String::as_str), Some("https"));
        assert_eq!(request.headers.get("x-forwarded-for").map(String::as_str), Some("127.0.0.1"));
    }
    // The link works.
    let sub = reqwest::get(&user.subscription_url).await.unwrap();
    assert!(sub.status().is_success());
}

#[tokio::test]
async fn unlimited_traffic_and_unset_options_are_left_to_the_panel() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let spec = UserSpec {
        username: "plain".into(),
        expire_at: in_days(7),
        traffic_limit_bytes: None,
        device_limit: None,
        telegram_id: None,
        marker: MARKER.into(),
        legacy_marker: None,
        options: PlanOptions::default(),
    };
    let user = panel.ensure_user(&spec).await.unwrap();
    assert_eq!(user.traffic_limit_bytes, None);
    let stored = fake.user("plain").unwrap();
    assert_eq!(stored["trafficLimitBytes"], 0);
    assert_eq!(stored["hwidDeviceLimit"], Value::Null);
    assert_eq!(stored["activeInternalSquads"], serde_json::json!([]));
}

#[tokio::test]
async fn ensure_user_twice_creates_one_user_and_updates_it() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let first = panel.ensure_user(&spec(&fake, "twice")).await.unwrap();
    let other_squad = fake.add_squad("Germany");
    let renewed = UserSpec {
        expire_at: in_days(60),
        traffic_limit_bytes: Some(100 * GIB),
        device_limit: None,
        options: squads(vec![other_squad.clone()]),
        ..spec(&fake, "twice")
    };

    let second = panel.ensure_user(&renewed).await.unwrap();

    assert_eq!(fake.users().len(), 1);
    assert_eq!(second.panel_id, first.panel_id);
    assert_eq!(second.subscription_url, first.subscription_url);
    assert_eq!(second.expire_at, Some(renewed.expire_at));
    assert_eq!(second.traffic_limit_bytes, Some(100 * GIB));
    let stored = fake.user("twice").unwrap();
    assert_eq!(stored["hwidDeviceLimit"], Value::Null);
    assert_eq!(stored["description"], MARKER, "the marker is kept");
    assert_eq!(stored["activeInternalSquads"][0]["uuid"], other_squad.as_str());
    assert_eq!(stored["activeInternalSquads"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn ensure_user_converges_when_the_username_was_taken_meanwhile() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec(&fake, "raced")).await.unwrap();
    // The lookup misses the user (created by a concurrent call just after it),
    // so the create meets "username already exists" (400 A019).
    fake.respond_next(1, 404, r#"{"message":"User with specified params not found","errorCode":"A063"}"#);
    let later = UserSpec { expire_at: in_days(90), ..spec(&fake, "raced") };

    let user = panel.ensure_user(&later).await.unwrap();

    assert_eq!(fake.users().len(), 1);
    assert_eq!(user.expire_at, Some(later.expire_at));
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_not_repeated() {
    let fake = FakeRemnawave::start().await;
    let options = PanelOptions { timeout: Duration::from_millis(300) };
    let panel = connect_with(config(&fake.url(), &fake.token()), reqwest::Client::new(), options).unwrap();
    let spec = spec(&fake, "slowpoke");
    // The lookup answers at once; the create is carried out after the client gave up.
    fake.delay_next(Duration::ZERO);
    fake.delay_next(Duration::from_millis(600));
    assert!(matches!(panel.ensure_user(&spec).await, Err(PanelError::Unavailable(_))));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(fake.users().len(), 1, "the panel carried out the create the client gave up on");

    let user = panel.ensure_user(&spec).await.unwrap();

    assert_eq!(fake.users().len(), 1);
    assert_eq!(user.username, "slowpoke");
}

#[tokio::test]
async fn get_user_of_an_unknown_username_is_none() {
    let fake = FakeRemnawave::start().await;
    assert_eq!(panel(&fake).get_user("nobody").await.unwrap(), None);
}

#[tokio::test]
async fn get_user_reports_usage_and_limits() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec(&fake, "heavy")).await.unwrap();
    fake.set_used_traffic("heavy", 7 * GIB);
    let user = panel.get_user("heavy").await.unwrap().unwrap();
    assert_eq!(user.used_traffic_bytes, 7 * GIB);
    assert_eq!(user.status, PanelUserStatus::Active);
    fake.set_used_traffic("heavy", 50 * GIB);
    assert_eq!(panel.get_user("heavy").await.unwrap().unwrap().status, PanelUserStatus::Limited);
    // A bigger allowance makes the panel lift the limit.
    let change = UserChange { traffic_limit_bytes: Some(Some(80 * GIB)), ..Default::default() };
    assert_eq!(panel.update_user("heavy", &change).await.unwrap().status, PanelUserStatus::Active);
}

#[tokio::test]
async fn update_user_extends_disables_and_enables() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec(&fake, "changing")).await.unwrap();

    let extended = in_days(45);
    let change = UserChange { expire_at: Some(extended), traffic_limit_bytes: Some(None), ..Default::default() };
    let user = panel.update_user("changing", &change).await.unwrap();
    assert_eq!(user.expire_at, Some(extended));
    assert_eq!(user.traffic_limit_bytes, None);

    let disable = UserChange { enabled: Some(false), ..Default::default() };
    assert_eq!(panel.update_user("changing", &disable).await.unwrap().status, PanelUserStatus::Disabled);
    assert_eq!(fake.user("changing").unwrap()["status"], "DISABLED");
    // Again: nothing to do, no error (the panel itself would answer A029).
    assert_eq!(panel.update_user("changing", &disable).await.unwrap().status, PanelUserStatus::Disabled);

    let enable = UserChange { enabled: Some(true), device_limit: Some(Some(5)), ..Default::default() };
    assert_eq!(panel.update_user("changing", &enable).await.unwrap().status, PanelUserStatus::Active);
    assert_eq!(fake.user("changing").unwrap()["hwidDeviceLimit"], 5);
    assert_eq!(panel.update_user("changing", &enable).await.unwrap().status, PanelUserStatus::Active);
}

#[tokio::test]
async fn extending_an_expired_user_revives_it() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec(&fake, "lapsed")).await.unwrap();
    fake.set_status("lapsed", "EXPIRED");
    assert_eq!(panel.get_user("lapsed").await.unwrap().unwrap().status, PanelUserStatus::Expired);
    // "enable" does not force an expired user active…
    let enable = UserChange { enabled: Some(true), ..Default::default() };
    assert_eq!(panel.update_user("lapsed", &enable).await.unwrap().status, PanelUserStatus::Expired);
    // …a new expiry does (the same expiry again would not: nothing changes).
    let extend = UserChange { expire_at: Some(in_days(31)), ..Default::default() };
    assert_eq!(panel.update_user("lapsed", &extend).await.unwrap().status, PanelUserStatus::Active);
}

#[tokio::test]
async fn updating_or_resetting_a_missing_user_is_rejected() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let change = UserChange { enabled: Some(false), ..Default::default() };
    assert!(matches!(panel.update_user("ghost", &change).await, Err(PanelError::Rejected(_))));
    assert!(matches!(panel.reset_subscription("ghost").await, Err(PanelError::Rejected(_))));
}

#[tokio::test]
async fn reset_subscription_issues_a_new_link_and_kills_the_old_one() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let before = panel.ensure_user(&spec(&fake, "leaked")).await.unwrap();

    let after = panel.reset_subscription("leaked").await.unwrap();

    assert_ne!(after.subscription_url, before.subscription_url);
    assert!(after.subscription_url.starts_with(&fake.url()));
    assert_eq!(reqwest::get(&before.subscription_url).await.unwrap().status(), 404);
    assert!(reqwest::get(&after.subscription_url).await.unwrap().status().is_success());
    assert_eq!(panel.get_user("leaked").await.unwrap().unwrap().subscription_url, after.subscription_url);
}

#[tokio::test]
async fn delete_user_removes_it_and_tolerates_a_missing_user() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    panel.ensure_user(&spec(&fake, "leaving")).await.unwrap();
    panel.delete_user("leaving").await.unwrap();
    assert!(fake.users().is_empty());
    assert_eq!(panel.get_user("leaving").await.unwrap(), None);
    panel.delete_user("leaving").await.unwrap();
}

#[tokio::test]
async fn server_errors_and_outages_are_unavailable_and_retryable() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    fake.fail_next(1, 500);
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(_)), "{err:?}");
    assert!(err.is_retryable());

    fake.set_down(true);
    let err = panel.ensure_user(&spec(&fake, "during_outage")).await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(ref text) if text.contains("503")), "{err:?}");
    fake.set_down(false);
    fake.fail_for(Duration::from_millis(150));
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Unavailable(_))));
    tokio::time::sleep(Duration::from_millis(200)).await;

    panel.ensure_user(&spec(&fake, "during_outage")).await.unwrap();
    assert_eq!(fake.users().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let fake = FakeRemnawave::start().await;
    let url = fake.url();
    drop(fake);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let panel = connect(config(&url, "whatever"), reqwest::Client::new()).unwrap();
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_and_not_retryable() {
    let fake = FakeRemnawave::start().await;
    let secret = "eyJhbGciOiJIUzI1NiJ9.not-the-token.sig";
    let panel = connect(config(&fake.url(), secret), reqwest::Client::new()).unwrap();
    let err = panel.ensure_user(&spec(&fake, "denied")).await.unwrap_err();
    assert_eq!(err, PanelError::Unauthorized);
    assert!(!err.is_retryable());
    assert!(!format!("{err} {err:?}").contains("not-the-token"));
    assert!(fake.users().is_empty());
}

#[tokio::test]
async fn garbage_answers_are_protocol_errors() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    fake.garbage_next(1);
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Protocol(_)), "{err:?}");
    assert!(err.is_retryable());
    fake.respond_next(1, 200, r#"{"response": {"username": "anyone"}}"#);
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Protocol(_))));
    fake.respond_next(1, 200, r#"{"users": []}"#);
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Protocol(_))));
}

#[tokio::test]
async fn a_slow_panel_times_out_as_unavailable() {
    let fake = FakeRemnawave::start().await;
    let options = PanelOptions { timeout: Duration::from_millis(200) };
    let panel = connect_with(config(&fake.url(), &fake.token()), reqwest::Client::new(), options).unwrap();
    fake.delay_next(Duration::from_secs(2));
    let started = Instant::now();
    let err = panel.get_user("anyone").await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(ref text) if text.contains("no answer in time")), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn invalid_requests_are_rejected_with_the_panels_reason() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let err = panel.ensure_user(&spec(&fake, "no spaces allowed")).await.unwrap_err();
    assert!(
        matches!(err, PanelError::Rejected(ref text) if text.contains("Username can only contain letters")),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    // An unknown squad fails in the panel's database: a 500, so retryable.
    let options = squads(vec!["1b0b9fc1-0000-4000-8000-000000000000".into()]);
    let err = panel.ensure_user(&UserSpec { options, ..spec(&fake, "bad_squad") }).await.unwrap_err();
    assert!(matches!(err, PanelError::Unavailable(ref text) if text.contains("A018")), "{err:?}");
}

#[tokio::test]
async fn a_wrong_base_url_is_not_mistaken_for_a_missing_user() {
    let fake = FakeRemnawave::start().await;
    let panel =
        connect(config(&format!("{}/wrong-prefix", fake.url()), &fake.token()), reqwest::Client::new()).unwrap();
    assert!(matches!(panel.get_user("anyone").await, Err(PanelError::Rejected(_))));
    assert!(matches!(panel.delete_user("anyone").await, Err(PanelError::Rejected(_))));
}

#[tokio::test]
async fn the_fake_hangs_up_on_requests_without_proxy_headers() {
    let fake = FakeRemnawave::start().await;
    let naked = reqwest::Client::new()
        .get(format!("{}/api/users/by-username/anyone", fake.url()))
        .bearer_auth(fake.token())
        .send()
        .await;
    assert!(naked.is_err(), "the real panel answers nothing without X-Forwarded-*: {naked:?}");
    assert_eq!(fake.hung_up(), 1);
    // The adapter sends them.
    assert_eq!(panel(&fake).get_user("anyone").await.unwrap(), None);
    assert_eq!(fake.hung_up(), 1);
}

#[tokio::test]
async fn remnawave_3_users_are_addressed_by_numeric_id() {
    let fake = FakeRemnawave::start_v3().await;
    let panel = panel(&fake);
    let created = panel.ensure_user(&spec(&fake, "modern")).await.unwrap();
    assert!(created.panel_id.parse::<i64>().is_ok(), "{}", created.panel_id);
    assert!(fake.user("modern").unwrap().get("uuid").is_none());

    let renewed = panel.ensure_user(&UserSpec { expire_at: in_days(60), ..spec(&fake, "modern") }).await.unwrap();
    assert_eq!(renewed.panel_id, created.panel_id);
    assert_eq!(fake.users().len(), 1);

    // One instant for both sides: two calls of `in_days` may fall in different seconds.
    let ninety = in_days(90);
    let disable = UserChange { enabled: Some(false), expire_at: Some(ninety), ..Default::default() };
    let user = panel.update_user("modern", &disable).await.unwrap();
    assert_eq!((user.status, user.expire_at), (PanelUserStatus::Disabled, Some(ninety)));
    let enable = UserChange { enabled: Some(true), ..Default::default() };
    assert_eq!(panel.update_user("modern", &enable).await.unwrap().status, PanelUserStatus::Active);

    let reset = panel.reset_subscription("modern").await.unwrap();
    assert_ne!(reset.subscription_url, created.subscription_url);

    panel.delete_user("modern").await.unwrap();
    assert!(fake.users().is_empty());
    let patches: Vec<_> = fake.request_log().into_iter().filter(|r| r.method == "PATCH").collect();
    assert!(patches.iter().all(|r| r.body["id"].is_i64() && r.body.get("uuid").is_none()));
}

#[tokio::test]
async fn a_user_without_a_squad_with_inbounds_cannot_connect() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let no_squad = UserSpec { options: PlanOptions::default(), ..spec(&fake, "nosquad") };
    let user = panel.ensure_user(&no_squad).await.unwrap();
    assert!(!user.access.connects(), "placeholders only: {:?}", user.access);
    let sub = reqwest::get(&user.subscription_url).await.unwrap().text().await.unwrap();
    assert!(sub.contains("No hosts found"), "the fake serves the real panel's placeholders: {sub}");
    let empty = fake.add_squad("Empty");
    fake.set_squad_inbounds(&empty, 0);
    let in_empty = UserSpec { options: squads(vec![empty]), ..spec(&fake, "empty") };
    assert!(!panel.ensure_user(&in_empty).await.unwrap().access.connects());
    assert!(panel.ensure_user(&spec(&fake, "served")).await.unwrap().access.connects());
}

#[tokio::test]
async fn a_user_with_our_name_but_someone_elses_description_is_left_alone() {
    let fake = FakeRemnawave::start().await;
    let panel = panel(&fake);
    let theirs = UserSpec { marker: "bazar/otherx/1/1".into(), telegram_id: Some(1), ..spec(&fake, "bz_taken_1") };
    panel.ensure_user(&theirs).await.unwrap();
    let before = fake.user("bz_taken_1").unwrap();

    let err = panel.ensure_user(&spec(&fake, "bz_taken_1")).await.unwrap_err();

    assert_eq!(err, PanelError::Foreign("bz_taken_1".into()));
    assert!(!err.is_retryable());
    let after = fake.user("bz_taken_1").unwrap();
    assert_eq!(after["telegramId"], before["telegramId"]);
    assert_eq!(after["expireAt"], before["expireAt"]);
    assert_eq!(after["description"], "bazar/otherx/1/1");
}

#[tokio::test]
async fn the_catalog_lists_the_internal_squads_with_their_inbounds() {
    let fake = FakeRemnawave::start_v3().await;
    let germany = fake.add_squad("Germany");
    fake.set_squad_inbounds(&germany, 0);
    let catalog = panel(&fake).catalog().await.unwrap();
    let squads = catalog.entries("squads");
    assert_eq!(squads.len(), 2);
    assert!(
        squads.iter().any(|s| s.value == fake.default_squad() && s.label == "Default-Squad" && s.unusable.is_none())
    );
    assert!(squads.iter().any(|s| s.value == germany && s.unusable.as_deref() == Some("holds no inbounds")));
}

/// Options choosing these internal squads.
fn squads(uuids: Vec<String>) -> PlanOptions {
    PlanOptions::default().with("squads", Choice::Values(uuids))
}
