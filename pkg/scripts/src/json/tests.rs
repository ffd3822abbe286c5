//! Unit and property tests of `json`.

use super::*;
use proptest::prelude::*;

/// Back to serde_json for comparison; strings stay strings.
fn to_value(d: &Dynamic) -> serde_json::Value {
    if d.is_unit() {
        serde_json::Value::Null
    } else if let Ok(b) = d.as_bool() {
        serde_json::Value::Bool(b)
    } else if let Ok(i) = d.as_int() {
        serde_json::Value::from(i)
    } else if d.is_string() {
        serde_json::Value::String(d.clone().into_string().expect("string"))
    } else if d.is_array() {
        let a = d.clone().into_array().expect("array");
        serde_json::Value::Array(a.iter().map(to_value).collect())
    } else {
        let m = d.clone().cast::<Map>();
        serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| (k.to_string(), to_value(v)))
                .collect(),
        )
    }
}

#[test]
fn numbers_stay_exact() {
    let v = to_value(
        &parse_json(r#"[1, -2, 0.1, 65000.12000000, 1e3, 12345678901234567890, -0.0]"#)
            .expect("json"),
    );
    assert_eq!(
        v,
        serde_json::json!([
            1,
            -2,
            "0.1",
            "65000.12000000",
            "1e3",
            "12345678901234567890",
            "-0.0"
        ])
    );
}

#[test]
fn objects_strings_and_escapes() {
    let v = to_value(
        &parse_json(
            r#" {"a": "x\"y\u00e9\ud83d\ude00\n", "b": null, "c": [true, false], "d": {}} "#,
        )
        .expect("json"),
    );
    assert_eq!(
        v,
        serde_json::json!({"a": "x\"yé😀\n", "b": null, "c": [true, false], "d": {}})
    );
}

#[test]
fn malformed_text_is_an_error_with_offset() {
    for bad in [
        "",
        "{",
        "[1,]",
        "{\"a\" 1}",
        "01",
        "1.",
        "\"\\x\"",
        "[1] x",
        "tru",
        "\"\u{1}\"",
        "\"\\ud800\"",
    ] {
        assert!(parse_json(bad).is_err(), "{bad:?} should fail");
    }
    assert_eq!(parse_json("[1, ?]").expect_err("bad").offset, 4);
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert!(
        parse_json(&deep)
            .expect_err("too deep")
            .message
            .contains("nesting")
    );
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse_json(&ok).is_ok());
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn agrees_with_serde_json_without_floats(v in json_value()) {
        let text = serde_json::to_string(&v).expect("encode");
        prop_assert_eq!(to_value(&parse_json(&text).expect("parse")), v.clone());
        let pretty = serde_json::to_string_pretty(&v).expect("encode");
        prop_assert_eq!(to_value(&parse_json(&pretty).expect("parse")), v);
    }

    #[test]
    fn decimal_text_survives_unchanged(int in 0u64..1_000_000_000, frac in "[0-9]{1,12}") {
        let text = format!("{int}.{frac}");
        let parsed = parse_json(&format!("[{text}]")).expect("parse").into_array().expect("array");
        prop_assert_eq!(parsed[0].clone().into_string().expect("string"), text);
    }

    #[test]
    fn never_panics_on_arbitrary_text(text in ".{0,64}") {
        let _ = parse_json(&text);
    }
}
