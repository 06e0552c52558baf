//! Several databases selling on one panel — two fresh installations, a
//! restored copy running beside its original — never touch each other's VPN
//! users; a user under our name that is someone else's is refused, not
//! overwritten; a panel that answers with a user who cannot connect ends in
//! retries and a refund, never "ready". Run against the fake Remnawave, the
//! fake Marzban and the real Marzban from the panel kit (required in CI).

use bazar_domain::{BotToken, Choice, Currency, JobKind, Money, PanelKind, PlanNames, PlanOptions, TelegramUserId};
use bazar_panels::{PanelConfig, PanelCredentials, UserSpec, VpnPanel};
use bazar_secrets::{Keyring, MasterKey};
use bazar_shop::Purchase;
use bazar_shop::{BuyOutcome, ProvisionOutcome, Provisioner, ProvisionerOptions};
use bazar_store::{
    Customer, CustomerContact, DatabaseOptions, EntryKind, NewBot, NewPanel, NewPlan, Plan, Store, Subscription,
    TenantScope,
};
use bazar_testkit::panels::{FakeMarzban, FakeRemnawave, RealMarzban};
use secrecy::SecretString;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The panel a scenario sells on.
struct Panel {
    kind: PanelKind,
    url: String,
    credentials: PanelCredentials,
    options: PlanOptions,
}

impl Panel {
    fn remnawave(fake: &FakeRemnawave) -> Self {
        Self {
            kind: PanelKind::named("remnawave"),
            url: fake.url(),
            credentials: PanelCredentials::token(SecretString::from(fake.token())),
            options: PlanOptions::default().with("squads", Choice::Values(vec![fake.default_squad()])),
        }
    }

    fn marzban(url: String, username: String, password: String) -> Self {
        Self {
            kind: PanelKind::named("marzban"),
            url,
            credentials: PanelCredentials::login(&username, SecretString::from(password)),
            options: PlanOptions::default().with("inbounds", Choice::All),
        }
    }

    fn client(&self) -> Arc<dyn VpnPanel> {
        let config =
            PanelConfig { kind: self.kind.clone(), base_url: self.url.clone(), credentials: self.credentials.clone() };
        bazar_panels::connect(config, reqwest::Client::new()).unwrap()
    }
}

/// One shop in one database.
struct Shop {
    store: Store,
    scope: TenantScope,
    plan: Plan,
    customer: Customer,
    provisioner: Provisioner,
}

const TOKEN: &str = "4242:AAE00000000000000000000000000000000";

fn sqlite(dir: &Path) -> DatabaseOptions {
    DatabaseOptions::new(format!("sqlite://{}", dir.join("bazar.db").display()))
}

/// A fresh PostgreSQL database (the testkit's throwaway cluster), else a
/// SQLite one in `dir` where PostgreSQL is not installed (and not required).
fn postgres_or_sqlite(dir: &Path) -> DatabaseOptions {
    match bazar_testkit::postgres::PgCluster::shared() {
        Some(cluster) => {
            let db = cluster.create_database();
            let mut options = DatabaseOptions::new(db.app_url);
            options.migration_url = Some(db.owner_url);
            options
        }
        None => sqlite(dir),
    }
}

async fn open(options: &DatabaseOptions, key: &MasterKey) -> Store {
    let key = MasterKey::parse(&key.to_base64()).unwrap();
    Store::open(options, Keyring::new(key, vec![])).await.unwrap()
}

/// A database with one shop on `panel`: bot 1, one plan, one customer — the
/// same ids in every database, as fresh installations have.
async fn new_shop(options: &DatabaseOptions, key: &MasterKey, panel: &Panel) -> Shop {
    let store = open(options, key).await;
    let platform = platform();
    let bot = NewBot {
        token: BotToken::parse(TOKEN).unwrap(),
        name: "shop".into(),
        username: Some("shop_bot".into()),
        is_master: false,
        admins: vec![],
        owner: None,
    };
    let (record, _) = store.platform(&platform).add_bot(bot).await.unwrap();
    let scope = store.platform(&platform).tenant(record.id).await.unwrap();
    let new_panel = NewPanel {
        name: "shared".into(),
        kind: panel.kind.clone(),
        base_url: panel.url.clone(),
        credentials: panel.credentials.clone(),
        make_default: true,
        catalog: None,
    };
    store.platform(&platform).add_panel(new_panel).await.unwrap();
    let plan = NewPlan {
        names: PlanNames { en: Some("Month".into()), ..PlanNames::default() },
        duration_days: 30,
        traffic_bytes: Some(10 << 30),
        device_limit: None,
        price: bazar_domain::Money::irt(50_000),
        sort: 0,
        panel_options: panel.options.clone(),
    };
    let plan = store.tenant(&scope).add_plan(&plan).await.unwrap();
    let contact =
        CustomerContact { telegram_id: TelegramUserId::from_raw(9), username: None, first_name: None, language: None };
    let (customer, _) = store.tenant(&scope).record_contact(&contact).await.unwrap();
    reopen(store, scope, plan, customer)
}

