//! Property tests of the tally: safety, byzantine minorities, order independence, memory bounds.

use std::collections::HashMap;

use mdn_protocol::{Hash32, Outcome, RejectReason, Verdict};
use proptest::prelude::*;

use super::tests::{T0, TIMEOUT, qid, tally, vote};
use super::*;

fn verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        Just(Verdict::Accept),
        Just(Verdict::Abstain),
        Just(Verdict::Reject(RejectReason::Stale)),
        Just(Verdict::Reject(RejectReason::OutOfBand)),
    ]
}

/// One step of a random run: a vote `(voter, quote, verdict, time step)`, or an expiry sweep.
#[derive(Debug, Clone)]
enum Step {
    Vote(u8, u8, Verdict, i64),
    Expire(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (0u8..12, 0u8..6, verdict(), 0i64..300).prop_map(|(v, q, x, dt)| Step::Vote(v, q, x, dt)),
        1 => (0i64..1500).prop_map(Step::Expire),
    ]
}

/// Records every decision and checks none contradicts an earlier one.
fn note(seen: &mut HashMap<u8, Outcome>, q: u8, o: Outcome) -> Result<(), TestCaseError> {
    if let Some(prev) = seen.insert(q, o) {
        prop_assert!(false, "quote {} decided twice: {:?} then {:?}", q, prev, o);
    }
    Ok(())
}

proptest! {
    /// Safety: every quote is decided at most once (never both validated and rejected), a
    /// decided quote reports the same outcome forever, and a certificate holds exactly
    /// `threshold` accepts of distinct validators, sorted.
    #[test]
    fn decisions_are_final_and_certificates_sound(
        n in 1u8..=10, steps in proptest::collection::vec(step(), 0..200),
    ) {
        let mut t = tally(n).with_decided_memory(i64::MAX, 1_000);
        let mut seen: HashMap<u8, Outcome> = HashMap::new();
        let mut now = T0;
        for s in steps {
            match s {
                Step::Vote(v, q, x, dt) => {
                    now += dt;
                    match vote(&mut t, v, q, x, now) {
                        VoteOutcome::Decided(d) => {
                            note(&mut seen, q, d.outcome)?;
                            if let Some(c) = &d.certificate() {
                                prop_assert_eq!(d.outcome, Outcome::Validated);
                                prop_assert_eq!(c.entries.len(), t.threshold());
                                let voters: Vec<_> = c.entries.iter().map(|e| e.header.voter).collect();
                                prop_assert!(voters.windows(2).all(|w| w[0] < w[1]));
                            } else {
                                prop_assert_eq!(d.outcome, Outcome::Rejected);
                            }
                        }
                        VoteOutcome::AlreadyDecided(o) => prop_assert_eq!(Some(&o), seen.get(&q)),
                        _ => prop_assert!(!seen.contains_key(&q) || v == 0 || v > n),
                    }
                }
                Step::Expire(dt) => {
                    now += dt;
                    for d in t.expire(now) {
                        prop_assert_eq!(d.outcome, Outcome::Expired);
                        note(&mut seen, d.quote_id.0[0], d.outcome)?;
                    }
                }
            }
            for (q, o) in &seen {
                prop_assert_eq!(t.outcome(&qid(*q)), Some(*o));
            }
        }
    }

    /// With f < n/3 byzantine validators voting anything (several times, in any order), a quote
    /// every honest validator rejects is never validated, and one every honest validator accepts
    /// is validated (never rejected) once the honest votes are in.
    #[test]
    fn byzantine_minority_cannot_decide_alone(
        n in 1u8..=10,
        f_pick in 0u8..4,
        honest_accept in any::<bool>(),
        byz_votes in proptest::collection::vec((0u8..4, verdict()), 0..30),
        order in proptest::collection::vec(any::<u16>(), 0..40),
    ) {
        let f = f_pick % ((n - 1) / 3 + 1); // 0 ..= largest f with 3f < n
        let mut votes: Vec<(u8, Verdict)> = (f + 1..=n)
            .map(|v| (v, if honest_accept { Verdict::Accept } else { Verdict::Reject(RejectReason::OutOfBand) }))
            .collect();
        if f > 0 {
            votes.extend(byz_votes.iter().map(|(b, x)| (b % f + 1, *x)));
        }
        // Shuffle deterministically from the generated keys.
        let mut keyed: Vec<_> = votes.into_iter().enumerate()
            .map(|(i, v)| (order.get(i).copied().unwrap_or(i as u16), v)).collect();
        keyed.sort_by_key(|(k, _)| *k);
        let mut t = tally(n);
        let mut outcome = None;
        for (_, (v, x)) in keyed {
            if let VoteOutcome::Decided(d) = vote(&mut t, v, 1, x, T0) {
                outcome = Some(d.outcome);
            }
        }
        if honest_accept {
            prop_assert_eq!(outcome, Some(Outcome::Validated));
        } else {
            prop_assert_ne!(outcome, Some(Outcome::Validated));
        }
    }

    /// Without equivocation, the order of votes does not change the outcome.
    #[test]
    fn vote_order_does_not_matter(
        n in 1u8..=10,
        verdicts in proptest::collection::vec(proptest::option::of(verdict()), 10),
        perm_keys in proptest::collection::vec(any::<u32>(), 10),
    ) {
        let votes: Vec<(u8, Verdict)> = (1..=n)
            .filter_map(|v| verdicts[usize::from(v - 1)].map(|x| (v, x)))
            .collect();
        let run = |votes: &[(u8, Verdict)]| {
            let mut t = tally(n);
            let mut out = None;
            for (v, x) in votes {
                if let VoteOutcome::Decided(d) = vote(&mut t, *v, 1, *x, T0) {
                    out = Some(d.outcome);
                }
            }
            out.or_else(|| t.expire(T0 + TIMEOUT).first().map(|d| d.outcome))
        };
        let mut shuffled = votes.clone();
        let mut keyed: Vec<_> = shuffled.drain(..).enumerate().map(|(i, v)| (perm_keys[i], v)).collect();
        keyed.sort_by_key(|(k, _)| *k);
        let shuffled: Vec<_> = keyed.into_iter().map(|(_, v)| v).collect();
        prop_assert_eq!(run(&votes), run(&shuffled));
    }

    /// A second, different vote never displaces the first.
    #[test]
    fn equivocation_keeps_first(n in 2u8..=10, first in verdict(), second in verdict()) {
        prop_assume!(first != second);
        let mut t = tally(n);
        let o1 = vote(&mut t, 1, 1, first, T0);
        let o2 = vote(&mut t, 1, 1, second, T0);
        if let VoteOutcome::Decided(d) = o1 {
            prop_assert_eq!(o2, VoteOutcome::AlreadyDecided(d.outcome));
        } else {
            match o2 {
                VoteOutcome::Equivocation(e) => {
                    prop_assert_eq!(e.first.verdict, first);
                    prop_assert_eq!(e.second.verdict, second);
                }
                other => prop_assert!(false, "expected equivocation, got {:?}", other),
            }
            prop_assert_eq!(t.votes(&qid(1)), Some(vec![(super::tests::key(1), first)]));
        }
    }

    /// Memory stays within `max_pending` open quotes and `max_decided` decisions.
    #[test]
    fn memory_is_bounded(
        max_pending in 1usize..8, max_decided in 1usize..8,
        steps in proptest::collection::vec(step(), 0..300),
    ) {
        let mut t = Tally::new(3, (1..=4).map(super::tests::key), TIMEOUT, max_pending)
            .unwrap()
            .with_decided_memory(2_000, max_decided);
        let mut now = T0;
        for s in steps {
            match s {
                Step::Vote(v, q, x, dt) => { now += dt; vote(&mut t, v, q, x, now); }
                Step::Expire(dt) => { now += dt; t.expire(now); }
            }
            prop_assert!(t.pending_len() <= max_pending);
            prop_assert!(t.decided_len() <= max_decided);
            prop_assert!(t.evicted.len() <= max_pending);
            prop_assert_eq!(t.by_age.len(), t.pending_len());
            let unconfirmed: usize = t.unconfirmed.values().map(BTreeSet::len).sum();
            let opened_by_votes = t.pending.values().filter(|p| p.opener.is_some()).count();
            prop_assert_eq!(unconfirmed, opened_by_votes);
            prop_assert!(t.unconfirmed.values().all(|open| !open.is_empty()));
        }
    }

    /// One validator voting on any number of made-up quote ids never expires a quote that was
    /// seen ([`Tally::open`]) early, as long as the seen quotes leave that validator its fair
    /// share (`max_pending / n`) of room.
    #[test]
    fn a_flooding_validator_cannot_push_seen_quotes_out(
        max_pending in 4usize..40, n in 2u8..=7,
        flood in proptest::collection::vec(any::<bool>(), 1..400),
    ) {
        let mut t: Tally = Tally::new(usize::from(n), (1..=n).map(super::tests::key), TIMEOUT, max_pending)
            .unwrap();
        let room = max_pending - (max_pending / usize::from(n)).max(1);
        let mut seen = Vec::new();
        let mut fake = 0u32;
        for (i, is_flood) in flood.into_iter().enumerate() {
            let now = T0 + i as i64;
            if is_flood || seen.len() == room {
                fake += 1;
                let mut id = [0xff; 32];
                id[..4].copy_from_slice(&fake.to_be_bytes());
                t.add_vote(super::tests::key(n), Hash32(id), Verdict::Abstain, None, now);
            } else {
                let id = Hash32([seen.len() as u8; 32]);
                prop_assert!(t.open(id, now));
                seen.push(id);
            }
            for id in &seen {
                prop_assert_eq!(t.outcome(id), None, "a seen quote was expired early");
            }
        }
    }
}

