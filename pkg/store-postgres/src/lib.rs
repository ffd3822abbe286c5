//! PostgreSQL store backend: [`PgStore`] implements [`mdn_store::Store`] on tokio-postgres with a
//! deadpool connection pool.
//!
//! - [`migrate`]: the embedded `db/postgres` migrations (refinery), run at connect and by
//!   `mdnode migrate`.
//! - `pool`: connecting, and retrying on serialization failures and dropped connections.
//! - `commit`: batched decision commits (UNNEST for small batches, binary COPY for large ones).
//! - `split`: a large commit copied over two connections at once.
//! - [`lookups`]: batch id lookups that must use the primary key.
//! - [`lists`]: the SQL of decision lists, newest first.
//! - `windows`: the time windows a list of all symbols reads through (no B-tree on time).
//! - `reads`, `records`, `catalog`: the other queries; `convert`: row and value conversions.

mod catalog;
mod commit;
mod convert;
pub mod lists;
pub mod lookups;
pub mod migrate;
mod pool;
mod reads;
mod records;
mod split;
mod store;
mod windows;

pub use migrate::{AppliedMigration, MigrationReport, embedded_migrations, migrate, migrate_to};
pub use store::{PgOptions, PgStore};
