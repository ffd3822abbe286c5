//! The gossip bridge: a tokio task between the libp2p event loop and the actors. Every gossiped
//! message is decoded, checked (network id, validator membership, signature, replay window) off the
//! async threads, its verdict reported back to gossipsub exactly once (Reject costs the sender
//! score), and only then handed to the voter or the tally. Inbound sync requests are answered from
//! here too, each in its own task.
//!
//! Verdicts (see `docs/network.md` "Validation flow" and `docs/consensus.md` §4):
//! - malformed bytes, wrong network id, unknown validator, bad signature, replayed seq or report
//!   epoch → Reject;
//! - past its deadline ([`mdn_consensus::Deadline`]) → Ignore, unprocessed, counted as `late`: a
//!   proposal that waited in this node's inbound queue more than a quarter of the vote timeout
//!   (dropped before decoding), or a proposal or vote batch made more than the vote timeout plus
//!   the allowed clock skew ago (dropped after its signature and replay checks). Either can no
//!   longer be decided in time, and a node behind on its gossip must not spend its time on it;
//! - a reputation report made too far in the future or too long ago → Ignore;
//! - script announcements: see [`crate::script_share`] (bad signature or network → Reject);
//! - topics this build does not handle yet → Ignore.

use std::collections::HashMap;
use std::sync::Arc;

use actix::Recipient;
use mdn_consensus::Deadline;
use mdn_consensus::replay::{ReplayGuard, SeqCheck};
use mdn_network::{NetworkClient, NetworkEvent, Request, TopicKind, Verdict as Acceptance};
use mdn_protocol::{
    Decode, ObservationBatch, PublicKey, ReputationReport, ValidatorSet, VoteBatch,
};
use tokio::sync::mpsc;

use crate::clock::now_ms;
use crate::events::{Counters, NodeEvent, Telemetry};
use crate::messages::{VerifiedObservations, VerifiedVotes};
use crate::reputation::ReputationInput;
use crate::script_share::ScriptShare;
use crate::sync::{SyncTrigger, serve_decisions, serve_validated_ids};

