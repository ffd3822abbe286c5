//! Sharing scraper scripts across real nodes: node A publishes a signed script, node B sees it in its
//! catalogue, installs it by hash (it does not run), trusts it, runs it, and the network validates
//! B's quotes from it. A rogue peer then offers tampered scripts (bad signature, body not matching
//! its hash, manifest asking for undeclared hosts): each is refused with a clear error, nothing is
//! stored, and the node keeps running.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Net, NetOptions, TOKEN, repo_root};
use mdn_network::{
    Keypair, Network, NetworkClient, NetworkConfig, NetworkEvent, PublishError, Request, Response,
    TopicKind, Verdict,
};
use mdn_protocol::{Encode, ScriptAnnouncement, signing_key_from_seed};
use mdn_scripts::Script;
use serde_json::Value;

/// A copy of the Kraken script under another name, allowed to reach the local exchange.
fn shared_script(simex_url: &str, name: &str) -> String {
    let kraken = std::fs::read_to_string(repo_root().join("scripts/kraken.rhai")).expect("kraken");
    kraken
        .replace("//! name: kraken", &format!("//! name: {name}"))
        .replace(
            "//! description: Kraken public Ticker (one bulk request)",
            "//! description: Kraken tickers, shared over the network",
        )
        .replace(
            "//! schedule: \"*/5 * * * * *\"",
            "//! schedule: \"*/2 * * * * *\"",
        )
        .replace("//! hosts: [api.kraken.com]", "//! hosts: [127.0.0.1]")
        .replace(
            "//!   base_url: https://api.kraken.com",
            &format!("//!   base_url: {simex_url}"),
        )
}

/// A scripts directory holding only the Kraken script (one source per node).
fn kraken_only() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        repo_root().join("scripts/kraken.rhai"),
        dir.path().join("kraken.rhai"),
    )
    .expect("copy");
    dir
}

/// Runs `mdnode ARGS` and returns its output.
async fn mdnode(args: Vec<String>) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_mdnode"))
        .args(&args)
        .output()
        .await
        .expect("run mdnode")
}

