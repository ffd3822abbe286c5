//! The HTTP API against real running nodes (real HTTP, real WebSocket): every endpoint, the OpenAPI
//! document against what the node serves, pagination bounds, 400s with stable codes, 401s for
//! changes, `/metrics` families that move, the stream's symbol filter and the slow-client drop,
//! rate limiting (429 with the JSON error) and CORS.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Net, NetOptions, TOKEN};
use futures::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Plain HTTP against one node.
struct Api {
    base: String,
    http: reqwest::Client,
    ws: String,
}

/// An answer: status, headers and body (JSON when it parses).
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a JSON error with `status` and `code`, and returns its message.
    fn error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status, status, "status of {}", self.text);
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        let message = body["error"]["message"].as_str().unwrap_or("").to_owned();
        assert!(!message.is_empty(), "a message: {body}");
        message
    }
}

impl Api {
    fn new(net: &Net, i: usize) -> Self {
        let port = net.layout.nodes[i].http_port;
        Self {
            base: format!("http://127.0.0.1:{port}"),
            ws: format!("ws://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("client"),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let resp = req.send().await.expect("the node answers");
        Answer {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("body"),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, token: Option<&str>) -> Answer {
        let mut req = self.http.post(format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        self.send(req).await
    }

    /// `GET` expecting 200 JSON.
    async fn ok(&self, path: &str) -> Value {
        let a = self.get(path).await;
        assert_eq!(a.status, 200, "GET {path}: {}", a.text);
        a.json()
    }

    async fn connect(&self, query: &str) -> Ws {
        let (ws, resp) =
            tokio_tungstenite::connect_async(format!("{}/api/v1/stream{query}", self.ws))
                .await
                .expect("WebSocket handshake");
        assert_eq!(resp.status().as_u16(), 101);
        ws
    }

    /// The value of one metric sample line (`name{labels}`), if present.
    async fn metric(&self, sample: &str) -> Option<f64> {
        let text = self.get("/metrics").await.text;
        metric_value(&text, sample)
    }
}

fn metric_value(text: &str, sample: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(sample)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

/// Reads JSON events from `ws` until `enough` holds for the ones kept by `keep`, or the deadline.
async fn collect_events(
    ws: &mut Ws,
    timeout: Duration,
    keep: impl Fn(&Value) -> bool,
    enough: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let mut kept = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while !enough(&kept) {
        let next = tokio::time::timeout_at(deadline, ws.next())
            .await
            .unwrap_or_else(|_| panic!("timed out with {} events kept", kept.len()));
        match next {
            Some(Ok(Message::Text(text))) => {
                let event: Value = serde_json::from_str(&text).expect("JSON event");
                assert!(event["type"].is_string(), "typed event: {event}");
                if keep(&event) {
                    kept.push(event);
                }
            }
            Some(Ok(Message::Close(frame))) => panic!("stream closed: {frame:?}"),
            Some(Ok(_)) => {}
            other => panic!("stream ended: {other:?}"),
        }
    }
    kept
}

fn is_quote(event: &Value) -> bool {
    event["type"]
        .as_str()
        .is_some_and(|t| t.starts_with("quote."))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_as_documented_on_a_running_network() {
    let net = Net::start(NetOptions {
        nodes: 3,
        postgres: false,
        ..NetOptions::default()
    })
    .await;
    let api = Api::new(&net, 0);
    let validated = net
        .wait_for(
            "20 validated quotes on node 0",
            Duration::from_secs(90),
            || async {
                let page = api.ok("/api/v1/quotes?status=validated&limit=1000").await;
                let items = page["items"].as_array()?.clone();
                (items.len() >= 20).then_some(items)
            },
        )
        .await;

    // Liveness and readiness.
    assert_eq!(api.ok("/health").await["status"], "ok");
    let ready = api.ok("/ready").await;
    assert_eq!(ready["status"], "ready");
    assert!(ready["connected_peers"].as_u64() >= Some(2), "{ready}");

    // Status.
    let status = api.ok("/api/v1/status").await;
    assert_eq!(status["network_id"], "mdn-test");
    assert_eq!(status["validators"].as_array().map(Vec::len), Some(3));
    assert!(
        status["counters"]["validated"].as_u64() > Some(0),
        "{status}"
    );
    let latency = &status["latency"];
    assert_eq!(
        latency["counts"].as_array().map(Vec::len),
        latency["buckets_ms"].as_array().map(|b| b.len() + 1)
    );
    // Its stages: same buckets; the tally's decisions are timed, and so, once a peer's proposal
    // has arrived and been voted on, are arrival and vote.
    let buckets = latency["buckets_ms"].as_array().map(|b| b.len() + 1);
    let total = |status: &Value, stage: &str| -> Option<u64> {
        let counts = status["stage_latency"][stage]["counts"].as_array()?;
        assert_eq!(Some(counts.len()), buckets, "{stage}: {status}");
        Some(counts.iter().filter_map(Value::as_u64).sum())
    };
    assert!(total(&status, "decided") > Some(0), "{status}");
    net.wait_for(
        "node 0 to time a peer's proposal on arrival and vote",
        Duration::from_secs(60),
        || async {
            let status = api.ok("/api/v1/status").await;
            (total(&status, "received") > Some(0) && total(&status, "voted") > Some(0))
                .then_some(())
        },
    )
    .await;

    // Quotes: shape, filters, pagination and its bounds.
    let first = &validated[0];
    for field in [
        "id",
        "seq",
        "symbol",
        "source",
        "price",
        "observed_at",
        "proposer",
        "status",
    ] {
        assert!(!first[field].is_null(), "{field} in {first}");
    }
    assert!(validated.iter().all(|q| q["status"] == "validated"));
    let symbol = first["symbol"].as_str().expect("symbol").to_owned();
    let encoded = symbol.replace('/', "%2F");
    let by_symbol = api
        .ok(&format!("/api/v1/quotes?symbol={encoded}&limit=50"))
        .await;
    let items = by_symbol["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.iter().all(|q| q["symbol"] == symbol.as_str()));
    let one = api.ok("/api/v1/quotes?limit=1").await;
    assert_eq!(one["items"].as_array().map(Vec::len), Some(1));
    let cursor = one["next"]
        .as_str()
        .expect("a next cursor after a full page");
    let two = api
        .ok(&format!("/api/v1/quotes?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(two["items"].as_array().map(Vec::len), Some(1));
    assert_ne!(
        two["items"][0]["id"], one["items"][0]["id"],
        "the cursor moves on"
    );
    let all = api.ok("/api/v1/quotes?limit=1000").await;
    assert!(all["items"].as_array().map(Vec::len) <= Some(1000));
    for (query, needle) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("status=maybe", "status"),
        ("symbol=btcusd", "btcusd"),
        ("since=yesterday", "since"),
        ("colour=blue", "colour"),
    ] {
        let message = api
            .get(&format!("/api/v1/quotes?{query}"))
            .await
            .error(400, "bad_request");
        assert!(
            message.contains(needle),
            "{query}: message {message:?} names {needle:?}"
        );
    }

    // One quote: votes, certificate, bytes; bad and unknown ids.
    let id = first["id"].as_str().expect("id");
    let detail = api.ok(&format!("/api/v1/quotes/{id}")).await;
    assert_eq!(detail["id"], id);
    assert!(
        detail["certificate"]["entries"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
    assert!(detail["votes"].as_array().is_some_and(|v| !v.is_empty()));
    assert!(
        detail["quote_bytes"]
            .as_str()
            .is_some_and(|b| !b.is_empty())
    );
    let message = api
        .get("/api/v1/quotes/xyz")
        .await
        .error(400, "bad_request");
    assert!(message.contains("xyz"), "{message}");
    api.get(&format!("/api/v1/quotes/{}", "0".repeat(64)))
        .await
        .error(404, "not_found");

    // The other read endpoints.
    for path in ["/api/v1/symbols", "/api/v1/peers", "/api/v1/sources"] {
        let page = api.ok(path).await;
        assert!(
            page["items"].as_array().is_some_and(|i| !i.is_empty()),
            "{path}: {page}"
        );
    }
    api.get("/api/v1/no-such-thing")
        .await
        .error(404, "not_found");

    // Changes need the right token.
    let pause = "/api/v1/sources/binance/pause";
    api.post(pause, None).await.error(401, "unauthorized");
    api.post(pause, Some("wrong-token"))
        .await
        .error(401, "unauthorized");
    api.post("/api/v1/sources/nope/pause", Some(TOKEN))
        .await
        .error(404, "not_found");
    // Each source's next run: its cron time (every 2 s here) plus this node's fixed splay offset
    // for it, below `scripts.splay_ms` (1 s by default).
    let binance = |page: &serde_json::Value| {
        page["items"]
            .as_array()
            .and_then(|i| i.iter().find(|s| s["name"] == "binance"))
            .cloned()
            .expect("binance in /sources")
    };
    let source = binance(&api.ok("/api/v1/sources").await);
    let offset = source["splay_offset_ms"].as_i64().expect("splay offset");
    let next = source["next_run_at_ms"]
        .as_i64()
        .expect("next run while active");
    assert!((0..1000).contains(&offset), "{source}");
    assert_eq!(
        (next - offset).rem_euclid(2000),
        0,
        "on the cron grid: {source}"
    );
    assert!(next > common::now_ms() - 1000, "in the future: {source}");

    let paused = api.post(pause, Some(TOKEN)).await;
    assert_eq!(paused.status, 200, "{}", paused.text);
    assert_eq!(
        paused.json(),
        serde_json::json!({"name": "binance", "paused": true})
    );
    let source = binance(&api.ok("/api/v1/sources").await);
    assert_eq!(
        source["next_run_at_ms"],
        serde_json::Value::Null,
        "paused: {source}"
    );
    assert_eq!(
        source["splay_offset_ms"], offset,
        "the offset is fixed: {source}"
    );
    let resumed = api
        .post("/api/v1/sources/binance/resume", Some(TOKEN))
        .await;
    assert_eq!(resumed.json()["paused"], false);

    // CORS is off by default: no CORS headers, whatever the origin.
    let cors = api
        .send(
            api.http
                .get(format!("{}/api/v1/status", api.base))
                .header("Origin", "http://elsewhere.example"),
        )
        .await;
    assert_eq!(cors.status, 200);
    assert_eq!(cors.header("access-control-allow-origin"), None);

    // Metrics: every family, counters that moved, and agreement with /status. Node 0 runs its
    // source up to `scripts.splay_ms` after each cron time, so its peers' quotes can be validated
    // before its own first run has ended: wait for that run's metrics.
    net.wait_for(
        "a finished run of node 0's own source in its metrics",
        Duration::from_secs(30),
        || async {
            let text = api.get("/metrics").await.text;
            text.contains("mdn_script_runs_total{source=\"binance\"}")
                .then_some(())
        },
    )
    .await;
    let status = api.ok("/api/v1/status").await;
    let metrics = api.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/openmetrics-text"))
    );
    let text = &metrics.text;
    for family in [
        "mdn_quotes_proposed",
        "mdn_quotes_validated",
        "mdn_quotes_rejected",
        "mdn_quotes_expired",
        "mdn_votes_sent",
        "mdn_votes_received",
        "mdn_decision_latency_seconds",
        "mdn_gossip_messages",
        "mdn_gossip_bytes",
        "mdn_connected_peers",
        "mdn_script_runs",
        "mdn_script_failures",
        "mdn_script_duration_seconds",
        "mdn_store_commit_seconds",
        "mdn_store_queue_depth",
        "mdn_stream_clients",
        "mdn_stream_dropped_clients",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} ")),
            "family {family} in\n{text}"
        );
    }
    for sample in [
        "mdn_quotes_proposed_total",
        "mdn_votes_sent_total",
        "mdn_votes_received_total",
        "mdn_decision_latency_seconds_count",
        "mdn_decision_received_latency_seconds_count",
        "mdn_decision_voted_latency_seconds_count",
        "mdn_decision_decided_latency_seconds_count",
        "mdn_gossip_messages_total{topic=\"votes\",verdict=\"accept\"}",
        "mdn_gossip_bytes_total{topic=\"observations\",verdict=\"accept\"}",
        "mdn_script_runs_total{source=\"binance\"}",
        "mdn_script_duration_seconds_count{source=\"binance\"}",
        "mdn_store_commit_seconds_count",
    ] {
        let v = metric_value(text, sample).unwrap_or_else(|| panic!("{sample} in\n{text}"));
        assert!(v > 0.0, "{sample} moved: {v}");
    }
    assert_eq!(metric_value(text, "mdn_connected_peers"), Some(2.0));
    let validated_metric = metric_value(text, "mdn_quotes_validated_total").expect("validated");
    let validated_status = status["counters"]["validated"].as_f64().expect("counter");
    assert!(validated_metric >= validated_status && validated_status > 0.0);

    // OpenAPI: a 3.x document whose every operation answers on this node.
    let doc = api.ok("/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let documented = mdn_node::api::documented_operations(&doc);
    let expected: Vec<(String, String)> = {
        let mut routes: Vec<(String, String)> = mdn_node::api::ROUTES
            .iter()
            .filter(|r| !mdn_node::api::UNDOCUMENTED.contains(r))
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        routes.sort();
        routes
    };
    assert_eq!(
        documented, expected,
        "the served document lists exactly the served routes"
    );
    for (path, item) in paths {
        for method in ["get", "post"] {
            if item.get(method).is_none() {
                continue;
            }
            let concrete = path
                .replace("{id}", id)
                .replace("{name}", "binance")
                .replace("{hash}", &"0".repeat(64));
            if concrete == "/api/v1/stream" {
                api.connect("").await.close(None).await.expect("close");
                continue;
            }
            let (a, expected) = match (method, concrete.as_str()) {
                ("get", "/api/v1/prices") => {
                    (api.get(&format!("{concrete}?symbol={encoded}")).await, 200)
                }
                ("get", _) => (api.get(&concrete).await, 200),
                // Publishing needs a signed script (tests/script_sharing.rs): no body is a 400.
                ("post", "/api/v1/scripts") => (api.post(&concrete, Some(TOKEN)).await, 400),
                // Installing or trusting a script nobody announced: 404.
                (_, p) if p.starts_with("/api/v1/scripts/") => {
                    (api.post(&concrete, Some(TOKEN)).await, 404)
                }
                _ => (api.post(&concrete, Some(TOKEN)).await, 200),
            };
            assert_eq!(a.status, expected, "{method} {concrete}: {}", a.text);
            assert!(
                item[method]["responses"]
                    .get(expected.to_string())
                    .is_some(),
                "{method} {path}: status {expected} is not documented"
            );
            if expected != 200 {
                assert!(a.json()["error"]["code"].is_string(), "{}", a.text);
            }
        }
    }
    let resumed = api
        .post("/api/v1/sources/binance/resume", Some(TOKEN))
        .await;
    assert_eq!(resumed.status, 200);

    // Stream: a bad filter is refused before the upgrade.
    let bad =
        tokio_tungstenite::connect_async(format!("{}/api/v1/stream?symbols=nope", api.ws)).await;
    match bad {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 400)
        }
        other => panic!("expected a 400 handshake, got {other:?}"),
    }

    // Stream: the symbol filter lets only that symbol's quotes through.
    let mut filtered = api.connect(&format!("?symbols={encoded}")).await;
    let events = collect_events(&mut filtered, Duration::from_secs(60), is_quote, |k| {
        k.len() >= 3
    })
    .await;
    assert!(
        events.iter().all(|e| e["symbol"] == symbol.as_str()),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e["id"].is_string() && e["latency_ms"].is_i64())
    );
    filtered.close(None).await.expect("close");

    // Stream: a client that never reads is dropped; the node keeps serving the others.
    let dropped_before = api
        .metric("mdn_stream_dropped_clients_total")
        .await
        .expect("metric");
    let mut sleeper = api.connect("").await;
    let mut reader = api.connect("").await;
    let quotes_read = Arc::new(AtomicUsize::new(0));
    let heartbeats = Arc::new(AtomicUsize::new(0));
    let (quote_count, beat_count) = (quotes_read.clone(), heartbeats.clone());
    let reader_task = tokio::spawn(async move {
        // Reads (and so answers pings) for as long as the test runs.
        while let Some(Ok(msg)) = reader.next().await {
            if let Message::Text(text) = msg {
                let event: Value = serde_json::from_str(&text).expect("JSON");
                if is_quote(&event) {
                    quote_count.fetch_add(1, Ordering::Relaxed);
                } else if event["type"] == "heartbeat" {
                    assert!(event["at"].is_string(), "{event}");
                    beat_count.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    });
    let timeout = mdn_node::api::CLIENT_TIMEOUT + mdn_node::api::HEARTBEAT * 3;
    net.wait_for("the silent client to be dropped", timeout, || async {
        let dropped = api.metric("mdn_stream_dropped_clients_total").await?;
        (dropped > dropped_before).then_some(())
    })
    .await;
    assert_eq!(
        api.metric("mdn_stream_clients").await,
        Some(1.0),
        "the reader stays"
    );
    assert!(
        !reader_task.is_finished(),
        "the reading client is still connected"
    );
    // The node goes on serving the reader and the API after the drop.
    let read_at_drop = quotes_read.load(Ordering::Relaxed);
    net.wait_for(
        "the reader to get quotes after the drop",
        Duration::from_secs(60),
        || async {
            let more = quotes_read.load(Ordering::Relaxed) > read_at_drop;
            let answers = api.get("/api/v1/status").await.status == 200;
            (more && answers).then_some(())
        },
    )
    .await;
    // Heartbeats keep coming, one per period.
    let period = mdn_node::api::HEARTBEAT;
    net.wait_for(
        "two heartbeats on the reader",
        period * 2 + period / 2,
        || async { (heartbeats.load(Ordering::Relaxed) >= 2).then_some(()) },
    )
    .await;
    // The silent client, reading at last, finds what was sent and then the end: a 1008 close,
    // or the bare end of the connection when even the close frame could not be queued.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, sleeper.next())
            .await
            .expect("the end arrives")
        {
            Some(Ok(Message::Close(frame))) => {
                let frame = frame.expect("a close reason");
                assert_eq!(frame.code, CloseCode::Policy, "{frame:?}");
                break;
            }
            Some(Ok(_)) => {}
            None | Some(Err(_)) => break,
        }
    }
    reader_task.abort();
}

fn limited(_: usize, config: &mut mdn_config::Config) {
    config.api.rate_limit_per_sec = 5;
    config.api.cors_origins = vec!["http://ui.example".into()];
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_answers_429_in_json_and_cors_allows_configured_origins() {
    let net = Net::start(NetOptions {
        nodes: 1,
        postgres: false,
        configure: Some(limited),
        ..NetOptions::default()
    })
    .await;
    let api = Api::new(&net, 0);

    // CORS: the configured origin is allowed (preflight and plain requests), others are not.
    let preflight = api
        .send(
            api.http
                .request(
                    reqwest::Method::OPTIONS,
                    format!("{}/api/v1/sources/binance/pause", api.base),
                )
                .header("Origin", "http://ui.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization"),
        )
        .await;
    assert_eq!(preflight.status, 200, "{}", preflight.text);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("http://ui.example")
    );
    let allowed = api
        .send(
            api.http
                .get(format!("{}/api/v1/status", api.base))
                .header("Origin", "http://ui.example"),
        )
        .await;
    assert_eq!(allowed.status, 200);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://ui.example")
    );
    let other = api
        .send(
            api.http
                .get(format!("{}/api/v1/status", api.base))
                .header("Origin", "http://evil.example"),
        )
        .await;
    assert_eq!(other.header("access-control-allow-origin"), None);

    // Rate limit: 5 per second with bursts of 5; 40 requests at once cannot all pass.
    let answers = futures::future::join_all((0..40).map(|_| api.get("/api/v1/status"))).await;
    let refused: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert!(
        !refused.is_empty(),
        "some of 40 simultaneous requests are refused"
    );
    assert!(answers.iter().all(|a| a.status == 200 || a.status == 429));
    let message = refused[0].error(429, "rate_limited");
    assert!(message.contains("retry"), "{message}");
    assert!(
        refused[0]
            .header("retry-after")
            .and_then(|s| s.parse::<u64>().ok())
            .is_some()
    );
    // Health and metrics are not limited, and the refusals are counted.
    for _ in 0..20 {
        assert_eq!(api.get("/health").await.status, 200);
    }
    let limited = api
        .metric("mdn_api_rate_limited_total")
        .await
        .expect("metric");
    assert!(
        limited >= refused.len() as f64,
        "{limited} >= {}",
        refused.len()
    );
    // The budget comes back.
    net.wait_for(
        "the rate limit to let requests through again",
        Duration::from_secs(10),
        || async { (api.get("/api/v1/status").await.status == 200).then_some(()) },
    )
    .await;
}
