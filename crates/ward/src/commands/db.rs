//! `ward db`: import, update and inspect the local intel database.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{MultiProgress, ProgressDrawTarget, ProgressStyle};
use ward_intel::import::{self, ImportInput, ImportOptions, ImportReport};
use ward_intel::progress::{Progress, ProgressBar, ProgressUnit};
use ward_intel::update::{self, UpdateOptions};
use ward_intel::{IntelDb, IntelError, SourceInfo};

use crate::cli::GlobalArgs;
use crate::env;
use crate::exit::ExitStatus;
use crate::interrupt;
use crate::output::terminal::escape_controls;
use crate::printer;

/// Number of skipped records, and of files left out, listed one by one; the rest are
/// counted.
const MAX_LISTED_PROBLEMS: usize = 20;

/// Arguments of `ward db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: DbCommand,
}

/// The `ward db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import feed files: OSV all.zip exports or directories of OSV JSON records, the CISA
    /// KEV JSON, FIRST EPSS CSV or CSV.gz, RustSec and PyPA repository zips, Alpine secdb
    /// JSON, NVD CVE API 2.0 pages and feeds, CVE JSON 5 records or zips of them, and
    /// Anchore's NVD overrides tar.gz. Formats are detected by content.
    Import(ImportArgs),
    /// Download the feeds that changed and import them.
    Update(UpdateArgs),
    /// List the imported sources with record counts, snapshot date and age.
    Status(StatusArgs),
}

/// Arguments of `ward db import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories to import, in any mix of formats.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Source name to store the path under, replacing the name derived from the content
    /// (`osv:<Ecosystem>` for an OSV export, `kev`, `epss`). Takes a single PATH; a
    /// directory of records becomes one source.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// Accept an import that replaces a source of 100 or more records with fewer than
    /// half as many (without it, such an import fails and changes nothing).
    #[arg(long)]
    pub allow_shrink: bool,
}

/// Arguments of `ward db update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// OSV ecosystem to download (`Debian`, `PyPI`, `Rocky Linux`); repeat for several.
    ///
    /// Default: the ecosystem of this machine's OS, from /etc/os-release.
    #[arg(long = "ecosystem", value_name = "ECOSYSTEM")]
    pub ecosystems: Vec<String>,

    /// Base URL that replaces every upstream host, for mirrors and tests. Files are read
    /// from `<base>/osv/<Ecosystem>/all.zip`, `<base>/kev/known_exploited_vulnerabilities.json`
    /// and `<base>/epss/epss_scores-current.csv.gz`; Alpine secdb from
    /// `<base>/alpine-secdb/<branch>/<repo>.json` and the NVD API from
    /// `<base>/nvd/rest/json/cves/2.0`.
    #[arg(long, env = env::WARD_FEED_BASE_URL, value_name = "URL")]
    pub base_url: Option<String>,

    /// Skip the CISA KEV catalog.
    #[arg(long)]
    pub no_kev: bool,

    /// Skip the FIRST EPSS scores.
    #[arg(long)]
    pub no_epss: bool,

    /// Sync NVD through its CVE API 2.0: every CVE on the first run (about 15 minutes
    /// without an API key), then only the records modified since the last run.
    ///
    /// Default: on when the database already contains NVD data. An API key in
    /// `WARD_NVD_API_KEY` raises the rate limit from 5 to 50 requests per 30 s.
    #[arg(long, overrides_with = "no_nvd")]
    pub nvd: bool,

    /// Skip NVD even when the database already contains NVD data.
    #[arg(long, overrides_with = "nvd")]
    pub no_nvd: bool,

    /// Alpine branch whose secdb files (main and community) to download (`v3.20`,
    /// `edge`); repeat for several.
    ///
    /// Default: this machine's branch when it runs Alpine, from /etc/os-release.
    #[arg(long = "alpine-branch", value_name = "BRANCH")]
    pub alpine_branches: Vec<String>,
}

/// Arguments of `ward db status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
    pub format: StatusFormat,
}

/// Output formats of `ward db status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// A table for people.
    Table,
    /// JSON for tools.
    Json,
}

/// Runs `ward db`.
pub fn run(global: &GlobalArgs, args: DbArgs) -> anyhow::Result<ExitStatus> {
    interrupt::remove_temp_files_on_signal();
    match args.command {
        DbCommand::Import(args) => run_import(global, args),
        DbCommand::Update(args) => run_update(global, args),
        DbCommand::Status(args) => run_status(global, args),
    }
}

