//! The application's handle on the network: each method sends a [`Command`] to the event loop over
//! a bounded channel and awaits the reply on a oneshot. Cheap to clone. When the loop is gone every
//! method returns an error instead of panicking.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use libp2p::gossipsub::MessageId;
use libp2p::{Multiaddr, PeerId};
use tokio::sync::{mpsc, oneshot};

use crate::error::{NetworkError, PublishError, RequestError};
use crate::event::Verdict;
use crate::rpc::{Request, Response, ResponseHandle};
use crate::topic::TopicKind;

/// A request to the event loop, with the oneshot its answer goes to.
#[derive(Debug)]
pub(crate) enum Command {
    Publish {
        kind: TopicKind,
        data: Vec<u8>,
        reply: oneshot::Sender<Result<MessageId, PublishError>>,
    },
    ReportValidation {
        message_id: MessageId,
        propagation_source: PeerId,
        verdict: Verdict,
        reply: oneshot::Sender<bool>,
    },
    Request {
        peer: PeerId,
        request: Request,
        reply: oneshot::Sender<Result<Response, RequestError>>,
    },
    Respond {
        handle: ResponseHandle,
        response: Response,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    Dial {
        addr: Multiaddr,
        reply: oneshot::Sender<Result<PeerId, NetworkError>>,
    },
    ConnectedPeers {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    PeerScore {
        peer: PeerId,
        reply: oneshot::Sender<Option<f64>>,
    },
    SetApplicationScore {
        peer: PeerId,
        score: f64,
        reply: oneshot::Sender<bool>,
    },
    ListenAddrs {
        reply: oneshot::Sender<Vec<Multiaddr>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// Counters shared by the event loop and the clients.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Events dropped because the application's event channel was full.
    pub(crate) dropped_events: AtomicU64,
}

/// Handle for the application: publish, validate, request, respond, dial, inspect.
#[derive(Debug, Clone)]
pub struct NetworkClient {
    commands: mpsc::Sender<Command>,
    local_peer_id: PeerId,
    counters: Arc<Counters>,
}

impl NetworkClient {
    pub(crate) fn new(
        commands: mpsc::Sender<Command>,
        local_peer_id: PeerId,
        counters: Arc<Counters>,
    ) -> Self {
        Self {
            commands,
            local_peer_id,
            counters,
        }
    }

    /// Sends a command built around a fresh oneshot and waits for its answer; `None` when the
    /// event loop is gone (or dropped the command).
    async fn call<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(make(reply)).await.ok()?;
        answer.await.ok()
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    /// Events dropped so far because the application's event channel was full.
    pub fn dropped_events(&self) -> u64 {
        self.counters.dropped_events.load(Ordering::Relaxed)
    }

    /// Publishes `data` on the topic of `kind`. Returns the message id (SHA-256 of `data`).
    ///
    /// Fails with [`PublishError::NoPeers`] when no connected peer is subscribed (nothing was
    /// sent), [`PublishError::TooLarge`] above the topic's limit, [`PublishError::Duplicate`] when
    /// identical data was seen within the duplicate-cache time (1 minute).
    pub async fn publish(&self, kind: TopicKind, data: Vec<u8>) -> Result<MessageId, PublishError> {
        self.call(|reply| Command::Publish { kind, data, reply })
            .await
            .unwrap_or(Err(PublishError::Stopped))
    }

    /// Reports the application's verdict on a received gossip message. Call it exactly once per
    /// [`crate::NetworkEvent::Message`], with the event's `message_id` and `propagation_source`.
    ///
    /// Returns `Ok(false)` when gossipsub no longer had the message (reported too late, after
    /// about 5 heartbeats); the verdict then had no effect.
    pub async fn report_validation(
        &self,
        message_id: MessageId,
        propagation_source: PeerId,
        verdict: Verdict,
    ) -> Result<bool, NetworkError> {
        self.call(|reply| Command::ReportValidation {
            message_id,
            propagation_source,
            verdict,
            reply,
        })
        .await
        .ok_or(NetworkError::Stopped)
    }

    /// Sends `request` to `peer` (dialling it if needed and its address is known) and waits for
    /// the response, at most the configured request timeout.
    pub async fn request(&self, peer: PeerId, request: Request) -> Result<Response, RequestError> {
        self.call(|reply| Command::Request {
            peer,
            request,
            reply,
        })
        .await
        .unwrap_or(Err(RequestError::Stopped))
    }

    /// Answers an inbound request.
    pub async fn respond(
        &self,
        handle: ResponseHandle,
        response: Response,
    ) -> Result<(), NetworkError> {
        self.call(|reply| Command::Respond {
            handle,
            response,
            reply,
        })
        .await
        .unwrap_or(Err(NetworkError::Stopped))
    }

    /// Dials `addr` and waits until the connection is established; returns the remote peer id.
    pub async fn dial(&self, addr: Multiaddr) -> Result<PeerId, NetworkError> {
        self.call(|reply| Command::Dial { addr, reply })
            .await
            .unwrap_or(Err(NetworkError::Stopped))
    }

    /// Peers with at least one open connection.
    pub async fn connected_peers(&self) -> Result<Vec<PeerId>, NetworkError> {
        self.call(|reply| Command::ConnectedPeers { reply })
            .await
            .ok_or(NetworkError::Stopped)
    }

    /// The gossipsub score of `peer` as this node sees it (0 for a peer it knows nothing of).
    pub async fn peer_score(&self, peer: PeerId) -> Result<Option<f64>, NetworkError> {
        self.call(|reply| Command::PeerScore { peer, reply })
            .await
            .ok_or(NetworkError::Stopped)
    }

    /// Sets the application-specific part (P5, weight 1) of `peer`'s gossipsub score. Returns
    /// whether gossipsub knows the peer (connected, or its score still retained).
    pub async fn set_application_score(
        &self,
        peer: PeerId,
        score: f64,
    ) -> Result<bool, NetworkError> {
        self.call(|reply| Command::SetApplicationScore { peer, score, reply })
            .await
            .ok_or(NetworkError::Stopped)
    }

    /// The addresses the node currently listens on (after listening started; port 0 resolved).
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, NetworkError> {
        self.call(|reply| Command::ListenAddrs { reply })
            .await
            .ok_or(NetworkError::Stopped)
    }

    /// Stops the event loop; connections close. Later calls return `Stopped` errors.
    pub async fn shutdown(&self) -> Result<(), NetworkError> {
        self.call(|reply| Command::Shutdown { reply })
            .await
            .ok_or(NetworkError::Stopped)
    }
}
