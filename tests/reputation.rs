//! Reputation on a real 4-node network with simex faults: a lying venue is quarantined on every
//! node and recovers; stale and failing venues lose freshness and reliability; a Byzantine
//! validator ends with the lowest reputation, locally and in the network view, and its lying
//! reports do not drag honest peers down.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{Net, NetOptions};
use serde_json::Value;

/// Fast reputation for tests: 6 s half-life, 2 s epochs and price intervals.
fn fast() -> Vec<(String, String)> {
    [
        ("MDNODE_REPUTATION_HALF_LIFE_SECS", "6"),
        ("MDNODE_REPUTATION_EPOCH_SECS", "2"),
        ("MDNODE_REPUTATION_PRICE_INTERVAL_SECS", "2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn options(faults: &[&str]) -> NetOptions {
    NetOptions {
        schedule: "* * * * * *".into(),
        symbols: 6,
        faults: faults.iter().map(|f| (*f).to_owned()).collect(),
        env: fast(),
        ..NetOptions::default()
    }
}

/// A source's per-symbol entry in `/api/v1/sources`.
fn symbol_entry<'a>(sources: &'a Value, source: &str, symbol: &str) -> Option<&'a Value> {
    sources["items"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == source)?["symbols"]
        .as_array()?
        .iter()
        .find(|e| e["symbol"] == symbol)
}

fn source_entry<'a>(sources: &'a Value, source: &str) -> Option<&'a Value> {
    sources["items"]
        .as_array()?
        .iter()
        .find(|s| s["name"] == source)
}

