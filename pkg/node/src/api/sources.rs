//! `GET /api/v1/sources`: every configured source with its schedule state, last run, status and
//! scores (this node's view and the network's, overall and per symbol);
//! `GET /api/v1/sources/{name}/scores?symbol=&since=`: its score history.

use actix_web::{HttpResponse, web};
use mdn_protocol::Symbol;
use mdn_reputation::SourceView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::dto::rfc3339;
use super::error::{ApiError, ErrorBody};
use crate::messages::GetScheduleState;

/// A score in this node's view and the network's (median of the validators' reports).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScoreJson {
    /// This node's score, null until scored.
    local: Option<f64>,
    /// The network's, null if no validator reported it.
    network: Option<f64>,
}

impl ScoreJson {
    fn of(v: &SourceView) -> Self {
        Self {
            local: v.local,
            network: v.network,
        }
    }
}

/// A source's score on one symbol.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SymbolScoreJson {
    /// `BASE/QUOTE`.
    symbol: String,
    /// The score.
    score: ScoreJson,
    /// Whether the source is quarantined on this symbol.
    quarantined: bool,
}

/// The source's latest event.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LastEventJson {
    /// Event kind (e.g. `run_ok`).
    kind: String,
    /// When (ms since the epoch).
    at_ms: i64,
    /// Run duration (ms).
    duration_ms: i64,
    /// The event in full (debug text).
    detail: String,
}

/// A configured source.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SourceJson {
    /// Source name.
    name: String,
    /// Cron schedule text.
    schedule: String,
    /// Paused by the operator.
    paused: bool,
    /// A run is in progress.
    running: bool,
    /// Runs started.
    runs: u64,
    /// Ticks skipped.
    missed: u64,
    /// How long after each cron time this node runs the source (`scripts.splay_ms` spreads
    /// sources and nodes over that window).
    splay_offset_ms: i64,
    /// When the next run is due (ms since the epoch); null while paused.
    next_run_at_ms: Option<i64>,
    /// Runs in shadow mode (scored, never in the consensus price).
    shadow: bool,
    /// `active`, `shadow`, `paused` or `quarantined`.
    status: String,
    /// Quarantined as a whole.
    quarantined: bool,
    /// Overall score.
    score: ScoreJson,
    /// Share of its quotes validated (null until scored).
    acceptance: Option<f64>,
    /// Closeness to consensus (null until scored).
    deviation: Option<f64>,
    /// Freshness (null until scored).
    staleness: Option<f64>,
    /// Run success rate (null until scored).
    reliability: Option<f64>,
    /// Scores per symbol.
    symbols: Vec<SymbolScoreJson>,
    /// Latest event, null if none.
    last_event: Option<LastEventJson>,
}

/// Every configured source.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SourcePage {
    /// The sources.
    items: Vec<SourceJson>,
    /// Always `null` (no paging).
    next: Option<String>,
}

/// Every configured source with its schedule state, status and scores.
#[utoipa::path(get, path = "/api/v1/sources", tag = "read",
    responses(
        (status = 200, body = SourcePage),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn sources(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let runs = state
        .scheduler
        .send(GetScheduleState)
        .await
        .unwrap_or_default();
    let events = state.store.source_events(None, 200).await?;
    let views = state.reputation.get().sources;
    let items: Vec<_> = runs
        .into_iter()
        .map(|r| {
            let last = events.iter().find(|e| e.source == r.source);
            let own: Vec<&SourceView> = views.iter().filter(|v| v.key.0 == r.source).collect();
            let whole = own.iter().find(|v| v.key.1.is_none());
            let quarantined = whole.is_some_and(|v| v.quarantined);
            let status = if r.paused {
                "paused"
            } else if quarantined {
                "quarantined"
            } else if r.shadow {
                "shadow"
            } else {
                "active"
            };
            let parts = whole.and_then(|v| v.parts);
            SourceJson {
                status: status.to_owned(),
                quarantined,
                score: whole.map_or(
                    ScoreJson {
                        local: None,
                        network: None,
                    },
                    |v| ScoreJson::of(v),
                ),
                acceptance: parts.map(|p| p.acceptance),
                deviation: parts.map(|p| p.closeness),
                staleness: parts.map(|p| p.freshness),
                reliability: parts.map(|p| p.reliability),
                symbols: own
                    .iter()
                    .filter_map(|v| {
                        let symbol = v.key.1.as_ref()?;
                        Some(SymbolScoreJson {
                            symbol: symbol.to_string(),
                            score: ScoreJson::of(v),
                            quarantined: v.quarantined,
                        })
                    })
                    .collect(),
                last_event: last.map(|e| LastEventJson {
                    kind: e.kind.name().to_owned(),
                    at_ms: e.at_ms,
                    duration_ms: e.duration_ms,
                    detail: format!("{:?}", e.kind),
                }),
                name: r.source,
                schedule: r.schedule,
                paused: r.paused,
                running: r.running,
                runs: r.runs,
                missed: r.missed,
                splay_offset_ms: r.splay_offset_ms,
                next_run_at_ms: r.next_run_at_ms,
                shadow: r.shadow,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(SourcePage { items, next: None }))
}

/// Query of `GET /api/v1/sources/{name}/scores`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct HistoryParams {
    /// `BASE/QUOTE` (URL-encode the slash); absent or empty: the source as a whole.
    symbol: Option<String>,
    /// Scores computed at or after (ms since the epoch; default 0).
    since: Option<i64>,
}

/// One recorded score of a source.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScorePointJson {
    /// When it was computed (RFC 3339).
    at: String,
    /// When it was computed (ms since the epoch).
    at_ms: i64,
    /// Overall score (this node's view).
    score: f64,
    /// The network's view (median of the validators' reports), null if none reported it.
    network_score: Option<f64>,
    /// Share of the source's quotes that were validated.
    acceptance: f64,
    /// Closeness to consensus (1 = on consensus).
    deviation: f64,
    /// Freshness (1 = always fresh).
    staleness: f64,
    /// Run success rate (1 = never fails).
    reliability: f64,
    /// Whether the source was quarantined.
    quarantined: bool,
}

/// A source's score history, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ScoreHistoryPage {
    /// The scores.
    items: Vec<ScorePointJson>,
    /// Always `null` (no paging; use `since`).
    next: Option<String>,
}

