//! Drift: what someone changes on the panel behind Bazar's back (through the
//! panel's own API, as its admin would) is found per shop; what is ours is
//! put back, a name now held by someone else's user is reported and left alone.

use crate::lifecycle::{reqwest_client, shop_for_drift};
use crate::platform;
use bazar_domain::{Currency, JobKind, Money};
use bazar_panels::{RemnawaveClient, UserChange, UserSpec, VpnPanel};
use bazar_shop::drift::{self, Drift};
use bazar_shop::{BuyOutcome, ProvisionOutcome, Provisioner, ProvisionerOptions, Purchase};
use bazar_store::{EntryKind, Subscription};

#[tokio::test]
async fn what_changed_on_the_panel_is_put_back_and_what_is_not_ours_reported() {
    let shop = shop_for_drift().await;
    let (store, scope, panel) = (&shop.store, &shop.scope, &shop.panel);
    let provisioner = Provisioner::new(store.clone(), platform(), reqwest_client(), ProvisionerOptions::default());
    let mut tx = store.tenant(scope).begin().await.unwrap();
    tx.post(shop.customer.id, Money::irt(200_000), EntryKind::TopUp, "topup:drift", None).await.unwrap();
    for key in ["a", "b", "c", "d"] {
        let purchase = Purchase::plain(key, Currency::Irt);
        let outcome = bazar_shop::buy(&mut tx, shop.customer.id, shop.plan.id, &purchase).await.unwrap();
        assert!(matches!(outcome, BuyOutcome::Bought { .. }), "{outcome:?}");
    }
    tx.commit().await.unwrap();
    let mut subs: Vec<Subscription> = Vec::new();
    for job in store.platform(&platform()).claim_jobs(10, 60_000).await.unwrap() {
        let JobKind::Provision(args) = &job.kind else { continue };
        let ProvisionOutcome::Delivered(s) = provisioner.run(scope, &job, args).await.unwrap() else { panic!() };
        subs.push(s);
    }
    subs.sort_by_key(|s| s.id);
    assert_eq!(drift::check(&provisioner, scope).await.unwrap().items, vec![], "nothing drifted yet");

    // The panel's admin, through the panel's API: deletes one, shortens and
    // switches off another, gives a third's name to a user of their own.
    let admin = RemnawaveClient::new(&panel.url(), &panel.token().into(), reqwest_client()).unwrap();
    admin.delete_user(&subs[0].panel_username).await.unwrap();
    let shortened = UserChange { expire_at: Some(1_800_000_000), enabled: Some(false), ..Default::default() };
    admin.update_user(&subs[1].panel_username, &shortened).await.unwrap();
    admin.delete_user(&subs[2].panel_username).await.unwrap();
    let theirs = UserSpec {
        username: subs[2].panel_username.clone(),
        expire_at: 1_900_000_000,
        traffic_limit_bytes: None,
        device_limit: None,
        telegram_id: None,
        marker: "someone else's".into(),
        legacy_marker: None,
        options: shop.plan.panel_options.clone(),
    };
    admin.ensure_user(&theirs).await.unwrap();

    let report = drift::check(&provisioner, scope).await.unwrap();
    assert_eq!(report.checked, 4);
    let found: Vec<_> = report.items.iter().map(|i| (i.subscription, i.drift.clone(), i.fixed)).collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0], (subs[0].id, vec![Drift::Missing], true));
    let ours = subs[1].expires_at.unwrap() / 1000;
    assert_eq!(found[1], (subs[1].id, vec![Drift::Expiry { ours, panel: Some(1_800_000_000) }, Drift::Disabled], true));
    assert_eq!(found[2], (subs[2].id, vec![Drift::Foreign], false));

    // Put back on the panel: recreated, its expiry and state restored; the other's user untouched.
    let recreated = admin.get_user(&subs[0].panel_username).await.unwrap().expect("recreated");
    assert!((recreated.expire_at.unwrap() - subs[0].expires_at.unwrap() / 1000).abs() < 5);
    let restored = admin.get_user(&subs[1].panel_username).await.unwrap().unwrap();
    assert_eq!((restored.expire_at, restored.status), (Some(ours), bazar_panels::PanelUserStatus::Active));
    let foreign = admin.get_user(&subs[2].panel_username).await.unwrap().unwrap();
    assert_eq!(foreign.note.as_deref(), Some("someone else's"));
    let again = drift::check(&provisioner, scope).await.unwrap();
    assert_eq!(
        again.items.iter().map(|i| i.subscription).collect::<Vec<_>>(),
        vec![subs[2].id],
        "only the foreign one"
    );
}
