//! Daily summaries for each tenant's admins: once a day, at a configured hour
//! of Tehran time, every active tenant gets a job that sends the previous
//! day's figures to its admin chat (the bot layer writes the message).
//!
//! The schedule is a loop that any number of processes may run: scheduling a
//! day twice is a no-op in the database (see `Platform::schedule_daily_summaries`).

use bazar_domain::calendar::tehran_day_start_ms;
use bazar_store::{PlatformScope, Store, StoreError};
use std::time::Duration;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// The Tehran day whose summary is due at `now` when summaries go out at
/// `hour` o'clock: yesterday once today's hour has come, else none.
pub fn due_day(now_ms: i64, hour: u8) -> Option<i64> {
    let today = tehran_day_start_ms(now_ms);
    (now_ms >= today + i64::from(hour.min(23)) * HOUR_MS).then_some(today - DAY_MS)
}

/// Schedules the due day's summaries that are not scheduled yet; returns how
/// many tenants got one. A platform path: it schedules for every tenant.
pub async fn schedule_due(store: &Store, platform: &PlatformScope, now_ms: i64, hour: u8) -> Result<usize, StoreError> {
    let Some(day) = due_day(now_ms, hour) else { return Ok(0) };
    Ok(store.platform(platform).schedule_daily_summaries(day).await?.len())
}

/// Checks every `every` whether summaries are due, until the task is dropped.
/// Once a day is scheduled, this process leaves it alone (the insert over
/// every tenant would only meet its own rows again, holding SQLite's single
/// writer each minute); other processes schedule it at most once too.
pub async fn run(store: Store, platform: PlatformScope, hour: u8, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut done: Option<i64> = None;
    loop {
        tick.tick().await;
        let now = crate::clock::now_ms();
        let due = due_day(now, hour);
        if due.is_none() || due == done {
            continue;
        }
        match schedule_due(&store, &platform, now, hour).await {
            Ok(n) => {
                done = due;
                if n > 0 {
                    tracing::info!(tenants = n, "daily summaries scheduled");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot schedule daily summaries"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yesterday_is_due_from_the_hour_on() {
        // 2025-11-25 05:00 UTC is 08:30 in Tehran.
        let now = 1_764_046_800_000;
        let today = tehran_day_start_ms(now);
        assert_eq!(due_day(now, 9), None);
        assert_eq!(due_day(now, 8), Some(today - DAY_MS));
        assert_eq!(due_day(now, 0), Some(today - DAY_MS));
        assert_eq!(due_day(now + HOUR_MS, 9), Some(today - DAY_MS));
        // Out-of-range hours mean the last hour of the day.
        assert_eq!(due_day(now, 200), None);
    }
}