/// Returns the database path: `--db`/`WARD_DB`, else the XDG default.
pub fn db_path(global: &GlobalArgs) -> anyhow::Result<PathBuf> {
    match &global.db {
        Some(path) => Ok(path.clone()),
        None => Ok(IntelDb::default_path()?),
    }
}

/// Opens the intel database, downloading the feeds first when it does not exist yet
/// (the first run of `ward scan`). `ecosystems` are the OSV ecosystems to download.
///
/// A signal during the download or a migration deletes the files being written, as in
/// `ward db update`.
pub fn open_or_download(global: &GlobalArgs, ecosystems: &[String]) -> anyhow::Result<IntelDb> {
    interrupt::remove_temp_files_on_signal();
    let path = db_path(global)?;
    if !path.exists() {
        printer::line(&format!(
            "No intel database at {}; downloading the feeds.",
            path.display()
        ));
        let options = UpdateOptions {
            ecosystems: ecosystems.to_vec(),
            base_url: std::env::var(env::WARD_FEED_BASE_URL)
                .ok()
                .filter(|url| !url.is_empty()),
            ..UpdateOptions::default()
        };
        let progress = TerminalProgress::new(global.quiet);
        let report = update::update(&path, &options, &progress).map_err(update_hint)?;
        report_failures(&report.failures);
    }
    IntelDb::open(&path)
        .with_context(|| format!("cannot open the intel database `{}`", path.display()))
}

fn run_import(global: &GlobalArgs, args: ImportArgs) -> anyhow::Result<ExitStatus> {
    let path = db_path(global)?;
    if let (Some(name), true) = (&args.source, args.paths.len() > 1) {
        // Each input replaces the source of its name, so several inputs under one name
        // would leave only the last one's records.
        return Err(printer::with_hint(
            anyhow::anyhow!(
                "`--source {name}` names one source and takes one PATH, but {} were given",
                args.paths.len()
            ),
            "put the files in one directory and import that, or import each under its own name",
        ));
    }
    let inputs: Vec<ImportInput> = args
        .paths
        .iter()
        .map(|input| ImportInput {
            path: input.clone(),
            source_name: args.source.clone(),
            download: None,
        })
        .collect();

    let progress = TerminalProgress::new(global.quiet);
    let options = ImportOptions {
        allow_shrink: args.allow_shrink,
    };
    let report = import::import_with(&path, &inputs, options, &progress).map_err(|error| {
        let hint = match error {
            IntelError::SourceShrink { .. } => {
                "the database was left unchanged; check that the file is the complete feed, \
                 or pass `--allow-shrink` to replace the source anyway"
            }
            IntelError::InvalidSourceName { .. } => {
                "the database was left unchanged; choose another `--source` name, or leave it \
                 out to name the source after the content"
            }
            IntelError::CreateDatabase { .. } => CREATE_DATABASE_HINT,
            _ => {
                "the database was left unchanged; fix or remove that file and run the import again"
            }
        };
        with_hint(&error, hint)
    })?;
    print_import_report(&report, global.quiet);
    if report.sources.is_empty() {
        let paths: Vec<String> = args
            .paths
            .iter()
            .map(|path| format!("`{}`", path.display()))
            .collect();
        let error = anyhow::anyhow!(
            "nothing was imported from {}: no file held a record ward could store",
            paths.join(", ")
        );
        return Err(printer::with_hint(
            error,
            "the database was left unchanged; the warnings above name each file left out and why",
        ));
    }
    Ok(ExitStatus::Success)
}

fn print_import_report(report: &ImportReport, quiet: bool) {
    for problem in report.problems.iter().take(MAX_LISTED_PROBLEMS) {
        printer::warn_user(&format!("skipped invalid record: {problem}"));
    }
    if report.problems.len() > MAX_LISTED_PROBLEMS {
        printer::warn_user(&format!(
            "{} more invalid records skipped (run with -v to list them)",
            report.problems.len() - MAX_LISTED_PROBLEMS
        ));
    }
    print_left_out(&report.unsupported);
    if quiet {
        return;
    }
    for source in &report.sources {
        printer::line(&format!(
            "Imported {}: {} records, {} skipped, in {:.1} s",
            source.name,
            source.records,
            source.skipped,
            source.elapsed.as_secs_f64()
        ));
    }
}

