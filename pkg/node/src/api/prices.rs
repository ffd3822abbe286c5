//! `GET /api/v1/prices?symbol=&since=&limit=`: the consensus price series of a symbol (weighted
//! median of validated quotes per interval, with its confidence), oldest first.

use actix_web::{HttpResponse, web};
use mdn_protocol::Symbol;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::dto::rfc3339;
use super::error::{ApiError, ErrorBody};

/// Most points one request returns.
const MAX_POINTS: u32 = 5_000;

/// Query of `GET /api/v1/prices`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PricesParams {
    /// `BASE/QUOTE` (required; URL-encode the slash).
    symbol: Option<String>,
    /// Intervals starting at or after (ms since the epoch; default 0).
    since: Option<i64>,
    /// Most points (1..=5000; default 1000).
    limit: Option<u32>,
}

/// One consensus price of a symbol for one interval.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PricePointJson {
    /// `BASE/QUOTE`.
    symbol: String,
    /// Start of the interval (RFC 3339).
    interval_start: String,
    /// Start of the interval (ms since the epoch).
    interval_start_ms: i64,
    /// Consensus price (weighted median of validated quotes; decimal text).
    price: String,
    /// Dispersion of the contributing quotes (decimal text).
    confidence: String,
    /// Number of contributing sources.
    sources: u32,
}

/// Consensus prices, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PricePage {
    /// The points.
    items: Vec<PricePointJson>,
    /// Always `null` (no paging; use `since`).
    next: Option<String>,
}

/// The consensus price series of a symbol, oldest first.
#[utoipa::path(get, path = "/api/v1/prices", tag = "read", params(PricesParams),
    responses(
        (status = 200, body = PricePage),
        (status = 400, description = "Missing or invalid `symbol`, invalid `limit` (`bad_request`)", body = ErrorBody),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn prices(
    state: web::Data<ApiState>,
    params: web::Query<PricesParams>,
) -> Result<HttpResponse, ApiError> {
    let text = params
        .symbol
        .as_deref()
        .ok_or_else(|| ApiError::BadRequest("symbol is required, e.g. symbol=BTC%2FUSD".into()))?;
    let symbol = Symbol::parse(text)
        .map_err(|e| ApiError::BadRequest(format!("invalid symbol {text:?}: {e}")))?;
    let limit = params.limit.unwrap_or(1_000);
    if !(1..=MAX_POINTS).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "invalid limit {limit}: expected 1..={MAX_POINTS}"
        )));
    }
    let since = params.since.unwrap_or(0);
    let items: Vec<_> = state
        .store
        .prices(&symbol, since, limit)
        .await?
        .into_iter()
        .map(|p| PricePointJson {
            symbol: p.symbol.to_string(),
            interval_start: rfc3339(p.interval_start_ms),
            interval_start_ms: p.interval_start_ms,
            price: p.price.to_string(),
            confidence: p.confidence.to_string(),
            sources: p.sources,
        })
        .collect();
    Ok(HttpResponse::Ok().json(PricePage { items, next: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_serialises_with_the_documented_field_names() {
        let page = PricePage {
            items: vec![PricePointJson {
                symbol: "BTC/USD".into(),
                interval_start: rfc3339(60_000),
                interval_start_ms: 60_000,
                price: "100.5".into(),
                confidence: "0.1".into(),
                sources: 3,
            }],
            next: None,
        };
        let expected = serde_json::json!({"items": [{"symbol": "BTC/USD",
            "interval_start": rfc3339(60_000), "interval_start_ms": 60_000, "price": "100.5",
            "confidence": "0.1", "sources": 3}], "next": null});
        assert_eq!(serde_json::to_value(&page).expect("json"), expected);
    }
}
