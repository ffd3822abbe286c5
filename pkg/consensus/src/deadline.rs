//! When a gossiped batch has come too late to matter. A quote is decided within the vote timeout
//! of its proposal or it expires, so a proposal or a vote batch that reaches a node later than that
//! (plus the clock skew the network allows between nodes) can no longer change any decision. A
//! node behind on its inbound gossip drops such batches unprocessed instead of spending its time
//! on work whose every result would expire: under overload it keeps deciding the fresh quotes it
//! can, instead of falling ever further behind on stale ones.

/// How late a signed batch may arrive and still be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The tally's vote timeout (ms).
    pub vote_timeout_ms: i64,
    /// The clock difference allowed between nodes (ms).
    pub max_clock_skew_ms: i64,
}

impl Deadline {
    /// The longest a proposal may wait in this node's own inbound queue before it is dropped
    /// unread: a quarter of the vote timeout. A proposal voted on later than that leaves too
    /// little of the timeout for the peers' votes to come back, and a queue that holds proposals
    /// longer only makes every later one late too. Measured on this node's monotonic clock, so no
    /// peer's clock enters it.
    pub fn max_queue_wait_ms(&self) -> i64 {
        self.vote_timeout_ms / 4
    }

    /// Whether a proposal that has waited `waited_ms` in this node's inbound queue is dropped.
    pub fn waited_too_long(&self, waited_ms: i64) -> bool {
        waited_ms > self.max_queue_wait_ms()
    }
}

impl Deadline {
    /// Whether a batch its signer made at `created_at_ms` is too late to process at `now_ms`: it
    /// is older than the vote timeout even granting its signer's clock the allowed skew.
    pub fn is_late(&self, created_at_ms: i64, now_ms: i64) -> bool {
        let age = now_ms.saturating_sub(created_at_ms);
        age > self.vote_timeout_ms.saturating_add(self.max_clock_skew_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const D: Deadline = Deadline {
        vote_timeout_ms: 5_000,
        max_clock_skew_ms: 2_000,
    };

    #[test]
    fn a_batch_is_late_only_past_the_timeout_and_the_skew() {
        let now = 1_700_000_000_000;
        assert!(!D.is_late(now, now));
        assert!(
            !D.is_late(now - 7_000, now),
            "exactly at the limit is in time"
        );
        assert!(D.is_late(now - 7_001, now));
        assert!(!D.is_late(now + 60_000, now), "a future batch is not late");
    }

    #[test]
    fn a_proposal_may_wait_a_quarter_of_the_vote_timeout_in_the_queue() {
        assert_eq!(D.max_queue_wait_ms(), 1_250);
        assert!(!D.waited_too_long(0));
        assert!(!D.waited_too_long(1_250));
        assert!(D.waited_too_long(1_251));
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        assert!(D.is_late(i64::MIN, i64::MAX));
        assert!(!D.is_late(i64::MAX, i64::MIN));
    }

    proptest! {
        #[test]
        fn lateness_is_monotonic_in_age(created in -1_000_000i64..1_000_000, a in 0i64..100_000, b in 0i64..100_000) {
            let (early, later) = (a.min(b), a.max(b));
            if D.is_late(created, created + early) {
                prop_assert!(D.is_late(created, created + later));
            }
        }
    }
}
