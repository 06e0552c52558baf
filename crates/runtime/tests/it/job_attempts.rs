//! Jobs that never end are bounded, and jobs do not wait for each other: a
//! panicking job comes back after a backoff with the panic recorded (not
//! after its two-minute lease, and not unseen); one claimed more often than
//! its kind allows goes to the handler's `give_up`, ends failed, and never
//! comes back; a slow job delays no other, not even one queued after it.

use bazar_domain::jobs::{ProvisionJob, RemindJob};
use bazar_domain::{BotToken, JobKind, SubscriptionId};
use bazar_runtime::{BotHandle, Handler, HandlerError, Mode, Outgoing, Runtime, RuntimeOptions, UpdateContext};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{DatabaseOptions, Job, JobEnd, NewBot, Store, TenantScope};
use bazar_telegram::BotApi;
use bazar_testkit::telegram::FakeTelegram;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// `remind` for subscription 1 panics; for 2 waits until `release`; others
/// finish at once. Records what ran and what was given up.
struct Jobs {
    store: Store,
    release: Notify,
    ran: Mutex<Vec<i64>>,
    given_up: Mutex<Vec<i64>>,
}

impl Handler for Jobs {
    fn handle<'a>(&'a self, _ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin(async { Ok(()) })
    }

    fn run_job<'a>(&'a self, bot: &'a Arc<BotHandle>, job: &'a Job) -> BoxFuture<'a, Vec<Outgoing>> {
        Box::pin(async move {
            let subscription = subscription_of(job).get();
            assert_ne!(subscription, 1, "a bug in a job");
            if subscription == 2 {
                self.release.notified().await;
            }
            self.ran.lock().unwrap().push(subscription);
            let mut tx = self.store.tenant(&bot.scope).begin().await.unwrap();
            tx.finish_job(job.id, &JobEnd::Done).await.unwrap();
            tx.commit().await.unwrap();
            Vec::new()
        })
    }

    fn give_up<'a>(&'a self, _bot: &'a Arc<BotHandle>, job: &'a Job) -> BoxFuture<'a, Vec<Outgoing>> {
        Box::pin(async move {
            self.given_up.lock().unwrap().push(subscription_of(job).get());
            Vec::new()
        })
    }
}

fn subscription_of(job: &Job) -> SubscriptionId {
    match &job.kind {
        JobKind::Remind(args) => args.subscription,
        JobKind::Provision(args) => args.subscription,
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn panics_back_off_loops_end_and_jobs_run_side_by_side() {
    let telegram = FakeTelegram::start().await;
    let token = telegram.add_bot(4403, "attempts_bot");
    let (url, _dir) = bazar_testkit::sqlite_url();
    let store = Store::open(&DatabaseOptions::new(url), Keyring::new(MasterKey::generate(), vec![])).await.unwrap();
    let scope = add_bot(&store, &token).await;
    let remind = |subscription| JobKind::Remind(RemindJob { subscription, days: 3 });
    let panicking = enqueue(&store, &scope, &remind(SubscriptionId::from_raw(1))).await;
    let slow = enqueue(&store, &scope, &remind(SubscriptionId::from_raw(2))).await;
    // A provisioning job already claimed as often as its kind allows, each
    // time by a process that died holding it.
    let looping = JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(4) });
    let exhausted = enqueue(&store, &scope, &looping).await;
    set_attempts(&store, &scope, exhausted, looping.max_attempts()).await;

    let handler = Arc::new(Jobs {
        store: store.clone(),
        release: Notify::new(),
        ran: Mutex::default(),
        given_up: Mutex::default(),
    });
    let mut options = RuntimeOptions::new(Mode::Polling);
    options.poll_timeout = Duration::from_secs(1);
    options.job_poll = Duration::from_millis(20);
    let runtime = Runtime::start(store.clone(), platform(), BotApi::new(&telegram.url()), options, handler.clone())
        .await
        .unwrap();

    // A job queued while the slow one runs is claimed and done meanwhile:
    // the claims do not wait for the batch before.
    wait_for(&store, &scope, slow, "running").await;
    let quick = enqueue(&store, &scope, &remind(SubscriptionId::from_raw(3))).await;
    wait_for(&store, &scope, quick, "done").await;
    assert_eq!(row(&store, &scope, slow).await.0, "running", "the slow job is still at work");
    handler.release.notify_waiters();
    wait_for(&store, &scope, slow, "done").await;

    // The panic is recorded and the job waits its backoff, pending.
    let (state, error, attempts, run_at) = wait_for(&store, &scope, panicking, "pending").await;
    assert!(error.as_deref().is_some_and(|e| e.contains("panicked") && e.contains("a bug in a job")), "{error:?}");
    assert_eq!(attempts, 1);
    assert!(run_at > now_ms() + 2_000, "backs off ({state}, run_at {run_at})");

    // The looping job went to give_up, not to run_job, and ended failed.
    let (_, error, _, _) = wait_for(&store, &scope, exhausted, "failed").await;
    assert!(error.as_deref().is_some_and(|e| e.contains("given up after 51 attempts")), "{error:?}");
    runtime.shutdown(Duration::from_secs(5)).await;
    assert_eq!(*handler.given_up.lock().unwrap(), vec![4]);
    assert_eq!(*handler.ran.lock().unwrap(), vec![3, 2], "the looping job never reached run_job");
}

async fn add_bot(store: &Store, token: &str) -> TenantScope {
    let new = NewBot {
        token: BotToken::parse(token).unwrap(),
        name: "Attempts".into(),
        username: Some("attempts_bot".into()),
        is_master: false,
        admins: vec![],
        owner: None,
    };
    let platform = platform();
    let (record, _) = store.platform(&platform).add_bot(new).await.unwrap();
    store.platform(&platform).tenant(record.id).await.unwrap()
}

async fn enqueue(store: &Store, scope: &TenantScope, job: &JobKind) -> i64 {
    let mut tx = store.tenant(scope).begin().await.unwrap();
    let id = tx.enqueue_job(job, 0).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn set_attempts(store: &Store, scope: &TenantScope, id: i64, attempts: u32) {
    let mut tx = store.tenant(scope).begin().await.unwrap();
    sqlx::query("UPDATE jobs SET attempts = $1 WHERE id = $2")
        .bind(i64::from(attempts))
        .bind(id)
        .execute(tx.raw_connection())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

type Row = (String, Option<String>, i64, i64);

async fn row(store: &Store, scope: &TenantScope, id: i64) -> Row {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let row = sqlx::query_as("SELECT status, last_error, attempts, run_at FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(tx.raw_connection())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    row
}

/// Polls the row until it has `status` (or fails after 20 s).
async fn wait_for(store: &Store, scope: &TenantScope, id: i64, status: &str) -> Row {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let row = row(store, scope, id).await;
        if row.0 == status && (status != "pending" || row.1.is_some()) {
            return row;
        }
        assert!(tokio::time::Instant::now() < deadline, "job {id} never became {status}: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

use crate::platform;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}
