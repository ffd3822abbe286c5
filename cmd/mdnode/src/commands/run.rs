//! `mdnode run --config FILE`: one validator node until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::commands::shutdown::Shutdown;

/// Arguments of `mdnode run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The node's YAML config (see config/node.example.yaml).
    #[arg(long, short, env = "MDNODE_CONFIG", default_value = "config/node.yaml")]
    config: PathBuf,
}

/// Runs `mdnode run`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let config = mdn_config::Config::load(&args.config)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("loading config {}", args.config.display()))?;
    let worker_threads = config.node.worker_threads;
    let system = actix::System::with_tokio_rt(move || {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        if let Some(n) = worker_threads {
            builder.worker_threads(n);
        }
        builder
            .enable_all()
            .thread_name("mdnode")
            .build()
            .expect("building the tokio runtime")
    });
    system.block_on(async move {
        let mut shutdown = Shutdown::listen()?;
        // A signal while starting (e.g. waiting for an unreachable database) stops it there.
        let node = tokio::select! {
            node = mdn_node::Node::start(config) => node?,
            () = shutdown.wait() => {
                tracing::info!("stopped while starting");
                actix::System::current().stop();
                return Ok(());
            }
        };
        println!("mdnode listening on http://{}", node.api_addr);
        shutdown.wait().await;
        tracing::info!("shutting down");
        node.stop().await;
        actix::System::current().stop();
        Ok(())
    })
}
