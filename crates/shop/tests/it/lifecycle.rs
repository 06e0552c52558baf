//! A subscription's life: bought, provisioned (with its reminders and expiry
//! scheduled), reminded once, expired once and disabled on the panel.

use bazar_domain::jobs::ExpireJob;
use bazar_domain::{BotToken, ConfigKey, ConfigValue, Currency, JobKind, Money, PlanNames, TelegramUserId};
use bazar_secrets::{Keyring, MasterKey};
use bazar_shop::Purchase;
use bazar_shop::lifecycle::{self, Notice};
use bazar_shop::{BuyOutcome, ProvisionOutcome, Provisioner, ProvisionerOptions};
use bazar_store::{
    CustomerContact, DatabaseOptions, EntryKind, Job, NewBot, NewPanel, NewPlan, Store, SubscriptionStatus,
};
use bazar_testkit::panels::FakeRemnawave;
use std::time::Duration;

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn bought_provisioned_reminded_expired() {
    let Shop { url, _dir, store, scope, panel, plan, customer } =
        shop("4242:AAE00000000000000000000000000000000", Some(10 << 30)).await;
    let platform = platform();

    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let bought = crate::top_up_and_buy(&mut tx, customer.id, plan.id, 50_000).await;
    assert!(matches!(bought, BuyOutcome::Bought { .. }));
    tx.commit().await.unwrap();

    let provisioner =
        Provisioner::new(store.clone(), platform.clone(), reqwest_client(), ProvisionerOptions::default());
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    assert_eq!(jobs.len(), 1);
    let JobKind::Provision(args) = &jobs[0].kind else { panic!("{:?}", jobs[0]) };
    let outcome = provisioner.run(&scope, &jobs[0], args).await.unwrap();
    let ProvisionOutcome::Delivered(subscription) = outcome else { panic!("{outcome:?}") };
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    let expires = subscription.expires_at.unwrap();
    assert_eq!(panel.users().len(), 1);

    // Scheduled with it: the 1-day reminder (the 3-day one would be now) and the expiry.
    let scheduled = scheduled_jobs(&url).await;
    assert_eq!(scheduled.len(), 2, "{scheduled:?}");
    let (remind, reminded) = find(&scheduled, |k| match k {
        JobKind::Remind(args) => Some(*args),
        _ => None,
    });
    let (expire, ending) = expiry(&scheduled);
    assert_eq!(reminded.days, 1);

    let in_a_day = expires - DAY / 2;
    let notice = lifecycle::remind(&store, &scope, remind, &reminded, in_a_day).await.unwrap();
    assert!(matches!(notice, Notice::Reminder { days: 1, .. }), "{notice:?}");
    let again = lifecycle::remind(&store, &scope, remind, &reminded, in_a_day).await.unwrap();
    assert_eq!(again, Notice::Nothing, "once");

    // Not yet at the end: nothing; at the end: expired once, and disabled on the panel.
    assert!(lifecycle::expire_due(&store, &scope, expire, &ending, expires - 1).await.unwrap().is_none());
    let expired = lifecycle::expire_due(&store, &scope, expire, &ending, expires + 1).await.unwrap().expect("expired");
    assert!(lifecycle::expire_due(&store, &scope, expire, &ending, expires + 2).await.unwrap().is_none(), "once");
    provisioner.disable_on_panel(&expired).await;
    let user = panel.users().pop().unwrap();
    assert_eq!(user["status"], "DISABLED", "{user}");
    let mut tx = store.tenant(&scope).begin_read().await.unwrap();
    assert_eq!(tx.subscription(expired.id).await.unwrap().unwrap().status, SubscriptionStatus::Expired);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn auto_renewal_extends_instead_of_expiring() {
    let Shop { url, _dir, store, scope, panel, plan, customer } =
        shop("4243:AAE00000000000000000000000000000000", None).await;
    let platform = platform();
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    crate::top_up_and_buy(&mut tx, customer.id, plan.id, 60_000).await;
    tx.set_auto_renew(customer.id, true).await.unwrap();
    tx.commit().await.unwrap();
    let provisioner =
        Provisioner::new(store.clone(), platform.clone(), reqwest_client(), ProvisionerOptions::default());
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let JobKind::Provision(args) = &jobs[0].kind else { panic!("{:?}", jobs[0]) };
    let ProvisionOutcome::Delivered(subscription) = provisioner.run(&scope, &jobs[0], args).await.unwrap() else {
        panic!()
    };
    let end = subscription.expires_at.unwrap();

    let scheduled = scheduled_jobs(&url).await;
    let (expire, ending) = expiry(&scheduled);
    // The shop's settings as they are: the referral programme is off.
    let settings = store.tenant(&scope).settings().await.unwrap();
    assert!(lifecycle::auto_renew(&store, &scope, expire, &ending, end + 1, &settings).await.unwrap());
    // A re-run of the same expiry job renews nothing more (the ledger key decides).
    assert!(lifecycle::auto_renew(&store, &scope, expire, &ending, end + 1, &settings).await.unwrap());
    let extend = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let (extend, extension) = find(&extend, |k| match k {
        JobKind::Extend(args) => Some(args.clone()),
        _ => None,
    });
    let ProvisionOutcome::Delivered(renewed) = provisioner.extend(&scope, extend, &extension).await.unwrap() else {
        panic!()
    };
    assert_eq!(renewed.expires_at, Some(end + 3 * DAY), "renewed from the old end");
    assert_eq!(renewed.status, SubscriptionStatus::Active);
    let mut tx = store.tenant(&scope).begin_read().await.unwrap();
    assert_eq!(tx.balance(customer.id, Currency::Irt).await.unwrap(), Money::irt(0), "paid twice, once each");
    tx.commit().await.unwrap();
    assert_eq!(panel.users().len(), 1);
}

/// A paid subscription whose provisioning never ended (its process died each
/// time) is given up without asking the panel again: refunded once, failed.
#[tokio::test]
async fn a_provisioning_that_never_ends_is_refunded() {
    let Shop { _dir, store, scope, panel, plan, customer, .. } =
        shop("4244:AAE00000000000000000000000000000000", None).await;
    let platform = platform();
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    crate::top_up_and_buy(&mut tx, customer.id, plan.id, 50_000).await;
    let paid = tx.balance(customer.id, Currency::Irt).await.unwrap();
    tx.commit().await.unwrap();
    let provisioner =
        Provisioner::new(store.clone(), platform.clone(), reqwest_client(), ProvisionerOptions::default());
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let outcome = provisioner.give_up(&scope, &jobs[0]).await.unwrap();
    let ProvisionOutcome::Refunded { subscription, error } = outcome else { panic!("{outcome:?}") };
    assert_eq!(subscription.status, SubscriptionStatus::Failed);
    assert!(error.contains("given up after 1 attempts"), "{error}");
    assert!(panel.users().is_empty(), "the panel was not asked again");
    // Given up twice (a second claim racing the first): refunded once.
    provisioner.give_up(&scope, &jobs[0]).await.unwrap();
    let mut tx = store.tenant(&scope).begin_read().await.unwrap();
    assert_eq!(tx.balance(customer.id, Currency::Irt).await.unwrap(), Money::irt(50_000), "from {paid:?}, back once");
    tx.commit().await.unwrap();
    assert!(store.platform(&platform).claim_jobs(10, 60_000).await.unwrap().is_empty(), "never claimed again");
}

/// A tenant with the fake Remnawave as default panel, a 3-day plan and one customer.
pub(crate) struct Shop {
    pub(crate) url: String,
    pub(crate) _dir: tempfile::TempDir,
    pub(crate) store: Store,
    pub(crate) scope: bazar_store::TenantScope,
    pub(crate) panel: FakeRemnawave,
    pub(crate) plan: bazar_store::Plan,
    pub(crate) customer: bazar_store::Customer,
}

async fn shop(token: &str, traffic_bytes: Option<u64>) -> Shop {
    let (url, _dir) = bazar_testkit::sqlite_url();
    let store =
        Store::open(&DatabaseOptions::new(url.clone()), Keyring::new(MasterKey::generate(), vec![])).await.unwrap();
    let platform = platform();
    let bot = NewBot {
        token: BotToken::parse(token).unwrap(),
        name: "shop".into(),
        username: Some("shop_bot".into()),
        is_master: false,
        admins: vec![],
        owner: None,
    };
    let (record, _) = store.platform(&platform).add_bot(bot).await.unwrap();
    let scope = store.platform(&platform).tenant(record.id).await.unwrap();
    let panel = FakeRemnawave::start().await;
    let credentials = bazar_domain::PanelCredentials::token(panel.token().to_owned().into());
    let new_panel = NewPanel {
        name: "main".into(),
        kind: bazar_domain::PanelKind::named("remnawave"),
        base_url: panel.url(),
        credentials,
        make_default: true,
        catalog: None,
    };
    store.platform(&platform).add_panel(new_panel).await.unwrap();
    let plan = NewPlan {
        names: PlanNames { en: Some("3 days".into()), ..PlanNames::default() },
        duration_days: 3,
        traffic_bytes,
        device_limit: None,
        price: bazar_domain::Money::irt(30_000),
        sort: 0,
        panel_options: bazar_domain::PlanOptions::default()
            .with("squads", bazar_domain::Choice::Values(vec![panel.default_squad()])),
    };
    let plan = store.tenant(&scope).add_plan(&plan).await.unwrap();
    let contact =
        CustomerContact { telegram_id: TelegramUserId::from_raw(9), username: None, first_name: None, language: None };
    let (customer, _) = store.tenant(&scope).record_contact(&contact).await.unwrap();
    Shop { url, _dir, store, scope, panel, plan, customer }
}

pub(crate) fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap()
}

