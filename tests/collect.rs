//! Collection on schedule (one node, its own validator set): sources run on their cron schedules,
//! every run is recorded as a source event in the store, and broken or hostile scripts are reported
//! without stopping the node or the other sources.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Net, NetOptions, TOKEN, repo_root};
use mdn_store::SourceEventKind;

const LOOPING: &str = r#"//! name: looping
//! version: 1.0.0
//! description: never returns
//! author: test
//! symbols: ["*"]
//! schedule: "* * * * * *"
//! hosts: []
let n = 0;
loop { n += 1; }
"#;

const BROKEN: &str = r#"//! name: broken
//! version: 1.0.0
//! description: does not compile
//! author: test
//! symbols: ["*"]
//! schedule: "* * * * * *"
//! hosts: []
let x = ;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_run_on_schedule_and_failures_are_recorded_while_the_node_goes_on() {
    let scripts = tempfile::tempdir().expect("temp dir");
    for venue in ["binance", "kraken"] {
        let file = format!("{venue}.rhai");
        std::fs::copy(
            repo_root().join("scripts").join(&file),
            scripts.path().join(&file),
        )
        .expect("copy");
    }
    std::fs::write(scripts.path().join("looping.rhai"), LOOPING).expect("write");
    std::fs::write(scripts.path().join("broken.rhai"), BROKEN).expect("write");
    let net = Net::start(NetOptions {
        nodes: 1,
        postgres: true,
        schedule: "*/2 * * * * *".into(),
        faults: vec!["kraken=fail".into()],
        scripts_dir: Some(scripts.path().to_owned()),
        ..NetOptions::default()
    })
    .await;
    let store = net.store(0).await;
    let kinds = net
        .wait_for("events of every kind", Duration::from_secs(60), || {
            let store = store.clone();
            async move {
                let events = store.source_events(None, 1000).await.ok()?;
                let mut by_source: BTreeMap<String, Vec<SourceEventKind>> = BTreeMap::new();
                for e in events {
                    by_source.entry(e.source).or_default().push(e.kind);
                }
                let ok_runs = by_source
                    .get("binance")?
                    .iter()
                    .filter(|k| matches!(k, SourceEventKind::Ok { quotes } if *quotes > 0))
                    .count();
                let complete = ok_runs >= 3
                    && by_source.get("kraken")?.iter().any(|k| matches!(k, SourceEventKind::HttpError { status: Some(503), .. }))
                    // Stopped by the wall-clock timeout or, first, by the operation limit.
                    && by_source.get("looping")?.iter().any(|k| match k {
                        SourceEventKind::Timeout => true,
                        SourceEventKind::ScriptError { message, .. } => message.contains("operation"),
                        _ => false,
                    })
                    && by_source.get("broken")?.iter().any(|k| {
                        matches!(k, SourceEventKind::ScriptError { line: Some(8), column: Some(_), .. })
                    });
                complete.then_some(by_source)
            }
        })
        .await;
    // binance ran several times on its schedule, one run per tick at most (no overlap).
    let runs = kinds["binance"].len();
    assert!(runs >= 3, "binance ran {runs} times");
    // The node validated binance's quotes (it is its own quorum) while the others failed.
    net.wait_for("validated quotes", Duration::from_secs(30), || async {
        let (v, _, _) = net.counts(0).await?;
        (v > 0).then_some(())
    })
    .await;
    let sources = net.get(0, "/api/v1/sources").await.expect("sources");
    let names: Vec<&str> = sources["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["binance", "kraken", "looping"],
        "the broken script is not scheduled"
    );
    pause_and_resume(&net).await;
}

/// Runs of a source so far, from `/api/v1/sources`.
async fn runs(net: &Net, source: &str) -> Option<u64> {
    let sources = net.get(0, "/api/v1/sources").await?;
    sources["items"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == source)?["runs"]
        .as_u64()
}

/// The operator pauses and resumes a source over the API; changes need the bearer token.
async fn pause_and_resume(net: &Net) {
    let path = "/api/v1/sources/binance/pause";
    assert_eq!(net.post(0, path, None).await, 401, "no token");
    assert_eq!(net.post(0, path, Some("wrong")).await, 401, "wrong token");
    assert_eq!(
        net.post(0, "/api/v1/sources/nope/pause", Some(TOKEN)).await,
        404
    );
    assert_eq!(net.post(0, path, Some(TOKEN)).await, 200);
    let paused_at = runs(net, "binance").await.expect("binance runs");
    // kraken keeps its schedule: let it tick three times; binance must not run meanwhile (at most
    // the run that was already going when the pause came).
    let kraken = runs(net, "kraken").await.expect("kraken runs");
    net.wait_for(
        "kraken ticks three times",
        Duration::from_secs(30),
        || async { (runs(net, "kraken").await? >= kraken + 3).then_some(()) },
    )
    .await;
    let after = runs(net, "binance").await.expect("binance runs");
    assert!(
        after <= paused_at + 1,
        "paused binance ran: {paused_at} -> {after}"
    );
    assert_eq!(
        net.post(0, "/api/v1/sources/binance/resume", Some(TOKEN))
            .await,
        200
    );
    net.wait_for("binance runs again", Duration::from_secs(30), || async {
        (runs(net, "binance").await? > after).then_some(())
    })
    .await;
}
