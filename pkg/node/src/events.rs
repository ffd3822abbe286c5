//! What the node tells the outside: counters for status and metrics, and a broadcast of events for
//! the live stream. Cheap to clone; shared by the actors and the API. The counters are Prometheus
//! counters registered in [`Metrics`], so `/api/v1/status` and `/metrics` read the same numbers.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use mdn_protocol::{Outcome, QuoteId, Symbol};
use prometheus_client::metrics::counter::Counter;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::latency::{LatencyHistogram, StageLatencies};
use crate::metrics::Metrics;

/// One monotonic counter (a Prometheus counter: cloning shares the value).
pub type Count = Counter<u64, AtomicU64>;

/// Monotonic counters of this node's activity since start.
#[derive(Debug, Default)]
pub struct Counters {
    /// Quotes this node proposed.
    pub proposed: Count,
    /// Readings not proposed because their source reported a time no later than a reading of the
    /// same symbol this node had already proposed (see [`crate::newer_readings`]).
    pub not_newer: Count,
    /// Decisions reached: validated.
    pub validated: Count,
    /// Decisions reached: rejected.
    pub rejected: Count,
    /// Decisions reached: expired.
    pub expired: Count,
    /// Votes this node cast.
    pub votes_sent: Count,
    /// Votes received from peers (counted or not).
    pub votes_received: Count,
    /// Equivocations detected.
    pub equivocations: Count,
    /// Gossip messages rejected as invalid.
    pub gossip_rejected: Count,
    /// Gossip messages ignored (duplicates, replays, unknown validators).
    pub gossip_ignored: Count,
    /// Valid proposals and vote batches dropped unprocessed for arriving past their deadline
    /// (this node was behind on its gossip).
    pub gossip_late: Count,
    /// Decisions dropped unstored because the store writer's queue was full (the store fell
    /// behind; see [`crate::commit_queue`]).
    pub store_shed: Count,
    /// Decisions pulled from peers by catch-up sync.
    pub synced: Count,
    /// Decisions a peer offered in catch-up sync that this node already had (not re-verified).
    pub sync_skipped: Count,
    /// Pages of decisions fetched in full by catch-up sync (only when their ids showed a gap).
    pub sync_pages: Count,
    /// Source runs that ended in an error.
    pub run_failures: Count,
    /// Proposal → commit latency of decisions reached by this node.
    pub decision_latency: Arc<LatencyHistogram>,
    /// The stages of that latency: proposal → received, voted, decided.
    pub stages: StageLatencies,
}

impl Counters {
    /// Adds `n` to a counter.
    pub fn add(counter: &Count, n: u64) {
        counter.inc_by(n);
    }

    /// Reads a counter.
    pub fn get(counter: &Count) -> u64 {
        counter.get()
    }
}

/// What an event is about, for the stream's symbol filter.
pub trait EventSubject {
    /// The symbol the event is about (`None`: not about one symbol, passes every filter).
    fn symbol(&self) -> Option<&Symbol> {
        None
    }
}

/// Declares the stream's event types. Adding one is one line here (and its payload type, which
/// implements [`EventSubject`]).
macro_rules! node_events {
    ($($(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal,)*) => {
        /// One event of the live stream (`docs/api.md`), serialised with its `type` field.
        #[derive(Debug, Clone, Serialize)]
        #[serde(tag = "type")]
        pub enum NodeEvent {
            $($(#[$doc])* #[serde(rename = $name)] $variant($payload),)*
        }

        impl NodeEvent {
            /// Every event type, as sent in the `type` field.
            pub const TYPES: &'static [&'static str] = &[$($name),*];

            /// This event's type (the `type` field).
            pub fn type_name(&self) -> &'static str {
                match self {
                    $(Self::$variant(_) => $name,)*
                }
            }

            /// The symbol the event is about, if any (for stream filters).
            pub fn symbol(&self) -> Option<&Symbol> {
                match self {
                    $(Self::$variant(p) => EventSubject::symbol(p),)*
                }
            }
        }
    };
}

node_events! {
    /// A quote was decided validated and committed.
    QuoteValidated(QuoteEvent) = "quote.validated",
    /// A quote was decided rejected and committed.
    QuoteRejected(QuoteEvent) = "quote.rejected",
    /// A quote expired without quorum and was committed.
    QuoteExpired(QuoteEvent) = "quote.expired",
    /// A peer connected.
    PeerConnected(PeerEvent) = "peer.connected",
    /// A peer disconnected.
    PeerDisconnected(PeerEvent) = "peer.disconnected",
    /// A consensus price interval closed.
    PriceUpdated(PriceEvent) = "price.updated",
    /// A source's score was reported (every epoch) or its quarantine status changed.
    SourceScore(SourceScoreEvent) = "source.score",
}

/// Payload of the `quote.*` events.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteEvent {
    /// Quote id.
    pub id: QuoteId,
    /// Symbol.
    pub symbol: Symbol,
    /// Source name.
    pub source: String,
    /// Price (decimal string).
    pub price: String,
    /// When observed (RFC 3339).
    pub observed_at: String,
    /// Milliseconds from proposal to commit.
    pub latency_ms: i64,
}

