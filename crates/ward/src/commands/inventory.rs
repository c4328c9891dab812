//! `ward inventory`.

use clap::Args;

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;

/// Arguments of `ward inventory`.
#[derive(Debug, Args)]
pub struct InventoryArgs {}

/// Runs `ward inventory`.
pub fn run(global: &GlobalArgs, args: InventoryArgs) -> anyhow::Result<ExitStatus> {
    let _ = (global, args);
    anyhow::bail!("`ward inventory` is not implemented yet")
}
