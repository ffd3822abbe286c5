//! `mdnode devnet`: one command for a local network. Creates keys and configs under a data
//! directory, starts the simulated exchange and N nodes as child processes (node i serves HTTP on
//! `--http-port + i`), waits until they are connected, prints where to look, and stops everything on
//! Ctrl-C or SIGTERM. Children also die with this process (PR_SET_PDEATHSIG), so none is orphaned.

pub(crate) mod process;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

use self::process::{Child, spawn_logged, wait_for_line};
use crate::commands::shutdown::Shutdown;
use mdn_node::devnet::{Databases, DevnetLayout, DevnetOptions, NodePlan};

/// Arguments of `mdnode devnet`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Number of validator nodes.
    #[arg(long, default_value_t = 4)]
    nodes: usize,
    /// Where keys, configs, logs and SQLite files go.
    #[arg(long, default_value = ".mdnode/devnet")]
    data_dir: PathBuf,
    /// Node i serves HTTP on this port + i.
    #[arg(long, default_value_t = 8080)]
    http_port: u16,
    /// Node i listens for peers on this TCP (and UDP/QUIC) port + i.
    #[arg(long, default_value_t = 4100)]
    p2p_port: u16,
    /// PostgreSQL server URL: each node gets its own database on it (created if missing).
    /// Without it, each node uses embedded SQLite.
    #[arg(long)]
    database_url: Option<String>,
    /// Make the last K nodes lie (manipulated proposals, votes against the truth, equivocation,
    /// replays).
    #[arg(long, default_value_t = 0)]
    byzantine: usize,
    /// Fault injection passed to simex: VENUE[:SYMBOL]=KIND[:VALUE] (repeatable).
    #[arg(long = "fault")]
    faults: Vec<String>,
    /// Symbols simex serves.
    #[arg(long, default_value_t = 50)]
    symbols: usize,
    /// Port of the simulated exchange.
    #[arg(long, default_value_t = 9100)]
    simex_port: u16,
    /// Seed of the simulated market.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Cron schedule of every source.
    #[arg(long, default_value = "*/2 * * * * *")]
    schedule: String,
    /// Directory of the scraper scripts.
    #[arg(long, default_value = "scripts")]
    scripts_dir: PathBuf,
    /// Exit once the network is connected instead of running until a signal (for scripted checks).
    #[arg(long, hide = true)]
    check_only: bool,
}

/// Runs `mdnode devnet`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.nodes >= 1, "--nodes must be at least 1");
    anyhow::ensure!(
        args.byzantine < args.nodes,
        "--byzantine must be smaller than --nodes"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: Args) -> anyhow::Result<()> {
    // Listening from the start: a signal during start-up stops the children already started.
    let mut shutdown = Shutdown::listen()?;
    let exe = std::env::current_exe().context("locating the mdnode binary")?;
    // A fresh token per devnet for operator changes (pause/resume in the UI's settings).
    let api_token = hex::encode(mdn_protocol::generate_signing_key()?.to_bytes())[..32].to_owned();
    let options = DevnetOptions {
        dir: args.data_dir.clone(),
        nodes: args.nodes,
        http_port: args.http_port,
        p2p_port: args.p2p_port,
        databases: match &args.database_url {
            Some(url) => Databases::Server(url.clone()),
            None => Databases::Sqlite,
        },
        byzantine: args.byzantine,
        simex_url: format!("http://127.0.0.1:{}", args.simex_port),
        schedule: args.schedule.clone(),
        scripts_dir: args.scripts_dir.clone(),
        network_id: "mdn-devnet".to_owned(),
        api_token: Some(api_token.clone()),
    };
    // Preparing may create databases on a server that answers slowly: a signal stops it too.
    let layout = tokio::select! {
        layout = DevnetLayout::prepare(&options) => layout?,
        () = shutdown.wait() => {
            println!("stopping devnet");
            return Ok(());
        }
    };
    let mut children: Vec<Child> = Vec::new();

    let started = async {
        let simex_log = layout.dir.join("simex.log");
        let mut simex_args = vec![
            "simex".to_owned(),
            "--port".into(),
            args.simex_port.to_string(),
            "--symbols".into(),
            args.symbols.to_string(),
            "--seed".into(),
            args.seed.to_string(),
        ];
        for f in &args.faults {
            simex_args.push("--fault".into());
            simex_args.push(f.clone());
        }
        // Registered before it is ready, so that a signal meanwhile stops it like the others.
        children.push(spawn_logged(&exe, &simex_args, &simex_log, true)?);
        let simex = children.last_mut().expect("simex was just added");
        let line = wait_for_line(simex, "simex listening on", Duration::from_secs(20))
            .await
            .with_context(|| format!("simex did not start; see {}", simex_log.display()))?;
        println!("{line}");

        for plan in &layout.nodes {
            let log = plan.dir.join("node.log");
            let child = spawn_logged(
                &exe,
                &[
                    "run".to_owned(),
                    "--config".into(),
                    plan.config.display().to_string(),
                ],
                &log,
                false,
            )?;
            children.push(child);
        }
        wait_connected(&layout.nodes, Duration::from_secs(60)).await?;
        print_summary(&args, &layout, &api_token);
        if args.check_only {
            return Ok(());
        }
        let exited = process::any_exited(&mut children).await;
        Err(anyhow::anyhow!("{exited}; stopping the devnet"))
    };
    let result = tokio::select! {
        result = started => result,
        () = shutdown.wait() => {
            println!("stopping devnet");
            Ok(())
        }
    };
    process::stop_all(&mut children, Duration::from_secs(10)).await;
    result
}

pub(crate) async fn wait_connected(nodes: &[NodePlan], timeout: Duration) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
    let deadline = tokio::time::Instant::now() + timeout;
    let want = nodes.len().saturating_sub(1);
    for node in nodes {
        let url = format!("http://127.0.0.1:{}/api/v1/status", node.http_port);
        loop {
            let connected = match client.get(&url).send().await {
                Ok(resp) => resp
                    .json::<serde_json::Value>()
                    .await
                    .ok()
                    .and_then(|v| v["connected_peers"].as_array().map(Vec::len))
                    .unwrap_or(0),
                Err(_) => 0,
            };
            if connected >= want {
                break;
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "node {} is not connected to {want} peers after {timeout:?}; see {}",
                node.index,
                node.dir.join("node.log").display()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    Ok(())
}

fn print_summary(args: &Args, layout: &DevnetLayout, api_token: &str) {
    println!(
        "devnet ready: {} nodes connected (network {})",
        layout.nodes.len(),
        layout.network_id
    );
    for node in &layout.nodes {
        let role = if node.byzantine { "  (byzantine)" } else { "" };
        println!(
            "  node {}  UI http://127.0.0.1:{}/  logs {}{role}",
            node.index,
            node.http_port,
            node.dir.join("node.log").display()
        );
    }
    println!("  simex  http://127.0.0.1:{}/symbols", args.simex_port);
    println!("  API token for changes (UI → Settings): {api_token}");
    println!("Press Ctrl-C to stop.");
}
