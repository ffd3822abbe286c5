//! Tests of fault specs and the fault table.

use super::*;
use proptest::prelude::*;

fn spec(s: &str) -> FaultSpec {
    s.parse().unwrap()
}

#[test]
fn parses_the_documented_examples() {
    let s = spec("kraken:BTC/USD=offset:5%");
    assert_eq!(s.venue, Venue::Kraken);
    assert_eq!(s.symbol.as_deref(), Some("BTC/USD"));
    assert_eq!(
        s.kind,
        FaultKind::Offset {
            pct: Decimal::from(5)
        }
    );
    assert_eq!(spec("bitstamp=stale").kind, FaultKind::Stale);
    assert_eq!(spec("coinbase=fail").kind, FaultKind::Fail);
    assert_eq!(
        spec("binance=slow:2s").kind,
        FaultKind::Slow {
            delay: Duration::from_secs(2)
        }
    );
    assert_eq!(
        spec("okx=slow:500ms").kind,
        FaultKind::Slow {
            delay: Duration::from_millis(500)
        }
    );
    assert_eq!(spec("kraken=garbage").kind, FaultKind::Garbage);
    assert_eq!(
        spec("okx:eth/usd=offset:-2.5").kind,
        FaultKind::Offset {
            pct: Decimal::new(-25, 1)
        }
    );
    assert_eq!(spec("okx:eth/usd=fail").symbol.as_deref(), Some("ETH/USD"));
}

#[test]
fn errors_name_the_bad_part() {
    let err = |s: &str| s.parse::<FaultSpec>().unwrap_err().to_string();
    assert!(err("kraken").contains("no '='"), "{}", err("kraken"));
    assert!(err("ftx=fail").contains("\"ftx\""));
    assert!(err("kraken:BTCUSD=fail").contains("symbol \"BTCUSD\""));
    assert!(err("kraken=explode").contains("kind \"explode\""));
    assert!(err("kraken=offset").contains("missing value"));
    assert!(err("kraken=offset:five%").contains("\"five%\""));
    assert!(err("kraken=offset:-100%").contains("offset value"));
    assert!(err("kraken=slow:2 parsecs").contains("\"2 parsecs\""));
    assert!(err("kraken=slow:fast").contains("slow value"));
    assert!(err("kraken=stale:1").contains("takes no value"));
}

#[test]
fn symbol_faults_override_venue_faults() {
    let mut t = FaultTable::default();
    t.set(spec("kraken=fail"), 3);
    t.set(spec("kraken:BTC/USD=offset:5%"), 4);
    let btc = t.effective(Venue::Kraken, "BTC/USD").unwrap();
    assert_eq!(
        btc.kind,
        FaultKind::Offset {
            pct: Decimal::from(5)
        }
    );
    assert_eq!(btc.set_at_tick, 4);
    assert_eq!(
        t.effective(Venue::Kraken, "ETH/USD").unwrap().kind,
        FaultKind::Fail
    );
    assert!(t.effective(Venue::Binance, "BTC/USD").is_none());
    t.set(spec("kraken=stale"), 9);
    assert_eq!(t.venue_wide(Venue::Kraken).unwrap().kind, FaultKind::Stale);
    assert_eq!(t.list().len(), 2);
    assert_eq!(t.clear(), 2);
    assert!(t.list().is_empty());
}

fn kind() -> impl Strategy<Value = FaultKind> {
    prop_oneof![
        (-99i64..10_000, 0u32..3).prop_map(|(m, s)| FaultKind::Offset {
            pct: Decimal::new(m, s)
        }),
        Just(FaultKind::Stale),
        Just(FaultKind::Fail),
        (0u64..3_600_000).prop_map(|ms| FaultKind::Slow {
            delay: Duration::from_millis(ms)
        }),
        Just(FaultKind::Garbage),
    ]
}

proptest! {
    #[test]
    fn display_parses_back(v in 0usize..5, sym in proptest::option::of("[A-Z0-9]{1,6}"), kind in kind()) {
        let spec = FaultSpec {
            venue: Venue::ALL[v],
            symbol: sym.map(|b| format!("{b}/USD")),
            kind,
        };
        let text = spec.to_string();
        prop_assert_eq!(text.parse::<FaultSpec>(), Ok(spec), "{}", text);
    }

    #[test]
    fn never_panics(s in ".{0,40}") {
        let _ = s.parse::<FaultSpec>();
    }
}
