//! Unit and property tests of `json::table`.

use super::*;
use proptest::prelude::*;

/// Every cell as (kind, text); kinds: "-" absent, "s" string, "n" number, "o" other.
fn dump(text: &str, table: &Table) -> Vec<Vec<(&'static str, String)>> {
    (0..table.rows())
        .map(|r| {
            (0..table.columns())
                .map(|c| {
                    let cell = table.cell(r, c);
                    let kind = match cell {
                        Cell::Absent => "-",
                        Cell::String(_) => "s",
                        Cell::Number(_) => "n",
                        Cell::Other(_) => "o",
                    };
                    let raw = Table::text(text, cell).unwrap_or("");
                    // Raw JSON compares by value (the text may be pretty-printed).
                    let raw = if kind == "o" {
                        let v: serde_json::Value = serde_json::from_str(raw).expect("raw JSON");
                        serde_json::to_string(&v).expect("encode")
                    } else {
                        raw.to_owned()
                    };
                    (kind, raw)
                })
                .collect()
        })
        .collect()
}

fn cells(text: &str, rows: &str, columns: &[&str]) -> Vec<Vec<(&'static str, String)>> {
    let table = extract_table(text, rows, columns, 1_000).expect("table");
    dump(text, &table)
}

fn s(v: &str) -> (&'static str, String) {
    ("s", v.to_owned())
}
fn n(v: &str) -> (&'static str, String) {
    ("n", v.to_owned())
}
fn o(v: &str) -> (&'static str, String) {
    ("o", v.to_owned())
}
fn absent() -> (&'static str, String) {
    ("-", String::new())
}

#[test]
fn array_rows_keep_exact_text() {
    let text = r#"[{"symbol":"BTCUSD","lastPrice":"64950.12000000","closeTime":1748772000000,"x":{"y":[1,2]}},
                   {"lastPrice":65000.5e0,"symbol":"ETH\u0055SD","closeTime":null,"bid":true}]"#;
    assert_eq!(
        cells(text, "", &["symbol", "lastPrice", "closeTime", "bid", "x"]),
        vec![
            vec![
                s("BTCUSD"),
                s("64950.12000000"),
                n("1748772000000"),
                absent(),
                o(r#"{"y":[1,2]}"#)
            ],
            vec![s("ETHUSD"), n("65000.5e0"), absent(), o("true"), absent()],
        ]
    );
}

