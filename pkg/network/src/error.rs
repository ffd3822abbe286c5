//! Error types of the network layer.

use libp2p::Multiaddr;

use crate::topic::TopicKind;

/// A [`crate::NetworkConfig`] value the network cannot work with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The network id is empty, too long or has characters other than `[A-Za-z0-9._-]`.
    #[error("network id must be 1..=64 characters of [A-Za-z0-9._-], got {0:?}")]
    NetworkId(String),
    /// A topic's size limit is too small to carry any message.
    #[error("size limit of topic {kind} must be at least 128 bytes, got {limit}")]
    TopicLimit {
        /// The topic kind.
        kind: TopicKind,
        /// The configured limit.
        limit: usize,
    },
    /// A duration or capacity that must be positive is zero.
    #[error("{0} must be greater than zero")]
    Zero(&'static str),
}

/// Failure to start the network.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration was refused.
    #[error("invalid network configuration: {0}")]
    Config(#[from] ConfigError),
    /// The transports or behaviours could not be built.
    #[error("could not build the libp2p swarm: {0}")]
    Build(String),
    /// A listen address was refused (unsupported protocol, port in use, ...).
    #[error("could not listen on {addr}: {reason}")]
    Listen {
        /// The address from the configuration.
        addr: Multiaddr,
        /// What the transport said.
        reason: String,
    },
}

/// Failure of a [`crate::NetworkClient`] call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// The event loop has stopped (shut down or dropped); no command can be served.
    #[error("the network event loop is not running")]
    Stopped,
    /// A dial was refused or failed.
    #[error("could not dial {addr}: {reason}")]
    Dial {
        /// The address dialled.
        addr: Multiaddr,
        /// Why the dial failed.
        reason: String,
    },
    /// The requester of an inbound request is gone or the request timed out before the response.
    #[error(
        "the response could not be sent: the request's stream is closed (timeout or disconnect)"
    )]
    ResponseChannelClosed,
}

/// Failure to publish a gossip message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The event loop has stopped.
    #[error("the network event loop is not running")]
    Stopped,
    /// The data exceeds the topic's size limit.
    #[error("message of {size} bytes exceeds the {limit}-byte limit of topic {kind}")]
    TooLarge {
        /// The topic kind.
        kind: TopicKind,
        /// The data size.
        size: usize,
        /// The topic's limit.
        limit: usize,
    },
    /// No connected peer is subscribed to the topic (normal for a single node or while starting).
    #[error("no connected peer is subscribed to topic {0}")]
    NoPeers(TopicKind),
    /// The same data was published or received recently (the message id is its SHA-256).
    #[error("an identical message was already published on topic {0}")]
    Duplicate(TopicKind),
    /// Any other refusal by gossipsub (signing, transform, all queues full).
    #[error("gossipsub refused the message on topic {kind}: {reason}")]
    Refused {
        /// The topic kind.
        kind: TopicKind,
        /// What gossipsub said.
        reason: String,
    },
}

/// Failure of an outbound request-response request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The event loop has stopped.
    #[error("the network event loop is not running")]
    Stopped,
    /// The peer could not be dialled (no known address, or every address failed).
    #[error("could not reach the peer to send the request")]
    DialFailure,
    /// No response arrived within the request timeout.
    #[error("no response within the request timeout")]
    Timeout,
    /// The connection closed before the response arrived (the peer went away).
    #[error("the connection closed before the response arrived")]
    ConnectionClosed,
    /// The peer does not speak the request-response protocol.
    #[error("the peer does not support the request-response protocol")]
    UnsupportedProtocol,
    /// Reading or writing the stream failed (including a response over the size limit).
    #[error("stream error: {0}")]
    Io(String),
}

impl From<libp2p::request_response::OutboundFailure> for RequestError {
    fn from(failure: libp2p::request_response::OutboundFailure) -> Self {
        use libp2p::request_response::OutboundFailure as F;
        match failure {
            F::DialFailure => RequestError::DialFailure,
            F::Timeout => RequestError::Timeout,
            F::ConnectionClosed => RequestError::ConnectionClosed,
            F::UnsupportedProtocols => RequestError::UnsupportedProtocol,
            F::Io(e) => RequestError::Io(e.to_string()),
        }
    }
}
