//! Binance Spot API v3: `GET /api/v3/ticker/24hr` (all, `?symbol=BTCUSD`, or
//! `?symbols=["BTCUSD","ETHUSD"]`). Unknown symbols: HTTP 400 `{"code":-1121,"msg":"Invalid symbol."}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::query_params;
use super::respond::finish;
use super::state::{Entry, Selection, State};
use crate::market::DAY_MS;
use crate::venue::Venue;

const VENUE: Venue = Venue::Binance;

/// Registers the Binance routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v3/ticker/24hr", web::get().to(ticker_24hr));
}

fn error(code: i64, msg: &str) -> Value {
    json!({ "code": code, "msg": msg })
}

async fn ticker_24hr(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let bad = |body: Value| {
        finish(
            VENUE,
            state.venue_effects(VENUE),
            StatusCode::BAD_REQUEST,
            body,
        )
    };
    let Some(params) = query_params(&req) else {
        return bad(error(-1100, "Illegal characters found in a parameter.")).await;
    };
    let (indices, selection) = match (params.get("symbol"), params.get("symbols")) {
        (Some(_), Some(_)) => {
            return bad(error(-1128, "Combination of optional parameters invalid.")).await;
        }
        (Some(symbol), None) => match state.market.find_pair(VENUE, symbol) {
            Some(i) => (vec![i], Selection::One),
            None => return bad(error(-1121, "Invalid symbol.")).await,
        },
        (None, Some(list)) => {
            let Ok(names) = serde_json::from_str::<Vec<String>>(list) else {
                let msg = "Illegal characters found in parameter 'symbols'; legal range is \
                           '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.";
                return bad(error(-1100, msg)).await;
            };
            let found: Option<Vec<usize>> = names
                .iter()
                .map(|n| state.market.find_pair(VENUE, n))
                .collect();
            match found {
                Some(indices) if !indices.is_empty() => (indices, Selection::Named),
                _ => return bad(error(-1121, "Invalid symbol.")).await,
            }
        }
        (None, None) => ((0..state.market.symbols().len()).collect(), Selection::All),
    };
    let (entries, effects) = state.quotes(VENUE, &indices, selection);
    let body = if selection == Selection::One {
        entries
            .first()
            .map(|e| ticker(&state, e))
            .unwrap_or(Value::Null)
    } else {
        Value::Array(entries.iter().map(|e| ticker(&state, e)).collect())
    };
    finish(VENUE, effects, StatusCode::OK, body).await
}

fn ticker(state: &State, e: &Entry) -> Value {
    let q = &e.quote;
    let base = state
        .market
        .symbol(e.index)
        .map(|s| s.asset.base.as_str())
        .unwrap_or_default();
    let change = q.last - q.day.open;
    let change_pct = if q.day.open.is_zero() {
        Decimal::ZERO
    } else {
        (change / q.day.open * Decimal::ONE_HUNDRED).round_dp(3)
    };
    let first_id = q
        .last_trade_id
        .saturating_sub(q.trades_24h)
        .saturating_add(1);
    json!({
        "symbol": VENUE.pair_name(base),
        "priceChange": change.to_string(),
        "priceChangePercent": change_pct.to_string(),
        "weightedAvgPrice": q.day.vwap.to_string(),
        "prevClosePrice": q.prev_close.to_string(),
        "lastPrice": q.last.to_string(),
        "lastQty": q.last_qty.to_string(),
        "bidPrice": q.bid.to_string(),
        "bidQty": q.bid_qty.to_string(),
        "askPrice": q.ask.to_string(),
        "askQty": q.ask_qty.to_string(),
        "openPrice": q.day.open.to_string(),
        "highPrice": q.day.high.to_string(),
        "lowPrice": q.day.low.to_string(),
        "volume": q.day.volume.to_string(),
        "quoteVolume": q.day.quote_volume.to_string(),
        "openTime": q.time_ms - DAY_MS,
        "closeTime": q.time_ms,
        "firstId": first_id,
        "lastId": q.last_trade_id,
        "count": q.trades_24h,
    })
}