/// Files in no feed format that are named one per line; above it they share one line.
const LISTED_UNKNOWN_FILES: usize = 3;

/// Warns about the files an import left out. Each file in a feed format gets its own line,
/// and files in no feed format (READMEs, checksum lists) share one when there are more than
/// a few.
fn print_left_out(files: &[import::UnsupportedFile]) {
    let (unknown, known): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|file| file.format == "unknown format" && file.reason.is_none());
    for file in known.iter().take(MAX_LISTED_PROBLEMS) {
        let reason = file
            .reason
            .as_deref()
            .unwrap_or("not a feed format ward imports");
        printer::warn_user(&format!(
            "left out `{}` ({}): {reason}",
            file.path.display(),
            file.format
        ));
    }
    if known.len() > MAX_LISTED_PROBLEMS {
        printer::warn_user(&format!(
            "{} more files left out (run with -v to list them)",
            known.len() - MAX_LISTED_PROBLEMS
        ));
    }
    if unknown.len() <= LISTED_UNKNOWN_FILES {
        for file in &unknown {
            printer::warn_user(&format!(
                "left out `{}` (unknown format): not a feed format ward imports",
                file.path.display()
            ));
        }
        return;
    }
    let names: Vec<String> = unknown
        .iter()
        .take(LISTED_UNKNOWN_FILES)
        .map(|file| {
            file.path
                .file_name()
                .unwrap_or(file.path.as_os_str())
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    printer::warn_user(&format!(
        "left out {} files in no feed format ward imports: {}, … (run with -v to list them)",
        unknown.len(),
        names.join(", ")
    ));
}

fn run_update(global: &GlobalArgs, args: UpdateArgs) -> anyhow::Result<ExitStatus> {
    let path = db_path(global)?;
    let mut ecosystems = args.ecosystems.clone();
    if ecosystems.is_empty() {
        ecosystems = host_ecosystems();
        if ecosystems.is_empty() {
            printer::warn_user("no OSV ecosystem known for this OS; downloading KEV and EPSS only (use --ecosystem)");
        }
    }
    let mut alpine_branches = args.alpine_branches.clone();
    if alpine_branches.is_empty() {
        alpine_branches.extend(host_alpine_branch());
    }
    let nvd = if args.nvd {
        true
    } else if args.no_nvd {
        false
    } else {
        has_nvd_source(&path)
    };
    let options = UpdateOptions {
        ecosystems,
        kev: !args.no_kev,
        epss: !args.no_epss,
        base_url: args.base_url.filter(|url| !url.is_empty()),
        alpine_branches,
        nvd,
        nvd_api_key: std::env::var(env::WARD_NVD_API_KEY)
            .ok()
            .and_then(|key| update::nvd::NvdApiKey::new(&key)),
        ..UpdateOptions::default()
    };

    let progress = TerminalProgress::new(global.quiet);
    let report = update::update(&path, &options, &progress).map_err(update_hint)?;

    if let Some(import) = &report.import {
        print_import_report(import, global.quiet);
    }
    if !global.quiet {
        for source in &report.not_modified {
            printer::line(&format!("Up to date: {source}"));
        }
    }
    if report.failures.is_empty() {
        return Ok(ExitStatus::Success);
    }
    // The error lists every failure, so they are not warned about one by one as well.
    let error = IntelError::Downloads(report.failures);
    if report.import.is_none() || error.is_offline() {
        return Err(update_hint(error));
    }
    Err(with_hint(
        &error,
        "the sources that failed were left as they were, and the others were updated; retry \
         later, or load feed files with `ward db import PATH…`",
    ))
}

fn report_failures(failures: &[IntelError]) {
    for failure in failures {
        printer::warn_user(&format!("{failure}; that source was left as it was"));
    }
}

/// Hint for a database whose working copy could not be created next to it.
const CREATE_DATABASE_HINT: &str = "the database was left unchanged; make its directory \
     writable (and check free space), or choose another location with `--db PATH`";

/// Adds the hint that fits a failed update: `ward db import` when offline, a retry for
/// transient failures, or the fix for an error that no retry cures.
fn update_hint(error: IntelError) -> anyhow::Error {
    let hint = if matches!(error, IntelError::CreateDatabase { .. }) {
        CREATE_DATABASE_HINT
    } else if matches!(error, IntelError::InvalidBaseUrl { .. }) {
        "the database was left unchanged; give an absolute http:// or https:// address"
    } else if error.is_offline() {
        "without network access, download the feed files elsewhere and load them with `ward db import PATH…`"
    } else if is_not_found(&error) {
        "the database was left unchanged; the server has no such file, so check each \
         `--ecosystem` name as OSV spells it (`Debian`, `PyPI`, `crates.io`, `Rocky Linux`) \
         and the base URL"
    } else {
        "the database was left unchanged; retry later, or load feed files with `ward db import PATH…`"
    };
    with_hint(&error, hint)
}

/// Returns whether every failed download got `404 Not Found`, which no retry cures.
fn is_not_found(error: &IntelError) -> bool {
    match error {
        IntelError::HttpStatus { status, .. } => *status == 404,
        IntelError::Downloads(errors) => !errors.is_empty() && errors.iter().all(is_not_found),
        _ => false,
    }
}

/// Converts `error` into an error whose chain is its messages followed by `hint`, so that
/// the printer shows `error:`, `caused by:` lines and then `hint:`.
fn with_hint(error: &(dyn std::error::Error + 'static), hint: &str) -> anyhow::Error {
    let mut messages = Vec::new();
    let mut current = Some(error);
    while let Some(level) = current {
        messages.push(level.to_string());
        current = level.source();
    }
    let mut chained = anyhow::Error::new(printer::Hint(hint.to_owned()));
    for message in messages.into_iter().rev() {
        chained = chained.context(message);
    }
    chained
}

/// Returns the OSV ecosystems of this machine's OS, from `/etc/os-release`.
fn host_ecosystems() -> Vec<String> {
    ["/etc/os-release", "/usr/lib/os-release"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|text| update::ecosystems_for_os_release(&text))
        .unwrap_or_default()
}

fn host_alpine_branch() -> Option<String> {
    ["/etc/os-release", "/usr/lib/os-release"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| update::alpine_branch_for_os_release(&text))
}

/// Returns whether the database contains an `nvd` source, so that NVD, once synced, stays
/// current without `--nvd`. A missing or unreadable database counts as `false`.
fn has_nvd_source(path: &std::path::Path) -> bool {
    IntelDb::open(path)
        .and_then(|db| db.sources())
        .is_ok_and(|sources| {
            sources
                .iter()
                .any(|source| source.name == import::NVD_SOURCE)
        })
}

/// Opens the database for a command that only reads it. When the database is missing or
/// empty, the error carries a hint on how to create it.
pub fn open_existing(path: &std::path::Path) -> anyhow::Result<IntelDb> {
    IntelDb::open(path).map_err(|error| {
        if error.is_no_database() {
            with_hint(
                &error,
                "create it with `ward db update` or `ward db import PATH…`",
            )
        } else {
            error.into()
        }
    })
}

fn run_status(global: &GlobalArgs, args: StatusArgs) -> anyhow::Result<ExitStatus> {
    let path = db_path(global)?;
    let db = open_existing(&path)?;
    let sources = db.sources()?;
    let now = Utc::now();

    match args.format {
        StatusFormat::Json => {
            let rows: Vec<_> = sources
                .iter()
                .map(|source| {
                    let age = update::source_age_days(source, now);
                    serde_json::json!({
                        "name": source.name,
                        "format": source.format,
                        "origin": source.origin,
                        "records": source.record_count,
                        "skipped": source.skipped_count,
                        "snapshot_at": source.snapshot_at,
                        "feed_version": source.feed_version,
                        "imported_at": source.imported_at,
                        "age_days": age,
                        "stale_after_days": update::stale_after_days(&source.format),
                        "stale": update::is_stale(source, now),
                        "etag": source.etag,
                        "last_modified": source.last_modified,
                    })
                })
                .collect();
            let document = serde_json::json!({
                "database": path,
                "sources": rows,
            });
            write_stdout(&(serde_json::to_string_pretty(&document)? + "\n"))?;
        }
        StatusFormat::Table => {
            write_stdout(&escape_controls(&status_table(&path, &sources, now), true))?
        }
    }

    for source in sources
        .iter()
        .filter(|source| update::is_stale(source, now))
    {
        printer::warn_user(&format!(
            "source `{}` is {} days old (stale after {} days); run `ward db update`",
            source.name,
            update::source_age_days(source, now),
            update::stale_after_days(&source.format)
        ));
    }
    Ok(ExitStatus::Success)
}

fn status_table(path: &std::path::Path, sources: &[SourceInfo], now: DateTime<Utc>) -> String {
    let mut out = format!("Database: {}\n", path.display());
    if sources.is_empty() {
        out.push_str("No sources imported.\n");
        return out;
    }
    let header = [
        "SOURCE", "RECORDS", "SKIPPED", "SNAPSHOT", "IMPORTED", "AGE",
    ];
    let rows: Vec<[String; 6]> = sources
        .iter()
        .map(|source| {
            let age = update::source_age_days(source, now);
            let stale = if update::is_stale(source, now) {
                " (stale)"
            } else {
                ""
            };
            // Without a snapshot time or `Last-Modified`, the age counts from the import, so it
            // does not show how old the data itself is.
            let basis = if source.snapshot_at.is_none() && source.last_modified.is_none() {
                " since import"
            } else {
                ""
            };
            [
                source.name.clone(),
                source.record_count.to_string(),
                source.skipped_count.to_string(),
                source.snapshot_at.map_or_else(
                    || "unknown".to_owned(),
                    |time| time.format("%Y-%m-%d").to_string(),
                ),
                source.imported_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                format!("{age} d{basis}{stale}"),
            ]
        })
        .collect();

    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index > 0 {
                text.push_str("  ");
            }
            // Numbers align right, text left.
            if index == 1 || index == 2 {
                text.push_str(&format!("{cell:>width$}"));
            } else {
                text.push_str(&format!("{cell:<width$}"));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    out
}

/// Writes command output to stdout; a closed pipe (`ward … | head`) is not an error.
pub fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;

    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}

/// Progress bars on stderr, shown only on a terminal and without `--quiet`.
pub struct TerminalProgress {
    bars: MultiProgress,
}

impl TerminalProgress {
    /// Creates the bar set; hidden when stderr is not a terminal or `quiet` is set.
    pub fn new(quiet: bool) -> Self {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        TerminalProgress {
            bars: MultiProgress::with_draw_target(target),
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, label: &str, total: Option<u64>, unit: ProgressUnit) -> Box<dyn ProgressBar> {
        let template = match (unit, total.is_some()) {
            (ProgressUnit::Bytes, true) => {
                "{msg:24} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}"
            }
            (ProgressUnit::Bytes, false) => "{msg:24} {spinner} {bytes} {bytes_per_sec}",
            (ProgressUnit::Records, true) => "{msg:24} {bar:30} {pos}/{len} records",
            (ProgressUnit::Records, false) => "{msg:24} {spinner} {pos} records",
        };
        let bar = match total {
            Some(total) => indicatif::ProgressBar::new(total),
            None => indicatif::ProgressBar::new_spinner(),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(short_label(label));
        bar.enable_steady_tick(Duration::from_millis(200));
        Box::new(TerminalBar(self.bars.add(bar)))
    }
}

/// Keeps the end of long labels (paths), where the file name is.
fn short_label(label: &str) -> String {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= 24 {
        return label.to_owned();
    }
    let tail: String = chars[chars.len() - 23..].iter().collect();
    format!("…{tail}")
}

struct TerminalBar(indicatif::ProgressBar);

impl ProgressBar for TerminalBar {
    fn advance(&self, delta: u64) {
        self.0.inc(delta);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> IntelError {
        IntelError::HttpStatus {
            url: "http://127.0.0.1:1/osv/debian/all.zip".to_owned(),
            status: code,
        }
    }

    #[test]
    fn not_found_only_when_every_download_is_404() {
        assert!(is_not_found(&status(404)));
        assert!(is_not_found(&IntelError::Downloads(vec![
            status(404),
            status(404)
        ])));
        assert!(!is_not_found(&IntelError::Downloads(vec![
            status(404),
            status(503)
        ])));
        assert!(!is_not_found(&IntelError::Downloads(Vec::new())));
        assert!(!is_not_found(&status(500)));
    }
}
