//! The task that owns the Swarm: one `tokio::select!` over Swarm events, client commands and a
//! re-dial timer. Commands are served here; Swarm events are handled in [`swarm_events`].

mod swarm_events;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::StreamExt;
use libp2p::gossipsub::{self, MessageId};
use libp2p::request_response::OutboundRequestId;
use libp2p::swarm::{ConnectionId, dial_opts::DialOpts};
use libp2p::{Multiaddr, PeerId, Swarm};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};
use tokio::time::MissedTickBehavior;

use crate::behaviour::Behaviour;
use crate::client::{Command, Counters};
use crate::config::TopicLimits;
use crate::error::{NetworkError, PublishError, RequestError};
use crate::event::{NetworkEvent, Verdict};
use crate::rpc::Response;
use crate::topic::{TopicKind, TopicTable};

/// Reply channel of an outbound request.
type RequestReply = oneshot::Sender<Result<Response, RequestError>>;
/// Reply channel of a dial.
type DialReply = oneshot::Sender<Result<PeerId, NetworkError>>;

/// Drives the Swarm. Spawn [`EventLoop::run`] on a tokio runtime; it returns when a client calls
/// [`crate::NetworkClient::shutdown`] or every client is dropped.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<NetworkEvent>,
    counters: Arc<Counters>,
    topics: TopicTable,
    limits: TopicLimits,
    protocol_version: String,
    bootnodes: Vec<Multiaddr>,
    redial_interval: Duration,
    pending_requests: HashMap<OutboundRequestId, RequestReply>,
    pending_dials: HashMap<ConnectionId, (Multiaddr, DialReply)>,
}

/// Everything [`EventLoop::new`] takes, gathered by [`crate::Network::new`].
pub(crate) struct EventLoopParts {
    pub(crate) swarm: Swarm<Behaviour>,
    pub(crate) commands: mpsc::Receiver<Command>,
    pub(crate) events: mpsc::Sender<NetworkEvent>,
    pub(crate) counters: Arc<Counters>,
    pub(crate) network_id: String,
    pub(crate) limits: TopicLimits,
    pub(crate) bootnodes: Vec<Multiaddr>,
    pub(crate) redial_interval: Duration,
}

impl EventLoop {
    pub(crate) fn new(parts: EventLoopParts) -> Self {
        Self {
            swarm: parts.swarm,
            commands: parts.commands,
            events: parts.events,
            counters: parts.counters,
            topics: TopicTable::new(&parts.network_id),
            limits: parts.limits,
            protocol_version: crate::behaviour::protocol_version(&parts.network_id),
            bootnodes: parts.bootnodes,
            redial_interval: parts.redial_interval,
            pending_requests: HashMap::new(),
            pending_dials: HashMap::new(),
        }
    }

