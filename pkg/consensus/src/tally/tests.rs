//! Unit tests of the tally rules.

use mdn_protocol::{
    CertificateEntry, Hash32, MerkleProof, Outcome, PublicKey, QuoteId, RejectReason, Signature,
    Verdict, VoteBatchHeader,
};

use super::*;

pub(super) const T0: i64 = 1_700_000_000_000;
pub(super) const TIMEOUT: i64 = 1_000;
const STALE: Verdict = Verdict::Reject(RejectReason::Stale);

pub(super) fn key(i: u8) -> PublicKey {
    PublicKey([i; 32])
}

pub(super) fn qid(i: u8) -> QuoteId {
    Hash32([i; 32])
}

/// A certificate entry naming `voter` (signature and proof are not checked by the tally).
pub(super) fn entry(voter: PublicKey, seq: u64) -> CertificateEntry {
    CertificateEntry {
        header: VoteBatchHeader {
            network_id: "test".into(),
            voter,
            seq,
            created_at_ms: T0,
            vote_count: 1,
            merkle_root: Hash32([seq as u8; 32]),
        },
        signature: Signature([0; 64]),
        proof: MerkleProof {
            index: 0,
            siblings: vec![],
        },
    }
}

/// Adds a vote with an entry whenever one is allowed.
pub(super) fn vote(t: &mut Tally, voter: u8, q: u8, verdict: Verdict, now: i64) -> VoteOutcome {
    t.add_vote(key(voter), qid(q), verdict, Some(entry(key(voter), 1)), now)
}

pub(super) fn tally(n: u8) -> Tally {
    let t = mdn_protocol::Quorum::default().threshold(usize::from(n));
    Tally::new(t, (1..=n).map(key), TIMEOUT, 100).unwrap()
}

fn decided(o: VoteOutcome) -> Decided {
    match o {
        VoteOutcome::Decided(d) => d,
        other => panic!("expected a decision, got {other:?}"),
    }
}

#[test]
fn constructor_checks_its_arguments() {
    type T = Tally<CertificateEntry>;
    assert_eq!(
        T::new(1, [], TIMEOUT, 10).unwrap_err(),
        TallyError::NoValidators
    );
    let err = T::new(4, (1..=3).map(key), TIMEOUT, 10).unwrap_err();
    assert_eq!(err, TallyError::Threshold { threshold: 4, n: 3 });
    assert!(err.to_string().contains("expected 1..=3"));
    assert!(T::new(0, (1..=3).map(key), TIMEOUT, 10).is_err());
    assert_eq!(
        T::new(1, [key(1)], 0, 10).unwrap_err(),
        TallyError::Timeout(0)
    );
    assert!(T::new(1, [key(1)], TIMEOUT, 0).is_err());
    // Repeated keys count once.
    assert_eq!(
        T::new(1, [key(1), key(1)], TIMEOUT, 1)
            .unwrap()
            .validator_count(),
        1
    );
}

#[test]
fn validated_at_threshold_with_sorted_certificate() {
    let mut t = tally(4); // threshold 3
    assert_eq!(
        vote(&mut t, 3, 1, Verdict::Accept, T0),
        VoteOutcome::Counted
    );
    assert_eq!(
        vote(&mut t, 1, 1, Verdict::Accept, T0),
        VoteOutcome::Counted
    );
    let d = decided(vote(&mut t, 2, 1, Verdict::Accept, T0 + 5));
    assert_eq!(d.outcome, Outcome::Validated);
    assert_eq!(d.decided_at_ms, T0 + 5);
    assert_eq!(d.first_seen_ms, T0);
    let cert = d.certificate().unwrap();
    assert_eq!(cert.quote_id, qid(1));
    let voters: Vec<_> = cert.entries.iter().map(|e| e.header.voter).collect();
    assert_eq!(voters, vec![key(1), key(2), key(3)]);
    assert_eq!(t.outcome(&qid(1)), Some(Outcome::Validated));
    assert_eq!(t.pending_len(), 0);
}

#[test]
fn rejected_when_rejects_make_acceptance_impossible() {
    let mut t = tally(4); // threshold 3: rejected once rejects > 1
    assert_eq!(vote(&mut t, 1, 1, STALE, T0), VoteOutcome::Counted);
    let d = decided(vote(
        &mut t,
        2,
        1,
        Verdict::Reject(RejectReason::OutOfBand),
        T0,
    ));
    assert_eq!(d.outcome, Outcome::Rejected);
    assert_eq!(d.certificate(), None);
    assert_eq!(d.votes.len(), 2);
}

