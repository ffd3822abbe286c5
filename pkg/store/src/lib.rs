//! Store API: the repository trait, its record types, and the contract test suite every backend
//! passes.
//!
//! - [`Store`]: the async, object-safe repository trait (`Arc<dyn Store>`).
//! - [`decisions`] and [`records`]: what goes in and comes out.
//! - [`plan`]: pure batch checks and effect sums the backends share.
//! - [`certstore`]: certificates kept in full or as references to vote batches stored once.
//! - [`StoreError`] and [`Result`].
//! - `contract` (feature `contract`): the suite both backends run, and fixtures for benches.

pub mod certstore;
#[cfg(feature = "contract")]
pub mod contract;
pub mod decisions;
mod error;
pub mod overlay;
pub mod plan;
pub mod records;
mod store;

pub use decisions::{
    CommitReport, DecisionCommit, DecisionCounts, DecisionCursor, DecisionQuery, InvalidCursor,
    MAX_PAGE, Page, ScoreEffect, StoredDecision, SymbolSummary,
};
pub use error::{BoxError, Result, StoreError};
pub use records::{
    Evidence, PeerRecord, PeerStat, PricePoint, ScriptRecord, SourceEvent, SourceEventKind,
    SourceScore, SourceStat,
};
pub use store::Store;
