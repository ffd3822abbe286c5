//! Hostile gossip against real nodes: a rogue libp2p peer (this test process, using the node's own
//! network crate) joins a running network and publishes malformed, badly signed, unknown-signer,
//! oversized, duplicate and replayed messages. Each is rejected or ignored as appropriate, the nodes
//! keep validating, and the rogue's gossip score on the node drops. A valid proposal that comes
//! past its deadline is dropped unprocessed, without a penalty.

mod common;

use std::str::FromStr;
use std::time::{Duration, Instant};

use common::{Net, NetOptions};
use mdn_network::{
    Keypair, Network, NetworkClient, NetworkConfig, NetworkEvent, PublishError, TopicKind, Verdict,
};
use mdn_protocol::{
    Decode, Encode, Hash32, ObservationBatch, PeerScore, PublicKey, Quote, ReputationReport,
    Signature, Symbol, VoteBatch, signing_key_from_seed,
};
use rust_decimal::Decimal;
use tokio::sync::mpsc;

/// A rogue peer: its client, and the vote batches it has seen (bytes, when received).
struct Rogue {
    client: NetworkClient,
    seen_votes: mpsc::UnboundedReceiver<(Instant, Vec<u8>)>,
}

async fn rogue(net: &Net, big_limits: bool) -> Rogue {
    let node0 = &net.layout.nodes[0];
    let mut config = NetworkConfig::new("mdn-test", vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()]);
    config.bootnodes = vec![
        format!(
            "/ip4/127.0.0.1/tcp/{}/p2p/{}",
            node0.p2p_port, node0.peer_id
        )
        .parse()
        .unwrap(),
    ];
    if big_limits {
        config.topic_limits.observations = 3 * 1024 * 1024;
    }
    let (client, mut events, event_loop) =
        Network::new(config, Keypair::generate_ed25519()).expect("rogue network");
    tokio::spawn(event_loop.run());
    let (tx, seen_votes) = mpsc::unbounded_channel();
    let reporter = client.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            if let NetworkEvent::Message {
                kind,
                data,
                message_id,
                propagation_source,
                ..
            } = event
            {
                if kind == TopicKind::Votes {
                    let _ = tx.send((Instant::now(), data));
                }
                // The rogue forwards nothing.
                let _ = reporter
                    .report_validation(message_id, propagation_source, Verdict::Ignore)
                    .await;
            }
        }
    });
    Rogue { client, seen_votes }
}

/// Waits until the rogue `client` is connected to node 0.
async fn wait_connected_to_node0(net: &Net, client: &NetworkClient) {
    net.wait_for(
        "rogue connected to node 0",
        Duration::from_secs(30),
        || async {
            let peers = client.connected_peers().await.ok()?;
            peers
                .iter()
                .any(|p| p.to_string() == net.layout.nodes[0].peer_id)
                .then_some(())
        },
    )
    .await;
}

/// Publishes, retrying while the rogue has no subscribed peer yet.
async fn publish(client: &NetworkClient, kind: TopicKind, data: Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match client.publish(kind, data.clone()).await {
            Ok(_) => return,
            Err(PublishError::NoPeers(_)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("publish failed: {e}"),
        }
    }
}

fn quote(proposer: PublicKey) -> Quote {
    Quote {
        symbol: Symbol::parse("BTC/USD").unwrap(),
        source: "binance".into(),
        price: Decimal::from_str("60000.5").unwrap(),
        bid: None,
        ask: None,
        volume: None,
        observed_at_ms: common::now_ms(),
        script_hash: Hash32([1; 32]),
        evidence_hash: Hash32([2; 32]),
        proposer,
    }
}

async fn rejected(net: &Net) -> u64 {
    net.status(0)
        .await
        .and_then(|s| s["counters"]["gossip_rejected"].as_u64())
        .unwrap_or(0)
}

