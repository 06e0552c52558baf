//! One scenario of the Marzban contract, run against the fake Marzban and
//! against the real Marzban 0.8.4 from the panel kit (`shared/panels`; in CI
//! it is required). Where the two disagree, the fake is wrong.
//!
//! It pins what cost money before: a user created without `inbounds` gets
//! none (an empty subscription), `{}` gets every inbound, a plan without an
//! inbound choice creates no user, a user with our name but another owner's
//! note is never touched, and the whole lifecycle (extend, disable, enable,
//! reset link, delete) as the adapter drives it.

use bazar_panels::{
    Choice, PanelConfig, PanelCredentials, PanelError, PanelKind, PanelUserStatus, PlanOptions, UserChange, UserSpec,
    VpnPanel, connect,
};
use bazar_testkit::panels::{FakeMarzban, RealMarzban};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A Marzban to run the scenario against.
struct Target {
    url: String,
    username: String,
    password: String,
}

fn in_days(days: i64) -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64 + days * 86_400
}

fn spec(username: &str, marker: &str, inbounds: Option<Choice>) -> UserSpec {
    UserSpec {
        username: username.to_owned(),
        expire_at: in_days(30),
        traffic_limit_bytes: Some(10 << 30),
        device_limit: None,
        telegram_id: Some(42),
        marker: marker.to_owned(),
        legacy_marker: None,
        options: inbounds.map_or_else(PlanOptions::default, |c| PlanOptions::default().with("inbounds", c)),
    }
}

/// Raw API access, for what the adapter never sends (the traps themselves).
struct Raw {
    http: reqwest::Client,
    url: String,
    bearer: String,
}

impl Raw {
    async fn login(target: &Target) -> Self {
        let http = reqwest::Client::new();
        let bearer = bazar_testkit::panels::marzban_bearer(&target.url, &target.username, &target.password).await;
        Self { http, url: target.url.clone(), bearer }
    }

    async fn create(&self, body: Value) -> (u16, Value) {
        let reply =
            self.http.post(format!("{}/api/user", self.url)).header("authorization", &self.bearer).json(&body).send();
        let reply = reply.await.unwrap();
        let status = reply.status().as_u16();
        (status, reply.json().await.unwrap_or(Value::Null))
    }

    async fn subscription(&self, user: &Value) -> (u16, String) {
        let link = user["subscription_url"].as_str().unwrap();
        let link = if link.starts_with('/') { format!("{}{link}", self.url) } else { link.to_owned() };
        let reply = self.http.get(link).send().await.unwrap();
        (reply.status().as_u16(), reply.text().await.unwrap())
    }

    async fn delete(&self, username: &str) {
        let _ = self
            .http
            .delete(format!("{}/api/user/{username}", self.url))
            .header("authorization", &self.bearer)
            .send()
            .await;
    }
}

