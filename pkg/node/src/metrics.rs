//! The node's Prometheus metrics (`GET /metrics`, `prometheus-client`): one registry per node,
//! owned by [`crate::events::Telemetry`]. The activity counters of `/api/v1/status` are registered
//! here too, so both endpoints show the same numbers. Names are in `docs/api.md`.

use std::fmt;
use std::sync::Arc;

use prometheus_client::encoding::{EncodeLabelSet, EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::events::Counters;
use crate::latency::{BOUNDS_MS, LatencyHistogram};

/// Labels of the gossip families.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GossipLabels {
    /// Topic kind (`observations`, `votes`, ...).
    pub topic: &'static str,
    /// `accept`, `reject`, `ignore` or `late`.
    pub verdict: &'static str,
}

/// Label of the per-source families.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabels {
    /// Source name.
    pub source: String,
}

type DurationFamily = Family<SourceLabels, Histogram, fn() -> Histogram>;

/// Every metric of the node besides the [`Counters`] (which are registered here too).
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    gossip_messages: Family<GossipLabels, Counter>,
    gossip_bytes: Family<GossipLabels, Counter>,
    script_runs: Family<SourceLabels, Counter>,
    script_failures: Family<SourceLabels, Counter>,
    script_duration: DurationFamily,
    /// Peers connected now (set when `/metrics` is scraped).
    pub connected_peers: Gauge,
    /// Time of one store commit transaction, in seconds.
    pub store_commit: Histogram,
    /// Decisions waiting in the store writer.
    pub store_queue: Gauge,
    /// Network events (mostly gossip messages) waiting for the gossip bridge.
    pub gossip_queue: Gauge,
    /// Live stream clients connected now.
    pub stream_clients: Gauge,
    /// Live stream clients dropped for being too slow.
    pub stream_dropped: Counter,
    /// API requests refused by the rate limit.
    pub api_rate_limited: Counter,
}

