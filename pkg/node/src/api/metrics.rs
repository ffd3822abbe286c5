//! `GET /metrics`: the node's Prometheus metrics in the OpenMetrics text format.

use actix_web::{HttpResponse, web};

use super::ApiState;

/// Content type of the OpenMetrics text format (Prometheus reads it).
pub(crate) const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Prometheus metrics (counters, histograms, gauges; see `docs/api.md`).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text", body = String))
)]
pub(crate) async fn metrics(state: web::Data<ApiState>) -> HttpResponse {
    let peers = state
        .network
        .connected_peers()
        .await
        .map(|p| p.len())
        .unwrap_or(0);
    let metrics = &state.telemetry.metrics;
    metrics
        .connected_peers
        .set(i64::try_from(peers).unwrap_or(i64::MAX));
    HttpResponse::Ok()
        .content_type(OPENMETRICS)
        .body(metrics.encode())
}
