//! A stored job that is not a `JobKind` (a payload that does not parse, a
//! kind nobody knows) ends `failed` with its reason, and the job runner keeps
//! going: the jobs after it run, and it is never handed to the handler.

use bazar_domain::jobs::ProvisionJob;
use bazar_domain::{BotToken, JobKind, SubscriptionId};
use bazar_runtime::{BotHandle, Handler, HandlerError, Mode, Outgoing, Runtime, RuntimeOptions, UpdateContext};
use bazar_secrets::{Keyring, MasterKey};
use bazar_store::{DatabaseOptions, Job, JobEnd, NewBot, Store, TenantScope};
use bazar_telegram::BotApi;
use bazar_testkit::telegram::FakeTelegram;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Records the jobs it is given and finishes each.
#[derive(Default)]
struct Recorder {
    store: Mutex<Option<Store>>,
    ran: Mutex<Vec<JobKind>>,
}

impl Handler for Recorder {
    fn handle<'a>(&'a self, _ctx: &'a mut UpdateContext) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin(async { Ok(()) })
    }

    fn run_job<'a>(&'a self, bot: &'a Arc<BotHandle>, job: &'a Job) -> BoxFuture<'a, Vec<Outgoing>> {
        Box::pin(async move {
            self.ran.lock().unwrap().push(job.kind.clone());
            let store = self.store.lock().unwrap().clone().expect("store");
            let mut tx = store.tenant(&bot.scope).begin().await.unwrap();
            tx.finish_job(job.id, &JobEnd::Done).await.unwrap();
            tx.commit().await.unwrap();
            Vec::new()
        })
    }
}

#[tokio::test]
async fn an_unreadable_job_fails_and_the_runner_keeps_going() {
    let telegram = FakeTelegram::start().await;
    let token = telegram.add_bot(4402, "jobs_bot");
    let (url, _dir) = bazar_testkit::sqlite_url();
    let store = Store::open(&DatabaseOptions::new(url), Keyring::new(MasterKey::generate(), vec![])).await.unwrap();
    let scope = add_bot(&store, &token).await;
    let broken = insert_raw(&store, &scope, "provision", r#"{"subscription":"seven"}"#).await;
    let unknown = insert_raw(&store, &scope, "teleport", "{}").await;
    let good = JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(7) });
    let mut tx = store.tenant(&scope).begin().await.unwrap();
    let after = tx.enqueue_job(&good, 0).await.unwrap();
    tx.commit().await.unwrap();

    let handler = Arc::new(Recorder::default());
    *handler.store.lock().unwrap() = Some(store.clone());
    let mut options = RuntimeOptions::new(Mode::Polling);
    options.poll_timeout = Duration::from_secs(1);
    options.job_poll = Duration::from_millis(20);
    let runtime = Runtime::start(store.clone(), platform(), BotApi::new(&telegram.url()), options, handler.clone())
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while status(&store, &scope, after).await.0 != "done" {
        assert!(tokio::time::Instant::now() < deadline, "the readable job never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    runtime.shutdown(Duration::from_secs(5)).await;

    assert_eq!(*handler.ran.lock().unwrap(), vec![good], "only the readable job reached the handler");
    let (state, error) = status(&store, &scope, broken).await;
    assert_eq!(state, "failed");
    assert!(error.as_deref().is_some_and(|e| e.contains("invalid type")), "{error:?}");
    let (state, error) = status(&store, &scope, unknown).await;
    assert_eq!(state, "failed");
    assert!(error.as_deref().is_some_and(|e| e.contains("unknown variant `teleport`")), "{error:?}");
}

async fn add_bot(store: &Store, token: &str) -> TenantScope {
    let new = NewBot {
        token: BotToken::parse(token).unwrap(),
        name: "Jobs".into(),
        username: Some("jobs_bot".into()),
        is_master: false,
        admins: vec![],
        owner: None,
    };
    let platform = platform();
    let (record, _) = store.platform(&platform).add_bot(new).await.unwrap();
    store.platform(&platform).tenant(record.id).await.unwrap()
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

async fn status(store: &Store, scope: &TenantScope, id: i64) -> (String, Option<String>) {
    let mut tx = store.tenant(scope).begin_read().await.unwrap();
    let row = sqlx::query_as("SELECT status, last_error FROM jobs WHERE id = $1")
        .bind(id)
        .fetch_one(tx.raw_connection())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    row
}

use crate::platform;
