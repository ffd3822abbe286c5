//! Scenario tests of the reputation book: lying, frozen and failing sources, shadow mode, late
//! votes, reports, and deterministic prices.

use mdn_protocol::{RejectReason, signing_key_from_seed};
use proptest::prelude::*;

use super::*;

fn key(i: u8) -> PublicKey {
    PublicKey::from(&signing_key_from_seed([i; 32]))
}

fn sym() -> Symbol {
    Symbol::parse("BTC/USD").unwrap()
}

fn params() -> Params {
    Params {
        half_life_ms: 10_000,
        price_interval_ms: 1_000,
        price_grace_ms: 500,
        settle_ms: 200,
        ..Params::default()
    }
}

fn book(me: u8) -> ReputationBook {
    ReputationBook::new(params(), key(me), (1..=4).map(key), Vec::<String>::new(), 0)
}

struct Q {
    n: u8,
}

impl Q {
    /// A decision on a quote of `source` at `price` (cents) by `proposer`, observed at `t`.
    fn decision(
        &mut self,
        source: &str,
        price: i64,
        proposer: u8,
        t: i64,
        outcome: Outcome,
    ) -> DecisionInfo {
        self.n = self.n.wrapping_add(1);
        let mut id = [0u8; 32];
        id[0] = self.n;
        id[1..9].copy_from_slice(&t.to_le_bytes());
        id[9..17].copy_from_slice(&price.to_le_bytes());
        id[17] = proposer;
        id[18..18 + source.len().min(14)]
            .copy_from_slice(&source.as_bytes()[..source.len().min(14)]);
        let verdict = if outcome == Outcome::Validated {
            Verdict::Accept
        } else {
            Verdict::Reject(RejectReason::OutOfBand)
        };
        DecisionInfo {
            quote_id: mdn_protocol::Hash32(id),
            outcome,
            source: source.into(),
            symbol: sym(),
            price: Decimal::new(price, 2),
            observed_at_ms: t,
            proposer: key(proposer),
            decided_at_ms: t + 50,
            votes: (1..=3).map(|v| (key(v), verdict)).collect(),
        }
    }
}

/// One second of an honest market at `base` cents, with `kraken` offset by `kraken_offset_bp`.
fn second(b: &mut ReputationBook, q: &mut Q, t: i64, base: i64, kraken_offset_bp: i64) {
    for (i, source) in ["binance", "coinbase", "kraken"].iter().enumerate() {
        let noise = i64::try_from(i).unwrap() - 1;
        let offset = if *source == "kraken" {
            base * kraken_offset_bp / 10_000
        } else {
            0
        };
        let outcome = if offset.abs() * 10_000 > base * 50 {
            Outcome::Rejected
        } else {
            Outcome::Validated
        };
        b.record_decision(q.decision(source, base + noise + offset, 1, t, outcome));
        b.record_run(
            &RunInfo {
                source: (*source).into(),
                ok: true,
                stale: vec![],
            },
            t,
        );
    }
    b.tick(t + 900);
}

fn quarantined(b: &ReputationBook, source: &str) -> bool {
    b.is_quarantined(&(source.to_owned(), Some(sym())))
}

#[test]
fn a_lying_source_is_quarantined_and_recovers() {
    let mut b = book(1);
    let mut q = Q { n: 0 };
    let mut t = 0;
    for _ in 0..10 {
        second(&mut b, &mut q, t, 6_000_000, 0);
        t += 1_000;
    }
    assert!(!quarantined(&b, "kraken"));
    let mut rounds = 0;
    while !quarantined(&b, "kraken") {
        second(&mut b, &mut q, t, 6_000_000, 500);
        t += 1_000;
        rounds += 1;
        assert!(rounds < 30, "not quarantined after 30 rounds");
        // The consensus price stays within the honest venues' range throughout.
        for (_, _, p) in b.tick(t).prices {
            assert!((Decimal::new(5_999_999, 2)..=Decimal::new(6_000_001, 2)).contains(&p.price));
        }
    }
    let views = b.source_views();
    let score_of = |s: &str| {
        views
            .iter()
            .find(|v| v.key == (s.to_owned(), Some(sym())))
            .and_then(|v| v.local)
            .unwrap()
    };
    assert!(score_of("kraken") < score_of("binance") && score_of("kraken") < score_of("coinbase"));
    assert!(!quarantined(&b, "binance") && !quarantined(&b, "coinbase"));
    let mut recovered = 0;
    while quarantined(&b, "kraken") {
        second(&mut b, &mut q, t, 6_000_000, 0);
        t += 1_000;
        recovered += 1;
        assert!(recovered < 60, "not recovered after 60 rounds");
    }
}

