//! The libp2p layer of the node, protocol-agnostic: gossip messages and request-response payloads
//! are bytes; the node decodes and validates them.
//!
//! [`Network::new`] gives a [`NetworkClient`] (commands), a receiver of [`NetworkEvent`]s and an
//! [`EventLoop`] that owns the Swarm; the application never touches the Swarm.
//!
//! Modules:
//! - [`config`]: [`NetworkConfig`], per-topic size limits.
//! - [`topic`]: [`TopicKind`] and topic names `mdn/<network_id>/<kind>/1`.
//! - [`scoring`]: gossipsub peer-score parameters and thresholds.
//! - [`rpc`]: request-response [`Request`]/[`Response`] and [`ResponseHandle`].
//! - `behaviour`: transports and behaviours (gossipsub, identify, kad, mdns, ping, request-response).
//! - `event_loop`: the Swarm task; `client`: the command API; `event`: events and [`Verdict`].
//!
//! Every [`NetworkEvent::Message`] must be answered with exactly one
//! [`NetworkClient::report_validation`]; see `docs/network.md`.

mod behaviour;
mod client;
pub mod config;
mod error;
mod event;
mod event_loop;
mod network;
pub mod rpc;
pub mod scoring;
pub mod topic;

pub use behaviour::KAD_PROTOCOL;
pub use client::NetworkClient;
pub use config::{NetworkConfig, TopicLimits};
pub use error::{ConfigError, NetworkError, PublishError, RequestError, StartError};
pub use event::{NetworkEvent, Verdict};
pub use event_loop::EventLoop;
pub use libp2p::gossipsub::MessageId;
pub use libp2p::identity::Keypair;
pub use libp2p::{Multiaddr, PeerId};
pub use network::Network;
pub use rpc::{REQUEST_PROTOCOL, Request, Response, ResponseHandle};
pub use topic::TopicKind;
