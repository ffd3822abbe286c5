//! Kraken REST public API: `GET /0/public/Ticker?pair=XBTUSD,ETHUSD` (all pairs without `pair`).
//! Result keys are Kraken's (`XXBTZUSD`, `XETHZUSD`, `XDGUSD`, `SOLUSD`, ...). Unknown pairs:
//! HTTP 200 `{"error":["EQuery:Unknown asset pair"]}`. No timestamp in the response.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value, json};

use super::query_params;
use super::respond::finish;
use super::state::{Entry, Selection, State};
use crate::venue::{Venue, kraken_result_key};

const VENUE: Venue = Venue::Kraken;

/// Registers the Kraken routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/0/public/Ticker", web::get().to(ticker));
}

fn unknown_pair() -> Value {
    json!({ "error": ["EQuery:Unknown asset pair"] })
}

async fn ticker(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let params = query_params(&req).unwrap_or_default();
    let names: Vec<&str> = params
        .get("pair")
        .map(|p| {
            p.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let (indices, selection) = if names.is_empty() {
        ((0..state.market.symbols().len()).collect(), Selection::All)
    } else {
        let found: Option<Vec<usize>> = names
            .iter()
            .map(|n| state.market.find_pair(VENUE, n))
            .collect();
        match found {
            Some(indices) if indices.len() == 1 => (indices, Selection::One),
            Some(indices) => (indices, Selection::Named),
            None => {
                let effects = state.venue_effects(VENUE);
                return finish(VENUE, effects, StatusCode::OK, unknown_pair()).await;
            }
        }
    };
    let (entries, effects) = state.quotes(VENUE, &indices, selection);
    let mut result = Map::new();
    for e in &entries {
        if let Some(s) = state.market.symbol(e.index) {
            result.insert(kraken_result_key(&s.asset.base), pair_info(e));
        }
    }
    let body = json!({ "error": [], "result": result });
    finish(VENUE, effects, StatusCode::OK, body).await
}

/// `[price, whole lot volume, lot volume]` of one side of the book.
fn level(price: Decimal, qty: Decimal) -> Value {
    let whole = qty
        .round_dp_with_strategy(0, RoundingStrategy::AwayFromZero)
        .max(Decimal::ONE);
    let lot = qty.round_dp_with_strategy(3, RoundingStrategy::AwayFromZero);
    json!([price.to_string(), whole.to_string(), lot.to_string()])
}

fn pair_info(e: &Entry) -> Value {
    let q = &e.quote;
    json!({
        "a": level(q.ask, q.ask_qty),
        "b": level(q.bid, q.bid_qty),
        "c": [q.last.to_string(), q.last_qty.to_string()],
        "v": [q.today.volume.to_string(), q.day.volume.to_string()],
        "p": [q.today.vwap.to_string(), q.day.vwap.to_string()],
        "t": [q.trades_today, q.trades_24h],
        "l": [q.today.low.to_string(), q.day.low.to_string()],
        "h": [q.today.high.to_string(), q.day.high.to_string()],
        "o": q.today.open.to_string(),
    })
}
