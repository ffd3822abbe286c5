//! Duplicate detection: one quote per (proposer, source, symbol, observed_at). A proposer that
//! signs two different quotes for the same observation is lying about one of them.

use std::collections::BTreeMap;

use mdn_protocol::{PublicKey, Quote, QuoteId, Symbol};

/// What [`DuplicateIndex::check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DuplicateCheck {
    /// First quote for its key (now recorded), or too old to be recorded.
    New,
    /// The same quote again (same key, same id): not a duplicate.
    Repeat,
    /// Same key, different id: vote `Reject(Duplicate)`.
    Duplicate {
        /// The id recorded first for this key.
        first: QuoteId,
    },
}

/// Ordered by time first so the oldest entries are pruned first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    observed_at_ms: i64,
    proposer: PublicKey,
    symbol: Symbol,
    source: String,
}

/// Quote ids by (proposer, source, symbol, observed_at). Bounded: at most `max_entries`, and keys
/// observed more than `max_age_ms` before `now_ms` are forgotten (such quotes are `Stale` anyway
/// when `max_age_ms` is at least the policy's `max_quote_age_ms`).
#[derive(Debug, Clone)]
pub struct DuplicateIndex {
    max_entries: usize,
    max_age_ms: i64,
    ids: BTreeMap<Key, QuoteId>,
}

impl DuplicateIndex {
    /// An empty index (at least one entry).
    pub fn new(max_entries: usize, max_age_ms: i64) -> Self {
        Self {
            max_entries: max_entries.max(1),
            max_age_ms,
            ids: BTreeMap::new(),
        }
    }

    /// Looks `quote` (whose id is `id`) up and records it when new. Prunes by age first. When
    /// full, the entry with the oldest `observed_at_ms` goes.
    pub fn check(&mut self, quote: &Quote, id: QuoteId, now_ms: i64) -> DuplicateCheck {
        self.prune(now_ms);
        if self.is_expired(quote.observed_at_ms, now_ms) {
            return DuplicateCheck::New;
        }
        let key = Key {
            observed_at_ms: quote.observed_at_ms,
            proposer: quote.proposer,
            symbol: quote.symbol.clone(),
            source: quote.source.clone(),
        };
        if let Some(first) = self.ids.get(&key) {
            return if *first == id {
                DuplicateCheck::Repeat
            } else {
                DuplicateCheck::Duplicate { first: *first }
            };
        }
        self.ids.insert(key, id);
        while self.ids.len() > self.max_entries {
            self.ids.pop_first();
        }
        DuplicateCheck::New
    }

    /// Forgets keys observed more than `max_age_ms` before `now_ms`.
    pub fn prune(&mut self, now_ms: i64) {
        while let Some((key, _)) = self.ids.first_key_value() {
            if !self.is_expired(key.observed_at_ms, now_ms) {
                break;
            }
            self.ids.pop_first();
        }
    }

    fn is_expired(&self, observed_at_ms: i64, now_ms: i64) -> bool {
        i128::from(now_ms) - i128::from(observed_at_ms) > i128::from(self.max_age_ms)
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}
