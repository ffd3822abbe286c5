//! Test helpers: a tiny real HTTP server on 127.0.0.1:0 serving fixture files, and script loading.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mdn_scripts::{Limits, RunRequest, Script, ScriptPool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// `/work/main` (the workspace root).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Loads `scripts/<name>.rhai`.
pub fn venue_script(name: &str) -> Arc<Script> {
    let path = root().join("scripts").join(format!("{name}.rhai"));
    Arc::new(Script::load(&path).unwrap_or_else(|e| panic!("{e}")))
}

/// One route: request target (path and query, exactly) -> status and body.
#[derive(Clone)]
pub struct Route {
    pub status: u16,
    pub body: Vec<u8>,
    pub delay: Duration,
}

/// A route answering with a fixture file.
pub fn fixture(status: u16, venue: &str, file: &str) -> Route {
    let path = root().join("tests/fixtures").join(venue).join(file);
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Route {
        status,
        body,
        delay: Duration::ZERO,
    }
}

/// Serves `routes` until the test ends; returns `http://127.0.0.1:PORT`.
pub async fn serve(routes: Vec<(&str, Route)>) -> String {
    let routes: Arc<HashMap<String, Route>> =
        Arc::new(routes.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let routes = Arc::clone(&routes);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head);
                let target = text.split_whitespace().nth(1).unwrap_or("").to_owned();
                let route = routes.get(&target).cloned().unwrap_or(Route {
                    status: 599,
                    body: format!("no fixture for {target}").into_bytes(),
                    delay: Duration::ZERO,
                });
                tokio::time::sleep(route.delay).await;
                let reply = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    route.status,
                    route.body.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
                let _ = sock.write_all(&route.body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// Limits for fixture tests: fixtures carry fixed past timestamps, so any age is accepted.
pub fn fixture_limits() -> Limits {
    Limits {
        max_age_ms: i64::MAX / 4,
        ..Limits::default()
    }
}

/// A request with `base_url` and symbols.
pub fn request(base_url: &str, symbols: &[&str]) -> RunRequest {
    RunRequest {
        params: [("base_url".to_owned(), base_url.to_owned())]
            .into_iter()
            .collect(),
        symbols: symbols
            .iter()
            .map(|s| mdn_protocol::Symbol::parse(s).expect("symbol"))
            .collect(),
    }
}

/// A real-HTTP pool with the fixture limits.
pub fn pool() -> ScriptPool {
    ScriptPool::new(2, fixture_limits()).expect("pool")
}
