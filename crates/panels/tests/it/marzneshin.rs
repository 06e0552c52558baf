//! The Marzneshin adapter against the fake Marzneshin: services, the expiry
//! strategy every PUT repeats, enable/disable routes, and the lifecycle.

use bazar_panels::{
    Choice, PanelConfig, PanelCredentials, PanelError, PanelKind, PanelUserStatus, PlanOptions, UserChange, UserSpec,
    VpnPanel, connect,
};
use bazar_testkit::panels::FakeMarzneshin;
use secrecy::SecretString;
use serde_json::json;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

const MARKER: &str = "bazar/q7k2ma/7/42";

fn in_days(days: i64) -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 + days * 86_400
}

fn panel(fake: &FakeMarzneshin) -> Arc<dyn VpnPanel> {
    let (username, password) = fake.admin_credentials();
    let credentials = PanelCredentials::login(&username, SecretString::from(password));
    let config = PanelConfig { kind: PanelKind::named("marzneshin"), base_url: fake.url(), credentials };
    connect(config, reqwest::Client::new()).unwrap()
}

fn spec(username: &str, services: Option<Choice>) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: in_days(30),
        traffic_limit_bytes: Some(10 << 30),
        device_limit: Some(2),
        telegram_id: None,
        marker: MARKER.into(),
        legacy_marker: None,
        options: services.map_or_else(PlanOptions::default, |c| PlanOptions::default().with("services", c)),
    }
}

async fn fetch(url: &str) -> (u16, String) {
    let reply = reqwest::get(url).await.unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

#[tokio::test]
async fn the_whole_lifecycle_follows_on_the_panel() {
    let fake = FakeMarzneshin::start().await;
    let panel = panel(&fake);
    let catalog = panel.catalog().await.unwrap();
    let services = catalog.entries("services");
    assert_eq!(services.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(services[1].unusable.as_deref(), Some("holds no inbounds"));

    assert!(matches!(panel.ensure_user(&spec("unchosen", None)).await, Err(PanelError::Rejected(_))));
    assert!(fake.user("unchosen").is_none(), "a plan without services creates nothing");

    let spec = spec("bzq7k2ma_1_x9f3", Some(Choice::All));
    let user = panel.ensure_user(&spec).await.unwrap();
    let raw = fake.user("bzq7k2ma_1_x9f3").unwrap();
    assert_eq!((raw["service_ids"].clone(), raw["expire_strategy"].clone()), (json!([1]), json!("fixed_date")));
    assert_eq!((raw["data_limit"].clone(), raw["note"].clone()), (json!(10u64 << 30), json!(MARKER)));
    assert_eq!((user.status, user.expire_at), (PanelUserStatus::Active, Some(spec.expire_at)));
    assert!(user.access.connects());
    let (status, body) = fetch(&user.subscription_url).await;
    assert!(status == 200 && !body.is_empty(), "the link serves configs: {}", user.subscription_url);

    let renewed = UserSpec { expire_at: in_days(60), ..spec.clone() };
    assert_eq!(panel.ensure_user(&renewed).await.unwrap().expire_at, Some(renewed.expire_at));
    assert_eq!(fake.users().len(), 1);

    let later = in_days(90);
    let change = UserChange { expire_at: Some(later), enabled: Some(false), ..Default::default() };
    let off = panel.update_user(&spec.username, &change).await.unwrap();
    assert_eq!((off.status, off.expire_at), (PanelUserStatus::Disabled, Some(later)));
    let disable = UserChange { enabled: Some(false), ..Default::default() };
    let again = panel.update_user(&spec.username, &disable).await;
    assert_eq!(again.unwrap().status, PanelUserStatus::Disabled, "disabling twice is harmless");
    let on = panel.update_user(&spec.username, &UserChange { enabled: Some(true), ..Default::default() }).await;
    assert_eq!(on.unwrap().status, PanelUserStatus::Active);

    fake.set_used_traffic(&spec.username, 11 << 30);
    assert_eq!(panel.get_user(&spec.username).await.unwrap().unwrap().status, PanelUserStatus::Limited);

    let reset = panel.reset_subscription(&spec.username).await.unwrap();
    assert_ne!(reset.subscription_url, user.subscription_url);
    assert_eq!(fetch(&user.subscription_url).await.0, 404, "the old link stops working");

    let theirs = UserSpec { marker: "bazar/otherx/9/9".into(), ..spec.clone() };
    assert_eq!(panel.ensure_user(&theirs).await.unwrap_err(), PanelError::Foreign(spec.username.clone()));

    panel.delete_user(&spec.username).await.unwrap();
    panel.delete_user(&spec.username).await.unwrap();
    assert_eq!(panel.get_user(&spec.username).await.unwrap(), None);
}

#[tokio::test]
async fn a_partial_put_is_refused_by_the_panel_so_the_adapter_never_sends_one() {
    let fake = FakeMarzneshin::start().await;
    let (username, password) = fake.admin_credentials();
    let bearer = bazar_testkit::panels::marzneshin_bearer(&fake.url(), &username, &password).await;
    let http = reqwest::Client::new();
    let create = json!({"username": "raw_user", "expire_strategy": "never", "service_ids": [1]});
    let made = http.post(format!("{}/api/users", fake.url())).header("authorization", &bearer).json(&create);
    assert_eq!(made.send().await.unwrap().status().as_u16(), 200);
    let partial = http.put(format!("{}/api/users/raw_user", fake.url())).header("authorization", &bearer);
    assert_eq!(partial.json(&json!({"data_limit": 5})).send().await.unwrap().status().as_u16(), 422);
    let limit = UserChange { traffic_limit_bytes: Some(Some(5 << 30)), ..Default::default() };
    let changed = panel(&fake).update_user("raw_user", &limit).await;
    assert_eq!(changed.unwrap().traffic_limit_bytes, Some(5 << 30));
    assert_eq!(fake.user("raw_user").unwrap()["expire_strategy"], "never", "the strategy is carried over");
}