fn reopen(store: Store, scope: TenantScope, plan: Plan, customer: Customer) -> Shop {
    let options = ProvisionerOptions { max_attempts: 2, retry_base: Duration::from_millis(1) };
    let provisioner = Provisioner::new(store.clone(), platform(), reqwest::Client::new(), options);
    Shop { store, scope, plan, customer, provisioner }
}

/// The shop's customer pays for the plan; returns the subscription, still being provisioned.
async fn buy(shop: &Shop, key: &str) -> Subscription {
    let mut tx = shop.store.tenant(&shop.scope).begin().await.unwrap();
    let topup = format!("topup:{key}");
    tx.post(shop.customer.id, Money::irt(50_000), EntryKind::TopUp, &topup, None).await.unwrap();
    let bought =
        bazar_shop::buy(&mut tx, shop.customer.id, shop.plan.id, &Purchase::plain(key, Currency::Irt)).await.unwrap();
    tx.commit().await.unwrap();
    let BuyOutcome::Bought { subscription, .. } = bought else { panic!("{bought:?}") };
    subscription
}

/// Runs the shop's due provisioning jobs (each once) and returns the last outcome.
async fn provision(shop: &Shop) -> ProvisionOutcome {
    let platform = platform();
    let jobs = shop.store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let (job, args) = jobs
        .iter()
        .find_map(|j| match &j.kind {
            JobKind::Provision(args) => Some((j, args)),
            _ => None,
        })
        .expect("a provision job");
    shop.provisioner.run(&shop.scope, job, args).await.unwrap()
}

async fn sell(shop: &Shop, key: &str) -> Subscription {
    buy(shop, key).await;
    match provision(shop).await {
        ProvisionOutcome::Delivered(subscription) => subscription,
        other => panic!("not delivered: {other:?}"),
    }
}

async fn balance(shop: &Shop) -> Money {
    let mut tx = shop.store.tenant(&shop.scope).begin_read().await.unwrap();
    let balance = tx.balance(shop.customer.id, Currency::Irt).await.unwrap();
    tx.commit().await.unwrap();
    balance
}

