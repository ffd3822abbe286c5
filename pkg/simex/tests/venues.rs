//! Every venue's endpoints over real HTTP: status, content type, JSON shapes and field types as in
//! VENUES.md, unknown symbols, bulk endpoints, Kraken's names; plus /health, /symbols, determinism.

mod common;

use common::{START_MS, assert_decimal_strings, bps, dec, dec_of, start, start_with};
use rust_decimal::Decimal;
use serde_json::{Value, json};

const BINANCE_STRINGS: [&str; 16] = [
    "priceChange",
    "priceChangePercent",
    "weightedAvgPrice",
    "prevClosePrice",
    "lastPrice",
    "lastQty",
    "bidPrice",
    "bidQty",
    "askPrice",
    "askQty",
    "openPrice",
    "highPrice",
    "lowPrice",
    "volume",
    "quoteVolume",
    "priceChange",
];

fn assert_binance_ticker(t: &Value) {
    assert_decimal_strings(t, &BINANCE_STRINGS);
    for f in ["openTime", "closeTime", "firstId", "lastId", "count"] {
        assert!(t[f].is_i64(), "{f} must be an integer in {t}");
    }
    assert_eq!(t.as_object().map(|o| o.len()), Some(21), "{t}");
    assert!(dec(t, "bidPrice") < dec(t, "askPrice"));
    assert_eq!(
        t["closeTime"].as_i64().unwrap() - t["openTime"].as_i64().unwrap(),
        86_400_000
    );
}

#[tokio::test]
async fn binance_single_all_and_list() {
    let sim = start().await;
    let one = sim.get_ok("/api/v3/ticker/24hr?symbol=BTCUSD").await;
    assert_binance_ticker(&one);
    assert_eq!(one["symbol"], "BTCUSD");
    assert_eq!(one["closeTime"], START_MS);
    assert!(bps(dec(&one, "lastPrice"), Decimal::from(60_000)) <= Decimal::from(4));

    let all = sim.get_ok("/api/v3/ticker/24hr").await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 50);
    all.iter().for_each(assert_binance_ticker);
    assert_eq!(all[1]["symbol"], "ETHUSD");

    let list = sim
        .get_ok("/api/v3/ticker/24hr?symbols=%5B%22ETHUSD%22,%22BTCUSD%22%5D")
        .await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ETHUSD", "BTCUSD"]);
}

#[tokio::test]
async fn binance_errors() {
    let sim = start().await;
    let invalid = json!({ "code": -1121, "msg": "Invalid symbol." });
    for path in [
        "/api/v3/ticker/24hr?symbol=NOPEUSD",
        "/api/v3/ticker/24hr?symbols=%5B%22BTCUSD%22,%22NOPEUSD%22%5D",
    ] {
        let r = sim.get(path).await;
        assert_eq!((r.status, r.json()), (400, invalid.clone()), "{path}");
        assert_eq!(r.content_type, "application/json");
    }
    let r = sim.get("/api/v3/ticker/24hr?symbols=BTCUSD").await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(-1100)));
    let r = sim
        .get("/api/v3/ticker/24hr?symbol=BTCUSD&symbols=%5B%5D")
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(-1128)));
}

#[tokio::test]
async fn coinbase_ticker() {
    let sim = start().await;
    let t = sim.get_ok("/products/BTC-USD/ticker").await;
    assert_decimal_strings(&t, &["ask", "bid", "volume", "price", "size", "rfq_volume"]);
    assert!(t["trade_id"].is_u64());
    assert_eq!(t["time"], "2026-11-21T04:30:00.000000Z");
    assert_eq!(t.as_object().map(|o| o.len()), Some(8));
    assert!(dec(&t, "bid") < dec(&t, "ask"));
    let r = sim.get("/products/NOPE-USD/ticker").await;
    assert_eq!(
        (r.status, r.json()),
        (404, json!({ "message": "NotFound" }))
    );
}

