//! The P2P Market Data wire protocol, pure and IO-free.
//!
//! - [`batch_vote`]: [`BatchVote`], a vote of a batch kept by reference.
//! - [`fast_hash`]: hash maps and sets for quote ids and keys.
//! - [`types`]: the messages (`Quote`, `ObservationBatch`, `Vote`, `VoteBatch`, `Certificate`,
//!   `Decision`) and their building blocks.
//! - [`encoding`]: MDN canonical encoding v1 ([`Encode`], [`Decode`], decoder limits).
//! - [`hash`]: domain-separation tags, SHA-256, quote ids.
//! - [`sign`]: keys, signing and verifying batches, batch verification with fallback.
//! - [`merkle`]: RFC 6962 Merkle trees over a vote batch's votes, proofs.
//! - [`validators`]: the validator set and quorum threshold.
//! - [`certificate`]: building and verifying certificates.
//! - [`report`]: signed reputation reports (peer and source scores per epoch).
//! - [`checks`]: quote well-formedness and decision consistency.
//! - [`script`]: [`ScriptAnnouncement`], an author's signed offer of a scraper script.
//!
//! `docs/protocol.md` is the normative description of the bytes; `tests/vectors/` holds test vectors.

pub mod batch_vote;
pub mod certificate;
pub mod checks;
pub mod encoding;
pub mod fast_hash;
pub mod hash;
pub mod merkle;
pub mod report;
pub mod script;
pub mod sign;
pub mod types;
pub mod validators;

pub use batch_vote::BatchVote;
pub use certificate::{BuildCertificateError, CertificateError};
pub use checks::{DecisionError, QuoteError};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use encoding::{Decode, DecodeError, Encode, Reader};
pub use fast_hash::{FastMap, FastSet, FastState};
pub use merkle::MerkleError;
pub use report::{PeerScore, ReputationReport, SourceScoreEntry};
pub use script::ScriptAnnouncement;
pub use sign::{SignatureError, generate_signing_key, signing_key_from_seed, verify_vote_batches};
pub use types::*;
pub use validators::{Quorum, ValidatorSet, ValidatorSetError};
