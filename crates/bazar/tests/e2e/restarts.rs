//! A process that dies holding work takes it back as soon as it restarts: the
//! real `bazar serve`, `kill -9`, the same `node_id`, on both databases.
//!
//! * A paid subscription whose provisioning job was running when the process
//!   was killed is delivered within seconds of the restart — not after the
//!   job's two-minute lease.
//! * A process with *another* `node_id` on the same database leaves that job
//!   alone while its lease lasts (it may still be running elsewhere).

use crate::helpers;

use bazar_testkit::panels::FakeRemnawave;
use bazar_testkit::telegram::updates::{self, FakeUser};
use helpers::Platform;
use helpers::chat::{press, say, wait_for_text};
use std::time::{Duration, Instant};

const TG: i64 = 7401;
const WAIT: Duration = Duration::from_secs(20);
/// How soon after a restart the job must have run again: far below its
/// two-minute lease, with room for a loaded machine.
const SOON: Duration = Duration::from_secs(8);

/// Waits until `sql` counts at least 1.
async fn wait_for_row(p: &Platform, sql: &str) {
    let deadline = Instant::now() + WAIT;
    while p.count(sql).await < 1 {
        assert!(Instant::now() < deadline, "never: {sql}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn killed_holding_a_job(p: Platform) {
    let mut p = p;
    set_node(&mut p, "node-a");
    let panel = FakeRemnawave::start().await;
    p.add_remnawave(&panel).await;
    let id = p.add_shop(TG, "restart_shop_bot", &[]).await.0;
    let squad = panel.default_squad();
    p.run(&["plan", "add", &id, "--name", "Monthly", "--days", "30", "--price", "100000", "--squad", &squad])
        .await
        .ok();
    let server = p.serve_process(true).await;
    let user = FakeUser::new(7474, "Sara").with_language("en");
    let menu = say(&p, TG, &user, updates::command(&user, "/start", None)).await;
    p.run(&["wallet", "adjust", &id, "7474", "100000", "--reason", "top-up"]).await.ok();

    // The panel stalls on the job's first request: the job is running when the process dies.
    panel.delay_next(Duration::from_secs(60));
    let plans = press(&p, TG, &user, &menu, "Buy").await;
    let summary = press(&p, TG, &user, &plans, "Monthly").await;
    press(&p, TG, &user, &summary, "Pay").await;
    wait_for_row(&p, "SELECT COUNT(*) FROM jobs WHERE kind = 'provision' AND status = 'running'").await;
    let deadline = Instant::now() + WAIT;
    while panel.requests() == 0 {
        assert!(Instant::now() < deadline, "the job never reached the panel");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let held = "SELECT COUNT(*) FROM jobs WHERE kind = 'provision' AND status = 'running' AND claimed_by = 'node-a'";
    assert_eq!(p.count(held).await, 1, "the claim names its process");
    server.kill();

    // Another process on the same database leaves it alone: it may still be running there.
    set_node(&mut p, "node-b");
    let bystander = p.serve(true).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(p.count(held).await, 1, "not taken from a process that may be alive");
    bystander.stop().await;

    // The same node restarts: the job runs again at once and the subscription is delivered.
    set_node(&mut p, "node-a");
    let server = p.serve(true).await;
    let restarted = Instant::now();
    wait_for_text(&p, TG, user.id, "ready until").await;
    assert!(restarted.elapsed() < SOON, "delivered {:?} after the restart", restarted.elapsed());
    assert_eq!(p.count("SELECT COUNT(*) FROM subscriptions WHERE status = 'active'").await, 1);
    assert_eq!(p.count("SELECT COUNT(*) FROM jobs WHERE kind = 'provision' AND status = 'done'").await, 1);
    server.stop().await;
}

/// The `node_id` of the processes `p.serve` starts from now on.
fn set_node(p: &mut Platform, node: &str) {
    p.env.retain(|(k, _)| k != "BAZAR_NODE_ID");
    p.env.push(("BAZAR_NODE_ID".into(), node.into()));
}

on_both_backends!(killed_holding_a_job);
