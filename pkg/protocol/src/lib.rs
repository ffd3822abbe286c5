//! The P2P Market Data wire protocol, pure and IO-free.
//!
//! - [`types`]: the messages (`Quote`, `ObservationBatch`, `Vote`, `VoteBatch`, `Certificate`,
//!   `Decision`) and their building blocks.
//!
//! `docs/protocol.md` is the normative description of the bytes; `tests/vectors/` holds test vectors.

pub mod types;

pub use types::*;
