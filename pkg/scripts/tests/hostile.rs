//! Hostile-script tests: each misbehaviour is stopped by the sandbox, reported, and leaves other runs
//! in the same pool unharmed. None of them may panic.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Route, fixture, fixture_limits, request, serve};
use mdn_scripts::{HttpFetcher, Limits, RunOutcome, RunRequest, Script, ScriptPool};

/// A script with a minimal manifest (hosts: 127.0.0.1 unless `hosts` says otherwise) and `body`.
fn script(hosts: &str, body: &str) -> Arc<Script> {
    let text = format!(
        "//! name: hostile\n//! version: 0.1.0\n//! description: test\n//! symbols: [\"*\"]\n//! schedule: \"* * * * *\"\n//! hosts: {hosts}\n{body}"
    );
    Arc::new(Script::from_source("hostile.rhai", text).unwrap_or_else(|e| panic!("{e}")))
}

fn pool_with(limits: Limits) -> ScriptPool {
    ScriptPool::new(2, limits).expect("pool")
}

fn script_error(outcome: &RunOutcome) -> (&str, usize, usize) {
    match outcome {
        RunOutcome::ScriptError {
            message,
            line,
            column,
        } => (message.as_str(), *line, *column),
        other => panic!("expected a script error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn infinite_loop_is_stopped_by_the_wall_clock_timeout() {
    let limits = Limits {
        timeout: Duration::from_millis(300),
        max_operations: 1 << 50,
        ..Limits::default()
    };
    let report = pool_with(limits)
        .run(script("[]", "loop { }"), RunRequest::default())
        .await;
    assert_eq!(report.outcome, RunOutcome::Timeout);
    assert!(
        report.duration_ms >= 300,
        "stopped after {} ms",
        report.duration_ms
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn infinite_loop_is_stopped_by_the_operation_limit() {
    let limits = Limits {
        timeout: Duration::from_secs(60),
        max_operations: 10_000,
        ..Limits::default()
    };
    let report = pool_with(limits)
        .run(
            script("[]", "let i = 0;\nwhile true { i += 1; }"),
            RunRequest::default(),
        )
        .await;
    let (message, line, _) = script_error(&report.outcome);
    assert!(message.contains("too many operations"), "{message}");
    assert_eq!(line, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn string_bomb_is_stopped_by_the_string_limit() {
    let limits = Limits {
        max_string_size: 1 << 20,
        ..Limits::default()
    };
    let report = pool_with(limits)
        .run(
            script("[]", "let s = \"xxxxxxxx\";\nloop { s += s; }"),
            RunRequest::default(),
        )
        .await;
    let (message, line, _) = script_error(&report.outcome);
    assert!(message.to_lowercase().contains("string"), "{message}");
    assert_eq!(line, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn array_bomb_is_stopped_by_the_array_limit() {
    let limits = Limits {
        max_array_size: 10_000,
        ..Limits::default()
    };
    let report = pool_with(limits)
        .run(
            script("[]", "let a = [1];\nloop { a += a; }"),
            RunRequest::default(),
        )
        .await;
    let (message, ..) = script_error(&report.outcome);
    assert!(message.to_lowercase().contains("array"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_strings_in_an_array_count_against_the_limits() {
    let limits = Limits {
        max_string_size: 1 << 16,
        ..Limits::default()
    };
    let body = "let s = \"x\";\nfor i in 0..15 { s += s; }\nlet a = [];\nloop { a.push(s); }";
    let report = pool_with(limits)
        .run(script("[]", body), RunRequest::default())
        .await;
    let (message, ..) = script_error(&report.outcome);
    assert!(message.to_lowercase().contains("too large"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_outside_the_allowlist_is_refused() {
    let base = serve(vec![("/", fixture(200, "okx", "tickers_spot.json"))]).await;
    // The manifest allows another host; the URL's host is not supplied as base_url by the caller.
    let s = script(
        "[api.example.org]",
        &format!(
            "let body = http_get(\"{base}/\");\nemit(#{{symbol: \"BTC/USD\", price: \"1\"}});"
        ),
    );
    let report = pool_with(fixture_limits())
        .run(s, RunRequest::default())
        .await;
    let (message, line, column) = script_error(&report.outcome);
    assert!(message.contains("not in the allowlist"), "{message}");
    assert_eq!((line, column), (7, 12));
    assert!(report.quotes.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_supplied_base_url_adds_its_host_to_the_allowlist() {
    let base = serve(vec![("/", fixture(200, "okx", "tickers_spot.json"))]).await;
    let s = script(
        "[]",
        "let body = http_get(params.base_url + \"/\");\nemit(#{symbol: \"BTC/USD\", price: \"1.5\"});",
    );
    let report = pool_with(fixture_limits())
        .run(s, request(&base, &[]))
        .await;
    assert_eq!(report.outcome, RunOutcome::Ok { quotes: 1 }, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thrown_error_reports_line_and_column() {
    let s = script(
        "[]",
        "let x = 1;\n\nif x == 1 {\n    throw \"venue said no\";\n}",
    );
    let report = pool_with(Limits::default())
        .run(s, RunRequest::default())
        .await;
    assert_eq!(
        report.outcome,
        RunOutcome::ScriptError {
            message: "venue said no".into(),
            line: 10,
            column: 5
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_inside_a_function_reports_the_inner_position() {
    let s = script("[]", "fn f(x) {\n    x.no_such_method()\n}\nf(1);");
    let report = pool_with(Limits::default())
        .run(s, RunRequest::default())
        .await;
    let (message, line, column) = script_error(&report.outcome);
    assert!(message.contains("no_such_method"), "{message}");
    assert_eq!((line, column), (8, 7));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_venue_hits_the_http_timeout() {
    let slow = Route {
        delay: Duration::from_secs(5),
        ..fixture(200, "okx", "tickers_spot.json")
    };
    let base = serve(vec![("/slow", slow)]).await;
    let limits = Limits {
        http_timeout: Duration::from_millis(200),
        ..fixture_limits()
    };
    let s = script("[]", "http_get(params.base_url + \"/slow\");");
    let report = pool_with(limits).run(s, request(&base, &[])).await;
    assert!(
        matches!(&report.outcome, RunOutcome::HttpError { status: None, message } if message.contains("no response within 200 ms")),
        "{:?}",
        report.outcome
    );
    assert!(report.duration_ms < 5_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_response_is_refused() {
    let base = serve(vec![(
        "/big",
        fixture(200, "binance", "ticker_24hr_all.json"),
    )])
    .await;
    let limits = Limits {
        max_response_bytes: 100,
        ..fixture_limits()
    };
    let s = script("[]", "http_get(params.base_url + \"/big\");");
    let report = pool_with(limits).run(s, request(&base, &[])).await;
    assert!(
        matches!(&report.outcome, RunOutcome::HttpError { status: Some(200), message } if message.contains("100 byte limit")),
        "{:?}",
        report.outcome
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn float_price_is_refused_with_a_reason() {
    let base = serve(vec![("/", fixture(200, "okx", "tickers_spot.json"))]).await;
    let s = script(
        "[]",
        "http_get(params.base_url + \"/\");\nemit(#{symbol: \"BTC/USD\", price: 1.5});",
    );
    let report = pool_with(fixture_limits())
        .run(s, request(&base, &[]))
        .await;
    let (message, line, _) = script_error(&report.outcome);
    assert!(
        message.contains("price is a float") && message.contains("not exact"),
        "{message}"
    );
    assert_eq!(line, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_items_are_dropped_and_reported() {
    let base = serve(vec![("/", fixture(200, "okx", "tickers_spot.json"))]).await;
    let body = "http_get(params.base_url + \"/\");\n\
        emit(#{symbol: \"BTC/USD\", price: \"-1\"});\n\
        emit(#{symbol: \"btc-usd\", price: \"1\"});\n\
        emit(#{symbol: \"ETH/USD\", price: \"10\", bid: \"11\", ask: \"10.5\"});";
    let report = pool_with(fixture_limits())
        .run(script("[]", body), request(&base, &[]))
        .await;
    assert!(
        matches!(report.outcome, RunOutcome::RejectedOutput { .. }),
        "{:?}",
        report.outcome
    );
    assert_eq!(report.rejected.len(), 3, "{:?}", report.rejected);
    assert!(
        report.rejected[2].contains("bid 11 is above ask 10.5"),
        "{:?}",
        report.rejected
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_runs_do_not_affect_a_concurrent_good_run() {
    let base = serve(vec![(
        "/api/v2/ticker/",
        fixture(200, "bitstamp", "ticker_all.json"),
    )])
    .await;
    let limits = Limits {
        timeout: Duration::from_millis(500),
        max_operations: 1 << 50,
        max_string_size: 1 << 20,
        ..fixture_limits()
    };
    let pool = ScriptPool::with_fetcher(3, limits, Arc::new(HttpFetcher::new().expect("client")));
    let good = common::venue_script("bitstamp");
    let (looping, bomb, thrower, report) = tokio::join!(
        pool.run(script("[]", "loop { }"), RunRequest::default()),
        pool.run(
            script("[]", "let s = \"x\";\nloop { s += s; }"),
            RunRequest::default()
        ),
        pool.run(script("[]", "throw \"boom\";"), RunRequest::default()),
        pool.run(good, request(&base, &[])),
    );
    assert_eq!(looping.outcome, RunOutcome::Timeout);
    assert!(
        matches!(bomb.outcome, RunOutcome::ScriptError { .. }),
        "{:?}",
        bomb.outcome
    );
    assert!(
        matches!(thrower.outcome, RunOutcome::ScriptError { .. }),
        "{:?}",
        thrower.outcome
    );
    assert_eq!(report.outcome, RunOutcome::Ok { quotes: 4 }, "{report:?}");
    assert_eq!(report.quotes[0].price.to_string(), "64947");
}

#[test]
fn runs_on_one_thread_share_no_state_and_pick_up_new_limits() {
    // One engine serves every run of a thread: a second run must not see the first's functions,
    // variables or quotes, and different limits must take effect.
    let fetcher = Arc::new(mdn_scripts::StaticFetcher {
        response: mdn_scripts::Fetched {
            status: 200,
            body: "[]".to_owned(),
        },
    });
    let run = |s: &Arc<Script>, limits: &Limits| {
        mdn_scripts::run_blocking(s, &RunRequest::default(), limits, fetcher.clone())
    };
    let first = script(
        "[127.0.0.1]",
        "fn helper() { 1 }\nlet leaked = helper();\nhttp_get(\"http://127.0.0.1/\");\nemit(#{symbol: \"BTC/USD\", price: \"1\"});",
    );
    let report = run(&first, &fixture_limits());
    assert_eq!(report.outcome, RunOutcome::Ok { quotes: 1 }, "{report:?}");
    let second = script("[]", "helper();");
    let report = run(&second, &fixture_limits());
    let (message, ..) = script_error(&report.outcome);
    assert!(message.contains("helper"), "{message}");
    let third = script("[]", "leaked");
    let report = run(&third, &fixture_limits());
    let (message, ..) = script_error(&report.outcome);
    assert!(message.contains("leaked"), "{message}");
    let empty = run(&script("[]", "let x = 1;"), &fixture_limits());
    assert_eq!(empty.outcome, RunOutcome::Ok { quotes: 0 });
    let tight = Limits {
        max_operations: 1_000,
        ..fixture_limits()
    };
    let looping = script("[]", "let i = 0;\nwhile true { i += 1; }");
    let report = run(&looping, &tight);
    let (message, ..) = script_error(&report.outcome);
    assert!(message.contains("too many operations"), "{message}");
}
