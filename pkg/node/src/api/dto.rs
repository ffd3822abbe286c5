//! JSON shapes of the API (the public contract in `docs/api.md`).

use chrono::{TimeZone, Utc};
use mdn_protocol::{Certificate, Decision, Outcome, PublicKey, Verdict};
use serde::Serialize;

/// A quote as the API shows it.
#[derive(Debug, Serialize)]
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
    pub status: Outcome,
    /// RFC 3339.
    pub decided_at: String,
    /// SHA-256 of the script (hex).
    pub script_hash: String,
    /// SHA-256 of the raw response (hex).
    pub evidence_hash: String,
}

/// One vote shown with a quote.
#[derive(Debug, Serialize)]
pub struct VoteJson {
    /// Voter's peer id.
    pub voter: String,
    /// Voter's public key (hex).
    pub voter_key: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The vote batch's sequence number.
    pub batch_seq: u64,
}

/// A quote with its votes and certificate.
#[derive(Debug, Serialize)]
pub struct QuoteDetailJson {
    /// The quote.
    #[serde(flatten)]
    pub quote: QuoteJson,
    /// Votes known for it (the certificate's accept votes).
    pub votes: Vec<VoteJson>,
    /// The certificate (validated quotes only).
    pub certificate: Option<Certificate>,
    /// The canonical encoding of the quote (hex), to re-derive the id.
    pub quote_bytes: String,
}

/// `GET /api/v1/status`.
#[derive(Debug, Serialize)]
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
    /// Counters since start.
    pub counters: serde_json::Value,
    /// Proposal → commit latency histogram since start: `buckets_ms` (upper bounds) and `counts`
    /// (one more than bounds: the last counts everything larger).
    pub latency: serde_json::Value,
    /// Seconds since start.
    pub uptime_secs: i64,
}

/// One validator in the status.
#[derive(Debug, Serialize)]
pub struct ValidatorJson {
    /// Public key (hex).
    pub key: String,
    /// Peer id.
    pub peer_id: String,
    /// Connected to this node now (or is this node).
    pub connected: bool,
}

/// Stored decisions per outcome.
#[derive(Debug, Serialize)]
pub struct CountsJson {
    /// Validated.
    pub validated: u64,
    /// Rejected.
    pub rejected: u64,
    /// Expired.
    pub expired: u64,
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
        }
    }
}
