//! The validator node: an actix actor system around the pure crates.
//!
//! Flow of one quote (see `docs/architecture.md`):
//! [`scheduler`] ticks → [`runner`] runs the source's script → [`proposer`] signs an
//! `ObservationBatch` and gossips it → every node's [`voter`] judges each quote and gossips a signed
//! `VoteBatch` → [`tally`] counts distinct validators' votes → on a decision [`store_writer`] commits it
//! with its certificate. [`gossip`] bridges libp2p and the actors (decoding and signature checks off the
//! actor thread); [`sync`] pulls missed decisions from peers; [`api`] serves HTTP.
//!
//! - [`app`]: builds and starts everything from a `Config`.
//! - [`commit_queue`]: the store writer's bounded queue (what it sheds when the store falls behind).
//! - [`schedule`]: pure cron bookkeeping (next fire, missed ticks, overlap).
//! - [`reputation`]: source scores, peer reputation, signed reports and consensus prices.
//! - [`script_share`]: publishing, discovering, installing and trusting shared scripts.
//! - [`byzantine`]: deliberate misbehaviour for devnet demos and tests (off unless configured).

pub mod api;
pub mod app;
pub mod byzantine;
pub mod clock;
pub mod commit_queue;
pub mod devnet;
pub mod events;
pub mod gossip;
pub mod latency;
pub mod messages;
pub mod metrics;
pub mod newer_readings;
pub mod proposer;
pub mod recent_ids;
pub mod reputation;
pub mod runner;
pub mod schedule;
pub mod scheduler;
pub mod script_share;
pub mod sources;
pub mod store_writer;
pub mod sync;
pub mod tally;
pub mod voter;

pub use app::{Node, NodeHandle};