async fn contract(target: Target) {
    let credentials = PanelCredentials::login(&target.username, SecretString::from(target.password.clone()));
    let config = PanelConfig { kind: PanelKind::named("marzban"), base_url: target.url.clone(), credentials };
    let panel: Arc<dyn VpnPanel> = connect(config, reqwest::Client::new()).unwrap();
    let raw = Raw::login(&target).await;

    // What the panel offers.
    let catalog = panel.catalog().await.unwrap();
    let inbounds = catalog.entries("inbounds");
    assert!(inbounds.len() >= 2, "{catalog:?}");
    let first = inbounds[0].clone();
    let mut by_protocol: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for inbound in inbounds {
        by_protocol.entry(inbound.detail.clone().unwrap_or_default()).or_default().push(inbound.value.clone());
    }

    // The trap: no `inbounds` field gives no inbounds; `{}` gives them all.
    let protocol = first.detail.clone().expect("an inbound's protocol");
    let (status, omitted) = raw.create(json!({"username": "ct_omitted", "proxies": {protocol.clone(): {}}})).await;
    assert_eq!(status, 200, "{omitted}");
    assert_eq!(omitted["links"], json!([]), "{omitted}");
    assert_eq!(omitted["inbounds"], json!({protocol.clone(): []}), "{omitted}");
    assert_eq!(omitted["excluded_inbounds"][&protocol], json!(by_protocol[&protocol]));
    let (status, body) = raw.subscription(&omitted).await;
    assert_eq!((status, body.as_str()), (200, ""), "an empty subscription, answered 200");
    let (_, every) =
        raw.create(json!({"username": "ct_every", "proxies": {protocol.clone(): {}}, "inbounds": {}})).await;
    assert_eq!(every["inbounds"][&protocol], json!(by_protocol[&protocol]));
    assert_eq!(every["links"].as_array().unwrap().len(), by_protocol[&protocol].len());
    let (status, _) = raw.create(json!({"username": "ct_every", "proxies": {protocol.clone(): {}}})).await;
    assert_eq!(status, 409, "a duplicate");
    raw.delete("ct_omitted").await;
    raw.delete("ct_every").await;

    // A plan without a choice creates nothing.
    let err = panel.ensure_user(&spec("ct_unchosen", "bazar/ctcont/1/1", None)).await.unwrap_err();
    assert!(matches!(err, PanelError::Rejected(_)), "{err:?}");
    assert_eq!(panel.get_user("ct_unchosen").await.unwrap(), None);

    // Every inbound, explicitly.
    let all = spec("ct_all", "bazar/ctcont/1/2", Some(Choice::All));
    let user = panel.ensure_user(&all).await.unwrap();
    assert!(user.access.connects(), "{:?}", user.access);
    assert_eq!(user.note.as_deref(), Some("bazar/ctcont/1/2"));
    assert_eq!(user.status, PanelUserStatus::Active);
    assert_eq!(user.expire_at, Some(all.expire_at));
    let (status, body) = raw.subscription(&json!({"subscription_url": user.subscription_url})).await;
    assert!(status == 200 && !body.is_empty(), "the link serves configs");

    // One tag only.
    let one = Choice::Values(vec![first.value.clone()]);
    let user = panel.ensure_user(&spec("ct_one", "bazar/ctcont/1/3", Some(one))).await.unwrap();
    assert!(user.access.connects());
    // A tag the panel does not have is refused, and says so.
    let nope = Choice::Values(vec!["NOPE".to_owned()]);
    let err = panel.ensure_user(&spec("ct_nope", "bazar/ctcont/1/4", Some(nope))).await;
    assert!(matches!(err, Err(PanelError::Rejected(ref t)) if t.contains("NOPE")), "{err:?}");

    // Someone else's user under our name: refused, untouched.
    let theirs = spec("ct_taken", "bazar/otherx/9/9", Some(Choice::All));
    let before = panel.ensure_user(&theirs).await.unwrap();
    let err = panel.ensure_user(&spec("ct_taken", "bazar/ctcont/1/5", Some(Choice::All))).await;
    assert_eq!(err.unwrap_err(), PanelError::Foreign("ct_taken".into()));
    let after = panel.get_user("ct_taken").await.unwrap().unwrap();
    assert_eq!((after.expire_at, after.note.clone()), (before.expire_at, before.note.clone()));

    // Ours again (a retry after a lost answer): converges, same link.
    let first_link = panel.get_user("ct_all").await.unwrap().unwrap().subscription_url;
    let renewed = UserSpec { expire_at: in_days(60), ..all.clone() };
    let again = panel.ensure_user(&renewed).await.unwrap();
    assert_eq!(again.expire_at, Some(renewed.expire_at));
    assert!(again.access.connects());
    // Marzban mints a new token per answer (README quirk 3): compare users by name, not link.
    assert_eq!(again.username, "ct_all");
    assert!(!first_link.is_empty());

    // The lifecycle.
    // One instant for both sides: two calls of `in_days` may fall in different seconds.
    let ninety = in_days(90);
    let change = UserChange { expire_at: Some(ninety), ..Default::default() };
    assert_eq!(panel.update_user("ct_all", &change).await.unwrap().expire_at, Some(ninety));
    let off = UserChange { enabled: Some(false), ..Default::default() };
    assert_eq!(panel.update_user("ct_all", &off).await.unwrap().status, PanelUserStatus::Disabled);
    let on = UserChange { enabled: Some(true), ..Default::default() };
    assert_eq!(panel.update_user("ct_all", &on).await.unwrap().status, PanelUserStatus::Active);
    let old = panel.get_user("ct_all").await.unwrap().unwrap();
    // Marzban's link tokens carry their minting time in whole seconds and a
    // revocation voids tokens minted *before* it: step into the next second.
    let into_next_second = 1_000 - SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_millis() as u64;
    tokio::time::sleep(std::time::Duration::from_millis(into_next_second + 50)).await;
    let reset = panel.reset_subscription("ct_all").await.unwrap();
    assert_ne!(reset.subscription_url, old.subscription_url);
    let (status, _) = raw.subscription(&json!({"subscription_url": old.subscription_url})).await;
    assert_eq!(status, 404, "the old link stops working");
    for username in ["ct_all", "ct_one", "ct_taken"] {
        panel.delete_user(username).await.unwrap();
        assert_eq!(panel.get_user(username).await.unwrap(), None);
    }
    panel.delete_user("ct_all").await.unwrap();
}

#[tokio::test]
async fn the_fake_marzban_keeps_the_contract() {
    let fake = FakeMarzban::start().await;
    let (username, password) = fake.admin_credentials();
    contract(Target { url: fake.url(), username, password }).await;
}

#[tokio::test]
async fn the_real_marzban_keeps_the_contract() {
    let Some(real) = tokio::task::spawn_blocking(RealMarzban::start).await.unwrap() else { return };
    contract(Target { url: real.url.clone(), username: real.username.clone(), password: real.password.clone() }).await;
}
