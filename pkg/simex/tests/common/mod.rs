//! Shared helpers of the HTTP tests: a simex on 127.0.0.1:0 driven by a manual clock, and a client.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use mdn_simex::{FaultSpec, ManualClock, Simex, SimexConfig, SimexHandle};
use rust_decimal::Decimal;
use serde_json::Value;

/// Unix time of tick 0 in the tests (2026-11-21T04:30:00Z).
pub const START_MS: i64 = 1_795_235_400_000;
/// Tick length in the tests.
pub const TICK_MS: i64 = 250;

/// A running simex with its clock and an HTTP client.
pub struct Sim {
    pub handle: SimexHandle,
    pub clock: ManualClock,
    pub client: reqwest::Client,
}

/// A response: status, content type and body text.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    /// The body as JSON; panics with the body if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Starts a simex with `seed` and `faults` on a manual clock at [`START_MS`].
pub async fn start_with(seed: u64, faults: Vec<FaultSpec>) -> Sim {
    let clock = ManualClock::new(START_MS);
    let config = SimexConfig {
        seed,
        faults,
        tick_ms: TICK_MS as u64,
        clock: Some(Arc::new(clock.clone())),
        ..SimexConfig::default()
    };
    let handle = Simex::start(config).await.expect("simex starts");
    Sim {
        handle,
        clock,
        client: reqwest::Client::new(),
    }
}

/// Starts a simex with seed 42 and no faults.
pub async fn start() -> Sim {
    start_with(42, Vec::new()).await
}

impl Sim {
    /// `GET base_url + path`.
    pub async fn get(&self, path: &str) -> Reply {
        let url = format!("{}{path}", self.handle.base_url());
        let resp = self
            .client
            .get(&url)
            .send()
            .await
            .expect("request is answered");
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = resp.text().await.expect("body is read");
        Reply {
            status,
            content_type,
            body,
        }
    }

    /// `GET` that must answer 200 with JSON.
    pub async fn get_ok(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.content_type, "application/json", "{path}");
        reply.json()
    }

    /// Advances the clock by `ticks` ticks.
    pub fn advance_ticks(&self, ticks: i64) {
        self.clock.advance(ticks * TICK_MS);
    }

    /// The market price of `symbol` now.
    pub fn market(&self, symbol: &str) -> Decimal {
        self.handle
            .market_price(symbol)
            .expect("symbol is in the market")
    }
}

/// A JSON string field parsed as a decimal.
pub fn dec(v: &Value, field: &str) -> Decimal {
    let s = v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string in {v}"));
    s.parse()
        .unwrap_or_else(|e| panic!("{field}={s:?} is not a decimal: {e}"))
}

/// A JSON string parsed as a decimal.
pub fn dec_of(v: &Value) -> Decimal {
    let s = v.as_str().unwrap_or_else(|| panic!("{v} is not a string"));
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is not a decimal: {e}"))
}

/// `|a / b - 1|` in basis points.
pub fn bps(a: Decimal, b: Decimal) -> Decimal {
    ((a / b) - Decimal::ONE).abs() * Decimal::from(10_000)
}

/// Every field in `fields` is a string that parses as a decimal.
pub fn assert_decimal_strings(v: &Value, fields: &[&str]) {
    for f in fields {
        dec(v, f);
    }
}
