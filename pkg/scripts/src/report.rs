//! What a caller asks of one run and what it gets back.

use std::collections::BTreeMap;

use mdn_protocol::{Hash32, Symbol};
pub use rust_decimal::Decimal;
use serde::Serialize;

/// One run's input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunRequest {
    /// Parameters overriding the manifest's `params` defaults. A `base_url` given here also adds its
    /// host to the HTTP allowlist (the operator's explicit choice).
    pub params: BTreeMap<String, String>,
    /// Symbols wanted. Empty = the manifest's symbols (or, for a `["*"]` manifest, whatever the
    /// venue lists). When not empty, output is restricted to these symbols.
    pub symbols: Vec<Symbol>,
}

/// A validated quote produced by a script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScrapedQuote {
    /// The pair.
    pub symbol: Symbol,
    /// Price, positive exact decimal.
    pub price: Decimal,
    /// Best bid, if the venue reports one.
    pub bid: Option<Decimal>,
    /// Best ask, if the venue reports one.
    pub ask: Option<Decimal>,
    /// 24 h volume (base units), if reported.
    pub volume: Option<Decimal>,
    /// When the venue observed it, ms since the Unix epoch.
    pub observed_at_ms: i64,
    /// SHA-256 of the HTTP body the quote was parsed from.
    pub evidence_hash: Hash32,
    /// SHA-256 of the script's text.
    pub script_hash: Hash32,
}

impl ScrapedQuote {
    /// `observed_at_ms` as RFC 3339 UTC text with milliseconds.
    pub fn observed_at_rfc3339(&self) -> String {
        chrono::DateTime::from_timestamp_millis(self.observed_at_ms).map_or_else(
            || format!("{} ms", self.observed_at_ms),
            |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        )
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunOutcome {
    /// The script finished; `quotes` valid quotes came out.
    Ok {
        /// Number of valid quotes.
        quotes: usize,
    },
    /// The script threw, broke a limit (operations, sizes, call depth) or called a host function
    /// wrongly. Position 0 means unknown.
    ScriptError {
        /// The error, with the script's own words for `throw`.
        message: String,
        /// Line in the script file.
        line: usize,
        /// Column in the script file.
        column: usize,
    },
    /// The wall-clock budget ran out.
    Timeout,
    /// An HTTP request failed and the script did not recover.
    HttpError {
        /// The HTTP status, when a response came.
        status: Option<u16>,
        /// What happened (the script's message when it wrapped the error).
        message: String,
    },
    /// The script finished but every item it emitted was invalid.
    RejectedOutput {
        /// Summary of the rejections.
        message: String,
    },
}

/// Everything a run produced. `quotes` is empty unless `outcome` is `Ok`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Valid quotes.
    pub quotes: Vec<ScrapedQuote>,
    /// One line per dropped item: the symbol and why.
    pub rejected: Vec<String>,
    /// How the run ended.
    pub outcome: RunOutcome,
    /// Wall-clock duration of the run, ms.
    pub duration_ms: u64,
}

impl RunReport {
    /// The symbols (as the script wrote them) of the items dropped as too old, one per item.
    pub fn stale_symbols(&self) -> impl Iterator<Item = &str> {
        self.rejected
            .iter()
            .filter(|line| line.contains(crate::validate::STALE_WORDS))
            .map(|line| line.split_once(':').map_or("", |(symbol, _)| symbol.trim()))
    }

    /// The report as pretty-printed JSON (decimals as strings, hashes as hex).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"cannot encode the report: {e}\"}}"))
    }
}