#[test]
fn quarantined_and_shadow_sources_stay_out_of_the_price() {
    let mut b = book(1);
    b.set_shadow("shadowy", true);
    let mut q = Q { n: 0 };
    b.record_decision(q.decision("binance", 10_000, 1, 0, Outcome::Validated));
    b.record_decision(q.decision("shadowy", 20_000, 1, 0, Outcome::Validated));
    b.record_decision(q.decision("shadowy", 20_000, 2, 0, Outcome::Validated));
    let out = b.tick(5_000);
    assert_eq!(out.prices.len(), 1);
    let (_, start, price) = &out.prices[0];
    assert_eq!(*start, 0);
    // Only this node knows "shadowy" is in shadow mode; node 2 did not say so, so its copy counts.
    assert_eq!(price.sources, 2);
    assert_eq!(
        price.price,
        Decimal::new(10_000, 2),
        "the lower weighted median"
    );

    let mut b = book(1);
    b.set_shadow("shadowy", true);
    b.record_decision(q.decision("binance", 10_000, 1, 0, Outcome::Validated));
    b.record_decision(q.decision("shadowy", 20_000, 1, 0, Outcome::Validated));
    let out = b.tick(5_000);
    assert_eq!(out.prices[0].2.sources, 1);
    assert_eq!(out.prices[0].2.price, Decimal::new(10_000, 2));
}

#[test]
fn a_frozen_source_loses_freshness_and_a_failing_one_reliability() {
    let mut b = book(1);
    let mut q = Q { n: 0 };
    for s in 0..20 {
        let t = s * 1_000;
        let base = 6_000_000 + s * 100;
        b.record_decision(q.decision("binance", base, 1, t, Outcome::Validated));
        b.record_decision(q.decision("bitstamp", 6_000_000, 1, t, Outcome::Validated));
        b.record_run(
            &RunInfo {
                source: "okx".into(),
                ok: false,
                stale: vec![],
            },
            t,
        );
        b.record_run(
            &RunInfo {
                source: "binance".into(),
                ok: true,
                stale: vec![],
            },
            t,
        );
        b.tick(t + 900);
    }
    let views = b.source_views();
    let parts = |s: &str| {
        views
            .iter()
            .find(|v| v.key == (s.to_owned(), None))
            .and_then(|v| v.parts)
            .unwrap()
    };
    assert!(parts("bitstamp").freshness < 0.3, "{:?}", parts("bitstamp"));
    assert!(parts("binance").freshness > 0.9, "{:?}", parts("binance"));
    assert!(parts("okx").reliability < 0.1, "{:?}", parts("okx"));
    assert!(parts("binance").reliability > 0.9);

    let mut b = book(1);
    let stale = RunInfo {
        source: "kraken".into(),
        ok: false,
        stale: vec![Some(sym())],
    };
    for s in 0..10 {
        b.record_run(&stale, s * 1_000);
    }
    let v = b.source_views();
    let kraken = v
        .iter()
        .find(|v| v.key == ("kraken".to_owned(), Some(sym())))
        .unwrap();
    assert!(kraken.parts.unwrap().freshness < 0.2);
}

#[test]
fn late_votes_count_for_liveness_and_silence_does_not() {
    let mut b = book(1);
    let mut q = Q { n: 0 };
    for s in 0..30 {
        let t = s * 1_000;
        let d = q.decision("binance", 10_000, 1, t, Outcome::Validated);
        let id = d.quote_id;
        b.record_decision(d);
        // Validator 4 always votes after the decision, validator 3 votes in time; 2 too (in votes).
        b.record_late_vote(&id, key(4), Verdict::Accept);
        b.tick(t + 500);
    }
    let views = b.peer_views(30_000);
    let live = |i: u8| {
        views
            .iter()
            .find(|v| v.peer == key(i))
            .unwrap()
            .parts
            .liveness
    };
    assert!(live(4) > 0.95, "late voter {}", live(4));
    assert!(live(3) > 0.95);

    let mut b = book(1);
    for s in 0..30 {
        let t = s * 1_000;
        b.record_decision(q.decision("binance", 10_000, 1, t, Outcome::Validated));
        b.tick(t + 500);
    }
    let views = b.peer_views(30_000);
    let v4 = views.iter().find(|v| v.peer == key(4)).unwrap();
    assert!(
        v4.parts.liveness < 0.1,
        "silent validator {}",
        v4.parts.liveness
    );
}

