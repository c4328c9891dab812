//! `ward debug`: compare versions and test constraints line by line, for users reporting a
//! mismatch and for tests.
//!
//! Both subcommands read TAB-separated pairs from standard input and print one result line
//! per input line, in order: `-1`/`0`/`1` or `true`/`false`, or `error: …` when a value does
//! not parse. An empty input line gives an empty output line. After the last line the exit
//! code is 0 if every line had a result and 2 if any line was an error, so a script can both
//! read every answer and notice a failure.

use std::io::{self, BufRead, BufWriter, Write};

use anyhow::Context;
use clap::{Args, Subcommand};
use ward_version::constraint::{Constraint, Language};
use ward_version::Scheme;

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;

/// Arguments of `ward debug`.
#[derive(Debug, Args)]
pub struct DebugArgs {
    #[command(subcommand)]
    command: DebugCommand,
}

#[derive(Debug, Subcommand)]
enum DebugCommand {
    /// Compare versions: reads `a<TAB>b` lines on standard input and prints -1, 0 or 1 per
    /// line (a below, equal to or above b), or `error: …`. Exits with 2 if any line was an
    /// error.
    Compare {
        /// Version scheme: dpkg, rpm, apk, semver, npm, maven, nuget, rubygems, packagist,
        /// pub, cran, hackage, generic, and the others `ward` knows.
        #[arg(long, value_parser = parse_scheme)]
        scheme: Scheme,
    },
    /// Test constraints: reads `constraint<TAB>version` lines on standard input and prints
    /// true or false per line, or `error: …`. Exits with 2 if any line was an error.
    Satisfies {
        /// Version scheme of the versions and of the constraint's bounds.
        #[arg(long, value_parser = parse_scheme)]
        scheme: Scheme,
        /// Constraint language: maven-range, npm, cargo, pep440, cpe or comparators.
        /// Default: the scheme's own (maven-range for maven, npm for npm, cargo for semver,
        /// pep440 specifiers with pre-releases included for pep440, comparators such as
        /// `>=1.0, <2.0 || =3.0` for the others).
        #[arg(long, value_parser = parse_language)]
        language: Option<Language>,
    },
}

fn parse_scheme(value: &str) -> Result<Scheme, String> {
    value.parse()
}

fn parse_language(value: &str) -> Result<Language, String> {
    value.parse()
}

/// Runs `ward debug`.
pub fn run(global: &GlobalArgs, args: DebugArgs) -> anyhow::Result<ExitStatus> {
    let _ = global;
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());

    let status = match args.command {
        DebugCommand::Compare { scheme } => {
            process_lines(stdin.lock(), &mut out, |a, b| compare_line(scheme, a, b))?
        }
        DebugCommand::Satisfies { scheme, language } => {
            let language = language.unwrap_or_else(|| Language::for_scheme(scheme));
            process_lines(stdin.lock(), &mut out, |constraint, version| {
                satisfies_line(scheme, language, constraint, version)
            })?
        }
    };
    out.flush().context("cannot write to standard output")?;
    Ok(status)
}

/// Applies `evaluate` to each `first<TAB>second` line and prints its result or error.
fn process_lines(
    input: impl BufRead,
    out: &mut impl Write,
    mut evaluate: impl FnMut(&str, &str) -> Result<String, String>,
) -> anyhow::Result<ExitStatus> {
    let mut any_error = false;
    for (index, line) in input.split(b'\n').enumerate() {
        let line_number = index + 1;
        let bytes = line.context("cannot read standard input")?;
        let result = match std::str::from_utf8(&bytes) {
            Err(_) => Err(format!("line {line_number}: not valid UTF-8")),
            Ok(text) => {
                let text = text.strip_suffix('\r').unwrap_or(text);
                if text.is_empty() {
                    writeln!(out).context("cannot write to standard output")?;
                    continue;
                }
                match text.split_once('\t') {
                    None => Err(format!(
                        "line {line_number}: expected two values separated by a TAB"
                    )),
                    Some((first, second)) => evaluate(first, second),
                }
            }
        };
        match result {
            Ok(answer) => writeln!(out, "{answer}"),
            Err(message) => {
                any_error = true;
                writeln!(out, "error: {message}")
            }
        }
        .context("cannot write to standard output")?;
    }
    Ok(if any_error {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    })
}

fn compare_line(scheme: Scheme, a: &str, b: &str) -> Result<String, String> {
    let order = scheme.compare(a, b).map_err(|error| error.to_string())?;
    Ok((order as i8).to_string())
}

fn satisfies_line(
    scheme: Scheme,
    language: Language,
    constraint: &str,
    version: &str,
) -> Result<String, String> {
    let constraint =
        Constraint::parse(language, scheme, constraint).map_err(|error| error.to_string())?;
    let matches = constraint
        .matches_str(version)
        .map_err(|error| error.to_string())?;
    Ok(matches.to_string())
}
