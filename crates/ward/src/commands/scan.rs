//! `ward scan`.

use clap::Args;

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;

/// Arguments of `ward scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {}

/// Runs `ward scan`.
pub fn run(global: &GlobalArgs, args: ScanArgs) -> anyhow::Result<ExitStatus> {
    let _ = (global, args);
    anyhow::bail!("`ward scan` is not implemented yet")
}
