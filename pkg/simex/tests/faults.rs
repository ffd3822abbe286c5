//! Each fault kind observed over HTTP, the precedence of symbol faults over venue faults, and
//! faults given at start (the `--fault` path). Time is driven by a manual clock, not by sleeping.

mod common;

use std::time::{Duration, Instant};

use common::{START_MS, bps, dec, dec_of, start, start_with};
use mdn_simex::{FaultSpec, SimexError};
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn spec(s: &str) -> FaultSpec {
    s.parse().unwrap()
}

#[tokio::test]
async fn offset_moves_price_bid_and_ask() {
    let sim = start().await;
    sim.advance_ticks(500);
    sim.handle
        .set_fault(spec("kraken:BTC/USD=offset:5%"))
        .unwrap();
    let r = sim.get_ok("/0/public/Ticker?pair=XBTUSD,ETHUSD").await;
    let btc = &r["result"]["XXBTZUSD"];
    let expected = sim.market("BTC/USD") * Decimal::new(105, 2);
    for price in [&btc["c"][0], &btc["a"][0], &btc["b"][0]] {
        // Venue noise is at most 3 bps and Kraken's half spread 1.5 bps.
        assert!(
            bps(dec_of(price), expected) <= Decimal::from(5),
            "{price} vs {expected}"
        );
    }
    let eth = dec_of(&r["result"]["XETHZUSD"]["c"][0]);
    assert!(
        bps(eth, sim.market("ETH/USD")) <= Decimal::from(4),
        "ETH is not offset"
    );
    let binance = dec(
        &sim.get_ok("/api/v3/ticker/24hr?symbol=BTCUSD").await,
        "lastPrice",
    );
    assert!(
        bps(binance, sim.market("BTC/USD")) <= Decimal::from(4),
        "other venues are not offset"
    );
}

#[tokio::test]
async fn stale_freezes_price_and_timestamp() {
    let sim = start().await;
    sim.advance_ticks(40);
    sim.handle.set_fault(spec("bitstamp=stale")).unwrap();
    let frozen = sim.get_ok("/api/v2/ticker/btcusd/").await;
    let frozen_okx = sim.get_ok("/api/v5/market/ticker?instId=BTC-USD").await;
    assert_eq!(
        frozen["timestamp"],
        ((START_MS + 40 * 250) / 1000).to_string()
    );
    for _ in 0..3 {
        sim.advance_ticks(4_000);
        assert_eq!(sim.get_ok("/api/v2/ticker/btcusd/").await, frozen);
        let all = sim.get_ok("/api/v2/ticker/").await;
        assert_eq!(all[0]["last"], frozen["last"]);
    }
    // Other venues keep moving.
    let okx = sim.get_ok("/api/v5/market/ticker?instId=BTC-USD").await;
    assert_ne!(okx["data"][0]["ts"], frozen_okx["data"][0]["ts"]);
    assert_ne!(okx["data"][0]["last"], frozen_okx["data"][0]["last"]);
    // Clearing the fault brings the venue back to the present.
    assert_eq!(sim.handle.clear_faults(), 1);
    let now = sim.get_ok("/api/v2/ticker/btcusd/").await;
    assert_eq!(
        now["timestamp"],
        ((START_MS + 12_040 * 250) / 1000).to_string()
    );
}

#[tokio::test]
async fn fail_answers_503_with_venue_bodies() {
    let sim = start().await;
    let cases: [(&str, &str, Value); 5] = [
        ("binance", "/api/v3/ticker/24hr?symbol=BTCUSD", json!(-1001)),
        (
            "coinbase",
            "/products/BTC-USD/ticker",
            json!("Service Unavailable"),
        ),
        (
            "kraken",
            "/0/public/Ticker?pair=XBTUSD",
            json!(["EService:Unavailable"]),
        ),
        (
            "bitstamp",
            "/api/v2/ticker/btcusd/",
            json!([{ "message": "Service unavailable" }]),
        ),
        (
            "okx",
            "/api/v5/market/tickers?instType=SPOT",
            json!("50001"),
        ),
    ];
    for (venue, path, marker) in cases {
        sim.handle
            .set_fault(spec(&format!("{venue}=fail")))
            .unwrap();
        let r = sim.get(path).await;
        assert_eq!(r.status, 503, "{venue}");
        assert_eq!(r.content_type, "application/json");
        let body = r.json();
        let found = ["code", "message", "error", "errors"]
            .iter()
            .any(|k| body[*k] == marker);
        assert!(found, "{venue}: {body}");
    }
}

#[tokio::test]
async fn symbol_fail_fails_single_requests_and_drops_from_lists() {
    let sim = start().await;
    sim.handle.set_fault(spec("binance:BTC/USD=fail")).unwrap();
    assert_eq!(
        sim.get("/api/v3/ticker/24hr?symbol=BTCUSD").await.status,
        503
    );
    assert_eq!(
        sim.get_ok("/api/v3/ticker/24hr?symbol=ETHUSD").await["symbol"],
        "ETHUSD"
    );
    let all = sim.get_ok("/api/v3/ticker/24hr").await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 49);
    assert!(all.iter().all(|t| t["symbol"] != "BTCUSD"));
}

#[tokio::test]
async fn slow_delays_at_least_the_duration() {
    let sim = start_with(42, vec![spec("binance=slow:300ms")]).await;
    let began = Instant::now();
    let t = sim.get_ok("/api/v3/ticker/24hr?symbol=BTCUSD").await;
    assert!(
        began.elapsed() >= Duration::from_millis(300),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(t["symbol"], "BTCUSD");
}

#[tokio::test]
async fn garbage_is_not_json() {
    let sim = start().await;
    sim.handle.set_fault(spec("kraken=garbage")).unwrap();
    sim.handle.set_fault(spec("okx:ETH/USD=garbage")).unwrap();
    for path in [
        "/0/public/Ticker?pair=XBTUSD",
        "/api/v5/market/ticker?instId=ETH-USD",
    ] {
        let r = sim.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(!r.body.is_empty());
        assert!(
            serde_json::from_str::<Value>(&r.body).is_err(),
            "{path}: {}",
            r.body
        );
    }
    sim.get_ok("/api/v5/market/ticker?instId=BTC-USD").await;
}

#[tokio::test]
async fn symbol_fault_overrides_venue_fault() {
    let sim = start().await;
    sim.handle.set_fault(spec("kraken=fail")).unwrap();
    sim.handle
        .set_fault(spec("kraken:btc/usd=offset:-10%"))
        .unwrap();
    let r = sim.get_ok("/0/public/Ticker?pair=XBTUSD").await;
    let btc = dec_of(&r["result"]["XXBTZUSD"]["c"][0]);
    assert!(bps(btc, sim.market("BTC/USD") * Decimal::new(9, 1)) <= Decimal::from(4));
    assert_eq!(sim.get("/0/public/Ticker?pair=ETHUSD").await.status, 503);
}

#[tokio::test]
async fn faults_for_unknown_symbols_are_refused() {
    let sim = start().await;
    let err = sim
        .handle
        .set_fault(spec("kraken:NOPE/USD=fail"))
        .unwrap_err();
    assert!(
        matches!(err, SimexError::UnknownSymbol(ref s) if s == "NOPE/USD"),
        "{err}"
    );
    let config = mdn_simex::SimexConfig {
        faults: vec![spec("okx:NOPE/USD=stale")],
        ..Default::default()
    };
    assert!(mdn_simex::Simex::start(config).await.is_err());
}
