//! The node's HTTP API (actix-web): `GET /health`, `GET /api/v1/status`, `GET /api/v1/quotes`,
//! `GET /api/v1/quotes/{id}`, `GET /api/v1/sources`. JSON; lists are `{"items": [...], "next": cursor}`;
//! errors are `{"error": {"code", "message"}}`.

mod changes;
mod dto;
mod error;
mod handlers;
mod peers;
mod stream;
mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use actix::Addr;
use actix_web::{App, HttpServer, web};
use mdn_network::NetworkClient;
use mdn_protocol::{PublicKey, ValidatorSet};
use mdn_store::Store;

use crate::events::Telemetry;
use crate::scheduler::Scheduler;

pub use dto::{QuoteDetailJson, QuoteJson, StatusJson, VoteJson, peer_id_text, rfc3339};

/// What the handlers read from.
#[derive(Clone)]
pub struct ApiState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// Counters and events.
    pub telemetry: Telemetry,
    /// The network, for connected peers.
    pub network: NetworkClient,
    /// This node's key.
    pub public_key: PublicKey,
    /// This node's libp2p peer id.
    pub peer_id: String,
    /// Network id.
    pub network_id: String,
    /// The validator set.
    pub validators: Arc<ValidatorSet>,
    /// The scheduler, for source run state.
    pub scheduler: Addr<Scheduler>,
    /// Start time (ms).
    pub started_at_ms: i64,
    /// Bearer token for changes (`api.token`); `None` disables changes.
    pub token: Option<String>,
}

/// Binds the API on `listen` and returns the running server (spawn or await it) and the bound address.
pub fn serve(
    listen: SocketAddr,
    state: ApiState,
) -> std::io::Result<(actix_web::dev::Server, SocketAddr)> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::QueryConfig::default().error_handler(error::query_error))
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .configure(handlers::routes)
            .default_service(web::to(ui::ui))
    })
    .workers(1)
    .disable_signals()
    .bind(listen)?;
    let addr = server.addrs().first().copied().unwrap_or(listen);
    Ok((server.run(), addr))
}
