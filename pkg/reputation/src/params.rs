//! Tunables of the reputation rules, with the defaults documented in `docs/reputation.md`.

/// Weights of a source score's parts (a weighted geometric mean; they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceWeights {
    /// Share of the source's quotes that were validated.
    pub acceptance: f64,
    /// Closeness of its quotes to the consensus price.
    pub closeness: f64,
    /// Freshness of its quotes.
    pub freshness: f64,
    /// Share of its runs that succeeded.
    pub reliability: f64,
}

impl Default for SourceWeights {
    fn default() -> Self {
        Self {
            acceptance: 0.35,
            closeness: 0.35,
            freshness: 0.15,
            reliability: 0.15,
        }
    }
}

/// Everything the reputation rules can be tuned by.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Observations lose half their weight after this long (ms).
    pub half_life_ms: i64,
    /// A source (or source and symbol) whose score falls below this is quarantined.
    pub quarantine_below: f64,
    /// A quarantined source returns once its score rises above this.
    pub recover_above: f64,
    /// Weights of a source score's parts.
    pub weights: SourceWeights,
    /// Consensus prices are computed per interval of this length (ms).
    pub price_interval_ms: i64,
    /// An interval is closed this long after its end, so that late decisions still count (ms).
    pub price_grace_ms: i64,
    /// The dispersion used for closeness is at least this many basis points of the price, so that
    /// sources agreeing exactly do not make every small difference look huge.
    pub min_confidence_bps: u32,
    /// A quote `k` dispersions away from consensus has closeness `1 / (1 + k² / closeness_scale)`.
    pub closeness_scale: f64,
    /// Quotes older than this when decided are fully stale (ms).
    pub max_quote_age_ms: i64,
    /// Late votes on a decision are counted for this long before the decision is settled (ms).
    pub settle_ms: i64,
    /// Equivocation penalty: reputation is multiplied by `1 - exp(-t / forgive_ms)`, `t` since the
    /// last evidence (ms).
    pub equivocation_forgive_ms: i64,
    /// A validator's report counts for the network view this long after it was made (ms).
    pub report_ttl_ms: i64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            half_life_ms: 300_000,
            quarantine_below: 0.3,
            recover_above: 0.5,
            weights: SourceWeights::default(),
            price_interval_ms: 10_000,
            price_grace_ms: 5_000,
            min_confidence_bps: 5,
            closeness_scale: 9.0,
            max_quote_age_ms: 30_000,
            settle_ms: 5_000,
            equivocation_forgive_ms: 3_600_000,
            report_ttl_ms: 180_000,
        }
    }
}
