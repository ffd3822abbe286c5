//! How certificates are kept in a decision row: either the canonical certificate encoding, or — when
//! the committer gives its accept votes as [`BatchVote`]s — a short list of references into the
//! `vote_batches` table (each batch stored once, however many quotes it decided). A certificate's
//! bytes are mostly batch headers, signatures and Merkle paths that every quote of a batch shares;
//! by reference a row keeps 12 bytes per voter and the proof is computed again when read.
//!
//! Pure: the backends store the blobs and batches and call [`resolve`] to rebuild certificates.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use mdn_protocol::hash::sha256;
use mdn_protocol::merkle::{prove_all, vote_leaf_hash};
use mdn_protocol::{
    BatchVote, Certificate, CertificateEntry, Decode, Encode, Hash32, MerkleProof, QuoteId,
    Verdict, Vote, VoteBatch,
};

use crate::decisions::StoredDecision;
use crate::error::{Result, StoreError};

/// First byte of a by-reference blob. Canonical encodings start with the wire version (0x01), so
/// the two forms never collide.
const BY_REFERENCE: u8 = 0x80;
/// Bytes per reference: batch id (i64, big-endian) and leaf index (u32, big-endian).
const REF_SIZE: usize = 12;

/// A vote batch to store once, content-addressed by the SHA-256 of its canonical encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedBatch {
    /// SHA-256 of `encoded`.
    pub hash: Hash32,
    /// The canonical encoding of the batch.
    pub encoded: Vec<u8>,
}

/// A certificate as a row will keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedCertificate {
    /// The canonical certificate encoding.
    Full(Vec<u8>),
    /// One `(batch, leaf index)` per entry, in entry order; `batch` indexes the plan's batches.
    ByBatch(Vec<(usize, u32)>),
}

impl PlannedCertificate {
    /// The bytes to store, given the database id of each of the plan's batches.
    pub fn blob(&self, batch_ids: &[i64]) -> Result<Cow<'_, [u8]>> {
        match self {
            Self::Full(bytes) => Ok(Cow::Borrowed(bytes)),
            Self::ByBatch(refs) => {
                let mut out = Vec::with_capacity(1 + refs.len() * REF_SIZE);
                out.push(BY_REFERENCE);
                for &(batch, index) in refs {
                    let id = batch_ids.get(batch).ok_or_else(|| {
                        StoreError::corrupt("vote batch ids", format!("no id for batch {batch}"))
                    })?;
                    out.extend_from_slice(&id.to_be_bytes());
                    out.extend_from_slice(&index.to_be_bytes());
                }
                Ok(Cow::Owned(out))
            }
        }
    }
}

/// Collects the distinct vote batches of a commit batch, in first-seen order.
#[derive(Debug, Default)]
pub struct BatchPlanner {
    batches: Vec<PlannedBatch>,
    by_ptr: HashMap<*const VoteBatch, usize>,
    by_hash: HashMap<Hash32, usize>,
}

impl BatchPlanner {
    /// Plans the certificate of quote `quote_id` made of `accepts`, kept by reference. Each must
    /// be an accept vote on the quote, one per voter in increasing voter order (as in a
    /// certificate); the error says what is wrong otherwise. Signatures are the committer's check.
    pub fn plan(
        &mut self,
        quote_id: QuoteId,
        accepts: &[BatchVote],
    ) -> std::result::Result<PlannedCertificate, String> {
        let accept = Vote {
            quote_id,
            verdict: Verdict::Accept,
        };
        let mut refs = Vec::with_capacity(accepts.len());
        let mut last_voter = None;
        for vote in accepts {
            if vote.vote() != &accept {
                return Err(format!(
                    "vote {} of a batch of {} is {:?} on {}",
                    vote.index(),
                    vote.voter(),
                    vote.vote().verdict,
                    vote.vote().quote_id
                ));
            }
            let voter = vote.voter();
            if last_voter.is_some_and(|last| last >= voter) {
                return Err(format!("voter {voter} out of order or repeated"));
            }
            last_voter = Some(voter);
            refs.push((self.index_of(vote.batch()), vote.index()));
        }
        Ok(PlannedCertificate::ByBatch(refs))
    }

    fn index_of(&mut self, batch: &Arc<VoteBatch>) -> usize {
        let ptr = Arc::as_ptr(batch);
        if let Some(&at) = self.by_ptr.get(&ptr) {
            return at;
        }
        let encoded = batch.encode_to_vec();
        let hash = sha256(&[&encoded]);
        let at = *self.by_hash.entry(hash).or_insert_with(|| {
            self.batches.push(PlannedBatch { hash, encoded });
            self.batches.len() - 1
        });
        self.by_ptr.insert(ptr, at);
        at
    }

