//! The fault admin API over HTTP: POST, GET and DELETE /admin/faults, and its errors.

mod common;

use common::{bps, dec, start};
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn post(sim: &common::Sim, body: &str) -> (u16, Value) {
    let url = format!("{}/admin/faults", sim.handle.base_url());
    let resp = sim
        .client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (
        status,
        serde_json::from_str(&resp.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn set_list_and_clear() {
    let sim = start().await;
    let (status, fault) = post(
        &sim,
        r#"{"venue":"coinbase","symbol":"BTC/USD","kind":"offset","value":5}"#,
    )
    .await;
    assert_eq!(status, 201, "{fault}");
    assert_eq!(fault["spec"], "coinbase:BTC/USD=offset:5%");
    let (status, _) = post(&sim, r#"{"venue":"okx","kind":"slow","value":"10ms"}"#).await;
    assert_eq!(status, 201);

    let list = sim.get_ok("/admin/faults").await;
    let specs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["spec"].as_str().unwrap())
        .collect();
    assert_eq!(specs, ["coinbase:BTC/USD=offset:5%", "okx=slow:10ms"]);
    assert_eq!(list[0]["kind"], "offset");
    assert_eq!(list[0]["value"], "5%");
    assert_eq!(list[1]["symbol"], Value::Null);

    let t = sim.get_ok("/products/BTC-USD/ticker").await;
    let expected = sim.market("BTC/USD") * Decimal::new(105, 2);
    assert!(bps(dec(&t, "price"), expected) <= Decimal::from(4));

    let url = format!("{}/admin/faults", sim.handle.base_url());
    let resp = sim.client.delete(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        serde_json::from_str::<Value>(&resp.text().await.unwrap()).unwrap(),
        json!({ "cleared": 2 })
    );
    assert_eq!(sim.get_ok("/admin/faults").await, json!([]));
    assert!(sim.handle.faults().is_empty());
}

#[tokio::test]
async fn bad_requests_get_clear_json_errors() {
    let sim = start().await;
    let cases = [
        ("not json", "expected a JSON object"),
        (r#"{"kind":"fail"}"#, "missing field `venue`"),
        (r#"{"venue":"ftx","kind":"fail"}"#, "unknown venue \"ftx\""),
        (r#"{"venue":"kraken","kind":"melt"}"#, "fault kind \"melt\""),
        (r#"{"venue":"kraken","kind":"offset"}"#, "missing value"),
        (
            r#"{"venue":"kraken","kind":"slow","value":"soon"}"#,
            "slow value \"soon\"",
        ),
        (
            r#"{"venue":"kraken","kind":"offset","value":[1]}"#,
            "expected a string or a number",
        ),
        (
            r#"{"venue":"kraken","symbol":"BTCUSD","kind":"fail"}"#,
            "expected BASE/USD",
        ),
        (
            r#"{"venue":"kraken","symbol":"NOPE/USD","kind":"fail"}"#,
            "unknown symbol \"NOPE/USD\"",
        ),
        (
            r#"{"venue":"kraken","kind":"fail","colour":"red"}"#,
            "unknown field `colour`",
        ),
    ];
    for (body, expected) in cases {
        let (status, reply) = post(&sim, body).await;
        assert_eq!(status, 400, "{body}");
        let message = reply["error"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{body}: {message}");
    }
    assert_eq!(sim.get_ok("/admin/faults").await, json!([]));
}
