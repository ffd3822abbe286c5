//! Multi-node tests of the validator network: real `mdnode run` processes on loopback, real libp2p,
//! each node on its own PostgreSQL database, quotes from the simulated exchange.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{Net, NetOptions};
use mdn_protocol::{Outcome, QuoteId, ValidatorSet};

const NETWORK: &str = "mdn-test";

/// How long the killed node stays down at least. Gossipsub replays to a returning peer only what
/// its peers advertised in their last few heartbeats (`history_gossip`: 3 × 700 ms), so after this
/// long some of what it missed can only come back through catch-up sync.
const MIN_DOWNTIME: Duration = Duration::from_secs(5);

fn validator_set(net: &Net) -> ValidatorSet {
    ValidatorSet::new(
        net.layout.nodes.iter().map(|n| n.public_key),
        Default::default(),
    )
    .expect("validator set")
}

async fn validated_ids(net: &Net, i: usize) -> BTreeSet<QuoteId> {
    net.store(i)
        .await
        .validated_ids()
        .await
        .expect("validated ids")
        .into_iter()
        .collect()
}

/// Waits until the given nodes hold the same non-empty set of validated ids, and returns it.
async fn converged(net: &Net, nodes: &[usize], timeout: Duration) -> BTreeSet<QuoteId> {
    net.wait_for("identical validated sets", timeout, || async {
        let mut sets = Vec::new();
        for &i in nodes {
            sets.push(validated_ids(net, i).await);
        }
        let first = sets[0].clone();
        (!first.is_empty() && sets.iter().all(|s| *s == first)).then_some(first)
    })
    .await
}

