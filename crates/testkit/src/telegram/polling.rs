//! `getUpdates` with Telegram's semantics: `offset` confirms (drops) older
//! updates, `timeout` long-polls until an update arrives, a newer request
//! terminates an older long poll with 409, and a set webhook forbids polling.
//! Waiting uses `tokio::sync::Notify`, so idle pollers cost nothing.

use super::envelope::{ApiError, ApiResult};
use super::params::Params;
use super::state::{Bot, BotState};
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

const WEBHOOK_ACTIVE: &str =
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const TERMINATED: &str = "terminated by other getUpdates request; make sure that only one bot instance is running";

pub(crate) async fn get_updates(bot: &Bot, params: &Params) -> ApiResult {
    let offset = params.i64("offset")?;
    let limit = params.i64("limit")?.unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(params.i64("timeout")?.unwrap_or(0).max(0) as u64);
    let allowed = allowed_updates(params)?;
    let deadline = Instant::now() + timeout;
    let generation = {
        let mut state = bot.state.lock().unwrap();
        if state.webhook.is_some() {
            return Err(ApiError::conflict(WEBHOOK_ACTIVE));
        }
        if let Some(offset) = offset {
            confirm(&mut state, offset);
        }
        if let Some(allowed) = allowed {
            state.allowed_updates = Some(allowed);
        }
        state.poll_generation += 1;
        state.poll_generation
    };
    // Tell an older long poll of this bot that it has been superseded.
    bot.poll_notify.notify_waiters();
    loop {
        let notified = bot.poll_notify.notified();
        tokio::pin!(notified);
        // Register before looking at the state, so no notification is missed in between.
        notified.as_mut().enable();
        {
            let mut state = bot.state.lock().unwrap();
            if state.poll_generation != generation {
                return Err(ApiError::conflict(TERMINATED));
            }
            if state.webhook.is_some() {
                return Err(ApiError::conflict(WEBHOOK_ACTIVE));
            }
            let batch = take_batch(&mut state, limit);
            if !batch.is_empty() || Instant::now() >= deadline {
                return Ok(Value::Array(batch));
            }
        }
        tokio::select! {
            () = &mut notified => {}
            () = tokio::time::sleep_until(deadline) => {}
        }
    }
}

/// Drops updates older than `offset`; a negative offset keeps only the last `-offset`.
fn confirm(state: &mut BotState, offset: i64) {
    if offset < 0 {
        let keep = offset.unsigned_abs() as usize;
        while state.queue.len() > keep {
            state.queue.pop_first();
        }
    } else {
        state.queue = state.queue.split_off(&offset);
    }
}

/// Up to `limit` pending updates, oldest first; those the bot did not ask for are dropped.
fn take_batch(state: &mut BotState, limit: usize) -> Vec<Value> {
    let unwanted: Vec<i64> = state.queue.iter().filter(|(_, u)| !state.allows(u)).map(|(id, _)| *id).collect();
    for id in unwanted {
        state.queue.remove(&id);
    }
    state.queue.values().take(limit).cloned().collect()
}

/// `allowed_updates` as a list of names; `None` when not given (keep the previous setting).
pub(crate) fn allowed_updates(params: &Params) -> Result<Option<Vec<String>>, ApiError> {
    let Some(value) = params.json("allowed_updates")? else { return Ok(None) };
    let list = value.as_array().ok_or_else(|| ApiError::bad_request("can't parse allowed updates"))?;
    Ok(Some(list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()))
}
