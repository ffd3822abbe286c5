//! Unit and property tests of `validate`.

use super::*;
use proptest::prelude::*;

const NOW: i64 = 1_800_000_000_000;

fn item(symbol: &str, price: &str) -> EmittedQuote {
    EmittedQuote {
        symbol: symbol.to_owned(),
        price: price.to_owned(),
        bid: None,
        ask: None,
        volume: None,
        observed_at_ms: NOW,
        evidence_hash: Some(Hash32([7; 32])),
    }
}

fn policy(allowed: Option<&[&str]>) -> OutputPolicy {
    OutputPolicy {
        allowed: allowed.map(|a| {
            a.iter()
                .map(|s| Symbol::parse(s).expect("symbol"))
                .collect()
        }),
        now_ms: NOW,
        max_future_skew_ms: 1_000,
        max_age_ms: 60_000,
    }
}

fn check(i: &EmittedQuote) -> Result<ScrapedQuote, String> {
    validate_one(i, &policy(Some(&["BTC/USD", "ETH/USD"])), Hash32([1; 32]))
}

#[test]
fn a_good_quote_passes_with_its_hashes() {
    let q = check(&EmittedQuote {
        bid: Some("64950.01".into()),
        ask: Some("64951.37".into()),
        volume: Some("0".into()),
        ..item("BTC/USD", "64950.12000000")
    })
    .expect("valid");
    assert_eq!(q.price.to_string(), "64950.12000000");
    assert_eq!(q.evidence_hash, Hash32([7; 32]));
    assert_eq!(q.script_hash, Hash32([1; 32]));
}

#[test]
fn each_rule_rejects_with_a_reason() {
    let cases: Vec<(EmittedQuote, &str)> = vec![
        (item("BTCUSD", "1"), "invalid symbol"),
        (item("SOL/USD", "1"), "not requested"),
        (item("BTC/USD", "0"), "must be positive"),
        (item("BTC/USD", "-3.5"), "must be positive"),
        (item("BTC/USD", "1e5"), "not a decimal"),
        (item("BTC/USD", "NaN"), "not a decimal"),
        (item("BTC/USD", " 1"), "not a decimal"),
        (item("BTC/USD", "+1"), "not a decimal"),
        (item("BTC/USD", "1."), "not a decimal"),
        (
            item("BTC/USD", "99999999999999999999999999999999"),
            "does not fit",
        ),
        (
            EmittedQuote {
                bid: Some("2".into()),
                ask: Some("1".into()),
                ..item("BTC/USD", "1.5")
            },
            "above ask",
        ),
        (
            EmittedQuote {
                bid: Some("0".into()),
                ..item("BTC/USD", "1.5")
            },
            "bid must be positive",
        ),
        (
            EmittedQuote {
                volume: Some("-1".into()),
                ..item("BTC/USD", "1")
            },
            "negative",
        ),
        (
            EmittedQuote {
                observed_at_ms: NOW + 1_001,
                ..item("BTC/USD", "1")
            },
            "future",
        ),
        (
            EmittedQuote {
                observed_at_ms: NOW - 60_001,
                ..item("BTC/USD", "1")
            },
            "old",
        ),
        (
            EmittedQuote {
                evidence_hash: None,
                ..item("BTC/USD", "1")
            },
            "no evidence",
        ),
    ];
    for (i, needle) in cases {
        let err = check(&i).expect_err(needle);
        assert!(err.contains(needle), "{i:?}: {err}");
    }
}

#[test]
fn duplicates_and_invalid_items_are_reported_in_order() {
    let items = [
        item("BTC/USD", "1"),
        item("BTC/USD", "2"),
        item("ETH/USD", "x"),
        item("ETH/USD", "3"),
    ];
    let (quotes, rejected) = validate_output(&items, &policy(None), Hash32::default());
    assert_eq!(
        quotes
            .iter()
            .map(|q| q.price.to_string())
            .collect::<Vec<_>>(),
        ["1", "3"]
    );
    assert_eq!(rejected.len(), 2);
    assert!(rejected[0].starts_with("BTC/USD: duplicate"));
    assert!(rejected[1].starts_with("ETH/USD: price"));
}

proptest! {
    #[test]
    fn exact_decimals_round_trip(int in 0u64..10_000_000_000, frac in "[0-9]{0,10}") {
        let text = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
        let d = parse_decimal("price", &text).expect("decimal");
        prop_assert_eq!(d.to_string(), text);
    }

    #[test]
    fn accepted_quotes_satisfy_every_rule(
        price in "-?[0-9]{1,6}(\\.[0-9]{1,4})?",
        bid in proptest::option::of("[0-9]{1,6}"),
        ask in proptest::option::of("[0-9]{1,6}"),
        volume in proptest::option::of("-?[0-9]{1,4}"),
        offset in -120_000i64..5_000,
    ) {
        let i = EmittedQuote { bid, ask, volume, observed_at_ms: NOW + offset, ..item("BTC/USD", &price) };
        if let Ok(q) = check(&i) {
            prop_assert!(q.price > Decimal::ZERO);
            if let (Some(b), Some(a)) = (q.bid, q.ask) { prop_assert!(b <= a); }
            prop_assert!(q.volume.is_none_or(|v| v >= Decimal::ZERO));
            prop_assert!((-60_000..=1_000).contains(&offset));
        }
    }

    #[test]
    fn never_panics_on_arbitrary_fields(symbol in ".{0,20}", price in ".{0,40}", t in any::<i64>()) {
        let i = EmittedQuote { observed_at_ms: t, ..item(&symbol, &price) };
        let _ = validate_output(&[i], &policy(None), Hash32::default());
    }
}