#[test]
fn abstentions_never_reject_the_quote_expires() {
    let mut t = tally(4);
    for v in 1..=3 {
        assert_eq!(
            vote(&mut t, v, 1, Verdict::Abstain, T0),
            VoteOutcome::Counted
        );
    }
    assert_eq!(vote(&mut t, 4, 1, STALE, T0), VoteOutcome::Counted);
    assert!(t.expire(T0 + TIMEOUT - 1).is_empty());
    let out = t.expire(T0 + TIMEOUT);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].outcome, Outcome::Expired);
    assert_eq!(out[0].certificate(), None);
}

#[test]
fn single_validator_decides_alone() {
    let mut t = tally(1);
    assert_eq!(t.threshold(), 1);
    assert_eq!(
        decided(vote(&mut t, 1, 1, Verdict::Accept, T0)).outcome,
        Outcome::Validated
    );
    assert_eq!(
        decided(vote(&mut t, 1, 2, STALE, T0)).outcome,
        Outcome::Rejected
    );
    assert_eq!(
        vote(&mut t, 1, 3, Verdict::Abstain, T0),
        VoteOutcome::Counted
    );
}

#[test]
fn unknown_duplicate_and_late_votes_are_not_counted() {
    let mut t = tally(4);
    assert_eq!(
        vote(&mut t, 9, 1, Verdict::Accept, T0),
        VoteOutcome::UnknownVoter
    );
    assert_eq!(t.pending_len(), 0, "unknown voters open nothing");
    assert_eq!(
        vote(&mut t, 1, 1, Verdict::Accept, T0),
        VoteOutcome::Counted
    );
    assert_eq!(
        vote(&mut t, 1, 1, Verdict::Accept, T0),
        VoteOutcome::DuplicateIgnored
    );
    vote(&mut t, 2, 1, Verdict::Accept, T0);
    vote(&mut t, 3, 1, Verdict::Accept, T0);
    assert_eq!(
        vote(&mut t, 4, 1, STALE, T0),
        VoteOutcome::AlreadyDecided(Outcome::Validated)
    );
}

#[test]
fn equivocation_keeps_the_first_vote() {
    let mut t = tally(4);
    vote(&mut t, 1, 1, STALE, T0);
    let e = match vote(&mut t, 1, 1, Verdict::Accept, T0) {
        VoteOutcome::Equivocation(e) => e,
        other => panic!("expected equivocation, got {other:?}"),
    };
    assert_eq!((e.voter, e.quote_id), (key(1), qid(1)));
    assert_eq!(e.first.verdict, STALE);
    assert_eq!(e.second.verdict, Verdict::Accept);
    assert_eq!(t.votes(&qid(1)).unwrap(), vec![(key(1), STALE)]);
    // A different reason is a different vote too.
    assert!(matches!(
        vote(&mut t, 1, 1, Verdict::Reject(RejectReason::Future), T0),
        VoteOutcome::Equivocation(_)
    ));
}

#[test]
fn accept_needs_an_entry_naming_the_voter() {
    let mut t = tally(4);
    assert_eq!(
        t.add_vote(key(1), qid(1), Verdict::Accept, None, T0),
        VoteOutcome::Invalid(InvalidVote::MissingEntry)
    );
    assert_eq!(
        t.add_vote(key(1), qid(1), Verdict::Accept, Some(entry(key(2), 1)), T0),
        VoteOutcome::Invalid(InvalidVote::EntryVoterMismatch)
    );
    assert_eq!(
        t.add_vote(key(1), qid(1), STALE, None, T0),
        VoteOutcome::Counted
    );
}

#[test]
fn open_starts_the_clock_before_any_vote() {
    let mut t = tally(4);
    assert!(t.open(qid(1), T0));
    assert!(!t.open(qid(1), T0 + 500));
    vote(&mut t, 1, 1, Verdict::Accept, T0 + 900);
    let out = t.expire(T0 + TIMEOUT);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].first_seen_ms, T0);
    assert_eq!(out[0].votes, vec![(key(1), Verdict::Accept)]);
    assert!(
        !t.open(qid(1), T0 + 2_000),
        "decided quotes are not reopened"
    );
}