    /// Runs until shutdown. Never panics on network input.
    pub async fn run(mut self) {
        // The first tick comes one interval in: `Network::new` has just dialled the bootnodes.
        let start = tokio::time::Instant::now() + self.redial_interval;
        let mut redial = tokio::time::interval_at(start, self.redial_interval);
        redial.set_missed_tick_behavior(MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = self.commands.recv() => match command {
                    Some(Command::Shutdown { reply }) => {
                        let _ = reply.send(());
                        break;
                    }
                    Some(command) => self.on_command(command),
                    None => break,
                },
                _ = redial.tick() => self.on_redial_tick(),
            }
        }
        tracing::debug!(peer = %self.swarm.local_peer_id(), "network event loop stopped");
    }

    /// Serves one client command. Replies to a client that stopped waiting are discarded.
    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { kind, data, reply } => {
                let _ = reply.send(self.publish(kind, data));
            }
            Command::ReportValidation {
                message_id,
                propagation_source,
                verdict,
                reply,
            } => {
                let _ = reply.send(self.report(&message_id, &propagation_source, verdict));
            }
            Command::Request {
                peer,
                request,
                reply,
            } => {
                let id = self.swarm.behaviour_mut().rr.send_request(&peer, request);
                self.pending_requests.insert(id, reply);
            }
            Command::Respond {
                handle,
                response,
                reply,
            } => {
                let sent = self
                    .swarm
                    .behaviour_mut()
                    .rr
                    .send_response(handle.channel, response)
                    .map_err(|_| NetworkError::ResponseChannelClosed);
                let _ = reply.send(sent);
            }
            Command::Dial { addr, reply } => self.dial(addr, reply),
            Command::ConnectedPeers { reply } => {
                let _ = reply.send(self.swarm.connected_peers().copied().collect());
            }
            Command::PeerScore { peer, reply } => {
                let _ = reply.send(self.swarm.behaviour().gossipsub.peer_score(&peer));
            }
            Command::SetApplicationScore { peer, score, reply } => {
                let gossipsub = &mut self.swarm.behaviour_mut().gossipsub;
                let _ = reply.send(gossipsub.set_application_score(&peer, score));
            }
            Command::ListenAddrs { reply } => {
                let _ = reply.send(self.swarm.listeners().cloned().collect());
            }
            Command::Shutdown { reply } => {
                // Handled in `run`; answering here keeps the match total.
                let _ = reply.send(());
            }
        }
    }

    /// Publishes after checking the topic's size limit.
    fn publish(&mut self, kind: TopicKind, data: Vec<u8>) -> Result<MessageId, PublishError> {
        let limit = self.limits.for_kind(kind);
        if data.len() > limit {
            return Err(PublishError::TooLarge {
                kind,
                size: data.len(),
                limit,
            });
        }
        let size = data.len();
        let topic = self.topics.hash_of(kind);
        self.swarm
            .behaviour_mut()
            .gossipsub
            .publish(topic, data)
            .map_err(|e| match e {
                gossipsub::PublishError::Duplicate => PublishError::Duplicate(kind),
                gossipsub::PublishError::NoPeersSubscribedToTopic => PublishError::NoPeers(kind),
                gossipsub::PublishError::MessageTooLarge => {
                    PublishError::TooLarge { kind, size, limit }
                }
                other => PublishError::Refused {
                    kind,
                    reason: other.to_string(),
                },
            })
    }

    /// Hands a verdict to gossipsub; `false` when the message had already left its cache.
    fn report(&mut self, id: &MessageId, source: &PeerId, verdict: Verdict) -> bool {
        self.swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(id, source, verdict.into())
    }

    /// Starts a dial; the reply waits for the connection (or its failure).
    fn dial(&mut self, addr: Multiaddr, reply: DialReply) {
        let opts = DialOpts::from(addr.clone());
        let connection_id = opts.connection_id();
        match self.swarm.dial(opts) {
            Ok(()) => {
                self.pending_dials.insert(connection_id, (addr, reply));
            }
            Err(e) => {
                let _ = reply.send(Err(NetworkError::Dial {
                    addr,
                    reason: e.to_string(),
                }));
            }
        }
    }

    /// While no peer is connected, dials the bootnodes again; otherwise refreshes Kademlia.
    fn on_redial_tick(&mut self) {
        if self.swarm.connected_peers().next().is_some() {
            return;
        }
        for addr in self.bootnodes.clone() {
            if let Err(e) = self.swarm.dial(addr.clone()) {
                tracing::debug!(%addr, error = %e, "bootnode dial refused");
            }
        }
    }

    /// Passes an event to the application without waiting. When the channel is full (or the
    /// application is gone) the event is dropped, counted, and a gossip message among them is
    /// reported `Ignore` so it is neither forwarded nor held in the cache.
    fn emit(&mut self, event: NetworkEvent) {
        let event = match self.events.try_send(event) {
            Ok(()) => return,
            Err(TrySendError::Full(event) | TrySendError::Closed(event)) => event,
        };
        self.counters.dropped_events.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(event = ?EventKind::of(&event), "event channel full or closed: event dropped");
        if let NetworkEvent::Message {
            message_id,
            propagation_source,
            ..
        } = event
        {
            self.report(&message_id, &propagation_source, Verdict::Ignore);
        }
    }
}

/// The variant of an event, for logs (without its data).
#[derive(Debug)]
enum EventKind {
    Message,
    InboundRequest,
    PeerConnected,
    PeerDisconnected,
    Listening,
}

impl EventKind {
    fn of(event: &NetworkEvent) -> Self {
        match event {
            NetworkEvent::Message { .. } => EventKind::Message,
            NetworkEvent::InboundRequest { .. } => EventKind::InboundRequest,
            NetworkEvent::PeerConnected(_) => EventKind::PeerConnected,
            NetworkEvent::PeerDisconnected(_) => EventKind::PeerDisconnected,
            NetworkEvent::Listening(_) => EventKind::Listening,
        }
    }
}