/// Score history of one source (as a whole, or on one symbol), oldest first.
#[utoipa::path(get, path = "/api/v1/sources/{name}/scores", tag = "read",
    params(("name" = String, Path, description = "Source name"), HistoryParams),
    responses(
        (status = 200, body = ScoreHistoryPage),
        (status = 400, description = "Invalid `symbol` (`bad_request`)", body = ErrorBody),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn score_history(
    state: web::Data<ApiState>,
    name: web::Path<String>,
    params: web::Query<HistoryParams>,
) -> Result<HttpResponse, ApiError> {
    let symbol = match params.symbol.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            Symbol::parse(text)
                .map_err(|e| ApiError::BadRequest(format!("invalid symbol {text:?}: {e}")))?,
        ),
    };
    let symbol_text = symbol.as_ref().map(ToString::to_string);
    let rows = state
        .store
        .source_score_history(&name, symbol_text.as_deref(), params.since.unwrap_or(0))
        .await?;
    let items: Vec<_> = rows
        .into_iter()
        .map(|s| ScorePointJson {
            at: rfc3339(s.updated_at_ms),
            at_ms: s.updated_at_ms,
            score: s.score,
            network_score: s.network_score,
            acceptance: s.acceptance,
            deviation: s.deviation,
            staleness: s.staleness,
            reliability: s.reliability,
            quarantined: s.quarantined,
        })
        .collect();
    Ok(HttpResponse::Ok().json(ScoreHistoryPage { items, next: None }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_source_serialises_with_the_documented_field_names() {
        let source = SourceJson {
            name: "kraken".into(),
            schedule: "*/5 * * * * *".into(),
            paused: false,
            running: true,
            runs: 4,
            missed: 1,
            splay_offset_ms: 420,
            next_run_at_ms: Some(5_420),
            shadow: false,
            status: "active".into(),
            quarantined: false,
            score: ScoreJson {
                local: Some(0.5),
                network: None,
            },
            acceptance: Some(1.0),
            deviation: None,
            staleness: None,
            reliability: None,
            symbols: vec![SymbolScoreJson {
                symbol: "BTC/USD".into(),
                score: ScoreJson {
                    local: None,
                    network: Some(0.25),
                },
                quarantined: true,
            }],
            last_event: Some(LastEventJson {
                kind: "run_ok".into(),
                at_ms: 9,
                duration_ms: 2,
                detail: "RunOk".into(),
            }),
        };
        let expected = json!({"name": "kraken", "schedule": "*/5 * * * * *", "paused": false,
            "running": true, "runs": 4, "missed": 1, "splay_offset_ms": 420,
            "next_run_at_ms": 5420, "shadow": false, "status": "active",
            "quarantined": false, "score": {"local": 0.5, "network": null}, "acceptance": 1.0,
            "deviation": null, "staleness": null, "reliability": null,
            "symbols": [{"symbol": "BTC/USD", "score": {"local": null, "network": 0.25},
                "quarantined": true}],
            "last_event": {"kind": "run_ok", "at_ms": 9, "duration_ms": 2, "detail": "RunOk"}});
        assert_eq!(serde_json::to_value(&source).expect("json"), expected);
    }

    #[test]
    fn a_score_serialises_with_the_documented_field_names() {
        let page = ScoreHistoryPage {
            items: vec![ScorePointJson {
                at: rfc3339(5_000),
                at_ms: 5_000,
                score: 0.5,
                network_score: None,
                acceptance: 0.25,
                deviation: 1.0,
                staleness: 0.75,
                reliability: 1.0,
                quarantined: true,
            }],
            next: None,
        };
        let expected = json!({"items": [{"at": rfc3339(5_000), "at_ms": 5_000, "score": 0.5,
            "network_score": null, "acceptance": 0.25, "deviation": 1.0, "staleness": 0.75,
            "reliability": 1.0, "quarantined": true}], "next": null});
        assert_eq!(serde_json::to_value(&page).expect("json"), expected);
    }
}
