//! Hash maps and sets for the node's hot lookups: quote ids and public keys (already uniform
//! 32-byte values) and symbol and source names. The standard library's SipHash cost ~2.5% of a
//! busy node (a vote is looked up in several such maps). foldhash (hashbrown's default hasher) is
//! several times faster on such keys and seeded at random, so keys made up by a peer still cannot
//! be aimed at one bucket without knowing the seed.

use std::collections::{HashMap, HashSet};

/// The hasher of [`FastMap`] and [`FastSet`]: foldhash, randomly seeded.
pub type FastState = foldhash::fast::RandomState;

/// A `HashMap` with [`FastState`] (make one with `FastMap::default()`).
pub type FastMap<K, V> = HashMap<K, V, FastState>;

/// A `HashSet` with [`FastState`] (make one with `FastSet::default()`).
pub type FastSet<K> = HashSet<K, FastState>;

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;
    use crate::types::{Hash32, PublicKey};

    #[test]
    fn maps_and_sets_find_what_they_hold() {
        let mut map: FastMap<Hash32, u32> = FastMap::default();
        let mut set: FastSet<PublicKey> = FastSet::default();
        for i in 0..=255u8 {
            map.insert(Hash32([i; 32]), u32::from(i));
            set.insert(PublicKey([i; 32]));
        }
        assert_eq!(map.len(), 256);
        assert_eq!(map.get(&Hash32([7; 32])), Some(&7));
        assert!(set.contains(&PublicKey([255; 32])));
        let mut near = [1u8; 32];
        near[31] = 9;
        assert!(!map.contains_key(&Hash32(near)));
    }

    #[test]
    fn each_map_is_seeded_apart() {
        let key = Hash32([3; 32]);
        let hashes: FastSet<u64> = (0..8).map(|_| FastState::default().hash_one(key)).collect();
        assert!(hashes.len() > 1, "every map hashed the key alike");
    }
}
