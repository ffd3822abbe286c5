//! Ed25519 keys and signatures: key generation, signing and verifying observation and vote batches,
//! and batch verification with a fallback that finds the bad signature.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use crate::encoding::MAX_VOTES_PER_BATCH;
use crate::hash::{TAG_OBSERVATION_BATCH, TAG_VOTE_BATCH, tagged_encoding};
use crate::merkle::{vote_root, vote_root_and_proofs};
use crate::types::{
    Hash32, MerkleProof, ObservationBatch, PublicKey, Quote, Signature, Vote, VoteBatch,
    VoteBatchHeader,
};

/// Why a signed message does not verify (or cannot be built).
///
/// ## Peer scoring
/// Every variant means the message is invalid; the signer (or the forwarder of a forged message)
/// is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The public key is not a valid, non-weak ed25519 key.
    #[error("invalid public key {key}: expected a {expected}")]
    InvalidKey {
        /// The key.
        key: PublicKey,
        /// What a valid key is ("curve point", "key of large order").
        expected: &'static str,
    },
    /// The signature does not verify under the signer's key.
    #[error(
        "bad signature by {signer}: expected a valid ed25519 signature over the signed message"
    )]
    BadSignature {
        /// The claimed signer.
        signer: PublicKey,
    },
    /// A quote in an observation batch names another proposer than the batch.
    #[error("quote {index} names proposer {got}, expected the batch proposer {expected}")]
    ProposerMismatch {
        /// Position of the quote in the batch.
        index: usize,
        /// The batch's proposer.
        expected: PublicKey,
        /// The quote's proposer.
        got: PublicKey,
    },
    /// The header's vote count differs from the number of votes carried.
    #[error("vote count mismatch: header says {header}, batch carries {actual}")]
    VoteCountMismatch {
        /// `header.vote_count`.
        header: u32,
        /// `votes.len()`.
        actual: usize,
    },
    /// The header's Merkle root differs from the root over the votes carried.
    #[error("merkle root mismatch: header says {header}, votes hash to {computed}")]
    MerkleRootMismatch {
        /// `header.merkle_root`.
        header: Hash32,
        /// Root computed over `votes`.
        computed: Hash32,
    },
    /// More votes than a batch may carry.
    #[error("too many votes: expected at most {max}, got {got}")]
    TooManyVotes {
        /// [`MAX_VOTES_PER_BATCH`].
        max: usize,
        /// Votes given.
        got: usize,
    },
}

/// A new signing key from the operating system's random number generator.
pub fn generate_signing_key() -> Result<SigningKey, getrandom::Error> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A deterministic signing key from a 32-byte seed (tests, vectors, devnets).
pub fn signing_key_from_seed(seed: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&seed)
}

impl From<&VerifyingKey> for PublicKey {
    fn from(k: &VerifyingKey) -> Self {
        Self(k.to_bytes())
    }
}

impl From<&SigningKey> for PublicKey {
    fn from(k: &SigningKey) -> Self {
        Self(k.verifying_key().to_bytes())
    }
}

impl From<ed25519_dalek::Signature> for Signature {
    fn from(s: ed25519_dalek::Signature) -> Self {
        Self(s.to_bytes())
    }
}

impl PublicKey {
    /// The key as an ed25519 verifying key; errors if it is not a curve point or is weak.
    pub fn verifying_key(&self) -> Result<VerifyingKey, SignatureError> {
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| SignatureError::InvalidKey {
            key: *self,
            expected: "compressed Edwards curve point",
        })?;
        if key.is_weak() {
            return Err(SignatureError::InvalidKey {
                key: *self,
                expected: "key of large order (this one is weak)",
            });
        }
        Ok(key)
    }
}

/// Checks one signature with `verify_strict`.
pub fn verify_one(
    message: &[u8],
    signer: &PublicKey,
    sig: &Signature,
) -> Result<(), SignatureError> {
    let key = signer.verifying_key()?;
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&sig.0))
        .map_err(|_| SignatureError::BadSignature { signer: *signer })
}

/// Checks many `(message, signer, signature)` triples: one batch verification first, and single
/// `verify_strict` checks of each when the batch fails, to say which ones are bad.
pub fn verify_many(items: &[(&[u8], PublicKey, Signature)]) -> Vec<Result<(), SignatureError>> {
    let mut results: Vec<Result<(), SignatureError>> = Vec::with_capacity(items.len());
    let mut messages = Vec::with_capacity(items.len());
    let mut sigs = Vec::with_capacity(items.len());
    let mut keys = Vec::with_capacity(items.len());
    for (msg, signer, sig) in items {
        match signer.verifying_key() {
            Ok(k) => {
                messages.push(*msg);
                sigs.push(ed25519_dalek::Signature::from_bytes(&sig.0));
                keys.push(k);
                results.push(Ok(()));
            }
            Err(e) => results.push(Err(e)),
        }
    }
    if keys.is_empty() || ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok() {
        return results;
    }
    for ((msg, signer, sig), result) in items.iter().zip(results.iter_mut()) {
        if result.is_ok() {
            *result = verify_one(msg, signer, sig);
        }
    }
    results
}

impl ObservationBatch {
    /// The signed message: `"mdnode/v1/observation-batch" || encode(batch without signature)`.
    pub fn signing_bytes(&self) -> Vec<u8> {
        let mut out = TAG_OBSERVATION_BATCH.to_vec();
        self.encode_unsigned(&mut out);
        out
    }

