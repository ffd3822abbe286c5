//! Shared scripts: `GET /api/v1/scripts` (installed; `?available=true`: the network's catalogue),
//! and, with the bearer token, `POST /api/v1/scripts` (publish a signed script),
//! `POST /api/v1/scripts/{hash}/install` and `POST /api/v1/scripts/{hash}/trust` (`?by=NAME`
//! records who did it; default `operator`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use mdn_protocol::Hash32;
use mdn_store::ScriptRecord;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::ApiState;
use super::changes::authorize;
use super::dto::rfc3339;
use super::error::{ApiError, ErrorBody};
use crate::script_share::{Available, ShareError, file_name, stored_announcement};

/// A [`ShareError`] as an API error (same JSON shape as [`ApiError`]).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub(crate) struct ShareApiError(#[from] ShareError);

impl ResponseError for ShareApiError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            ShareError::Refused(_) | ShareError::Malformed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ShareError::NotAnnounced(_) | ShareError::NotInstalled(_) => StatusCode::NOT_FOUND,
            ShareError::Unavailable { .. } => StatusCode::BAD_GATEWAY,
            ShareError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            ShareError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match &self.0 {
            ShareError::Refused(_) | ShareError::Malformed(_) => "script_refused",
            ShareError::NotAnnounced(_) | ShareError::NotInstalled(_) => "not_found",
            ShareError::Unavailable { .. } => "script_unavailable",
            ShareError::Store(_) => "store_unavailable",
            ShareError::Internal(_) => "internal",
        };
        HttpResponse::build(self.status_code())
            .json(json!({"error": {"code": code, "message": self.to_string()}}))
    }
}

/// Query of `GET /api/v1/scripts`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// `true`: the network's catalogue of announced scripts instead of the installed ones.
    available: Option<bool>,
}

/// Query of the install and trust changes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ByParams {
    /// Who does it (1-64 printable characters; default `operator`).
    by: Option<String>,
}

/// Body of `POST /api/v1/scripts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishBody {
    /// The signed announcement's canonical encoding, hex.
    announcement: String,
    /// The exact script text.
    body: String,
    /// Who publishes (recorded as the installer).
    by: Option<String>,
}

fn who(by: Option<String>) -> Result<String, ApiError> {
    let by = by.unwrap_or_else(|| "operator".to_owned());
    if by.is_empty() || by.len() > 64 || by.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "invalid by {by:?}: expected 1-64 printable characters"
        )));
    }
    Ok(by)
}

fn parse_hash(text: &str) -> Result<Hash32, ApiError> {
    Hash32::from_hex(text).map_err(|_| {
        ApiError::BadRequest(format!(
            "invalid script hash {text:?}: expected 64 hex digits"
        ))
    })
}

/// An installed script; `shadow`: whether it runs (when trusted) in shadow mode.
fn record_json(r: &ScriptRecord, shadow_new: bool) -> Value {
    let ann = stored_announcement(r);
    json!({
        "hash": r.hash.to_hex(),
        "name": r.name,
        "version": r.version,
        "author": r.author.map(|a| a.to_hex()),
        "description": ann.as_ref().map(|a| a.description.clone()).unwrap_or_default(),
        "symbols": ann.map(|a| a.symbols).unwrap_or_default(),
        "shadow": r.trusted && shadow_new,
        "file": format!("installed/{}", file_name(r)),
        "trusted": r.trusted,
        "installed_by": r.installed_by,
        "installed_at_ms": r.installed_at_ms,
        "installed_at": rfc3339(r.installed_at_ms),
        "trusted_by": r.trusted_by,
        "trusted_at_ms": r.trusted_at_ms,
        "trusted_at": r.trusted_at_ms.map(rfc3339),
    })
}

