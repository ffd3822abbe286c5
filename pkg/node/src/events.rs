//! What the node tells the outside: counters for status and metrics, and a broadcast of events for
//! the live stream. Cheap to clone; shared by the actors and the API.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mdn_protocol::{Outcome, QuoteId, Symbol};
use serde::Serialize;
use tokio::sync::broadcast;

/// Monotonic counters of this node's activity since start.
#[derive(Debug, Default)]
pub struct Counters {
    /// Quotes this node proposed.
    pub proposed: AtomicU64,
    /// Decisions reached: validated.
    pub validated: AtomicU64,
    /// Decisions reached: rejected.
    pub rejected: AtomicU64,
    /// Decisions reached: expired.
    pub expired: AtomicU64,
    /// Votes this node cast.
    pub votes_sent: AtomicU64,
    /// Votes received from peers (counted or not).
    pub votes_received: AtomicU64,
    /// Equivocations detected.
    pub equivocations: AtomicU64,
    /// Gossip messages rejected as invalid.
    pub gossip_rejected: AtomicU64,
    /// Gossip messages ignored (duplicates, replays, unknown validators).
    pub gossip_ignored: AtomicU64,
    /// Decisions pulled from peers by catch-up sync.
    pub synced: AtomicU64,
    /// Source runs that ended in an error.
    pub run_failures: AtomicU64,
    /// Proposal → commit latency of decisions reached by this node.
    pub decision_latency: crate::latency::LatencyHistogram,
}

impl Counters {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// One event of the live stream (`docs/api.md`), serialised with its `type` field.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum NodeEvent {
    /// A quote was decided and committed: `quote.validated`, `quote.rejected` or `quote.expired`.
    Quote {
        /// Event type.
        #[serde(rename = "type")]
        kind: &'static str,
        /// Quote id.
        id: QuoteId,
        /// Symbol.
        symbol: Symbol,
        /// Source name.
        source: String,
        /// Price (decimal string).
        price: String,
        /// When observed (RFC 3339).
        observed_at: String,
        /// Milliseconds from proposal to commit.
        latency_ms: i64,
    },
    /// A peer connected (`peer.connected`) or disconnected (`peer.disconnected`).
    Peer {
        /// Event type.
        #[serde(rename = "type")]
        kind: &'static str,
        /// The peer.
        peer_id: String,
    },
}

impl NodeEvent {
    /// The event type of a decision's outcome.
    pub fn quote_kind(outcome: Outcome) -> &'static str {
        match outcome {
            Outcome::Validated => "quote.validated",
            Outcome::Rejected => "quote.rejected",
            Outcome::Expired => "quote.expired",
        }
    }

    /// The symbol the event is about, if any (for stream filters).
    pub fn symbol(&self) -> Option<&Symbol> {
        match self {
            Self::Quote { symbol, .. } => Some(symbol),
            Self::Peer { .. } => None,
        }
    }
}

/// Counters plus the event broadcast.
#[derive(Debug, Clone)]
pub struct Telemetry {
    /// The counters.
    pub counters: Arc<Counters>,
    events: broadcast::Sender<NodeEvent>,
}

impl Default for Telemetry {
    fn default() -> Self {
        Self::new()
    }
}

impl Telemetry {
    /// New counters and a broadcast with room for 4096 events per subscriber.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(4096);
        Self {
            counters: Arc::new(Counters::default()),
            events,
        }
    }

    /// Publishes an event; nobody listening is fine.
    pub fn emit(&self, event: NodeEvent) {
        let _ = self.events.send(event);
    }

    /// A new subscriber; a subscriber that falls behind loses the oldest events, never slows the node.
    pub fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.events.subscribe()
    }
}
