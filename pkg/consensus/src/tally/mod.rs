//! Counting validators' votes into decisions (ARCHITECTURE.md §2 "Tally"). Works on quote ids
//! alone, so votes may arrive before their quote.
//!
//! With `n` validators and threshold `t`: `Validated` once `t` distinct validators accept;
//! `Rejected` once REJECT votes alone exceed `n - t` (acceptance is then impossible); otherwise the
//! quote stays open until `first_seen + timeout` and `Expired`. Abstentions and silence never
//! reject. One vote per validator per quote: the first counts, a different second one is
//! equivocation evidence.

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
mod types;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use mdn_protocol::{
    CertificateEntry, FastMap, FastSet, Outcome, PublicKey, QuoteId, ValidatorSet, Verdict,
};

pub use types::{CastVote, Decided, Evidence, InvalidVote, TallyError, VoteOutcome, VoteProof};

/// An open quote's votes.
#[derive(Debug, Clone)]
struct Pending<P> {
    first_seen_ms: i64,
    /// The voter whose vote opened it, until the quote itself is seen ([`Tally::open`]).
    opener: Option<PublicKey>,
    votes: BTreeMap<PublicKey, CastVote<P>>,
    accepts: usize,
    rejects: usize,
}

impl<P> Pending<P> {
    fn new(first_seen_ms: i64, opener: Option<PublicKey>) -> Self {
        Self {
            first_seen_ms,
            opener,
            votes: BTreeMap::new(),
            accepts: 0,
            rejects: 0,
        }
    }
}

/// Vote counting for one validator set. Memory is bounded: at most `max_pending` open quotes and
/// at most `max_decided` remembered decisions, each kept for `decided_retention_ms`.
///
/// When the open quotes are at their bound, one is expired early to make room: the oldest, unless
/// some validator holds its fair share (`max_pending / n`) or more of quotes that only its own
/// vote opened and that have not been seen themselves; then the oldest such quote of the validator
/// holding most.
/// So a validator voting on made-up quote ids churns through its own share and cannot push the
/// network's real quotes out.
///
/// `P` is what proves each vote ([`VoteProof`]); the accept proofs of a validated quote are its
/// certificate's entries.
#[derive(Debug, Clone)]
pub struct Tally<P = CertificateEntry> {
    threshold: usize,
    validators: FastSet<PublicKey>,
    timeout_ms: i64,
    max_pending: usize,
    decided_retention_ms: i64,
    max_decided: usize,
    pending: FastMap<QuoteId, Pending<P>>,
    /// `(first_seen_ms, id)` of every open quote: oldest first, for expiry and eviction.
    by_age: BTreeSet<(i64, QuoteId)>,
    /// Per voter, `(first_seen_ms, id)` of the open quotes its vote opened and that have not been
    /// seen themselves yet.
    unconfirmed: FastMap<PublicKey, BTreeSet<(i64, QuoteId)>>,
    decided: FastMap<QuoteId, Outcome>,
    /// `(decided_at_ms, id)` in the order decided, for forgetting.
    decided_order: VecDeque<(i64, QuoteId)>,
    /// Quotes expired early to make room, returned by the next [`Tally::expire`].
    evicted: VecDeque<Decided<P>>,
}

impl<P: VoteProof + Clone> Tally<P> {
    /// A tally for `validators` needing `threshold` accepts (`1..=n`), expiring quotes
    /// `timeout_ms` after first seen, with at most `max_pending` open quotes. Decisions are
    /// remembered for `10 × timeout_ms`, at most `4 × max_pending` of them (see
    /// [`Tally::with_decided_memory`]).
    pub fn new(
        threshold: usize,
        validators: impl IntoIterator<Item = PublicKey>,
        timeout_ms: i64,
        max_pending: usize,
    ) -> Result<Self, TallyError> {
        let validators: FastSet<PublicKey> = validators.into_iter().collect();
        let n = validators.len();
        if n == 0 {
            return Err(TallyError::NoValidators);
        }
        if !(1..=n).contains(&threshold) {
            return Err(TallyError::Threshold { threshold, n });
        }
        if timeout_ms <= 0 {
            return Err(TallyError::Timeout(timeout_ms));
        }
        if max_pending == 0 {
            return Err(TallyError::ZeroBound("max_pending"));
        }
        Ok(Self {
            threshold,
            validators,
            timeout_ms,
            max_pending,
            decided_retention_ms: timeout_ms.saturating_mul(10),
            max_decided: max_pending.saturating_mul(4),
            pending: FastMap::default(),
            by_age: BTreeSet::new(),
            unconfirmed: FastMap::default(),
            decided: FastMap::default(),
            decided_order: VecDeque::new(),
            evicted: VecDeque::new(),
        })
    }

