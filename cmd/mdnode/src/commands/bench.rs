//! `mdnode bench`: a load run on a local devnet. Starts the simulated exchange and N nodes (as
//! `mdnode devnet` does) with every venue script on every node on a fast schedule, lets it warm up,
//! then measures over a window: validated quotes per second, proposal → commit latency percentiles
//! (from the nodes' own histograms, diffed over the window), the CPU time the nodes and the
//! simulated exchange used in the window (and the nodes' CPU per validated quote, a figure that
//! varies less between runs than throughput near capacity) and each node's resident memory.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use mdn_node::devnet::{Databases, DevnetLayout, DevnetOptions, drop_database};
use mdn_node::latency::{BOUNDS_MS, quantile};
use serde_json::Value;

use super::devnet::process::{Child, spawn_logged, stop_all, wait_for_line};
use super::devnet::wait_connected;

/// Arguments of `mdnode bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Validator nodes.
    #[arg(long, default_value_t = 4)]
    nodes: usize,
    /// Symbols the simulated exchange serves (load grows with nodes × venues × symbols).
    #[arg(long, default_value_t = 200)]
    symbols: usize,
    /// Cron schedule of every source.
    #[arg(long, default_value = "* * * * * *")]
    schedule: String,
    /// Seconds before measuring.
    #[arg(long, default_value_t = 10)]
    warmup_secs: u64,
    /// Seconds measured.
    #[arg(long, default_value_t = 30)]
    duration_secs: u64,
    /// PostgreSQL server URL (one database per node, dropped at the end unless --data-dir is
    /// given); SQLite without it.
    #[arg(long)]
    database_url: Option<String>,
    /// Where keys, configs and logs go (default: a fresh temporary directory).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Directory of the scraper scripts.
    #[arg(long, default_value = "scripts")]
    scripts_dir: PathBuf,
    /// First HTTP port (node i: +i).
    #[arg(long, default_value_t = 18080)]
    http_port: u16,
    /// First libp2p port (node i: +i).
    #[arg(long, default_value_t = 14100)]
    p2p_port: u16,
    /// Port of the simulated exchange.
    #[arg(long, default_value_t = 19100)]
    simex_port: u16,
}

/// Runs `mdnode bench`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: Args) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let temp = tempfile::tempdir()?;
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| temp.path().to_owned());
    let layout = DevnetLayout::prepare(&DevnetOptions {
        dir,
        nodes: args.nodes,
        http_port: args.http_port,
        p2p_port: args.p2p_port,
        databases: args
            .database_url
            .clone()
            .map_or(Databases::Sqlite, Databases::Server),
        byzantine: 0,
        simex_url: format!("http://127.0.0.1:{}", args.simex_port),
        schedule: args.schedule.clone(),
        scripts_dir: args.scripts_dir.clone(),
        network_id: "mdn-bench".into(),
        api_token: None,
    })
    .await?;
    let mut children: Vec<Child> = Vec::new();
    let result = measure(&exe, &args, &layout, &mut children).await;
    stop_all(&mut children, Duration::from_secs(10)).await;
    if let (Some(url), None) = (&args.database_url, &args.data_dir) {
        // Keys lived in a temporary directory: nothing can use these databases again.
        for name in layout
            .nodes
            .iter()
            .filter_map(|n| n.server_database.as_ref())
        {
            if let Err(e) = drop_database(url, name).await {
                eprintln!("warning: could not drop bench database {name}: {e:#}");
            }
        }
    }
    result
}

