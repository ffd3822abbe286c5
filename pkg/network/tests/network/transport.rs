//! Transports: a QUIC-only pair of nodes connects and exchanges gossip and requests.

use mdn_network::{Request, Response, TopicKind, Verdict};

use crate::common::{
    config, connected_to, next_message, next_request, publish_when_subscribed, start,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quic_only_nodes_connect_gossip_and_request() {
    let quic = || config(vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()]);
    let mut a = start(quic()).await;
    let b = start(quic()).await;
    assert!(a.addr.to_string().contains("/quic-v1/"), "{}", a.addr);

    assert_eq!(b.client.dial(a.addr.clone()).await, Ok(a.peer_id));
    connected_to(&a.client, &[b.peer_id]).await;

    publish_when_subscribed(&b.client, TopicKind::Reputation, b"report".to_vec()).await;
    let (kind, data, id, source) = next_message(&mut a.events).await;
    assert_eq!(
        (kind, data.as_slice()),
        (TopicKind::Reputation, &b"report"[..])
    );
    assert!(
        a.client
            .report_validation(id, source, Verdict::Accept)
            .await
            .unwrap()
    );

    let request = tokio::spawn({
        let client = b.client.clone();
        let peer = a.peer_id;
        async move {
            client
                .request(peer, Request::Script { hash: [1; 32] })
                .await
        }
    });
    let (peer, asked, channel) = next_request(&mut a.events).await;
    assert_eq!(
        (peer, asked),
        (b.peer_id, Request::Script { hash: [1; 32] })
    );
    a.client
        .respond(channel, Response::Script { body: None })
        .await
        .unwrap();
    assert_eq!(request.await.unwrap(), Ok(Response::Script { body: None }));
}
