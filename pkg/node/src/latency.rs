//! A lock-free latency histogram (proposal → commit, in ms) with fixed exponential buckets, cheap
//! enough to record every decision. Exposed raw in `/api/v1/status` so a load run can diff two
//! snapshots and compute percentiles over its own window.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (ms, inclusive) of the buckets; the last bucket holds everything larger.
pub const BOUNDS_MS: [u64; 27] = [
    1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 250, 300, 400, 500, 600, 750, 1000, 1500,
    2000, 3000, 5000, 10000, 30000,
];

/// Counts per bucket.
#[derive(Debug, Default)]
pub struct LatencyHistogram {
    counts: [AtomicU64; BOUNDS_MS.len() + 1],
    sum_ms: AtomicU64,
}

impl LatencyHistogram {
    /// Records one latency; negative values (clock skew) count as 0.
    pub fn record(&self, ms: i64) {
        let ms = u64::try_from(ms).unwrap_or(0);
        let index = BOUNDS_MS
            .iter()
            .position(|b| ms <= *b)
            .unwrap_or(BOUNDS_MS.len());
        self.counts[index].fetch_add(1, Ordering::Relaxed);
        self.sum_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Sum of every recorded latency (ms), for the Prometheus `_sum`.
    pub fn sum_ms(&self) -> u64 {
        self.sum_ms.load(Ordering::Relaxed)
    }

    /// A copy of the counts.
    pub fn snapshot(&self) -> Vec<u64> {
        self.counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }
}

/// Where a decision's time goes: each stage timed from its quote's proposal (the observation
/// batch's `created_at_ms`) on this node's clock, so the stages of one load run read as cumulative
/// percentiles next to the proposal → commit histogram. `received` and `voted` count only quotes
/// other nodes proposed (a node's own arrive at once); `decided` counts every quote the tally
/// validated or rejected (expiry is a timeout, not a stage).
#[derive(Debug, Default)]
pub struct StageLatencies {
    /// Proposal → the observation batch verified and at this node's voter.
    pub received: Arc<LatencyHistogram>,
    /// Proposal → this node's vote on the quote signed and published.
    pub voted: Arc<LatencyHistogram>,
    /// Proposal → the tally reached a validated or rejected outcome.
    pub decided: Arc<LatencyHistogram>,
}

/// The `q` quantile (0..=1) of bucket counts, as the upper bound of the bucket it falls in
/// (`None` without samples; `u64::MAX` past the last bound).
pub fn quantile(counts: &[u64], q: f64) -> Option<u64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = ((total as f64) * q).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (i, c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(BOUNDS_MS.get(i).copied().unwrap_or(u64::MAX));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_bucket_bounds() {
        let h = LatencyHistogram::default();
        for ms in [1, 1, 4, 4, 4, 40, 40, 40, 40, 900] {
            h.record(ms);
        }
        let s = h.snapshot();
        assert_eq!(quantile(&s, 0.5), Some(5));
        assert_eq!(quantile(&s, 0.9), Some(50));
        assert_eq!(quantile(&s, 0.99), Some(1000));
        assert_eq!(quantile(&[0; BOUNDS_MS.len() + 1], 0.5), None);
    }

    #[test]
    fn negative_and_huge_latencies_land_in_the_end_buckets() {
        let h = LatencyHistogram::default();
        h.record(-5);
        h.record(10_000_000);
        let s = h.snapshot();
        assert_eq!((s[0], s[BOUNDS_MS.len()]), (1, 1));
        assert_eq!(h.sum_ms(), 10_000_000);
    }
}
