//! Settings of the voting policy: time limits and price bands.

use std::collections::BTreeMap;

use mdn_protocol::Symbol;
use serde::{Deserialize, Serialize};

/// The widest band accepted by validation: 10,000 bps = 100 %.
pub const MAX_BAND_BPS: u32 = 10_000;

/// Allowed deviation from a reference price, in basis points of the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// Band around this node's own observation of the SAME source (authenticity: both nodes read
    /// the same venue, so prices should nearly agree).
    pub same_source_bps: u32,
    /// Band around the median of this node's observations of OTHER sources (accuracy: venues
    /// differ a little).
    pub cross_source_bps: u32,
}

/// The voting policy's settings. All durations are milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// How far in the future (`observed_at - now`) a quote may be before it is `Future`.
    pub max_clock_skew_ms: i64,
    /// How old (`now - observed_at`) a quote may be before it is `Stale`.
    pub max_quote_age_ms: i64,
    /// Default same-source band.
    pub same_source_bps: u32,
    /// Default cross-source band.
    pub cross_source_bps: u32,
    /// Bands for particular symbols, replacing the defaults.
    pub per_symbol: BTreeMap<Symbol, Bands>,
    /// Own observations within this distance of the quote's `observed_at` serve as references.
    pub reference_window_ms: i64,
    /// How old a quote may be and still wait for an own reference (`Wait`); older ones are
    /// abstained on.
    pub max_wait_ms: i64,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Self {
            max_clock_skew_ms: 2_000,
            max_quote_age_ms: 60_000,
            same_source_bps: 10,
            cross_source_bps: 100,
            per_symbol: BTreeMap::new(),
            reference_window_ms: 5_000,
            max_wait_ms: 5_000,
        }
    }
}

/// Why a [`PolicyConfig`] is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyConfigError {
    /// A duration is negative (or zero where zero makes no sense).
    #[error("policy setting {field} = {value} ms: expected {expected}")]
    Duration {
        /// The setting's name.
        field: &'static str,
        /// Its value.
        value: i64,
        /// What was expected.
        expected: &'static str,
    },
    /// A band is wider than 100 %.
    #[error("policy band {field} = {bps} bps{symbol}: expected at most {MAX_BAND_BPS} bps")]
    Band {
        /// The setting's name.
        field: &'static str,
        /// Its value.
        bps: u32,
        /// `" for SYMBOL"` when set per symbol, else empty.
        symbol: String,
    },
}

impl PolicyConfig {
    /// Checks every setting.
    pub fn validate(&self) -> Result<(), PolicyConfigError> {
        let durations = [
            ("max_clock_skew_ms", self.max_clock_skew_ms, 0),
            ("max_quote_age_ms", self.max_quote_age_ms, 1),
            ("reference_window_ms", self.reference_window_ms, 0),
            ("max_wait_ms", self.max_wait_ms, 0),
        ];
        for (field, value, min) in durations {
            if value < min {
                let expected = if min == 0 {
                    "zero or more"
                } else {
                    "more than zero"
                };
                return Err(PolicyConfigError::Duration {
                    field,
                    value,
                    expected,
                });
            }
        }
        let defaults = Bands {
            same_source_bps: self.same_source_bps,
            cross_source_bps: self.cross_source_bps,
        };
        check_bands(&defaults, String::new())?;
        for (symbol, bands) in &self.per_symbol {
            check_bands(bands, format!(" for {symbol}"))?;
        }
        Ok(())
    }

    /// The bands that apply to `symbol`.
    pub fn bands(&self, symbol: &Symbol) -> Bands {
        self.per_symbol.get(symbol).copied().unwrap_or(Bands {
            same_source_bps: self.same_source_bps,
            cross_source_bps: self.cross_source_bps,
        })
    }
}

fn check_bands(b: &Bands, symbol: String) -> Result<(), PolicyConfigError> {
    for (field, bps) in [
        ("same_source_bps", b.same_source_bps),
        ("cross_source_bps", b.cross_source_bps),
    ] {
        if bps > MAX_BAND_BPS {
            return Err(PolicyConfigError::Band { field, bps, symbol });
        }
    }
    Ok(())
}
