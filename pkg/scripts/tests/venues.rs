//! Parsing tests: each venue script runs against recorded responses (tests/fixtures/<venue>) served
//! over real HTTP from 127.0.0.1, and the exact quotes are checked.

mod common;

use common::{fixture, pool, request, serve, venue_script};
use mdn_protocol::Hash32;
use mdn_scripts::{RunOutcome, RunReport};
use sha2::{Digest, Sha256};

/// (symbol, price, bid, ask, volume, observed_at_ms) of every quote, in emitted order.
type Row = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

fn rows(report: &RunReport) -> Vec<Row> {
    let text = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string());
    report
        .quotes
        .iter()
        .map(|q| {
            (
                q.symbol.to_string(),
                q.price.to_string(),
                text(q.bid),
                text(q.ask),
                text(q.volume),
                q.observed_at_ms,
            )
        })
        .collect()
}

fn row(s: &str, p: &str, b: &str, a: &str, v: &str, t: i64) -> Row {
    (
        s.into(),
        p.into(),
        Some(b.into()),
        Some(a.into()),
        Some(v.into()),
        t,
    )
}

fn sha(venue: &str, file: &str) -> Hash32 {
    let body = std::fs::read(common::root().join("tests/fixtures").join(venue).join(file))
        .expect("fixture");
    Hash32(Sha256::digest(&body).into())
}

/// Asserts the run ended in an HTTP error with `status` whose message contains every `needle`;
/// returns the message.
fn assert_http_error<'a>(report: &'a RunReport, status: u16, needles: &[&str]) -> &'a str {
    match &report.outcome {
        RunOutcome::HttpError {
            status: Some(got),
            message,
        } if *got == status => {
            for needle in needles {
                assert!(message.contains(needle), "{message}");
            }
            message
        }
        other => panic!("expected HTTP {status}, got {other:?}"),
    }
}

fn assert_ok(report: &RunReport, n: usize) {
    assert_eq!(
        report.outcome,
        RunOutcome::Ok { quotes: n },
        "report: {report:#?}"
    );
    assert!(
        report.rejected.is_empty(),
        "rejected: {:?}",
        report.rejected
    );
}

