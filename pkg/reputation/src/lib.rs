//! Reputation, pure and IO-free: what the outcomes of votes say about data sources and peers, what
//! the network as a whole says (the median of validators' signed reports), and the consensus price.
//!
//! - [`decay`]: a decaying average in `[0, 1]` with a half-life.
//! - [`source`]: a source's score from acceptance, closeness to consensus, freshness, reliability;
//!   quarantine with hysteresis.
//! - [`peer`]: a peer's reputation from its proposals, its votes' agreement, its liveness, and
//!   equivocation (a heavy penalty, slowly forgiven).
//! - [`median`]: plain and weighted medians, weighted median absolute deviation.
//! - [`price`]: the consensus price of one symbol and interval, and the closeness of a quote to it.
//! - [`network`]: the network view, the median of validators' latest reports.
//! - [`book`]: the state machine the node's reputation actor drives.
//!
//! See `docs/reputation.md`.

pub mod book;
pub mod decay;
pub mod median;
pub mod network;
pub mod params;
pub mod peer;
pub mod price;
pub mod source;

pub use book::{
    DecisionInfo, PeerView, ReportError, ReputationBook, RunInfo, SourceKey, SourceView, TickOutput,
};
pub use params::Params;
pub use price::{ConsensusPrice, Contribution};
