//! Per-token request budgets: a token bucket per token hash, refilled
//! continuously at the tenant's `api_rate_limit_per_minute`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Whether a request may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Yes.
    Allowed,
    /// No; a token is back in this many seconds.
    Limited {
        /// Seconds to wait (at least 1).
        retry_after: u64,
    },
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets by token (hash), in this process.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<Vec<u8>, Bucket>>,
}

impl RateLimiter {
    /// Takes one request from `key`'s bucket of `per_minute`.
    pub fn check(&self, key: &[u8], per_minute: u32) -> Decision {
        let capacity = f64::from(per_minute.max(1));
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.len() > 100_000 {
            // Forget idle buckets rather than grow without bound (full ones lose nothing).
            buckets.retain(|_, b| now.duration_since(b.at).as_secs() < 120);
        }
        let bucket = buckets.entry(key.to_vec()).or_insert(Bucket { tokens: capacity, at: now });
        let elapsed = now.duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allowed
        } else {
            let wait = ((1.0 - bucket.tokens) / per_second).ceil() as u64;
            Decision::Limited { retry_after: wait.max(1) }
        }
    }
}