/// Why a gossiped message was refused (each maps to a gossipsub verdict).
#[derive(Debug, thiserror::Error)]
pub enum GossipReject {
    /// Bytes do not decode.
    #[error("malformed: {0}")]
    Malformed(#[from] mdn_protocol::DecodeError),
    /// Another network's message.
    #[error("network id {got:?}, expected {expected:?}")]
    WrongNetwork {
        /// Ours.
        expected: String,
        /// Theirs.
        got: String,
    },
    /// Signed by a key outside the validator set.
    #[error("signer {0} is not in the validator set")]
    UnknownValidator(mdn_protocol::PublicKey),
    /// Signature, root or count wrong.
    #[error("bad signature: {0}")]
    BadSignature(#[from] mdn_protocol::SignatureError),
    /// A batch seq already seen (or too old) from this signer.
    #[error("replayed batch seq {seq} of {signer}")]
    Replay {
        /// Signer.
        signer: mdn_protocol::PublicKey,
        /// Its seq.
        seq: u64,
    },
}

/// Where verified messages go.
pub struct GossipOutputs {
    /// Observation batches → voter.
    pub voter: Recipient<VerifiedObservations>,
    /// Vote batches → tally.
    pub tally: Recipient<VerifiedVotes>,
    /// Reputation reports → reputation.
    pub reputation: Recipient<ReputationInput>,
}

/// The bridge's fixed inputs.
pub struct GossipBridge {
    /// Network id expected in every message.
    pub network_id: String,
    /// The validator set.
    pub validators: Arc<ValidatorSet>,
    /// Proposals and vote batches arriving later than this are dropped unprocessed.
    pub deadline: Deadline,
    /// The network.
    pub network: NetworkClient,
    /// Destinations.
    pub outputs: GossipOutputs,
    /// The store, to serve sync requests.
    pub store: Arc<dyn mdn_store::Store>,
    /// Counters.
    pub telemetry: Telemetry,
    /// Tells the sync worker about new peers.
    pub sync: mpsc::Sender<SyncTrigger>,
    /// Script sharing: announcements, who runs what, script bodies.
    pub scripts: ScriptShare,
}

impl GossipBridge {
    /// Runs until the network's event stream ends.
    pub async fn run(self, mut events: mpsc::Receiver<NetworkEvent>) {
        let mut observation_seqs = ReplayGuard::new(4096, 1024);
        let mut vote_seqs = ReplayGuard::new(4096, 1024);
        let mut report_epochs: HashMap<PublicKey, u64> = HashMap::new();
        while let Some(event) = events.recv().await {
            let waiting = i64::try_from(events.len()).unwrap_or(i64::MAX);
            self.telemetry.metrics.gossip_queue.set(waiting);
            match event {
                NetworkEvent::Message {
                    kind,
                    data,
                    message_id,
                    propagation_source,
                    received_at,
                    ..
                } => {
                    let bytes = data.len();
                    let waited =
                        i64::try_from(received_at.elapsed().as_millis()).unwrap_or(i64::MAX);
                    let handled = match kind {
                        TopicKind::Observations if self.deadline.waited_too_long(waited) => {
                            Handled::Late
                        }
                        TopicKind::Observations => {
                            self.on_observations(data, &mut observation_seqs).await
                        }
                        TopicKind::Votes => self.on_votes(data, &mut vote_seqs).await,
                        TopicKind::Reputation => {
                            self.on_report(data, &mut report_epochs).await.into()
                        }
                        TopicKind::Scripts => self.scripts.on_gossip(&data).into(),
                    };
                    self.telemetry
                        .gossip_verdict(kind.as_str(), handled.label(), bytes);
                    if let Err(err) = self
                        .network
                        .report_validation(message_id, propagation_source, handled.verdict())
                        .await
                    {
                        tracing::debug!(%err, "could not report validation");
                    }
                }
                NetworkEvent::InboundRequest {
                    peer,
                    request,
                    channel,
                } => {
                    // Answered in a task of its own: a store read waits behind the commit in
                    // progress, and gossip must not wait with it. libp2p bounds the requests
                    // in flight per connection.
                    let (store, scripts) = (self.store.clone(), self.scripts.clone());
                    let network = self.network.clone();
                    actix::spawn(async move {
                        let response = match request {
                            Request::Decisions { after_seq, limit } => {
                                serve_decisions(store.as_ref(), after_seq, limit).await
                            }
                            Request::ValidatedIds { after_seq, limit } => {
                                serve_validated_ids(store.as_ref(), after_seq, limit).await
                            }
                            Request::Script { hash } => scripts.serve(hash).await,
                        };
                        if let Err(err) = network.respond(channel, response).await {
                            tracing::debug!(%peer, %err, "could not answer request");
                        }
                    });
                }
                NetworkEvent::PeerConnected(peer) => {
                    let _ = self.sync.try_send(SyncTrigger::PeerConnected(peer));
                    self.telemetry.emit(NodeEvent::peer(true, peer.to_string()));
                }
                NetworkEvent::PeerDisconnected(peer) => {
                    self.telemetry
                        .emit(NodeEvent::peer(false, peer.to_string()));
                }
                _ => {}
            }
        }
    }

    async fn on_observations(&self, data: Vec<u8>, seqs: &mut ReplayGuard) -> Handled {
        let (network_id, validators) = (self.network_id.clone(), self.validators.clone());
        let checked = verify_off_thread(move || {
            let batch = ObservationBatch::decode_from_slice(&data)?;
            check_signer(&network_id, &batch.network_id, &validators, &batch.proposer)?;
            batch.verify()?;
            Ok(VerifiedObservations::new(batch))
        })
        .await;
        let verified = match accept_fresh(checked, seqs, |v| (v.batch().proposer, v.batch().seq)) {
            Ok(verified) => verified,
            Err(verdict) => return verdict.into(),
        };
        self.scripts.note_batch(verified.batch());
        if self
            .deadline
            .is_late(verified.batch().created_at_ms, now_ms())
        {
            return Handled::Late;
        }
        // Waits for room in the voter's mailbox: backpressure on the network loop.
        let _ = self.outputs.voter.send(verified).await;
        Handled::Accepted
    }

    async fn on_votes(&self, data: Vec<u8>, seqs: &mut ReplayGuard) -> Handled {
        let (network_id, validators) = (self.network_id.clone(), self.validators.clone());
        let checked = verify_off_thread(move || {
            let batch = VoteBatch::decode_from_slice(&data)?;
            check_signer(
                &network_id,
                &batch.header.network_id,
                &validators,
                &batch.header.voter,
            )?;
            Ok(VerifiedVotes::check(batch)?)
        })
        .await;
        let verified = match accept_fresh(checked, seqs, |v| {
            (v.batch().header.voter, v.batch().header.seq)
        }) {
            Ok(verified) => verified,
            Err(verdict) => return verdict.into(),
        };
        if self
            .deadline
            .is_late(verified.batch().header.created_at_ms, now_ms())
        {
            return Handled::Late;
        }
        Counters::add(
            &self.telemetry.counters.votes_received,
            verified.batch().votes.len() as u64,
        );
        let _ = self.outputs.tally.send(verified).await;
        Handled::Accepted
    }
}

impl GossipBridge {
    /// A reputation report: checked like a batch; its epoch must exceed the reporter's last one
    /// (a replay is rejected), and one made too far in the future or too long ago is ignored.
    async fn on_report(&self, data: Vec<u8>, epochs: &mut HashMap<PublicKey, u64>) -> Acceptance {
        let (network_id, validators) = (self.network_id.clone(), self.validators.clone());
        let checked = verify_off_thread(move || {
            let report = ReputationReport::decode_from_slice(&data)?;
            check_signer(
                &network_id,
                &report.network_id,
                &validators,
                &report.reporter,
            )?;
            report.verify()?;
            Ok(report)
        })
        .await;
        let report = match checked {
            Some(Ok(report)) => report,
            Some(Err(why)) => {
                tracing::debug!(%why, "reputation report rejected");
                return Acceptance::Reject;
            }
            None => return Acceptance::Ignore,
        };
        let last = epochs.entry(report.reporter).or_insert(0);
        if report.epoch <= *last {
            tracing::debug!(reporter = %report.reporter, epoch = report.epoch, "replayed report");
            return Acceptance::Reject;
        }
        let age = now_ms() - report.created_at_ms;
        if !(-REPORT_SKEW_MS..=REPORT_MAX_AGE_MS).contains(&age) {
            return Acceptance::Ignore;
        }
        *last = report.epoch;
        let _ = self
            .outputs
            .reputation
            .send(ReputationInput::Report(Box::new(report)))
            .await;
        Acceptance::Accept
    }
}

/// A report may be this far ahead of our clock (ms).
const REPORT_SKEW_MS: i64 = 10_000;
/// A report older than this is not news any more (ms).
const REPORT_MAX_AGE_MS: i64 = 600_000;

/// What became of a gossiped message: its gossipsub verdict, and its metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handled {
    /// Valid and passed on.
    Accepted,
    /// Invalid: its sender loses score.
    Rejected,
    /// Not passed on, no fault of its sender.
    Ignored,
    /// Valid but past its [`Deadline`]: dropped unprocessed (an `Ignore`).
    Late,
}

impl Handled {
    fn verdict(self) -> Acceptance {
        match self {
            Handled::Accepted => Acceptance::Accept,
            Handled::Rejected => Acceptance::Reject,
            Handled::Ignored | Handled::Late => Acceptance::Ignore,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Handled::Accepted => "accept",
            Handled::Rejected => "reject",
            Handled::Ignored => "ignore",
            Handled::Late => "late",
        }
    }
}

impl From<Acceptance> for Handled {
    fn from(verdict: Acceptance) -> Self {
        match verdict {
            Acceptance::Accept => Handled::Accepted,
            Acceptance::Reject => Handled::Rejected,
            Acceptance::Ignore => Handled::Ignored,
        }
    }
}

/// Runs decoding and signature checks on the blocking pool; `None` if the task itself failed.
async fn verify_off_thread<T: Send + 'static>(
    check: impl FnOnce() -> Result<T, GossipReject> + Send + 'static,
) -> Option<Result<T, GossipReject>> {
    tokio::task::spawn_blocking(check).await.ok()
}

