//! `mdnode run`.

/// Arguments of `mdnode run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

/// Runs `mdnode run`.
pub(crate) fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`mdnode run` is not available in this build yet")
}
