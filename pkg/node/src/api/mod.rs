//! The node's HTTP API (actix-web), described in `docs/api.md` and by the OpenAPI document at
//! `GET /api/v1/openapi.json`. Routes are listed once in [`routes`]; `/api/v1` is rate limited per
//! client address and gets CORS when `api.cors_origins` is set. JSON; lists are
//! `{"items": [...], "next": cursor}`; errors are `{"error": {"code", "message"}}`.

mod changes;
mod dto;
mod error;
mod handlers;
mod limits;
mod metrics;
mod openapi;
mod peers;
mod prices;
mod routes;
mod scripts;
mod sources;
mod stream;
mod stream_filter;
mod test_hooks;
mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use actix::Addr;
use actix_web::middleware::Condition;
use actix_web::{App, HttpServer, web};
use mdn_network::NetworkClient;
use mdn_protocol::{PublicKey, ValidatorSet};
use mdn_store::Store;

use crate::events::Telemetry;
use crate::scheduler::Scheduler;

pub use dto::{
    CountersJson, CountsJson, HealthJson, LatencyJson, PausedJson, QuoteDetailJson, QuoteJson,
    QuotePage, ShadowJson, StageJson, StageLatencyJson, StatusJson, ValidatorJson, VoteJson,
    peer_id_text, rfc3339,
};
pub use error::{ErrorBody, ErrorDetail};
pub use openapi::{UNDOCUMENTED, documented_operations};
pub use routes::ROUTES;
pub use stream::{CLIENT_BUFFER, CLIENT_TIMEOUT, HEARTBEAT, WRITE_STALL};

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
    /// Latest reputation views.
    pub reputation: crate::reputation::ReputationHandle,
    /// End-to-end test hooks (`api.test_hooks`, see `test_hooks.rs`); off on real nodes.
    pub test_hooks: bool,
    /// Script sharing (catalogue, publish, install, trust).
    pub scripts: crate::script_share::ScriptShare,
}

/// Binds the API on `config.listen` and returns the running server (spawn or await it) and the
/// bound address. `config.rate_limit_per_sec` and `config.cors_origins` set the middleware.
pub fn serve(
    config: &mdn_config::Api,
    state: ApiState,
) -> std::io::Result<(actix_web::dev::Server, SocketAddr)> {
    let listen = config.listen;
    let limiter = limits::rate_limit(config.rate_limit_per_sec, state.telemetry.metrics.clone());
    let origins = config.cors_origins.clone();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let cors = limits::cors(&origins);
        let mut api = None;
        let app = App::new()
            .app_data(data.clone())
            .app_data(web::QueryConfig::default().error_handler(error::query_error))
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .app_data(web::JsonConfig::default().error_handler(error::json_error))
            .wrap(actix_web::middleware::from_fn(test_hooks::hooks))
            .configure(|cfg| api = Some(routes::register(cfg)));
        let api = api
            .unwrap_or_else(|| web::scope(routes::API_PREFIX))
            .wrap(actix_governor::Governor::new(&limiter))
            .wrap(Condition::new(cors.is_some(), cors.unwrap_or_default()));
        app.service(api).default_service(web::to(ui::ui))
    })
    .workers(1)
    .disable_signals()
    .bind(listen)?;
    let addr = server.addrs().first().copied().unwrap_or(listen);
    Ok((server.run(), addr))
}
