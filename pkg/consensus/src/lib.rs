//! The rules that decide what a P2P Market Data network accepts. Pure logic: no IO, no clocks (time
//! is always a parameter `now_ms`, milliseconds since the Unix epoch), no async.
//!
//! - [`deadline`]: when a gossiped batch arrives too late to change any decision ([`Deadline`]).
//! - [`policy`]: how this node votes on a peer's quote ([`Policy::judge`]) against its own
//!   observations ([`ObservationBook`]), and duplicate detection ([`DuplicateIndex`]).
//! - [`replay`]: per-signer batch sequence windows ([`SeqWindow`], [`ReplayGuard`]).
//! - [`tally`]: counting validators' votes into decisions ([`Tally`]).
//!
//! The validator set, its quorum threshold and quote well-formedness come from `mdn-protocol`
//! ([`mdn_protocol::ValidatorSet`], [`mdn_protocol::Quorum`], `Quote::check_well_formed`).
//!
//! `docs/consensus.md` describes the rules as built.

pub mod deadline;
pub mod policy;
pub mod replay;
pub mod tally;

pub use deadline::Deadline;
pub use policy::{
    Bands, BookError, BookLimits, DuplicateCheck, DuplicateIndex, Judgement, ObservationBook,
    Policy, PolicyConfig, PolicyConfigError,
};
pub use replay::{ReplayGuard, SeqCheck, SeqWindow};
pub use tally::{CastVote, Decided, Evidence, InvalidVote, Tally, TallyError, VoteOutcome};