async fn scenario(panel: Panel) {
    let client = panel.client();
    let (key, dir_a, dir_b, dir_copy) = (
        MasterKey::generate(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    // A on SQLite, B on PostgreSQL: both backends pick their names the same way.
    let a = new_shop(&sqlite(dir_a.path()), &key, &panel).await;
    let b = new_shop(&postgres_or_sqlite(dir_b.path()), &key, &panel).await;
    assert_ne!(a.store.installation(), b.store.installation(), "each database has its own installation id");

    // Two fresh databases, the same ids (bot 1, subscription 1): two users.
    let sold_a = sell(&a, "buy:a1").await;
    let user_a = client.get_user(&sold_a.panel_username).await.unwrap().expect("A's user");
    let sold_b = sell(&b, "buy:b1").await;
    assert_eq!(sold_a.id, sold_b.id, "the same subscription id in both databases");
    assert_ne!(sold_a.panel_username, sold_b.panel_username);
    assert!(sold_a.panel_username.contains(a.store.installation().as_str()));
    let after = client.get_user(&sold_a.panel_username).await.unwrap().expect("A's user is still there");
    assert_eq!((after.expire_at, after.traffic_limit_bytes), (user_a.expire_at, user_a.traffic_limit_bytes));
    assert_eq!(after.note, user_a.note, "A's user still carries A's marker");
    assert_ne!(sold_a.subscription_url, sold_b.subscription_url, "B's customer got B's own link");

    // A restored copy of A, selling beside A: the same installation id and
    // the same next subscription id, yet different users.
    let Shop { store, scope, plan, customer, provisioner } = a;
    drop(provisioner);
    store.database().close().await;
    std::fs::copy(dir_a.path().join("bazar.db"), dir_copy.path().join("bazar.db")).unwrap();
    let a = reopen(open(&sqlite(dir_a.path()), &key).await, scope.clone(), plan.clone(), customer.clone());
    let copy = reopen(open(&sqlite(dir_copy.path()), &key).await, scope, plan, customer);
    assert_eq!(a.store.installation(), copy.store.installation());
    let next_a = sell(&a, "buy:a2").await;
    let next_copy = sell(&copy, "buy:copy2").await;
    assert_eq!(next_a.id, next_copy.id);
    assert_ne!(next_a.panel_username, next_copy.panel_username, "the random part keeps them apart");
    let kept = client.get_user(&next_a.panel_username).await.unwrap().unwrap();
    assert_eq!(kept.note.as_deref(), Some(format!("bazar/{}/1/{}", a.store.installation(), next_a.id).as_str()));

    // Someone else's user under the name a subscription is about to take:
    // refused and refunded, the user left as it was.
    let pending = buy(&b, "buy:b2").await;
    let theirs = UserSpec {
        username: pending.panel_username.clone(),
        expire_at: 1_900_000_000,
        traffic_limit_bytes: Some(1 << 30),
        device_limit: None,
        telegram_id: Some(1),
        marker: "somebody else's".into(),
        legacy_marker: None,
        options: panel.options.clone(),
    };
    client.ensure_user(&theirs).await.unwrap();
    let outcome = provision(&b).await;
    let ProvisionOutcome::Refunded { error, .. } = outcome else { panic!("{outcome:?}") };
    assert!(error.contains("belongs to someone else"), "{error}");
    let untouched = client.get_user(&pending.panel_username).await.unwrap().unwrap();
    assert_eq!((untouched.expire_at, untouched.note.as_deref()), (Some(1_900_000_000), Some("somebody else's")));
    assert_eq!(balance(&b).await, Money::irt(50_000), "the customer got the money back");

    for user in [&sold_a, &sold_b, &next_a, &next_copy, &pending] {
        client.delete_user(&user.panel_username).await.unwrap();
    }
}

#[tokio::test]
async fn two_databases_never_touch_each_others_users_on_remnawave() {
    let fake = FakeRemnawave::start().await;
    scenario(Panel::remnawave(&fake)).await;
}

#[tokio::test]
async fn two_databases_never_touch_each_others_users_on_marzban() {
    let fake = FakeMarzban::start().await;
    let (username, password) = fake.admin_credentials();
    scenario(Panel::marzban(fake.url(), username, password)).await;
}

#[tokio::test]
async fn two_databases_never_touch_each_others_users_on_the_real_marzban() {
    let Some(real) = tokio::task::spawn_blocking(RealMarzban::start).await.unwrap() else { return };
    scenario(Panel::marzban(real.url.clone(), real.username.clone(), real.password.clone())).await;
}

#[tokio::test]
async fn a_user_who_cannot_connect_is_retried_then_refunded_never_delivered() {
    let fake = FakeRemnawave::start().await;
    let panel = Panel::remnawave(&fake);
    let (key, dir) = (MasterKey::generate(), tempfile::tempdir().unwrap());
    let shop = new_shop(&sqlite(dir.path()), &key, &panel).await;
    // The squad the plan names lost its inbounds: users in it get placeholders only.
    fake.set_squad_inbounds(&fake.default_squad(), 0);
    buy(&shop, "buy:1").await;
    let first = provision(&shop).await;
    assert!(
        matches!(first, ProvisionOutcome::Retrying { ref error, .. } if error.contains("cannot connect")),
        "{first:?}"
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    let last = provision(&shop).await;
    assert!(matches!(last, ProvisionOutcome::Refunded { .. }), "{last:?}");
    assert_eq!(balance(&shop).await, Money::irt(50_000), "refunded once");
}

#[tokio::test]
async fn a_plan_whose_options_do_not_fit_the_panel_is_not_sold() {
    let fake = FakeMarzban::start().await;
    let (username, password) = fake.admin_credentials();
    let mut panel = Panel::marzban(fake.url(), username, password);
    panel.options = PlanOptions::default();
    let (key, dir) = (MasterKey::generate(), tempfile::tempdir().unwrap());
    let shop = new_shop(&postgres_or_sqlite(dir.path()), &key, &panel).await;
    let mut tx = shop.store.tenant(&shop.scope).begin().await.unwrap();
    tx.post(shop.customer.id, Money::irt(50_000), EntryKind::TopUp, "topup", None).await.unwrap();
    let bought =
        bazar_shop::buy(&mut tx, shop.customer.id, shop.plan.id, &Purchase::plain("buy", Currency::Irt)).await.unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(bought, BuyOutcome::PlanUnavailable), "{bought:?}");
    assert_eq!(balance(&shop).await, Money::irt(50_000), "nothing charged");
    assert!(fake.users().is_empty());
}

use crate::platform;