fn assert_kraken_pair(p: &Value) {
    for f in ["a", "b"] {
        let level = p[f].as_array().unwrap();
        assert_eq!(level.len(), 3, "{f}");
        level.iter().for_each(|x| {
            dec_of(x);
        });
    }
    for f in ["c", "v", "p", "l", "h"] {
        let pair = p[f].as_array().unwrap();
        assert_eq!(pair.len(), 2, "{f}");
        pair.iter().for_each(|x| {
            dec_of(x);
        });
    }
    assert!(p["t"].as_array().unwrap().iter().all(Value::is_u64));
    dec_of(&p["o"]);
    assert!(dec_of(&p["b"][0]) < dec_of(&p["a"][0]));
}

#[tokio::test]
async fn kraken_ticker_and_names() {
    let sim = start().await;
    let r = sim
        .get_ok("/0/public/Ticker?pair=XBTUSD,ETHUSD,XDGUSD,SOLUSD,LTCUSD")
        .await;
    assert_eq!(r["error"], json!([]));
    let result = r["result"].as_object().unwrap();
    let mut keys: Vec<&str> = result.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["SOLUSD", "XDGUSD", "XETHZUSD", "XLTCZUSD", "XXBTZUSD"]
    );
    result.values().for_each(assert_kraken_pair);
    assert!(bps(dec_of(&result["XXBTZUSD"]["c"][0]), Decimal::from(60_000)) <= Decimal::from(4));

    let all = sim.get_ok("/0/public/Ticker").await;
    assert_eq!(all["result"].as_object().unwrap().len(), 50);
    let by_result_key = sim.get_ok("/0/public/Ticker?pair=XXBTZUSD").await;
    assert!(by_result_key["result"]["XXBTZUSD"].is_object());

    let unknown = json!({ "error": ["EQuery:Unknown asset pair"] });
    for path in [
        "/0/public/Ticker?pair=NOPEUSD",
        "/0/public/Ticker?pair=XBTUSD,NOPEUSD",
    ] {
        let r = sim.get(path).await;
        assert_eq!((r.status, r.json()), (200, unknown.clone()), "{path}");
    }
}

const BITSTAMP_FIELDS: [&str; 11] = [
    "timestamp",
    "open",
    "high",
    "low",
    "last",
    "volume",
    "vwap",
    "bid",
    "ask",
    "open_24",
    "percent_change_24",
];

#[tokio::test]
async fn bitstamp_ticker_and_all() {
    let sim = start().await;
    for path in ["/api/v2/ticker/btcusd/", "/api/v2/ticker/btcusd"] {
        let t = sim.get_ok(path).await;
        assert_decimal_strings(&t, &BITSTAMP_FIELDS);
        assert_eq!(t["timestamp"], (START_MS / 1000).to_string());
        assert!(t["side"] == "0" || t["side"] == "1");
        assert!(t.get("pair").is_none());
        assert!(dec(&t, "low") <= dec(&t, "last") && dec(&t, "last") <= dec(&t, "high"));
    }
    let all = sim.get_ok("/api/v2/ticker/").await;
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 50);
    assert_eq!(all[0]["pair"], "BTC/USD");
    all.iter()
        .for_each(|t| assert_decimal_strings(t, &BITSTAMP_FIELDS));
    let r = sim.get("/api/v2/ticker/nopeusd/").await;
    assert_eq!(
        (r.status, r.json()),
        (404, json!({ "errors": [{ "message": "Not found" }] }))
    );
}

const OKX_STRINGS: [&str; 13] = [
    "last",
    "lastSz",
    "askPx",
    "askSz",
    "bidPx",
    "bidSz",
    "open24h",
    "high24h",
    "low24h",
    "volCcy24h",
    "vol24h",
    "sodUtc0",
    "sodUtc8",
];

