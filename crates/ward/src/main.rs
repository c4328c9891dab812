//! The `ward` command-line tool.

use std::process::ExitCode;

use clap::Parser;

mod allocator;
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
    allocator::init();
    let cli = Cli::parse();
    if is_bulk_work(&cli.command) {
        allocator::keep_freed_memory_briefly();
    }
    logging::init(cli.global.verbose, cli.global.quiet);
    printer::set_quiet(cli.global.quiet);

    match run(cli) {
        Ok(status) => status.into(),
        Err(error) => {
            printer::print_error(&error);
            ExitStatus::Error.into()
        }
    }
}

/// Returns whether the command imports feeds, where memory is freed and taken again at a
/// high rate. `scan` imports too on its first run, but its scan is the part to keep small.
fn is_bulk_work(command: &Command) -> bool {
    use commands::db::DbCommand;
    matches!(
        command,
        Command::Db(args) if matches!(args.command, DbCommand::Import(_) | DbCommand::Update(_))
    )
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
