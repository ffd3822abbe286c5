//! The composed libp2p behaviour and the Swarm: transports (TCP + QUIC, noise, yamux, DNS),
//! gossipsub with manual validation and peer scoring, identify, Kademlia, mDNS, ping and
//! request-response.

use std::collections::HashSet;

use libp2p::gossipsub::{
    self, IdentityTransform, MessageAuthenticity, MessageId, ValidationMode,
    WhitelistSubscriptionFilter,
};
use libp2p::identity::Keypair;
use libp2p::kad::{self, store::MemoryStore};
use libp2p::request_response::{self, ProtocolSupport, cbor};
use libp2p::swarm::{NetworkBehaviour, behaviour::toggle::Toggle};
use libp2p::{StreamProtocol, Swarm, SwarmBuilder, identify, mdns, noise, ping, tcp, yamux};
use sha2::{Digest, Sha256};

use crate::config::{ENVELOPE_ALLOWANCE, NetworkConfig};
use crate::error::StartError;
use crate::rpc::{REQUEST_PROTOCOL, Request, Response};
use crate::scoring;
use crate::topic::TopicKind;

/// Kademlia protocol name (our own DHT, not the IPFS one).
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/mdn/kad/1.0.0");

/// The gossipsub behaviour as configured here (subscriptions limited to our topics).
pub(crate) type Gossipsub = gossipsub::Behaviour<IdentityTransform, WhitelistSubscriptionFilter>;

/// All protocols the node speaks.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    /// Gossip of observations, votes, reputation and script announcements.
    pub(crate) gossipsub: Gossipsub,
    /// Peer routing (DHT); fed with addresses from identify and mDNS.
    pub(crate) kad: kad::Behaviour<MemoryStore>,
    /// Exchange of listen addresses, protocols and the network's protocol version.
    pub(crate) identify: identify::Behaviour,
    /// Local-network discovery, when enabled.
    pub(crate) mdns: Toggle<mdns::tokio::Behaviour>,
    /// Liveness checks (keeps NAT mappings warm, measures round trips).
    pub(crate) ping: ping::Behaviour,
    /// Catch-up sync and script fetch.
    pub(crate) rr: cbor::Behaviour<Request, Response>,
}

/// Identify protocol version for `network_id`; peers announcing another one are disconnected.
pub(crate) fn protocol_version(network_id: &str) -> String {
    format!("/mdn/{network_id}/1.1.0")
}

/// Message id = SHA-256 of the data: stable across Rust versions and nodes, and identical
/// content published twice is deduplicated.
pub(crate) fn message_id(data: &[u8]) -> MessageId {
    MessageId::new(Sha256::digest(data).as_slice())
}

/// Gossipsub configuration: manual validation, unsigned envelopes, SHA-256 ids, per-topic sizes.
///
/// Envelopes are anonymous (no author, sequence number or libp2p signature; gossipsub drops any
/// that carry them): every message on our topics is signed by a validator key inside its data and
/// checked by the node, so a second signature by the peer key would only cost a signing per publish
/// and a verification per received copy (about 3% of a node's CPU under load). Penalties go to the
/// propagation source, which does not depend on the envelope.
fn gossipsub_config(config: &NetworkConfig) -> Result<gossipsub::Config, StartError> {
    let limits = config.topic_limits;
    let mut builder = gossipsub::ConfigBuilder::default();
    builder
        .validate_messages()
        .validation_mode(ValidationMode::Anonymous)
        .message_id_fn(|message| message_id(&message.data))
        .heartbeat_interval(config.heartbeat_interval)
        .duplicate_cache_time(config.duplicate_cache_time)
        .history_length(config.history_length)
        // Our own messages go to every subscribed peer above the publish threshold, not only the
        // mesh: cheap in small networks and it makes the first hop independent of mesh state.
        .flood_publish(true)
        // The frame limit must hold the largest message with its envelope.
        .max_transmit_size(limits.largest() + 2 * ENVELOPE_ALLOWANCE);
    for kind in TopicKind::ALL {
        builder.max_transmit_size_for_topic(
            limits.for_kind(kind) + ENVELOPE_ALLOWANCE,
            kind.topic_hash(&config.network_id),
        );
    }
    builder
        .build()
        .map_err(|e| StartError::Build(format!("gossipsub config: {e}")))
}

