//! Operator changes: `POST /api/v1/sources/{name}/pause` and `/resume`. They need
//! `Authorization: Bearer <api.token>` (compared in constant time); without a configured token,
//! changes are disabled (403).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use subtle::ConstantTimeEq;

use super::ApiState;
use super::error::ApiError;
use crate::messages::SetPaused;

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

async fn set_paused(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
    paused: bool,
) -> Result<HttpResponse, ApiError> {
    authorize(&req, &state)?;
    let name = name.into_inner();
    let found = state
        .scheduler
        .send(SetPaused {
            source: name.clone(),
            paused,
        })
        .await
        .map_err(|e| ApiError::Unavailable(format!("scheduler: {e}")))?;
    if !found {
        return Err(ApiError::NotFound(format!("no source named {name:?}")));
    }
    tracing::info!(source = %name, paused, "source paused state changed by the operator");
    Ok(HttpResponse::Ok().json(json!({"name": name, "paused": paused})))
}

pub(crate) async fn pause(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_paused(req, state, name, true).await
}

pub(crate) async fn resume(
    req: HttpRequest,
    state: web::Data<ApiState>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_paused(req, state, name, false).await
}
