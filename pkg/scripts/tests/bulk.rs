//! The bulk path (`json_get`, `json_rows`, `names`, `emit_all`, `split_pair`) run through
//! `run_blocking` with a `StaticFetcher`: the same quotes as the `parse_json` + `emit` loop it
//! replaces, the same limits and errors.

mod common;

use std::sync::Arc;

use common::fixture_limits;
use mdn_protocol::Hash32;
use mdn_scripts::{
    Fetched, Limits, RunOutcome, RunReport, RunRequest, Script, StaticFetcher, run_blocking,
};
use sha2::{Digest, Sha256};

const BASE: &str = "http://127.0.0.1:9/";

fn script(body: &str) -> Script {
    let text = format!(
        "//! name: bulk\n//! version: 0.1.0\n//! description: test\n//! symbols: [\"*\"]\n//! schedule: \"* * * * *\"\n//! hosts: [127.0.0.1]\n{body}"
    );
    Script::from_source("bulk.rhai", text).unwrap_or_else(|e| panic!("{e}"))
}

fn run_with(source: &str, body: &str, limits: &Limits) -> RunReport {
    let fetcher = Arc::new(StaticFetcher {
        response: Fetched {
            status: 200,
            body: body.to_owned(),
        },
    });
    run_blocking(&script(source), &RunRequest::default(), limits, fetcher)
}

fn run(source: &str, body: &str) -> RunReport {
    run_with(source, body, &fixture_limits())
}

fn script_error(report: &RunReport) -> &str {
    match &report.outcome {
        RunOutcome::ScriptError { message, .. } => message,
        other => panic!("expected a script error, got {other:?}"),
    }
}

/// (symbol, price, bid, ask, volume, observed_at) of every quote.
fn rows(report: &RunReport) -> Vec<String> {
    report
        .quotes
        .iter()
        .map(|q| {
            format!(
                "{} {} {:?} {:?} {:?} {}",
                q.symbol, q.price, q.bid, q.ask, q.volume, q.observed_at_ms
            )
        })
        .collect()
}

const TICKERS: &str = r#"[
  {"symbol":"BTCUSDT","lastPrice":"64950.12","bidPrice":"64950.01","askPrice":"64951.37","volume":"12.5","closeTime":1748772000000},
  {"symbol":"ETHUSD","lastPrice":3420.55,"bidPrice":"3420.50","askPrice":"3420.61","closeTime":"1748772000001"},
  {"symbol":"WEIRD","lastPrice":"1"},
  {"lastPrice":"2"},
  {"symbol":"SOLUSD","lastPrice":"142.3","bidPrice":null,"closeTime":1748772000002}
]"#;

const FAST: &str = r#"
let rows = json_rows(http_get(params.base_url), "", #{
    name: "symbol", price: "lastPrice", bid: "bidPrice", ask: "askPrice", volume: "volume",
    observed_at: "closeTime",
});
let symbol_of = #{};
for name in rows.names() {
    symbol_of[name] = split_pair(name, ["USDT", "USD"]);
}
let n = emit_all(rows, symbol_of);
if n != 3 || rows.len() != 5 { throw "counts " + n + " " + rows.len(); }
"#;

const SLOW: &str = r#"
for t in http_get_json(params.base_url) {
    if type_of(t.symbol) != "string" { continue; }
    let symbol = split_pair(t.symbol, ["USDT", "USD"]);
    if symbol == () { continue; }
    let observed = t.closeTime;
    if type_of(observed) == "string" { observed = parse_int(observed); }
    emit(#{ symbol: symbol, price: t.lastPrice, bid: t.bidPrice, ask: t.askPrice, volume: t.volume,
            observed_at: observed });
}
"#;

fn request_with_base() -> RunRequest {
    RunRequest {
        params: [("base_url".to_owned(), BASE.to_owned())]
            .into_iter()
            .collect(),
        symbols: Vec::new(),
    }
}

fn run_base(source: &str, body: &str) -> RunReport {
    let fetcher = Arc::new(StaticFetcher {
        response: Fetched {
            status: 200,
            body: body.to_owned(),
        },
    });
    run_blocking(
        &script(source),
        &request_with_base(),
        &fixture_limits(),
        fetcher,
    )
}

