//! This node's own recent observations, the references its votes compare peers' quotes with.
//! Bounded: at most `max_series` (symbol, source) series of at most `per_series` observations each,
//! and nothing older than `max_age_ms`.

use std::collections::VecDeque;

use mdn_protocol::{FastMap, FastSet, Symbol};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::band::median;

/// Memory limits of an [`ObservationBook`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookLimits {
    /// Observations kept per (symbol, source); the oldest go first.
    pub per_series: usize,
    /// Most (symbol, source) series kept.
    pub max_series: usize,
    /// Observations older than this (relative to `now_ms`, or to the newest of their series) go.
    pub max_age_ms: i64,
}

impl Default for BookLimits {
    fn default() -> Self {
        Self {
            per_series: 64,
            max_series: 10_000,
            max_age_ms: 120_000,
        }
    }
}

/// Why an observation was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    /// Prices must be positive to serve as a reference.
    #[error("observation price {0} for {1} rejected: expected a positive decimal")]
    NonPositivePrice(Decimal, Symbol),
    /// The book already holds its maximum number of series.
    #[error(
        "cannot add series ({symbol}, {source_name}): the book already holds its maximum of {max}"
    )]
    TooManySeries {
        /// Symbol of the refused series.
        symbol: Symbol,
        /// Source of the refused series.
        source_name: String,
        /// The configured maximum.
        max: usize,
    },
}

/// One own observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// The observed price (positive).
    pub price: Decimal,
    /// When the source observed it, ms since the Unix epoch.
    pub observed_at_ms: i64,
}

/// Own observations by symbol, then source, each series sorted by time.
#[derive(Debug, Clone, Default)]
pub struct ObservationBook {
    limits: BookLimits,
    symbols: FastMap<Symbol, FastMap<String, VecDeque<Observation>>>,
    series: usize,
    expected: FastSet<Symbol>,
}

/// `|a - b|` without overflow.
fn distance(a: i64, b: i64) -> i128 {
    (i128::from(a) - i128::from(b)).abs()
}

impl ObservationBook {
    /// An empty book with the given limits.
    pub fn new(limits: BookLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// Symbols this node's own sources scrape: for these, a quote that arrives before any own
    /// observation waits for one instead of being abstained on. Replaces the previous set.
    pub fn set_expected(&mut self, symbols: impl IntoIterator<Item = Symbol>) {
        self.expected = symbols.into_iter().collect();
    }

    /// True when `symbol` was declared by [`ObservationBook::set_expected`].
    pub fn is_expected(&self, symbol: &Symbol) -> bool {
        self.expected.contains(symbol)
    }

    /// Records an own observation. A second observation of the same series at the same time
    /// replaces the first.
    pub fn record(
        &mut self,
        symbol: &Symbol,
        source: &str,
        price: Decimal,
        observed_at_ms: i64,
    ) -> Result<(), BookError> {
        if price <= Decimal::ZERO {
            return Err(BookError::NonPositivePrice(price, symbol.clone()));
        }
        let known = self
            .symbols
            .get(symbol)
            .is_some_and(|s| s.contains_key(source));
        if !known && self.series >= self.limits.max_series {
            return Err(BookError::TooManySeries {
                symbol: symbol.clone(),
                source_name: source.to_owned(),
                max: self.limits.max_series,
            });
        }
        if !known {
            self.series += 1;
        }
        let series = self
            .symbols
            .entry(symbol.clone())
            .or_default()
            .entry(source.to_owned())
            .or_default();
        let obs = Observation {
            price,
            observed_at_ms,
        };
        let at = series.partition_point(|o| o.observed_at_ms < observed_at_ms);
        match series.get_mut(at) {
            Some(o) if o.observed_at_ms == observed_at_ms => *o = obs,
            _ => series.insert(at, obs),
        }
        while series.len() > self.limits.per_series.max(1) {
            series.pop_front();
        }
        if let Some(newest) = series.back().map(|o| o.observed_at_ms) {
            let cutoff = i128::from(newest) - i128::from(self.limits.max_age_ms);
            while series
                .front()
                .is_some_and(|o| i128::from(o.observed_at_ms) < cutoff)
            {
                series.pop_front();
            }
        }
        Ok(())
    }

    /// Drops observations older than `now_ms - max_age_ms` and series left empty.
    pub fn prune(&mut self, now_ms: i64) {
        let cutoff = i128::from(now_ms) - i128::from(self.limits.max_age_ms);
        let mut removed = 0;
        self.symbols.retain(|_, sources| {
            sources.retain(|_, series| {
                while series
                    .front()
                    .is_some_and(|o| i128::from(o.observed_at_ms) < cutoff)
                {
                    series.pop_front();
                }
                if series.is_empty() {
                    removed += 1;
                }
                !series.is_empty()
            });
            !sources.is_empty()
        });
        self.series -= removed;
    }

    /// Total observations held.
    pub fn len(&self) -> usize {
        self.symbols
            .values()
            .flat_map(|s| s.values())
            .map(VecDeque::len)
            .sum()
    }

    /// True when the book holds no observation.
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    /// Number of (symbol, source) series held.
    pub fn series_count(&self) -> usize {
        self.series
    }

    /// The time of the newest own observation of `symbol`, from any source.
    pub fn latest(&self, symbol: &Symbol) -> Option<i64> {
        self.symbols
            .get(symbol)?
            .values()
            .filter_map(|s| s.back().map(|o| o.observed_at_ms))
            .max()
    }

    /// The own observation of (`symbol`, `source`) nearest to `at_ms`, if one is within
    /// `window_ms` of it (ties go to the earlier one).
    pub fn nearest(
        &self,
        symbol: &Symbol,
        source: &str,
        at_ms: i64,
        window_ms: i64,
    ) -> Option<Observation> {
        let series = self.symbols.get(symbol)?.get(source)?;
        nearest_in(series, at_ms, window_ms)
    }

    /// The median over all sources other than `except_source` of each source's observation
    /// nearest to `at_ms` within `window_ms` (one value per source, so a source observed more often
    /// does not weigh more).
    pub fn median_of_others(
        &self,
        symbol: &Symbol,
        except_source: &str,
        at_ms: i64,
        window_ms: i64,
    ) -> Option<Decimal> {
        let mut prices: Vec<Decimal> = self
            .symbols
            .get(symbol)?
            .iter()
            .filter(|(source, _)| source.as_str() != except_source)
            .filter_map(|(_, series)| nearest_in(series, at_ms, window_ms).map(|o| o.price))
            .collect();
        median(&mut prices)
    }
}

fn nearest_in(series: &VecDeque<Observation>, at_ms: i64, window_ms: i64) -> Option<Observation> {
    let i = series.partition_point(|o| o.observed_at_ms < at_ms);
    let before = i.checked_sub(1).and_then(|j| series.get(j));
    let after = series.get(i);
    let best = match (before, after) {
        (Some(b), Some(a)) => {
            if distance(a.observed_at_ms, at_ms) < distance(b.observed_at_ms, at_ms) {
                a
            } else {
                b
            }
        }
        (Some(o), None) | (None, Some(o)) => o,
        (None, None) => return None,
    };
    (distance(best.observed_at_ms, at_ms) <= i128::from(window_ms)).then_some(*best)
}
