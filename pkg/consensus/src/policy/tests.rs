//! Unit tests of the voting policy, the observation book and the duplicate index.

use std::str::FromStr;

use mdn_protocol::{Hash32, PublicKey, Quote, RejectReason, Symbol, Verdict};
use rust_decimal::Decimal;

use super::*;

pub(super) const NOW: i64 = 1_700_000_000_000;

pub(super) fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub(super) fn sym(s: &str) -> Symbol {
    Symbol::parse(s).unwrap()
}

pub(super) fn quote(source: &str, price: Decimal, observed_at_ms: i64) -> Quote {
    Quote {
        symbol: sym("BTC/USD"),
        source: source.to_owned(),
        price,
        bid: None,
        ask: None,
        volume: None,
        observed_at_ms,
        script_hash: Hash32([1; 32]),
        evidence_hash: Hash32([2; 32]),
        proposer: PublicKey([3; 32]),
    }
}

pub(super) fn policy() -> Policy {
    Policy::new(PolicyConfig::default()).unwrap()
}

fn book_with(entries: &[(&str, &str, i64)]) -> ObservationBook {
    let mut b = ObservationBook::new(BookLimits::default());
    for (source, price, at) in entries {
        b.record(&sym("BTC/USD"), source, d(price), *at).unwrap();
    }
    b
}

const ACCEPT: Judgement = Judgement::Vote(Verdict::Accept);
const ABSTAIN: Judgement = Judgement::Vote(Verdict::Abstain);

fn rejected(r: RejectReason) -> Judgement {
    Judgement::Vote(Verdict::Reject(r))
}

#[test]
fn malformed_quote_is_rejected_first() {
    let p = policy();
    let mut q = quote("binance", d("-1"), NOW - 10_000_000);
    assert_eq!(
        p.judge(&q, NOW, &book_with(&[])),
        rejected(RejectReason::Malformed)
    );
    q.price = d("100");
    q.bid = Some(d("101"));
    q.ask = Some(d("100.5"));
    assert_eq!(
        p.judge(&q, NOW, &book_with(&[])),
        rejected(RejectReason::Malformed)
    );
    q.bid = None;
    q.source = "Binance".into();
    assert_eq!(
        p.judge(&q, NOW, &book_with(&[])),
        rejected(RejectReason::Malformed)
    );
}

#[test]
fn stale_and_future_boundaries() {
    let p = policy();
    let c = p.config().clone();
    let book = book_with(&[]);
    let at = |t| p.judge(&quote("binance", d("100"), t), NOW, &book);
    assert_eq!(
        at(NOW - c.max_quote_age_ms - 1),
        rejected(RejectReason::Stale)
    );
    assert_ne!(at(NOW - c.max_quote_age_ms), rejected(RejectReason::Stale));
    assert_eq!(
        at(NOW + c.max_clock_skew_ms + 1),
        rejected(RejectReason::Future)
    );
    assert_ne!(
        at(NOW + c.max_clock_skew_ms),
        rejected(RejectReason::Future)
    );
}

#[test]
fn same_source_uses_tight_band_around_nearest_own_observation() {
    let p = policy(); // 10 bps same source
    let book = book_with(&[
        ("binance", "90", NOW - 4_000),
        ("binance", "100", NOW - 1_000),
        ("kraken", "101", NOW - 1_000),
    ]);
    let j = |price: &str| p.judge(&quote("binance", d(price), NOW - 1_200), NOW, &book);
    assert_eq!(j("100.1"), ACCEPT);
    assert_eq!(j("99.9"), ACCEPT);
    assert_eq!(j("100.11"), rejected(RejectReason::OutOfBand));
    // 90 would be the reference only if it were nearer in time.
    assert_eq!(j("90"), rejected(RejectReason::OutOfBand));
}

#[test]
fn other_sources_use_the_median_and_the_wide_band() {
    let p = policy(); // 100 bps cross source
    let book = book_with(&[
        ("kraken", "100", NOW - 1_000),
        ("coinbase", "102", NOW - 1_000),
        ("bitstamp", "500", NOW - 1_000), // an outlier moves the median only a little
        ("coinbase", "1", NOW - 20_000),  // outside the window: ignored
    ]);
    let j = |price: &str| p.judge(&quote("binance", d(price), NOW - 1_000), NOW, &book);
    assert_eq!(j("102"), ACCEPT);
    assert_eq!(j("103.02"), ACCEPT);
    assert_eq!(j("103.03"), rejected(RejectReason::OutOfBand));
    assert_eq!(j("100.98"), ACCEPT);
    assert_eq!(j("100.97"), rejected(RejectReason::OutOfBand));
}

