//! Unit tests of `manifest`.

use super::*;

const GOOD: &str = "//! name: binance\n//! version: 1.0.0\n//! description: Binance spot\n//! author: Jane Doe <jane@example.org>\n//! symbols: [BTC/USD, ETH/USD]\n//! schedule: \"*/5 * * * * *\"\n//! hosts: [api.binance.com]\n//! params:\n//!   base_url: https://api.binance.com\nlet x = 1;\n";

#[test]
fn parses_a_full_manifest() {
    let m = parse_manifest(GOOD).expect("valid");
    assert_eq!(m.name, "binance");
    assert_eq!(m.version, "1.0.0");
    assert_eq!(m.author.as_deref(), Some("Jane Doe <jane@example.org>"));
    assert_eq!(m.symbols.to_string(), "BTC/USD,ETH/USD");
    assert_eq!(m.schedule, "*/5 * * * * *");
    assert_eq!(m.hosts, vec!["api.binance.com"]);
    assert_eq!(
        m.params.get("base_url").map(String::as_str),
        Some("https://api.binance.com")
    );
}

#[test]
fn star_means_any_symbol() {
    let text = GOOD.replace("[BTC/USD, ETH/USD]", "[\"*\"]");
    assert_eq!(
        parse_manifest(&text).expect("valid").symbols,
        SymbolSet::Any
    );
}

#[test]
fn missing_manifest_is_reported_at_the_top() {
    let err = parse_manifest("let x = 1;").expect_err("no manifest");
    assert_eq!((err.line, err.column), (1, 1));
}

#[test]
fn bad_name_points_at_the_value_in_the_file() {
    let text = format!(
        "// leading comment is not a manifest\n{}",
        GOOD.replace("name: binance", "name: Bad Name")
    );
    // A non-`//!` first line means no manifest at all.
    assert!(parse_manifest(&text).is_err());
    let text = format!("\n\n{}", GOOD.replace("name: binance", "name: Bad Name"));
    let err = parse_manifest(&text).expect_err("bad name");
    assert_eq!((err.line, err.column), (3, 11), "{err}");
    assert!(err.message.contains("a-z"), "{err}");
}

#[test]
fn bad_version_schedule_symbols_and_hosts_are_located() {
    let cases = [
        ("version: 1.0.0", "version: one", 2, "semantic version"),
        ("[BTC/USD, ETH/USD]", "[btc/usd]", 5, "invalid symbol"),
        ("\"*/5 * * * * *\"", "\"every minute\"", 6, "fields"),
        (
            "[api.binance.com]",
            "[https://api.binance.com]",
            7,
            "host name",
        ),
    ];
    for (from, to, line, needle) in cases {
        let err = parse_manifest(&GOOD.replace(from, to)).expect_err(to);
        assert_eq!(err.line, line, "{to}: {err}");
        assert!(err.message.contains(needle), "{to}: {err}");
    }
}

#[test]
fn yaml_syntax_and_unknown_fields_report_file_positions() {
    let err = parse_manifest(&GOOD.replace("hosts: [api.binance.com]", "hosts: [api.binance.com"))
        .expect_err("syntax");
    assert!(err.line >= 7, "{err}");
    let err = parse_manifest(&GOOD.replace("//! hosts:", "//! colour: red\n//! hosts:"))
        .expect_err("unknown");
    assert_eq!(err.line, 7, "{err}");
    assert!(err.message.contains("colour"), "{err}");
    assert!(
        !err.message.contains("line"),
        "no YAML-relative position in the message: {err}"
    );
}

#[test]
fn five_and_six_field_schedules_are_accepted() {
    assert!(validate_schedule("*/5 * * * *").is_ok());
    assert!(validate_schedule("*/5 * * * * *").is_ok());
    assert!(validate_schedule("* * * *").is_err());
    assert!(validate_schedule("61 * * * *").is_err());
}

proptest::proptest! {
    #[test]
    fn name_rule_matches_the_pattern(name in "[a-zA-Z0-9_ .-]{0,70}") {
        let expected = (1..=64).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        proptest::prop_assert_eq!(validate_name(&name).is_ok(), expected);
    }
}
