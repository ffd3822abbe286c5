//! Start-up: validates the configuration, builds the Swarm, starts listening, seeds discovery with
//! the bootnodes, and hands back the client, the event receiver and the event loop.

use std::sync::Arc;

use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use tokio::sync::mpsc;

use crate::behaviour::build_swarm;
use crate::client::{Counters, NetworkClient};
use crate::config::NetworkConfig;
use crate::error::StartError;
use crate::event::NetworkEvent;
use crate::event_loop::{EventLoop, EventLoopParts};

/// Entry point of the network layer.
#[derive(Debug)]
pub struct Network;

impl Network {
    /// Builds the network for the node with `keypair`.
    ///
    /// Returns the client (clone it freely), the receiver of [`NetworkEvent`]s and the event loop,
    /// which does nothing until [`EventLoop::run`] is spawned on a tokio runtime. Must be called
    /// inside a tokio runtime (the transports register with it).
    #[expect(
        clippy::new_ret_no_self,
        reason = "the network is the triple of client, events and loop"
    )]
    pub fn new(
        config: NetworkConfig,
        keypair: Keypair,
    ) -> Result<(NetworkClient, mpsc::Receiver<NetworkEvent>, EventLoop), StartError> {
        config.validate()?;
        let local_peer_id = keypair.public().to_peer_id();
        let mut swarm = build_swarm(keypair, &config)?;

        for addr in &config.listen {
            swarm
                .listen_on(addr.clone())
                .map_err(|e| StartError::Listen {
                    addr: addr.clone(),
                    reason: e.to_string(),
                })?;
        }
        for addr in &config.bootnodes {
            if let Some(peer) = peer_id_of(addr) {
                swarm.behaviour_mut().kad.add_address(&peer, addr.clone());
            }
            if let Err(e) = swarm.dial(addr.clone()) {
                tracing::warn!(%addr, error = %e, "bootnode dial refused");
            }
        }

        let (command_tx, command_rx) = mpsc::channel(config.command_buffer);
        let (event_tx, event_rx) = mpsc::channel(config.event_buffer);
        let counters = Arc::new(Counters::default());
        let client = NetworkClient::new(command_tx, local_peer_id, counters.clone());
        let event_loop = EventLoop::new(EventLoopParts {
            swarm,
            commands: command_rx,
            events: event_tx,
            counters,
            network_id: config.network_id,
            limits: config.topic_limits,
            bootnodes: config.bootnodes,
            redial_interval: config.redial_interval,
        });
        Ok((client, event_rx, event_loop))
    }
}

/// The peer id in an address's trailing `/p2p/<peer id>`, if any.
pub(crate) fn peer_id_of(addr: &Multiaddr) -> Option<PeerId> {
    match addr.iter().last()? {
        Protocol::P2p(peer) => Some(peer),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_id_is_read_from_the_trailing_p2p_component() {
        let peer = Keypair::generate_ed25519().public().to_peer_id();
        let with: Multiaddr = format!("/ip4/127.0.0.1/tcp/1/p2p/{peer}").parse().unwrap();
        let without: Multiaddr = "/ip4/127.0.0.1/tcp/1".parse().unwrap();
        assert_eq!(peer_id_of(&with), Some(peer));
        assert_eq!(peer_id_of(&without), None);
    }
}
