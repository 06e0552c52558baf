//! The periodic health check of every VPN panel: each is probed
//! ([`VpnPanel::probe`](bazar_panels::VpnPanel::probe), within a deadline)
//! and the result recorded; the store decides when a panel is down or up
//! again and queues the notices for the shops it serves
//! (`Platform::record_panel_probe`). While a panel is down, purchases that
//! need it are refused as "temporarily unavailable" (`buy`, `renew`,
//! `start_trial` read `down_since`), so nothing is sold into hours of retries.
//!
//! Any number of processes may run this loop: each probes, and the
//! conditional updates let only one of them report a transition.

use crate::Provisioner;
use bazar_domain::PanelId;
use bazar_store::{HealthChange, StoreError};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;

/// Probes run at once: an operator with many tenants' own panels should not
/// open hundreds of connections every round.
const PARALLEL: usize = 8;
/// The longest a failure's text is kept (it is shown to operators).
const ERROR_CHARS: usize = 300;

/// Probes every panel once and records what each answered; returns the
/// transitions this round caused (a panel that went down or came back).
pub async fn check_all(
    provisioner: &Provisioner,
    deadline: Duration,
) -> Result<Vec<(PanelId, HealthChange)>, StoreError> {
    let panels = provisioner.store.platform(&provisioner.platform).panels().await?;
    let results: Vec<Result<(PanelId, HealthChange), StoreError>> = futures::stream::iter(panels)
        .map(|panel| async move {
            let outcome = probe(provisioner, panel.id, deadline).await;
            let change = provisioner
                .store
                .platform(&provisioner.platform)
                .record_panel_probe(panel.id, outcome.as_ref().map(|_| ()).map_err(String::as_str))
                .await?;
            log(&panel.name, &change, outcome.as_ref().err());
            Ok((panel.id, change))
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    let mut changes = Vec::new();
    for result in results {
        let (id, change) = result?;
        if change != HealthChange::Unchanged {
            changes.push((id, change));
        }
    }
    changes.sort_by_key(|(id, _)| *id);
    Ok(changes)
}

/// One probe, outside any transaction; the failure as an operator reads it.
async fn probe(provisioner: &Provisioner, id: PanelId, deadline: Duration) -> Result<(), String> {
    let panel = provisioner.panel(Some(id)).await?;
    let answer = tokio::time::timeout(deadline, panel.probe())
        .await
        .map_err(|_| format!("no answer within {} s", deadline.as_secs().max(1)))?;
    answer.map_err(|e| e.to_string().chars().take(ERROR_CHARS).collect())
}

fn log(name: &str, change: &HealthChange, error: Option<&String>) {
    match change {
        HealthChange::WentDown { tenants } => {
            tracing::warn!(
                panel = name,
                tenants,
                error = error.map(String::as_str),
                "VPN panel is down; its sales pause"
            )
        }
        HealthChange::CameUp { tenants, .. } => {
            tracing::info!(panel = name, tenants, "VPN panel answers again; its sales resume")
        }
        HealthChange::Unchanged => {}
    }
}

/// Probes every `every` until the task is dropped, each probe within a
/// deadline of half the interval (at most 10 s).
pub async fn run(provisioner: Arc<Provisioner>, every: Duration) {
    let deadline = (every / 2).clamp(Duration::from_millis(100), Duration::from_secs(10));
    // The first probe one interval after start: a process that just started
    // has no reason to doubt the panels its predecessor found answering.
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = check_all(&provisioner, deadline).await {
            tracing::warn!(error = %e, "cannot record VPN panel health");
        }
    }
}
