//! `ward debug`.

use clap::Args;

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;

/// Arguments of `ward debug`.
#[derive(Debug, Args)]
pub struct DebugArgs {}

/// Runs `ward debug`.
pub fn run(global: &GlobalArgs, args: DebugArgs) -> anyhow::Result<ExitStatus> {
    let _ = (global, args);
    anyhow::bail!("`ward debug` is not implemented yet")
}
