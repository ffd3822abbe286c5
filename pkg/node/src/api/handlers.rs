//! Request handlers. Thin: parse parameters, ask the store or the actors, shape JSON.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use mdn_protocol::{Encode, Hash32, Outcome, Symbol, Verdict};
use mdn_store::{DecisionCursor, DecisionQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiState;
use super::dto::{
    CountersJson, CountsJson, HealthJson, LatencyJson, QuoteDetailJson, QuoteJson, QuotePage,
    StageLatencyJson, StatusJson, ValidatorJson, VoteJson, peer_id_text,
};
use super::error::{ApiError, ErrorBody, error_response};
use crate::clock::now_ms;

/// Liveness: answers while the process runs.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "Alive", body = HealthJson)))]
pub(crate) async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthJson {
        status: "ok".into(),
        connected_peers: None,
    })
}

/// Readiness: the store answers and a peer is connected (or this node is alone in its set).
#[utoipa::path(get, path = "/ready", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = HealthJson),
        (status = 503, description = "`store_unavailable` or `no_peers`", body = ErrorBody)))]
pub(crate) async fn ready(state: web::Data<ApiState>) -> HttpResponse {
    if let Err(err) = state.store.ping().await {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            err.to_string(),
        );
    }
    let connected = state
        .network
        .connected_peers()
        .await
        .unwrap_or_default()
        .len();
    let alone = state.validators.len() == 1 && state.validators.contains(&state.public_key);
    if connected == 0 && !alone {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_peers",
            "no peer connected",
        );
    }
    HttpResponse::Ok().json(HealthJson {
        status: "ready".into(),
        connected_peers: Some(connected),
    })
}

/// This node, its validator set, decision counts, counters and decision latency.
#[utoipa::path(get, path = "/api/v1/status", tag = "read",
    responses(
        (status = 200, body = StatusJson),
        (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub(crate) async fn status(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let counts = state.store.decision_counts().await?;
    let connected = state.network.connected_peers().await.unwrap_or_default();
    let connected: Vec<String> = connected.iter().map(ToString::to_string).collect();
    let validators = state
        .validators
        .keys()
        .iter()
        .map(|k| {
            let peer_id = peer_id_text(k);
            let connected = *k == state.public_key || connected.contains(&peer_id);
            ValidatorJson {
                key: k.to_hex(),
                peer_id,
                connected,
            }
        })
        .collect();
    let c = &state.telemetry.counters;
    let counters = CountersJson::from(c.as_ref());
    let latency = LatencyJson {
        buckets_ms: crate::latency::BOUNDS_MS.to_vec(),
        counts: c.decision_latency.snapshot(),
        sum_ms: c.decision_latency.sum_ms(),
    };
    let stage_latency = StageLatencyJson {
        received: c.stages.received.as_ref().into(),
        voted: c.stages.voted.as_ref().into(),
        decided: c.stages.decided.as_ref().into(),
    };
    Ok(HttpResponse::Ok().json(StatusJson {
        network_id: state.network_id.clone(),
        peer_id: state.peer_id.clone(),
        public_key: state.public_key.to_hex(),
        is_validator: state.validators.contains(&state.public_key),
        connected_peers: connected,
        validators,
        quorum_threshold: state.validators.threshold(),
        decisions: CountsJson {
            validated: counts.validated,
            rejected: counts.rejected,
            expired: counts.expired,
        },
        counters,
        latency,
        stage_latency,
        uptime_secs: (now_ms() - state.started_at_ms) / 1000,
    }))
}

/// Filters and paging of `GET /api/v1/quotes`. Numbers arrive as text so a bad one gets a
/// message naming the parameter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct QuotesParams {
    /// `BASE/QUOTE` (URL-encode the slash).
    symbol: Option<String>,
    /// Source name.
    source: Option<String>,
    /// `validated`, `rejected` or `expired`.
    status: Option<String>,
    /// Observed at or after (ms since the epoch).
    #[param(value_type = Option<i64>)]
    since: Option<String>,
    /// Observed before (ms since the epoch).
    #[param(value_type = Option<i64>)]
    until: Option<String>,
    /// The `next` of the previous page.
    cursor: Option<String>,
    /// 1..=1000, default 100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// Parses an optional number parameter, naming it in the error.
fn number<T: std::str::FromStr>(name: &str, value: Option<&str>) -> Result<Option<T>, ApiError> {
    value
        .map(|v| {
            v.parse().map_err(|_| {
                ApiError::BadRequest(format!("invalid {name} {v:?}: expected an integer"))
            })
        })
        .transpose()
}

fn parse_outcome(s: &str) -> Result<Outcome, ApiError> {
    match s {
        "validated" => Ok(Outcome::Validated),
        "rejected" => Ok(Outcome::Rejected),
        "expired" => Ok(Outcome::Expired),
        other => Err(ApiError::BadRequest(format!(
            "invalid status {other:?}: expected validated, rejected or expired"
        ))),
    }
}

/// Decided quotes, newest observed first, filtered and paged.
#[utoipa::path(get, path = "/api/v1/quotes", tag = "read", params(QuotesParams),
    responses(
        (status = 200, body = QuotePage),
        (status = 400, description = "Bad parameter (`bad_request`)", body = ErrorBody),
        (status = 503, description = "Store unavailable", body = ErrorBody)))]
