//! Broadcasts in the store, on both backends: the audience snapshot (skipping
//! blocked and banned customers), a second Confirm starting nothing, another
//! tenant seeing nothing, and the engine's at-most-once protocol — a lease
//! held by one owner, a takeover after it runs out turning the dead owner's
//! `sending` rows into `unknown` (never sent again), and the old owner's late
//! writes changing nothing.

use crate::common;

use bazar_domain::{Language, TelegramUserId};
use bazar_store::{
    Audience, BatchClaim, BroadcastMessage, BroadcastStatus, CustomerContact, DeliveryOutcome, NewBroadcast,
    TenantScope,
};
use common::{TestDb, add_tenant};

fn contact(id: i64) -> CustomerContact {
    CustomerContact { telegram_id: TelegramUserId::from_raw(id), username: None, first_name: None, language: None }
}

fn new_broadcast(text: &str) -> NewBroadcast {
    NewBroadcast {
        created_by: TelegramUserId::from_raw(1),
        admin_chat_id: 1,
        language: Language::En,
        message: BroadcastMessage { text: Some(text.into()), photo_file_id: None, button: None },
    }
}

async fn customers(store: &bazar_store::Store, scope: &TenantScope, ids: std::ops::Range<i64>) {
    for id in ids {
        store.tenant(scope).record_contact(&contact(id)).await.unwrap();
    }
}

async fn snapshot_and_lease(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    let (b, _) = add_tenant(&store, 2).await;
    customers(&store, &a, 100..110).await;
    customers(&store, &b, 100..103).await;
    store.tenant(&a).set_customer_blocked(TelegramUserId::from_raw(101), true).await.unwrap();
    let banned = store.tenant(&a).record_contact(&contact(102)).await.unwrap().0;
    let mut tx = store.tenant(&a).begin().await.unwrap();
    tx.set_customer_banned(banned.id, true).await.unwrap();
    let size = tx.audience_size(Audience::All).await.unwrap();
    assert_eq!((size.total, size.reachable), (10, 8));
    assert_eq!(tx.audience_size(Audience::Active).await.unwrap().total, 0);
    assert_eq!(tx.audience_size(Audience::NeverBought).await.unwrap().total, 10);
    let draft = tx.create_broadcast(&new_broadcast("hello")).await.unwrap();
    assert_eq!(draft.status, BroadcastStatus::Draft);
    let started = tx.start_broadcast(draft.id, Audience::All).await.unwrap().unwrap();
    assert_eq!((started.counts.total, started.counts.skipped, started.counts.remaining()), (10, 2, 8));
    assert!(tx.start_broadcast(draft.id, Audience::All).await.unwrap().is_none(), "a second Confirm starts nothing");
    assert!(!tx.discard_broadcast(draft.id).await.unwrap(), "only drafts are discarded");
    tx.commit().await.unwrap();

    // Another tenant neither sees it nor can cancel it.
    let mut other = store.tenant(&b).begin().await.unwrap();
    assert!(other.broadcast(draft.id).await.unwrap().is_none());
    assert!(!other.cancel_broadcast(draft.id).await.unwrap());
    assert!(other.recent_broadcasts(10, 0).await.unwrap().is_empty());
    other.commit().await.unwrap();

    // Owner "a1" claims it and a batch of 5; nobody else can claim it meanwhile.
    let platform = common::platform();
    let claimed = store.platform(&platform).claim_broadcasts("a1", 60_000, 10).await.unwrap();
    assert_eq!(claimed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![draft.id]);
    assert!(store.platform(&platform).claim_broadcasts("b1", 60_000, 10).await.unwrap().is_empty());
    let BatchClaim::Batch(first) = store.tenant(&a).claim_broadcast_batch(draft.id, "a1", 5, 60_000).await.unwrap()
    else {
        panic!("a batch")
    };
    assert_eq!(first.len(), 5);
    let outcomes: Vec<_> = first.iter().take(3).map(|t| (t.customer_id, DeliveryOutcome::Sent)).collect();
    let now = store.tenant(&a).record_broadcast_outcomes(draft.id, &outcomes).await.unwrap();
    assert_eq!((now.counts.sent, now.counts.remaining()), (3, 5));

    // "a1" dies with two rows in flight; with its lease run out, "b1" takes over:
    // those rows become unknown and are never handed out again.
    let BatchClaim::Batch(_) = store.tenant(&a).claim_broadcast_batch(draft.id, "a1", 5, -1).await.unwrap() else {
        panic!("a batch")
    };
    let taken = store.platform(&platform).claim_broadcasts("b1", 60_000, 10).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].counts.unknown, 5, "2 of the first batch and 3 of the second were in flight");
    assert_eq!(store.tenant(&a).claim_broadcast_batch(draft.id, "a1", 5, 60_000).await.unwrap(), BatchClaim::LostLease);
    let late = vec![(first[3].customer_id, DeliveryOutcome::Sent)];
    let after = store.tenant(&a).record_broadcast_outcomes(draft.id, &late).await.unwrap();
    assert_eq!((after.counts.sent, after.counts.unknown), (3, 5), "a late outcome changes nothing");
    let BatchClaim::Batch(rest) = store.tenant(&a).claim_broadcast_batch(draft.id, "b1", 30, 60_000).await.unwrap()
    else {
        panic!("a batch")
    };
    assert!(rest.is_empty(), "nothing is pending: {rest:?}");
    let done = store.tenant(&a).finish_broadcast(draft.id, "b1").await.unwrap();
    assert_eq!(done.status, BroadcastStatus::Done);
    assert_eq!(done.counts.remaining(), 0);
    store.tenant(&a).mark_broadcast_reported(draft.id, "b1").await.unwrap();
    assert!(store.platform(&platform).claim_broadcasts("c1", 60_000, 10).await.unwrap().is_empty());
    let rows = store.tenant(&a).broadcast_delivery_counts(draft.id).await.unwrap();
    assert_eq!(rows, vec![("sent".to_owned(), 3), ("skipped".to_owned(), 2), ("unknown".to_owned(), 5)]);
}

