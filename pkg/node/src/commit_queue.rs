//! The store writer's queue of decisions waiting for a transaction, with a bound. When the store
//! stays slower than the network (a database short of CPU), an unbounded queue would grow without
//! limit, and with it memory and the delay of every later decision. At its bound the queue sheds:
//! expired decisions first (a local record that no quorum came in time; no certificate, nothing
//! for peers to ask for), then the oldest of the others (the stalest; catch-up sync fetches the
//! validated ones again from peers once the store keeps up). Kept items stay in arrival order.
//! IO-free: the store writer counts and reports what was shed.

use std::collections::VecDeque;

use mdn_protocol::Outcome;

use crate::messages::PendingCommit;

/// Decisions held at most: two of the store writer's largest transactions. A store that keeps up
/// leaves a few hundred queued; one that does not would otherwise delay every decision by
/// `bound / its rate` (measured: a 32,768 bound on PostgreSQL at ~4,800 per second gave ~7 s).
pub const DEFAULT_BOUND: usize = 8_192;

/// What one push (or retry) had to drop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shed {
    /// Expired decisions dropped.
    pub expired: u64,
    /// Validated or rejected decisions dropped (the oldest queued).
    pub decided: u64,
}

impl Shed {
    /// Decisions dropped in all.
    pub fn total(&self) -> u64 {
        self.expired + self.decided
    }
}

/// Decisions waiting for the store, oldest first, at most `bound` of them.
#[derive(Debug)]
pub struct CommitQueue {
    items: VecDeque<PendingCommit>,
    bound: usize,
    /// How many of `items` are expired (so shedding scans only when some are).
    expired: usize,
}

impl CommitQueue {
    /// An empty queue holding at most `bound` decisions (at least 1).
    pub fn new(bound: usize) -> Self {
        Self {
            items: VecDeque::new(),
            bound: bound.max(1),
            expired: 0,
        }
    }

    /// Decisions queued.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Queues `items` after those waiting, then sheds down to the bound.
    pub fn push(&mut self, items: impl IntoIterator<Item = PendingCommit>) -> Shed {
        for item in items {
            self.expired += usize::from(is_expired(&item));
            self.items.push_back(item);
        }
        self.shed()
    }

    /// Puts a failed batch back in front of the queue (to be retried first), then sheds down to
    /// the bound.
    pub fn retry(&mut self, batch: Vec<PendingCommit>) -> Shed {
        for item in batch.into_iter().rev() {
            self.expired += usize::from(is_expired(&item));
            self.items.push_front(item);
        }
        self.shed()
    }

    /// Takes the oldest `n` decisions (fewer when fewer wait).
    pub fn take(&mut self, n: usize) -> impl Iterator<Item = PendingCommit> + '_ {
        let n = n.min(self.items.len());
        self.expired -= self.items.range(..n).filter(|p| is_expired(p)).count();
        self.items.drain(..n)
    }

    fn shed(&mut self) -> Shed {
        let mut shed = Shed::default();
        let mut excess = self.items.len().saturating_sub(self.bound);
        if excess > 0 && self.expired > 0 {
            // The oldest expired decisions go first.
            let mut drop = excess.min(self.expired);
            self.items.retain(|p| {
                let dropped = drop > 0 && is_expired(p);
                drop -= usize::from(dropped);
                !dropped
            });
            let n = excess.min(self.expired);
            self.expired -= n;
            excess -= n;
            shed.expired = n as u64;
        }
        // Any excess left is over decisions that are not expired (all expired ones are gone).
        self.items.drain(..excess);
        shed.decided = excess as u64;
        shed
    }
}

fn is_expired(p: &PendingCommit) -> bool {
    p.commit.decision.outcome == Outcome::Expired
}

#[cfg(test)]
mod tests {
    use mdn_store::contract::fixtures::commit;
    use proptest::prelude::*;

    use super::*;

    fn pending(i: u64, outcome: Outcome) -> PendingCommit {
        PendingCommit {
            commit: commit(i, outcome),
            proposed_at_ms: i64::try_from(i).unwrap_or(0),
        }
    }