async fn scheduled_jobs(url: &str) -> Vec<Job> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let rows: Vec<(i64, i64, String, String)> =
        sqlx::query_as("SELECT id, bot_id, kind, payload FROM jobs WHERE status = 'pending' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(id, bot, kind, payload)| Job {
            id,
            bot_id: bazar_domain::BotId::from_raw(bot),
            kind: JobKind::from_stored(&kind, &payload).unwrap(),
            attempts: 1,
        })
        .collect()
}

/// The first job whose kind `pick` accepts, with what it picked.
fn find<T>(jobs: &[Job], pick: impl Fn(&JobKind) -> Option<T>) -> (&Job, T) {
    jobs.iter().find_map(|j| pick(&j.kind).map(|args| (j, args))).expect("a job of that kind")
}

/// The subscription's expiry job, with its arguments.
fn expiry(jobs: &[Job]) -> (&Job, ExpireJob) {
    find(jobs, |k| match k {
        JobKind::Expire(args) => Some(*args),
        _ => None,
    })
}

use crate::platform;

/// A shop that changes its currency after a sale refunds that sale in the
/// currency it was paid in: the rial paid comes back as rial, and the new
/// toman wallet is untouched.
#[tokio::test]
async fn a_refund_is_in_the_currency_that_was_paid() {
    let Shop { _dir, store, scope, panel, customer, .. } = shop("4245:AAE00000000000000000000000000000000", None).await;
    let platform = platform();
    let tenant = store.tenant(&scope);
    tenant.set_config(ConfigKey::Currency, &ConfigValue::Currency(Currency::Irr)).await.unwrap();
    let rial_plan = NewPlan {
        names: PlanNames { en: Some("3 days".into()), ..PlanNames::default() },
        duration_days: 3,
        traffic_bytes: None,
        device_limit: None,
        price: Money::irr(300_000),
        sort: 1,
        panel_options: bazar_domain::PlanOptions::default()
            .with("squads", bazar_domain::Choice::Values(vec![panel.default_squad()])),
    };
    let rial_plan = tenant.add_plan(&rial_plan).await.unwrap();
    let mut tx = tenant.begin().await.unwrap();
    tx.post(customer.id, Money::irr(300_000), EntryKind::TopUp, "topup:1", None).await.unwrap();
    let toman = Purchase::plain("buy:0", Currency::Irt);
    let refused = bazar_shop::buy(&mut tx, customer.id, rial_plan.id, &toman).await.unwrap();
    assert_eq!(refused, BuyOutcome::PlanUnavailable, "a rial plan is not sold by a toman shop");
    let rial = Purchase::plain("buy:1", Currency::Irr);
    let bought = bazar_shop::buy(&mut tx, customer.id, rial_plan.id, &rial).await.unwrap();
    assert!(matches!(bought, BuyOutcome::Bought { balance, .. } if balance == Money::irr(0)), "{bought:?}");
    tx.commit().await.unwrap();

    tenant.set_config(ConfigKey::Currency, &ConfigValue::Currency(Currency::Irt)).await.unwrap();
    let provisioner =
        Provisioner::new(store.clone(), platform.clone(), reqwest_client(), ProvisionerOptions::default());
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let outcome = provisioner.give_up(&scope, &jobs[0]).await.unwrap();
    let ProvisionOutcome::Refunded { subscription, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(subscription.price, Money::irr(300_000));
    let mut tx = tenant.begin_read().await.unwrap();
    assert_eq!(tx.balance(customer.id, Currency::Irr).await.unwrap(), Money::irr(300_000), "back in rial");
    assert_eq!(tx.balance(customer.id, Currency::Irt).await.unwrap(), Money::irt(0), "no toman appeared");
    tx.commit().await.unwrap();
    assert!(tenant.ledger_check().await.unwrap().is_empty());
}

/// A panel that stops answering pauses what needs it: after two failed
/// probes a renewal, a purchase and a trial are refused with nothing charged
/// or queued; the first good probe lets them through again.
#[tokio::test]
async fn nothing_is_sold_while_the_panel_is_down() {
    let Shop { _dir, store, scope, panel, plan, customer, .. } =
        shop("4244:AAE00000000000000000000000000000000", None).await;
    let platform = platform();
    let provisioner =
        Provisioner::new(store.clone(), platform.clone(), reqwest_client(), ProvisionerOptions::default());
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    crate::top_up_and_buy(&mut tx, customer.id, plan.id, 100_000).await;
    tx.commit().await.unwrap();
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let JobKind::Provision(args) = &jobs[0].kind else { panic!("{:?}", jobs[0]) };
    let ProvisionOutcome::Delivered(bought) = provisioner.run(&scope, &jobs[0], args).await.unwrap() else {
        panic!("not delivered")
    };
    let deadline = Duration::from_secs(2);
    assert_eq!(bazar_shop::panel_health::check_all(&provisioner, deadline).await.unwrap(), vec![], "it answers");

    panel.set_down(true);
    assert_eq!(bazar_shop::panel_health::check_all(&provisioner, deadline).await.unwrap(), vec![], "a blip");
    let changes = bazar_shop::panel_health::check_all(&provisioner, deadline).await.unwrap();
    assert!(matches!(changes[..], [(_, bazar_store::HealthChange::WentDown { tenants: 1 })]), "{changes:?}");
    let irt = Currency::Irt;
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let before = tx.balance(customer.id, irt).await.unwrap();
    let renewed = bazar_shop::renew(&mut tx, customer.id, bought.id, "r1", None, irt).await.unwrap();
    assert_eq!(renewed, bazar_shop::RenewOutcome::PanelDown);
    let bought_again = bazar_shop::buy(&mut tx, customer.id, plan.id, &Purchase::plain("buy:2", irt)).await.unwrap();
    assert_eq!(bought_again, BuyOutcome::PanelDown);
    let trial = bazar_shop::start_trial(&mut tx, customer.id, 1, 100, irt).await.unwrap();
    assert_eq!(trial, bazar_shop::TrialOutcome::PanelDown);
    assert_eq!(tx.balance(customer.id, irt).await.unwrap(), before, "nothing charged");
    tx.commit().await.unwrap();
    let queued = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    assert!(queued.iter().all(|j| matches!(j.kind, JobKind::PanelHealth(_))), "only the admins' notice: {queued:?}");

    panel.set_down(false);
    let changes = bazar_shop::panel_health::check_all(&provisioner, deadline).await.unwrap();
    assert!(matches!(changes[..], [(_, bazar_store::HealthChange::CameUp { tenants: 1, .. })]), "{changes:?}");
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let renewed = bazar_shop::renew(&mut tx, customer.id, bought.id, "r1", None, irt).await.unwrap();
    assert!(matches!(renewed, bazar_shop::RenewOutcome::Renewed { .. }), "{renewed:?}");
    tx.commit().await.unwrap();
}

/// A shop on the fake Remnawave with a 3-day plan, for the drift tests.
pub(crate) async fn shop_for_drift() -> Shop {
    shop("4245:AAE00000000000000000000000000000000", Some(5 << 30)).await
}
