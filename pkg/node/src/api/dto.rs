//! JSON shapes of the API (the public contract in `docs/api.md`).

use chrono::{TimeZone, Utc};
use mdn_protocol::{Certificate, Decision, Outcome, PublicKey, Verdict};
use serde::Serialize;
use utoipa::ToSchema;

use crate::events::Counters;

/// A quote as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteJson {
    /// Quote id (hex).
    pub id: String,
    /// Local commit sequence number.
    pub seq: i64,
    /// `BASE/QUOTE`.
    pub symbol: String,
    /// Source name.
    pub source: String,
    /// Decimal string.
    pub price: String,
    /// Decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bid: Option<String>,
    /// Decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
    /// Decimal string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// RFC 3339.
    pub observed_at: String,
    /// Proposer's libp2p peer id.
    pub proposer: String,
    /// Proposer's public key (hex).
    pub proposer_key: String,
    /// `validated`, `rejected` or `expired`.
    #[schema(value_type = String, example = "validated")]
    pub status: Outcome,
    /// RFC 3339.
    pub decided_at: String,
    /// SHA-256 of the script (hex).
    pub script_hash: String,
    /// SHA-256 of the raw response (hex).
    pub evidence_hash: String,
    /// The quote's source (on its symbol, or as a whole) is quarantined now: its quotes are still
    /// voted on and shown, but stay out of the consensus price.
    pub source_quarantined: bool,
}

/// One vote shown with a quote.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteJson {
    /// Voter's peer id.
    pub voter: String,
    /// Voter's public key (hex).
    pub voter_key: String,
    /// The verdict: `{"kind": "accept"}`, `{"kind": "abstain"}` or `{"kind": "reject", "reason"}`.
    #[schema(value_type = Object)]
    pub verdict: Verdict,
    /// The vote batch's sequence number.
    pub batch_seq: u64,
}

/// A quote with its votes and certificate.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteDetailJson {
    /// The quote.
    #[serde(flatten)]
    pub quote: QuoteJson,
    /// Votes known for it (the certificate's accept votes).
    pub votes: Vec<VoteJson>,
    /// The certificate (validated quotes only; see `docs/protocol.md`).
    #[schema(value_type = Option<Object>)]
    pub certificate: Option<Certificate>,
    /// The canonical encoding of the quote (hex), to re-derive the id.
    pub quote_bytes: String,
}

/// `GET /api/v1/status`.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusJson {
    /// Network id.
    pub network_id: String,
    /// This node's peer id.
    pub peer_id: String,
    /// This node's public key (hex).
    pub public_key: String,
    /// Whether this node is in the validator set.
    pub is_validator: bool,
    /// Connected peers (peer ids).
    pub connected_peers: Vec<String>,
    /// The validator set.
    pub validators: Vec<ValidatorJson>,
    /// Accept votes needed to validate.
    pub quorum_threshold: usize,
    /// Stored decisions per outcome.
    pub decisions: CountsJson,
    /// Counters since start (the same values as `/metrics`).
    pub counters: CountersJson,
    /// Proposal → commit latency histogram since start.
    pub latency: LatencyJson,
    /// Where that latency goes: proposal → each stage, histograms since start (same buckets).
    pub stage_latency: StageLatencyJson,
    /// Seconds since start.
    pub uptime_secs: i64,
}

/// One validator in the status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidatorJson {
    /// Public key (hex).
    pub key: String,
    /// Peer id.
    pub peer_id: String,
    /// Connected to this node now (or is this node).
    pub connected: bool,
}

/// Stored decisions per outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsJson {
    /// Validated.
    pub validated: u64,
    /// Rejected.
    pub rejected: u64,
    /// Expired.
    pub expired: u64,
}

/// This node's activity counters since start.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountersJson {
    /// Quotes this node proposed.
    pub proposed: u64,
    /// Decisions committed: validated.
    pub validated: u64,
    /// Decisions committed: rejected.
    pub rejected: u64,
    /// Decisions committed: expired.
    pub expired: u64,
    /// Votes this node cast.
    pub votes_sent: u64,
    /// Votes received from peers.
    pub votes_received: u64,
    /// Equivocations detected.
    pub equivocations: u64,
    /// Gossip messages rejected as invalid.
    pub gossip_rejected: u64,
    /// Readings not proposed: their source's time was no later than one already proposed.
    pub not_newer: u64,
    /// Gossip messages ignored.
    pub gossip_ignored: u64,
    /// Valid proposals and vote batches dropped for arriving past their deadline (also counted
    /// in `gossip_ignored`): this node was behind on its gossip.
    pub gossip_late: u64,
    /// Decisions dropped unstored because the store fell behind (its writer's queue was full).
    pub store_shed: u64,
    /// Decisions pulled from peers by catch-up sync.
    pub synced: u64,
    /// Source runs that failed.
    pub run_failures: u64,
}

