//! Background jobs are typed: a producer writes a [`JobKind`], a claimer reads
//! one back, and a stored row that is not one (an unknown kind, a payload
//! without its fields, not JSON at all) ends `failed` with the reason — it is
//! never handed out with made-up arguments, never claimed again, and the
//! jobs beside it are claimed as usual.

use crate::common;

use bazar_domain::jobs::{ProvisionJob, TicketReplyJob};
use bazar_domain::{JobKind, SubscriptionId, TicketId};
use bazar_store::{Store, TenantScope};
use common::{TestDb, add_tenant};

/// Rows no `JobKind` reads, each with the words its error must carry.
const MALFORMED: [(&str, &str, &str); 4] = [
    ("teleport", r#"{"subscription":1}"#, "unknown variant `teleport`"),
    ("provision", "{}", "missing field `subscription`"),
    ("ticket_reply", r#"{"ticket":"seven","message":1}"#, "invalid type"),
    ("provision", "{not json", "not JSON"),
];

async fn unreadable_jobs_fail_with_a_reason(db: TestDb) {
    let store = db.open().await;
    let (scope, _) = add_tenant(&store, 31).await;
    let platform = common::platform();
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let before = tx
        .enqueue_job(&JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(7) }), 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut malformed = Vec::new();
    for (kind, payload, _) in MALFORMED {
        malformed.push(insert_raw(&store, &scope, kind, payload).await);
    }
    let reply = JobKind::TicketReply(TicketReplyJob { ticket: TicketId::from_raw(3), message: 4 });
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let after = tx.enqueue_job(&reply, 0).await.unwrap();
    tx.commit().await.unwrap();

    // The readable jobs on either side are claimed, typed; the others are not handed out.
    let claimed = store.platform(&platform).claim_jobs(10, 1).await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![before, after], "{claimed:?}");
    assert_eq!(claimed[0].kind, JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(7) }));
    assert_eq!(claimed[1].kind, reply);
    assert_eq!(claimed[1].attempts, 1);

    // Each malformed row ended failed, with why, and no lease to come back from.
    for (id, (_, _, reason)) in malformed.iter().zip(MALFORMED) {
        let (status, error, locked) = row(&store, &scope, *id).await;
        assert_eq!(status, "failed", "job {id}");
        assert!(error.as_deref().is_some_and(|e| e.contains(reason)), "job {id}: {error:?} lacks {reason:?}");
        assert_eq!(locked, None, "job {id}");
    }
    // Never claimed again: once the leases run out, the readable jobs come back, they do not.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let again = store.platform(&platform).claim_jobs(10, 60_000).await.unwrap();
    let ids: Vec<i64> = again.iter().map(|j| j.id).collect();
    assert_eq!(ids, vec![before, after], "the leased jobs came back, the failed ones did not");
    assert!(again.iter().all(|j| j.attempts == 2), "{again:?}");
}

/// A job row as an older (or broken) writer might have left it.
async fn insert_raw(store: &Store, scope: &TenantScope, kind: &str, payload: &str) -> i64 {
    let mut tx = store.tenant(scope).begin().await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (bot_id, kind, payload, run_at, created_at, updated_at) VALUES ($1, $2, $3, 0, 0, 0) RETURNING id",
    )
    .bind(scope.bot_id().get())
    .bind(kind)
    .bind(payload)
    .fetch_one(tx.raw_connection())
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn row(store: &Store, scope: &TenantScope, id: i64) -> (String, Option<String>, Option<i64>) {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let row: (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT status, last_error, locked_until FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(tx.raw_connection())
            .await
            .unwrap();
    tx.commit().await.unwrap();
    row
}

on_both_backends!(unreadable_jobs_fail_with_a_reason);
