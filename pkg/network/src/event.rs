//! Events the network reports to the application, and the verdict the application returns for
//! every gossip message.

use libp2p::gossipsub::{MessageAcceptance, MessageId};
use libp2p::{Multiaddr, PeerId};

use crate::rpc::{Request, ResponseHandle};
use crate::topic::TopicKind;

/// Something that happened on the network.
#[derive(Debug)]
pub enum NetworkEvent {
    /// A gossip message arrived and waits for validation. It is not forwarded to anyone until the
    /// application calls [`crate::NetworkClient::report_validation`] with `message_id` and
    /// `propagation_source`, exactly once. A message never reported leaves gossipsub's cache after
    /// a few heartbeats (about 5 × `heartbeat_interval`) and is then dropped without penalty.
    Message {
        /// The topic the message came on.
        kind: TopicKind,
        /// The message data (opaque to the network layer).
        data: Vec<u8>,
        /// SHA-256 of `data`.
        message_id: MessageId,
        /// The peer that forwarded the message to us (who gets the penalty on `Reject`).
        propagation_source: PeerId,
        /// When the network layer passed the message on: how long it then waited for the
        /// application shows how far behind the application is.
        received_at: std::time::Instant,
    },
    /// A peer asks for something; answer with [`crate::NetworkClient::respond`].
    InboundRequest {
        /// The requester.
        peer: PeerId,
        /// What it asks for.
        request: Request,
        /// Where the answer goes.
        channel: ResponseHandle,
    },
    /// The first connection to a peer was established.
    PeerConnected(PeerId),
    /// The last connection to a peer was closed.
    PeerDisconnected(PeerId),
    /// The node listens on a new address.
    Listening(Multiaddr),
}

/// The application's verdict on a gossip message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Valid: forward it to the mesh and credit the sender.
    Accept,
    /// Invalid (bad signature, malformed, provably false): drop it and penalise the propagation
    /// source (peer-score P4). Use only when an honest peer could not have sent it.
    Reject,
    /// Not useful but not provably malicious (duplicate, too old, unknown validator): drop it
    /// without penalty.
    Ignore,
}

impl From<Verdict> for MessageAcceptance {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Accept => MessageAcceptance::Accept,
            Verdict::Reject => MessageAcceptance::Reject,
            Verdict::Ignore => MessageAcceptance::Ignore,
        }
    }
}
