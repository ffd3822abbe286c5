//! `mdnode`: the P2P Market Data validator node and its tools.
//!
//! Each subcommand lives in its own module under `commands/` with its own clap arguments and a
//! `run` function; this file only parses the command line, sets up logging and dispatches.

mod commands;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: the node allocates and frees many small objects per
/// quote (votes, certificate entries, decisions) and scripts free large response bodies every run;
/// glibc's malloc spent ~13% of a loaded node's CPU on it (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// P2P Market Data validator node.
#[derive(Debug, Parser)]
#[command(name = "mdnode", version, about, long_about = None)]
struct Cli {
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `mdn_network=debug`.
    #[arg(long, global = true, env = "MDNODE_LOG", default_value = "info")]
    log: String,
    /// The subcommand.
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a validator node.
    Run(commands::run::Args),
    /// Start a local network: the simulated exchange plus N nodes as child processes.
    Devnet(commands::devnet::Args),
    /// Serve the simulated exchange (real venues' public ticker formats, fault injection).
    Simex(commands::simex::Args),
    /// Create and inspect node keys.
    #[command(subcommand)]
    Keys(commands::keys::Command),
    /// Check, run, list, publish and install scraper scripts.
    #[command(subcommand)]
    Scripts(commands::scripts::Command),
    /// Re-check a stored or exported decision's certificate offline.
    Verify(commands::verify::Args),
    /// Apply the database migrations to a PostgreSQL database.
    Migrate(commands::migrate::Args),
    /// Load run against a local devnet: throughput and latency percentiles.
    Bench(commands::bench::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.log);
    let result = match cli.command {
        Command::Run(args) => commands::run::run(args),
        Command::Devnet(args) => commands::devnet::run(args),
        Command::Simex(args) => commands::simex::run(args),
        Command::Keys(cmd) => commands::keys::run(cmd),
        Command::Scripts(cmd) => commands::scripts::run(cmd),
        Command::Verify(args) => commands::verify::run(args),
        Command::Migrate(args) => commands::migrate::run(args),
        Command::Bench(args) => commands::bench::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr so that command output on stdout stays machine-readable.
fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