async fn measure(
    exe: &std::path::Path,
    args: &Args,
    layout: &DevnetLayout,
    children: &mut Vec<Child>,
) -> anyhow::Result<()> {
    let simex_args: Vec<String> = [
        "simex",
        "--port",
        &args.simex_port.to_string(),
        "--symbols",
        &args.symbols.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut simex = spawn_logged(exe, &simex_args, &layout.dir.join("simex.log"), true)?;
    wait_for_line(&mut simex, "simex listening on", Duration::from_secs(20)).await?;
    children.push(simex);
    for node in &layout.nodes {
        let cmd = [
            "run".to_owned(),
            "--config".into(),
            node.config.display().to_string(),
        ];
        children.push(spawn_logged(exe, &cmd, &node.dir.join("node.log"), false)?);
    }
    wait_connected(&layout.nodes, Duration::from_secs(60)).await?;
    eprintln!(
        "bench: {} nodes connected; warming up {} s",
        layout.nodes.len(),
        args.warmup_secs
    );
    tokio::time::sleep(Duration::from_secs(args.warmup_secs)).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    let pids: Vec<Option<u32>> = children.iter().map(|c| c.process.id()).collect();
    let cpu_before: Vec<f64> = pids.iter().map(|p| cpu_secs(*p)).collect();
    let before = snapshot(&client, layout).await?;
    let started = std::time::Instant::now();
    eprintln!("bench: measuring {} s", args.duration_secs);
    tokio::time::sleep(Duration::from_secs(args.duration_secs)).await;
    let after = snapshot(&client, layout).await?;
    let secs = started.elapsed().as_secs_f64();
    let cpu: Vec<f64> = pids
        .iter()
        .zip(&cpu_before)
        .map(|(p, b)| cpu_secs(*p) - b)
        .collect();

    let empty = Histogram {
        counts: vec![0; after[0].latency.counts.len()],
        sum_ms: 0,
    };
    let mut merged = empty.clone();
    let mut stages = vec![empty; STAGES.len()];
    let mut rates = Vec::new();
    let (mut rejected, mut expired, mut shed) = (0, 0, 0);
    for (b, a) in before.iter().zip(&after) {
        rates.push((a.validated - b.validated) as f64 / secs);
        rejected += a.rejected - b.rejected;
        expired += a.expired - b.expired;
        shed += a.store_shed - b.store_shed;
        merged.add_window(&b.latency, &a.latency);
        for (stage, (x, y)) in stages.iter_mut().zip(b.stages.iter().zip(&a.stages)) {
            stage.add_window(x, y);
        }
    }
    let rss: Vec<u64> = children[1..]
        .iter()
        .map(|c| rss_kib(c.process.id()))
        .collect();
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    let min = rates.iter().copied().fold(f64::INFINITY, f64::min);
    let pct_of = |counts: &[u64], q| match quantile(counts, q) {
        None => "n/a".to_owned(),
        // The last bucket has no upper bound.
        Some(u64::MAX) => format!(">{} ms", BOUNDS_MS.last().copied().unwrap_or(0)),
        Some(v) => format!("≤{v} ms"),
    };
    let pct = |q| pct_of(&merged.counts, q);
    println!(
        "nodes {}  symbols {}  schedule {:?}  window {:.1} s",
        layout.nodes.len(),
        args.symbols,
        args.schedule,
        secs
    );
    println!("validated quotes/s per node: mean {mean:.0}, min {min:.0}");
    println!("rejected in window (all nodes): {rejected}");
    println!("expired in window (all nodes): {expired}");
    if shed > 0 {
        println!("dropped unstored, the store behind (all nodes): {shed}");
    }
    println!(
        "latency proposal→commit: p50 {}  p90 {}  p99 {}  mean {}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        merged.mean()
    );
    for (name, h) in STAGES.iter().zip(&stages) {
        println!(
            "  proposal→{name}: p50 {}  p90 {}  p99 {}  mean {}",
            pct_of(&h.counts, 0.5),
            pct_of(&h.counts, 0.9),
            pct_of(&h.counts, 0.99),
            h.mean()
        );
    }
    let node_cpu: f64 = cpu[1..].iter().sum();
    let validated: f64 = rates.iter().sum::<f64>() * secs;
    println!(
        "CPU in window: nodes {:.2} cores ({:.1} µs per validated quote per node), simex {:.2} cores",
        node_cpu / secs,
        if validated > 0.0 {
            node_cpu / validated * 1e6
        } else {
            f64::NAN
        },
        cpu[0] / secs
    );
    println!(
        "node RSS (MiB): {}",
        rss.iter()
            .map(|k| format!("{:.0}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(())
}

/// The stages of the decision latency in `/api/v1/status`'s `stage_latency`, in pipeline order.
const STAGES: [&str; 3] = ["received", "voted", "decided"];

struct Snapshot {
    validated: u64,
    rejected: u64,
    expired: u64,
    store_shed: u64,
    latency: Histogram,
    /// One histogram per [`STAGES`] entry.
    stages: Vec<Histogram>,
}

/// A latency histogram of `/api/v1/status`: counts per bucket and the sum in ms.
#[derive(Clone)]
struct Histogram {
    counts: Vec<u64>,
    sum_ms: u64,
}

impl Histogram {
    fn read(v: &Value, what: &str) -> anyhow::Result<Self> {
        Ok(Self {
            counts: v["counts"]
                .as_array()
                .with_context(|| format!("{what}.counts"))?
                .iter()
                .map(|x| x.as_u64().unwrap_or(0))
                .collect(),
            sum_ms: v["sum_ms"]
                .as_u64()
                .with_context(|| format!("{what}.sum_ms"))?,
        })
    }

    /// Adds what `after` gained since `before`.
    fn add_window(&mut self, before: &Self, after: &Self) {
        for (s, (b, a)) in self
            .counts
            .iter_mut()
            .zip(before.counts.iter().zip(&after.counts))
        {
            *s += a.saturating_sub(*b);
        }
        self.sum_ms += after.sum_ms.saturating_sub(before.sum_ms);
    }

    fn mean(&self) -> String {
        let n: u64 = self.counts.iter().sum();
        if n == 0 {
            return "n/a".to_owned();
        }
        format!("{:.0} ms", self.sum_ms as f64 / n as f64)
    }
}

async fn snapshot(
    client: &reqwest::Client,
    layout: &DevnetLayout,
) -> anyhow::Result<Vec<Snapshot>> {
    let mut out = Vec::new();
    for node in &layout.nodes {
        let url = format!("http://127.0.0.1:{}/api/v1/status", node.http_port);
        let v: Value = client.get(&url).send().await?.json().await?;
        let c = &v["counters"];
        out.push(Snapshot {
            validated: c["validated"].as_u64().context("counters.validated")?,
            rejected: c["rejected"].as_u64().context("counters.rejected")?,
            expired: c["expired"].as_u64().context("counters.expired")?,
            store_shed: c["store_shed"].as_u64().context("counters.store_shed")?,
            latency: Histogram::read(&v["latency"], "latency")?,
            stages: STAGES
                .iter()
                .map(|s| Histogram::read(&v["stage_latency"][s], s))
                .collect::<anyhow::Result<_>>()?,
        });
    }
    Ok(out)
}

/// CPU time (user + system) a process has used so far, in seconds (0 if unknown).
fn cpu_secs(pid: Option<u32>) -> f64 {
    let Some(pid) = pid else { return 0.0 };
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces, so split after its closing
    // parenthesis): state is field 3, utime and stime are fields 14 and 15 (proc(5)).
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // SAFETY: sysconf only reads a system constant.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if per_sec <= 0 {
        return 0.0;
    }
    (ticks(11) + ticks(12)) as f64 / per_sec as f64
}

/// Resident memory of a process in KiB (0 if unknown).
fn rss_kib(pid: Option<u32>) -> u64 {
    let Some(pid) = pid else { return 0 };
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
