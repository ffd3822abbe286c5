//! `mdnode bench`.

/// Arguments of `mdnode bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `mdnode bench`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode bench` is not available in this build yet")
}
