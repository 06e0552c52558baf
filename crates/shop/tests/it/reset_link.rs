//! Resetting a subscription's link: only an active subscription of this tenant
//! is queued; the job gets a new link from the panel and stores it, retries
//! while the panel is down, and leaves a subscription disabled meanwhile alone.

use bazar_domain::jobs::ResetLinkJob;
use bazar_domain::{BotToken, JobKind, PlanNames, TelegramUserId};
use bazar_secrets::{Keyring, MasterKey};
use bazar_shop::reset_link::{self, ResetDone, ResetOutcome};
use bazar_shop::{ProvisionOutcome, Provisioner, ProvisionerOptions};
use bazar_store::{
    CustomerContact, DatabaseOptions, Job, NewBot, NewPanel, NewPlan, Store, SubscriptionStatus, TenantScope,
};
use bazar_testkit::panels::FakeRemnawave;
use std::time::Duration;

async fn add_bot(store: &Store, token: &str) -> TenantScope {
    let platform = platform();
    let bot = NewBot {
        token: BotToken::parse(token).unwrap(),
        name: "shop".into(),
        username: None,
        is_master: false,
        admins: vec![],
        owner: None,
    };
    let (record, _) = store.platform(&platform).add_bot(bot).await.unwrap();
    store.platform(&platform).tenant(record.id).await.unwrap()
}

#[tokio::test]
async fn a_new_link_for_an_active_subscription_only() {
    let (url, _dir) = bazar_testkit::sqlite_url();
    let store = Store::open(&DatabaseOptions::new(url), Keyring::new(MasterKey::generate(), vec![])).await.unwrap();
    let platform = platform();
    let scope = add_bot(&store, "5151:AAE00000000000000000000000000000000").await;
    let other = add_bot(&store, "5152:AAE00000000000000000000000000000000").await;
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
        names: PlanNames { en: Some("Month".into()), ..PlanNames::default() },
        duration_days: 30,
        traffic_bytes: None,
        device_limit: None,
        price: bazar_domain::Money::irt(10_000),
        sort: 0,
        panel_options: bazar_domain::PlanOptions::default()
            .with("squads", bazar_domain::Choice::Values(vec![panel.default_squad()])),
    };
    let plan = store.tenant(&scope).add_plan(&plan).await.unwrap();
    let contact =
        CustomerContact { telegram_id: TelegramUserId::from_raw(9), username: None, first_name: None, language: None };
    let (customer, _) = store.tenant(&scope).record_contact(&contact).await.unwrap();
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    crate::top_up_and_buy(&mut tx, customer.id, plan.id, 10_000).await;
    tx.commit().await.unwrap();
    let options = ProvisionerOptions { max_attempts: 3, retry_base: Duration::from_millis(1) };
    let provisioner = Provisioner::new(store.clone(), platform.clone(), reqwest::Client::new(), options);
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let JobKind::Provision(args) = &jobs[0].kind else { panic!("{:?}", jobs[0]) };
    let ProvisionOutcome::Delivered(subscription) = provisioner.run(&scope, &jobs[0], args).await.unwrap() else {
        panic!()
    };
    let old_link = subscription.subscription_url.clone().unwrap();

    // Another tenant's scope does not find it; this tenant's queues a job.
    let mut tx = store.tenant(&other).begin().await.unwrap();
    assert_eq!(reset_link::request(&mut tx, subscription.id, "bot:1").await.unwrap(), ResetOutcome::NotFound);
    tx.commit().await.unwrap();
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    assert_eq!(reset_link::request(&mut tx, subscription.id, "bot:1").await.unwrap(), ResetOutcome::Queued);
    tx.commit().await.unwrap();

    // The panel is down first: the job is retried, then the new link is stored.
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let (job, args) = reset_job(&jobs).expect("the reset job");
    assert_eq!(args.by, "bot:1", "who asked is kept with the job");
    panel.set_down(true);
    assert_eq!(provisioner.reset_link(&scope, &job, &args).await.unwrap(), ResetDone::NotYet);
    panel.set_down(false);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let (retry, args) = reset_job(&jobs).expect("retried");
    let ResetDone::Reset(reset) = provisioner.reset_link(&scope, &retry, &args).await.unwrap() else {
        panic!("not reset")
    };
    let new_link = reset.subscription_url.clone().unwrap();
    assert_ne!(new_link, old_link);
    let mut tx = store.tenant(&scope).begin_read().await.unwrap();
    assert_eq!(tx.subscription(subscription.id).await.unwrap().unwrap().subscription_url, Some(new_link));
    tx.commit().await.unwrap();

    // A disabled subscription is not queued, and a job queued before it was disabled does nothing.
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    assert_eq!(reset_link::request(&mut tx, subscription.id, "bot:1").await.unwrap(), ResetOutcome::Queued);
    bazar_shop::admin_ops::disable(&mut tx, subscription.id).await.unwrap();
    let refused = reset_link::request(&mut tx, subscription.id, "bot:1").await.unwrap();
    assert_eq!(refused, ResetOutcome::NotActive(SubscriptionStatus::Disabled));
    tx.commit().await.unwrap();
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let (stale, args) = reset_job(&jobs).expect("the earlier request");
    let requests = panel.requests();
    assert_eq!(provisioner.reset_link(&scope, &stale, &args).await.unwrap(), ResetDone::Skipped);
    assert_eq!(panel.requests(), requests, "the panel was not asked");
}

/// The first `reset_link` job among `jobs`, with its arguments.
fn reset_job(jobs: &[Job]) -> Option<(Job, ResetLinkJob)> {
    jobs.iter().find_map(|j| match &j.kind {
        JobKind::ResetLink(args) => Some((j.clone(), args.clone())),
        _ => None,
    })
}

use crate::platform;