/// Builds the gossipsub behaviour with scoring on and the subscriptions limited to our topics.
fn gossipsub_behaviour(config: &NetworkConfig) -> Result<Gossipsub, StartError> {
    let topics: HashSet<_> = TopicKind::ALL
        .into_iter()
        .map(|kind| kind.topic_hash(&config.network_id))
        .collect();
    let mut gossipsub = Gossipsub::new_with_subscription_filter(
        MessageAuthenticity::Anonymous,
        gossipsub_config(config)?,
        WhitelistSubscriptionFilter(topics),
    )
    .map_err(|e| StartError::Build(format!("gossipsub: {e}")))?;
    gossipsub
        .with_peer_score(
            scoring::peer_score_params(&config.network_id),
            scoring::peer_score_thresholds(),
        )
        .map_err(|e| StartError::Build(format!("gossipsub peer scoring: {e}")))?;
    for kind in TopicKind::ALL {
        gossipsub
            .subscribe(&kind.topic(&config.network_id))
            .map_err(|e| StartError::Build(format!("subscribing to topic {kind}: {e}")))?;
    }
    Ok(gossipsub)
}

/// Builds every behaviour for the node with key `key`.
fn behaviour(key: &Keypair, config: &NetworkConfig) -> Result<Behaviour, StartError> {
    let peer_id = key.public().to_peer_id();

    let mut kad = kad::Behaviour::with_config(
        peer_id,
        MemoryStore::new(peer_id),
        kad::Config::new(KAD_PROTOCOL),
    );
    if config.kademlia_server {
        kad.set_mode(Some(kad::Mode::Server));
    }

    let identify = identify::Behaviour::new(
        identify::Config::new(protocol_version(&config.network_id), key.public())
            .with_agent_version(format!("mdnode/{}", env!("CARGO_PKG_VERSION"))),
    );

    let mdns = if config.mdns {
        let behaviour = mdns::tokio::Behaviour::new(mdns::Config::default(), peer_id)
            .map_err(|e| StartError::Build(format!("mdns: {e}")))?;
        Some(behaviour)
    } else {
        None
    };

    let codec = cbor::codec::Codec::default()
        .set_request_size_maximum(config.max_request_size)
        .set_response_size_maximum(config.max_response_size);
    let rr = cbor::Behaviour::with_codec(
        codec,
        [(REQUEST_PROTOCOL, ProtocolSupport::Full)],
        request_response::Config::default().with_request_timeout(config.request_timeout),
    );

    Ok(Behaviour {
        gossipsub: gossipsub_behaviour(config)?,
        kad,
        identify,
        mdns: Toggle::from(mdns),
        ping: ping::Behaviour::default(),
        rr,
    })
}

/// Builds the Swarm: TCP and QUIC transports with noise and yamux, DNS resolution, and every
/// behaviour.
pub(crate) fn build_swarm(
    keypair: Keypair,
    config: &NetworkConfig,
) -> Result<Swarm<Behaviour>, StartError> {
    let swarm = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| StartError::Build(format!("tcp transport: {e}")))?
        .with_quic()
        .with_dns()
        .map_err(|e| StartError::Build(format!("dns transport: {e}")))?
        .with_behaviour(|key| {
            behaviour(key, config)
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
        })
        .map_err(|e| StartError::Build(e.to_string()))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(config.idle_connection_timeout))
        .build();
    Ok(swarm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_is_the_sha256_of_the_data() {
        let id = message_id(b"abc");
        assert_eq!(
            hex::encode(&id.0),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn default_config_builds_a_gossipsub_config() {
        let config = NetworkConfig::new("devnet", Vec::new());
        let gossip = gossipsub_config(&config).unwrap();
        let votes = TopicKind::Votes.topic_hash("devnet");
        assert_eq!(
            gossip.max_transmit_size_for_topic(&votes),
            512 * 1024 + ENVELOPE_ALLOWANCE
        );
        assert!(gossip.validate_messages());
        assert!(
            matches!(gossip.validation_mode(), ValidationMode::Anonymous),
            "envelopes unsigned: protocol messages carry their own signatures"
        );
    }
}