    /// The batches the planned certificates refer to.
    pub fn into_batches(self) -> Vec<PlannedBatch> {
        self.batches
    }
}

/// A stored certificate blob, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredCertificate {
    /// Kept in full.
    Full(Certificate),
    /// `(batch id, leaf index)` per entry.
    ByBatch(Vec<(i64, u32)>),
}

/// Decodes a stored certificate blob of either form.
pub fn decode_stored(blob: &[u8]) -> Result<StoredCertificate> {
    match blob.split_first() {
        Some((&BY_REFERENCE, rest)) => {
            if rest.is_empty() || rest.len() % REF_SIZE != 0 {
                return Err(StoreError::corrupt(
                    "certificate references",
                    format!("{} bytes is not a whole number of references", rest.len()),
                ));
            }
            Ok(StoredCertificate::ByBatch(
                rest.chunks_exact(REF_SIZE)
                    .map(|r| {
                        let (id, index) = r.split_at(8);
                        let id = i64::from_be_bytes(id.try_into().unwrap_or_default());
                        let index = u32::from_be_bytes(index.try_into().unwrap_or_default());
                        (id, index)
                    })
                    .collect(),
            ))
        }
        _ => Certificate::decode_from_slice(blob)
            .map(StoredCertificate::Full)
            .map_err(|e| StoreError::corrupt("certificate", e)),
    }
}

