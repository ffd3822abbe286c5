//! Network configuration: listen addresses, bootnodes, discovery switches, per-topic size limits,
//! request-response limits and timeouts. Plain data with defaults and a validity check.

use std::time::Duration;

use libp2p::Multiaddr;

use crate::error::ConfigError;
use crate::topic::TopicKind;

/// One KiB.
const KIB: usize = 1024;
/// One MiB.
const MIB: usize = 1024 * KIB;

/// Largest accepted network id, in bytes.
pub const MAX_NETWORK_ID_LEN: usize = 64;

/// Bytes gossipsub adds around a message's data (protobuf envelope: the topic and framing; our
/// envelopes are anonymous, and a peer's envelope that carries a source, sequence number, signature
/// and key also fits). The limit gossipsub enforces on a received message is
/// the data limit plus this allowance, because gossipsub measures the encoded envelope there while
/// it measures only the data when publishing.
pub const ENVELOPE_ALLOWANCE: usize = KIB;

/// Largest accepted data size per topic kind, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicLimits {
    /// Limit for [`TopicKind::Observations`] (default 1 MiB).
    pub observations: usize,
    /// Limit for [`TopicKind::Votes`] (default 512 KiB).
    pub votes: usize,
    /// Limit for [`TopicKind::Reputation`] (default 256 KiB).
    pub reputation: usize,
    /// Limit for [`TopicKind::Scripts`] (default 16 KiB; script bodies go over request-response).
    pub scripts: usize,
}

impl TopicLimits {
    /// The data limit for `kind`.
    pub fn for_kind(&self, kind: TopicKind) -> usize {
        match kind {
            TopicKind::Observations => self.observations,
            TopicKind::Votes => self.votes,
            TopicKind::Reputation => self.reputation,
            TopicKind::Scripts => self.scripts,
        }
    }

    /// The largest limit over all kinds.
    pub fn largest(&self) -> usize {
        TopicKind::ALL
            .into_iter()
            .map(|k| self.for_kind(k))
            .max()
            .unwrap_or(0)
    }
}

impl Default for TopicLimits {
    fn default() -> Self {
        Self {
            observations: MIB,
            votes: 512 * KIB,
            reputation: 256 * KIB,
            scripts: 16 * KIB,
        }
    }
}

/// Everything the network layer needs besides the node's key.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// Network id; part of every topic name and of the identify protocol version, so nodes of
    /// different networks neither share topics nor stay connected. `[A-Za-z0-9._-]`, 1..=64 bytes.
    pub network_id: String,
    /// Addresses to listen on, e.g. `/ip4/0.0.0.0/tcp/9000` and `/ip4/0.0.0.0/udp/9000/quic-v1`.
    /// Port 0 picks a free port; the chosen address is reported as [`crate::NetworkEvent::Listening`].
    pub listen: Vec<Multiaddr>,
    /// Peers dialled at start and again whenever no peer is connected. Include `/p2p/<peer id>` so
    /// the address also seeds the Kademlia routing table.
    pub bootnodes: Vec<Multiaddr>,
    /// Discover peers on the local network with mDNS.
    pub mdns: bool,
    /// Answer Kademlia queries (server mode). Set on bootnodes and nodes with a reachable address;
    /// otherwise Kademlia stays a client until an external address is confirmed.
    pub kademlia_server: bool,
    /// Largest accepted message data per topic kind.
    pub topic_limits: TopicLimits,
    /// Gossipsub heartbeat interval (mesh maintenance, gossip emission, cache shifting).
    pub heartbeat_interval: Duration,
    /// How long gossipsub remembers a message id to drop copies of it. A copy arriving later reaches
    /// the application, whose per-signer sequence windows treat it as a replay.
    pub duplicate_cache_time: Duration,
    /// Heartbeats a message stays in the message cache, i.e. the time the application has to report
    /// its validation verdict (`history_length × heartbeat_interval`).
    pub history_length: usize,
    /// Largest accepted request-response request, in bytes.
    pub max_request_size: u64,
    /// Largest accepted request-response response, in bytes.
    pub max_response_size: u64,
    /// Time an outbound request may take before it fails with a timeout.
    pub request_timeout: Duration,
    /// A connection with no protocol in use is closed after this long.
    pub idle_connection_timeout: Duration,
    /// How often bootnodes are dialled again while no peer is connected.
    pub redial_interval: Duration,
    /// Capacity of the event channel to the application; events that do not fit are dropped (a
    /// dropped gossip message is reported `Ignore`) and counted.
    pub event_buffer: usize,
    /// Capacity of the command channel from [`crate::NetworkClient`]s; senders wait when it is full.
    pub command_buffer: usize,
}

