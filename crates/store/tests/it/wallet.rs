//! The wallet ledger: idempotent postings, no overdraft, reconciliation, and
//! plans — per tenant, on both backends.

use crate::common;

use bazar_domain::{Currency, Money, PlanNames, TelegramUserId};
use bazar_store::{CustomerContact, EntryKind, NewPlan, PlanUpdate, Posting, StoreError};
use common::{TestDb, add_tenant};

fn contact(id: i64) -> CustomerContact {
    CustomerContact { telegram_id: TelegramUserId::from_raw(id), username: None, first_name: None, language: None }
}

async fn postings_are_idempotent_and_never_overdraw(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (customer, _) = store.tenant(&a).record_contact(&contact(10)).await.unwrap();

    let mut tx = store.tenant(&a).begin().await.unwrap();
    let credit = tx.post(customer.id, Money::irt(100_000), EntryKind::TopUp, "topup:1", Some("card")).await.unwrap();
    assert_eq!(credit, Posting::Applied { balance: Money::irt(100_000) });
    let again = tx.post(customer.id, Money::irt(100_000), EntryKind::TopUp, "topup:1", None).await.unwrap();
    assert_eq!(again, Posting::Duplicate, "the same key never posts twice");
    tx.commit().await.unwrap();

    // A debit larger than the balance: refused, and the rolled-back transaction leaves nothing.
    let mut tx = store.tenant(&a).begin().await.unwrap();
    let err = tx.post(customer.id, -Money::irt(150_000), EntryKind::Purchase, "buy:1", None).await.unwrap_err();
    assert!(
        matches!(err, StoreError::InsufficientFunds { balance, needed } if balance == Money::irt(100_000) && needed == Money::irt(150_000)),
        "{err}"
    );
    drop(tx);
    let mut tx = store.tenant(&a).begin().await.unwrap();
    assert_eq!(tx.balance(customer.id, Currency::Irt).await.unwrap(), Money::irt(100_000));
    let debit = tx.post(customer.id, -Money::irt(60_000), EntryKind::Purchase, "buy:1", None).await.unwrap();
    assert_eq!(debit, Posting::Applied { balance: Money::irt(40_000) });
    let history = tx.ledger_entries(customer.id, 10).await.unwrap();
    assert_eq!(history.iter().map(|e| e.amount.minor()).collect::<Vec<_>>(), vec![-60_000, 100_000]);
    tx.commit().await.unwrap();
    assert!(store.tenant(&a).ledger_check().await.unwrap().is_empty());
}

async fn concurrent_repeats_credit_once(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (customer, _) = store.tenant(&a).record_contact(&contact(10)).await.unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let (store, a) = (store.clone(), a.clone());
            tokio::spawn(async move {
                let mut tx = store.tenant(&a).begin().await.unwrap();
                let result = tx.post(customer.id, Money::irt(5_000), EntryKind::TopUp, "c2c:77", None).await;
                match result {
                    Ok(posting) => {
                        // A concurrent twin may win the unique key at commit time on PostgreSQL.
                        if tx.commit().await.is_ok() { Some(posting) } else { None }
                    }
                    Err(_) => None,
                }
            })
        })
        .collect();
    let mut applied = 0;
    for t in tasks {
        if let Some(Posting::Applied { .. }) = t.await.unwrap() {
            applied += 1;
        }
    }
    assert_eq!(applied, 1);
    let mut tx = store.tenant(&a).begin_read().await.unwrap();
    assert_eq!(tx.balance(customer.id, Currency::Irt).await.unwrap(), Money::irt(5_000));
    tx.commit().await.unwrap();
    assert!(store.tenant(&a).ledger_check().await.unwrap().is_empty());
}

async fn wallets_and_plans_are_per_tenant(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    let (in_a, _) = store.tenant(&a).record_contact(&contact(10)).await.unwrap();
    let (in_b, _) = store.tenant(&b).record_contact(&contact(10)).await.unwrap();
    let mut tx = store.tenant(&a).begin().await.unwrap();
    tx.post(in_a.id, Money::irt(9_000), EntryKind::Adjustment, "gift", None).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.tenant(&b).begin().await.unwrap();
    assert_eq!(tx.balance(in_b.id, Currency::Irt).await.unwrap(), Money::irt(0));
    // B's transaction cannot read A's wallet even when handed A's customer id.
    assert_eq!(tx.balance(in_a.id, Currency::Irt).await.unwrap(), Money::irt(0));
    assert!(tx.ledger_entries(in_a.id, 10).await.unwrap().is_empty());
    // The same key in another tenant is another posting.
    let posted = tx.post(in_b.id, Money::irt(1_000), EntryKind::Adjustment, "gift", None).await.unwrap();
    assert_eq!(posted, Posting::Applied { balance: Money::irt(1_000) });
    tx.commit().await.unwrap();

    let plan = NewPlan {
        names: PlanNames { fa: Some("یک ماهه".into()), ru: None, en: Some("1 month".into()) },
        duration_days: 30,
        traffic_bytes: Some(50 << 30),
        device_limit: Some(2),
        price: bazar_domain::Money::irt(150_000),
        sort: 0,
        panel_options: Default::default(),
    };
    let created = store.tenant(&a).add_plan(&plan).await.unwrap();
    assert_eq!(store.tenant(&a).plans(true).await.unwrap(), vec![created.clone()]);
    assert!(store.tenant(&b).plans(false).await.unwrap().is_empty());
    assert!(
        store.tenant(&b).update_plan(created.id, &PlanUpdate::default()).await.unwrap().is_none(),
        "B cannot touch A's plan"
    );
    let off =
        PlanUpdate { active: Some(false), price: Some(bazar_domain::Money::irt(120_000)), ..PlanUpdate::default() };
    let updated = store.tenant(&a).update_plan(created.id, &off).await.unwrap().unwrap();
    assert_eq!((updated.active, updated.price), (false, Money::irt(120_000)));
    assert!(store.tenant(&a).plans(true).await.unwrap().is_empty());
    assert_eq!(store.tenant(&a).plans(false).await.unwrap().len(), 1);
}

on_both_backends!(
    postings_are_idempotent_and_never_overdraw,
    concurrent_repeats_credit_once,
    wallets_and_plans_are_per_tenant
);