fn available_json(
    a: &Available,
    me: &mdn_protocol::PublicKey,
    scores: &[(String, f64)],
    shadow_new: bool,
) -> Value {
    let ann = &a.entry.announcement;
    let runs_here = a.installed.as_ref().is_some_and(|r| r.trusted);
    let mut sources: Vec<&str> = a.entry.sources.iter().map(String::as_str).collect();
    if runs_here && !sources.contains(&ann.name.as_str()) {
        sources.push(ann.name.as_str());
    }
    let running = a.entry.runners.len() + usize::from(runs_here && !a.entry.runners.contains(me));
    let matching: Vec<f64> = scores
        .iter()
        .filter(|(s, _)| sources.contains(&s.as_str()))
        .map(|(_, v)| *v)
        .collect();
    let score =
        (!matching.is_empty()).then(|| matching.iter().sum::<f64>() / matching.len() as f64);
    json!({
        "hash": ann.script_hash.to_hex(),
        "name": ann.name,
        "version": ann.version,
        "description": ann.description,
        "author": ann.author.to_hex(),
        "symbols": ann.symbols,
        "hosts": ann.hosts,
        "schedule": ann.schedule,
        "body_len": ann.body_len,
        "published_at_ms": ann.published_at_ms,
        "first_seen_ms": a.entry.first_seen_ms,
        "first_seen": rfc3339(a.entry.first_seen_ms),
        "validators_running": running,
        "sources": sources,
        "source_score": score,
        "installed": a.installed.is_some(),
        "trusted": runs_here,
        "record": a.installed.as_ref().map(|r| record_json(r, shadow_new)),
    })
}

/// Installed scripts, or (`?available=true`) the network's catalogue.
#[utoipa::path(get, path = "/api/v1/scripts", tag = "read", params(ListParams),
    responses(
        (status = 200, body = Object, description = "`{\"items\": [script], \"next\": null}`. \
            Installed script: `hash`, `name`, `version`, `author` (hex or null), `description`, `symbols`, `shadow`, \
            `file`, `trusted`, `installed_by`, `installed_at_ms`, `installed_at`, `trusted_by`, \
            `trusted_at_ms`, `trusted_at`. Catalogue entry \
            (`available=true`): `hash`, `name`, `version`, `description`, `author`, `symbols`, \
            `hosts`, `schedule`, `body_len`, `published_at_ms`, `first_seen_ms`, `first_seen`, \
            `validators_running`, `sources`, `source_score` (null if unscored), `installed`, \
            `trusted`, `record` (the installed script or null) (see docs/api.md)"),
        (status = 400, description = "Bad parameter (`bad_request`)", body = ErrorBody),
        (status = 500, description = "Internal error (`internal`)", body = ErrorBody),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn list(
    state: web::Data<ApiState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, actix_web::Error> {
    let shadow_new = state.scripts.shadow_new();
    if params.available.unwrap_or(false) {
        let available = state.scripts.available().await.map_err(ShareApiError)?;
        let scores: Vec<(String, f64)> = state
            .store
            .source_scores()
            .await
            .map_err(ApiError::from)?
            .into_iter()
            .map(|s| (s.source, s.score))
            .collect();
        let items: Vec<Value> = available
            .iter()
            .map(|a| available_json(a, &state.public_key, &scores, shadow_new))
            .collect();
        return Ok(HttpResponse::Ok().json(json!({"items": items, "next": null})));
    }
    let records = state.store.scripts().await.map_err(ApiError::from)?;
    let items: Vec<Value> = records.iter().map(|r| record_json(r, shadow_new)).collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "next": null})))
}