/// A checked message that is not a replay, or the verdict to report instead.
fn accept_fresh<T>(
    checked: Option<Result<T, GossipReject>>,
    seqs: &mut ReplayGuard,
    signer_and_seq: impl Fn(&T) -> (mdn_protocol::PublicKey, u64),
) -> Result<T, Acceptance> {
    let message = match checked {
        Some(Ok(message)) => message,
        Some(Err(why)) => {
            tracing::debug!(%why, "gossip message rejected");
            return Err(Acceptance::Reject);
        }
        None => return Err(Acceptance::Ignore),
    };
    let (signer, seq) = signer_and_seq(&message);
    if let Some(why) = replayed(seqs, &signer, seq) {
        tracing::debug!(%why, "gossip message rejected");
        return Err(Acceptance::Reject);
    }
    Ok(message)
}

fn check_signer(
    expected_network: &str,
    network: &str,
    validators: &ValidatorSet,
    signer: &mdn_protocol::PublicKey,
) -> Result<(), GossipReject> {
    if network != expected_network {
        return Err(GossipReject::WrongNetwork {
            expected: expected_network.to_owned(),
            got: network.to_owned(),
        });
    }
    if !validators.contains(signer) {
        return Err(GossipReject::UnknownValidator(*signer));
    }
    Ok(())
}

fn replayed(
    seqs: &mut ReplayGuard,
    signer: &mdn_protocol::PublicKey,
    seq: u64,
) -> Option<GossipReject> {
    match seqs.check(signer, seq) {
        SeqCheck::Fresh => None,
        _ => Some(GossipReject::Replay {
            signer: *signer,
            seq,
        }),
    }
}
