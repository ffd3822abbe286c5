//! Replay detection for signed batches: one sliding sequence window per signer.
//!
//! A signer numbers its batches with a strictly increasing `seq`. Gossip may reorder them, so a
//! window accepts any sequence number not seen before that lies within `size` of the highest one
//! seen; anything seen, or older than the window, is a replay.

use std::collections::HashMap;

use mdn_protocol::PublicKey;

/// The verdict on one batch sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqCheck {
    /// Not seen before and inside the window: accept (it is now recorded).
    Fresh,
    /// Seen before: a replay.
    Replay,
    /// At or below `highest - size`: too old to tell, treated as a replay.
    TooOld,
}

impl SeqCheck {
    /// True for [`SeqCheck::Replay`] and [`SeqCheck::TooOld`].
    pub fn is_replay(self) -> bool {
        !matches!(self, SeqCheck::Fresh)
    }
}

/// The largest window: 65,536 seqs (8 KiB per signer).
pub const MAX_WINDOW: u32 = 1 << 16;

/// One signer's window: the highest seq seen and a bitmap of the `size` seqs ending at it.
/// Memory is `size / 8` bytes, whatever arrives.
#[derive(Debug, Clone)]
pub struct SeqWindow {
    size: u64,
    highest: Option<u64>,
    /// Bit `s % size` is set when seq `s` in `(highest - size, highest]` was seen.
    bits: Vec<u64>,
}

impl SeqWindow {
    /// A window remembering the last `size` sequence numbers, clamped to `1..=MAX_WINDOW`.
    pub fn new(size: u32) -> Self {
        let size = u64::from(size.clamp(1, MAX_WINDOW));
        let words = usize::try_from(size.div_ceil(64)).unwrap_or(1);
        Self {
            size,
            highest: None,
            bits: vec![0; words],
        }
    }

    /// The highest sequence number accepted so far.
    pub fn highest(&self) -> Option<u64> {
        self.highest
    }

    /// Checks `seq` and records it when fresh.
    pub fn check(&mut self, seq: u64) -> SeqCheck {
        let Some(high) = self.highest else {
            self.highest = Some(seq);
            self.set(seq);
            return SeqCheck::Fresh;
        };
        if seq > high {
            if seq - high >= self.size {
                self.bits.iter_mut().for_each(|w| *w = 0);
            } else {
                for s in high + 1..seq {
                    self.clear(s);
                }
            }
            self.highest = Some(seq);
            self.set(seq);
            return SeqCheck::Fresh;
        }
        if high - seq >= self.size {
            return SeqCheck::TooOld;
        }
        if self.get(seq) {
            return SeqCheck::Replay;
        }
        self.set(seq);
        SeqCheck::Fresh
    }

    fn slot(&self, seq: u64) -> (usize, u64) {
        let bit = seq % self.size;
        // bit < size <= u32::MAX, so the word index fits in usize.
        ((bit / 64) as usize, 1u64 << (bit % 64))
    }

    fn get(&self, seq: u64) -> bool {
        let (w, m) = self.slot(seq);
        self.bits.get(w).is_some_and(|word| word & m != 0)
    }

    fn set(&mut self, seq: u64) {
        let (w, m) = self.slot(seq);
        if let Some(word) = self.bits.get_mut(w) {
            *word |= m;
        }
    }

    fn clear(&mut self, seq: u64) {
        let (w, m) = self.slot(seq);
        if let Some(word) = self.bits.get_mut(w) {
            *word &= !m;
        }
    }
}

/// Sequence windows for many signers, at most `max_signers` of them.
///
/// When full, a new signer replaces the signer that was heard from least recently; that signer's
/// history is forgotten, so size `max_signers` above the number of signers you expect (the
/// validator set plus proposers). Batch age checks (`created_at_ms`) bound what a forgotten
/// signer's old batches could do.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    window: u32,
    max_signers: usize,
    /// Per signer: its window and the logical time of its last check.
    signers: HashMap<PublicKey, (SeqWindow, u64)>,
    clock: u64,
}

impl ReplayGuard {
    /// A guard with windows of `window` seqs for up to `max_signers` signers (at least 1).
    pub fn new(window: u32, max_signers: usize) -> Self {
        Self {
            window,
            max_signers: max_signers.max(1),
            signers: HashMap::new(),
            clock: 0,
        }
    }

    /// Checks `seq` from `signer` and records it when fresh.
    pub fn check(&mut self, signer: &PublicKey, seq: u64) -> SeqCheck {
        self.clock += 1;
        if !self.signers.contains_key(signer) && self.signers.len() >= self.max_signers {
            let idlest = self
                .signers
                .iter()
                .min_by_key(|(_, (_, last))| *last)
                .map(|(k, _)| *k);
            if let Some(k) = idlest {
                self.signers.remove(&k);
            }
        }
        let clock = self.clock;
        let (window, last) = self
            .signers
            .entry(*signer)
            .or_insert_with(|| (SeqWindow::new(self.window), clock));
        *last = clock;
        window.check(seq)
    }