impl EventSubject for QuoteEvent {
    fn symbol(&self) -> Option<&Symbol> {
        Some(&self.symbol)
    }
}

/// Payload of the `peer.*` events.
#[derive(Debug, Clone, Serialize)]
pub struct PeerEvent {
    /// The peer (libp2p peer id).
    pub peer_id: String,
}

impl EventSubject for PeerEvent {}

/// Payload of `price.updated`.
#[derive(Debug, Clone, Serialize)]
pub struct PriceEvent {
    /// Symbol.
    pub symbol: Symbol,
    /// Start of the interval (ms).
    pub interval_start_ms: i64,
    /// Consensus price (decimal string).
    pub price: String,
    /// Dispersion (decimal string).
    pub confidence: String,
    /// Contributing sources.
    pub sources: u32,
}

impl EventSubject for PriceEvent {
    fn symbol(&self) -> Option<&Symbol> {
        Some(&self.symbol)
    }
}

/// Payload of `source.score`.
#[derive(Debug, Clone, Serialize)]
pub struct SourceScoreEvent {
    /// Source name.
    pub source: String,
    /// This node's score (the network view if this node does not run it).
    pub score: Option<f64>,
    /// The network view.
    pub network_score: Option<f64>,
    /// Whether it is quarantined.
    pub quarantined: bool,
}

impl EventSubject for SourceScoreEvent {}

impl NodeEvent {
    /// The event of a committed decision.
    pub fn quote(outcome: Outcome, quote: QuoteEvent) -> Self {
        match outcome {
            Outcome::Validated => Self::QuoteValidated(quote),
            Outcome::Rejected => Self::QuoteRejected(quote),
            Outcome::Expired => Self::QuoteExpired(quote),
        }
    }

    /// `peer.connected` or `peer.disconnected`.
    pub fn peer(connected: bool, peer_id: String) -> Self {
        let event = PeerEvent { peer_id };
        if connected {
            Self::PeerConnected(event)
        } else {
            Self::PeerDisconnected(event)
        }
    }
}

/// Counters, metrics and the event broadcast.
#[derive(Debug, Clone)]
pub struct Telemetry {
    /// The counters (also registered in `metrics`).
    pub counters: Arc<Counters>,
    /// Every Prometheus metric of the node.
    pub metrics: Arc<Metrics>,
    events: broadcast::Sender<NodeEvent>,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

impl Telemetry {
    /// New counters and metrics, and a broadcast with room for [`EVENT_BUFFER`] events.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let counters = Arc::new(Counters::default());
        Self {
            metrics: Arc::new(Metrics::new(&counters)),
            counters,
            events,
        }
    }

    /// Publishes an event; nobody listening is fine.
    pub fn emit(&self, event: NodeEvent) {
        let _ = self.events.send(event);
    }

    /// Whether anyone subscribes to events now (so an event is worth building).
    pub fn has_listeners(&self) -> bool {
        self.events.receiver_count() > 0
    }

