//! Section `consensus`: voting timeouts, batching and the price bands voters accept.

use std::collections::BTreeMap;

use mdn_protocol::Symbol;
use serde::{Deserialize, Serialize};

/// Section `consensus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Consensus {
    /// A quote not decided this long after it was first seen expires (default 5000 ms).
    pub vote_timeout_ms: u64,
    /// How far in the future a quote's `observed_at` may lie (default 2000 ms).
    pub max_clock_skew_ms: u64,
    /// Quotes observed longer ago than this are rejected as stale (default 30000 ms).
    pub max_quote_age_ms: u64,
    /// A proposal batch is flushed when it holds this many quotes (default 256).
    pub batch_max_quotes: usize,
    /// ... or when its oldest quote waited this long (default 50 ms).
    pub batch_interval_ms: u64,
    /// Price bands a voter accepts around its own observations.
    pub bands: Bands,
}

impl Default for Consensus {
    fn default() -> Self {
        Self {
            vote_timeout_ms: 5000,
            max_clock_skew_ms: 2000,
            max_quote_age_ms: 30_000,
            batch_max_quotes: 256,
            batch_interval_ms: 50,
            bands: Bands::default(),
        }
    }
}

/// `consensus.bands`: the default bands plus per-symbol overrides, in basis points (1 bp = 0.01%).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bands {
    /// Same source (authenticity): the voter's own reading of the same source may differ by at
    /// most this much (default 25 bp).
    pub same_source_bps: u32,
    /// Other sources (accuracy): distance allowed from the median of the voter's own observations
    /// of other sources (default 150 bp).
    pub cross_source_bps: u32,
    /// Overrides per symbol, e.g. `"BTC/USD": { cross_source_bps: 300 }` (default none).
    pub per_symbol: BTreeMap<Symbol, SymbolBand>,
}

impl Default for Bands {
    fn default() -> Self {
        Self {
            same_source_bps: 25,
            cross_source_bps: 150,
            per_symbol: BTreeMap::new(),
        }
    }
}

impl Bands {
    /// The bands for `symbol`: its override where set, the defaults otherwise.
    pub fn band_for(&self, symbol: &Symbol) -> Band {
        let over = self.per_symbol.get(symbol);
        Band {
            same_source_bps: over
                .and_then(|o| o.same_source_bps)
                .unwrap_or(self.same_source_bps),
            cross_source_bps: over
                .and_then(|o| o.cross_source_bps)
                .unwrap_or(self.cross_source_bps),
        }
    }
}

/// One entry of `consensus.bands.per_symbol`; a missing field keeps the default band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SymbolBand {
    /// Same-source band for this symbol, basis points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_source_bps: Option<u32>,
    /// Cross-source band for this symbol, basis points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_source_bps: Option<u32>,
}

/// The effective bands for one symbol, basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// Allowed distance from the voter's reading of the same source.
    pub same_source_bps: u32,
    /// Allowed distance from the median of the voter's readings of other sources.
    pub cross_source_bps: u32,
}
