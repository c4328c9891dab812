//! The `ward` command-line tool.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod env;
mod exit;
mod interrupt;
mod logging;
mod output;
mod printer;

use cli::{Cli, Command};
use exit::ExitStatus;

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.global.verbose, cli.global.quiet);

    match run(cli) {
        Ok(status) => status.into(),
        Err(error) => {
            printer::print_error(&error);
            ExitStatus::Error.into()
        }
    }
}

/// Runs one subcommand and returns the exit status it chose.
fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Scan(args) => commands::scan::run(&cli.global, args),
        Command::Inventory(args) => commands::inventory::run(&cli.global, args),
        Command::Db(args) => commands::db::run(&cli.global, args),
        Command::Vuln(args) => commands::vuln::run(&cli.global, args),
        Command::Debug(args) => commands::debug::run(&cli.global, args),
    }
}
