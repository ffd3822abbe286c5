//! Connecting through bootnodes and dial; gossip delivery with validation.

use mdn_network::{PublishError, TopicKind, Verdict};
use sha2::{Digest, Sha256};

use crate::common::{
    connected_to, next_event, next_message, publish_when_subscribed, start, tcp_config,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_connect_through_bootnodes_and_dial() {
    let a = start(tcp_config()).await;
    let mut config = tcp_config();
    config.bootnodes = vec![a.addr.clone()];
    let b = start(config).await;
    let mut c = start(tcp_config()).await;

    let dialled = c.client.dial(a.addr.clone()).await.expect("dial succeeds");
    assert_eq!(dialled, a.peer_id);

    connected_to(&a.client, &[b.peer_id, c.peer_id]).await;
    // b dials its bootnode as it starts, possibly before `start` has seen it listen (and dropped
    // the events before that), so b is asked; c dialled after `start`, so its event must come.
    connected_to(&b.client, &[a.peer_id]).await;
    let connected = next_event(&mut c.events, |e| match e {
        mdn_network::NetworkEvent::PeerConnected(peer) => Some(peer),
        _ => None,
    })
    .await;
    assert_eq!(connected, a.peer_id);

    // A dial to a port nobody listens on fails with an error, not a hang.
    let dead = "/ip4/127.0.0.1/tcp/1".parse().unwrap();
    assert!(c.client.dial(dead).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_message_reaches_every_node_and_each_accepts() {
    // Every node dials every earlier one, so the publisher reaches each receiver directly (flood
    // publish) instead of depending on when the hub's mesh forms.
    let hub = start(tcp_config()).await;
    let mut others: Vec<crate::common::Node> = Vec::new();
    for _ in 0..3 {
        let mut config = tcp_config();
        config.bootnodes = vec![hub.addr.clone()];
        config
            .bootnodes
            .extend(others.iter().map(|n| n.addr.clone()));
        others.push(start(config).await);
    }
    let ids: Vec<_> = others.iter().map(|n| n.peer_id).collect();
    connected_to(&hub.client, &ids).await;
    let mut everyone_else: Vec<_> = ids[1..].to_vec();
    everyone_else.push(hub.peer_id);
    connected_to(&others[0].client, &everyone_else).await;

    let data = b"observation batch #1".to_vec();
    let publisher = others.remove(0);
    let id =
        publish_when_subscribed(&publisher.client, TopicKind::Observations, data.clone()).await;
    assert_eq!(
        id.0,
        Sha256::digest(&data).to_vec(),
        "message id is SHA-256 of the data"
    );

    let mut receivers = vec![hub];
    receivers.extend(others);
    for node in &mut receivers {
        let (kind, got, message_id, source) = next_message(&mut node.events).await;
        assert_eq!(kind, TopicKind::Observations);
        assert_eq!(got, data);
        assert_eq!(message_id, id);
        let in_cache = node
            .client
            .report_validation(message_id, source, Verdict::Accept)
            .await
            .expect("loop running");
        assert!(
            in_cache,
            "verdict reached gossipsub while the message was cached"
        );
    }

    // Publishing the same data again within the duplicate window is refused.
    let again = publisher
        .client
        .publish(TopicKind::Observations, data)
        .await;
    assert_eq!(again, Err(PublishError::Duplicate(TopicKind::Observations)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_messages_are_not_delivered_and_cost_the_sender() {
    let mut receiver = start(tcp_config()).await;
    let mut config = tcp_config();
    // A misconfigured (or malicious) sender with a looser scripts limit.
    config.topic_limits.scripts = 64 * 1024;
    config.bootnodes = vec![receiver.addr.clone()];
    let sender = start(config).await;
    connected_to(&receiver.client, &[sender.peer_id]).await;

    // Locally, a message over the limit is refused before it reaches gossipsub.
    let local = receiver
        .client
        .publish(TopicKind::Scripts, vec![0; 16 * 1024 + 1])
        .await;
    assert!(
        matches!(local, Err(PublishError::TooLarge { limit: 16384, .. })),
        "{local:?}"
    );

    // Far over the receiver's limit: dropped by gossipsub's codec.
    publish_when_subscribed(&sender.client, TopicKind::Scripts, vec![1; 32 * 1024]).await;
    // Just over the data limit but inside the envelope allowance: rejected by the event loop.
    publish_when_subscribed(&sender.client, TopicKind::Scripts, vec![2; 16 * 1024 + 500]).await;
    // Within the limit: delivered. Messages from one peer arrive in order, so once this one is
    // here the two before it were dropped, not late.
    let small = vec![3; 100];
    publish_when_subscribed(&sender.client, TopicKind::Scripts, small.clone()).await;

    let (kind, data, _, _) = next_message(&mut receiver.events).await;
    assert_eq!((kind, data), (TopicKind::Scripts, small));

    let score = receiver
        .client
        .peer_score(sender.peer_id)
        .await
        .unwrap()
        .expect("scoring on");
    assert!(
        score < 0.0,
        "sender of oversized messages has score {score}"
    );
}
