//! Service endpoints: `GET /health`, `GET /symbols` (market symbols and mid prices), and the fault
//! admin API `POST /admin/faults`, `GET /admin/faults`, `DELETE /admin/faults`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::respond::json;
use super::state::State;
use crate::fault::{FaultKind, FaultSpec, normalize_symbol};
use crate::format;

/// Registers the service and admin routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/symbols", web::get().to(symbols))
        .route("/admin/faults", web::post().to(add_fault))
        .route("/admin/faults", web::get().to(list_faults))
        .route("/admin/faults", web::delete().to(clear_faults));
}

async fn health(state: web::Data<State>) -> HttpResponse {
    let body = json!({
        "status": "ok",
        "tick": state.tick(),
        "symbols": state.market.symbols().len(),
        "venues": crate::Venue::ALL.map(|v| v.name()),
    });
    json(StatusCode::OK, &body)
}

async fn symbols(state: web::Data<State>) -> HttpResponse {
    let tick = state.tick();
    let list: Vec<Value> = state
        .market
        .symbols()
        .iter()
        .enumerate()
        .map(|(i, s)| json!({ "symbol": s.symbol, "mid": format::price(state.market.mid(i, tick)).to_string() }))
        .collect();
    json(StatusCode::OK, &Value::Array(list))
}

/// Body of `POST /admin/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    /// Venue name.
    venue: String,
    /// Market symbol, or absent for the whole venue.
    #[serde(default)]
    symbol: Option<String>,
    /// Fault kind.
    kind: String,
    /// Value of `offset` (`"5%"`, `5`) or `slow` (`"2s"`, `"500ms"`).
    #[serde(default)]
    value: Option<Value>,
}

fn bad_request(message: String) -> HttpResponse {
    json(StatusCode::BAD_REQUEST, &json!({ "error": message }))
}

fn parse_request(body: &[u8]) -> Result<FaultSpec, String> {
    let req: FaultRequest = serde_json::from_slice(body).map_err(|e| {
        format!("expected a JSON object {{\"venue\",\"symbol\"?,\"kind\",\"value\"?}}: {e}")
    })?;
    let value = match &req.value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => return Err(format!("value: expected a string or a number, got {other}")),
    };
    Ok(FaultSpec {
        venue: req.venue.parse().map_err(|e| format!("{e}"))?,
        symbol: req
            .symbol
            .as_deref()
            .map(normalize_symbol)
            .transpose()
            .map_err(|e| e.to_string())?,
        kind: FaultKind::parse(&req.kind, value.as_deref()).map_err(|e| e.to_string())?,
    })
}

fn fault_json(spec: &FaultSpec, set_at_tick: i64) -> Value {
    json!({
        "venue": spec.venue.name(),
        "symbol": spec.symbol,
        "kind": spec.kind.name(),
        "value": spec.kind.value(),
        "set_at_tick": set_at_tick,
        "spec": spec.to_string(),
    })
}

async fn add_fault(state: web::Data<State>, body: web::Bytes) -> HttpResponse {
    let spec = match parse_request(&body) {
        Ok(spec) => spec,
        Err(message) => return bad_request(message),
    };
    if let Err(e) = state.set_fault(spec.clone()) {
        return bad_request(e.to_string());
    }
    let set = state
        .faults()
        .into_iter()
        .find(|(s, _)| s.venue == spec.venue && s.symbol == spec.symbol);
    let body = set
        .map(|(s, tick)| fault_json(&s, tick))
        .unwrap_or(Value::Null);
    json(StatusCode::CREATED, &body)
}

async fn list_faults(state: web::Data<State>) -> HttpResponse {
    let list: Vec<Value> = state
        .faults()
        .iter()
        .map(|(s, t)| fault_json(s, *t))
        .collect();
    json(StatusCode::OK, &Value::Array(list))
}

async fn clear_faults(state: web::Data<State>) -> HttpResponse {
    json(StatusCode::OK, &json!({ "cleared": state.clear_faults() }))
}