#[test]
fn a_liar_ends_lowest_in_local_and_network_views() {
    let mut q = Q { n: 0 };
    let mut books: Vec<ReputationBook> = (1..=3).map(book).collect();
    for s in 0..30 {
        let t = s * 1_000;
        for b in &mut books {
            // Validator 4 proposes offset quotes (rejected) and votes against every outcome.
            let mut honest = q.decision("binance", 10_000, 1, t, Outcome::Validated);
            honest
                .votes
                .push((key(4), Verdict::Reject(RejectReason::OutOfBand)));
            let mut lie = q.decision("binance", 10_500, 4, t, Outcome::Rejected);
            lie.votes.push((key(4), Verdict::Accept));
            b.record_decision(honest);
            b.record_decision(lie);
            b.tick(t + 500);
        }
    }
    let now = 30_000;
    let liar = SigningKeyFor(4);
    let mut reports: Vec<ReputationReport> = books
        .iter()
        .zip(1u8..)
        .map(|(b, i)| {
            let (peers, sources) = b.report_entries(now);
            ReputationReport::sign(
                "n".into(),
                1,
                now,
                peers,
                sources,
                &signing_key_from_seed([i; 32]),
            )
        })
        .collect();
    // The liar reports itself perfect and everyone else worthless.
    let lies = (1..=4)
        .map(|i| PeerScore {
            peer: key(i),
            score_bp: if i == 4 { 10_000 } else { 0 },
        })
        .collect();
    reports.push(ReputationReport::sign(
        "n".into(),
        1,
        now,
        lies,
        vec![],
        &liar.key(),
    ));
    for b in &mut books {
        for r in &reports {
            b.accept_report(r).unwrap();
        }
        let views = b.peer_views(now);
        let lowest_local = views
            .iter()
            .min_by(|a, b| a.local.total_cmp(&b.local))
            .unwrap();
        assert_eq!(lowest_local.peer, key(4));
        let network = |i: u8| {
            views
                .iter()
                .find(|v| v.peer == key(i))
                .unwrap()
                .network
                .unwrap()
        };
        for honest in 1..=3 {
            assert!(network(4) < network(honest));
            // The network view of an honest peer is the median of honest reports, not the lie.
            assert!(network(honest) > 0.5, "{}", network(honest));
        }
        assert!(matches!(
            b.accept_report(&reports[0]),
            Err(ReportError::Replayed { .. })
        ));
    }
    let outsider = ReputationReport::sign(
        "n".into(),
        1,
        now,
        vec![],
        vec![],
        &signing_key_from_seed([9; 32]),
    );
    assert!(matches!(
        books[0].accept_report(&outsider),
        Err(ReportError::UnknownReporter(_))
    ));
}

struct SigningKeyFor(u8);

impl SigningKeyFor {
    fn key(&self) -> mdn_protocol::SigningKey {
        signing_key_from_seed([self.0; 32])
    }
}

#[test]
fn reports_expire_from_the_network_view() {
    let mut b = book(1);
    let r = ReputationReport::sign(
        "n".into(),
        1,
        0,
        vec![PeerScore {
            peer: key(2),
            score_bp: 1_000,
        }],
        vec![],
        &signing_key_from_seed([3; 32]),
    );
    b.accept_report(&r).unwrap();
    assert!(b.peer_views(0).iter().any(|v| v.network.is_some()));
    b.tick(params().report_ttl_ms + 1);
    assert!(b.peer_views(0).iter().all(|v| v.network.is_none()));
}

proptest! {
    /// Nodes that see the same decisions in any order compute the same prices.
    #[test]
    fn prices_do_not_depend_on_arrival_order(
        quotes in prop::collection::vec((0usize..4, 9_900i64..10_100, 0i64..3_000, any::<bool>()), 1..40),
        seed in any::<u64>(),
    ) {
        let sources = ["binance", "coinbase", "kraken", "okx"];
        let mut q = Q { n: 0 };
        let decisions: Vec<DecisionInfo> = quotes
            .iter()
            .map(|(s, p, t, ok)| {
                let outcome = if *ok { Outcome::Validated } else { Outcome::Rejected };
                q.decision(sources[*s], *p, 2, *t, outcome)
            })
            .collect();
        let mut shuffled = decisions.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let j = usize::try_from(s % (u64::try_from(i).unwrap() + 1)).unwrap();
            shuffled.swap(i, j);
        }
        let run = |ds: Vec<DecisionInfo>| {
            let mut b = book(1);
            for d in ds {
                b.record_decision(d);
            }
            b.tick(10_000).prices
        };
        prop_assert_eq!(run(decisions), run(shuffled));
    }
}
