//! Operator changes: `POST /api/v1/sources/{name}/pause`, `/resume` and `/promote` (leave shadow
//! mode). They need
//! `Authorization: Bearer <api.token>` (compared in constant time); without a configured token,
//! changes are disabled (403).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use subtle::ConstantTimeEq;

use super::ApiState;
use super::dto::{PausedJson, ShadowJson};
use super::error::{ApiError, ErrorBody};
use crate::messages::{SetPaused, SetShadow};

/// Checks the request's bearer token against the configured one.
pub(crate) fn authorize(req: &HttpRequest, state: &ApiState) -> Result<(), ApiError> {
    let Some(expected) = state.token.as_deref() else {
        return Err(ApiError::Forbidden(
            "changes are disabled: no api.token is configured".into(),
        ));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer <token>".into()))?;
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized("wrong token".into()))
    }
}

/// Sends a change about source `name` to the scheduler; 404 when it has no such source.
async fn ask_scheduler<M>(state: &ApiState, name: &str, msg: M) -> Result<(), ApiError>
where
    M: actix::Message<Result = bool> + Send + 'static,
    crate::scheduler::Scheduler: actix::Handler<M>,
{
    let found = state
        .scheduler
        .send(msg)
        .await
        .map_err(|e| ApiError::Unavailable(format!("scheduler: {e}")))?;
    if found {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!("no source named {name:?}")))
    }
}

async fn set_paused(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
    paused: bool,
) -> Result<HttpResponse, ApiError> {
    authorize(&req, &state)?;
    let name = name.into_inner();
    let source = name.clone();
    ask_scheduler(&state, &name, SetPaused { source, paused }).await?;
    tracing::info!(source = %name, paused, "source paused state changed by the operator");
    Ok(HttpResponse::Ok().json(PausedJson { name, paused }))
}

/// Pauses a source: it is skipped at its ticks until resumed.
#[utoipa::path(post, path = "/api/v1/sources/{name}/pause", tag = "changes",
    params(("name" = String, Path, description = "Source name")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PausedJson),
        (status = 401, description = "Missing or wrong token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No `api.token` configured (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown source (`not_found`)", body = ErrorBody)))]
pub(crate) async fn pause(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_paused(req, state, name, true).await
}

/// Resumes a paused source.
#[utoipa::path(post, path = "/api/v1/sources/{name}/resume", tag = "changes",
    params(("name" = String, Path, description = "Source name")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PausedJson),
        (status = 401, description = "Missing or wrong token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No `api.token` configured (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown source (`not_found`)", body = ErrorBody)))]
pub(crate) async fn resume(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_paused(req, state, name, false).await
}

/// Promotes a source out of shadow mode: its validated quotes enter the consensus price from now on.
#[utoipa::path(post, path = "/api/v1/sources/{name}/promote", tag = "changes",
    params(("name" = String, Path, description = "Source name")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = ShadowJson),
        (status = 401, description = "Missing or wrong token (`unauthorized`)", body = ErrorBody),
        (status = 403, description = "No `api.token` configured (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown source (`not_found`)", body = ErrorBody)))]
pub(crate) async fn promote(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&req, &state)?;
    let name = name.into_inner();
    let source = name.clone();
    ask_scheduler(
        &state,
        &name,
        SetShadow {
            source,
            shadow: false,
        },
    )
    .await?;
    tracing::info!(source = %name, "source promoted out of shadow mode by the operator");
    Ok(HttpResponse::Ok().json(ShadowJson {
        name,
        shadow: false,
    }))
}
