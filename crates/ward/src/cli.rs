//! Command-line arguments of every subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::env;

/// Open vulnerability management: inventory, assessment and prioritised fixes.
#[derive(Debug, Parser)]
#[command(name = "ward", version, about, max_term_width = 100)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Intel database file.
    ///
    /// Default: `ward/intel.sqlite` in the XDG data directory
    /// (`$XDG_DATA_HOME`, else `~/.local/share`).
    #[arg(long, global = true, env = env::WARD_DB, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Log more: once for debug, twice for trace. `RUST_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print errors only: no warnings, summaries or progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect this machine's inventory, assess it and print ranked recommendations.
    Scan(crate::commands::scan::ScanArgs),
    /// Collect an inventory and write it as JSON.
    Inventory(crate::commands::inventory::InventoryArgs),
    /// Manage the local vulnerability database.
    Db(crate::commands::db::DbArgs),
    /// Look up vulnerabilities in the local database.
    Vuln(crate::commands::vuln::VulnArgs),
    /// Tools for investigating version comparison and matching.
    Debug(crate::commands::debug::DebugArgs),
}