/// Checks every BTC/USD consensus price of node `i` since `since_ms` against the range of the
/// honest venues' validated quotes of the same interval.
async fn prices_within_honest_range(net: &Net, i: usize, since_ms: i64, liar: &str) -> usize {
    let prices = net
        .get(
            i,
            &format!("/api/v1/prices?symbol=BTC%2FUSD&since={since_ms}"),
        )
        .await
        .expect("prices");
    let mut checked = 0;
    for p in prices["items"].as_array().expect("items") {
        let start = p["interval_start_ms"].as_i64().expect("start");
        let quotes = net
            .get(
                i,
                &format!(
                    "/api/v1/quotes?symbol=BTC%2FUSD&status=validated&since={start}&until={}&limit=1000",
                    start + 2_000 - 1
                ),
            )
            .await
            .expect("quotes");
        let honest: Vec<f64> = quotes["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|q| q["source"] != liar)
            .map(|q| q["price"].as_str().unwrap().parse::<f64>().unwrap())
            .collect();
        if honest.is_empty() {
            continue;
        }
        let price: f64 = p["price"].as_str().unwrap().parse().unwrap();
        let lo = honest.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = honest.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            lo <= price && price <= hi,
            "node {i}: consensus {price} outside honest range [{lo}, {hi}] at {start}"
        );
        checked += 1;
    }
    checked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offset_venue_is_quarantined_everywhere_and_recovers() {
    let net = &Net::start(options(&[])).await;
    let nodes = net.layout.nodes.len();
    // Honest history first: every node has consensus prices and no quarantine.
    net.wait_for(
        "consensus prices on every node",
        Duration::from_secs(60),
        || async {
            for i in 0..nodes {
                let p = net.get(i, "/api/v1/prices?symbol=BTC%2FUSD").await?;
                p["items"].as_array().filter(|a| !a.is_empty())?;
            }
            Some(())
        },
    )
    .await;
    let fault_at = common::now_ms();
    net.simex()
        .set_fault("kraken:BTC/USD=offset:5%".parse().unwrap())
        .expect("fault");
    let started = Instant::now();
    // Quarantined on every node within 20 epochs (2 s each) of the fault.
    for i in 0..nodes {
        net.wait_for(
            &format!("kraken BTC/USD quarantined on node {i}"),
            Duration::from_secs(40).saturating_sub(started.elapsed()),
            || async move {
                let s = net.get(i, "/api/v1/sources").await?;
                let e = symbol_entry(&s, "kraken", "BTC/USD")?;
                (e["quarantined"] == true).then_some(())
            },
        )
        .await;
    }
    let epochs = started.elapsed().as_secs() / 2 + 1;
    eprintln!("quarantined on all nodes after {epochs} epochs");
    for i in 0..nodes {
        let s = net.get(i, "/api/v1/sources").await.expect("sources");
        let kraken = symbol_entry(&s, "kraken", "BTC/USD").expect("kraken BTC/USD");
        let score = |e: &Value| e["score"]["local"].as_f64().unwrap_or(1.0);
        for venue in ["binance", "coinbase", "bitstamp", "okx"] {
            let other = symbol_entry(&s, venue, "BTC/USD").expect("venue BTC/USD");
            assert!(
                score(kraken) < score(other),
                "node {i}: kraken {} not below {venue} {}",
                score(kraken),
                score(other)
            );
            assert_ne!(other["quarantined"], true, "node {i}: {venue} quarantined");
        }
        // Other symbols of kraken are not quarantined.
        assert_ne!(
            symbol_entry(&s, "kraken", "ETH/USD").expect("kraken ETH/USD")["quarantined"],
            true
        );
    }
    for i in 0..nodes {
        prices_within_honest_range(net, i, fault_at, "kraken").await;
    }
    // Its proposals are still shown, flagged.
    let flagged = net
        .get(0, "/api/v1/quotes?symbol=BTC%2FUSD&source=kraken&limit=1")
        .await
        .expect("quotes");
    assert_eq!(flagged["items"][0]["source_quarantined"], true, "{flagged}");
    let other = net
        .get(0, "/api/v1/quotes?symbol=BTC%2FUSD&source=coinbase&limit=1")
        .await
        .expect("quotes");
    assert_eq!(other["items"][0]["source_quarantined"], false, "{other}");
    net.simex().clear_faults();
    for i in 0..nodes {
        net.wait_for(
            &format!("kraken BTC/USD back on node {i}"),
            Duration::from_secs(60),
            || async move {
                let s = net.get(i, "/api/v1/sources").await?;
                let e = symbol_entry(&s, "kraken", "BTC/USD")?;
                (e["quarantined"] == false).then_some(())
            },
        )
        .await;
    }
    let mut checked = 0;
    for i in 0..nodes {
        checked += prices_within_honest_range(net, i, fault_at, "kraken").await;
    }
    assert!(checked > 0, "no consensus price was checked");
    // Scores are persisted with their history.
    let history = net
        .get(0, "/api/v1/sources/kraken/scores?symbol=BTC%2FUSD")
        .await
        .expect("history");
    let points = history["items"].as_array().expect("items");
    assert!(points.iter().any(|p| p["quarantined"] == true));
    assert!(points.len() >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_and_failing_venues_lose_freshness_and_reliability() {
    let net = &Net::start(options(&["bitstamp=stale", "okx=fail"])).await;
    let nodes = net.layout.nodes.len();
    for i in 0..nodes {
        net.wait_for(
            &format!("stale and failing venues scored on node {i}"),
            Duration::from_secs(120),
            || async move {
                let s = net.get(i, "/api/v1/sources").await?;
                let part = |name: &str, key: &str| source_entry(&s, name)?[key].as_f64();
                let healthy_fresh = part("coinbase", "staleness")?;
                let healthy_reliable = part("coinbase", "reliability")?;
                let stale = part("bitstamp", "staleness")?;
                let failing = part("okx", "reliability")?;
                (stale < 0.5 && healthy_fresh > 0.8 && failing < 0.3 && healthy_reliable > 0.8)
                    .then_some(())
            },
        )
        .await;
    }
    let s = net.get(0, "/api/v1/sources").await.expect("sources");
    let overall = |name: &str| {
        source_entry(&s, name).unwrap()["score"]["local"]
            .as_f64()
            .unwrap()
    };
    assert!(overall("bitstamp") < overall("coinbase"));
    assert!(overall("okx") < overall("coinbase"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_byzantine_validator_ends_lowest_and_its_reports_do_not_drag_others_down() {
    let net = &Net::start(NetOptions {
        byzantine: 1,
        ..options(&[])
    })
    .await;
    let liar = net.status(3).await.expect("status")["peer_id"]
        .as_str()
        .expect("peer id")
        .to_owned();
    for i in 0..3 {
        let liar = liar.clone();
        net.wait_for(
            &format!("liar lowest in node {i}'s local and network views"),
            Duration::from_secs(90),
            || {
                let liar = liar.clone();
                async move {
                    let peers = net.get(i, "/api/v1/peers").await?;
                    let mut local = BTreeMap::new();
                    let mut network = BTreeMap::new();
                    for p in peers["items"]
                        .as_array()?
                        .iter()
                        .filter(|p| p["validator"] == true)
                    {
                        let id = p["peer_id"].as_str()?.to_owned();
                        local.insert(id.clone(), p["reputation"]["local"].as_f64()?);
                        network.insert(id, p["reputation"]["network"].as_f64()?);
                    }
                    let lowest = |m: &BTreeMap<String, f64>| {
                        m.iter()
                            .min_by(|a, b| a.1.total_cmp(b.1))
                            .map(|(k, _)| k.clone())
                    };
                    if local.len() < 4 || lowest(&local)? != liar || lowest(&network)? != liar {
                        return None;
                    }
                    // The liar reports honest peers at 0; the network view of an honest peer
                    // is still at least the lowest honest node's local view of it.
                    let honest_floor = 0.5;
                    network
                        .iter()
                        .filter(|(k, _)| **k != liar)
                        .all(|(_, v)| *v > honest_floor)
                        .then_some(())
                }
            },
        )
        .await;
    }
}

/// Every node runs okx in shadow mode.
fn okx_in_shadow(_node: usize, config: &mut mdn_config::Config) {
    for source in &mut config.sources {
        if source.name == "okx" {
            source.shadow = true;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shadow_source_stays_out_of_the_price_until_promoted() {
    let net = &Net::start(NetOptions {
        configure: Some(okx_in_shadow),
        ..options(&[])
    })
    .await;
    let nodes = net.layout.nodes.len();
    // Prices come from the four other venues only, while okx is voted on and scored.
    let max_sources = |i: usize, since: i64| async move {
        let p = net
            .get(i, &format!("/api/v1/prices?symbol=BTC%2FUSD&since={since}"))
            .await?;
        p["items"]
            .as_array()?
            .iter()
            .map(|p| p["sources"].as_u64())
            .collect::<Option<Vec<u64>>>()
            .map(|v| v.into_iter().max())
    };
    net.wait_for(
        "prices from four venues",
        Duration::from_secs(60),
        || async { (max_sources(0, 0).await?? == 4).then_some(()) },
    )
    .await;
    let s = net.get(0, "/api/v1/sources").await.expect("sources");
    assert_eq!(source_entry(&s, "okx").expect("okx")["status"], "shadow");
    let (validated_okx, _) = net
        .wait_for("okx quotes validated", Duration::from_secs(30), || async {
            let q = net
                .get(0, "/api/v1/quotes?source=okx&status=validated&limit=1")
                .await?;
            let n = q["items"].as_array()?.len();
            (n > 0).then_some((n, ()))
        })
        .await;
    assert!(validated_okx > 0);
    for i in 0..nodes {
        assert_eq!(
            net.post(i, "/api/v1/sources/okx/promote", None).await,
            401,
            "promote needs the token"
        );
        assert_eq!(
            net.post(i, "/api/v1/sources/okx/promote", Some(common::TOKEN))
                .await,
            200
        );
    }
    let promoted_at = common::now_ms();
    net.wait_for(
        "okx in the price after promotion",
        Duration::from_secs(60),
        || async { (max_sources(0, promoted_at).await?? == 5).then_some(()) },
    )
    .await;
    let s = net.get(0, "/api/v1/sources").await.expect("sources");
    assert_eq!(source_entry(&s, "okx").expect("okx")["status"], "active");
}