#[test]
fn object_rows_are_named_by_key_and_nested_paths_work() {
    let text = r#"{"error":[],"result":{"XXBTZUSD":{"a":["64952.1","1","1.0"],"c":["64952.10000","0.1"],"v":["1","2345.6"]},
                  "SOLUSD":{"c":["142.3","1"],"a":["142.32","5","5.0"],"v":["9","123.4"]}}}"#;
    assert_eq!(
        cells(text, "result", &["@key", "c.0", "a.0", "v.1", "c.7", "c"]),
        vec![
            vec![
                s("XXBTZUSD"),
                s("64952.10000"),
                s("64952.1"),
                s("2345.6"),
                absent(),
                o(r#"["64952.10000","0.1"]"#)
            ],
            vec![
                s("SOLUSD"),
                s("142.3"),
                s("142.32"),
                s("123.4"),
                absent(),
                o(r#"["142.3","1"]"#)
            ],
        ]
    );
}

#[test]
fn rows_path_descends_objects_and_arrays_and_last_duplicate_wins() {
    let text =
        r#"{"code":"0","data":[{"a":"1"}],"data":[{"a":"2"},{"a":"3"}],"x":[0,[{"a":"4"}]]}"#;
    assert_eq!(
        cells(text, "data", &["a"]),
        vec![vec![s("2")], vec![s("3")]]
    );
    assert_eq!(cells(text, "x.1", &["a"]), vec![vec![s("4")]]);
    assert_eq!(
        cells(r#"[{"a":"1","a":"2"}]"#, "", &["a"]),
        vec![vec![s("2")]]
    );
}

#[test]
fn escaped_keys_and_values_are_decoded() {
    let text = r#"[{"na\u006de":"a\"b","plain":"x\\y"}]"#;
    assert_eq!(
        cells(text, "", &["name", "plain"]),
        vec![vec![s("a\"b"), s("x\\y")]]
    );
}

#[test]
fn non_object_rows_give_absent_cells() {
    assert_eq!(
        cells(r#"[1, "x", null, [5]]"#, "", &["a", "0"]),
        vec![
            vec![absent(), absent()],
            vec![absent(), absent()],
            vec![absent(), absent()],
            vec![absent(), n("5")],
        ]
    );
}

#[test]
fn errors_invalid_json_missing_rows_and_too_many_rows() {
    for bad in [
        "",
        "[",
        "[{\"a\":1,}]",
        "[{\"a\" 1}]",
        "[01]",
        "[1.]",
        "[\"\\x\"]",
        "[] x",
        "[tru]",
        "[{\"a\":\"\u{1}\"}]",
    ] {
        assert!(
            extract_table(bad, "", &["a"], 10).is_err(),
            "{bad:?} should fail"
        );
    }
    // Invalid text after the rows is still found.
    assert!(extract_table(r#"{"data":[],"x":[1,]}"#, "data", &["a"], 10).is_err());
    let missing = extract_table(r#"{"data":[]}"#, "result", &["a"], 10).expect_err("missing");
    assert!(
        missing.message.contains("no array or object of rows"),
        "{missing}"
    );
    let scalar = extract_table(r#"{"data":"x"}"#, "data", &["a"], 10).expect_err("scalar");
    assert!(
        scalar.message.contains("expected an array or object"),
        "{scalar}"
    );
    let many = extract_table("[1,2,3]", "", &["a"], 2).expect_err("too many");
    assert!(many.message.contains("more than 2 rows"), "{many}");
    assert!(extract_table("[1,2]", "", &["a"], 2).is_ok());
    let columns = ["a"; MAX_COLUMNS + 1];
    assert!(extract_table("[]", "", &columns, 2).is_err());
}

#[test]
fn nesting_is_bounded_like_parse_json() {
    let deep = |n: usize| format!("[{}{}]", "[".repeat(n - 1), "]".repeat(n - 1));
    assert!(extract_table(&deep(MAX_DEPTH + 1), "", &["a"], 10).is_err());
    assert!(extract_table(&deep(MAX_DEPTH), "", &["a"], 10).is_ok());
    assert!(super::super::parse_json(&deep(MAX_DEPTH)).is_ok());
    assert!(super::super::parse_json(&deep(MAX_DEPTH + 1)).is_err());
}

#[test]
fn find_value_locates_a_path_and_checks_the_whole_text() {
    let text = r#"{"code":"51001","msg":"x","data":[{"a":1},{"a":[2,3]}],"code":"0"}"#;
    let at = |path: &str| find_value(text, path).expect("json").map(|r| &text[r]);
    assert_eq!(at("code"), Some(r#""0""#));
    assert_eq!(at("data.1.a"), Some("[2,3]"));
    assert_eq!(at(""), Some(text));
    assert_eq!(at("data.2"), None);
    assert_eq!(at("msg.x"), None);
    assert!(find_value(r#"{"code":"0","data":[1,]}"#, "code").is_err());
}

/// The reference: navigate serde_json's value like the module docs say.
fn expected(v: &serde_json::Value, path: &[&str]) -> (&'static str, String) {
    let mut cur = v;
    for seg in path {
        let next = match cur {
            serde_json::Value::Object(m) => m.get(*seg),
            serde_json::Value::Array(a) => seg
                .parse::<usize>()
                .ok()
                .filter(|_| *seg == "0" || !seg.starts_with('0'))
                .and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return absent(),
        }
    }
    match cur {
        serde_json::Value::Null => absent(),
        serde_json::Value::String(t) => s(t),
        serde_json::Value::Number(x) => n(&x.to_string()),
        other => o(&serde_json::to_string(other).expect("encode")),
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-c\"\\\\é]{0,4}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-c0-1]{1,2}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn agrees_with_serde_json_navigation(
        rows in prop::collection::vec(json_value(), 0..6),
        paths in prop::collection::vec("[a-c0-1]{1,2}(\\.[a-c0-1]{1,2}){0,2}", 1..5),
    ) {
        let doc = serde_json::Value::Array(rows.clone());
        let text = serde_json::to_string(&doc).expect("encode");
        let columns: Vec<&str> = paths.iter().map(String::as_str).collect();
        let table = extract_table(&text, "", &columns, 100).expect("table");
        let want: Vec<Vec<_>> = rows
            .iter()
            .map(|r| columns.iter().map(|c| expected(r, &c.split('.').collect::<Vec<_>>())).collect())
            .collect();
        prop_assert_eq!(dump(&text, &table), want);
    }

    #[test]
    fn object_rows_agree_with_serde_json(
        rows in prop::collection::btree_map("[a-z]{1,4}", json_value(), 0..6),
        paths in prop::collection::vec("[a-c0-1]{1,2}(\\.[a-c0-1]{1,2}){0,2}", 1..4),
    ) {
        let doc = serde_json::json!({ "result": rows.clone().into_iter().collect::<serde_json::Map<_, _>>() });
        let text = serde_json::to_string_pretty(&doc).expect("encode");
        let mut columns: Vec<&str> = vec![ROW_KEY];
        columns.extend(paths.iter().map(String::as_str));
        let table = extract_table(&text, "result", &columns, 100).expect("table");
        let want: Vec<Vec<_>> = rows
            .iter()
            .map(|(k, r)| {
                let mut row = vec![s(k)];
                row.extend(columns[1..].iter().map(|c| expected(r, &c.split('.').collect::<Vec<_>>())));
                row
            })
            .collect();
        prop_assert_eq!(dump(&text, &table), want);
    }

    #[test]
    fn accepts_exactly_what_parse_json_accepts(text in "[\\[\\]{}\":,a0-9 .e-]{0,24}") {
        prop_assert_eq!(
            extract_table(&text, "", &["a"], 100).is_ok(),
            super::super::parse_json(&text).is_ok_and(|v| v.is_array() || v.is_map())
        );
    }
}
