//! The ids of the validated decisions this node committed most recently, kept in memory so that
//! catch-up sync can tell what gossip already delivered without asking the store. A sync round asks
//! each peer for the ids it committed since the last round; on a gossip-fed node nearly all of them
//! were committed here a moment before, and checking them in the store was most of its read work.
//!
//! Bounded: two generations of at most `capacity / 2` ids each; when the newer one is full the
//! older one is dropped. So the newest `capacity / 2` ids are always remembered, at most
//! `capacity` are, and a lookup is two hash probes. An id not remembered is simply checked in the
//! store, so forgetting costs a read, never a decision.

use std::sync::Mutex;

use mdn_protocol::{FastSet, QuoteId};

/// Ids remembered by default: at least the newest 131,072 (13 s of commits at 10,000 validated
/// quotes per second, more than two 5 s sync rounds), at most twice that; ~20 MiB when full.
pub const DEFAULT_CAPACITY: usize = 1 << 18;

/// Recently committed validated quote ids. Shared by the store writer (which adds) and sync
/// (which asks).
#[derive(Debug)]
pub struct RecentIds {
    generation: usize,
    sets: Mutex<Generations>,
}

#[derive(Debug, Default)]
struct Generations {
    newer: FastSet<QuoteId>,
    older: FastSet<QuoteId>,
}

impl Default for RecentIds {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl RecentIds {
    /// Remembers at most `capacity` ids (at least the newest `capacity / 2`; at least 2).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            generation: (capacity / 2).max(1),
            sets: Mutex::new(Generations::default()),
        }
    }

    /// Remembers ids that are now stored as validated.
    pub fn remember(&self, ids: impl IntoIterator<Item = QuoteId>) {
        let mut sets = self.lock();
        for id in ids {
            if sets.newer.contains(&id) {
                continue;
            }
            // The two sets stay disjoint: an id added again moves to the newer one.
            sets.older.remove(&id);
            if sets.newer.len() >= self.generation {
                sets.older = std::mem::take(&mut sets.newer);
            }
            sets.newer.insert(id);
        }
    }

    /// Splits `ids` into those remembered and the others, each in the order given.
    pub fn split(&self, ids: &[QuoteId]) -> (Vec<QuoteId>, Vec<QuoteId>) {
        let sets = self.lock();
        ids.iter()
            .partition(|id| sets.newer.contains(*id) || sets.older.contains(*id))
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        let sets = self.lock();
        sets.newer.len() + sets.older.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // The sets stay consistent even if a holder panicked: every operation is a plain insert.
        self.sets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use mdn_protocol::Hash32;
    use proptest::prelude::*;

    use super::*;

    fn id(n: u32) -> QuoteId {
        let mut bytes = [0u8; 32];
        bytes[..4].copy_from_slice(&n.to_be_bytes());
        Hash32(bytes)
    }

    #[test]
    fn remembers_and_splits_in_order() {
        let recent = RecentIds::with_capacity(8);
        recent.remember([id(1), id(2), id(3)]);
        let (known, unknown) = recent.split(&[id(4), id(2), id(5), id(1)]);
        assert_eq!(known, vec![id(2), id(1)]);
        assert_eq!(unknown, vec![id(4), id(5)]);
    }

    #[test]
    fn forgets_the_older_generation_when_the_newer_is_full() {
        let recent = RecentIds::with_capacity(4);
        recent.remember((0..2).map(id));
        recent.remember((2..4).map(id));
        assert_eq!(recent.len(), 4);
        recent.remember([id(4)]);
        let (known, unknown) = recent.split(&(0..5).map(id).collect::<Vec<_>>());
        assert_eq!(known, vec![id(2), id(3), id(4)]);
        assert_eq!(unknown, vec![id(0), id(1)]);
    }

    #[test]
    fn an_id_remembered_again_is_not_counted_twice() {
        let recent = RecentIds::with_capacity(4);
        recent.remember([id(1), id(2), id(1)]);
        recent.remember([id(1), id(2)]);
        assert_eq!(recent.len(), 2);
    }

    proptest! {
        /// Against a model: the newest `capacity / 2` distinct ids are always remembered, never
        /// more than `capacity` are, and nothing never added is.
        #[test]
        fn keeps_the_newest_and_stays_bounded(
            capacity in 2usize..40,
            adds in proptest::collection::vec(0u32..60, 0..300),
        ) {
            let recent = RecentIds::with_capacity(capacity);
            let mut newest: VecDeque<u32> = VecDeque::new();
            for &n in &adds {
                recent.remember([id(n)]);
                newest.retain(|&m| m != n);
                newest.push_back(n);
                prop_assert!(recent.len() <= capacity.max(2));
                let keep = newest.len().min(capacity / 2);
                let must: Vec<QuoteId> = newest.iter().rev().take(keep).map(|&m| id(m)).collect();
                let (known, unknown) = recent.split(&must);
                prop_assert_eq!(known.len(), must.len(), "forgot {:?}", unknown);
            }
            let never: Vec<QuoteId> = (60..70).map(id).collect();
            prop_assert!(recent.split(&never).0.is_empty());
        }
    }
}
