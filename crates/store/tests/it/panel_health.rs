//! A panel's health as its probes record it: down after two failures in a
//! row, up at the first answer, and each transition reported once — to the
//! shops the panel serves, as one `panel_health` job each — however many
//! probes (or processes) see it.

use crate::common;

use bazar_domain::jobs::PanelHealthJob;
use bazar_domain::{JobKind, PanelCredentials, PanelId, PanelKind};
use bazar_store::{HealthChange, NewPanel, Store};
use common::{TestDb, add_tenant};

async fn add_panel(store: &Store, name: &str, make_default: bool) -> PanelId {
    let new = NewPanel {
        name: name.into(),
        kind: PanelKind::named("marzban"),
        base_url: "http://127.0.0.1:9".into(),
        credentials: PanelCredentials::default().with("token", "t".to_owned().into()),
        make_default,
        catalog: None,
    };
    store.platform(&common::platform()).add_panel(new).await.unwrap().id
}

async fn a_panel_goes_down_once_and_comes_back_once(db: TestDb) {
    let store = db.open().await;
    let platform = common::platform();
    let shared = add_panel(&store, "shared", true).await;
    let own = add_panel(&store, "own", false).await;
    let (on_default, _) = add_tenant(&store, 41).await;
    let (on_own, _) = add_tenant(&store, 42).await;
    store.platform(&platform).assign_panel(&on_own, Some(own)).await.unwrap();
    let probe = |id, result: Result<(), &'static str>| {
        let store = store.clone();
        async move { store.platform(&common::platform()).record_panel_probe(id, result).await.unwrap() }
    };

    assert_eq!(probe(shared, Err("connection refused")).await, HealthChange::Unchanged, "one failure is a blip");
    let mut tx = store.tenant(&on_default).begin_read().await.unwrap();
    assert_eq!(tx.panel_down_since(shared).await.unwrap(), None);
    tx.commit().await.unwrap();
    assert_eq!(probe(shared, Err("connection refused")).await, HealthChange::WentDown { tenants: 1 });
    assert_eq!(probe(shared, Err("still refused")).await, HealthChange::Unchanged, "told once per outage");

    let record = store.platform(&platform).panels().await.unwrap().into_iter().find(|p| p.id == shared).unwrap();
    assert!(record.health.is_down());
    assert_eq!((record.health.failures, record.health.error.as_deref()), (3, Some("still refused")));
    let mut tx = store.tenant(&on_default).begin_read().await.unwrap();
    let since = tx.panel_down_since(shared).await.unwrap().expect("down");
    assert_eq!(tx.tenant_panel_info().await.unwrap().unwrap().down_since, Some(since));
    tx.commit().await.unwrap();
    let mut tx = store.tenant(&on_own).begin_read().await.unwrap();
    assert_eq!(tx.tenant_panel_info().await.unwrap().unwrap().down_since, None, "its own panel answers");
    tx.commit().await.unwrap();

    assert_eq!(probe(shared, Ok(())).await, HealthChange::CameUp { since, tenants: 1 });
    assert_eq!(probe(shared, Ok(())).await, HealthChange::Unchanged);
    let record = store.platform(&platform).panels().await.unwrap().into_iter().find(|p| p.id == shared).unwrap();
    assert_eq!((record.health.failures, record.health.error, record.health.down_since), (0, None, None));

    // The shop on the shared panel got the outage and its end; the other shop nothing.
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let told: Vec<_> = jobs.iter().map(|j| (j.bot_id, j.kind.clone())).collect();
    assert_eq!(
        told,
        vec![
            (on_default.bot_id(), JobKind::PanelHealth(PanelHealthJob { down: true, since })),
            (on_default.bot_id(), JobKind::PanelHealth(PanelHealthJob { down: false, since })),
        ]
    );

    // A tenant's own panel tells that tenant alone.
    probe(own, Err("timeout")).await;
    assert_eq!(probe(own, Err("timeout")).await, HealthChange::WentDown { tenants: 1 });
    let jobs = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    assert_eq!(jobs.iter().map(|j| j.bot_id).collect::<Vec<_>>(), vec![on_own.bot_id()]);
}

on_both_backends!(a_panel_goes_down_once_and_comes_back_once);