    /// A tally for a network's validator set, at its quorum threshold.
    pub fn for_set(
        set: &ValidatorSet,
        timeout_ms: i64,
        max_pending: usize,
    ) -> Result<Self, TallyError> {
        Self::new(
            set.threshold(),
            set.keys().iter().copied(),
            timeout_ms,
            max_pending,
        )
    }

    /// Sets how long (`retention_ms`) and how many (`max_decided`, at least 1) decisions are
    /// remembered so that late votes get [`VoteOutcome::AlreadyDecided`]. A forgotten quote that
    /// gets votes again is counted afresh, so keep `retention_ms` above the longest time votes
    /// can still arrive (the policy's `max_quote_age_ms` plus clock skew).
    pub fn with_decided_memory(mut self, retention_ms: i64, max_decided: usize) -> Self {
        self.decided_retention_ms = retention_ms;
        self.max_decided = max_decided.max(1);
        self
    }

    /// How long a quote stays open after it is first seen.
    pub fn timeout_ms(&self) -> i64 {
        self.timeout_ms
    }

    /// Accept votes needed.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// Number of validators.
    pub fn validator_count(&self) -> usize {
        self.validators.len()
    }

    /// Whether `key` is one of the validators counted.
    pub fn is_validator(&self, key: &PublicKey) -> bool {
        self.validators.contains(key)
    }

    /// Open quotes.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Remembered decisions.
    pub fn decided_len(&self) -> usize {
        self.decided.len()
    }

    /// The outcome of a remembered decided quote.
    pub fn outcome(&self, quote_id: &QuoteId) -> Option<Outcome> {
        self.decided.get(quote_id).copied()
    }

    /// The votes counted so far on an open quote, sorted by voter.
    pub fn votes(&self, quote_id: &QuoteId) -> Option<Vec<(PublicKey, Verdict)>> {
        self.pending.get(quote_id).map(vote_list)
    }

    /// Starts the clock for a quote (when the quote itself arrives) if it is neither open nor
    /// decided, and marks an open one as seen. Returns true when it was newly opened.
    pub fn open(&mut self, quote_id: QuoteId, now_ms: i64) -> bool {
        if self.decided.contains_key(&quote_id) {
            return false;
        }
        if let Some(p) = self.pending.get_mut(&quote_id) {
            if let Some(voter) = p.opener.take() {
                remove_unconfirmed(&mut self.unconfirmed, voter, (p.first_seen_ms, quote_id));
            }
            return false;
        }
        self.make_room(now_ms);
        self.pending.insert(quote_id, Pending::new(now_ms, None));
        self.by_age.insert((now_ms, quote_id));
        true
    }

    /// Open quotes that only `voter`'s vote opened and that have not been seen themselves.
    pub fn unconfirmed_len(&self, voter: &PublicKey) -> usize {
        self.unconfirmed.get(voter).map_or(0, BTreeSet::len)
    }

