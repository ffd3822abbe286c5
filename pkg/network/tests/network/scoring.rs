//! Validation verdicts feed gossipsub peer scoring: `Reject` costs the sender, `Ignore` does not.

use mdn_network::{TopicKind, Verdict};

use crate::common::{connected_to, next_message, publish_when_subscribed, start, tcp_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reject_lowers_the_sender_score_and_ignore_does_not() {
    let mut receiver = start(tcp_config()).await;
    let mut nodes = Vec::new();
    for _ in 0..2 {
        let mut config = tcp_config();
        config.bootnodes = vec![receiver.addr.clone()];
        nodes.push(start(config).await);
    }
    let (liar, idler) = (&nodes[0], &nodes[1]);
    connected_to(&receiver.client, &[liar.peer_id, idler.peer_id]).await;

    for (node, data) in [
        (liar, b"forged vote".to_vec()),
        (idler, b"stale vote".to_vec()),
    ] {
        publish_when_subscribed(&node.client, TopicKind::Votes, data).await;
    }
    for _ in 0..2 {
        let (kind, data, id, source) = next_message(&mut receiver.events).await;
        assert_eq!(kind, TopicKind::Votes);
        let verdict = if data == b"forged vote" {
            assert_eq!(source, liar.peer_id);
            Verdict::Reject
        } else {
            assert_eq!(source, idler.peer_id);
            Verdict::Ignore
        };
        assert!(
            receiver
                .client
                .report_validation(id, source, verdict)
                .await
                .unwrap()
        );
    }

    let score = |peer| {
        let client = receiver.client.clone();
        async move { client.peer_score(peer).await.unwrap().expect("scoring on") }
    };
    let liar_score = score(liar.peer_id).await;
    let idler_score = score(idler.peer_id).await;
    assert!(liar_score < 0.0, "rejected sender has score {liar_score}");
    assert!(
        liar_score <= mdn_network::scoring::INVALID_MESSAGE_PENALTY + 1.0,
        "one invalid message costs about the documented penalty, got {liar_score}"
    );
    assert!(idler_score >= 0.0, "ignored sender has score {idler_score}");

    // The application score is added with weight 1.
    assert!(
        receiver
            .client
            .set_application_score(idler.peer_id, -3.0)
            .await
            .unwrap()
    );
    let lowered = score(idler.peer_id).await;
    assert!(
        (lowered - (idler_score - 3.0)).abs() < 0.5,
        "{idler_score} -> {lowered}"
    );
}
