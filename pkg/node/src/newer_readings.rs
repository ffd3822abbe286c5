//! Which of a source's readings this node proposes: only one observed later than every reading of
//! the same (source, symbol) it has proposed before. The protocol allows one quote per (proposer,
//! source, symbol, observed_at), and a voter rejects a second, different one as a `Duplicate`
//! (a proposer that signs two readings of one observation is lying about one of them). Venues
//! report their own times, often in whole seconds or as the time of the last trade, so two runs of
//! an honest source can read the same time with a different bid, ask or volume: the second run's
//! quotes would be rejected, and the source and this node would lose score for it. Such a reading,
//! and one older than what was already proposed, tells the network nothing new; it is not proposed.

use std::collections::HashMap;

use mdn_protocol::Symbol;

/// The latest proposed observation time per (source, symbol). Bounded: past `max_entries` pairs
/// it starts again empty (each pair then proposes its next reading again, which is never older
/// than the last one by more than a run).
#[derive(Debug, Clone)]
pub struct NewerReadings {
    latest: HashMap<String, HashMap<Symbol, i64>>,
    entries: usize,
    max_entries: usize,
}

impl NewerReadings {
    /// Empty, remembering at most `max_entries` (source, symbol) pairs (at least one).
    pub fn new(max_entries: usize) -> Self {
        Self {
            latest: HashMap::new(),
            entries: 0,
            max_entries: max_entries.max(1),
        }
    }

    /// Whether a reading of `symbol` from `source` observed at `observed_at_ms` is later than every
    /// reading of that pair admitted so far; if so it is admitted (remembered).
    pub fn admit(&mut self, source: &str, symbol: &Symbol, observed_at_ms: i64) -> bool {
        if let Some(latest) = self.latest.get_mut(source).and_then(|s| s.get_mut(symbol)) {
            if observed_at_ms <= *latest {
                return false;
            }
            *latest = observed_at_ms;
            return true;
        }
        if self.entries >= self.max_entries {
            self.latest.clear();
            self.entries = 0;
        }
        self.latest
            .entry(source.to_owned())
            .or_default()
            .insert(symbol.clone(), observed_at_ms);
        self.entries += 1;
        true
    }

    /// (source, symbol) pairs remembered.
    pub fn len(&self) -> usize {
        self.entries
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).expect("symbol")
    }

    #[test]
    fn a_reading_at_the_same_or_an_earlier_time_is_not_proposed_again() {
        let mut r = NewerReadings::new(100);
        let btc = sym("BTC/USD");
        assert!(r.admit("bitstamp", &btc, 1_000));
        assert!(!r.admit("bitstamp", &btc, 1_000), "same venue time");
        assert!(!r.admit("bitstamp", &btc, 999), "older");
        assert!(r.admit("bitstamp", &btc, 2_000));
        // Other sources and symbols are separate.
        assert!(r.admit("kraken", &btc, 1_000));
        assert!(r.admit("bitstamp", &sym("ETH/USD"), 1_000));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn past_its_bound_it_starts_again() {
        let mut r = NewerReadings::new(2);
        assert!(r.admit("a", &sym("BTC/USD"), 5));
        assert!(r.admit("a", &sym("ETH/USD"), 5));
        assert!(r.admit("a", &sym("SOL/USD"), 5));
        assert_eq!(r.len(), 1);
        assert!(
            r.admit("a", &sym("BTC/USD"), 5),
            "forgotten, so admitted once more"
        );
    }

    proptest! {
        /// Under its bound it admits exactly the readings later than every one admitted before for
        /// the same pair, so the admitted times of a pair strictly increase.
        #[test]
        fn admits_exactly_the_strictly_newer(readings in prop::collection::vec((0usize..3, 0usize..3, 0i64..50), 0..200)) {
            let sources = ["binance", "bitstamp", "okx"];
            let symbols = [sym("BTC/USD"), sym("ETH/USD"), sym("SOL/USD")];
            let mut r = NewerReadings::new(9);
            let mut model: BTreeMap<(usize, usize), i64> = BTreeMap::new();
            for (source, symbol, at) in readings {
                let expected = model.get(&(source, symbol)).is_none_or(|&last| at > last);
                prop_assert_eq!(r.admit(sources[source], &symbols[symbol], at), expected);
                if expected {
                    model.insert((source, symbol), at);
                }
            }
            prop_assert_eq!(r.len(), model.len());
        }
    }
}
