//! The HTTP server: starts actix-web on its own thread and runtime (so it can be started from any
//! async runtime, or none), and the handle that controls and stops it.

mod admin;
mod binance;
mod bitstamp;
mod coinbase;
mod kraken;
mod okx;
mod respond;
mod state;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::{App, HttpRequest, HttpServer, dev::ServerHandle, web};
use rust_decimal::Decimal;
use tokio::sync::oneshot;

use crate::clock::{Clock, SystemClock};
use crate::fault::FaultSpec;
use crate::market::{Market, MarketParams};
use crate::{SimexConfig, SimexError, format};
use state::State;

/// Number of actix-web worker threads.
const WORKERS: usize = 2;

/// The simulated exchange.
#[derive(Debug)]
pub struct Simex;

/// A running simulated exchange. Dropping it without [`SimexHandle::stop`] asks the server to stop
/// without waiting.
#[derive(Debug)]
pub struct SimexHandle {
    /// The address the server listens on.
    addr: SocketAddr,
    /// Shared state (market, clock, faults).
    state: Arc<State>,
    /// Controls the actix-web server.
    server: ServerHandle,
    /// Resolves when the server thread has finished.
    done: Option<oneshot::Receiver<()>>,
}

impl Simex {
    /// Builds the market, applies `config.faults`, binds `config.host:config.port` (0 = any free
    /// port) and serves the venues' endpoints until [`SimexHandle::stop`].
    pub async fn start(config: SimexConfig) -> Result<SimexHandle, SimexError> {
        let clock: Arc<dyn Clock> = config.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let market = Market::new(MarketParams {
            seed: config.seed,
            symbols: config.symbols,
            tick_ms: config.tick_ms,
            start_ms: clock.now_ms(),
        })?;
        let state = Arc::new(State::new(market, clock));
        for spec in config.faults {
            state.set_fault(spec)?;
        }
        let (ready_tx, ready_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let served = Arc::clone(&state);
        let (host, port) = (config.host, config.port);
        std::thread::Builder::new()
            .name("simex-http".to_owned())
            .spawn(move || {
                serve(served, host, port, ready_tx);
                let _ = done_tx.send(());
            })
            .map_err(|e| SimexError::Server(format!("cannot spawn the server thread: {e}")))?;
        let (addr, server) = ready_rx.await.map_err(|_| {
            SimexError::Server("the server thread ended before listening".to_owned())
        })??;
        tracing::info!(%addr, "simex listening");
        Ok(SimexHandle {
            addr,
            state,
            server,
            done: Some(done_rx),
        })
    }
}

type Ready = Result<(SocketAddr, ServerHandle), SimexError>;

/// Runs the server on the current thread until it is stopped; reports the bound address first.
fn serve(state: Arc<State>, host: String, port: u16, ready: oneshot::Sender<Ready>) {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let data = web::Data::from(state);
        let bound = HttpServer::new(move || App::new().app_data(data.clone()).configure(routes))
            .workers(WORKERS)
            .disable_signals()
            .shutdown_timeout(1)
            .bind((host.as_str(), port));
        let server = match bound {
            Ok(server) => server,
            Err(source) => {
                let _ = ready.send(Err(SimexError::Bind {
                    addr: format!("{host}:{port}"),
                    source,
                }));
                return;
            }
        };
        let Some(addr) = server.addrs().first().copied() else {
            let _ = ready.send(Err(SimexError::Server(format!(
                "no address bound for {host}:{port}"
            ))));
            return;
        };
        let running = server.run();
        if ready.send(Ok((addr, running.handle()))).is_err() {
            return;
        }
        if let Err(e) = running.await {
            tracing::error!(error = %e, "simex server failed");
        }
    });
}

/// Registers every route.
fn routes(cfg: &mut web::ServiceConfig) {
    admin::configure(cfg);
    binance::configure(cfg);
    coinbase::configure(cfg);
    kraken::configure(cfg);
    bitstamp::configure(cfg);
    okx::configure(cfg);
}

/// The query string's parameters, or `None` if it is not valid `application/x-www-form-urlencoded`.
fn query_params(req: &HttpRequest) -> Option<HashMap<String, String>> {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .map(web::Query::into_inner)
}

impl SimexHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`, the base URL of every venue's endpoints.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sets (or replaces) a fault; fails if its symbol is not in the market.
    pub fn set_fault(&self, spec: FaultSpec) -> Result<(), SimexError> {
        self.state.set_fault(spec)
    }

    /// Removes every fault; returns how many there were.
    pub fn clear_faults(&self) -> usize {
        self.state.clear_faults()
    }

    /// The active faults.
    pub fn faults(&self) -> Vec<FaultSpec> {
        self.state
            .faults()
            .into_iter()
            .map(|(spec, _)| spec)
            .collect()
    }

    /// The market's mid price of `symbol` (e.g. `BTC/USD`) now, as served by `/symbols`; `None` if
    /// the symbol is not in the market.
    pub fn market_price(&self, symbol: &str) -> Option<Decimal> {
        let index = self.state.market.find(symbol)?;
        Some(format::price(
            self.state.market.mid(index, self.state.tick()),
        ))
    }

    /// The market symbols, in order.
    pub fn symbols(&self) -> Vec<String> {
        self.state
            .market
            .symbols()
            .iter()
            .map(|s| s.symbol.clone())
            .collect()
    }

    /// The market tick in progress now.
    pub fn tick(&self) -> i64 {
        self.state.tick()
    }

    /// Stops the server (finishing requests in flight for up to a second) and waits for it.
    pub async fn stop(mut self) {
        self.server.stop(true).await;
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Drop for SimexHandle {
    fn drop(&mut self) {
        if self.done.is_some() {
            // The stop command is sent when `stop` is called; the returned future only waits.
            drop(self.server.stop(false));
        }
    }
}