async fn wait_rejected(net: &Net, at_least: u64, what: &str) -> u64 {
    net.wait_for(what, Duration::from_secs(20), || async {
        let r = rejected(net).await;
        (r >= at_least).then_some(r)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_gossip_is_rejected_or_ignored_and_costs_the_sender() {
    let net = Net::start(NetOptions {
        postgres: false,
        ..NetOptions::default()
    })
    .await;
    let mut evil = rogue(&net, true).await;
    let rogue_id = evil.client.local_peer_id().to_string();
    wait_connected_to_node0(&net, &evil.client).await;
    let base = rejected(&net).await;

    // Malformed bytes.
    publish(
        &evil.client,
        TopicKind::Observations,
        b"definitely not a batch".to_vec(),
    )
    .await;
    let r1 = wait_rejected(&net, base + 1, "malformed message rejected").await;

    // A validator's name on a batch it did not sign.
    let victim = net.layout.nodes[1].public_key;
    let forged = ObservationBatch {
        network_id: "mdn-test".into(),
        proposer: victim,
        seq: 1,
        created_at_ms: common::now_ms(),
        quotes: vec![quote(victim)],
        signature: Signature([7; 64]),
    };
    publish(
        &evil.client,
        TopicKind::Observations,
        forged.encode_to_vec(),
    )
    .await;
    let r2 = wait_rejected(&net, r1 + 1, "bad signature rejected").await;

    // Properly signed, but by a key outside the validator set.
    let outsider = signing_key_from_seed([9; 32]);
    let signed = ObservationBatch::sign(
        "mdn-test".into(),
        1,
        common::now_ms(),
        vec![quote(PublicKey::from(&outsider))],
        &outsider,
    );
    let signed_bytes = signed.encode_to_vec();
    publish(&evil.client, TopicKind::Observations, signed_bytes.clone()).await;
    let r3 = wait_rejected(&net, r2 + 1, "unknown validator rejected").await;

    // Duplicate: a second rogue sends the very same bytes; gossip drops the copy before the node.
    let twin = rogue(&net, false).await;
    publish(&twin.client, TopicKind::Observations, signed_bytes).await;

    // Replay: a genuine vote batch re-sent after gossip's duplicate window (20 s). The first
    // rogue is graylisted by now (three invalid messages), so the second, clean one sends it.
    // A batch node 0 itself signed is not in its replay window (its own batches never come back
    // through its gossip bridge), so take one of another validator.
    let node0 = net.layout.nodes[0].public_key;
    let (seen_at, old_votes) = loop {
        let (at, bytes) = evil.seen_votes.recv().await.expect("a vote batch");
        let batch = VoteBatch::decode_from_slice(&bytes).expect("a valid vote batch");
        if batch.header.voter != node0 {
            break (at, bytes);
        }
    };
    let replay_at = seen_at + Duration::from_secs(22);
    tokio::time::sleep(replay_at.saturating_duration_since(Instant::now())).await;
    publish(&twin.client, TopicKind::Votes, old_votes).await;
    let r4 = wait_rejected(&net, r3 + 1, "replayed vote batch rejected").await;
    assert_eq!(
        r4,
        r3 + 1,
        "the duplicate was dropped by gossip, not counted as a second reject"
    );

    // Oversized (just over the 1 MiB observations limit): dropped before the application, and
    // counted against the sender by the network layer.
    publish(
        &evil.client,
        TopicKind::Observations,
        vec![0u8; 1024 * 1024 + 512],
    )
    .await;

    // The node holds it against the rogue, and keeps validating.
    let score = net
        .wait_for(
            "rogue's gossip score negative on node 0",
            Duration::from_secs(20),
            || async {
                let peers = net.get(0, "/api/v1/peers").await?;
                let row = peers["items"]
                    .as_array()?
                    .iter()
                    .find(|p| p["peer_id"] == rogue_id.as_str())?
                    .clone();
                let score = row["gossip_score"].as_f64()?;
                (score < 0.0).then_some(score)
            },
        )
        .await;
    assert!(score < 0.0);
    let (v0, _, _) = net.counts(0).await.expect("node 0 answers");
    net.wait_for(
        "node 0 still validating",
        Duration::from_secs(30),
        || async {
            let (v, _, _) = net.counts(0).await?;
            (v > v0).then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_reputation_reports_are_rejected() {
    let net = Net::start(NetOptions {
        postgres: false,
        ..NetOptions::default()
    })
    .await;
    let evil = rogue(&net, false).await;
    wait_connected_to_node0(&net, &evil.client).await;
    let base = rejected(&net).await;
    let victim = net.layout.nodes[1].public_key;
    let everyone_zero: Vec<PeerScore> = net
        .layout
        .nodes
        .iter()
        .map(|n| PeerScore {
            peer: n.public_key,
            score_bp: 0,
        })
        .collect();

    // A validator's name on a report it did not sign.
    let outsider = signing_key_from_seed([9; 32]);
    let mut forged = ReputationReport::sign(
        "mdn-test".into(),
        u64::MAX / 2,
        common::now_ms(),
        everyone_zero.clone(),
        vec![],
        &outsider,
    );
    forged.reporter = victim;
    publish(&evil.client, TopicKind::Reputation, forged.encode_to_vec()).await;
    let r1 = wait_rejected(&net, base + 1, "forged report rejected").await;

    // Signed, but by a key outside the validator set.
    let outsider_report = ReputationReport::sign(
        "mdn-test".into(),
        1,
        common::now_ms(),
        everyone_zero,
        vec![],
        &outsider,
    );
    publish(
        &evil.client,
        TopicKind::Reputation,
        outsider_report.encode_to_vec(),
    )
    .await;
    wait_rejected(&net, r1 + 1, "outsider's report rejected").await;

    // Neither moved node 0's network view of the victim to 0.
    net.wait_for(
        "honest reports in node 0's network view",
        Duration::from_secs(60),
        || async {
            let peers = net.get(0, "/api/v1/peers").await?;
            let row = peers["items"]
                .as_array()?
                .iter()
                .find(|p| p["key"] == victim.to_hex().as_str())?
                .clone();
            let network = row["reputation"]["network"].as_f64()?;
            (network > 0.5).then_some(())
        },
    )
    .await;
}

/// The seed of a fifth validator key that only this test process holds.
const EXTRA_VALIDATOR_SEED: [u8; 32] = [5; 32];

fn with_extra_validator(_node: usize, config: &mut mdn_config::Config) {
    let key = PublicKey::from(&signing_key_from_seed(EXTRA_VALIDATOR_SEED).verifying_key());
    config.validators.keys.push(key.to_hex());
}

async fn counter(net: &Net, name: &str) -> u64 {
    net.status(0)
        .await
        .and_then(|s| s["counters"][name].as_u64())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_past_its_deadline_is_dropped_unprocessed_and_unpunished() {
    let net = Net::start(NetOptions {
        postgres: false,
        configure: Some(with_extra_validator),
        ..NetOptions::default()
    })
    .await;
    let mut peer = rogue(&net, false).await;
    wait_connected_to_node0(&net, &peer.client).await;
    let key = signing_key_from_seed(EXTRA_VALIDATOR_SEED);
    let me = PublicKey::from(&key.verifying_key());
    let (rejected_before, late_before) = (rejected(&net).await, counter(&net, "gossip_late").await);

    // Signed by a validator, its quote fresh, but the batch made a minute ago: far past the vote
    // timeout (5 s) and the clock skew (2 s) the network allows.
    let now = common::now_ms();
    let late_quote = quote(me);
    let late = ObservationBatch::sign(
        "mdn-test".into(),
        1,
        now - 60_000,
        vec![late_quote.clone()],
        &key,
    );
    publish(&peer.client, TopicKind::Observations, late.encode_to_vec()).await;
    net.wait_for(
        "node 0 counts the late batch",
        Duration::from_secs(20),
        || async { (counter(&net, "gossip_late").await > late_before).then_some(()) },
    )
    .await;

    // The same proposer's next batch, on time, is voted on: node 0 handles its gossip in order,
    // so by its vote on this one it has had every chance to vote on the late one.
    let mut on_time_quote = quote(me);
    on_time_quote.source = "okx".into();
    let on_time = ObservationBatch::sign(
        "mdn-test".into(),
        2,
        common::now_ms(),
        vec![on_time_quote.clone()],
        &key,
    );
    publish(
        &peer.client,
        TopicKind::Observations,
        on_time.encode_to_vec(),
    )
    .await;
    let node0 = net.layout.nodes[0].public_key;
    let (late_id, on_time_id) = (late_quote.id(), on_time_quote.id());
    let mut voted_on_late = false;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (_, bytes) = tokio::time::timeout(left, peer.seen_votes.recv())
            .await
            .expect("node 0 voted on the on-time batch within 30 s")
            .expect("vote stream open");
        let batch = VoteBatch::decode_from_slice(&bytes).expect("a valid vote batch");
        if batch.header.voter != node0 {
            continue;
        }
        voted_on_late |= batch.votes.iter().any(|v| v.quote_id == late_id);
        if batch.votes.iter().any(|v| v.quote_id == on_time_id) {
            break;
        }
    }
    assert!(
        !voted_on_late,
        "node 0 voted on a proposal past its deadline"
    );
    assert_eq!(
        rejected(&net).await,
        rejected_before,
        "a late proposal is ignored, not rejected: its sender is not punished"
    );
}
