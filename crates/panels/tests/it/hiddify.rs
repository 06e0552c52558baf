//! The Hiddify adapter against the fake Hiddify (API v2): users found by
//! listing, GiB floats, start date plus whole days, a new uuid (and link) on
//! reset, and the lifecycle.

use bazar_panels::{
    PanelConfig, PanelCredentials, PanelError, PanelKind, PanelUserStatus, PlanOptions, UserChange, UserSpec, VpnPanel,
    connect,
};
use bazar_testkit::panels::FakeHiddify;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

const MARKER: &str = "bazar/q7k2ma/7/42";
const DAY: i64 = 86_400;

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn panel_with_key(fake: &FakeHiddify, key: &str) -> Arc<dyn VpnPanel> {
    let credentials = PanelCredentials::default()
        .with("api_key", SecretString::from(key.to_owned()))
        .with("client_path", SecretString::from(fake.client_path().to_owned()));
    let config = PanelConfig { kind: PanelKind::named("hiddify"), base_url: fake.url(), credentials };
    connect(config, reqwest::Client::new()).unwrap()
}

fn spec(username: &str, marker: &str) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: now() + 30 * DAY,
        traffic_limit_bytes: Some(10 << 30),
        device_limit: Some(2),
        telegram_id: Some(4242),
        marker: marker.into(),
        legacy_marker: None,
        options: PlanOptions::default(),
    }
}

async fn fetch(url: &str) -> (u16, String) {
    let reply = reqwest::get(url).await.unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

#[tokio::test]
async fn the_whole_lifecycle_follows_on_the_panel() {
    let fake = FakeHiddify::start().await;
    let panel = panel_with_key(&fake, &fake.api_key());
    assert_eq!(panel.catalog().await.unwrap(), bazar_panels::PanelCatalog::default(), "plans choose nothing");
    assert_eq!(panel.get_user("nobody").await.unwrap(), None, "its 404 `You have no user` is an empty list");

    let spec = spec("bzq7k2ma_1_x9f3", MARKER);
    let user = panel.ensure_user(&spec).await.unwrap();
    let again = panel.ensure_user(&spec).await.unwrap();
    assert_eq!(fake.users().len(), 1, "a retry never makes a second user");
    assert_eq!(user.panel_id, again.panel_id);
    let raw = &fake.users()[0];
    assert_eq!((raw["usage_limit_GB"].as_f64(), raw["package_days"].as_i64()), (Some(10.0), Some(30)), "{raw}");
    assert_eq!((raw["comment"].as_str(), raw["telegram_id"].as_i64()), (Some(MARKER), Some(4242)));
    let end = user.expire_at.unwrap();
    assert!(end >= spec.expire_at && end - spec.expire_at < DAY, "rounded up to a whole day: {end}");
    assert_eq!(user.status, PanelUserStatus::Active);
    assert!(
        user.subscription_url.ends_with(&format!("/{}/{}/", fake.client_path(), user.panel_id)),
        "{}",
        user.subscription_url
    );
    let (status, configs) = fetch(&user.subscription_url).await;
    assert_eq!(status, 200);
    assert!(!configs.is_empty(), "the link serves configs");

    // Usage in bytes from GiB floats; limits and switches follow.
    fake.set_used_traffic(&spec.username, 3 << 29);
    let read = panel.get_user(&spec.username).await.unwrap().unwrap();
    assert_eq!(read.used_traffic_bytes, 3 << 29);
    let off = UserChange { enabled: Some(false), expire_at: Some(now() + 60 * DAY), ..Default::default() };
    let changed = panel.update_user(&spec.username, &off).await.unwrap();
    assert_eq!(changed.status, PanelUserStatus::Disabled);
    assert!(changed.expire_at.unwrap() >= now() + 60 * DAY);
    let unlimited = UserChange { enabled: Some(true), traffic_limit_bytes: Some(None), ..Default::default() };
    let on = panel.update_user(&spec.username, &unlimited).await.unwrap();
    assert_eq!((on.status, on.traffic_limit_bytes), (PanelUserStatus::Active, None));
    assert!(matches!(panel.update_user("ghost", &unlimited).await, Err(PanelError::Rejected(_))));

    // Reset: a new uuid, so a new link; the old one serves nothing; usage and end kept.
    let reset = panel.reset_subscription(&spec.username).await.unwrap();
    assert_ne!(reset.panel_id, user.panel_id);
    assert_eq!((reset.used_traffic_bytes, reset.expire_at), (3 << 29, on.expire_at));
    assert_eq!(fetch(&user.subscription_url).await.0, 404, "the old link is revoked");
    assert_eq!(fetch(&reset.subscription_url).await.0, 200);
    assert_eq!(fake.users().len(), 1);

    // Someone else's user under our name is left alone.
    let theirs = panel.ensure_user(&self::spec("taken_name", "someone else")).await.unwrap();
    assert!(matches!(panel.ensure_user(&self::spec("taken_name", MARKER)).await, Err(PanelError::Foreign(_))));
    assert_eq!(panel.get_user("taken_name").await.unwrap().unwrap().panel_id, theirs.panel_id);

    panel.delete_user(&spec.username).await.unwrap();
    panel.delete_user(&spec.username).await.unwrap();
    assert_eq!(panel.get_user(&spec.username).await.unwrap(), None, "deleted, and deleting again succeeds");
}

#[tokio::test]
async fn a_wrong_key_and_an_outage_say_what_to_do() {
    let fake = FakeHiddify::start().await;
    let wrong = panel_with_key(&fake, "00000000-0000-4000-8000-000000000000");
    assert_eq!(wrong.catalog().await.unwrap_err(), PanelError::Unauthorized);
    assert_eq!(wrong.probe().await.unwrap_err(), PanelError::Unauthorized, "its 403 `Unathorized`");
    let panel = panel_with_key(&fake, &fake.api_key());
    panel.probe().await.unwrap();
    fake.fail_next(1, 503);
    let outage = panel.ensure_user(&spec("bzq7k2ma_2_aaaa", MARKER)).await.unwrap_err();
    assert!(outage.is_retryable(), "{outage:?}");
    assert!(fake.users().is_empty());
}
