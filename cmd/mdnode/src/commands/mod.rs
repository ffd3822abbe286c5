//! One module per `mdnode` subcommand.

pub(crate) mod bench;
pub(crate) mod devnet;
pub(crate) mod keys;
pub(crate) mod migrate;
pub(crate) mod run;
pub(crate) mod scripts;
pub(crate) mod scripts_remote;
pub(crate) mod shutdown;
pub(crate) mod simex;
pub(crate) mod verify;
