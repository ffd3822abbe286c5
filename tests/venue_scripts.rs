//! Every shipped venue script, run by the real CLI (`mdnode scripts run --json`) against the
//! simulated exchange over real HTTP, returns correct quotes: the requested symbols, prices within
//! a few basis points of the exchange's market, bid <= price-ish <= ask, fresh timestamps, and the
//! script's own hash.

use std::process::Command;
use std::str::FromStr;

use mdn_simex::{Simex, SimexConfig};
use rust_decimal::Decimal;
use serde_json::Value;

const VENUES: [&str; 5] = ["binance", "coinbase", "kraken", "bitstamp", "okx"];
const SYMBOLS: &str = "BTC/USD,ETH/USD,SOL/USD";

/// Runs `mdnode scripts run --json` on a shipped venue script with extra arguments; the report.
fn run_script(venue: &str, base_url: &str, extra: &[&str]) -> Value {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_mdnode"))
        .args(["scripts", "run", "--json"])
        .args(extra)
        .args(["--param", &format!("base_url={base_url}")])
        .arg(root.join("scripts").join(format!("{venue}.rhai")))
        .output()
        .expect("run mdnode");
    assert!(
        out.status.success(),
        "{venue}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("decimal string, got {v}")),
    )
    .expect("decimal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_venue_script_reads_the_simulated_exchange_correctly() {
    let simex = Simex::start(SimexConfig {
        symbols: 50,
        seed: 11,
        ..SimexConfig::default()
    })
    .await
    .expect("simex");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for venue in VENUES {
        let script = root.join("scripts").join(format!("{venue}.rhai"));
        let report = run_script(venue, &simex.base_url(), &["--symbols", SYMBOLS]);
        let quotes = report["quotes"].as_array().expect("quotes");
        let mut symbols: Vec<&str> = quotes.iter().filter_map(|q| q["symbol"].as_str()).collect();
        symbols.sort();
        assert_eq!(symbols, ["BTC/USD", "ETH/USD", "SOL/USD"], "{venue}");
        let script_hash = mdn_protocol::hash::sha256(&[&std::fs::read(&script).unwrap()]);
        for q in quotes {
            let symbol = q["symbol"].as_str().unwrap();
            let price = dec(&q["price"]);
            let market = simex.market_price(symbol).expect("market price");
            let off_bps = ((price - market) / market * Decimal::from(10_000)).abs();
            assert!(
                off_bps < Decimal::from(25),
                "{venue} {symbol}: {price} vs market {market}"
            );
            if let (Some(bid), Some(ask)) = (
                q.get("bid").filter(|v| !v.is_null()),
                q.get("ask").filter(|v| !v.is_null()),
            ) {
                assert!(dec(bid) <= dec(ask), "{venue} {symbol}: bid above ask");
            }
            let age = chrono_now_ms() - q["observed_at_ms"].as_i64().expect("observed_at_ms");
            assert!(
                (-2_000..60_000).contains(&age),
                "{venue} {symbol}: observed {age} ms ago"
            );
            assert_eq!(
                q["script_hash"].as_str().unwrap(),
                script_hash.to_hex(),
                "{venue}"
            );
        }
    }
    simex.stop().await;
}

/// Venues with bulk endpoints, asked for everything: every pair name must map back to exactly the
/// exchange's symbols (a suffix-guessing bug once read "APTUSD" as AP/TUSD).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_venue_scripts_map_every_pair_to_the_right_symbol() {
    let simex = Simex::start(SimexConfig {
        symbols: 64,
        seed: 3,
        ..SimexConfig::default()
    })
    .await
    .expect("simex");
    let mut market: Vec<String> = simex.symbols();
    market.sort();
    for venue in ["binance", "kraken", "bitstamp", "okx"] {
        let report = run_script(venue, &simex.base_url(), &[]);
        let mut symbols: Vec<String> = report["quotes"]
            .as_array()
            .expect("quotes")
            .iter()
            .map(|q| q["symbol"].as_str().unwrap().to_owned())
            .collect();
        symbols.sort();
        assert_eq!(symbols, market, "{venue}");
    }
    simex.stop().await;
}

fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