proptest! {
    /// The default quorum's threshold is the least count strictly above two thirds of n, and a
    /// byzantine minority (3f < n) can neither reach it nor block it with rejects.
    #[test]
    fn default_threshold_is_least_count_above_two_thirds(n in 1usize..=1000) {
        let t = mdn_protocol::Quorum::default().threshold(n);
        prop_assert!(t <= n);
        prop_assert!(3 * t > 2 * n, "t={} is not more than 2/3 of n={}", t, n);
        prop_assert!(3 * (t - 1) <= 2 * n, "t-1={} is already more than 2/3 of n={}", t - 1, n);
        let f_max = (n - 1) / 3;
        prop_assert!(f_max < t, "f byzantine accepts would validate");
        prop_assert!(f_max <= n - t, "f byzantine rejects would reject");
        prop_assert!(n - f_max >= t, "honest accepts would not validate");
    }
}

/// The table in docs/consensus.md.
#[test]
fn documented_threshold_table() {
    let rows: Vec<(usize, usize, usize)> = (1..=7)
        .map(|n| {
            let t = mdn_protocol::Quorum::default().threshold(n);
            (n, t, n - t)
        })
        .collect();
    let expected = vec![
        (1, 1, 0),
        (2, 2, 0),
        (3, 3, 0),
        (4, 3, 1),
        (5, 4, 1),
        (6, 5, 1),
        (7, 5, 2),
    ];
    assert_eq!(rows, expected);
}