    /// Builds and signs a batch; the proposer is `key`'s public key.
    pub fn sign(
        network_id: String,
        seq: u64,
        created_at_ms: i64,
        quotes: Vec<Quote>,
        key: &SigningKey,
    ) -> Self {
        let mut batch = Self {
            network_id,
            proposer: PublicKey::from(key),
            seq,
            created_at_ms,
            quotes,
            signature: Signature([0; 64]),
        };
        batch.signature = key.sign(&batch.signing_bytes()).into();
        batch
    }

    /// Checks that every quote names the batch proposer and the signature is valid.
    pub fn verify(&self) -> Result<(), SignatureError> {
        if let Some((index, q)) = self
            .quotes
            .iter()
            .enumerate()
            .find(|(_, q)| q.proposer != self.proposer)
        {
            return Err(SignatureError::ProposerMismatch {
                index,
                expected: self.proposer,
                got: q.proposer,
            });
        }
        verify_one(&self.signing_bytes(), &self.proposer, &self.signature)
    }
}

impl VoteBatchHeader {
    /// The signed message: `"mdnode/v1/vote-batch" || encode(header)`.
    pub fn signing_bytes(&self) -> Vec<u8> {
        tagged_encoding(TAG_VOTE_BATCH, self)
    }
}

impl VoteBatch {
    /// Builds and signs a batch over `votes` (in leaf order), computing the Merkle root; the voter
    /// is `key`'s public key.
    pub fn build(
        network_id: String,
        seq: u64,
        created_at_ms: i64,
        votes: Vec<Vote>,
        key: &SigningKey,
    ) -> Result<Self, SignatureError> {
        let root = vote_root(&votes);
        Self::sign_over(network_id, seq, created_at_ms, votes, root, key)
    }

    /// [`Self::build`], and every vote's audit path (in vote order) from the same pass over the
    /// tree.
    pub fn build_with_proofs(
        network_id: String,
        seq: u64,
        created_at_ms: i64,
        votes: Vec<Vote>,
        key: &SigningKey,
    ) -> Result<(Self, Vec<MerkleProof>), SignatureError> {
        let (root, proofs) = vote_root_and_proofs(&votes);
        let batch = Self::sign_over(network_id, seq, created_at_ms, votes, root, key)?;
        Ok((batch, proofs))
    }

    fn sign_over(
        network_id: String,
        seq: u64,
        created_at_ms: i64,
        votes: Vec<Vote>,
        merkle_root: Hash32,
        key: &SigningKey,
    ) -> Result<Self, SignatureError> {
        let vote_count = u32::try_from(votes.len())
            .ok()
            .filter(|n| *n as usize <= MAX_VOTES_PER_BATCH)
            .ok_or(SignatureError::TooManyVotes {
                max: MAX_VOTES_PER_BATCH,
                got: votes.len(),
            })?;
        let header = VoteBatchHeader {
            network_id,
            voter: PublicKey::from(key),
            seq,
            created_at_ms,
            vote_count,
            merkle_root,
        };
        let signature = key.sign(&header.signing_bytes()).into();
        Ok(Self {
            header,
            votes,
            signature,
        })
    }

    /// Checks the vote count and Merkle root against the votes carried (no signature check).
    pub fn check_contents(&self) -> Result<(), SignatureError> {
        self.check_count()?;
        self.check_root(vote_root(&self.votes))
    }

    /// Checks the count, the Merkle root and the voter's signature over the header.
    pub fn verify(&self) -> Result<(), SignatureError> {
        self.check_contents()?;
        self.check_signature()
    }

    /// [`Self::verify`], and returns every vote's audit path (in vote order) from the same pass
    /// over the tree: what a tally needs to cut certificate entries from the batch.
    pub fn verify_with_proofs(&self) -> Result<Vec<MerkleProof>, SignatureError> {
        self.check_count()?;
        let (root, proofs) = vote_root_and_proofs(&self.votes);
        self.check_root(root)?;
        self.check_signature()?;
        Ok(proofs)
    }

    fn check_count(&self) -> Result<(), SignatureError> {
        if self.header.vote_count as usize != self.votes.len() {
            return Err(SignatureError::VoteCountMismatch {
                header: self.header.vote_count,
                actual: self.votes.len(),
            });
        }
        Ok(())
    }

    fn check_root(&self, computed: Hash32) -> Result<(), SignatureError> {
        if computed != self.header.merkle_root {
            return Err(SignatureError::MerkleRootMismatch {
                header: self.header.merkle_root,
                computed,
            });
        }
        Ok(())
    }

    fn check_signature(&self) -> Result<(), SignatureError> {
        verify_one(
            &self.header.signing_bytes(),
            &self.header.voter,
            &self.signature,
        )
    }
}

/// Verifies many vote batches: contents of each, then all signatures in one batch verification,
/// falling back to single checks when it fails. One result per input batch, in order.
pub fn verify_vote_batches(batches: &[VoteBatch]) -> Vec<Result<(), SignatureError>> {
    let mut results: Vec<Result<(), SignatureError>> =
        batches.iter().map(VoteBatch::check_contents).collect();
    let messages: Vec<(usize, Vec<u8>)> = batches
        .iter()
        .enumerate()
        .filter(|(i, _)| results[*i].is_ok())
        .map(|(i, b)| (i, b.header.signing_bytes()))
        .collect();
    let items: Vec<(&[u8], PublicKey, Signature)> = messages
        .iter()
        .map(|(i, m)| {
            (
                m.as_slice(),
                batches[*i].header.voter,
                batches[*i].signature,
            )
        })
        .collect();
    for ((i, _), r) in messages.iter().zip(verify_many(&items)) {
        results[*i] = r;
    }
    results
}
