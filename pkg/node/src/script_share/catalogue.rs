//! The catalogue of announced scripts: what the network offers, keyed by script hash, with when this
//! node first saw each one and which validators' quotes show they run it. Pure and bounded.

use std::collections::{BTreeMap, BTreeSet};

use mdn_protocol::{Hash32, ObservationBatch, PublicKey, ScriptAnnouncement};

/// Most scripts the catalogue keeps; further announcements are ignored until restart.
pub const MAX_ENTRIES: usize = 4096;

/// One announced script.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The verified announcement.
    pub announcement: ScriptAnnouncement,
    /// When this node first saw it (ms).
    pub first_seen_ms: i64,
    /// Validators whose gossiped quotes carry this script hash.
    pub runners: BTreeSet<PublicKey>,
    /// Source names those quotes carry.
    pub sources: BTreeSet<String>,
}

/// What [`Catalogue::add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new entry.
    New,
    /// Already known (nothing changed).
    Known,
    /// The catalogue is full.
    Full,
}

/// Announced scripts by hash.
#[derive(Debug, Default)]
pub struct Catalogue {
    entries: BTreeMap<Hash32, Entry>,
}

impl Catalogue {
    /// Adds a verified announcement first seen at `now_ms`.
    pub fn add(&mut self, announcement: ScriptAnnouncement, now_ms: i64) -> Added {
        let hash = announcement.script_hash;
        if self.entries.contains_key(&hash) {
            return Added::Known;
        }
        if self.entries.len() >= MAX_ENTRIES {
            return Added::Full;
        }
        self.entries.insert(
            hash,
            Entry {
                announcement,
                first_seen_ms: now_ms,
                runners: BTreeSet::new(),
                sources: BTreeSet::new(),
            },
        );
        Added::New
    }

    /// Notes which known scripts the quotes of a verified batch came from.
    pub fn note_batch(&mut self, batch: &ObservationBatch) {
        for q in &batch.quotes {
            if let Some(entry) = self.entries.get_mut(&q.script_hash) {
                entry.runners.insert(batch.proposer);
                if !entry.sources.contains(&q.source) {
                    entry.sources.insert(q.source.clone());
                }
            }
        }
    }

    /// One entry.
    pub fn get(&self, hash: &Hash32) -> Option<&Entry> {
        self.entries.get(hash)
    }

    /// Every entry, sorted by name, then version, then hash.
    pub fn list(&self) -> Vec<Entry> {
        let mut out: Vec<Entry> = self.entries.values().cloned().collect();
        out.sort_by(|a, b| {
            let (x, y) = (&a.announcement, &b.announcement);
            (&x.name, &x.version, x.script_hash).cmp(&(&y.name, &y.version, y.script_hash))
        });
        out
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mdn_protocol::{Quote, Signature, Symbol};
    use proptest::prelude::*;

    fn ann(hash: u8, name: &str) -> ScriptAnnouncement {
        ScriptAnnouncement {
            network_id: "n".into(),
            author: PublicKey([1; 32]),
            script_hash: Hash32([hash; 32]),
            body_len: 1,
            name: name.into(),
            version: "1.0.0".into(),
            description: "d".into(),
            symbols: vec!["BTC/USD".into()],
            schedule: "* * * * *".into(),
            hosts: vec![],
            published_at_ms: 0,
            signature: Signature([0; 64]),
        }
    }

    fn batch(proposer: u8, hashes: &[u8]) -> ObservationBatch {
        let quotes = hashes
            .iter()
            .map(|h| Quote {
                symbol: Symbol::parse("BTC/USD").unwrap(),
                source: format!("src{h}"),
                price: 1.into(),
                bid: None,
                ask: None,
                volume: None,
                observed_at_ms: 0,
                script_hash: Hash32([*h; 32]),
                evidence_hash: Hash32([0; 32]),
                proposer: PublicKey([proposer; 32]),
            })
            .collect();
        ObservationBatch {
            network_id: "n".into(),
            proposer: PublicKey([proposer; 32]),
            seq: 0,
            created_at_ms: 0,
            quotes,
            signature: Signature([0; 64]),
        }
    }

    #[test]
    fn first_seen_is_kept_and_duplicates_change_nothing() {
        let mut c = Catalogue::default();
        assert_eq!(c.add(ann(1, "a"), 10), Added::New);
        assert_eq!(c.add(ann(1, "a"), 20), Added::Known);
        assert_eq!(c.get(&Hash32([1; 32])).unwrap().first_seen_ms, 10);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn runners_are_distinct_proposers_of_known_scripts() {
        let mut c = Catalogue::default();
        c.add(ann(1, "a"), 0);
        c.note_batch(&batch(7, &[1, 1, 2]));
        c.note_batch(&batch(7, &[1]));
        c.note_batch(&batch(8, &[1]));
        let e = c.get(&Hash32([1; 32])).unwrap();
        assert_eq!(e.runners.len(), 2);
        assert_eq!(e.sources.iter().collect::<Vec<_>>(), ["src1"]);
        assert!(
            c.get(&Hash32([2; 32])).is_none(),
            "unknown hashes are not added"
        );
    }

    #[test]
    fn the_catalogue_is_bounded() {
        let mut c = Catalogue::default();
        for i in 0..MAX_ENTRIES {
            let mut a = ann(0, "x");
            a.script_hash.0[..8].copy_from_slice(&(i as u64).to_le_bytes());
            assert_eq!(c.add(a, 0), Added::New);
        }
        assert_eq!(c.add(ann(0xff, "y"), 0), Added::Full);
        assert_eq!(c.len(), MAX_ENTRIES);
    }

    proptest! {
        #[test]
        fn list_is_sorted_and_complete(names in proptest::collection::vec("[a-c]{1,2}", 0..20)) {
            let mut c = Catalogue::default();
            for (i, n) in names.iter().enumerate() {
                c.add(ann(i as u8, n), 0);
            }
            let list = c.list();
            prop_assert_eq!(list.len(), names.len());
            for w in list.windows(2) {
                prop_assert!(w[0].announcement.name <= w[1].announcement.name);
            }
        }
    }
}