impl NetworkConfig {
    /// A configuration with defaults for `network_id`, listening on `listen`.
    pub fn new(network_id: impl Into<String>, listen: Vec<Multiaddr>) -> Self {
        Self {
            network_id: network_id.into(),
            listen,
            bootnodes: Vec::new(),
            mdns: false,
            kademlia_server: false,
            topic_limits: TopicLimits::default(),
            heartbeat_interval: Duration::from_millis(700),
            duplicate_cache_time: Duration::from_secs(20),
            history_length: 12,
            max_request_size: 64 * KIB as u64,
            max_response_size: 32 * MIB as u64,
            request_timeout: Duration::from_secs(30),
            idle_connection_timeout: Duration::from_secs(120),
            redial_interval: Duration::from_secs(15),
            event_buffer: 4096,
            command_buffer: 1024,
        }
    }

    /// Checks the values the network cannot work with.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let id = &self.network_id;
        let id_ok = !id.is_empty()
            && id.len() <= MAX_NETWORK_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !id_ok {
            return Err(ConfigError::NetworkId(id.clone()));
        }
        for kind in TopicKind::ALL {
            let limit = self.topic_limits.for_kind(kind);
            if limit < 128 {
                return Err(ConfigError::TopicLimit { kind, limit });
            }
        }
        if self.heartbeat_interval.is_zero() {
            return Err(ConfigError::Zero("heartbeat_interval"));
        }
        if self.request_timeout.is_zero() {
            return Err(ConfigError::Zero("request_timeout"));
        }
        if self.redial_interval.is_zero() {
            return Err(ConfigError::Zero("redial_interval"));
        }
        if self.event_buffer == 0 {
            return Err(ConfigError::Zero("event_buffer"));
        }
        if self.command_buffer == 0 {
            return Err(ConfigError::Zero("command_buffer"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_documented_sizes() {
        let config = NetworkConfig::new("devnet", Vec::new());
        assert_eq!(config.validate(), Ok(()));
        let limits = config.topic_limits;
        assert_eq!(limits.for_kind(TopicKind::Observations), 1 << 20);
        assert_eq!(limits.for_kind(TopicKind::Votes), 512 << 10);
        assert_eq!(limits.for_kind(TopicKind::Reputation), 256 << 10);
        assert_eq!(limits.for_kind(TopicKind::Scripts), 16 << 10);
        assert_eq!(limits.largest(), 1 << 20);
    }

    #[test]
    fn bad_network_ids_are_refused() {
        for id in ["", "a/b", "with space", &"x".repeat(MAX_NETWORK_ID_LEN + 1)] {
            let config = NetworkConfig::new(id, Vec::new());
            assert_eq!(
                config.validate(),
                Err(ConfigError::NetworkId(id.to_string()))
            );
        }
    }

    #[test]
    fn tiny_limits_and_zero_durations_are_refused() {
        let mut config = NetworkConfig::new("n", Vec::new());
        config.topic_limits.votes = 10;
        assert_eq!(
            config.validate(),
            Err(ConfigError::TopicLimit {
                kind: TopicKind::Votes,
                limit: 10
            })
        );
        let mut config = NetworkConfig::new("n", Vec::new());
        config.request_timeout = Duration::ZERO;
        assert_eq!(config.validate(), Err(ConfigError::Zero("request_timeout")));
    }
}
