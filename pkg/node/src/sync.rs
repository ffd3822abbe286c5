//! Catch-up sync. A node that starts, restarts or reconnects pulls the validated decisions it missed
//! from each peer, page by page after a per-peer cursor (the peer's local commit seq): it asks for a
//! page's ids first and for the page itself only when some are missing, verifies every certificate
//! it has to store against the validator set off the async threads, and stores what verifies. A
//! peer that serves an invalid certificate is dropped from this round and logged. Also serves such
//! requests.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use mdn_network::PeerId;
use mdn_network::{NetworkClient, Request, Response};
use mdn_protocol::{Decision, Decode, Encode, Hash32, Outcome, QuoteId, ValidatorSet};
use mdn_store::{DecisionCommit, Store};
use tokio::sync::mpsc;

use crate::events::{Counters, Telemetry};
use crate::recent_ids::RecentIds;
use crate::tally::effects_of;

/// Largest page of decisions served or asked for.
pub const PAGE: u32 = 256;
/// Largest page of ids served or asked for (128 KiB of ids). Checking a page of ids costs the
/// store a scan of its recent decisions, so gossip-fed nodes ask for few large pages.
pub const ID_PAGE: u32 = 4096;
/// How often every connected peer is asked again (heals missed gossip).
const ROUND_EVERY: Duration = Duration::from_secs(5);

/// Why the sync worker should run.
#[derive(Debug)]
pub enum SyncTrigger {
    /// A peer (re)connected: catch up from it.
    PeerConnected(PeerId),
}

/// Answers a `Decisions` request from the local store.
pub async fn serve_decisions(store: &dyn Store, after_seq: i64, limit: u32) -> Response {
    let limit = limit.clamp(1, PAGE);
    match store.decisions_after(after_seq, limit).await {
        Ok(items) => {
            let next_after_seq = next_cursor(items.len(), limit, items.last().map(|d| d.seq));
            let items = items.iter().map(|d| d.decision.encode_to_vec()).collect();
            Response::Decisions {
                items,
                next_after_seq,
            }
        }
        Err(err) => Response::Error {
            message: format!("store: {err}"),
        },
    }
}

/// Answers a `ValidatedIds` request from the local store.
pub async fn serve_validated_ids(store: &dyn Store, after_seq: i64, limit: u32) -> Response {
    let limit = limit.clamp(1, ID_PAGE);
    match store.validated_ids_after(after_seq, limit).await {
        Ok(rows) => Response::ValidatedIds {
            next_after_seq: next_cursor(rows.len(), limit, rows.last().map(|(seq, _)| *seq)),
            ids: rows.into_iter().map(|(_, id)| id.0.to_vec()).collect(),
        },
        Err(err) => Response::Error {
            message: format!("store: {err}"),
        },
    }
}

/// Where a peer's next page starts: after the last seq of a full page; `None` after a page that
/// was not full (the end of what the store holds).
fn next_cursor(page_len: usize, limit: u32, last_seq: Option<i64>) -> Option<i64> {
    (page_len == limit as usize).then_some(last_seq).flatten()
}

/// Why a synced page was refused.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The peer could not be asked.
    #[error("request failed: {0}")]
    Request(String),
    /// The peer answered with an error.
    #[error("peer error: {0}")]
    Peer(String),
    /// An item did not decode.
    #[error("malformed decision: {0}")]
    Malformed(#[from] mdn_protocol::DecodeError),
    /// An item was not a validated decision with a valid certificate.
    #[error("invalid certificate: {0}")]
    Invalid(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] mdn_store::StoreError),
}

/// The sync worker.
pub struct SyncWorker {
    /// Network id.
    pub network_id: String,
    /// Validator set to verify against.
    pub validators: Arc<ValidatorSet>,
    /// The network.
    pub network: NetworkClient,
    /// The store.
    pub store: Arc<dyn Store>,
    /// Validated decisions committed lately, which need no store lookup.
    pub recent: Arc<RecentIds>,
    /// Counters.
    pub telemetry: Telemetry,
}