#[test]
fn bulk_path_emits_the_same_quotes_as_the_emit_loop() {
    let fast = run_base(FAST, TICKERS);
    let slow = run_base(SLOW, TICKERS);
    assert_eq!(fast.outcome, RunOutcome::Ok { quotes: 3 }, "{fast:?}");
    assert_eq!(rows(&fast), rows(&slow));
    assert_eq!(
        rows(&fast),
        [
            "BTC/USDT 64950.12 Some(64950.01) Some(64951.37) Some(12.5) 1748772000000",
            "ETH/USD 3420.55 Some(3420.50) Some(3420.61) None 1748772000001",
            "SOL/USD 142.3 None None None 1748772000002",
        ]
    );
    let evidence = Hash32(Sha256::digest(TICKERS.as_bytes()).into());
    assert!(fast.quotes.iter().all(|q| q.evidence_hash == evidence));
}

/// `emit_all(rows, quotes)` splits names by quote-currency suffix exactly as a `split_pair` map
/// does, trying the currencies in order; a non-string currency is a script error.
#[test]
fn emit_all_with_quote_currencies_matches_the_split_pair_map() {
    let by_suffix = FAST.replace(
        "let n = emit_all(rows, symbol_of);",
        "let n = emit_all(rows, [\"USDT\", \"USD\"]);",
    );
    assert_ne!(by_suffix, FAST);
    let fast = run_base(FAST, TICKERS);
    let suffix = run_base(&by_suffix, TICKERS);
    assert_eq!(suffix.outcome, RunOutcome::Ok { quotes: 3 }, "{suffix:?}");
    assert_eq!(rows(&suffix), rows(&fast));
    // Order matters: "USD" first turns BTCUSDT into nothing ("BTCUSDT" does not end with "USD").
    let usd_only = run_base(
        &FAST.replace(
            "let n = emit_all(rows, symbol_of);",
            "let n = emit_all(rows, [\"USD\"]) + 1;",
        ),
        TICKERS,
    );
    assert_eq!(
        usd_only.outcome,
        RunOutcome::Ok { quotes: 2 },
        "{usd_only:?}"
    );
    let bad = run_base(
        &FAST.replace(
            "let n = emit_all(rows, symbol_of);",
            "let n = emit_all(rows, [\"USD\", 5]);",
        ),
        TICKERS,
    );
    match &bad.outcome {
        RunOutcome::ScriptError { message, .. } => {
            assert!(
                message.contains("quote currencies must be strings"),
                "{message}"
            );
        }
        other => panic!("expected a script error, got {other:?}"),
    }
}

#[test]
fn keyed_rows_nested_paths_names_and_seconds() {
    let body = r#"{"error":[],"result":{"XXBTZUSD":{"c":["64952.1","1"],"t":"1748772000"},
                                        "SOL/USD":{"c":["142.3","1"],"t":"1748772001"}}}"#;
    let source = r#"
