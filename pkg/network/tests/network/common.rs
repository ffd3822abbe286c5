//! Helpers: start a node, wait for events or conditions with a deadline.

use std::future::Future;
use std::time::Duration;

use mdn_network::{
    Keypair, Multiaddr, Network, NetworkClient, NetworkConfig, NetworkEvent, PeerId,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout_at};

/// Deadline for any single wait in these tests.
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// A running node.
pub(crate) struct Node {
    pub(crate) client: NetworkClient,
    pub(crate) events: mpsc::Receiver<NetworkEvent>,
    pub(crate) peer_id: PeerId,
    /// First listen address, with `/p2p/<peer id>`.
    pub(crate) addr: Multiaddr,
    pub(crate) task: JoinHandle<()>,
}

/// A test configuration listening on one TCP port on loopback.
pub(crate) fn tcp_config() -> NetworkConfig {
    config(vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()])
}

/// A test configuration listening on `listen`, with a fast heartbeat.
pub(crate) fn config(listen: Vec<Multiaddr>) -> NetworkConfig {
    let mut config = NetworkConfig::new("test", listen);
    config.heartbeat_interval = Duration::from_millis(200);
    config.redial_interval = Duration::from_millis(500);
    config
}

/// Starts a node and waits until it listens.
pub(crate) async fn start(config: NetworkConfig) -> Node {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let (client, mut events, event_loop) =
        Network::new(config, Keypair::generate_ed25519()).expect("network starts");
    let task = tokio::spawn(event_loop.run());
    let addr = next_event(&mut events, |e| match e {
        NetworkEvent::Listening(addr) => Some(addr),
        _ => None,
    })
    .await;
    let peer_id = client.local_peer_id();
    Node {
        client,
        events,
        peer_id,
        addr: addr
            .with_p2p(peer_id)
            .expect("address has no other peer id"),
        task,
    }
}

/// Waits for the first event `pick` maps to `Some`, dropping the others. Panics at the deadline.
pub(crate) async fn next_event<T>(
    events: &mut mpsc::Receiver<NetworkEvent>,
    mut pick: impl FnMut(NetworkEvent) -> Option<T>,
) -> T {
    let deadline = Instant::now() + WAIT;
    loop {
        let event = timeout_at(deadline, events.recv())
            .await
            .expect("event before the deadline")
            .expect("event channel open");
        if let Some(found) = pick(event) {
            return found;
        }
    }
}

/// Polls `check` until it returns `Some`, every 50 ms; panics at the deadline with `what`.
pub(crate) async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `node` has a connection to every peer in `peers`.
pub(crate) async fn connected_to(node: &NetworkClient, peers: &[PeerId]) {
    eventually("connections", || async {
        let connected = node.connected_peers().await.ok()?;
        peers.iter().all(|p| connected.contains(p)).then_some(())
    })
    .await;
}

/// Publishes once some peer is subscribed to the topic (retrying while gossipsub reports none).
pub(crate) async fn publish_when_subscribed(
    node: &NetworkClient,
    kind: mdn_network::TopicKind,
    data: Vec<u8>,
) -> mdn_network::MessageId {
    eventually("a subscribed peer to publish to", || async {
        match node.publish(kind, data.clone()).await {
            Ok(id) => Some(id),
            Err(mdn_network::PublishError::NoPeers(_)) => None,
            Err(e) => panic!("publish failed: {e}"),
        }
    })
    .await
}

/// The next gossip message on `events`: (kind, data, message id, propagation source).
pub(crate) async fn next_message(
    events: &mut mpsc::Receiver<NetworkEvent>,
) -> (
    mdn_network::TopicKind,
    Vec<u8>,
    mdn_network::MessageId,
    PeerId,
) {
    next_event(events, |e| match e {
        NetworkEvent::Message {
            kind,
            data,
            message_id,
            propagation_source,
            ..
        } => Some((kind, data, message_id, propagation_source)),
        _ => None,
    })
    .await
}

/// The next inbound request on `events`, with the handle to answer it.
pub(crate) async fn next_request(
    events: &mut mpsc::Receiver<NetworkEvent>,
) -> (PeerId, mdn_network::Request, mdn_network::ResponseHandle) {
    next_event(events, |e| match e {
        NetworkEvent::InboundRequest {
            peer,
            request,
            channel,
        } => Some((peer, request, channel)),
        _ => None,
    })
    .await
}
