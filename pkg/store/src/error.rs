//! The store's error type, shared by every backend.

use mdn_protocol::QuoteId;

/// A boxed error from a database driver.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result alias for store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be reached or opened.
    #[error("cannot reach the {backend} database: {message}")]
    Unavailable {
        /// `postgres` or `sqlite`.
        backend: &'static str,
        /// What the driver said.
        message: String,
    },
    /// The database's schema history does not match the migrations built into this binary.
    #[error("database schema does not match this binary: {message}")]
    Migration {
        /// What differs (missing, divergent or failed migration).
        message: String,
    },
    /// A decision handed to `commit` is inconsistent.
    #[error("invalid decision for quote {quote_id}: expected {expected}, got {got}")]
    InvalidDecision {
        /// The quote the decision is about.
        quote_id: QuoteId,
        /// What a valid decision has.
        expected: &'static str,
        /// What this one has.
        got: String,
    },
    /// A stored row could not be turned back into a record.
    #[error("corrupt stored {what}: {message}")]
    Corrupt {
        /// Which kind of row.
        what: &'static str,
        /// What was wrong with it.
        message: String,
    },
    /// A query or statement failed.
    #[error("database error while {op}: {source}")]
    Backend {
        /// The operation that failed, e.g. `committing decisions`.
        op: &'static str,
        /// The driver's error.
        #[source]
        source: BoxError,
    },
    /// The store has been shut down (its worker is gone).
    #[error("the {backend} store is closed")]
    Closed {
        /// `postgres` or `sqlite`.
        backend: &'static str,
    },
}

impl StoreError {
    /// Wraps a driver error that happened during `op`.
    pub fn backend(op: &'static str, source: impl Into<BoxError>) -> Self {
        Self::Backend {
            op,
            source: source.into(),
        }
    }

    /// A stored row of kind `what` that failed to decode.
    pub fn corrupt(what: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            what,
            message: message.to_string(),
        }
    }
}
