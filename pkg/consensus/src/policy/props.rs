//! Property tests of the voting policy: monotone bands and exact time limits.

use mdn_protocol::{RejectReason, Verdict};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::band::within_band;
use super::tests::{NOW, policy, quote, sym};
use super::*;

/// A positive price with up to 4 decimals, 0.0001 ..= 10,000,000.
fn price() -> impl Strategy<Value = Decimal> {
    (1i64..=100_000_000_000).prop_map(|m| Decimal::new(m, 4))
}

proptest! {
    /// A price farther from the reference is never inside a band that a nearer price is outside.
    #[test]
    fn band_is_monotone_in_distance(
        reference in price(), a in price(), b in price(), bps in 0u32..=10_000,
    ) {
        let (near, far) = if (a - reference).abs() <= (b - reference).abs() { (a, b) } else { (b, a) };
        prop_assert!(!within_band(far, reference, bps) || within_band(near, reference, bps));
    }

    /// A wider band accepts everything a narrower band accepts.
    #[test]
    fn band_is_monotone_in_width(reference in price(), p in price(), lo in 0u32..=10_000, extra in 0u32..=10_000) {
        let hi = lo.saturating_add(extra);
        prop_assert!(!within_band(p, reference, lo) || within_band(p, reference, hi));
    }

    /// The same holds through `judge`, for both the same-source and the cross-source reference.
    #[test]
    fn judge_is_monotone_in_distance(
        reference in price(), a in price(), b in price(), same_source in any::<bool>(),
    ) {
        let p = policy();
        let mut book = ObservationBook::new(BookLimits::default());
        let own_source = if same_source { "binance" } else { "kraken" };
        book.record(&sym("BTC/USD"), own_source, reference, NOW).unwrap();
        let (near, far) = if (a - reference).abs() <= (b - reference).abs() { (a, b) } else { (b, a) };
        let accepted = |x| p.judge(&quote("binance", x, NOW), NOW, &book) == Judgement::Vote(Verdict::Accept);
        prop_assert!(!accepted(far) || accepted(near));
    }

    /// Stale exactly when `now - observed_at > max_quote_age_ms`, Future exactly when
    /// `observed_at - now > max_clock_skew_ms`, for any settings and `now` (no overflow). Offsets
    /// are drawn around both boundaries as well as anywhere.
    #[test]
    fn time_limits_are_exact(
        max_age in 1i64..1_000_000, skew in 0i64..1_000_000,
        near in -3i64..=3, far in -2_000_000i64..2_000_000, pick in 0u8..3,
        now in any::<i64>(),
    ) {
        let cfg = PolicyConfig { max_quote_age_ms: max_age, max_clock_skew_ms: skew, ..PolicyConfig::default() };
        let p = Policy::new(cfg).unwrap();
        let offset = match pick { 0 => max_age + near, 1 => -skew + near, _ => far };
        let observed = now.saturating_sub(offset).max(1);
        let age = i128::from(now) - i128::from(observed);
        let j = p.judge(&quote("binance", Decimal::ONE, observed), now, &ObservationBook::default());
        let stale = j == Judgement::Vote(Verdict::Reject(RejectReason::Stale));
        let future = j == Judgement::Vote(Verdict::Reject(RejectReason::Future));
        prop_assert_eq!(stale, age > i128::from(max_age));
        prop_assert_eq!(future, -age > i128::from(skew));
    }

    /// The book never exceeds its limits, whatever is recorded.
    #[test]
    fn book_memory_is_bounded(
        events in proptest::collection::vec((0u8..6, 0u8..6, 1i64..1000, 0i64..100_000), 0..300),
    ) {
        let limits = BookLimits { per_series: 4, max_series: 5, max_age_ms: 10_000 };
        let mut b = ObservationBook::new(limits);
        let symbols = ["A/USD", "B/USD", "C/USD", "D/USD", "E/USD", "F/USD"];
        for (s, src, price, at) in events {
            let _ = b.record(&sym(symbols[usize::from(s)]), &format!("src{src}"), Decimal::from(price), at);
            prop_assert!(b.series_count() <= 5);
            prop_assert!(b.len() <= 4 * 5);
        }
    }

    /// `nearest` agrees with a brute-force search over everything recorded.
    #[test]
    fn nearest_matches_brute_force(
        times in proptest::collection::btree_set(0i64..10_000, 0..40),
        at in -1_000i64..11_000, window in 0i64..3_000,
    ) {
        let limits = BookLimits { per_series: 64, max_series: 4, max_age_ms: 1_000_000 };
        let mut b = ObservationBook::new(limits);
        for t in &times {
            b.record(&sym("BTC/USD"), "binance", Decimal::from(*t + 1), *t).unwrap();
        }
        let best = times.iter().copied()
            .filter(|t| (t - at).abs() <= window)
            .min_by_key(|t| ((t - at).abs(), *t));
        let got = b.nearest(&sym("BTC/USD"), "binance", at, window).map(|o| o.observed_at_ms);
        prop_assert_eq!(got, best);
    }

    /// `Wait` only while no reference is in the window and the quote is at most `max_wait_ms` old.
    #[test]
    fn wait_is_bounded(
        own in proptest::collection::vec((0u8..3, 0i64..60_000), 0..10),
        observed in 1i64..60_000, expected in any::<bool>(),
    ) {
        let p = policy();
        let cfg = p.config().clone();
        let now = 60_000;
        let mut b = ObservationBook::new(BookLimits::default());
        if expected {
            b.set_expected([sym("BTC/USD")]);
        }
        for (src, at) in &own {
            b.record(&sym("BTC/USD"), ["binance", "kraken", "coinbase"][usize::from(*src)], Decimal::ONE, *at).unwrap();
        }
        if p.judge(&quote("binance", Decimal::ONE, observed), now, &b) == Judgement::Wait {
            prop_assert!(now - observed <= cfg.max_wait_ms);
            prop_assert!(own.iter().all(|(_, at)| (at - observed).abs() > cfg.reference_window_ms));
            prop_assert!(own.iter().all(|(_, at)| *at < observed));
        }
    }
}