    /// Counts `voter`'s `verdict` on `quote_id`. `entry` must be given for `Accept` and, when
    /// given, must be `voter`'s. The caller has already checked the batch signature and Merkle
    /// root.
    pub fn add_vote(
        &mut self,
        voter: PublicKey,
        quote_id: QuoteId,
        verdict: Verdict,
        entry: Option<P>,
        now_ms: i64,
    ) -> VoteOutcome<P> {
        if !self.validators.contains(&voter) {
            return VoteOutcome::UnknownVoter;
        }
        if let Some(outcome) = self.decided.get(&quote_id) {
            return VoteOutcome::AlreadyDecided(*outcome);
        }
        match &entry {
            None if verdict == Verdict::Accept => {
                return VoteOutcome::Invalid(InvalidVote::MissingEntry);
            }
            Some(e) if e.voter() != voter => {
                return VoteOutcome::Invalid(InvalidVote::EntryVoterMismatch);
            }
            _ => {}
        }
        if !self.pending.contains_key(&quote_id) {
            self.make_room(now_ms);
        }
        let p = match self.pending.entry(quote_id) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                self.by_age.insert((now_ms, quote_id));
                self.unconfirmed
                    .entry(voter)
                    .or_default()
                    .insert((now_ms, quote_id));
                v.insert(Pending::new(now_ms, Some(voter)))
            }
        };
        if let Some(first) = p.votes.get(&voter) {
            return if first.verdict == verdict {
                VoteOutcome::DuplicateIgnored
            } else {
                VoteOutcome::Equivocation(Box::new(Evidence {
                    voter,
                    quote_id,
                    first: first.clone(),
                    second: CastVote { verdict, entry },
                }))
            };
        }
        let cast = CastVote { verdict, entry };
        match verdict {
            Verdict::Accept => p.accepts += 1,
            Verdict::Reject(_) => p.rejects += 1,
            Verdict::Abstain => {}
        }
        p.votes.insert(voter, cast);
        let n = self.validators.len();
        let outcome = if p.accepts >= self.threshold {
            Outcome::Validated
        } else if p.rejects > n - self.threshold {
            Outcome::Rejected
        } else {
            return VoteOutcome::Counted;
        };
        match self.finish(quote_id, outcome, now_ms) {
            Some(d) => VoteOutcome::Decided(d),
            None => VoteOutcome::Counted,
        }
    }

    /// Decides `Expired` every open quote with `first_seen + timeout <= now_ms`, plus any quotes
    /// expired early to make room since the last call (those first). Also forgets old decisions.
    pub fn expire(&mut self, now_ms: i64) -> Vec<Decided<P>> {
        let mut out: Vec<Decided<P>> = self.evicted.drain(..).collect();
        while let Some(&(first_seen, id)) = self.by_age.first() {
            if first_seen.saturating_add(self.timeout_ms) > now_ms {
                break;
            }
            match self.finish(id, Outcome::Expired, now_ms) {
                Some(d) => out.push(d),
                None => {
                    self.by_age.pop_first();
                }
            }
        }
        self.forget_decided(now_ms);
        out
    }

    /// Expires open quotes until there is room for one more: see [`Tally`] for which.
    fn make_room(&mut self, now_ms: i64) {
        while self.pending.len() >= self.max_pending {
            let Some(victim) = self.eviction_victim() else {
                break;
            };
            if let Some(d) = self.finish(victim, Outcome::Expired, now_ms) {
                if self.evicted.len() >= self.max_pending {
                    self.evicted.pop_front();
                }
                self.evicted.push_back(d);
            } else {
                // Not open: a stale index entry (never expected); drop it so the loop ends.
                self.by_age.retain(|&(_, id)| id != victim);
                for open in self.unconfirmed.values_mut() {
                    open.retain(|&(_, id)| id != victim);
                }
                self.unconfirmed.retain(|_, open| !open.is_empty());
            }
        }
    }

    /// The quote to expire early: the oldest unseen quote of the validator holding most unseen
    /// quotes if that is its fair share or more, else the oldest open quote.
    fn eviction_victim(&self) -> Option<QuoteId> {
        let fair_share = (self.max_pending / self.validators.len()).max(1);
        let heaviest = self
            .unconfirmed
            .iter()
            .filter(|(_, open)| open.len() >= fair_share)
            .max_by_key(|(voter, open)| (open.len(), **voter));
        match heaviest {
            Some((_, open)) => open.first().map(|&(_, id)| id),
            None => self.by_age.first().map(|&(_, id)| id),
        }
    }

    /// Closes an open quote with `outcome` and remembers the decision.
    fn finish(&mut self, quote_id: QuoteId, outcome: Outcome, now_ms: i64) -> Option<Decided<P>> {
        let p = self.pending.remove(&quote_id)?;
        self.by_age.remove(&(p.first_seen_ms, quote_id));
        if let Some(voter) = p.opener {
            remove_unconfirmed(&mut self.unconfirmed, voter, (p.first_seen_ms, quote_id));
        }
        self.decided.insert(quote_id, outcome);
        self.decided_order.push_back((now_ms, quote_id));
        self.forget_decided(now_ms);
        let votes = vote_list(&p);
        // The quote is closed: its accept proofs move into the certificate (in voter order).
        let accepts = (outcome == Outcome::Validated).then(|| {
            p.votes
                .into_values()
                .filter(|v| v.verdict == Verdict::Accept)
                .filter_map(|v| v.entry)
                .collect()
        });
        Some(Decided {
            quote_id,
            outcome,
            decided_at_ms: now_ms,
            first_seen_ms: p.first_seen_ms,
            accepts,
            votes,
        })
    }

    /// Forgets decisions beyond `max_decided` or older than the retention (oldest recorded first).
    fn forget_decided(&mut self, now_ms: i64) {
        let cutoff = i128::from(now_ms) - i128::from(self.decided_retention_ms);
        while let Some(&(at, id)) = self.decided_order.front() {
            if self.decided_order.len() <= self.max_decided && i128::from(at) >= cutoff {
                break;
            }
            self.decided_order.pop_front();
            self.decided.remove(&id);
        }
    }
}

fn remove_unconfirmed(
    unconfirmed: &mut FastMap<PublicKey, BTreeSet<(i64, QuoteId)>>,
    voter: PublicKey,
    key: (i64, QuoteId),
) {
    if let Entry::Occupied(mut open) = unconfirmed.entry(voter) {
        open.get_mut().remove(&key);
        if open.get().is_empty() {
            open.remove();
        }
    }
}

fn vote_list<P>(p: &Pending<P>) -> Vec<(PublicKey, Verdict)> {
    p.votes.iter().map(|(k, v)| (*k, v.verdict)).collect()
}