const T: i64 = 1_748_772_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binance_bulk_request_for_requested_symbols() {
    let target = "/api/v3/ticker/24hr?symbols=%5B%22BTCUSD%22%2C%22ETHUSD%22%5D";
    let base = serve(vec![(
        target,
        fixture(200, "binance", "ticker_24hr_btc_eth.json"),
    )])
    .await;
    let script = venue_script("binance");
    let report = pool()
        .run(script.clone(), request(&base, &["BTC/USD", "ETH/USD"]))
        .await;
    assert_ok(&report, 2);
    assert_eq!(
        rows(&report),
        vec![
            row(
                "BTC/USD",
                "64950.12000000",
                "64950.01000000",
                "64951.37000000",
                "1234.56780000",
                T
            ),
            row(
                "ETH/USD",
                "3420.55000000",
                "3420.50000000",
                "3420.61000000",
                "45678.12300000",
                T + 1
            ),
        ]
    );
    let evidence = sha("binance", "ticker_24hr_btc_eth.json");
    assert!(
        report
            .quotes
            .iter()
            .all(|q| q.evidence_hash == evidence && q.script_hash == script.script_hash)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binance_all_tickers_split_by_quote_suffix() {
    let base = serve(vec![(
        "/api/v3/ticker/24hr",
        fixture(200, "binance", "ticker_24hr_all.json"),
    )])
    .await;
    let report = pool()
        .run(venue_script("binance"), request(&base, &[]))
        .await;
    assert_ok(&report, 4);
    let symbols: Vec<String> = rows(&report).into_iter().map(|r| r.0).collect();
    assert_eq!(symbols, ["BTC/USD", "ETH/USD", "SOL/USD", "DOGE/USDT"]);
    assert_eq!(
        rows(&report)[2],
        row(
            "SOL/USD",
            "142.3150",
            "142.3100",
            "142.3200",
            "987654.321",
            T + 2
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binance_invalid_symbol_is_an_http_error() {
    let target = "/api/v3/ticker/24hr?symbols=%5B%22BTCUSD%22%2C%22FOOUSD%22%5D";
    let base = serve(vec![(
        target,
        fixture(400, "binance", "error_invalid_symbol.json"),
    )])
    .await;
    let report = pool()
        .run(
            venue_script("binance"),
            request(&base, &["BTC/USD", "FOO/USD"]),
        )
        .await;
    let message = assert_http_error(&report, 400, &["Invalid symbol."]);
    assert!(message.starts_with("binance: HTTP 400"), "{message}");
    assert!(report.quotes.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coinbase_one_request_per_manifest_symbol() {
    let base = serve(vec![
        (
            "/products/BTC-USD/ticker",
            fixture(200, "coinbase", "BTC-USD.json"),
        ),
        (
            "/products/ETH-USD/ticker",
            fixture(200, "coinbase", "ETH-USD.json"),
        ),
        (
            "/products/SOL-USD/ticker",
            fixture(200, "coinbase", "SOL-USD.json"),
        ),
    ])
    .await;
    let report = pool()
        .run(venue_script("coinbase"), request(&base, &[]))
        .await;
    assert_ok(&report, 3);
    assert_eq!(
        rows(&report),
        vec![
            row(
                "BTC/USD",
                "64948.57",
                "64948.56",
                "64948.57",
                "8123.45678901",
                T + 123
            ),
            row(
                "ETH/USD",
                "3420.11",
                "3420.10",
                "3420.11",
                "98765.4321",
                T + 1_500
            ),
            row(
                "SOL/USD",
                "142.301",
                "142.300",
                "142.302",
                "654321.12",
                T + 2_000
            ),
        ]
    );
    assert_eq!(
        report.quotes[1].evidence_hash,
        sha("coinbase", "ETH-USD.json")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coinbase_unknown_product_is_an_http_error() {
    let base = serve(vec![
        (
            "/products/BTC-USD/ticker",
            fixture(200, "coinbase", "BTC-USD.json"),
        ),
        (
            "/products/XYZ-USD/ticker",
            fixture(404, "coinbase", "error_not_found.json"),
        ),
    ])
    .await;
    let report = pool()
        .run(
            venue_script("coinbase"),
            request(&base, &["BTC/USD", "XYZ/USD"]),
        )
        .await;
    assert_http_error(&report, 404, &["coinbase XYZ-USD: HTTP 404", "NotFound"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kraken_maps_xbt_and_prefixed_result_keys() {
    let target = "/0/public/Ticker?pair=XBTUSD,ETHUSD,SOLUSD,XDGUSD";
    let base = serve(vec![(target, fixture(200, "kraken", "ticker_pairs.json"))]).await;
    let before = now_ms();
    let symbols = ["BTC/USD", "ETH/USD", "SOL/USD", "DOGE/USD"];
    let report = pool()
        .run(venue_script("kraken"), request(&base, &symbols))
        .await;
    assert_ok(&report, 4);
    let mut got = rows(&report);
    got.sort();
    let observed = got[0].5;
    assert!(
        observed >= before && observed <= now_ms(),
        "observed_at is the response time"
    );
    assert_eq!(
        got,
        vec![
            row(
                "BTC/USD",
                "64952.10000",
                "64952.00000",
                "64952.10000",
                "2345.67891234",
                observed
            ),
            row(
                "DOGE/USD",
                "0.1234650",
                "0.1234600",
                "0.1234700",
                "98765432.10000000",
                observed
            ),
            row(
                "ETH/USD",
                "3420.82000",
                "3420.82000",
                "3420.83000",
                "34567.12345678",
                observed
            ),
            row(
                "SOL/USD",
                "142.31500",
                "142.31000",
                "142.32000",
                "123456.78900000",
                observed
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kraken_all_pairs_map_back_to_symbols() {
    let base = serve(vec![(
        "/0/public/Ticker",
        fixture(200, "kraken", "ticker_pairs.json"),
    )])
    .await;
    let report = pool()
        .run(venue_script("kraken"), request(&base, &[]))
        .await;
    assert_ok(&report, 4);
    let mut symbols: Vec<String> = rows(&report).into_iter().map(|r| r.0).collect();
    symbols.sort();
    assert_eq!(symbols, ["BTC/USD", "DOGE/USD", "ETH/USD", "SOL/USD"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kraken_error_array_is_thrown() {
    let target = "/0/public/Ticker?pair=XBTUSD,FOOUSD";
    let base = serve(vec![(
        target,
        fixture(200, "kraken", "error_unknown_pair.json"),
    )])
    .await;
    let report = pool()
        .run(
            venue_script("kraken"),
            request(&base, &["BTC/USD", "FOO/USD"]),
        )
        .await;
    match &report.outcome {
        RunOutcome::ScriptError { message, line, .. } => {
            assert_eq!(message, "kraken: EQuery:Unknown asset pair");
            assert!(*line > 0);
        }
        other => panic!("expected a script error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bitstamp_bulk_tickers() {
    let base = serve(vec![(
        "/api/v2/ticker/",
        fixture(200, "bitstamp", "ticker_all.json"),
    )])
    .await;
    let report = pool()
        .run(venue_script("bitstamp"), request(&base, &[]))
        .await;
    assert_ok(&report, 4);
    let got = rows(&report);
    assert_eq!(
        got[0],
        row("BTC/USD", "64947", "64946", "64948", "1543.21987654", T)
    );
    assert_eq!(
        got[3],
        row("BTC/EUR", "59876", "59875", "59877", "321.5", T + 3_000)
    );

    let report = pool()
        .run(
            venue_script("bitstamp"),
            request(&base, &["ETH/USD", "SOL/USD"]),
        )
        .await;
    assert_ok(&report, 2);
    assert_eq!(
        rows(&report),
        vec![
            row(
                "ETH/USD",
                "3420.4",
                "3420.3",
                "3420.5",
                "23456.7890",
                T + 1_000
            ),
            row(
                "SOL/USD",
                "142.29",
                "142.28",
                "142.30",
                "45678.12",
                T + 2_000
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bitstamp_not_found_is_an_http_error() {
    let base = serve(vec![(
        "/api/v2/ticker/",
        fixture(404, "bitstamp", "error_not_found.json"),
    )])
    .await;
    let report = pool()
        .run(venue_script("bitstamp"), request(&base, &[]))
        .await;
    assert_http_error(&report, 404, &["Not found"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okx_bulk_tickers_filtered_to_requested() {
    let target = "/api/v5/market/tickers?instType=SPOT";
    let base = serve(vec![(target, fixture(200, "okx", "tickers_spot.json"))]).await;
    let report = pool().run(venue_script("okx"), request(&base, &[])).await;
    assert_ok(&report, 3);
    assert_eq!(
        rows(&report)[0],
        row("BTC/USD", "64951.3", "64951.2", "64951.4", "876.54321", T)
    );

    let report = pool()
        .run(venue_script("okx"), request(&base, &["ETH/USD"]))
        .await;
    assert_ok(&report, 1);
    assert_eq!(
        rows(&report),
        vec![row(
            "ETH/USD",
            "3420.71",
            "3420.7",
            "3420.72",
            "12345.678",
            T + 10
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okx_error_code_is_thrown() {
    let target = "/api/v5/market/tickers?instType=SPOT";
    let base = serve(vec![(target, fixture(200, "okx", "error_instrument.json"))]).await;
    let report = pool().run(venue_script("okx"), request(&base, &[])).await;
    assert!(
        matches!(&report.outcome, RunOutcome::ScriptError { message, .. } if message == "okx: error 51001: Instrument ID does not exist"),
        "{:?}",
        report.outcome
    );
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis(),
    )
    .expect("ms")
}
