//! `mdnode devnet`.

/// Arguments of `mdnode devnet`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `mdnode devnet`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode devnet` is not available in this build yet")
}
