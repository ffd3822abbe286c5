//! OKX API v5: `GET /api/v5/market/tickers?instType=SPOT` (all) and
//! `GET /api/v5/market/ticker?instId=BTC-USD` (one), in the `{"code","msg","data":[..]}` envelope.
//! Unknown instruments: HTTP 200 `{"code":"51001","msg":"Instrument ID does not exist","data":[]}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::query_params;
use super::respond::finish;
use super::state::{Entry, Selection, State};
use crate::venue::Venue;

const VENUE: Venue = Venue::Okx;
/// Instrument types OKX knows; only SPOT has instruments here.
const INST_TYPES: [&str; 5] = ["SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION"];

/// Registers the OKX routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v5/market/tickers", web::get().to(tickers))
        .route("/api/v5/market/ticker", web::get().to(ticker));
}

fn envelope(code: &str, msg: &str, data: Vec<Value>) -> Value {
    json!({ "code": code, "msg": msg, "data": data })
}

async fn tickers(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let params = query_params(&req).unwrap_or_default();
    let inst_type = params.get("instType").map(|t| t.to_uppercase());
    let body = match inst_type.as_deref() {
        None | Some("") => envelope("50014", "Parameter instType can not be empty.", vec![]),
        Some("SPOT") => {
            let indices: Vec<usize> = (0..state.market.symbols().len()).collect();
            let (entries, effects) = state.quotes(VENUE, &indices, Selection::All);
            let data = entries.iter().map(|e| data(&state, e)).collect();
            return finish(VENUE, effects, StatusCode::OK, envelope("0", "", data)).await;
        }
        Some(t) if INST_TYPES.contains(&t) => envelope("0", "", vec![]),
        Some(_) => envelope("51000", "Parameter instType error", vec![]),
    };
    let status = if body["code"] == "0" {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    finish(VENUE, state.venue_effects(VENUE), status, body).await
}

async fn ticker(state: web::Data<State>, req: HttpRequest) -> HttpResponse {
    let params = query_params(&req).unwrap_or_default();
    let inst_id = params.get("instId").map(String::as_str).unwrap_or_default();
    let Some(index) = state.market.find_pair(VENUE, inst_id) else {
        let body = envelope("51001", "Instrument ID does not exist", vec![]);
        return finish(VENUE, state.venue_effects(VENUE), StatusCode::OK, body).await;
    };
    let (entries, effects) = state.quotes(VENUE, &[index], Selection::One);
    let data = entries.iter().map(|e| data(&state, e)).collect();
    finish(VENUE, effects, StatusCode::OK, envelope("0", "", data)).await
}

fn data(state: &State, e: &Entry) -> Value {
    let q = &e.quote;
    let base = state
        .market
        .symbol(e.index)
        .map(|s| s.asset.base.as_str())
        .unwrap_or_default();
    json!({
        "instType": "SPOT",
        "instId": VENUE.pair_name(base),
        "last": q.last.to_string(),
        "lastSz": q.last_qty.to_string(),
        "askPx": q.ask.to_string(),
        "askSz": q.ask_qty.to_string(),
        "bidPx": q.bid.to_string(),
        "bidSz": q.bid_qty.to_string(),
        "open24h": q.day.open.to_string(),
        "high24h": q.day.high.to_string(),
        "low24h": q.day.low.to_string(),
        "volCcy24h": q.day.quote_volume.to_string(),
        "vol24h": q.day.volume.to_string(),
        "ts": q.time_ms.to_string(),
        "sodUtc0": q.today.open.to_string(),
        "sodUtc8": q.open_utc8.to_string(),
    })
}