impl From<&Counters> for CountersJson {
    fn from(c: &Counters) -> Self {
        Self {
            proposed: Counters::get(&c.proposed),
            validated: Counters::get(&c.validated),
            rejected: Counters::get(&c.rejected),
            expired: Counters::get(&c.expired),
            votes_sent: Counters::get(&c.votes_sent),
            votes_received: Counters::get(&c.votes_received),
            equivocations: Counters::get(&c.equivocations),
            gossip_rejected: Counters::get(&c.gossip_rejected),
            not_newer: Counters::get(&c.not_newer),
            gossip_ignored: Counters::get(&c.gossip_ignored),
            gossip_late: Counters::get(&c.gossip_late),
            store_shed: Counters::get(&c.store_shed),
            synced: Counters::get(&c.synced),
            run_failures: Counters::get(&c.run_failures),
        }
    }
}

/// A latency histogram: `counts` has one entry per bound plus a last one for everything larger.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatencyJson {
    /// Upper bounds (ms, inclusive).
    pub buckets_ms: Vec<u64>,
    /// Counts per bucket.
    pub counts: Vec<u64>,
    /// Sum of every recorded latency (ms): with the counts' total, the mean.
    pub sum_ms: u64,
}

/// One stage's histogram: `counts` per bucket of [`LatencyJson`]'s `buckets_ms`, and their sum.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageJson {
    /// Counts per bucket (one more than `buckets_ms`: the last holds everything larger).
    pub counts: Vec<u64>,
    /// Sum of every recorded latency (ms).
    pub sum_ms: u64,
}

impl From<&crate::latency::LatencyHistogram> for StageJson {
    fn from(h: &crate::latency::LatencyHistogram) -> Self {
        Self {
            counts: h.snapshot(),
            sum_ms: h.sum_ms(),
        }
    }
}

/// The stages of the decision latency, each timed from the quote's proposal (see
/// `mdn_node::latency::StageLatencies`), over the buckets of [`LatencyJson`].
#[derive(Debug, Serialize, ToSchema)]
pub struct StageLatencyJson {
    /// Proposal → the observation batch at this node's voter (quotes peers proposed).
    pub received: StageJson,
    /// Proposal → this node's vote published (quotes peers proposed).
    pub voted: StageJson,
    /// Proposal → validated or rejected in this node's tally.
    pub decided: StageJson,
}

/// A page of quotes.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuotePage {
    /// Newest observed first.
    pub items: Vec<QuoteJson>,
    /// Cursor of the next page, `null` at the end.
    pub next: Option<String>,
}

/// `GET /health`, `GET /ready`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthJson {
    /// `ok` (health) or `ready`.
    pub status: String,
    /// Peers connected now (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected_peers: Option<usize>,
}

/// Answer of a pause or resume.
#[derive(Debug, Serialize, ToSchema)]
pub struct PausedJson {
    /// Source name.
    pub name: String,
    /// Whether it is paused now.
    pub paused: bool,
}

/// A source's shadow mode after a change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShadowJson {
    /// Source name.
    pub name: String,
    /// Whether its quotes stay out of the consensus price.
    pub shadow: bool,
}

/// Peer id text of a public key (or its hex if it is not a valid ed25519 key).
pub fn peer_id_text(key: &PublicKey) -> String {
    mdn_identity::peer_id_of(key)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| key.to_hex())
}

/// RFC 3339 with milliseconds.
pub fn rfc3339(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

impl QuoteJson {
    /// The API form of a stored decision.
    pub fn from_decision(seq: i64, d: &Decision) -> Self {
        let q = &d.quote;
        Self {
            id: q.id().to_hex(),
            seq,
            symbol: q.symbol.to_string(),
            source: q.source.clone(),
            price: q.price.to_string(),
            bid: q.bid.map(|v| v.to_string()),
            ask: q.ask.map(|v| v.to_string()),
            volume: q.volume.map(|v| v.to_string()),
            observed_at: rfc3339(q.observed_at_ms),
            proposer: peer_id_text(&q.proposer),
            proposer_key: q.proposer.to_hex(),
            status: d.outcome,
            decided_at: rfc3339(d.decided_at_ms),
            script_hash: q.script_hash.to_hex(),
            evidence_hash: q.evidence_hash.to_hex(),
            source_quarantined: false,
        }
    }

    /// Flags the quote when `quarantined` says its source is quarantined on its symbol.
    pub fn flag_quarantine(mut self, quarantined: impl Fn(&str, &str) -> bool) -> Self {
        self.source_quarantined = quarantined(&self.source, &self.symbol);
        self
    }
}