fn script_buckets() -> Histogram {
    // 1 ms .. ~33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Metrics {
    /// Registers every metric, `counters` included.
    pub fn new(counters: &Counters) -> Self {
        let mut registry = Registry::with_prefix("mdn");
        let counter = |r: &mut Registry, name: &str, help: &str, c: &Counter| {
            r.register(name, help, c.clone());
        };
        counter(
            &mut registry,
            "quotes_proposed",
            "Quotes this node proposed",
            &counters.proposed,
        );
        counter(
            &mut registry,
            "quotes_validated",
            "Decisions committed: validated",
            &counters.validated,
        );
        counter(
            &mut registry,
            "quotes_rejected",
            "Decisions committed: rejected",
            &counters.rejected,
        );
        counter(
            &mut registry,
            "quotes_expired",
            "Decisions committed: expired",
            &counters.expired,
        );
        counter(
            &mut registry,
            "readings_not_newer",
            "Readings not proposed: their source's time was no later than one already proposed",
            &counters.not_newer,
        );
        counter(
            &mut registry,
            "votes_sent",
            "Votes this node cast",
            &counters.votes_sent,
        );
        counter(
            &mut registry,
            "votes_received",
            "Votes received from peers",
            &counters.votes_received,
        );
        counter(
            &mut registry,
            "equivocations",
            "Equivocations detected",
            &counters.equivocations,
        );
        counter(
            &mut registry,
            "store_shed_decisions",
            "Decisions dropped unstored because the store writer's queue was full",
            &counters.store_shed,
        );
        counter(
            &mut registry,
            "synced_decisions",
            "Decisions pulled from peers by catch-up sync",
            &counters.synced,
        );
        counter(
            &mut registry,
            "sync_skipped_decisions",
            "Decisions offered by catch-up sync that were already stored (not re-verified)",
            &counters.sync_skipped,
        );
        counter(
            &mut registry,
            "sync_pages_fetched",
            "Pages of decisions catch-up sync fetched in full (their ids showed a gap)",
            &counters.sync_pages,
        );
        registry.register_with_unit(
            "decision_latency",
            "Proposal to commit latency of decisions reached by this node",
            Unit::Seconds,
            LatencyMetric(counters.decision_latency.clone()),
        );
        let stages = &counters.stages;
        for (name, help, histogram) in [
            (
                "decision_received_latency",
                "Proposal to arrival at this node's voter (quotes peers proposed)",
                &stages.received,
            ),
            (
                "decision_voted_latency",
                "Proposal to this node's vote published (quotes peers proposed)",
                &stages.voted,
            ),
            (
                "decision_decided_latency",
                "Proposal to a validated or rejected outcome in this node's tally",
                &stages.decided,
            ),
        ] {
            registry.register_with_unit(
                name,
                help,
                Unit::Seconds,
                LatencyMetric(histogram.clone()),
            );
        }

        let metrics = Self {
            gossip_messages: Family::default(),
            gossip_bytes: Family::default(),
            script_runs: Family::default(),
            script_failures: Family::default(),
            script_duration: Family::new_with_constructor(script_buckets),
            connected_peers: Gauge::default(),
            // 0.5 ms .. ~16 s.
            store_commit: Histogram::new(exponential_buckets(0.0005, 2.0, 16)),
            store_queue: Gauge::default(),
            gossip_queue: Gauge::default(),
            stream_clients: Gauge::default(),
            stream_dropped: Counter::default(),
            api_rate_limited: Counter::default(),
            registry: Registry::default(),
        };
        let r = &mut registry;
        r.register(
            "gossip_messages",
            "Gossip messages by topic and verdict",
            metrics.gossip_messages.clone(),
        );
        r.register_with_unit(
            "gossip",
            "Gossip message bytes by topic and verdict",
            Unit::Bytes,
            metrics.gossip_bytes.clone(),
        );
        r.register(
            "connected_peers",
            "Peers connected now",
            metrics.connected_peers.clone(),
        );
        r.register(
            "script_runs",
            "Source script runs",
            metrics.script_runs.clone(),
        );
        r.register(
            "script_failures",
            "Source script runs that failed",
            metrics.script_failures.clone(),
        );
        r.register_with_unit(
            "script_duration",
            "Source script run time",
            Unit::Seconds,
            metrics.script_duration.clone(),
        );
        r.register_with_unit(
            "store_commit",
            "Store commit transaction time",
            Unit::Seconds,
            metrics.store_commit.clone(),
        );
        r.register(
            "store_queue_depth",
            "Decisions waiting in the store writer",
            metrics.store_queue.clone(),
        );
        r.register(
            "gossip_queue_depth",
            "Network events waiting for the gossip bridge",
            metrics.gossip_queue.clone(),
        );
        r.register(
            "stream_clients",
            "Live stream clients connected",
            metrics.stream_clients.clone(),
        );
        r.register(
            "stream_dropped_clients",
            "Live stream clients dropped for being too slow",
            metrics.stream_dropped.clone(),
        );
        r.register(
            "api_rate_limited",
            "API requests refused by the rate limit",
            metrics.api_rate_limited.clone(),
        );
        Self {
            registry,
            ..metrics
        }
    }

    /// Counts one gossip message and its bytes.
    pub fn gossip(&self, topic: &'static str, verdict: &'static str, bytes: usize) {
        let labels = GossipLabels { topic, verdict };
        self.gossip_messages.get_or_create(&labels).inc();
        self.gossip_bytes
            .get_or_create(&labels)
            .inc_by(u64::try_from(bytes).unwrap_or(u64::MAX));
    }

    /// Counts one source run.
    pub fn script_run(&self, source: &str, failed: bool, duration_ms: u64) {
        let labels = SourceLabels {
            source: source.to_owned(),
        };
        self.script_runs.get_or_create(&labels).inc();
        // Created at the first run, so a source without failures shows 0 rather than nothing.
        let failures = self.script_failures.get_or_create(&labels);
        if failed {
            failures.inc();
        }
        self.script_duration
            .get_or_create(&labels)
            .observe(duration_ms as f64 / 1000.0);
    }

    /// The registry in the OpenMetrics text format (read by Prometheus).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The decision latency histogram (kept in ms for `/status`) shown to Prometheus in seconds.
#[derive(Debug)]
struct LatencyMetric(Arc<LatencyHistogram>);

impl EncodeMetric for LatencyMetric {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), fmt::Error> {
        let counts = self.0.snapshot();
        let buckets: Vec<(f64, u64)> = BOUNDS_MS
            .iter()
            .map(|ms| *ms as f64 / 1000.0)
            .chain(std::iter::once(f64::INFINITY))
            .zip(counts.iter().copied())
            .collect();
        let count = counts.iter().sum();
        let sum = self.0.sum_ms() as f64 / 1000.0;
        encoder.encode_histogram::<NoLabelSet>(sum, count, &buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Histogram
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_histogram_is_exported_in_seconds_with_cumulative_buckets() {
        let counters = Counters::default();
        let metrics = Metrics::new(&counters);
        counters.decision_latency.record(4);
        counters.decision_latency.record(40);
        counters.decision_latency.record(100_000);
        let text = metrics.encode();
        assert!(
            text.contains("mdn_decision_latency_seconds_count 3"),
            "{text}"
        );
        assert!(
            text.contains("mdn_decision_latency_seconds_sum 100.044"),
            "{text}"
        );
        assert!(
            text.contains("mdn_decision_latency_seconds_bucket{le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("mdn_decision_latency_seconds_bucket{le=\"0.05\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("mdn_decision_latency_seconds_bucket{le=\"+Inf\"} 3"),
            "{text}"
        );
    }

    #[test]
    fn each_stage_has_its_own_histogram() {
        let counters = Counters::default();
        let metrics = Metrics::new(&counters);
        counters.stages.received.record(30);
        counters.stages.voted.record(80);
        counters.stages.voted.record(90);
        counters.stages.decided.record(2_000);
        let text = metrics.encode();
        for expected in [
            "mdn_decision_received_latency_seconds_sum 0.03",
            "mdn_decision_received_latency_seconds_count 1",
            "mdn_decision_voted_latency_seconds_count 2",
            "mdn_decision_voted_latency_seconds_bucket{le=\"0.075\"} 0",
            "mdn_decision_voted_latency_seconds_bucket{le=\"0.1\"} 2",
            "mdn_decision_decided_latency_seconds_count 1",
            "mdn_decision_latency_seconds_count 0",
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
    }

    #[test]
    fn status_counters_and_metrics_share_values() {
        let counters = Counters::default();
        let metrics = Metrics::new(&counters);
        Counters::add(&counters.proposed, 5);
        Counters::add(&counters.votes_received, 2);
        metrics.store_queue.set(7);
        metrics.gossip_queue.set(3);
        let text = metrics.encode();
        assert!(text.contains("mdn_quotes_proposed_total 5"), "{text}");
        assert!(text.contains("mdn_votes_received_total 2"), "{text}");
        assert!(text.contains("mdn_store_queue_depth 7"), "{text}");
        assert!(text.contains("mdn_gossip_queue_depth 3"), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }
}
