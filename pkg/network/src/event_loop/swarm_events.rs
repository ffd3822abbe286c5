//! Handling of Swarm events: connections, gossip messages (size check, then to the application),
//! discovery (identify and mDNS feed Kademlia; Kademlia finds peers to dial) and request-response.

use libp2p::gossipsub;
use libp2p::identify;
use libp2p::kad;
use libp2p::mdns;
use libp2p::request_response::{self, Message as RrMessage};
use libp2p::swarm::{SwarmEvent, dial_opts::DialOpts, dial_opts::PeerCondition};
use libp2p::{Multiaddr, PeerId};

use super::EventLoop;
use crate::behaviour::{BehaviourEvent, KAD_PROTOCOL};
use crate::error::NetworkError;
use crate::event::{NetworkEvent, Verdict};
use crate::rpc::{Request, Response, ResponseHandle};

/// Below this many connected peers, peers found through Kademlia are dialled.
const TARGET_PEERS: usize = 50;

impl EventLoop {
    /// Handles one Swarm event.
    pub(super) fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(event)) => self.on_gossipsub(event),
            SwarmEvent::Behaviour(BehaviourEvent::Identify(event)) => self.on_identify(event),
            SwarmEvent::Behaviour(BehaviourEvent::Kad(event)) => self.on_kad(event),
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(event)) => self.on_mdns(event),
            SwarmEvent::Behaviour(BehaviourEvent::Rr(event)) => self.on_request_response(event),
            SwarmEvent::Behaviour(BehaviourEvent::Ping(_)) => {}
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "listening");
                self.emit(NetworkEvent::Listening(address));
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                num_established,
                ..
            } => {
                if let Some((_, reply)) = self.pending_dials.remove(&connection_id) {
                    let _ = reply.send(Ok(peer_id));
                }
                if num_established.get() == 1 {
                    tracing::debug!(peer = %peer_id, "peer connected");
                    self.emit(NetworkEvent::PeerConnected(peer_id));
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                tracing::debug!(peer = %peer_id, "peer disconnected");
                self.emit(NetworkEvent::PeerDisconnected(peer_id));
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                peer_id,
                error,
            } => {
                tracing::debug!(peer = ?peer_id, %error, "outgoing connection failed");
                if let Some((addr, reply)) = self.pending_dials.remove(&connection_id) {
                    let reason = error.to_string();
                    let _ = reply.send(Err(NetworkError::Dial { addr, reason }));
                }
            }
            other => tracing::trace!(event = ?other, "swarm event"),
        }
    }

    fn on_gossipsub(&mut self, event: gossipsub::Event) {
        let gossipsub::Event::Message {
            propagation_source,
            message_id,
            message,
        } = event
        else {
            tracing::trace!(?event, "gossipsub event");
            return;
        };
        let Some(kind) = self.topics.kind_of(&message.topic) else {
            // The subscription filter admits only our topics; anything else is not ours to judge.
            self.report(&message_id, &propagation_source, Verdict::Ignore);
            return;
        };
        let limit = self.limits.for_kind(kind);
        if message.data.len() > limit {
            tracing::debug!(
                %kind, size = message.data.len(), limit, peer = %propagation_source,
                "gossip message over the topic limit: rejected"
            );
            self.report(&message_id, &propagation_source, Verdict::Reject);
            return;
        }
        self.emit(NetworkEvent::Message {
            kind,
            data: message.data,
            message_id,
            propagation_source,
            received_at: std::time::Instant::now(),
        });
    }

    /// Keeps peers of other networks out and feeds Kademlia with the listen addresses of peers
    /// that speak our DHT protocol.
    fn on_identify(&mut self, event: identify::Event) {
        let identify::Event::Received { peer_id, info, .. } = event else {
            return;
        };
        if info.protocol_version != self.protocol_version {
            tracing::info!(
                peer = %peer_id, theirs = %info.protocol_version, ours = %self.protocol_version,
                "peer belongs to another network: disconnecting"
            );
            let _ = self.swarm.disconnect_peer_id(peer_id);
            return;
        }
        if info.protocols.contains(&KAD_PROTOCOL) {
            let kad = &mut self.swarm.behaviour_mut().kad;
            for addr in info.listen_addrs {
                kad.add_address(&peer_id, addr);
            }
        }
    }

    /// Adds discovered peers to Kademlia and dials those not connected.
    fn on_mdns(&mut self, event: mdns::Event) {
        let mdns::Event::Discovered(found) = event else {
            return;
        };
        let mut by_peer: Vec<(PeerId, Vec<Multiaddr>)> = Vec::new();
        for (peer, addr) in found {
            self.swarm
                .behaviour_mut()
                .kad
                .add_address(&peer, addr.clone());
            match by_peer.iter_mut().find(|(p, _)| *p == peer) {
                Some((_, addrs)) => addrs.push(addr),
                None => by_peer.push((peer, vec![addr])),
            }
        }
        for (peer, addrs) in by_peer {
            tracing::debug!(%peer, "discovered through mDNS");
            self.dial_peer(peer, addrs);
        }
    }

    /// Dials peers that Kademlia newly learned about while we have few connections.
    fn on_kad(&mut self, event: kad::Event) {
        match event {
            kad::Event::RoutingUpdated {
                peer,
                is_new_peer: true,
                ..
            } if self.swarm.connected_peers().count() < TARGET_PEERS => {
                self.dial_peer(peer, Vec::new());
            }
            _ => {}
        }
    }

    /// Dials `peer` unless connected or already dialling; addresses come from `addrs` and from
    /// the behaviours (Kademlia, request-response).
    fn dial_peer(&mut self, peer: PeerId, addrs: Vec<Multiaddr>) {
        if peer == *self.swarm.local_peer_id() || self.swarm.is_connected(&peer) {
            return;
        }
        let opts = DialOpts::peer_id(peer)
            .condition(PeerCondition::DisconnectedAndNotDialing)
            .addresses(addrs)
            .extend_addresses_through_behaviour()
            .build();
        if let Err(e) = self.swarm.dial(opts) {
            tracing::debug!(%peer, error = %e, "dial refused");
        }
    }

    fn on_request_response(&mut self, event: request_response::Event<Request, Response>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                RrMessage::Request {
                    request, channel, ..
                } => self.emit(NetworkEvent::InboundRequest {
                    peer,
                    request,
                    channel: ResponseHandle { channel },
                }),
                RrMessage::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.pending_requests.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                tracing::debug!(%peer, %error, "outbound request failed");
                if let Some(reply) = self.pending_requests.remove(&request_id) {
                    let _ = reply.send(Err(error.into()));
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                tracing::debug!(%peer, %error, "inbound request failed");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }
}
