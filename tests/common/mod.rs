//! Harness for multi-node tests: a simulated exchange (in-process, real HTTP), N `mdnode run`
//! processes on loopback with real libp2p, each on its own PostgreSQL database (or SQLite), and
//! helpers to wait for conditions with deadlines, read stores directly, and kill or restart nodes.
//! Networks are serialised within a test binary: a 2-core machine runs one devnet at a time.

#![allow(dead_code, unreachable_pub)]

pub mod ports;

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mdn_node::devnet::{Databases, DevnetLayout, DevnetOptions};
use mdn_simex::{FaultSpec, Simex, SimexConfig, SimexHandle};
use mdn_store::Store;
use mdn_testkit::TestDb;
use serde_json::Value;
use tokio::process::{Child, Command};
use tokio::sync::{Mutex, MutexGuard};

/// Now, in ms since the Unix epoch (the protocol's clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The API token every test node is configured with.
pub const TOKEN: &str = "test-token-0123456789";

static ONE_NETWORK_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// How to build a test network.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Validator nodes.
    pub nodes: usize,
    /// The last `byzantine` nodes lie.
    pub byzantine: usize,
    /// PostgreSQL (one fresh database per node) instead of SQLite.
    pub postgres: bool,
    /// Source schedule.
    pub schedule: String,
    /// Symbols simex serves.
    pub symbols: usize,
    /// Simex faults from the start.
    pub faults: Vec<String>,
    /// Scripts directory (every `*.rhai` becomes a source); default the repository's `scripts/`.
    pub scripts_dir: Option<PathBuf>,
    /// Extra environment of every node (`MDNODE_<SECTION>_<KEY>` config overrides).
    pub env: Vec<(String, String)>,
    /// Changes each node's generated config (node index, config) before it starts.
    pub configure: Option<fn(usize, &mut mdn_config::Config)>,
}

impl Default for NetOptions {
    fn default() -> Self {
        Self {
            nodes: 4,
            byzantine: 0,
            postgres: true,
            schedule: "*/2 * * * * *".into(),
            symbols: 12,
            faults: Vec::new(),
            scripts_dir: None,
            env: Vec::new(),
            configure: None,
        }
    }
}

/// A running test network.
pub struct Net {
    _guard: MutexGuard<'static, ()>,
    pub dir: tempfile::TempDir,
    pub simex: Option<SimexHandle>,
    pub layout: DevnetLayout,
    pub procs: Vec<Option<Child>>,
    pub dbs: Vec<TestDb>,
    http: reqwest::Client,
    env: Vec<(String, String)>,
}

impl Net {
    /// Starts simex and every node, and waits until all are connected to each other.
    pub async fn start(opts: NetOptions) -> Net {
        let guard = ONE_NETWORK_AT_A_TIME.lock().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let faults: Vec<FaultSpec> = opts
            .faults
            .iter()
            .map(|f| f.parse().expect("valid fault spec"))
            .collect();
        let simex = Simex::start(SimexConfig {
            symbols: opts.symbols,
            seed: 7,
            faults,
            ..SimexConfig::default()
        })
        .await
        .expect("simex starts");
        let mut dbs = Vec::new();
        let databases = if opts.postgres {
            for _ in 0..opts.nodes {
                dbs.push(TestDb::create().await);
            }
            Databases::PerNode(dbs.iter().map(|d| d.url().to_owned()).collect())
        } else {
            Databases::Sqlite
        };
        let layout = DevnetLayout::prepare(&DevnetOptions {
            dir: dir.path().join("net"),
            nodes: opts.nodes,
            http_port: ports::free_block(opts.nodes),
            p2p_port: ports::free_block(opts.nodes),
            databases,
            byzantine: opts.byzantine,
            simex_url: simex.base_url(),
            schedule: opts.schedule.clone(),
            scripts_dir: opts
                .scripts_dir
                .clone()
                .unwrap_or_else(|| repo_root().join("scripts")),
            network_id: "mdn-test".into(),
            api_token: Some(TOKEN.into()),
        })
        .await
        .expect("devnet layout");
        if let Some(configure) = opts.configure {
            for node in &layout.nodes {
                let mut config = mdn_config::Config::load(&node.config).expect("node config");
                configure(node.index, &mut config);
                let yaml = config.to_yaml().expect("config to YAML");
                std::fs::write(&node.config, yaml).expect("write node config");
            }
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        let mut net = Net {
            _guard: guard,
            dir,
            simex: Some(simex),
            procs: Vec::new(),
            layout,
            dbs,
            http,
            env: opts.env.clone(),
        };
        for i in 0..opts.nodes {
            let child = net.spawn(i);
            net.procs.push(Some(child));
        }
        net.wait_connected(Duration::from_secs(60)).await;
        net
    }

    fn spawn(&self, i: usize) -> Child {
        let node = &self.layout.nodes[i];
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(node.dir.join("node.log"))
            .expect("log file");
        Command::new(env!("CARGO_BIN_EXE_mdnode"))
            .args(["run", "--config"])
            .arg(&node.config)
            .env("MDNODE_LOG", "info,libp2p_gossipsub=error")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn mdnode run")
    }

    /// Starts node `i` again (after a kill or stop).
    pub fn restart(&mut self, i: usize) {
        assert!(self.procs[i].is_none(), "node {i} is still running");
        self.procs[i] = Some(self.spawn(i));
    }

    /// SIGKILL to node `i`.
    pub async fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.procs[i].take() {
            child.kill().await.expect("kill");
        }
    }