impl SyncWorker {
    /// Runs until the trigger channel closes.
    pub async fn run(self, mut triggers: mpsc::Receiver<SyncTrigger>) {
        let mut round = tokio::time::interval(ROUND_EVERY);
        let shed = &self.telemetry.counters.store_shed;
        let mut shed_before = Counters::get(shed);
        loop {
            tokio::select! {
                trigger = triggers.recv() => match trigger {
                    Some(SyncTrigger::PeerConnected(peer)) => self.catch_up(peer).await,
                    None => return,
                },
                _ = round.tick() => {
                    // The store writer dropped decisions since the last round: the store is
                    // behind, and fetching them back now would only add to its load. The gaps
                    // are healed by the first round after it keeps up again.
                    let shed_now = Counters::get(shed);
                    if std::mem::replace(&mut shed_before, shed_now) != shed_now {
                        continue;
                    }
                    for peer in self.network.connected_peers().await.unwrap_or_default() {
                        self.catch_up(peer).await;
                    }
                }
            }
        }
    }

    async fn catch_up(&self, peer: PeerId) {
        match self.pull_from(peer).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(%peer, decisions = n, "caught up from peer"),
            Err(err) => tracing::warn!(%peer, %err, "sync from peer stopped"),
        }
    }

    /// Pulls every page the peer has after our cursor; returns how many decisions were stored.
    pub async fn pull_from(&self, peer: PeerId) -> Result<u64, SyncError> {
        let key = peer.to_string();
        let mut cursor = self.store.sync_cursor(&key).await?;
        let mut stored = 0;
        loop {
            let (ids, ids_next) = self.page_ids(peer, cursor).await?;
            let known = self.validated_among(&ids).await?;
            let next = if ids.iter().all(|id| known.contains(id)) {
                Counters::add(&self.telemetry.counters.sync_skipped, ids.len() as u64);
                ids_next.filter(|_| !ids.is_empty())
            } else {
                let (page_stored, page_next) = self.fetch_page(peer, cursor).await?;
                stored += page_stored;
                page_next
            };
            match next {
                // A cursor that does not move on would ask the same page forever.
                Some(seq) if seq > cursor => {
                    cursor = seq;
                    self.store.set_sync_cursor(&key, cursor).await?;
                }
                _ => return Ok(stored),
            }
        }
    }

    async fn validated_among(&self, ids: &[QuoteId]) -> Result<HashSet<QuoteId>, SyncError> {
        validated_among(self.store.as_ref(), &self.recent, ids).await
    }

    /// Sends `request` to `peer`; a peer's error answer is an error.
    async fn ask(&self, peer: PeerId, request: Request) -> Result<Response, SyncError> {
        match self.network.request(peer, request).await {
            Ok(Response::Error { message }) => Err(SyncError::Peer(message)),
            Ok(response) => Ok(response),
            Err(e) => Err(SyncError::Request(e.to_string())),
        }
    }

    /// The ids of the peer's page after `cursor`, and the cursor after it.
    async fn page_ids(
        &self,
        peer: PeerId,
        cursor: i64,
    ) -> Result<(Vec<QuoteId>, Option<i64>), SyncError> {
        let request = Request::ValidatedIds {
            after_seq: cursor,
            limit: ID_PAGE,
        };
        match self.ask(peer, request).await? {
            Response::ValidatedIds {
                ids,
                next_after_seq,
            } => {
                let ids = ids
                    .into_iter()
                    .map(|id| {
                        <[u8; 32]>::try_from(id.as_slice())
                            .map(Hash32)
                            .map_err(|_| SyncError::Peer(format!("a {}-byte quote id", id.len())))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((ids, next_after_seq))
            }
            other => Err(SyncError::Peer(format!("unexpected answer {other:?}"))),
        }
    }

    /// Fetches the peer's page after `cursor` in full and stores what is missing and verifies;
    /// returns how many decisions were stored and the cursor after the page (`None`: the end).
    async fn fetch_page(&self, peer: PeerId, cursor: i64) -> Result<(u64, Option<i64>), SyncError> {
        let request = Request::Decisions {
            after_seq: cursor,
            limit: PAGE,
        };
        let (items, next) = match self.ask(peer, request).await? {
            Response::Decisions {
                items,
                next_after_seq,
            } => (items, next_after_seq),
            other => return Err(SyncError::Peer(format!("unexpected answer {other:?}"))),
        };
        Counters::add(&self.telemetry.counters.sync_pages, 1);
        let count = items.len();
        let commits = self.verify_page(items).await?;
        let mut stored = 0;
        if !commits.is_empty() {
            let report = self.store.commit(&commits).await?;
            stored = report.inserted + report.upgraded;
            Counters::add(&self.telemetry.counters.synced, stored);
            // Stored as validated now (only validated decisions verify): the next rounds need
            // not ask the store about them either.
            self.recent.remember(commits.iter().map(|c| c.quote_id));
        }
        Ok((stored, next.filter(|_| count > 0)))
    }

    /// Decodes a page, drops the decisions already stored as validated (most of a page, when
    /// gossip delivered them: only what is missing costs a certificate check and a write), and
    /// verifies the rest off the async threads.
    async fn verify_page(&self, items: Vec<Vec<u8>>) -> Result<Vec<DecisionCommit>, SyncError> {
        // Decoding and hashing a page is CPU work too: off the async threads, like the checks.
        let (decisions, ids) = tokio::task::spawn_blocking(move || {
            let decisions = items
                .iter()
                .map(|bytes| Decision::decode_from_slice(bytes))
                .collect::<Result<Vec<_>, _>>()?;
            let ids: Vec<_> = decisions.iter().map(|d| d.quote.id()).collect();
            Ok::<_, SyncError>((decisions, ids))
        })
        .await
        .map_err(|e| SyncError::Invalid(format!("decoding task failed: {e}")))??;
        let known = self.validated_among(&ids).await?;
        let missing: Vec<Decision> = decisions
            .into_iter()
            .zip(&ids)
            .filter(|(_, id)| !known.contains(id))
            .map(|(d, _)| d)
            .collect();
        Counters::add(
            &self.telemetry.counters.sync_skipped,
            (ids.len() - missing.len()) as u64,
        );
        if missing.is_empty() {
            return Ok(Vec::new());
        }
        let validators = self.validators.clone();
        let network_id = self.network_id.clone();
        tokio::task::spawn_blocking(move || {
            missing
                .into_iter()
                .map(|decision| {
                    verify_synced(&decision, &validators, &network_id)?;
                    let effects = effects_of(&decision, &[]);
                    // A peer's decision comes without its vote batches: kept in full.
                    Ok(DecisionCommit::new(decision, effects))
                })
                .collect::<Result<Vec<_>, SyncError>>()
        })
        .await
        .map_err(|e| SyncError::Invalid(format!("verification task failed: {e}")))?
    }
}

/// Which of `ids` are stored as validated: those committed lately from memory, only the rest from
/// the store (a gossip-fed node finds nearly all of a peer's recent ids in memory).
pub async fn validated_among(
    store: &dyn Store,
    recent: &RecentIds,
    ids: &[QuoteId],
) -> Result<HashSet<QuoteId>, SyncError> {
    let (remembered, others) = recent.split(ids);
    let mut known = if others.is_empty() {
        HashSet::new()
    } else {
        store.validated_among(&others).await?
    };
    known.extend(remembered);
    Ok(known)
}

/// A synced decision must be validated and carry a certificate that verifies.
pub fn verify_synced(
    decision: &Decision,
    validators: &ValidatorSet,
    network_id: &str,
) -> Result<(), SyncError> {
    if decision.outcome != Outcome::Validated {
        return Err(SyncError::Invalid(format!(
            "outcome {:?} is not validated",
            decision.outcome
        )));
    }
    let cert = decision
        .certificate
        .as_ref()
        .ok_or_else(|| SyncError::Invalid("validated decision without certificate".into()))?;
    cert.verify(&decision.quote, validators, network_id)
        .map_err(|e| SyncError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use mdn_protocol::Outcome;
    use mdn_store::contract::fixtures::commit;
    use mdn_store_sqlite::SqliteStore;

    use super::*;

    /// Remembered ids are answered without the store; the others are asked of it.
    #[tokio::test]
    async fn remembered_ids_need_no_store_lookup() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path().join("node.db"))
            .await
            .expect("open");
        let stored = [commit(1, Outcome::Validated), commit(2, Outcome::Rejected)];
        store.commit(&stored).await.expect("commit");
        let id = |c: &DecisionCommit| c.decision.quote.id();
        let (validated, rejected) = (id(&stored[0]), id(&stored[1]));
        // Remembered but never stored: only memory can say so.
        let remembered = id(&commit(3, Outcome::Validated));
        let unknown = id(&commit(4, Outcome::Validated));
        let recent = RecentIds::with_capacity(16);
        recent.remember([remembered]);

        let known = validated_among(&store, &recent, &[validated, rejected, remembered, unknown])
            .await
            .expect("lookup");
        assert_eq!(known, HashSet::from([validated, remembered]));

        let all_remembered = validated_among(&store, &recent, &[remembered])
            .await
            .expect("lookup");
        assert_eq!(all_remembered, HashSet::from([remembered]));
    }
}
