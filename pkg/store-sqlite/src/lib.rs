//! Embedded SQLite store backend: [`SqliteStore`] implements [`mdn_store::Store`] with rusqlite.
//!
//! All database work runs on dedicated threads fed by bounded channels (`worker`), never on async
//! threads: one writes (commits, migrations, every other write), one reads, each read in one read
//! transaction, so reads never wait behind a commit. WAL mode, `synchronous=NORMAL`, cached
//! prepared statements, one transaction per commit. Checkpoints run on a third connection and
//! thread (`checkpoint`), so commits never wait for one; the WAL file is cut back to 64 MiB
//! whenever it restarts.
//!
//! - `migrate`: applies `db/sqlite/V{n}__{name}.sql` in order, recorded in `schema_migrations`
//!   (refinery 0.10 pins rusqlite <= 0.40, so this crate runs its own).
//! - `commit`, `reads`, `records`, `catalog`: the queries; `convert`: value conversions.
//! - `id_index` (SQL) and `id_runs` (policy, IO-free): the quote-id index, a small
//!   log-structured merge tree maintained after commits, so commits only append.
//! - `symbol_index`: the (symbol, time) index, appended in bulk after commits (one write per leaf
//!   page per append, not per commit); reads by symbol merge it with the recent tail.
//! - `effect_journal`: score counter deltas, one row per commit, folded into the stats tables
//!   every few dozen commits; reads add what is not folded yet.

mod catalog;
mod checkpoint;
mod commit;
mod convert;
mod effect_journal;
mod id_index;
mod id_runs;
mod migrate;
mod reads;
mod records;
mod store;
mod symbol_index;
mod worker;

pub use id_runs::IdIndexLimits;
pub use migrate::{MIGRATIONS, Migration};
pub use store::SqliteStore;
pub use symbol_index::DEFAULT_TAIL_ROWS as DEFAULT_SYMBOL_TAIL_ROWS;
