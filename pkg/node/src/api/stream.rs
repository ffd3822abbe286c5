//! `GET /api/v1/stream`: a WebSocket of node events (`docs/api.md`), optionally filtered by symbol,
//! with a `heartbeat` event and a ping every 10 s. The node never waits for a client: events come
//! from a broadcast that never blocks its sender, and a client is dropped (close code 1008) when
//! - it is more than [`CLIENT_BUFFER`] events behind (its bounded buffer is full),
//! - one frame could not be handed to its connection within [`WRITE_STALL`], or
//! - it sent nothing, not even a pong, for [`CLIENT_TIMEOUT`] (it does not read).

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Message, Session};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;

use super::ApiState;
use super::error::{ApiError, ErrorBody};
use super::stream_filter::SymbolFilter;
use crate::clock::now_ms;
use crate::metrics::Metrics;

/// Heartbeat period (a `heartbeat` event and a WebSocket ping).
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// A client silent this long (no pong, no message) is dropped.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);
/// Events a client may lag behind the node before it is dropped.
pub const CLIENT_BUFFER: usize = 1024;
/// Longest wait for the connection to take one frame.
pub const WRITE_STALL: Duration = Duration::from_secs(5);

/// Parameters of `GET /api/v1/stream`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct StreamParams {
    /// Comma-separated `BASE/QUOTE` symbols; quote events of other symbols are not sent (peer
    /// events always are). Absent: every event.
    symbols: Option<String>,
}

/// Live events over a WebSocket (JSON text frames with a `type` field).
#[utoipa::path(get, path = "/api/v1/stream", tag = "stream", params(StreamParams),
    responses(
        (status = 101, description = "WebSocket: `quote.validated`, `quote.rejected`, \
            `quote.expired`, `peer.connected`, `peer.disconnected` and `heartbeat` events"),
        (status = 400, description = "Bad `symbols` or not a WebSocket request", body = ErrorBody)))]
pub(crate) async fn stream(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<ApiState>,
    params: web::Query<StreamParams>,
) -> Result<HttpResponse, actix_web::Error> {
    let filter = SymbolFilter::parse(params.symbols.as_deref())
        .map_err(|e| ApiError::BadRequest(format!("symbols: {e}")))?;
    let (response, session, incoming) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError::BadRequest(format!("not a WebSocket request: {e}")))?;
    let events = state.telemetry.subscribe();
    let metrics = state.telemetry.metrics.clone();
    actix_web::rt::spawn(serve_client(session, incoming, events, filter, metrics));
    Ok(response)
}

/// Counts a connected client for as long as it lives.
struct ClientGauge(std::sync::Arc<Metrics>);

impl ClientGauge {
    fn new(metrics: std::sync::Arc<Metrics>) -> Self {
        metrics.stream_clients.inc();
        Self(metrics)
    }
}

impl Drop for ClientGauge {
    fn drop(&mut self) {
        self.0.stream_clients.dec();
    }
}

/// Why the loop ended.
enum End {
    /// The client left or the connection broke: nothing to send.
    Gone,
    /// The node stops.
    Away,
    /// The client is too slow: close with 1008.
    Slow(String),
}

async fn serve_client(
    mut session: Session,
    mut incoming: actix_ws::MessageStream,
    mut events: tokio::sync::broadcast::Receiver<crate::events::NodeEvent>,
    filter: SymbolFilter,
    metrics: std::sync::Arc<Metrics>,
) {
    let _gauge = ClientGauge::new(metrics.clone());
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    let mut last_heard = Instant::now();
    let end = loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    let behind = events.len();
                    if behind > CLIENT_BUFFER {
                        break End::Slow(format!("client too slow: {behind} events behind"));
                    }
                    if !filter.admits(&event) {
                        continue;
                    }
                    let Ok(text) = serde_json::to_string(&event) else { continue };
                    match send(&mut session, text).await {
                        Ok(()) => {}
                        Err(end) => break end,
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    break End::Slow(format!("client too slow: {missed} events dropped"));
                }
                Err(RecvError::Closed) => break End::Away,
            },
            msg = incoming.next() => match msg {
                Some(Ok(Message::Ping(bytes))) => {
                    last_heard = Instant::now();
                    if session.pong(&bytes).await.is_err() {
                        break End::Gone;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break End::Gone,
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            _ = heartbeat.tick() => {
                if last_heard.elapsed() >= CLIENT_TIMEOUT {
                    break End::Slow(format!("no answer for {} s", CLIENT_TIMEOUT.as_secs()));
                }
                let beat = json!({"type": "heartbeat", "at": super::rfc3339(now_ms())});
                if let Err(end) = send(&mut session, beat.to_string()).await {
                    break end;
                }
                if session.ping(b"hb").await.is_err() {
                    break End::Gone;
                }
            }
        }
    };
    let reason = match end {
        End::Gone => return,
        End::Away => CloseCode::Away.into(),
        End::Slow(why) => {
            metrics.stream_dropped.inc();
            tracing::info!(%why, "live stream client dropped");
            CloseReason {
                code: CloseCode::Policy,
                description: Some(why),
            }
        }
    };
    // A stuck connection may not take the close frame either: do not wait for it.
    let _ = tokio::time::timeout(WRITE_STALL, session.close(Some(reason))).await;
}

/// Hands one text frame to the connection, or tells why the client must go.
async fn send(session: &mut Session, text: String) -> Result<(), End> {
    match tokio::time::timeout(WRITE_STALL, session.text(text)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_closed)) => Err(End::Gone),
        Err(_elapsed) => Err(End::Slow(format!(
            "client too slow: no write progress for {} s",
            WRITE_STALL.as_secs()
        ))),
    }
}
