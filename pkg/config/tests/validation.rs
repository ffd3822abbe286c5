//! Validation rules: each broken rule is reported with its key and the value's line and column.

use mdn_config::{Config, ConfigError, Position, Problem, ValueSource};

/// A valid ed25519 public key (RFC 8032 test 1) and a second one (test 2).
const KEY_A: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const KEY_B: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";

fn problems(text: &str) -> Vec<Problem> {
    match Config::from_yaml_str(text, "/c/node.yaml") {
        Err(ConfigError::Invalid { problems, .. }) => problems,
        Err(other) => panic!("expected validation problems, got: {other}"),
        Ok(_) => panic!("expected validation problems for:\n{text}"),
    }
}

/// Asserts exactly one problem, at `key`, positioned at `line:column`, mentioning `needle`.
fn one_problem(text: &str, key: &str, line: usize, column: usize, needle: &str) {
    let found = problems(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let p = &found[0];
    assert_eq!(p.key, key, "{p:?}");
    assert_eq!(
        p.source,
        ValueSource::File(Position { line, column }),
        "{p:?}"
    );
    assert!(p.message.contains(needle), "{p:?}");
    let shown = Config::from_yaml_str(text, "/c/node.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        shown.contains(&format!("/c/node.yaml:{line}:{column}: {key}: ")),
        "{shown}"
    );
}

#[test]
fn bands_must_be_positive_and_same_source_not_wider() {
    one_problem(
        "consensus:\n  bands:\n    same_source_bps: 0\n",
        "consensus.bands.same_source_bps",
        3,
        22,
        "expected 1 to 10000",
    );
    one_problem(
        "consensus:\n  bands:\n    same_source_bps: 200\n    cross_source_bps: 100\n",
        "consensus.bands.same_source_bps",
        3,
        22,
        "wider than the cross-source band",
    );
    one_problem(
        "consensus:\n  bands:\n    per_symbol:\n      ETH/USD: { same_source_bps: 500 }\n",
        "consensus.bands.per_symbol.ETH/USD.same_source_bps",
        4,
        35,
        "wider than the cross-source band",
    );
    // A rule broken by a default value points at the nearest enclosing key that is written.
    one_problem(
        "consensus:\n  bands:\n    per_symbol:\n      ETH/USD: { cross_source_bps: 10 }\n",
        "consensus.bands.per_symbol.ETH/USD.same_source_bps",
        4,
        16,
        "wider than the cross-source band",
    );
    one_problem(
        "consensus:\n  bands:\n    cross_source_bps: 20000\n",
        "consensus.bands.cross_source_bps",
        3,
        23,
        "10000",
    );
}

#[test]
fn timeouts_and_counts_must_be_positive() {
    for (section, key) in [
        ("consensus", "vote_timeout_ms"),
        ("consensus", "max_quote_age_ms"),
        ("consensus", "batch_interval_ms"),
        ("consensus", "batch_max_quotes"),
        ("scripts", "timeout_ms"),
        ("scripts", "http_timeout_ms"),
        ("scripts", "max_operations"),
        ("scripts", "max_response_bytes"),
        ("scripts", "workers"),
        ("store", "pool_size"),
        ("api", "rate_limit_per_sec"),
        ("reputation", "epoch_secs"),
        ("reputation", "half_life_secs"),
    ] {
        let text = format!("{section}:\n  {key}: 0\n");
        one_problem(
            &text,
            &format!("{section}.{key}"),
            2,
            key.len() + 5,
            "greater than 0",
        );
    }
}

#[test]
fn runtime_threads_are_bounded() {
    one_problem(
        "node:\n  worker_threads: 0\n",
        "node.worker_threads",
        2,
        19,
        "expected 1 to 1024",
    );
    one_problem(
        "node:\n  worker_threads: 5000\n",
        "node.worker_threads",
        2,
        19,
        "5000 runtime threads",
    );
}

#[test]
fn source_names_are_checked_and_unique() {
    let src =
        |name: &str| format!("  - name: {name}\n    script: s.rhai\n    schedule: '*/5 * * * *'\n");
    one_problem(
        &format!("sources:\n{}", src("Binance")),
        "sources[0].name",
        2,
        11,
        "a-z 0-9 _ -",
    );
    one_problem(
        &format!("sources:\n{}", src(&"a".repeat(65))),
        "sources[0].name",
        2,
        11,
        "1-64",
    );
    one_problem(
        &format!("sources:\n{}{}", src("kraken"), src("kraken")),
        "sources[1].name",
        5,
        11,
        "duplicate source name",
    );
    one_problem(
        "sources:\n  - name: a\n    script: ../etc/passwd\n    schedule: '* * * * *'\n",
        "sources[0].script",
        3,
        13,
        "without `..`",
    );
    one_problem(
        "sources:\n  - name: a\n    script: a.rhai\n    schedule: '* * * * *'\n    symbols: [BTC/USD, BTC/USD]\n",
        "sources[0].symbols[1]",
        5,
        24,
        "duplicate symbol",
    );
}

#[test]
fn validator_keys_are_hex_points_without_duplicates() {
    let text = format!("validators:\n  keys:\n    - {KEY_A}\n    - {KEY_B}\n");
    let config = Config::from_yaml_str(&text, "/c/node.yaml").unwrap();
    let keys: Vec<String> = config.validator_keys().iter().map(|k| k.to_hex()).collect();
    assert_eq!(keys, [KEY_A, KEY_B]);

    one_problem(
        &format!("validators:\n  keys:\n    - {KEY_A}\n    - {KEY_A}\n"),
        "validators.keys[1]",
        4,
        7,
        "duplicate key",
    );
    one_problem(
        "validators:\n  keys: [abc]\n",
        "validators.keys[0]",
        2,
        10,
        "64 hex characters",
    );
    one_problem(
        &format!("validators:\n  keys: [{}]\n", "zz".repeat(32)),
        "validators.keys[0]",
        2,
        10,
        "64 hex",
    );
    // y = 2 does not decode to a curve point.
    let not_point = format!("02{}", "00".repeat(31));
    one_problem(
        &format!("validators:\n  keys: [\"{not_point}\"]\n"),
        "validators.keys[0]",
        2,
        10,
        "not a curve point",
    );
    // The identity point has small order.
    let weak = format!("01{}", "00".repeat(31));
    one_problem(
        &format!("validators:\n  keys: [\"{weak}\"]\n"),
        "validators.keys[0]",
        2,
        10,
        "weak",
    );
    one_problem(
        "scripts:\n  trusted_authors: [nope]\n",
        "scripts.trusted_authors[0]",
        2,
        21,
        "64 hex",
    );
}

#[test]
fn addresses_urls_and_scores_are_checked() {
    one_problem(
        "network:\n  bootnodes: [/ip4/10.0.0.1/tcp/4001]\n",
        "network.bootnodes[0]",
        2,
        15,
        "/p2p/<peer id>",
    );
    one_problem(
        "store:\n  database_url: mysql://x\n",
        "store.database_url",
        2,
        17,
        "postgres://",
    );
    one_problem(
        "api:\n  cors_origins: [localhost]\n",
        "api.cors_origins[0]",
        2,
        18,
        "http(s)://",
    );
    one_problem(
        "api:\n  token: 'a b'\n",
        "api.token",
        2,
        10,
        "without spaces",
    );
    one_problem(
        "node:\n  network_id: 'my net'\n",
        "node.network_id",
        2,
        15,
        "1-64 characters",
    );
    one_problem(
        "reputation:\n  quarantine_below: 0.6\n  recover_above: 0.5\n",
        "reputation.recover_above",
        3,
        18,
        "greater than quarantine_below",
    );
    one_problem(
        "reputation:\n  recover_above: 1.5\n",
        "reputation.recover_above",
        2,
        18,
        "from 0 to 1",
    );
    one_problem(
        "network:\n  byzantine:\n    propose_offset_pct: -100\n",
        "network.byzantine.propose_offset_pct",
        3,
        25,
        "above -100",
    );
}

#[test]
fn all_problems_are_listed_in_file_order() {
    let text = "api:\n  rate_limit_per_sec: 0\nconsensus:\n  vote_timeout_ms: 0\n";
    let found = problems(text);
    let keys: Vec<&str> = found.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        ["api.rate_limit_per_sec", "consensus.vote_timeout_ms"]
    );
    let shown = Config::from_yaml_str(text, "/c/node.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        shown.starts_with("invalid configuration (2 problems):"),
        "{shown}"
    );
}

#[test]
fn quorum_accessors_and_band_overrides() {
    let text = "validators:\n  quorum: 0.75\nconsensus:\n  bands:\n    per_symbol:\n      ETH/USD: { cross_source_bps: 400 }\n";
    let config = Config::from_yaml_str(text, "/c/node.yaml").unwrap();
    assert_eq!(config.quorum(), (75, 100));
    assert_eq!(config.validators.quorum.threshold(4), 4);
    let eth = mdn_protocol::Symbol::parse("ETH/USD").unwrap();
    let btc = mdn_protocol::Symbol::parse("BTC/USD").unwrap();
    assert_eq!(
        (
            config.band_for(&eth).same_source_bps,
            config.band_for(&eth).cross_source_bps
        ),
        (25, 400)
    );
    assert_eq!(
        (
            config.band_for(&btc).same_source_bps,
            config.band_for(&btc).cross_source_bps
        ),
        (25, 150)
    );
    let config = Config::from_yaml_str("validators:\n  quorum: 1\n", "/c/node.yaml").unwrap();
    assert_eq!(config.quorum(), (1, 1));
}
