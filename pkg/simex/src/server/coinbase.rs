//! Coinbase Exchange API: `GET /products/{BASE-USD}/ticker`. Unknown products: HTTP 404
//! `{"message":"NotFound"}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::respond::finish;
use super::state::{Entry, Selection, State};
use crate::format;
use crate::venue::Venue;

const VENUE: Venue = Venue::Coinbase;

/// Registers the Coinbase routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/products/{product_id}/ticker", web::get().to(ticker));
}

async fn ticker(state: web::Data<State>, product_id: web::Path<String>) -> HttpResponse {
    let Some(index) = state.market.find_pair(VENUE, &product_id) else {
        let effects = state.venue_effects(VENUE);
        return finish(
            VENUE,
            effects,
            StatusCode::NOT_FOUND,
            json!({ "message": "NotFound" }),
        )
        .await;
    };
    let (entries, effects) = state.quotes(VENUE, &[index], Selection::One);
    let body = entries.first().map(body).unwrap_or(Value::Null);
    finish(VENUE, effects, StatusCode::OK, body).await
}

fn body(e: &Entry) -> Value {
    let q = &e.quote;
    let rfq = (q.day.volume / Decimal::ONE_HUNDRED).round_dp(format::QTY_DECIMALS);
    json!({
        "ask": q.ask.to_string(),
        "bid": q.bid.to_string(),
        "volume": q.day.volume.to_string(),
        "trade_id": q.last_trade_id,
        "price": q.last.to_string(),
        "size": q.last_qty.to_string(),
        "time": format::rfc3339_micros(q.time_ms),
        "rfq_volume": rfq.to_string(),
    })
}
