//! What the tally takes and returns: vote proofs, cast votes, outcomes of adding a vote,
//! equivocation evidence, decisions, errors.

use mdn_protocol::{
    BatchVote, Certificate, CertificateEntry, Outcome, PublicKey, QuoteId, Verdict,
};

/// What proves a vote (kept for the certificate and for evidence). The tally only asks whose
/// vote it proves: a standalone [`CertificateEntry`], or a [`BatchVote`] (a reference into the
/// shared batch, what the node counts with).
pub trait VoteProof {
    /// The validator whose signed batch carried the vote.
    fn voter(&self) -> PublicKey;
}

impl VoteProof for CertificateEntry {
    fn voter(&self) -> PublicKey {
        self.header.voter
    }
}

impl VoteProof for BatchVote {
    fn voter(&self) -> PublicKey {
        BatchVote::voter(self)
    }
}

/// One validator's vote on one quote, with its proof when the caller has one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CastVote<P = CertificateEntry> {
    /// The verdict.
    pub verdict: Verdict,
    /// The proof of the vote; required for `Accept` (it goes into the certificate), optional
    /// otherwise (it makes equivocation evidence provable).
    pub entry: Option<P>,
}

/// Proof that a validator voted twice, differently, on one quote.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Evidence<P = CertificateEntry> {
    /// The equivocating validator.
    pub voter: PublicKey,
    /// The quote it voted on twice.
    pub quote_id: QuoteId,
    /// The vote counted (the first one seen).
    pub first: CastVote<P>,
    /// The conflicting vote, ignored.
    pub second: CastVote<P>,
}

/// Why a vote was refused before counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvalidVote {
    /// An `Accept` vote came without its proof.
    MissingEntry,
    /// The proof names another voter than the one the vote is attributed to.
    EntryVoterMismatch,
}

/// A quote's final state in this tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided<P = CertificateEntry> {
    /// The quote.
    pub quote_id: QuoteId,
    /// Validated, Rejected or Expired.
    pub outcome: Outcome,
    /// When the tally decided, ms since the Unix epoch.
    pub decided_at_ms: i64,
    /// When the tally first heard of the quote (its first vote or `open`).
    pub first_seen_ms: i64,
    /// For `Validated`: the accept proofs of exactly `threshold` distinct validators, sorted by
    /// voter key (a certificate's entries). `None` otherwise.
    pub accepts: Option<Vec<P>>,
    /// Every counted vote at the time of decision, sorted by voter key.
    pub votes: Vec<(PublicKey, Verdict)>,
}

impl Decided<CertificateEntry> {
    /// The certificate of a validated decision.
    pub fn certificate(&self) -> Option<Certificate> {
        self.accepts.as_ref().map(|entries| Certificate {
            quote_id: self.quote_id,
            entries: entries.clone(),
        })
    }
}

/// What [`crate::Tally::add_vote`] did with a vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteOutcome<P = CertificateEntry> {
    /// Counted; the quote is still open.
    Counted,
    /// Counted, and it decided the quote (`Validated` or `Rejected`).
    Decided(Decided<P>),
    /// The same voter already cast this same verdict on this quote: nothing changed.
    DuplicateIgnored,
    /// The voter already cast a different verdict: the first one stays, this is the evidence
    /// (boxed: it holds two certificate entries).
    Equivocation(Box<Evidence<P>>),
    /// The voter is not in the validator set: not counted.
    UnknownVoter,
    /// The quote is already decided (with this outcome): not counted.
    AlreadyDecided(Outcome),
    /// The vote is unusable as given: not counted.
    Invalid(InvalidVote),
}

/// Why a [`crate::Tally`] cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    /// The validator set is empty.
    #[error("empty validator set: expected at least one validator")]
    NoValidators,
    /// The threshold is outside `1..=n`.
    #[error("threshold {threshold} for {n} validators: expected 1..={n}")]
    Threshold {
        /// The threshold given.
        threshold: usize,
        /// The number of distinct validators.
        n: usize,
    },
    /// The timeout is not positive.
    #[error("vote timeout {0} ms: expected more than zero")]
    Timeout(i64),
    /// A memory bound is zero.
    #[error("{0} is zero: expected at least 1")]
    ZeroBound(&'static str),
}