let body = http_get(params.base_url);
if json_get(body, "error").len() != 0 { throw "errors"; }
let rows = json_rows(body, "result", #{ name: "@key", price: "c.0", observed_at: "t", time_unit: "s" });
if rows.names() != ["XXBTZUSD", "SOL/USD"] { throw "names"; }
emit_all(rows, #{ XXBTZUSD: "BTC/USD" });
emit_all(rows, #{ "SOL/USD": () });
"#;
    let report = run_base(source, body);
    assert_eq!(
        rows(&report),
        ["BTC/USD 64952.1 None None None 1748772000000"]
    );
    let source = r#"emit_all(json_rows(http_get(params.base_url), "result", #{ name: "@key", price: "c.0", observed_at: "t", time_unit: "s" }));"#;
    let report = run_base(source, body);
    assert_eq!(report.outcome, RunOutcome::Ok { quotes: 1 }, "{report:?}");
    assert_eq!(report.rejected.len(), 1, "XXBTZUSD is not BASE/QUOTE");
}

#[test]
fn json_get_reads_envelopes_like_parse_json() {
    let body = r#"{"code":"51001","msg":"Instrument ID does not exist","data":[{"x":1.5}]}"#;
    let source = r#"
let body = http_get(params.base_url);
if json_get(body, "code") != "51001" { throw "code"; }
if json_get(body, "data.0.x") != "1.5" { throw "exact text"; }
if json_get(body, "nothing.here") != () { throw "missing"; }
throw "okx: " + json_get(body, "msg");
"#;
    let report = run_base(source, body);
    assert_eq!(script_error(&report), "okx: Instrument ID does not exist");
    let report = run_base(r#"json_get(http_get(params.base_url), "a");"#, "{\"a\":1,}");
    assert!(script_error(&report).starts_with("json_get: invalid JSON at byte 7"));
}

#[test]
fn bad_specs_rows_and_values_are_script_errors_with_reasons() {
    let cases = [
        (
            r#"json_rows("[]", "", #{ name: "s", prize: "p" });"#,
            "[]",
            "unknown column `prize`",
        ),
        (
            r#"json_rows("[]", "", #{ name: "s" });"#,
            "[]",
            "at least `name` and `price`",
        ),
        (
            r#"json_rows("[]", "", #{ name: "s", price: 1 });"#,
            "[]",
            "`price` must be a string",
        ),
        (
            r#"json_rows("{}", "", #{ name: "s", price: "p" });"#,
            "{}",
            "expected an array of rows",
        ),
        (
            r#"json_rows("[]", "", #{ name: "@key", price: "p" });"#,
            "[]",
            "expected an object of rows",
        ),
        (
            r#"json_rows("[1,]", "", #{ name: "s", price: "p" });"#,
            "[]",
            "json_rows: invalid JSON at byte 3",
        ),
        (
            r#"json_rows("{\"data\":1}", "data", #{ name: "s", price: "p" });"#,
            "[]",
            "expected an array or object of rows",
        ),
        (
            r#"json_rows("[]", "", #{ name: "s", price: "p", time_unit: "h" });"#,
            "[]",
            "time_unit",
        ),
        (
            r#"http_get(params.base_url); emit_all(json_rows("[{\"s\":\"A/B\"}]", "", #{ name: "s", price: "p" }));"#,
            "[]",
            "A/B: the row has no price",
        ),
        (
            r#"http_get(params.base_url); emit_all(json_rows("[{\"s\":\"A/B\",\"p\":{}}]", "", #{ name: "s", price: "p" }));"#,
            "[]",
            "price must be a decimal string or number, got {}",
        ),
        (
            r#"http_get(params.base_url); emit_all(json_rows("[{\"s\":\"A/B\",\"p\":\"1\",\"t\":1.5}]", "", #{ name: "s", price: "p", observed_at: "t" }));"#,
            "[]",
            "observed_at must be an integer time, got 1.5",
        ),
        (
            r#"http_get(params.base_url); emit_all(json_rows("[{\"s\":\"AB\",\"p\":\"1\"}]", "", #{ name: "s", price: "p" }), #{ AB: 5 });"#,
            "[]",
            "the symbol of AB must be a string",
        ),
    ];
    for (source, body, needle) in cases {
        let report = run_base(source, body);
        let message = script_error(&report);
        assert!(message.contains(needle), "{source}: {message}");
    }
}

#[test]
fn limits_apply_to_the_bulk_path() {
    let many: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"s":"A{i}/USD","p":"1"}}"#))
        .collect();
    let body = format!("[{}]", many.join(","));
    let source =
        r#"emit_all(json_rows(http_get(params.base_url), "", #{ name: "s", price: "p" }));"#;
    let limits = Limits {
        max_quotes: 10,
        ..fixture_limits()
    };
    let fetcher = Arc::new(StaticFetcher {
        response: Fetched {
            status: 200,
            body: body.clone(),
        },
    });
    let report = run_blocking(&script(source), &request_with_base(), &limits, fetcher);
    assert!(
        script_error(&report).contains("more than 10 quotes"),
        "{report:?}"
    );
    let limits = Limits {
        max_array_size: 19,
        ..fixture_limits()
    };
    let report = run_with(
        &source.replace("params.base_url", &format!("\"{BASE}\"")),
        &body,
        &limits,
    );
    assert!(
        script_error(&report).contains("more than 19 rows"),
        "{report:?}"
    );
    // Without any HTTP response there is no evidence: every item is rejected by validation.
    let report = run(
        r#"emit_all(json_rows("[{\"s\":\"A/USD\",\"p\":\"1\"}]", "", #{ name: "s", price: "p" }));"#,
        "[]",
    );
    assert!(
        matches!(&report.outcome, RunOutcome::RejectedOutput { message } if message.contains("no evidence")),
        "{report:?}"
    );
}