#[test]
fn oldest_pending_quote_expires_first_when_full() {
    let mut t = Tally::new(3, (1..=4).map(key), TIMEOUT, 2).unwrap();
    vote(&mut t, 1, 1, Verdict::Accept, T0);
    vote(&mut t, 1, 2, Verdict::Accept, T0 + 1);
    vote(&mut t, 1, 3, Verdict::Accept, T0 + 2);
    assert_eq!(t.pending_len(), 2);
    assert_eq!(t.outcome(&qid(1)), Some(Outcome::Expired));
    let out = t.expire(T0 + 3);
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].quote_id, out[0].outcome),
        (qid(1), Outcome::Expired)
    );
}

#[test]
fn a_voter_flooding_made_up_ids_expires_only_its_own_unseen_quotes() {
    // 4 validators and room for 8 open quotes: a fair share is 2.
    let mut t = Tally::new(3, (1..=4).map(key), TIMEOUT, 8).unwrap();
    for q in 1..=5 {
        assert!(t.open(qid(q), T0));
    }
    // An honest vote that came before its quote, then the quote.
    vote(&mut t, 2, 6, Verdict::Accept, T0 + 1);
    assert_eq!(t.unconfirmed_len(&key(2)), 1);
    assert!(!t.open(qid(6), T0 + 2), "already open: only marked as seen");
    assert_eq!(t.unconfirmed_len(&key(2)), 0);
    for q in 100..=200 {
        vote(&mut t, 4, q, Verdict::Accept, T0 + 3);
    }
    assert_eq!(t.pending_len(), 8);
    assert_eq!(t.unconfirmed_len(&key(4)), 2);
    for q in 1..=6 {
        assert_eq!(t.outcome(&qid(q)), None, "quote {q} is still open");
    }
    // 99 made-up quotes were expired early; the last `max_pending` of them are reported.
    let evicted = t.expire(T0 + 4);
    assert_eq!(evicted.len(), 8);
    assert!(evicted.iter().all(|d| d.quote_id.0[0] >= 100));
    // The real quotes are still counted to a decision.
    vote(&mut t, 1, 1, Verdict::Accept, T0 + 5);
    vote(&mut t, 2, 1, Verdict::Accept, T0 + 5);
    let d = decided(vote(&mut t, 3, 1, Verdict::Accept, T0 + 5));
    assert_eq!(d.outcome, Outcome::Validated);
}

#[test]
fn the_oldest_quote_makes_room_when_no_voter_holds_its_share_of_unseen_ones() {
    let mut t = Tally::new(3, (1..=4).map(key), TIMEOUT, 8).unwrap();
    for q in 1..=7 {
        assert!(t.open(qid(q), T0 + i64::from(q)));
    }
    vote(&mut t, 4, 100, Verdict::Accept, T0 + 10);
    assert!(t.open(qid(8), T0 + 11));
    assert_eq!(t.outcome(&qid(1)), Some(Outcome::Expired));
    assert_eq!(t.unconfirmed_len(&key(4)), 1);
}

#[test]
fn decisions_are_forgotten_by_age_and_count() {
    let mut t = tally(1).with_decided_memory(5_000, 2);
    for q in 1..=3 {
        vote(&mut t, 1, q, Verdict::Accept, T0);
    }
    assert_eq!(t.decided_len(), 2);
    assert_eq!(t.outcome(&qid(1)), None);
    t.expire(T0 + 5_000);
    assert_eq!(t.decided_len(), 2, "exactly at retention: still remembered");
    t.expire(T0 + 5_001);
    assert_eq!(t.decided_len(), 0);
}

#[test]
fn for_set_uses_the_sets_keys_and_threshold() {
    use mdn_protocol::{Quorum, ValidatorSet, signing_key_from_seed};
    let keys: Vec<PublicKey> = (1..=7u8)
        .map(|i| PublicKey::from(&signing_key_from_seed([i; 32])))
        .collect();
    let set = ValidatorSet::new(keys.clone(), Quorum::default()).unwrap();
    let mut t = Tally::for_set(&set, TIMEOUT, 10).unwrap();
    assert_eq!((t.validator_count(), t.threshold()), (7, 5));
    for (i, k) in keys.iter().take(4).enumerate() {
        let out = t.add_vote(*k, qid(1), Verdict::Accept, Some(entry(*k, 1)), T0);
        assert_eq!(out, VoteOutcome::Counted, "vote {i}");
    }
    let k = keys[4];
    let out = t.add_vote(k, qid(1), Verdict::Accept, Some(entry(k, 1)), T0);
    assert!(matches!(out, VoteOutcome::Decided(d) if d.outcome == Outcome::Validated));
}
