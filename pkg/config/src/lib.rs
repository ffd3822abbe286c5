//! Node configuration: YAML loading with `FILE:LINE:COLUMN` errors, environment overrides and
//! validation.
//!
//! Loading goes: read the file → parse YAML into [`Config`] (unknown keys and wrong types are
//! errors with line, column and a snippet) → apply `MDNODE_<SECTION>_<KEY>` environment overrides
//! (type-checked; unknown `MDNODE_*` variables are errors) → resolve relative paths against the
//! config file's directory → check the validation rules (each broken rule names its key and
//! the line and column of the value, or the variable that set it).
//!
//! Modules:
//! - `config`: [`Config`], the loading functions and typed accessors.
//! - `sections`: one struct per top-level section, with defaults.
//! - `quorum`, `schedule`: the value types [`Quorum`] and [`Schedule`].
//! - `yaml`: serde-saphyr parsing and error conversion; `locate`: positions of values by key path.
//! - `env`: environment overrides; `paths`: relative path resolution; `validate`: the rules.
//! - `error`: [`ConfigError`].
//!
//! Every key is documented in `config/node.example.yaml`.

mod config;
mod env;
mod error;
mod locate;
mod paths;
mod quorum;
mod schedule;
pub mod sections;
mod validate;
mod yaml;

pub use config::Config;
pub use env::{ENV_PREFIX, NON_CONFIG_ENV_VARS};
pub use error::{ConfigError, Position, Problem, ValueSource};
pub use multiaddr::Multiaddr;
pub use quorum::{InvalidQuorum, Quorum};
pub use schedule::{InvalidSchedule, Schedule};
pub use sections::{
    Api, Band, Bands, Byzantine, Consensus, Network, Node, Reputation, Scripts, Source, Store,
    StoreBackend, SymbolBand, Validators,
};

/// Result alias for this crate.
pub type Result<T, E = ConfigError> = std::result::Result<T, E>;
