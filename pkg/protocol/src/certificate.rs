//! Certificates: building one from accepting vote batches, and verifying one against a quote, the
//! validator set and the network id.

use crate::merkle::{MerkleError, prove, verify_proof, vote_leaf_hash};
use crate::sign::{SignatureError, verify_many};
use crate::types::{
    Certificate, CertificateEntry, Hash32, PublicKey, Quote, QuoteId, Signature, Verdict, Vote,
    VoteBatch,
};
use crate::validators::ValidatorSet;

/// Why a certificate cannot be built from the given vote batches.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildCertificateError {
    /// A batch carries no `Accept` vote for the quote.
    #[error("batch of voter {voter} (seq {seq}) has no accept vote for quote {quote_id}")]
    NoAcceptVote {
        /// The batch's voter.
        voter: PublicKey,
        /// The batch's sequence number.
        seq: u64,
        /// The quote.
        quote_id: QuoteId,
    },
    /// Two batches of the same voter were given.
    #[error("voter {voter} appears in more than one batch: expected one batch per voter")]
    DuplicateVoter {
        /// The voter.
        voter: PublicKey,
    },
    /// A batch's header does not match its votes.
    #[error("batch of voter {voter} is inconsistent: {source}")]
    BadBatch {
        /// The voter.
        voter: PublicKey,
        /// What is wrong.
        source: SignatureError,
    },
}

/// Why a certificate does not prove that a quorum accepted the quote. Entry indexes are positions
/// in `certificate.entries`.
///
/// ## Peer scoring
/// A certificate served by a peer (sync) that fails here is invalid; the peer is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// The certificate is for another quote.
    #[error("certificate is for quote {certificate}, expected {quote}")]
    QuoteIdMismatch {
        /// `certificate.quote_id`.
        certificate: QuoteId,
        /// The id of the quote given.
        quote: QuoteId,
    },
    /// An entry's header is for another network.
    #[error("entry {index} is for network {got:?}, expected {expected:?}")]
    NetworkMismatch {
        /// Entry index.
        index: usize,
        /// The expected network id.
        expected: String,
        /// The header's network id.
        got: String,
    },
    /// An entry's voter is not in the validator set.
    #[error("entry {index}: voter {voter} is not in the validator set")]
    UnknownVoter {
        /// Entry index.
        index: usize,
        /// The voter.
        voter: PublicKey,
    },
    /// Entries are not sorted by voter, or a voter appears twice.
    #[error(
        "entry {index}: voter {voter} is not after {previous}: expected distinct voters in ascending order"
    )]
    VotersNotAscending {
        /// Entry index.
        index: usize,
        /// Its voter.
        voter: PublicKey,
        /// The previous entry's voter.
        previous: PublicKey,
    },
    /// An entry's Merkle proof does not lead from the accept vote to the header's root.
    #[error("entry {index} (voter {voter}): bad proof of the accept vote: {source}")]
    BadProof {
        /// Entry index.
        index: usize,
        /// The voter.
        voter: PublicKey,
        /// What is wrong with the proof.
        source: MerkleError,
    },
    /// An entry's signature is not valid.
    #[error("entry {index} (voter {voter}): {source}")]
    BadSignature {
        /// Entry index.
        index: usize,
        /// The voter.
        voter: PublicKey,
        /// The signature failure.
        source: SignatureError,
    },
    /// Too few accept votes.
    #[error("{got} accept votes, expected at least {threshold} of {set_size} validators")]
    BelowThreshold {
        /// Valid entries.
        got: usize,
        /// Needed.
        threshold: usize,
        /// Validators in the set.
        set_size: usize,
    },
}

impl Certificate {
    /// Builds a certificate for `quote_id` from accepting vote batches (one per voter); each batch
    /// must carry `(quote_id, Accept)` and a header matching its votes. Entries come out sorted by
    /// voter. Signatures are not checked here (the batches were verified when received).
    pub fn build(quote_id: QuoteId, batches: &[VoteBatch]) -> Result<Self, BuildCertificateError> {
        let accept = Vote {
            quote_id,
            verdict: Verdict::Accept,
        };
        let mut entries = Vec::with_capacity(batches.len());
        for batch in batches {
            let voter = batch.header.voter;
            batch
                .check_contents()
                .map_err(|source| BuildCertificateError::BadBatch { voter, source })?;
            let no_accept = || BuildCertificateError::NoAcceptVote {
                voter,
                seq: batch.header.seq,
                quote_id,
            };
            let index = batch
                .votes
                .iter()
                .position(|v| *v == accept)
                .ok_or_else(no_accept)?;
            let leaves: Vec<Hash32> = batch.votes.iter().map(vote_leaf_hash).collect();
            let proof = prove(&leaves, index).ok_or_else(no_accept)?;
            entries.push(CertificateEntry {
                header: batch.header.clone(),
                signature: batch.signature,
                proof,
            });
        }
        entries.sort_by_key(|e| e.header.voter);
        if let Some(w) = entries
            .windows(2)
            .find(|w| w[0].header.voter == w[1].header.voter)
        {
            return Err(BuildCertificateError::DuplicateVoter {
                voter: w[0].header.voter,
            });
        }
        Ok(Self { quote_id, entries })
    }

    /// Verifies the certificate (steps in `docs/protocol.md`): the quote id matches `quote`; every
    /// entry is for `network_id`, by a validator of `set`, voters distinct and ascending; each proof
    /// leads from the leaf `(quote_id, Accept)` to its header's root; each signature is valid; and
    /// the number of entries reaches the set's threshold.
    pub fn verify(
        &self,
        quote: &Quote,
        set: &ValidatorSet,
        network_id: &str,
    ) -> Result<(), CertificateError> {
        let id = quote.id();
        if id != self.quote_id {
            return Err(CertificateError::QuoteIdMismatch {
                certificate: self.quote_id,
                quote: id,
            });
        }
        let leaf = vote_leaf_hash(&Vote {
            quote_id: id,
            verdict: Verdict::Accept,
        });
        let mut previous: Option<PublicKey> = None;
        for (index, e) in self.entries.iter().enumerate() {
            let voter = e.header.voter;
            if e.header.network_id != network_id {
                return Err(CertificateError::NetworkMismatch {
                    index,
                    expected: network_id.to_owned(),
                    got: e.header.network_id.clone(),
                });
            }
            if !set.contains(&voter) {
                return Err(CertificateError::UnknownVoter { index, voter });
            }
            if let Some(previous) = previous.filter(|p| *p >= voter) {
                return Err(CertificateError::VotersNotAscending {
                    index,
                    voter,
                    previous,
                });
            }
            previous = Some(voter);
            verify_proof(&leaf, &e.proof, e.header.vote_count, &e.header.merkle_root).map_err(
                |source| CertificateError::BadProof {
                    index,
                    voter,
                    source,
                },
            )?;
        }
        let threshold = set.threshold();
        if self.entries.len() < threshold {
            return Err(CertificateError::BelowThreshold {
                got: self.entries.len(),
                threshold,
                set_size: set.len(),
            });
        }
        let messages: Vec<Vec<u8>> = self
            .entries
            .iter()
            .map(|e| e.header.signing_bytes())
            .collect();
        let items: Vec<(&[u8], PublicKey, Signature)> = self
            .entries
            .iter()
            .zip(&messages)
            .map(|(e, m)| (m.as_slice(), e.header.voter, e.signature))
            .collect();
        for (index, result) in verify_many(&items).into_iter().enumerate() {
            result.map_err(|source| CertificateError::BadSignature {
                index,
                voter: self.entries[index].header.voter,
                source,
            })?;
        }
        Ok(())
    }
}