pub(crate) async fn quotes(
    state: web::Data<ApiState>,
    params: web::Query<QuotesParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let max = mdn_store::MAX_PAGE;
    let limit = match p.limit.as_deref() {
        None => 100,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!("invalid limit {v:?}: expected 1..={max}"))
            })?,
    };
    let query = DecisionQuery {
        symbol: p
            .symbol
            .map(|s| Symbol::parse(&s))
            .transpose()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?,
        source: p.source,
        outcome: p.status.as_deref().map(parse_outcome).transpose()?,
        since_ms: number("since", p.since.as_deref())?,
        until_ms: number("until", p.until.as_deref())?,
        after: p
            .cursor
            .map(|c| {
                c.parse::<DecisionCursor>().map_err(|_| {
                    ApiError::BadRequest(format!(
                        "invalid cursor {c:?}: pass the `next` of the previous page"
                    ))
                })
            })
            .transpose()?,
        limit,
        // The list shows no certificate (`/api/v1/quotes/{id}` does): rebuilding them was
        // most of a listing's cost.
        certificates: false,
    };
    let page = state.store.list_decisions(&query).await?;
    let quarantine = state.reputation.quarantine_check();
    let items: Vec<QuoteJson> = page
        .items
        .iter()
        .map(|s| QuoteJson::from_decision(s.seq, &s.decision).flag_quarantine(&quarantine))
        .collect();
    Ok(HttpResponse::Ok().json(QuotePage {
        items,
        next: page.next.map(|c| c.to_string()),
    }))
}

/// One quote with its votes, certificate and canonical bytes.
#[utoipa::path(get, path = "/api/v1/quotes/{id}", tag = "read",
    params(("id" = String, Path, description = "Quote id (64 hex digits)")),
    responses(
        (status = 200, body = QuoteDetailJson),
        (status = 400, description = "Malformed id (`bad_request`)", body = ErrorBody),
        (status = 404, description = "Unknown id (`not_found`)", body = ErrorBody)))]
pub(crate) async fn quote(
    state: web::Data<ApiState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = Hash32::from_hex(&id).map_err(|_| {
        ApiError::BadRequest(format!("invalid quote id {id:?}: expected 64 hex digits"))
    })?;
    let stored = state
        .store
        .decision(&id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no quote with id {id}")))?;
    let d = &stored.decision;
    let votes = d
        .certificate
        .iter()
        .flat_map(|c| c.entries.iter())
        .map(|e| VoteJson {
            voter: peer_id_text(&e.header.voter),
            voter_key: e.header.voter.to_hex(),
            verdict: Verdict::Accept,
            batch_seq: e.header.seq,
        })
        .collect();
    Ok(HttpResponse::Ok().json(QuoteDetailJson {
        quote: QuoteJson::from_decision(stored.seq, d)
            .flag_quarantine(state.reputation.quarantine_check()),
        votes,
        certificate: d.certificate.clone(),
        quote_bytes: hex::encode(d.quote.encode_to_vec()),
    }))
}
