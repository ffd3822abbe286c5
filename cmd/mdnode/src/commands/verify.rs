//! `mdnode verify`.

/// Arguments of `mdnode verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `mdnode verify`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode verify` is not available in this build yet")
}