#[test]
fn per_symbol_bands_replace_the_defaults() {
    let mut cfg = PolicyConfig::default();
    let wide = Bands {
        same_source_bps: 500,
        cross_source_bps: 1_000,
    };
    cfg.per_symbol.insert(sym("BTC/USD"), wide);
    let p = Policy::new(cfg).unwrap();
    let book = book_with(&[("binance", "100", NOW)]);
    assert_eq!(
        p.judge(&quote("binance", d("105"), NOW), NOW, &book),
        ACCEPT
    );
    assert_eq!(
        p.judge(&quote("binance", d("105.01"), NOW), NOW, &book),
        rejected(RejectReason::OutOfBand)
    );
}

#[test]
fn waits_for_a_reference_that_may_come_and_abstains_otherwise() {
    let p = policy();
    let c = p.config().clone();
    let book = book_with(&[("kraken", "100", NOW - 30_000)]);
    // Newer than the latest own observation, beyond the window: wait.
    assert_eq!(
        p.judge(&quote("binance", d("1"), NOW - 100), NOW, &book),
        Judgement::Wait
    );
    // Too old to wait any longer: abstain.
    let old = NOW - c.max_wait_ms - 1;
    assert_eq!(p.judge(&quote("binance", d("1"), old), NOW, &book), ABSTAIN);
    // Older than own observations with none nearby: nothing will come.
    assert_eq!(
        p.judge(&quote("binance", d("1"), NOW - 40_000), NOW - 35_000, &book),
        ABSTAIN
    );
}

#[test]
fn unknown_symbol_abstains_unless_expected() {
    let p = policy();
    let mut book = book_with(&[]);
    let q = quote("binance", d("100"), NOW);
    assert_eq!(p.judge(&q, NOW, &book), ABSTAIN);
    book.set_expected([sym("BTC/USD")]);
    assert_eq!(p.judge(&q, NOW, &book), Judgement::Wait);
    book.record(&sym("BTC/USD"), "binance", d("100"), NOW)
        .unwrap();
    assert_eq!(p.judge(&q, NOW, &book), ACCEPT);
}

#[test]
fn invalid_config_is_refused_with_the_field_named() {
    let cfg = PolicyConfig {
        max_quote_age_ms: 0,
        ..PolicyConfig::default()
    };
    let err = Policy::new(cfg).unwrap_err();
    assert!(err.to_string().contains("max_quote_age_ms"), "{err}");
    let mut cfg = PolicyConfig::default();
    cfg.per_symbol.insert(
        sym("ETH/USD"),
        Bands {
            same_source_bps: 10,
            cross_source_bps: 10_001,
        },
    );
    let err = Policy::new(cfg).unwrap_err();
    assert!(err.to_string().contains("ETH/USD"), "{err}");
}

#[test]
fn book_is_bounded_and_pruned() {
    let limits = BookLimits {
        per_series: 3,
        max_series: 2,
        max_age_ms: 10_000,
    };
    let mut b = ObservationBook::new(limits);
    let s = sym("BTC/USD");
    for i in 0..10 {
        b.record(&s, "binance", d("100"), NOW + i).unwrap();
    }
    assert_eq!(b.len(), 3);
    b.record(&s, "kraken", d("100"), NOW).unwrap();
    let err = b
        .record(&sym("ETH/USD"), "kraken", d("1"), NOW)
        .unwrap_err();
    assert!(matches!(err, BookError::TooManySeries { max: 2, .. }));
    assert!(b.record(&s, "binance", d("0"), NOW).is_err());
    b.prune(NOW + 10_005);
    assert_eq!(b.series_count(), 1, "kraken's only observation aged out");
    b.prune(NOW + 20_000);
    assert!(b.is_empty());
    assert_eq!(b.series_count(), 0);
    b.record(&sym("ETH/USD"), "kraken", d("1"), NOW).unwrap();
}

#[test]
fn duplicate_index_flags_a_second_quote_for_the_same_key() {
    let mut idx = DuplicateIndex::new(100, 60_000);
    let q = quote("binance", d("100"), NOW);
    let (a, b) = (Hash32([10; 32]), Hash32([11; 32]));
    assert_eq!(idx.check(&q, a, NOW), DuplicateCheck::New);
    assert_eq!(idx.check(&q, a, NOW), DuplicateCheck::Repeat);
    assert_eq!(
        idx.check(&q, b, NOW),
        DuplicateCheck::Duplicate { first: a }
    );
    let mut other = q.clone();
    other.source = "kraken".into();
    assert_eq!(idx.check(&other, b, NOW), DuplicateCheck::New);
    // Pruned once older than the age limit.
    idx.prune(NOW + 60_001);
    assert!(idx.is_empty());
}

#[test]
fn duplicate_index_is_bounded_oldest_first() {
    let mut idx = DuplicateIndex::new(3, 1_000_000);
    for i in 0..10 {
        let q = quote("binance", d("100"), NOW + i);
        assert_eq!(
            idx.check(&q, Hash32([i as u8; 32]), NOW),
            DuplicateCheck::New
        );
        assert!(idx.len() <= 3);
    }
    // The newest keys survive.
    let q = quote("binance", d("100"), NOW + 9);
    assert_eq!(idx.check(&q, Hash32([9; 32]), NOW), DuplicateCheck::Repeat);
}