    /// A new subscriber; a subscriber that falls behind loses the oldest events, never slows the node.
    pub fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.events.subscribe()
    }

    /// Records a gossip message's verdict (`accept`, `reject`, `ignore`, `late`) by topic.
    pub fn gossip_verdict(&self, topic: &'static str, verdict: &'static str, bytes: usize) {
        match verdict {
            "reject" => Counters::add(&self.counters.gossip_rejected, 1),
            "ignore" => Counters::add(&self.counters.gossip_ignored, 1),
            "late" => {
                Counters::add(&self.counters.gossip_ignored, 1);
                Counters::add(&self.counters.gossip_late, 1);
            }
            _ => {}
        }
        self.metrics.gossip(topic, verdict, bytes);
    }

    /// Records one source run: its duration and whether it failed.
    pub fn script_run(&self, source: &str, failed: bool, duration_ms: u64) {
        if failed {
            Counters::add(&self.counters.run_failures, 1);
        }
        self.metrics.script_run(source, failed, duration_ms);
    }
}

/// Events the broadcast keeps for its slowest subscriber; a stream client further behind is dropped.
pub const EVENT_BUFFER: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use mdn_protocol::Hash32;

    fn quote_event() -> QuoteEvent {
        QuoteEvent {
            id: Hash32([7; 32]),
            symbol: Symbol::parse("BTC/USD").unwrap(),
            source: "binance".into(),
            price: "1.5".into(),
            observed_at: "2026-11-21T00:00:00.000Z".into(),
            latency_ms: 12,
        }
    }

    #[test]
    fn events_serialise_with_their_type_name() {
        let events = [
            NodeEvent::quote(Outcome::Validated, quote_event()),
            NodeEvent::quote(Outcome::Rejected, quote_event()),
            NodeEvent::quote(Outcome::Expired, quote_event()),
            NodeEvent::peer(true, "p".into()),
            NodeEvent::peer(false, "p".into()),
            NodeEvent::PriceUpdated(PriceEvent {
                symbol: Symbol::parse("BTC/USD").unwrap(),
                interval_start_ms: 10_000,
                price: "60000".into(),
                confidence: "5".into(),
                sources: 4,
            }),
            NodeEvent::SourceScore(SourceScoreEvent {
                source: "kraken".into(),
                score: Some(0.2),
                network_score: Some(0.25),
                quarantined: true,
            }),
        ];
        for event in &events {
            let json = serde_json::to_value(event).unwrap();
            assert_eq!(json["type"], event.type_name());
            assert!(NodeEvent::TYPES.contains(&event.type_name()));
        }
        let json = serde_json::to_value(&events[0]).unwrap();
        assert_eq!(json["symbol"], "BTC/USD");
        assert_eq!(json["latency_ms"], 12);
        assert_eq!(
            events[0].symbol().map(ToString::to_string).as_deref(),
            Some("BTC/USD")
        );
        assert_eq!(events[3].symbol(), None);
        assert_eq!(
            events[5].symbol().map(ToString::to_string).as_deref(),
            Some("BTC/USD")
        );
        assert_eq!(events[6].symbol(), None);
        let price = serde_json::to_value(&events[5]).unwrap();
        assert_eq!(price["type"], "price.updated");
        assert_eq!(price["interval_start_ms"], 10_000);
        assert_eq!(NodeEvent::TYPES.len(), events.len());
    }

    #[test]
    fn telemetry_counts_gossip_and_runs_once_for_status_and_metrics() {
        let t = Telemetry::new();
        t.gossip_verdict("votes", "reject", 10);
        t.gossip_verdict("votes", "ignore", 10);
        t.gossip_verdict("votes", "accept", 10);
        t.script_run("binance", true, 5);
        t.script_run("binance", false, 5);
        assert_eq!(Counters::get(&t.counters.gossip_rejected), 1);
        assert_eq!(Counters::get(&t.counters.gossip_ignored), 1);
        assert_eq!(Counters::get(&t.counters.run_failures), 1);
        let text = t.metrics.encode();
        assert!(text.contains("mdn_gossip_messages_total{topic=\"votes\",verdict=\"reject\"} 1"));
        assert!(text.contains("mdn_script_failures_total{source=\"binance\"} 1"));
        assert!(text.contains("mdn_script_runs_total{source=\"binance\"} 2"));
    }
}
