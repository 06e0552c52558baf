//! One scenario of the PasarGuard contract, run against the fake PasarGuard
//! and against the real PasarGuard 5.2.1 from the panel kit (`shared/panels`;
//! required in CI) — where the two disagree, the fake is wrong: the trap (a user without groups
//! is made, and served nothing), a plan without groups creates no user, a
//! user with our name but another owner's note is never touched, and the
//! whole lifecycle — create, renew, device limit, disable, enable, reset
//! link, delete — as the adapter drives it.

use bazar_panels::{
    Choice, PanelConfig, PanelCredentials, PanelError, PanelKind, PanelUserStatus, PlanOptions, UserChange, UserSpec,
    VpnPanel, connect,
};
use bazar_testkit::panels::{FakePasarGuard, RealPasarGuard, marzban_bearer};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

fn in_days(days: i64) -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 + days * 86_400
}

fn spec(username: &str, marker: &str, groups: Option<Choice>) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: in_days(30),
        traffic_limit_bytes: Some(10 << 30),
        device_limit: Some(2),
        telegram_id: Some(42),
        marker: marker.to_owned(),
        legacy_marker: None,
        options: groups.map_or_else(PlanOptions::default, |c| PlanOptions::default().with("groups", c)),
    }
}

async fn fetch(url: &str) -> (u16, String) {
    let reply = reqwest::get(url).await.unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

/// A PasarGuard to run the scenario against.
struct Target {
    url: String,
    username: String,
    password: String,
    group_id: String,
}

#[tokio::test]
async fn the_fake_pasarguard_keeps_the_contract() {
    let fake = FakePasarGuard::start().await;
    let (username, password) = fake.admin_credentials();
    contract(Target { url: fake.url(), username, password, group_id: "1".into() }).await;
}

#[tokio::test]
async fn the_real_pasarguard_keeps_the_contract() {
    let Some(real) = RealPasarGuard::start() else { return };
    let target = Target {
        url: real.url.clone(),
        username: real.username.clone(),
        password: real.password.clone(),
        group_id: real.group_id.clone(),
    };
    contract(target).await;
}

async fn contract(real: Target) {
    let credentials = PanelCredentials::login(&real.username, SecretString::from(real.password.clone()));
    let config = PanelConfig { kind: PanelKind::named("pasarguard"), base_url: real.url.clone(), credentials };
    let panel: Arc<dyn VpnPanel> = connect(config, reqwest::Client::new()).unwrap();
    assert_eq!(panel.kind(), PanelKind::named("pasarguard"));

    // What the panel offers: its groups, by id.
    let catalog = panel.catalog().await.unwrap();
    let group = catalog.find("groups", &real.group_id).unwrap_or_else(|| panic!("{catalog:?}"));
    assert_eq!((group.label.as_str(), group.unusable.as_deref()), ("kit", None), "{catalog:?}");

    // The trap: no `group_ids` is accepted and serves nothing; `[]` is refused.
    let http = reqwest::Client::new();
    let bearer = marzban_bearer(&real.url, &real.username, &real.password).await;
    let create =
        |body: Value| http.post(format!("{}/api/user", real.url)).header("authorization", &bearer).json(&body).send();
    let omitted = create(json!({"username": "ct_nogroups", "expire": in_days(1)})).await.unwrap();
    assert_eq!(omitted.status().as_u16(), 201);
    let omitted: Value = omitted.json().await.unwrap();
    assert_eq!(omitted["group_ids"], json!([]));
    let link = format!("{}{}", real.url, omitted["subscription_url"].as_str().unwrap());
    assert_eq!(fetch(&link).await, (200, String::new()), "an empty subscription, answered 200");
    let empty = create(json!({"username": "ct_emptygroups", "group_ids": []})).await.unwrap();
    assert_eq!(empty.status().as_u16(), 422);
    panel.delete_user("ct_nogroups").await.unwrap();

    // A plan without groups creates nothing.
    let err = panel.ensure_user(&spec("ct_unchosen", "bazar/ctcont/1/1", None)).await.unwrap_err();
    assert!(matches!(err, PanelError::Rejected(_)), "{err:?}");
    assert_eq!(panel.get_user("ct_unchosen").await.unwrap(), None);

    // Created with the plan's groups, expiry, allowance and device limit; the link serves configs.
    let chosen = spec("ct_user", "bazar/ctcont/1/2", Some(Choice::Values(vec![real.group_id.clone()])));
    let user = panel.ensure_user(&chosen).await.unwrap();
    assert_eq!(
        (user.status, user.expire_at, user.traffic_limit_bytes),
        (PanelUserStatus::Active, Some(chosen.expire_at), Some(10 << 30))
    );
    assert_eq!(user.note.as_deref(), Some("bazar/ctcont/1/2"));
    assert!(user.access.connects(), "{:?}", user.access);
    let (status, body) = fetch(&user.subscription_url).await;
    assert!(status == 200 && !body.is_empty(), "the link serves configs");
    let raw: Value = http
        .get(format!("{}/api/user/ct_user", real.url))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (raw["hwid_limit"].clone(), raw["group_ids"].clone()),
        (json!(2), json!([real.group_id.parse::<i64>().unwrap()]))
    );

    // Renewed: the same user, the new expiry; `all` is every usable group.
    let renewed = UserSpec { expire_at: in_days(60), ..spec("ct_user", "bazar/ctcont/1/2", Some(Choice::All)) };
    let again = panel.ensure_user(&renewed).await.unwrap();
    assert_eq!(again.expire_at, Some(renewed.expire_at));

    // Disable, enable, device limit, reset link.
    let off = panel.update_user("ct_user", &UserChange { enabled: Some(false), ..Default::default() }).await.unwrap();
    assert_eq!(off.status, PanelUserStatus::Disabled);
    let on = panel
        .update_user("ct_user", &UserChange { enabled: Some(true), device_limit: Some(Some(5)), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(on.status, PanelUserStatus::Active);
    let raw: Value = http
        .get(format!("{}/api/user/ct_user", real.url))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw["hwid_limit"], 5);
    // The panel compares a link's issue time with the revocation's in whole
    // seconds: a link issued in the same second survives it. Ours is older.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let reset = panel.reset_subscription("ct_user").await.unwrap();
    assert_eq!(fetch(&user.subscription_url).await.0, 404, "the old link stops working");
    assert_eq!(fetch(&reset.subscription_url).await.0, 200);

    // Someone else's user under our name: refused, untouched.
    let theirs = spec("ct_taken", "bazar/otherx/9/9", Some(Choice::All));
    let before = panel.ensure_user(&theirs).await.unwrap();
    let err = panel.ensure_user(&spec("ct_taken", "bazar/ctcont/1/5", Some(Choice::All))).await;
    assert_eq!(err.unwrap_err(), PanelError::Foreign("ct_taken".into()));
    let after = panel.get_user("ct_taken").await.unwrap().unwrap();
    assert_eq!((after.expire_at, after.note), (before.expire_at, before.note));

    // Delete (204), twice.
    panel.delete_user("ct_user").await.unwrap();
    panel.delete_user("ct_user").await.unwrap();
    assert_eq!(panel.get_user("ct_user").await.unwrap(), None);
    let gone = spec("ct_gone", "bazar/ctcont/1/6", Some(Choice::Values(vec!["999".into()])));
    assert!(matches!(panel.ensure_user(&gone).await, Err(PanelError::Rejected(t)) if t.contains("no group 999")));
}
