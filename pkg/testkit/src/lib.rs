//! Test harness: per-test PostgreSQL databases (throwaway cluster when none is reachable),
//! child-process helpers.
//!
//! - [`TestDb`]: a uniquely named database on `DATABASE_URL` (default
//!   `postgres://postgres@127.0.0.1:5432/postgres`), dropped when the value is dropped.
//! - [`TestCluster`]: a throwaway PostgreSQL cluster (initdb + pg_ctl as an unprivileged user on a
//!   free port), used by [`TestDb`] when no server answers; stopped when the process ends.
//! - [`process`]: re-running the current test binary as a child, and polling with a deadline.

mod cluster;
mod db;
pub mod process;

pub use cluster::{TestCluster, TestkitError};
pub use db::{DEFAULT_DATABASE_URL, TestDb, database_url, server_url};
