//! Bitstamp API v2: `GET /api/v2/ticker/{btcusd}/` and `GET /api/v2/ticker/` (all, each with a
//! `"pair":"BTC/USD"`). Unknown pairs: HTTP 404 `{"errors":[{"message":"Not found"}]}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::respond::finish;
use super::state::{Entry, Selection, State};
use crate::venue::Venue;

const VENUE: Venue = Venue::Bitstamp;

/// Registers the Bitstamp routes (with and without the trailing slash).
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v2/ticker/", web::get().to(all))
        .route("/api/v2/ticker", web::get().to(all))
        .route("/api/v2/ticker/{pair}/", web::get().to(one))
        .route("/api/v2/ticker/{pair}", web::get().to(one));
}

async fn one(state: web::Data<State>, pair: web::Path<String>) -> HttpResponse {
    let Some(index) = state.market.find_pair(VENUE, &pair) else {
        let effects = state.venue_effects(VENUE);
        let body = json!({ "errors": [{ "message": "Not found" }] });
        return finish(VENUE, effects, StatusCode::NOT_FOUND, body).await;
    };
    let (entries, effects) = state.quotes(VENUE, &[index], Selection::One);
    let body = entries
        .first()
        .map(|e| ticker(&state, e, false))
        .unwrap_or(Value::Null);
    finish(VENUE, effects, StatusCode::OK, body).await
}

async fn all(state: web::Data<State>) -> HttpResponse {
    let indices: Vec<usize> = (0..state.market.symbols().len()).collect();
    let (entries, effects) = state.quotes(VENUE, &indices, Selection::All);
    let body = Value::Array(entries.iter().map(|e| ticker(&state, e, true)).collect());
    finish(VENUE, effects, StatusCode::OK, body).await
}

fn ticker(state: &State, e: &Entry, with_pair: bool) -> Value {
    let q = &e.quote;
    let change_pct = if q.day.open.is_zero() {
        Decimal::ZERO
    } else {
        ((q.last - q.day.open) / q.day.open * Decimal::ONE_HUNDRED).round_dp(2)
    };
    let side = if q.last >= q.prev_close { "0" } else { "1" };
    let mut body = json!({
        "timestamp": q.time_ms.div_euclid(1000).to_string(),
        "open": q.today.open.to_string(),
        "high": q.day.high.to_string(),
        "low": q.day.low.to_string(),
        "last": q.last.to_string(),
        "volume": q.day.volume.to_string(),
        "vwap": q.day.vwap.to_string(),
        "bid": q.bid.to_string(),
        "ask": q.ask.to_string(),
        "side": side,
        "open_24": q.day.open.to_string(),
        "percent_change_24": change_pct.to_string(),
    });
    if let (true, Some(map), Some(s)) = (
        with_pair,
        body.as_object_mut(),
        state.market.symbol(e.index),
    ) {
        map.insert("pair".to_owned(), Value::String(s.symbol.clone()));
    }
    body
}