/// The batch ids a set of stored certificates refers to (each once).
pub fn referenced_batches<'a>(stored: impl IntoIterator<Item = &'a StoredCertificate>) -> Vec<i64> {
    let mut ids: Vec<i64> = stored
        .into_iter()
        .flat_map(|s| match s {
            StoredCertificate::Full(_) => [].iter(),
            StoredCertificate::ByBatch(refs) => refs.iter(),
        })
        .map(|&(id, _)| id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Decoded vote batches by id, with every vote's Merkle proof, to rebuild certificates from.
#[derive(Debug, Default)]
pub struct BatchBook {
    batches: HashMap<i64, (VoteBatch, Vec<MerkleProof>)>,
}

impl BatchBook {
    /// Adds the stored batch `id` (its canonical encoding).
    pub fn insert(&mut self, id: i64, encoded: &[u8]) -> Result<()> {
        let batch = VoteBatch::decode_from_slice(encoded)
            .map_err(|e| StoreError::corrupt("vote batch", e))?;
        let leaves: Vec<Hash32> = batch.votes.iter().map(vote_leaf_hash).collect();
        let proofs = prove_all(&leaves);
        self.batches.insert(id, (batch, proofs));
        Ok(())
    }

    /// Rebuilds the certificate of `quote_id` from `stored`.
    pub fn certificate(&self, quote_id: QuoteId, stored: StoredCertificate) -> Result<Certificate> {
        let refs = match stored {
            StoredCertificate::Full(certificate) => return Ok(certificate),
            StoredCertificate::ByBatch(refs) => refs,
        };
        let accept = Vote {
            quote_id,
            verdict: Verdict::Accept,
        };
        let entries = refs
            .into_iter()
            .map(|(id, index)| {
                let corrupt = |why: String| StoreError::corrupt("certificate references", why);
                let (batch, proofs) = self
                    .batches
                    .get(&id)
                    .ok_or_else(|| corrupt(format!("vote batch {id} is not stored")))?;
                let i = index as usize;
                if batch.votes.get(i) != Some(&accept) {
                    return Err(corrupt(format!(
                        "vote {index} of batch {id} is not an accept vote for {quote_id}"
                    )));
                }
                Ok(CertificateEntry {
                    header: batch.header.clone(),
                    signature: batch.signature,
                    proof: proofs[i].clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Certificate { quote_id, entries })
    }
}

/// A decision read from its row, with its certificate still as stored.
pub type Unresolved = (StoredDecision, Option<StoredCertificate>);

/// Decisions read with [`decode_stored`], left without their certificates.
pub fn without_certificates(rows: Vec<Unresolved>) -> Vec<StoredDecision> {
    rows.into_iter().map(|(stored, _)| stored).collect()
}

/// Puts the rebuilt certificates into decisions read with [`decode_stored`]; `book` holds (at
/// least) the [`referenced_batches`] of `rows`.
pub fn complete(rows: Vec<Unresolved>, book: &BatchBook) -> Result<Vec<StoredDecision>> {
    rows.into_iter()
        .map(|(mut stored, certificate)| {
            if let Some(certificate) = certificate {
                let id = stored.decision.quote.id();
                stored.decision.certificate = Some(book.certificate(id, certificate)?);
            }
            Ok(stored)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::fixtures::{batched_commits, commit};
    use mdn_protocol::Outcome;

    #[test]
    fn by_reference_round_trips_to_the_same_certificate() {
        let commits = batched_commits(0..40, 1, 16);
        let mut planner = BatchPlanner::default();
        let planned: Vec<_> = commits
            .iter()
            .map(|c| planner.plan(c.quote_id, &c.accepts).unwrap())
            .collect();
        let batches = planner.into_batches();
        // 4 voters, 40 quotes in batches of 16: 3 batches per voter, each stored once.
        assert_eq!(batches.len(), 12);
        let ids: Vec<i64> = (0..batches.len() as i64).map(|i| 1000 + i).collect();
        let mut book = BatchBook::default();
        for (id, b) in ids.iter().zip(&batches) {
            book.insert(*id, &b.encoded).unwrap();
        }
        for (c, p) in commits.iter().zip(planned) {
            assert!(matches!(p, PlannedCertificate::ByBatch(_)));
            let blob = p.blob(&ids).unwrap();
            assert_eq!(blob.len(), 1 + 4 * REF_SIZE);
            let stored = decode_stored(&blob).unwrap();
            let rebuilt = book.certificate(c.quote_id, stored).unwrap();
            assert_eq!(Some(rebuilt), c.certificate());
        }
    }

    #[test]
    fn only_accept_votes_on_the_quote_in_voter_order_are_referenced() {
        let commits = batched_commits(0..4, 2, 4);
        let c = &commits[0];
        let mut planner = BatchPlanner::default();
        // Another quote's votes.
        let err = planner.plan(c.quote_id, &commits[1].accepts).unwrap_err();
        assert!(
            err.contains(&format!("on {}", commits[1].quote_id)),
            "{err}"
        );
        // Voters out of order, or one voter twice.
        let mut reversed = c.accepts.clone();
        reversed.reverse();
        let err = planner.plan(c.quote_id, &reversed).unwrap_err();
        assert!(err.contains("out of order or repeated"), "{err}");
        let twice = vec![c.accepts[0].clone(), c.accepts[0].clone()];
        assert!(planner.plan(c.quote_id, &twice).is_err());
        // A reject vote is not an accept.
        let mut batch = (**c.accepts[0].batch()).clone();
        batch.votes[0].verdict = Verdict::Reject(mdn_protocol::RejectReason::OutOfBand);
        let reject = BatchVote::new(Arc::new(batch), 0).unwrap();
        assert!(planner.plan(c.quote_id, &[reject]).is_err());
        assert!(planner.plan(c.quote_id, &c.accepts).is_ok());
    }

    #[test]
    fn a_full_certificate_is_kept_in_full() {
        let c = commit(1, Outcome::Validated);
        let cert = c.decision.certificate.clone().unwrap();
        let plan = crate::plan::plan_batch(std::slice::from_ref(&c)).unwrap();
        let planned = plan.rows[0].certificate.clone().unwrap();
        assert_eq!(planned, PlannedCertificate::Full(cert.encode_to_vec()));
        assert!(plan.batches.is_empty());
        let stored = decode_stored(&planned.blob(&[]).unwrap()).unwrap();
        assert_eq!(stored, StoredCertificate::Full(cert));
    }

    #[test]
    fn bad_blobs_and_missing_batches_are_corruption_errors() {
        assert!(decode_stored(&[BY_REFERENCE]).is_err());
        assert!(decode_stored(&[BY_REFERENCE, 0, 0, 0]).is_err());
        assert!(decode_stored(&[0x01, 0x03]).is_err());
        let stored = StoredCertificate::ByBatch(vec![(7, 0)]);
        let err = BatchBook::default()
            .certificate(QuoteId::default(), stored)
            .unwrap_err();
        assert!(
            err.to_string().contains("vote batch 7 is not stored"),
            "{err}"
        );
    }

    #[test]
    fn referenced_batches_are_listed_once() {
        let a = StoredCertificate::ByBatch(vec![(3, 0), (1, 2)]);
        let b = StoredCertificate::ByBatch(vec![(3, 1)]);
        assert_eq!(referenced_batches([&a, &b]), vec![1, 3]);
    }
}
