//! Request handlers. Thin: parse parameters, ask the store or the actors, shape JSON.

use actix_web::{HttpResponse, web};
use mdn_protocol::{Encode, Hash32, Outcome, Symbol, Verdict};
use mdn_store::{DecisionCursor, DecisionQuery};
use serde::Deserialize;
use serde_json::json;

use super::ApiState;
use super::dto::{
    CountsJson, QuoteDetailJson, QuoteJson, StatusJson, ValidatorJson, VoteJson, peer_id_text,
};
use super::error::ApiError;
use crate::clock::now_ms;
use crate::events::Counters;
use crate::messages::GetScheduleState;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/ready", web::get().to(ready))
        .service(
            web::scope("/api/v1")
                .route("/status", web::get().to(status))
                .route("/peers", web::get().to(super::peers::peers))
                .route("/symbols", web::get().to(super::peers::symbols))
                .route("/quotes", web::get().to(quotes))
                .route("/quotes/{id}", web::get().to(quote))
                .route("/sources", web::get().to(sources))
                .route(
                    "/sources/{name}/pause",
                    web::post().to(super::changes::pause),
                )
                .route(
                    "/sources/{name}/resume",
                    web::post().to(super::changes::resume),
                )
                .route("/stream", web::get().to(super::stream::stream)),
        );
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: the store answers and this node can reach a quorum's worth of validators.
async fn ready(state: web::Data<ApiState>) -> HttpResponse {
    if let Err(err) = state.store.ping().await {
        return HttpResponse::ServiceUnavailable()
            .json(json!({"error": {"code": "store_unavailable", "message": err.to_string()}}));
    }
    let connected = state
        .network
        .connected_peers()
        .await
        .unwrap_or_default()
        .len();
    let alone = state.validators.len() == 1 && state.validators.contains(&state.public_key);
    if connected == 0 && !alone {
        return HttpResponse::ServiceUnavailable()
            .json(json!({"error": {"code": "no_peers", "message": "no peer connected"}}));
    }
    HttpResponse::Ok().json(json!({"status": "ready", "connected_peers": connected}))
}

async fn status(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
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
    let counters = json!({
        "proposed": Counters::get(&c.proposed),
        "validated": Counters::get(&c.validated),
        "rejected": Counters::get(&c.rejected),
        "expired": Counters::get(&c.expired),
        "votes_sent": Counters::get(&c.votes_sent),
        "votes_received": Counters::get(&c.votes_received),
        "equivocations": Counters::get(&c.equivocations),
        "gossip_rejected": Counters::get(&c.gossip_rejected),
        "gossip_ignored": Counters::get(&c.gossip_ignored),
        "synced": Counters::get(&c.synced),
        "run_failures": Counters::get(&c.run_failures),
    });
    let latency = json!({
        "buckets_ms": crate::latency::BOUNDS_MS,
        "counts": c.decision_latency.snapshot(),
    });
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
        uptime_secs: (now_ms() - state.started_at_ms) / 1000,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuotesParams {
    symbol: Option<String>,
    source: Option<String>,
    status: Option<String>,
    since: Option<i64>,
    until: Option<i64>,
    cursor: Option<String>,
    limit: Option<u32>,
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

async fn quotes(
    state: web::Data<ApiState>,
    params: web::Query<QuotesParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    let limit = p.limit.unwrap_or(100);
    if !(1..=mdn_store::MAX_PAGE).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "invalid limit {limit}: expected 1..={}",
            mdn_store::MAX_PAGE
        )));
    }
    let query = DecisionQuery {
        symbol: p
            .symbol
            .map(|s| Symbol::parse(&s))
            .transpose()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?,
        source: p.source,
        outcome: p.status.as_deref().map(parse_outcome).transpose()?,
        since_ms: p.since,
        until_ms: p.until,
        after: p
            .cursor
            .map(|c| c.parse::<DecisionCursor>())
            .transpose()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?,
        limit,
    };
    let page = state.store.list_decisions(&query).await?;
    let items: Vec<QuoteJson> = page
        .items
        .iter()
        .map(|s| QuoteJson::from_decision(s.seq, &s.decision))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "next": page.next.map(|c| c.to_string())})))
}

async fn quote(
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
        quote: QuoteJson::from_decision(stored.seq, d),
        votes,
        certificate: d.certificate.clone(),
        quote_bytes: hex::encode(d.quote.encode_to_vec()),
    }))
}

async fn sources(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let runs = state
        .scheduler
        .send(GetScheduleState)
        .await
        .unwrap_or_default();
    let events = state.store.source_events(None, 200).await?;
    let items: Vec<_> = runs
        .into_iter()
        .map(|r| {
            let last = events.iter().find(|e| e.source == r.source);
            json!({
                "name": r.source,
                "schedule": r.schedule,
                "paused": r.paused,
                "running": r.running,
                "runs": r.runs,
                "missed": r.missed,
                "shadow": r.shadow,
                "last_event": last.map(|e| json!({
                    "kind": e.kind.name(),
                    "at_ms": e.at_ms,
                    "duration_ms": e.duration_ms,
                    "detail": format!("{:?}", e.kind),
                })),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "next": null})))
}