    /// SIGTERM to node `i`, then wait for it to exit.
    pub async fn stop(&mut self, i: usize) {
        if let Some(mut child) = self.procs[i].take() {
            if let Some(pid) = child.id() {
                // SAFETY: kill(2) on our own child.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
            }
            let _ = tokio::time::timeout(Duration::from_secs(15), child.wait()).await;
        }
    }

    /// Stops the exchange: sources fail from now on, so no new quotes are proposed.
    pub async fn stop_exchange(&mut self) {
        if let Some(simex) = self.simex.take() {
            simex.stop().await;
        }
    }

    /// The exchange.
    pub fn simex(&self) -> &SimexHandle {
        self.simex.as_ref().expect("simex running")
    }

    /// `GET` a node's API path as JSON (None when the node does not answer).
    pub async fn get(&self, i: usize, path: &str) -> Option<Value> {
        let url = format!("http://127.0.0.1:{}{path}", self.layout.nodes[i].http_port);
        let resp = self.http.get(url).send().await.ok()?;
        resp.json().await.ok()
    }

    /// A counter or gauge from node `i`'s `/metrics` (None when the node does not answer or does
    /// not report it).
    pub async fn metric(&self, i: usize, name: &str) -> Option<f64> {
        let url = format!(
            "http://127.0.0.1:{}/metrics",
            self.layout.nodes[i].http_port
        );
        let text = self.http.get(url).send().await.ok()?.text().await.ok()?;
        text.lines().find_map(|line| {
            let (key, value) = line.split_once(' ')?;
            (key == name).then(|| value.trim().parse().ok()).flatten()
        })
    }

    /// `POST` to a node's API path with an optional bearer token; the status code.
    pub async fn post(&self, i: usize, path: &str, token: Option<&str>) -> u16 {
        let url = format!("http://127.0.0.1:{}{path}", self.layout.nodes[i].http_port);
        let mut req = self.http.post(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
    }

    /// A node's `/api/v1/status`.
    pub async fn status(&self, i: usize) -> Option<Value> {
        self.get(i, "/api/v1/status").await
    }

    /// Opens node `i`'s store directly (PostgreSQL or its SQLite file).
    pub async fn store(&self, i: usize) -> Arc<dyn Store> {
        match &self.layout.nodes[i].database_url {
            Some(url) => Arc::new(
                mdn_store_postgres::PgStore::connect(url)
                    .await
                    .expect("pg store"),
            ),
            None => Arc::new(
                mdn_store_sqlite::SqliteStore::open(self.layout.nodes[i].dir.join("mdnode.sqlite"))
                    .await
                    .expect("sqlite store"),
            ),
        }
    }

    /// Waits until every running node is connected to every other running node.
    pub async fn wait_connected(&self, timeout: Duration) {
        let running: Vec<usize> = (0..self.procs.len())
            .filter(|i| self.procs[*i].is_some())
            .collect();
        let want = running.len() - 1;
        for &i in &running {
            self.wait_for(
                &format!("node {i} connected to {want} peers"),
                timeout,
                || async move {
                    let s = self.status(i).await?;
                    (s["connected_peers"].as_array()?.len() >= want).then_some(())
                },
            )
            .await;
        }
    }

    /// Polls `check` every 250 ms until it yields `Some`, failing the test after `timeout`.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, timeout: Duration, mut check: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = check().await {
                return v;
            }
            if Instant::now() > deadline {
                self.dump_logs();
                panic!("timed out after {timeout:?} waiting for: {what}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// A node's stored decision counts `(validated, rejected, expired)`.
    pub async fn counts(&self, i: usize) -> Option<(u64, u64, u64)> {
        let s = self.status(i).await?;
        let d = &s["decisions"];
        Some((
            d["validated"].as_u64()?,
            d["rejected"].as_u64()?,
            d["expired"].as_u64()?,
        ))
    }

    /// Prints the end of every node log (called on failures).
    pub fn dump_logs(&self) {
        for node in &self.layout.nodes {
            let text = std::fs::read_to_string(node.dir.join("node.log")).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(25).collect();
            eprintln!("---- node {} log (last lines) ----", node.index);
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
        }
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.dump_logs();
        }
    }
}

/// The repository root (this file is in `tests/common`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