#[tokio::test]
async fn okx_tickers_and_ticker() {
    let sim = start().await;
    let all = sim.get_ok("/api/v5/market/tickers?instType=SPOT").await;
    assert_eq!((&all["code"], &all["msg"]), (&json!("0"), &json!("")));
    let data = all["data"].as_array().unwrap();
    assert_eq!(data.len(), 50);
    for t in data {
        assert_decimal_strings(t, &OKX_STRINGS);
        assert_eq!(t["instType"], "SPOT");
        assert_eq!(t["ts"], START_MS.to_string());
    }
    let one = sim.get_ok("/api/v5/market/ticker?instId=BTC-USD").await;
    assert_eq!(one["data"].as_array().unwrap().len(), 1);
    assert_eq!(one["data"][0]["instId"], "BTC-USD");
    let r = sim.get("/api/v5/market/ticker?instId=NOPE-USD").await;
    let unknown = json!({ "code": "51001", "msg": "Instrument ID does not exist", "data": [] });
    assert_eq!((r.status, r.json()), (200, unknown));
}

#[tokio::test]
async fn health_and_symbols() {
    let sim = start().await;
    let h = sim.get_ok("/health").await;
    assert_eq!(
        (&h["status"], &h["tick"], &h["symbols"]),
        (&json!("ok"), &json!(0), &json!(50))
    );
    let symbols = sim.get_ok("/symbols").await;
    let symbols = symbols.as_array().unwrap();
    assert_eq!(symbols.len(), 50);
    assert_eq!(
        symbols[0],
        json!({ "symbol": "BTC/USD", "mid": "60000.00" })
    );
    assert_eq!(
        symbols[4],
        json!({ "symbol": "DOGE/USD", "mid": "0.150000" })
    );
}

#[tokio::test]
async fn venues_track_the_market_as_time_advances() {
    let sim = start().await;
    sim.advance_ticks(1_000);
    let market = sim.market("BTC/USD");
    assert_ne!(
        market,
        Decimal::from(60_000),
        "the price moved in 1,000 ticks"
    );
    let prices = [
        dec(
            &sim.get_ok("/api/v3/ticker/24hr?symbol=BTCUSD").await,
            "lastPrice",
        ),
        dec(&sim.get_ok("/products/BTC-USD/ticker").await, "price"),
        dec_of(&sim.get_ok("/0/public/Ticker?pair=XBTUSD").await["result"]["XXBTZUSD"]["c"][0]),
        dec(&sim.get_ok("/api/v2/ticker/btcusd/").await, "last"),
        dec(
            &sim.get_ok("/api/v5/market/ticker?instId=BTC-USD").await["data"][0],
            "last",
        ),
    ];
    for p in prices {
        assert!(bps(p, market) <= Decimal::from(4), "{p} vs market {market}");
    }
    let t = sim.get_ok("/api/v3/ticker/24hr?symbol=BTCUSD").await;
    assert_eq!(t["closeTime"], START_MS + 1_000 * 250);
}

#[tokio::test]
async fn same_seed_same_answers() {
    let (a, b, c) = (
        start_with(7, vec![]).await,
        start_with(7, vec![]).await,
        start_with(8, vec![]).await,
    );
    for sim in [&a, &b, &c] {
        sim.advance_ticks(12_345);
    }
    let path = "/api/v3/ticker/24hr";
    let (ja, jb, jc) = (
        a.get_ok(path).await,
        b.get_ok(path).await,
        c.get_ok(path).await,
    );
    assert_eq!(ja, jb);
    assert_ne!(ja, jc);
    let url = a.handle.base_url();
    a.handle.stop().await;
    b.handle.stop().await;
    assert!(
        reqwest::get(format!("{url}/health")).await.is_err(),
        "stopped servers do not answer"
    );
}

#[tokio::test]
async fn runs_on_the_system_clock() {
    let handle = mdn_simex::Simex::start(mdn_simex::SimexConfig::default())
        .await
        .unwrap();
    let url = format!("{}/health", handle.base_url());
    let health: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert!(handle.market_price("BTC/USD").is_some() && handle.market_price("NOPE/USD").is_none());
    handle.stop().await;
}
