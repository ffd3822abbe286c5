//! Simulated exchange: a seeded random-walk market served in real venues' public ticker API
//! formats (Binance, Coinbase, Kraken, Bitstamp, OKX; see `VENUES.md`), with fault injection.
//!
//! Pure model (no IO, property-tested):
//! - `rng`: counter-based randomness; `walk`: a random walk that can be evaluated at any tick.
//! - [`assets`]: the curated bases and synthetic ones; [`market`]: symbols, mid prices, ticks.
//! - [`view`]: what one venue shows (noise, spread, statistics).
//! - [`format`](mod@format): decimals and times.
//! - [`venue`]: the venues and their pair naming; [`fault`]: fault specs and the fault table.
//!
//! IO: [`clock`] (system or manual time) and the HTTP server ([`Simex::start`] → [`SimexHandle`]).

pub mod assets;
pub mod clock;
pub mod fault;
pub mod format;
pub mod market;
mod rng;
mod server;
pub mod venue;
pub mod view;
mod walk;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use fault::{FaultKind, FaultParseError, FaultSpec};
pub use market::{Market, MarketError};
pub use server::{Simex, SimexHandle};
pub use venue::Venue;

/// Default length of a tick in milliseconds.
pub const DEFAULT_TICK_MS: u64 = 250;
/// Default port of `mdnode simex`.
pub const DEFAULT_PORT: u16 = 9100;

/// Errors of the simulated exchange.
#[derive(Debug, thiserror::Error)]
pub enum SimexError {
    /// The market parameters were invalid.
    #[error(transparent)]
    Market(#[from] MarketError),
    /// A fault named a symbol that is not in the market.
    #[error(
        "unknown symbol {0:?}: expected a market symbol such as BTC/USD (GET /symbols lists them)"
    )]
    UnknownSymbol(String),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The server could not start.
    #[error("simex server: {0}")]
    Server(String),
}

/// Configuration of [`Simex::start`].
#[derive(Debug, Clone)]
pub struct SimexConfig {
    /// Host or IP address to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Number of market symbols (1..=1000).
    pub symbols: usize,
    /// Seed of the market.
    pub seed: u64,
    /// Faults active from the start.
    pub faults: Vec<FaultSpec>,
    /// Length of a tick in milliseconds.
    pub tick_ms: u64,
    /// Time source; `None` for the system clock.
    pub clock: Option<Arc<dyn Clock>>,
}

impl Default for SimexConfig {
    /// `127.0.0.1`, any free port, 50 symbols, seed 0, no faults, 250 ms ticks, system clock.
    fn default() -> Self {
        SimexConfig {
            host: "127.0.0.1".to_owned(),
            port: 0,
            symbols: assets::DEFAULT_SYMBOLS,
            seed: 0,
            faults: Vec::new(),
            tick_ms: DEFAULT_TICK_MS,
            clock: None,
        }
    }
}