async fn cancel_between_batches(db: TestDb) {
    let store = db.open().await;
    let (a, _) = add_tenant(&store, 1).await;
    customers(&store, &a, 100..120).await;
    let mut tx = store.tenant(&a).begin().await.unwrap();
    let draft = tx.create_broadcast(&new_broadcast("stop me")).await.unwrap();
    tx.start_broadcast(draft.id, Audience::All).await.unwrap();
    tx.commit().await.unwrap();
    let platform = common::platform();
    store.platform(&platform).claim_broadcasts("a1", 60_000, 10).await.unwrap();
    let tenant = store.tenant(&a);
    assert!(
        matches!(tenant.claim_broadcast_batch(draft.id, "a1", 5, 60_000).await.unwrap(), BatchClaim::Batch(b) if b.len() == 5)
    );
    let mut tx = tenant.begin().await.unwrap();
    assert!(tx.cancel_broadcast(draft.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(tenant.claim_broadcast_batch(draft.id, "a1", 5, 60_000).await.unwrap(), BatchClaim::Stopped);
    let ended = tenant.finish_broadcast(draft.id, "a1").await.unwrap();
    assert_eq!((ended.status, ended.counts.remaining()), (BroadcastStatus::Cancelled, 20));
    // Its report is still owed: after a restart another process claims it to send the report.
    tenant.release_broadcast(draft.id, "a1").await.unwrap();
    let owed = store.platform(&platform).claim_broadcasts("b1", 60_000, 10).await.unwrap();
    assert_eq!(owed.len(), 1);
    assert_eq!(owed[0].status, BroadcastStatus::Cancelled);
}

on_both_backends!(snapshot_and_lease, cancel_between_batches);