    /// Number of signers currently remembered.
    pub fn len(&self) -> usize {
        self.signers.len()
    }

    /// True when no signer is remembered.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn in_order_sequence_is_fresh_and_repeats_are_replays() {
        let mut w = SeqWindow::new(8);
        for s in 1..=20 {
            assert_eq!(w.check(s), SeqCheck::Fresh);
        }
        assert_eq!(w.check(20), SeqCheck::Replay);
        assert_eq!(w.check(13), SeqCheck::Replay);
        assert_eq!(w.check(12), SeqCheck::TooOld);
    }

    #[test]
    fn reordering_inside_the_window_is_accepted_once() {
        let mut w = SeqWindow::new(8);
        assert_eq!(w.check(10), SeqCheck::Fresh);
        assert_eq!(w.check(7), SeqCheck::Fresh);
        assert_eq!(w.check(3), SeqCheck::Fresh);
        assert_eq!(w.check(2), SeqCheck::TooOld);
        assert_eq!(w.check(7), SeqCheck::Replay);
        assert_eq!(w.check(12), SeqCheck::Fresh);
        assert_eq!(w.check(11), SeqCheck::Fresh);
        assert_eq!(w.check(4), SeqCheck::TooOld);
    }

    #[test]
    fn a_jump_beyond_the_window_forgets_everything_older() {
        let mut w = SeqWindow::new(4);
        assert_eq!(w.check(1), SeqCheck::Fresh);
        assert_eq!(w.check(100), SeqCheck::Fresh);
        assert_eq!(w.check(97), SeqCheck::Fresh);
        assert_eq!(w.check(96), SeqCheck::TooOld);
        assert_eq!(w.check(u64::MAX), SeqCheck::Fresh);
        assert_eq!(w.check(u64::MAX), SeqCheck::Replay);
        assert_eq!(w.check(0), SeqCheck::TooOld);
    }

    #[test]
    fn guard_separates_signers_and_stays_bounded() {
        let mut g = ReplayGuard::new(16, 2);
        let (a, b, c) = (PublicKey([1; 32]), PublicKey([2; 32]), PublicKey([3; 32]));
        assert_eq!(g.check(&a, 5), SeqCheck::Fresh);
        assert_eq!(g.check(&b, 5), SeqCheck::Fresh);
        assert_eq!(g.check(&a, 5), SeqCheck::Replay);
        // c evicts b, the least recently heard signer.
        assert_eq!(g.check(&c, 1), SeqCheck::Fresh);
        assert_eq!(g.len(), 2);
        assert_eq!(g.check(&a, 5), SeqCheck::Replay);
        assert_eq!(g.check(&b, 5), SeqCheck::Fresh, "b was forgotten");
    }

    proptest! {
        /// The window agrees with a model that remembers every seq ever seen.
        #[test]
        fn window_matches_unbounded_model(
            size in 1u32..200,
            seqs in proptest::collection::vec(0u64..400, 1..300),
        ) {
            let mut w = SeqWindow::new(size);
            let mut seen = HashSet::new();
            let mut high: Option<u64> = None;
            for s in seqs {
                let expected = match high {
                    Some(h) if s <= h && h - s >= u64::from(size) => SeqCheck::TooOld,
                    _ if seen.contains(&s) => SeqCheck::Replay,
                    _ => SeqCheck::Fresh,
                };
                prop_assert_eq!(w.check(s), expected, "seq {}", s);
                if expected == SeqCheck::Fresh {
                    seen.insert(s);
                    high = Some(high.map_or(s, |h| h.max(s)));
                }
            }
        }

        /// No seq is ever accepted twice, whatever the order.
        #[test]
        fn never_accepts_a_seq_twice(
            size in 1u32..100,
            seqs in proptest::collection::vec(any::<u64>(), 1..200),
        ) {
            let mut w = SeqWindow::new(size);
            let mut accepted = HashSet::new();
            for s in seqs.iter().chain(seqs.iter()) {
                if w.check(*s) == SeqCheck::Fresh {
                    prop_assert!(accepted.insert(*s), "seq {} accepted twice", s);
                }
            }
        }

        /// The guard never holds more than its maximum number of signers.
        #[test]
        fn guard_memory_is_bounded(
            max in 1usize..8,
            events in proptest::collection::vec((0u8..20, 0u64..50), 0..200),
        ) {
            let mut g = ReplayGuard::new(32, max);
            for (k, s) in events {
                g.check(&PublicKey([k; 32]), s);
                prop_assert!(g.len() <= max);
            }
        }
    }
}
