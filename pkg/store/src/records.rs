//! Record types other than decisions: source events, scores, peers, evidence, prices, scripts.
//!
//! Structs derive `Default` where that makes sense so callers can write `..Default::default()` and
//! keep compiling when fields are added (migrations are additive).

use mdn_protocol::{Hash32, PublicKey, QuoteId, Symbol};
use rust_decimal::Decimal;

/// Something that happened when a source's script ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceEvent {
    /// Source name.
    pub source: String,
    /// When the run started (ms).
    pub at_ms: i64,
    /// How long the run took (ms).
    pub duration_ms: i64,
    /// What happened.
    pub kind: SourceEventKind,
}

/// What a source run ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceEventKind {
    /// The script produced quotes.
    Ok {
        /// How many.
        quotes: u32,
    },
    /// The script failed.
    ScriptError {
        /// The engine's message.
        message: String,
        /// Line in the script, if known.
        line: Option<u32>,
        /// Column in the script, if known.
        column: Option<u32>,
    },
    /// The run exceeded its time limit.
    Timeout,
    /// An HTTP request of the script failed.
    HttpError {
        /// HTTP status, if a response came.
        status: Option<u16>,
        /// What went wrong.
        message: String,
    },
    /// The script's output failed the checks.
    RejectedOutput {
        /// Which check failed.
        message: String,
    },
}

impl SourceEventKind {
    /// Stable name stored in the database.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ok { .. } => "ok",
            Self::ScriptError { .. } => "script_error",
            Self::Timeout => "timeout",
            Self::HttpError { .. } => "http_error",
            Self::RejectedOutput { .. } => "rejected_output",
        }
    }
}

/// A source's current score and its parts, all in `[0, 1]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceScore {
    /// Source name.
    pub source: String,
    /// The symbol, or `None` for the source as a whole.
    pub symbol: Option<String>,
    /// Overall score (this node's own view).
    pub score: f64,
    /// The network view: median of the validators' reports, if any reported it.
    pub network_score: Option<f64>,
    /// Share of the source's quotes that were validated.
    pub acceptance: f64,
    /// Closeness to consensus (1 = on consensus).
    pub deviation: f64,
    /// Freshness (1 = always fresh).
    pub staleness: f64,
    /// Run success rate (1 = never fails).
    pub reliability: f64,
    /// Whether the source is quarantined.
    pub quarantined: bool,
    /// When the score was computed (ms).
    pub updated_at_ms: i64,
}

/// Decision counters of one source on one symbol.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceStat {
    /// Source name.
    pub source: String,
    /// Symbol text.
    pub symbol: String,
    /// Validated quotes.
    pub validated: u64,
    /// Rejected quotes.
    pub rejected: u64,
    /// Expired quotes.
    pub expired: u64,
}

/// What this node knows about a peer. Build with [`PeerRecord::new`] and set what is known.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerRecord {
    /// The peer's public key.
    pub key: PublicKey,
    /// libp2p peer id text.
    pub peer_id: String,
    /// Reputation in `[0, 1]`.
    pub reputation: f64,
    /// Whether the peer is in the validator set.
    pub validator: bool,
    /// Known listen addresses (multiaddr text).
    pub addresses: Vec<String>,
    /// Last time the peer was seen (ms).
    pub last_seen_ms: i64,
}

impl PeerRecord {
    /// A record for `key` with everything else empty.
    pub fn new(key: PublicKey) -> Self {
        Self {
            key,
            peer_id: String::new(),
            reputation: 0.0,
            validator: false,
            addresses: Vec::new(),
            last_seen_ms: 0,
        }
    }
}

/// Decision counters of one peer, as proposer and as voter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerStat {
    /// The peer.
    pub peer: PublicKey,
    /// Its proposals that were validated.
    pub proposals_validated: u64,
    /// Its proposals that were rejected.
    pub proposals_rejected: u64,
    /// Its proposals that expired.
    pub proposals_expired: u64,
    /// Its votes that agreed with the outcome.
    pub votes_agreed: u64,
    /// Its votes that disagreed with the outcome.
    pub votes_disagreed: u64,
}

/// Proof that a voter cast two different votes on one quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The equivocating voter.
    pub voter: PublicKey,
    /// The quote voted on twice.
    pub quote_id: QuoteId,
    /// The first vote's standalone proof (encoded `CertificateEntry`-like bytes).
    pub first: Vec<u8>,
    /// The second, different vote's proof.
    pub second: Vec<u8>,
    /// When this node detected it (ms).
    pub at_ms: i64,
}

/// One consensus price of a symbol for one interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricePoint {
    /// The symbol.
    pub symbol: Symbol,
    /// Start of the interval (ms).
    pub interval_start_ms: i64,
    /// Consensus price (weighted median).
    pub price: Decimal,
    /// Dispersion of the contributing quotes.
    pub confidence: Decimal,
    /// Number of contributing sources.
    pub sources: u32,
}

/// An installed scraper script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScriptRecord {
    /// SHA-256 of `body`.
    pub hash: Hash32,
    /// Script name from its manifest.
    pub name: String,
    /// Script version from its manifest.
    pub version: String,
    /// Author's key, if the script was published signed.
    pub author: Option<PublicKey>,
    /// The manifest as JSON text.
    pub manifest_json: String,
    /// The script text.
    pub body: String,
    /// Whether the operator trusts it to run.
    pub trusted: bool,
    /// When it was installed (ms).
    pub installed_at_ms: i64,
    /// Who installed it (operator, peer id, `config`).
    pub installed_by: String,
    /// When it was trusted (ms), if it is.
    pub trusted_at_ms: Option<i64>,
    /// Who trusted it, if it is.
    pub trusted_by: Option<String>,
}
