//! `ward db`.

use clap::Args;

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;

/// Arguments of `ward db`.
#[derive(Debug, Args)]
pub struct DbArgs {}

/// Runs `ward db`.
pub fn run(global: &GlobalArgs, args: DbArgs) -> anyhow::Result<ExitStatus> {
    let _ = (global, args);
    anyhow::bail!("`ward db` is not implemented yet")
}
