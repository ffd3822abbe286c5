//! [`BatchVote`]: one vote of a signed vote batch, kept by reference (the shared batch and the
//! vote's leaf index) instead of as a [`CertificateEntry`] with a copy of the batch header and an
//! audit path of its own. A node counts votes and stores certificates this way (the store keeps
//! each batch once and refers to it); the entry with its path is built only when one is shown.

use std::sync::Arc;

use crate::merkle::{prove, vote_leaf_hash};
use crate::types::{CertificateEntry, Hash32, PublicKey, Vote, VoteBatch};

/// The vote at leaf `index` of `batch`. The batch is shared, so cloning is a reference count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchVote {
    batch: Arc<VoteBatch>,
    index: u32,
}

impl BatchVote {
    /// The vote at `index` of `batch`; `None` when the batch has no such vote.
    pub fn new(batch: Arc<VoteBatch>, index: usize) -> Option<Self> {
        if index >= batch.votes.len() {
            return None;
        }
        let index = u32::try_from(index).ok()?;
        Some(Self { batch, index })
    }

    /// The batch that carried the vote.
    pub fn batch(&self) -> &Arc<VoteBatch> {
        &self.batch
    }

    /// The vote's leaf index in its batch.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Who cast it (the batch's signer).
    pub fn voter(&self) -> PublicKey {
        self.batch.header.voter
    }

    /// The vote itself.
    pub fn vote(&self) -> &Vote {
        // In range: checked by `new`, and the batch is immutable behind its `Arc`.
        &self.batch.votes[self.index as usize]
    }

    /// The standalone certificate entry: the batch's header and signature and the vote's audit
    /// path, computed here (O(batch size) hashes).
    pub fn entry(&self) -> CertificateEntry {
        let leaves: Vec<Hash32> = self.batch.votes.iter().map(vote_leaf_hash).collect();
        let proof = prove(&leaves, self.index as usize)
            .unwrap_or_else(|| unreachable!("index {} checked by BatchVote::new", self.index));
        CertificateEntry {
            header: self.batch.header.clone(),
            signature: self.batch.signature,
            proof,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::prove_all;
    use crate::sign::signing_key_from_seed;
    use crate::types::{Hash32, Verdict};

    fn batch(n: u8) -> Arc<VoteBatch> {
        let votes = (0..n)
            .map(|i| Vote {
                quote_id: Hash32([i; 32]),
                verdict: if i % 3 == 0 {
                    Verdict::Abstain
                } else {
                    Verdict::Accept
                },
            })
            .collect();
        let key = signing_key_from_seed([9; 32]);
        Arc::new(VoteBatch::build("testnet".into(), 4, 1_000, votes, &key).expect("signed"))
    }

    #[test]
    fn entries_are_the_batch_header_and_the_votes_own_path() {
        let b = batch(7);
        let leaves: Vec<Hash32> = b.votes.iter().map(vote_leaf_hash).collect();
        for (i, proof) in prove_all(&leaves).into_iter().enumerate() {
            let v = BatchVote::new(b.clone(), i).expect("in range");
            assert_eq!(v.vote(), &b.votes[i]);
            assert_eq!(v.voter(), b.header.voter);
            assert_eq!(v.index() as usize, i);
            let entry = v.entry();
            assert_eq!(entry.header, b.header);
            assert_eq!(entry.signature, b.signature);
            assert_eq!(entry.proof, proof);
        }
    }

    #[test]
    fn an_index_past_the_batch_is_refused() {
        let b = batch(3);
        assert!(BatchVote::new(b.clone(), 2).is_some());
        assert!(BatchVote::new(b, 3).is_none());
    }
}
