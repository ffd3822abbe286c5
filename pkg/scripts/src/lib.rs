//! Sandboxed Rhai scraper-script runtime: manifests, host functions, limits, output validation.
//!
//! - [`manifest`]: the YAML manifest in a script's leading `//!` lines (pure).
//! - [`script`]: [`Script`]: manifest + compiled AST + SHA-256 of the exact text.
//! - [`json`]: `parse_json` into Rhai values; non-integer numbers stay exact strings (pure).
//!   [`json::table`]: the quote columns of every row of a ticker list in one pass (pure).
//! - [`limits`]: [`Limits`], the caller-set sandbox limits.
//! - [`validate`]: output validation of emitted quotes (pure).
//! - [`fetch`]: [`Fetcher`]: the HTTP client behind `http_get` (reqwest) and a static one for benches.
//! - `sandbox` / `host`: the restricted engine (one per worker thread) and the host functions
//!   scripts may call (including the bulk path `json_rows` / `emit_all`).
//! - [`runner`]: one blocking run of a script, [`run_blocking`].
//! - [`pool`]: [`ScriptPool`], a bounded pool running scripts on blocking threads.
//! - [`report`]: [`RunRequest`], [`RunReport`], [`RunOutcome`], [`ScrapedQuote`].
//!
//! `docs/scripts.md` is the user-facing guide.

pub mod fetch;
mod host;
pub mod json;
pub mod limits;
pub mod manifest;
pub mod pool;
pub mod report;
pub mod runner;
mod sandbox;
pub mod script;
pub mod validate;

pub use fetch::{FetchError, Fetched, Fetcher, HttpFetcher, StaticFetcher};
pub use limits::Limits;
pub use manifest::{Manifest, ManifestError, SymbolSet};
pub use pool::ScriptPool;
pub use report::{RunOutcome, RunReport, RunRequest, ScrapedQuote};
pub use runner::run_blocking;
pub use script::{LoadError, Script};
pub use validate::{EmittedQuote, OutputPolicy, validate_output};