    fn numbers(q: &mut CommitQueue) -> Vec<i64> {
        q.take(usize::MAX).map(|p| p.proposed_at_ms).collect()
    }

    #[test]
    fn below_the_bound_nothing_is_shed_and_order_is_kept() {
        let mut q = CommitQueue::new(4);
        let shed = q.push([1, 2, 3].map(|i| pending(i, Outcome::Validated)));
        assert_eq!(shed, Shed::default());
        assert_eq!(numbers(&mut q), vec![1, 2, 3]);
    }

    #[test]
    fn expired_decisions_go_first_oldest_first() {
        let mut q = CommitQueue::new(4);
        q.push([
            pending(1, Outcome::Validated),
            pending(2, Outcome::Expired),
            pending(3, Outcome::Rejected),
            pending(4, Outcome::Expired),
        ]);
        let shed = q.push([pending(5, Outcome::Validated)]);
        assert_eq!(
            shed,
            Shed {
                expired: 1,
                decided: 0
            }
        );
        assert_eq!(numbers(&mut q), vec![1, 3, 4, 5]);
    }

    #[test]
    fn without_expired_decisions_the_oldest_go() {
        let mut q = CommitQueue::new(3);
        q.push([1, 2, 3].map(|i| pending(i, Outcome::Validated)));
        let shed = q.push([4, 5].map(|i| pending(i, Outcome::Validated)));
        assert_eq!(
            shed,
            Shed {
                expired: 0,
                decided: 2
            }
        );
        assert_eq!(numbers(&mut q), vec![3, 4, 5]);
    }

    #[test]
    fn a_retried_batch_goes_back_in_front() {
        let mut q = CommitQueue::new(8);
        q.push([1, 2, 3].map(|i| pending(i, Outcome::Validated)));
        let batch: Vec<_> = q.take(2).collect();
        q.push([4].map(|i| pending(i, Outcome::Validated)));
        assert_eq!(q.retry(batch), Shed::default());
        assert_eq!(numbers(&mut q), vec![1, 2, 3, 4]);
    }

    proptest! {
        /// Whatever arrives: the queue holds at most its bound, sheds exactly the excess,
        /// expired ones before any other, keeps arrival order, and its expired count stays true.
        #[test]
        fn the_bound_holds_and_expired_go_first(
            bound in 1usize..12,
            pushes in prop::collection::vec(
                prop::collection::vec(0u8..3, 0..10), 1..12),
            takes in prop::collection::vec(0usize..6, 12),
        ) {
            let mut q = CommitQueue::new(bound);
            let mut next = 0u64;
            let mut arrived = 0u64;
            let mut shed_total = 0u64;
            let mut taken = 0u64;
            for (push, take) in pushes.iter().zip(&takes) {
                let before: Vec<bool> = q.items.iter().map(is_expired).collect();
                let items: Vec<PendingCommit> = push
                    .iter()
                    .map(|k| {
                        next += 1;
                        let outcome = [Outcome::Validated, Outcome::Rejected, Outcome::Expired]
                            [usize::from(*k)];
                        pending(next, outcome)
                    })
                    .collect();
                let expired_offered = before.iter().filter(|e| **e).count()
                    + items.iter().filter(|p| is_expired(p)).count();
                arrived += items.len() as u64;
                let shed = q.push(items);
                shed_total += shed.total();
                prop_assert!(q.len() <= bound);
                if shed.decided > 0 {
                    // Others are dropped only once no expired one is left to drop.
                    prop_assert_eq!(shed.expired as usize, expired_offered);
                }
                prop_assert_eq!(q.expired, q.items.iter().filter(|p| is_expired(p)).count());
                let order: Vec<i64> = q.items.iter().map(|p| p.proposed_at_ms).collect();
                prop_assert!(order.windows(2).all(|w| w[0] < w[1]));
                taken += q.take(*take).count() as u64;
                prop_assert_eq!(q.expired, q.items.iter().filter(|p| is_expired(p)).count());
            }
            prop_assert_eq!(arrived, shed_total + taken + q.len() as u64);
        }
    }
}