/// Publishes a signed script: installs it here and announces it to the network.
#[utoipa::path(post, path = "/api/v1/scripts", tag = "changes", request_body = PublishBody,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Object, description = "The installed script: `hash`, `name`, `version`, `author` (hex or null), `description`, `symbols`, `shadow`, \
            `file`, `trusted`, `installed_by`, `installed_at_ms`, `installed_at`, `trusted_by`, \
            `trusted_at_ms`, `trusted_at`, \
            and `announced` (whether the announcement was gossiped) (see docs/api.md)"),
        (status = 400, description = "Missing or malformed JSON body, announcement not hex or invalid `by` (`bad_request`)", body = ErrorBody),
        (status = 401, description = "Missing or wrong token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No `api.token` configured (`forbidden`)", body = ErrorBody),
        (status = 422, description = "Announcement malformed or refused, e.g. bad signature or hash mismatch (`script_refused`)", body = ErrorBody),
        (status = 500, description = "Internal error (`internal`)", body = ErrorBody),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn publish(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: web::Json<PublishBody>,
) -> Result<HttpResponse, actix_web::Error> {
    authorize(&req, &state)?;
    let body = body.into_inner();
    let by = who(body.by)?;
    let announcement = hex::decode(&body.announcement)
        .map_err(|e| ApiError::BadRequest(format!("invalid announcement: expected hex ({e})")))?;
    let published = state
        .scripts
        .publish(&announcement, &body.body, &by)
        .await
        .map_err(ShareApiError)?;
    let mut out = record_json(&published.record, state.scripts.shadow_new());
    out["announced"] = json!(published.announced);
    Ok(HttpResponse::Ok().json(out))
}

/// Installs an announced script (fetched from a peer that has it); it does not run until trusted.
#[utoipa::path(post, path = "/api/v1/scripts/{hash}/install", tag = "changes",
    params(("hash" = String, Path, description = "Script hash (64 hex digits)"), ByParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Object, description = "The installed script: `hash`, `name`, `version`, `author` (hex or null), `description`, `symbols`, `shadow`, \
            `file`, `trusted`, `installed_by`, `installed_at_ms`, `installed_at`, `trusted_by`, \
            `trusted_at_ms`, `trusted_at` (see docs/api.md)"),
        (status = 400, description = "Malformed hash or invalid `by` (`bad_request`)", body = ErrorBody),
        (status = 401, description = "Missing or wrong token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No `api.token` configured (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Not announced (`not_found`)", body = ErrorBody),
        (status = 422, description = "Fetched script refused (`script_refused`)", body = ErrorBody),
        (status = 502, description = "No peer could serve the script (`script_unavailable`)", body = ErrorBody),
        (status = 500, description = "Internal error (`internal`)", body = ErrorBody),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn install(
    req: HttpRequest,
    state: web::Data<ApiState>,
    hash: web::Path<String>,
    params: web::Query<ByParams>,
) -> Result<HttpResponse, actix_web::Error> {
    authorize(&req, &state)?;
    let hash = parse_hash(&hash)?;
    let by = who(params.into_inner().by)?;
    let record = state
        .scripts
        .install(hash, &by)
        .await
        .map_err(ShareApiError)?;
    Ok(HttpResponse::Ok().json(record_json(&record, state.scripts.shadow_new())))
}

/// Trusts an installed script: it starts running (in shadow mode if `scripts.shadow_new`).
#[utoipa::path(post, path = "/api/v1/scripts/{hash}/trust", tag = "changes",
    params(("hash" = String, Path, description = "Script hash (64 hex digits)"), ByParams),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Object, description = "The installed script: `hash`, `name`, `version`, `author` (hex or null), `description`, `symbols`, `shadow`, \
            `file`, `trusted`, `installed_by`, `installed_at_ms`, `installed_at`, `trusted_by`, \
            `trusted_at_ms`, `trusted_at` (see docs/api.md)"),
        (status = 400, description = "Malformed hash or invalid `by` (`bad_request`)", body = ErrorBody),
        (status = 401, description = "Missing or wrong token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No `api.token` configured (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Not installed (`not_found`)", body = ErrorBody),
        (status = 422, description = "Script refused (`script_refused`)", body = ErrorBody),
        (status = 500, description = "Internal error (`internal`)", body = ErrorBody),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn trust(
    req: HttpRequest,
    state: web::Data<ApiState>,
    hash: web::Path<String>,
    params: web::Query<ByParams>,
) -> Result<HttpResponse, actix_web::Error> {
    authorize(&req, &state)?;
    let hash = parse_hash(&hash)?;
    let by = who(params.into_inner().by)?;
    let record = state
        .scripts
        .trust(hash, &by)
        .await
        .map_err(ShareApiError)?;
    Ok(HttpResponse::Ok().json(record_json(&record, state.scripts.shadow_new())))
}