fn ok(out: &Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn config(net: &Net, i: usize) -> String {
    net.layout.nodes[i].config.display().to_string()
}

/// The catalogue entry of `hash` on node `i`.
async fn available(net: &Net, i: usize, hash: &str) -> Option<Value> {
    let list = net.get(i, "/api/v1/scripts?available=true").await?;
    list["items"]
        .as_array()?
        .iter()
        .find(|s| s["hash"] == hash)
        .cloned()
}

/// Runs of a source on node `i` so far, 0 if it is not scheduled.
async fn runs(net: &Net, i: usize, source: &str) -> Option<u64> {
    let sources = net.get(i, "/api/v1/sources").await?;
    Some(
        sources["items"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == source)
            .and_then(|s| s["runs"].as_u64())
            .unwrap_or(0),
    )
}

/// Validated quotes of `source` on node `i`.
async fn validated(net: &Net, i: usize, source: &str) -> Option<usize> {
    let page = net
        .get(
            i,
            &format!("/api/v1/quotes?source={source}&status=validated&limit=10"),
        )
        .await?;
    Some(page["items"].as_array()?.len())
}

fn installed_files(dir: &Path, hash: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("installed"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().contains(&hash[..12]))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_script_is_discovered_installed_trusted_run_and_validated() {
    let scripts = kraken_only();
    let mut net = Net::start(NetOptions {
        nodes: 3,
        postgres: true,
        schedule: "*/2 * * * * *".into(),
        scripts_dir: Some(scripts.path().to_owned()),
        ..NetOptions::default()
    })
    .await;
    let work = tempfile::tempdir().expect("temp dir");
    let file = work.path().join("sharedkraken.rhai");
    std::fs::write(
        &file,
        shared_script(&net.simex().base_url(), "sharedkraken"),
    )
    .expect("write");
    let hash = Script::load(&file).expect("loads").script_hash.to_hex();

    // A publishes (signed with its node key, the default author key).
    let out = mdnode(vec![
        "scripts".into(),
        "publish".into(),
        file.display().to_string(),
        "--config".into(),
        config(&net, 0),
    ])
    .await;
    let printed = ok(&out, "scripts publish");
    assert!(printed.contains(&hash), "{printed}");

    // B sees it in its catalogue within seconds, with A as the author.
    let entry = net
        .wait_for(
            "B's catalogue lists the script",
            Duration::from_secs(20),
            || available(&net, 1, &hash),
        )
        .await;
    assert_eq!(entry["name"], "sharedkraken");
    assert_eq!(entry["author"], net.layout.nodes[0].public_key.to_hex());
    assert_eq!(entry["hosts"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(entry["installed"], false);
    let listed = ok(
        &mdnode(vec![
            "scripts".into(),
            "list".into(),
            "--available".into(),
            "--config".into(),
            config(&net, 1),
        ])
        .await,
        "scripts list --available",
    );
    assert!(
        listed.contains("sharedkraken") && listed.contains(&hash[..12]),
        "{listed}"
    );

    // B installs it by hash: stored in the scripts directory and the store, not trusted.
    let out = mdnode(vec![
        "scripts".into(),
        "install".into(),
        hash.clone(),
        "--config".into(),
        config(&net, 1),
        "--by".into(),
        "bob".into(),
    ])
    .await;
    let printed = ok(&out, "scripts install");
    assert!(printed.contains("not trusted"), "{printed}");
    let store = net.store(1).await;
    let record = store
        .script(&mdn_protocol::Hash32::from_hex(&hash).unwrap())
        .await
        .expect("store")
        .expect("installed record");
    assert!(!record.trusted);
    assert_eq!(record.installed_by, "bob");
    assert_eq!(installed_files(scripts.path(), &hash).len(), 1);

    // An untrusted installed script never runs: B's kraken ticks three times meanwhile.
    let kraken = runs(&net, 1, "kraken").await.expect("kraken runs");
    net.wait_for(
        "B's kraken ticks three times",
        Duration::from_secs(30),
        || async { (runs(&net, 1, "kraken").await? >= kraken + 3).then_some(()) },
    )
    .await;
    assert_eq!(
        runs(&net, 1, "sharedkraken").await,
        Some(0),
        "untrusted script scheduled"
    );
    let events = store
        .source_events(Some("sharedkraken"), 10)
        .await
        .expect("events");
    assert!(events.is_empty(), "untrusted script ran: {events:?}");

    // B trusts it: it runs (in shadow mode by default), and the network validates its quotes.
    let out = mdnode(vec![
        "scripts".into(),
        "trust".into(),
        hash.clone(),
        "--config".into(),
        config(&net, 1),
        "--by".into(),
        "alice".into(),
    ])
    .await;
    ok(&out, "scripts trust");
    let record = store
        .script(&mdn_protocol::Hash32::from_hex(&hash).unwrap())
        .await
        .expect("store")
        .expect("record");
    assert!(record.trusted);
    assert_eq!(record.trusted_by.as_deref(), Some("alice"));
    assert!(record.trusted_at_ms.is_some());
    let sources = net.get(1, "/api/v1/sources").await.expect("sources");
    let shared = sources["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "sharedkraken")
        .cloned()
        .expect("sharedkraken scheduled on B");
    assert_eq!(
        shared["shadow"], true,
        "newly trusted scripts start in shadow mode"
    );
    net.wait_for(
        "B's sharedkraken quotes validated on A and B",
        Duration::from_secs(60),
        || async {
            let on_a = validated(&net, 0, "sharedkraken").await?;
            let on_b = validated(&net, 1, "sharedkraken").await?;
            (on_a > 0 && on_b > 0).then_some(())
        },
    )
    .await;
    // A's catalogue counts B as a validator running it.
    net.wait_for("A counts B running it", Duration::from_secs(20), || async {
        let e = available(&net, 0, &hash).await?;
        (e["validators_running"].as_u64()? >= 1).then_some(())
    })
    .await;
    // Only B runs it; A (the publisher) installed it but does not trust it.
    assert_eq!(runs(&net, 0, "sharedkraken").await, Some(0));

    // After a restart B runs the trusted script again and still lists it in its catalogue.
    net.stop(1).await;
    net.restart(1);
    net.wait_for(
        "B runs sharedkraken again after a restart",
        Duration::from_secs(60),
        || async { (runs(&net, 1, "sharedkraken").await? > 0).then_some(()) },
    )
    .await;
    assert!(available(&net, 1, &hash).await.is_some());
}

/// A rogue peer: it announces what it is told and answers script requests with the given bodies.
struct Rogue {
    client: NetworkClient,
}

async fn rogue(net: &Net, bodies: HashMap<[u8; 32], Vec<u8>>) -> Rogue {
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
    let (client, mut events, event_loop) =
        Network::new(config, Keypair::generate_ed25519()).expect("rogue network");
    tokio::spawn(event_loop.run());
    let responder = client.clone();
    let bodies = Arc::new(bodies);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                NetworkEvent::Message {
                    message_id,
                    propagation_source,
                    ..
                } => {
                    let _ = responder
                        .report_validation(message_id, propagation_source, Verdict::Ignore)
                        .await;
                }
                NetworkEvent::InboundRequest {
                    request, channel, ..
                } => {
                    let response = match request {
                        Request::Script { hash } => Response::Script {
                            body: bodies.get(&hash).cloned(),
                        },
                        _ => Response::Error {
                            message: "rogue".into(),
                        },
                    };
                    let _ = responder.respond(channel, response).await;
                }
                _ => {}
            }
        }
    });
    Rogue { client }
}

async fn publish(client: &NetworkClient, data: Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match client.publish(TopicKind::Scripts, data.clone()).await {
            Ok(_) => return,
            Err(PublishError::NoPeers(_)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("publish failed: {e}"),
        }
    }
}

/// `POST` with the token; status and JSON body.
async fn post(net: &Net, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("http://127.0.0.1:{}{path}", net.layout.nodes[0].http_port);
    let mut req = reqwest::Client::new()
        .post(url)
        .bearer_auth(TOKEN)
        .timeout(Duration::from_secs(60));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("node answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn announce(body: &str, tweak: impl FnOnce(&mut ScriptAnnouncement)) -> ScriptAnnouncement {
    let script = Script::from_source("rogue", body).expect("loads");
    let mut ann =
        mdn_node::script_share::check::announcement_for(&script, "mdn-test", 1_795_000_000_000);
    tweak(&mut ann);
    ann.sign(&signing_key_from_seed([66; 32]))
}

async fn nothing_stored(net: &Net, dir: &Path, hash: &mdn_protocol::Hash32) {
    let store = net.store(0).await;
    assert!(store.script(hash).await.expect("store").is_none());
    assert!(installed_files(dir, &hash.to_hex()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_scripts_are_refused_and_nothing_is_stored() {
    let scripts = kraken_only();
    let net = Net::start(NetOptions {
        nodes: 1,
        postgres: true,
        schedule: "*/2 * * * * *".into(),
        scripts_dir: Some(scripts.path().to_owned()),
        ..NetOptions::default()
    })
    .await;
    let url = net.simex().base_url();
    let honest = shared_script(&url, "honest");
    let greedy = shared_script(&url, "greedy").replace(
        "//! hosts: [127.0.0.1]",
        "//! hosts: [127.0.0.1, evil.example]",
    );

    // (1) Body not matching its hash: a valid announcement, but the rogue serves another body.
    let mismatch = announce(&honest, |_| {});
    // (2) Manifest asking for hosts beyond the announced ones (the hash matches the body).
    let undeclared = announce(&greedy, |a| a.hosts = vec!["127.0.0.1".into()]);
    // (3) Bad signature.
    let mut forged = announce(&shared_script(&url, "forged"), |_| {});
    forged.signature.0[5] ^= 0x40;

    let mut bodies = HashMap::new();
    bodies.insert(
        mismatch.script_hash.0,
        honest
            .replace("Kraken tickers", "Kraken tickers!")
            .into_bytes(),
    );
    bodies.insert(undeclared.script_hash.0, greedy.clone().into_bytes());
    bodies.insert(forged.script_hash.0, b"whatever".to_vec());
    let rogue = rogue(&net, bodies).await;

    let rejected_before = net.status(0).await.expect("status")["counters"]["gossip_rejected"]
        .as_u64()
        .unwrap_or(0);
    publish(&rogue.client, forged.encode_to_vec()).await;
    publish(&rogue.client, mismatch.encode_to_vec()).await;
    publish(&rogue.client, undeclared.encode_to_vec()).await;

    // The two validly signed announcements reach the catalogue; the forged one is rejected.
    for ann in [&mismatch, &undeclared] {
        let hash = ann.script_hash.to_hex();
        net.wait_for("the catalogue lists it", Duration::from_secs(20), || {
            available(&net, 0, &hash)
        })
        .await;
    }
    net.wait_for(
        "the forged announcement is rejected",
        Duration::from_secs(20),
        || async {
            let s = net.status(0).await?;
            (s["counters"]["gossip_rejected"].as_u64()? > rejected_before).then_some(())
        },
    )
    .await;
    assert!(
        available(&net, 0, &forged.script_hash.to_hex())
            .await
            .is_none()
    );

    // Installing each is refused with a clear error; nothing is stored.
    let (status, body) = post(
        &net,
        &format!("/api/v1/scripts/{}/install", mismatch.script_hash),
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("does not match its hash"), "{message}");
    nothing_stored(&net, scripts.path(), &mismatch.script_hash).await;

    let (status, body) = post(
        &net,
        &format!("/api/v1/scripts/{}/install", undeclared.script_hash),
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("undeclared hosts") && message.contains("evil.example"),
        "{message}"
    );
    nothing_stored(&net, scripts.path(), &undeclared.script_hash).await;

    let (status, body) = post(
        &net,
        &format!("/api/v1/scripts/{}/install", forged.script_hash),
        None,
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("not in the catalogue"),
        "{body}"
    );
    // Publishing a forged announcement through the API is refused too.
    let (status, body) = post(
        &net,
        "/api/v1/scripts",
        Some(serde_json::json!({
            "announcement": hex::encode(forged.encode_to_vec()),
            "body": shared_script(&url, "forged"),
        })),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("signature"),
        "{body}"
    );
    nothing_stored(&net, scripts.path(), &forged.script_hash).await;

    // The node keeps running: it answers and goes on validating its own quotes.
    let (validated_before, _, _) = net.counts(0).await.expect("counts");
    net.wait_for(
        "the node keeps validating",
        Duration::from_secs(30),
        || async {
            let (v, _, _) = net.counts(0).await?;
            (v > validated_before).then_some(())
        },
    )
    .await;
}
