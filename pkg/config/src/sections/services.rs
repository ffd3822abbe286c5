//! Sections `store`, `scripts`, `sources`, `api` and `reputation`: what the node runs and serves.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use mdn_protocol::Symbol;
use serde::{Deserialize, Serialize};

use crate::Schedule;

/// Section `store`: where decisions are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Store {
    /// PostgreSQL URL `postgres://user@host:port/db` (default none: embedded SQLite).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// The embedded SQLite file when no `database_url` is set (default
    /// `<data_dir>/mdnode.sqlite`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqlite_path: Option<PathBuf>,
    /// PostgreSQL connection pool size (default 8).
    pub pool_size: usize,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            database_url: None,
            sqlite_path: None,
            pool_size: 8,
        }
    }
}

/// Which database backend the configuration selects (see `Config::store_backend`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreBackend {
    /// A PostgreSQL server.
    Postgres {
        /// Connection URL.
        url: String,
        /// Connection pool size.
        pool_size: usize,
    },
    /// The embedded SQLite database file.
    Sqlite {
        /// The database file.
        path: PathBuf,
    },
}

/// Section `scripts`: the scraper sandbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scripts {
    /// Directory of the scraper scripts named by `sources[].script` (default `scripts`).
    pub dir: PathBuf,
    /// Wall-clock limit of one script run (default 2000 ms).
    pub timeout_ms: u64,
    /// Operation limit of one script run (default 5,000,000).
    pub max_operations: u64,
    /// Timeout of one HTTP request made by a script (default 1500 ms).
    pub http_timeout_ms: u64,
    /// Largest HTTP response body a script may read (default 4 MiB).
    pub max_response_bytes: u64,
    /// Scripts run in parallel at most (default 2).
    pub workers: usize,
    /// Each source runs a fixed time in `0..splay_ms` after its cron times, different per node and
    /// source (a hash of both), so that sources and nodes do not all fetch, propose and vote at
    /// the same instant (default 1000 ms; 0: on the cron times; at most 60,000).
    pub splay_ms: u64,
    /// Authors (ed25519 public keys, 64 hex) whose published scripts are trusted without an
    /// operator's approval (default none).
    pub trusted_authors: Vec<String>,
    /// Newly installed scripts run in shadow mode first: their quotes are voted on and scored but
    /// never enter the consensus price until promoted (default true).
    pub shadow_new: bool,
}

impl Default for Scripts {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("scripts"),
            timeout_ms: 2000,
            max_operations: 5_000_000,
            http_timeout_ms: 1500,
            max_response_bytes: 4 * 1024 * 1024,
            workers: 2,
            splay_ms: 1000,
            trusted_authors: Vec::new(),
            shadow_new: true,
        }
    }
}

/// One entry of `sources`: a scraper script with its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Unique name, `[a-z0-9_-]{1,64}`, e.g. `binance` (required).
    pub name: String,
    /// The script file, relative to `scripts.dir` (required; see `Config::script_path`).
    pub script: PathBuf,
    /// When to run: cron with 5 fields, or 6 with leading seconds (required).
    pub schedule: Schedule,
    /// Symbols to fetch (default: the symbols of the script's manifest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbols: Option<Vec<Symbol>>,
    /// Parameters passed to the script, e.g. `base_url` (default none).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Run this source (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Shadow mode: its quotes are proposed, voted on and scored, but never enter the consensus
    /// price until an operator promotes the source (default false).
    #[serde(default)]
    pub shadow: bool,
}

fn yes() -> bool {
    true
}

/// Section `api`: the HTTP server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Api {
    /// Address and port of the HTTP server (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// Bearer token required for changes such as installing scripts (default none: changes are
    /// disabled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Origins allowed by CORS, e.g. `http://localhost:5173`, or `*` (default none).
    pub cors_origins: Vec<String>,
    /// Requests per second allowed per client address (default 100).
    pub rate_limit_per_sec: u32,
    /// Test hooks for end-to-end tests, e.g. serving a tampered certificate on request (default
    /// false). Never enable on a real node.
    pub test_hooks: bool,
}

impl Default for Api {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            cors_origins: Vec::new(),
            rate_limit_per_sec: 100,
            test_hooks: false,
        }
    }
}

/// Section `reputation`: source and peer scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Reputation {
    /// Scores are reported to the network every this many seconds (default 60).
    pub epoch_secs: u64,
    /// A source whose score falls below this is quarantined (default 0.3).
    pub quarantine_below: f64,
    /// A quarantined source returns when its score rises above this (default 0.5).
    pub recover_above: f64,
    /// Scores forget old behaviour with this half-life (default 300 s).
    pub half_life_secs: u64,
    /// Consensus prices are computed per interval of this many seconds (default 10).
    pub price_interval_secs: u64,
}

impl Default for Reputation {
    fn default() -> Self {
        Self {
            epoch_secs: 60,
            quarantine_below: 0.3,
            recover_above: 0.5,
            half_life_secs: 300,
            price_interval_secs: 10,
        }
    }
}
