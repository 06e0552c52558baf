//! Percentiles and the printed report.

use std::time::Duration;

/// Latency samples and counts of one run.
#[derive(Debug, Default)]
pub struct Report {
    /// Delivery → reply, per answered update.
    pub latencies: Vec<Duration>,
    /// Updates delivered.
    pub delivered: usize,
    /// Updates with no reply by the end.
    pub unanswered: usize,
    /// Updates answered more than once.
    pub duplicated: usize,
    /// First delivery → last reply.
    pub wall: Duration,
    /// 429 answers the fake gave.
    pub too_many_requests: u64,
    /// Server peak resident memory (kB).
    pub peak_rss_kb: u64,
    /// Server resident memory at the end (kB).
    pub rss_kb: u64,
    /// CPU time the server spent on the measured updates.
    pub server_cpu: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

impl Report {
    /// Prints the report.
    pub fn print(&mut self, title: &str) {
        self.latencies.sort();
        let answered = self.latencies.len();
        let rate = if self.wall.is_zero() { 0.0 } else { answered as f64 / self.wall.as_secs_f64() };
        println!("== {title}");
        println!("updates delivered     {}", self.delivered);
        println!("replies (answered)    {answered}");
        println!("unanswered            {}", self.unanswered);
        println!("answered twice        {}", self.duplicated);
        println!("throughput            {rate:.0} updates/s over {:.2}s", self.wall.as_secs_f64());
        for p in [50.0, 90.0, 99.0] {
            println!("latency p{p:<4}         {:.1} ms", percentile(&self.latencies, p).as_secs_f64() * 1000.0);
        }
        println!(
            "latency max           {:.1} ms",
            self.latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
        );
        println!("429 from Telegram     {}", self.too_many_requests);
        if answered > 0 {
            let per_update = self.server_cpu.as_secs_f64() * 1e6 / answered as f64;
            println!(
                "server CPU            {per_update:.0} µs per update ({:.0} updates/s per core)",
                1e6 / per_update.max(1.0)
            );
        }
        println!("server peak RSS       {:.1} MB", self.peak_rss_kb as f64 / 1024.0);
        println!("server RSS at end     {:.1} MB", self.rss_kb as f64 / 1024.0);
    }
}