async fn wait_validated(net: &Net, i: usize, at_least: u64, timeout: Duration) {
    net.wait_for(
        &format!("node {i} has {at_least} validated quotes"),
        timeout,
        || async {
            let (validated, _, _) = net.counts(i).await?;
            (validated >= at_least).then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_nodes_validate_the_same_quotes_with_verifiable_certificates() {
    let mut net = Net::start(NetOptions::default()).await;
    for i in 0..4 {
        wait_validated(&net, i, 30, Duration::from_secs(60)).await;
    }
    net.stop_exchange().await;
    let ids = converged(&net, &[0, 1, 2, 3], Duration::from_secs(60)).await;

    let set = validator_set(&net);
    for i in 0..4 {
        let store = net.store(i).await;
        for id in &ids {
            let stored = store.decision(id).await.expect("read").expect("stored");
            let d = stored.decision;
            assert_eq!(d.outcome, Outcome::Validated);
            let cert = d
                .certificate
                .as_ref()
                .expect("validated decisions carry a certificate");
            cert.verify(&d.quote, &set, NETWORK)
                .expect("certificate verifies");
        }
        let (_, rejected, _) = net.counts(i).await.expect("status");
        assert_eq!(rejected, 0, "honest quotes are never rejected (node {i})");
    }
    verify_offline(&net, ids.iter().next().expect("a validated quote")).await;
}

/// `mdnode verify` as a third party uses it: an exported quote checks out against the validator
/// set, a tampered copy does not, and a node's whole store re-verifies from its config.
async fn verify_offline(net: &Net, id: &QuoteId) {
    let export = net
        .get(0, &format!("/api/v1/quotes/{id}"))
        .await
        .expect("quote JSON");
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("quote.json");
    std::fs::write(&good, export.to_string()).expect("write export");
    let mut tampered = export.clone();
    let price = tampered["quote_bytes"].as_str().expect("hex").to_owned();
    let flipped = if price.ends_with('0') { "1" } else { "0" };
    tampered["quote_bytes"] = format!("{}{flipped}", &price[..price.len() - 1]).into();
    let bad = dir.path().join("tampered.json");
    std::fs::write(&bad, tampered.to_string()).expect("write tampered");
    let verify = |file: &std::path::Path| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mdnode"));
        cmd.args(["verify", "--network-id", NETWORK, "--file"])
            .arg(file);
        for node in &net.layout.nodes {
            cmd.args(["--validator", &node.public_key.to_hex()]);
        }
        cmd.output().expect("run mdnode verify")
    };
    let ok = verify(&good);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("valid"));
    let refused = verify(&bad);
    assert!(
        !refused.status.success(),
        "a tampered quote must not verify"
    );
    let all = std::process::Command::new(env!("CARGO_BIN_EXE_mdnode"))
        .args(["verify", "--all", "--config"])
        .arg(&net.layout.nodes[1].config)
        .output()
        .expect("run mdnode verify --all");
    let text = String::from_utf8_lossy(&all.stdout);
    assert!(
        all.status.success() && text.contains(" 0 invalid"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_byzantine_node_gets_no_manipulated_quote_validated_and_its_equivocations_are_evidence() {
    let net = Net::start(NetOptions {
        byzantine: 1,
        ..NetOptions::default()
    })
    .await;
    let liar = net.layout.nodes[3].public_key;
    for i in 0..3 {
        wait_validated(&net, i, 30, Duration::from_secs(90)).await;
    }
    for i in 0..3 {
        let store = net.store(i).await;
        net.wait_for(
            &format!("node {i} stores the liar's equivocation"),
            Duration::from_secs(60),
            || {
                let store = store.clone();
                async move {
                    let evidence = store.evidence(Some(liar)).await.ok()?;
                    (!evidence.is_empty()).then_some(())
                }
            },
        )
        .await;
    }
    for i in 0..3 {
        let store = net.store(i).await;
        let ids = store.validated_ids().await.expect("ids");
        assert!(!ids.is_empty());
        for id in ids {
            let d = store
                .decision(&id)
                .await
                .expect("read")
                .expect("stored")
                .decision;
            assert_ne!(
                d.quote.proposer, liar,
                "node {i} validated a manipulated quote {id}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_under_load_catches_up_after_restart() {
    let mut net = Net::start(NetOptions::default()).await;
    wait_validated(&net, 3, 10, Duration::from_secs(60)).await;
    net.kill(3).await;
    let killed_at = Instant::now();
    let (before, _, _) = net.counts(0).await.expect("status");
    // The other three are still a quorum: validation goes on without node 3.
    wait_validated(&net, 0, before + 40, Duration::from_secs(60)).await;
    tokio::time::sleep_until((killed_at + MIN_DOWNTIME).into()).await;
    net.restart(3);
    net.wait_connected(Duration::from_secs(60)).await;
    net.stop_exchange().await;
    let ids = converged(&net, &[0, 1, 2, 3], Duration::from_secs(90)).await;
    let missed_while_down = validated_ids(&net, 0).await.len() as u64;
    assert!(missed_while_down > before + 40 && ids.len() as u64 == missed_while_down);
    // What node 3 missed came in full pages, fetched because their ids (asked first) showed gaps.
    let pages = net.metric(3, "mdn_sync_pages_fetched_total").await;
    let synced = net.metric(3, "mdn_synced_decisions_total").await;
    assert!(pages.is_some_and(|p| p >= 1.0), "pages fetched: {pages:?}");
    assert!(
        synced.is_some_and(|s| s >= 1.0),
        "decisions synced: {synced:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_quorum_quotes_expire_never_reject_and_validation_resumes() {
    let mut net = Net::start(NetOptions::default()).await;
    wait_validated(&net, 0, 10, Duration::from_secs(60)).await;
    net.stop(2).await;
    net.stop(3).await;
    // Let quotes that were in flight when the nodes stopped end, then watch a quorum-less period.
    let (_, _, e0) = net.counts(0).await.expect("status");
    let expired_after = |n: u64| {
        let net = &net;
        async move {
            net.wait_for(
                "quotes expiring without quorum",
                Duration::from_secs(60),
                || async {
                    let (v, r, e) = net.counts(0).await?;
                    (e >= n).then_some((v, r, e))
                },
            )
            .await
        }
    };
    let (v1, _, e1) = expired_after(e0 + 20).await;
    let (v2, r2, _) = expired_after(e1 + 20).await;
    assert_eq!(v2, v1, "nothing is validated without a quorum");
    assert_eq!(r2, 0, "no quote is rejected for lack of votes");
    net.restart(2);
    net.restart(3);
    net.wait_connected(Duration::from_secs(60)).await;
    wait_validated(&net, 0, v2 + 10, Duration::from_secs(30)).await;
}
