//! `GET /api/v1/stream`: a WebSocket of node events (`docs/api.md`), optionally filtered by symbol,
//! with a heartbeat every 10 s. Each client reads from its own bounded broadcast receiver: a client
//! that falls behind is closed with 1008 (policy) instead of slowing the node.

use std::collections::HashSet;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message};
use futures::StreamExt;
use mdn_protocol::Symbol;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::ApiState;
use super::error::ApiError;
use crate::clock::now_ms;

/// Heartbeat period.
const HEARTBEAT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamParams {
    symbols: Option<String>,
}

pub(crate) async fn stream(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<ApiState>,
    params: web::Query<StreamParams>,
) -> Result<HttpResponse, actix_web::Error> {
    let filter: Option<HashSet<Symbol>> = match &params.symbols {
        None => None,
        Some(list) => Some(
            list.split(',')
                .filter(|s| !s.is_empty())
                .map(Symbol::parse)
                .collect::<Result<_, _>>()
                .map_err(|e| ApiError::BadRequest(format!("symbols: {e}")))?,
        ),
    };
    let (response, mut session, mut incoming) = actix_ws::handle(&req, body)?;
    let mut events = state.telemetry.subscribe();
    actix_web::rt::spawn(async move {
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        let reason = loop {
            tokio::select! {
                event = events.recv() => match event {
                    Ok(event) => {
                        let wanted = match (&filter, event.symbol()) {
                            (Some(f), Some(s)) => f.contains(s),
                            (Some(_), None) => true,
                            (None, _) => true,
                        };
                        if !wanted {
                            continue;
                        }
                        let Ok(text) = serde_json::to_string(&event) else { continue };
                        if session.text(text).await.is_err() {
                            break None;
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        break Some(CloseReason {
                            code: CloseCode::Policy,
                            description: Some(format!("client too slow: {missed} events dropped")),
                        });
                    }
                    Err(RecvError::Closed) => break Some(CloseCode::Away.into()),
                },
                msg = incoming.next() => match msg {
                    Some(Ok(Message::Ping(bytes))) => {
                        if session.pong(&bytes).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                    Some(Ok(_)) => {}
                },
                _ = heartbeat.tick() => {
                    let beat = json!({"type": "heartbeat", "at": super::rfc3339(now_ms())});
                    if session.text(beat.to_string()).await.is_err() {
                        break None;
                    }
                }
            }
        };
        let _ = session.close(reason).await;
    });
    Ok(response)
}
