//! `ward scan`: collect (or read) an inventory, assess it against the intel database and
//! print ranked recommendations.
//!
//! Exit codes: 0 when the scan completed and nothing met `--fail-on`; 1 when an affected
//! finding met `--fail-on`; 2 on error. A missing vulnerability database, an empty
//! inventory, or a namespace of the inventory the database has no advisory data for, is
//! not an error without
//! `--fail-on`: the scan prints what it could with a warning and exits with 0. With
//! `--fail-on` it exits with 2, because the threshold could not be checked for every row.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use ward_intel::{update, Advisory, EpssScore, Intel, IntelDb, IntelError, KevEntry, SourceInfo};
use ward_inventory::{collect, CollectOptions, DiagnosticLevel, Inventory, SCHEMA_VERSION};
use ward_risk::FailThreshold;

use crate::cli::GlobalArgs;
use crate::exit::ExitStatus;
use crate::output::table::{self, TableOptions};
use crate::output::{
    DatabaseSummary, FailOnSummary, InventoryOrigin, InventorySummary, ScanReport, Summary,
    SCAN_SCHEMA_VERSION,
};
use crate::printer;

/// Arguments of `ward scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directory to collect below instead of `/`: a mounted image, a container's root
    /// filesystem or a fixture tree.
    ///
    /// Cannot be combined with `--inventory`.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "/",
        conflicts_with = "inventory"
    )]
    pub root: PathBuf,

    /// Assess an inventory saved by `ward inventory` instead of collecting one.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,

    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit with status 1 when an affected finding is at or above this severity.
    ///
    /// A known exploited vulnerability (CISA KEV) meets every threshold. A finding without a
    /// CVSS score meets only `any`. Unknown findings never do. Without a database, or when
    /// the database has no advisory data for a namespace of the inventory, the scan exits
    /// with status 2, since the threshold cannot be checked for every package.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Never download the feeds, even when the intel database does not exist yet.
    #[arg(long)]
    pub offline: bool,

    /// When to colour the table: `auto` colours on a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// List at most this many recommendations in the table. Default: all of them. The JSON
    /// output always lists all.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Options of the language-package walk.
    #[command(flatten)]
    pub walk: WalkArgs,
}

/// Options of the filesystem walk that finds language packages, shared by `ward scan` and
/// `ward inventory`.
#[derive(Debug, Clone, Default, Args)]
pub struct WalkArgs {
    /// Skip paths matching this glob in the language-package walk; repeatable.
    ///
    /// Matched against the path below the collection root, written with a leading `/`
    /// (`/home/*/.cache`, `**/node_modules/.cache`); a matching directory is not entered.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Stay on the collection root's filesystem in the walk, like `find -xdev`.
    ///
    /// Network and pseudo filesystems (NFS, CIFS, proc, tmpfs…) are skipped even without it.
    #[arg(long)]
    pub same_filesystem: bool,

    /// Walk the filesystem for language packages (Python, Node, lockfiles, Go and Rust
    /// binaries, jars). This is the default.
    #[arg(long, overrides_with = "no_walk")]
    pub walk: bool,

    /// Do not walk the filesystem: collect OS packages and applications only, which is much
    /// faster on a large filesystem.
    #[arg(long, overrides_with = "walk")]
    pub no_walk: bool,
}

impl WalkArgs {
    /// Returns collection options for `root` with these walk settings.
    pub fn collect_options(&self, root: &Path) -> CollectOptions {
        let mut options = CollectOptions::new(root);
        options.walk.enabled = !self.no_walk;
        options.walk.excludes = self.excludes.clone();
        options.walk.same_filesystem = self.same_filesystem;
        options
    }
}

/// Output formats of `ward scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// The JSON document described in `docs/scan-json.md`.
    Json,
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// CVSS critical, or known exploited.
    Critical,
    /// CVSS high or above, or known exploited.
    High,
    /// CVSS medium or above, or known exploited.
    Medium,
    /// CVSS low or above, or known exploited.
    Low,
    /// Any affected finding, with or without a score.
    Any,
}

impl From<FailOn> for FailThreshold {
    fn from(value: FailOn) -> Self {
        match value {
            FailOn::Critical => FailThreshold::Critical,
            FailOn::High => FailThreshold::High,
            FailOn::Medium => FailThreshold::Medium,
            FailOn::Low => FailThreshold::Low,
            FailOn::Any => FailThreshold::Any,
        }
    }
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always colour, even with `NO_COLOR` set.
    Always,
    /// Never colour.
    Never,
}

/// Runs `ward scan`.
pub fn run(global: &GlobalArgs, args: ScanArgs) -> anyhow::Result<ExitStatus> {
    let mut warnings: Vec<String> = Vec::new();

    let (inventory, origin) = load_inventory(&args)?;
    let inventory_warnings = inventory
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.level >= DiagnosticLevel::Warning)
        .count();
    if inventory_warnings > 0 {
        warnings.push(format!(
            "the inventory records {inventory_warnings} collection problem(s); see `inventory.diagnostics` in `--format json`"
        ));
    }

    let database_path = match &global.db {
        Some(path) => path.clone(),
        None => IntelDb::default_path().context("cannot choose the intel database location")?,
    };
    let database = open_database(&database_path, &inventory, &args, global, &mut warnings)?;

    let intel: &dyn Intel = match &database {
        Some(db) => db,
        None => &NoDatabase,
    };
    let assessment = ward_assess::assess(&inventory, intel);
    if let Some(db) = &database {
        warn_assessment(&assessment, &mut warnings);
        warn_missing_feeds(db, &inventory, &assessment, &mut warnings)?;
        warn_stale_sources(db, &inventory, &mut warnings)?;
    }
    let report = ward_risk::prioritize(assessment, intel);

    let unknown = report.stats.unknown;
    if unknown > 0 {
        warnings.push(format!(
            "{unknown} vulnerability record group(s) could not be evaluated and are reported as unknown; see `diagnostics` in `--format json`"
        ));
    }

    let fail_on = args.fail_on.map(|fail_on| {
        let threshold = FailThreshold::from(fail_on);
        let findings_at_or_above = report
            .findings
            .iter()
            .filter(|prioritized| prioritized.finding.status != ward_assess::FindingStatus::Unknown)
            .filter(|prioritized| threshold.is_met_by(&prioritized.priority))
            .count();
        FailOnSummary {
            threshold,
            findings_at_or_above,
        }
    });

    let summary = Summary::of(&report);
    let scan = ScanReport {
        schema_version: SCAN_SCHEMA_VERSION,
        ward_version: env!("CARGO_PKG_VERSION"),
        scanned_at: chrono::Utc::now(),
        device: inventory.device.clone(),
        inventory: InventorySummary {
            origin,
            collected_at: inventory.collected_at,
            software_count: inventory.software.len(),
            ecosystems: count_ecosystems(&inventory),
            diagnostics: inventory.diagnostics.clone(),
        },
        database: DatabaseSummary {
            path: database_path.display().to_string(),
            available: database.is_some(),
            sources: match &database {
                Some(db) => db
                    .sources()
                    .context("cannot list the intel database's sources")?,
                None => Vec::new(),
            },
        },
        summary,
        recommendations: report.recommendations,
        findings: report.findings,
        not_assessed: report.not_assessed,
        diagnostics: report.diagnostics,
        warnings: warnings.clone(),
        fail_on,
    };

    print_report(&scan, &args)?;
    if !global.quiet {
        for warning in &warnings {
            printer::warn_user(warning);
        }
        if !scan.database.available {
            printer::line(&format!("hint: {MISSING_DATABASE_HINT}"));
        }
    }

    Ok(exit_status(&scan))
}

/// How to get vulnerability data, printed when the database is missing.
const MISSING_DATABASE_HINT: &str = "import the feeds with `ward db import <OSV all.zip…> \
     <known_exploited_vulnerabilities.json> <epss_scores.csv.gz>`, or download them with \
     `ward db update`";

/// The intel source used when no database could be opened: it has no advisories and says
/// so for every namespace, so that every row is counted as not assessed.
struct NoDatabase;

impl Intel for NoDatabase {
    fn advisories_for(&self, _: &str, _: &str) -> Result<Vec<Advisory>, IntelError> {
        Ok(Vec::new())
    }

    fn kev(&self, _: &str) -> Result<Option<KevEntry>, IntelError> {
        Ok(None)
    }

    fn epss(&self, _: &str) -> Result<Option<EpssScore>, IntelError> {
        Ok(None)
    }

    fn has_ecosystem(&self, _: &str) -> Result<Option<bool>, IntelError> {
        Ok(Some(false))
    }
}

/// Chooses the exit status per the module's rules.
fn exit_status(scan: &ScanReport) -> ExitStatus {
    let Some(fail_on) = &scan.fail_on else {
        return ExitStatus::Success;
    };
    let some_rows_unassessed = !scan.summary.stats.software_without_advisory_data.is_empty();
    // An empty inventory (a wrong `--root`, an unreadable package database) proves nothing.
    let nothing_found = scan.inventory.software_count == 0;
    if !scan.database.available || some_rows_unassessed || nothing_found {
        return ExitStatus::Error;
    }
    if fail_on.findings_at_or_above > 0 {
        ExitStatus::FindingsAboveThreshold
    } else {
        ExitStatus::Success
    }
}

/// Collects the inventory below `--root`, or reads the `--inventory` file.
fn load_inventory(args: &ScanArgs) -> anyhow::Result<(Inventory, InventoryOrigin)> {
    if let Some(path) = &args.inventory {
        let inventory = read_inventory(path)?;
        let origin = InventoryOrigin::File {
            path: path.display().to_string(),
        };
        return Ok((inventory, origin));
    }

    let root = args.root.clone();
    let metadata = std::fs::metadata(&root)
        .with_context(|| format!("cannot read the collection root `{}`", root.display()))?;
    if !metadata.is_dir() {
        anyhow::bail!(
            "the collection root `{}` is not a directory",
            root.display()
        );
    }
    let inventory = collect(&args.walk.collect_options(&root));
    let origin = InventoryOrigin::Collected {
        root: root.display().to_string(),
    };
    Ok((inventory, origin))
}

/// Reads an inventory file, checking its `schema_version` before the rest so that a newer
/// document gets a clear message instead of a field error. Errors name the file and, for
/// JSON and field errors, the line and column that serde_json reports.
fn read_inventory(path: &Path) -> anyhow::Result<Inventory> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the inventory file `{}`", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "the inventory file `{}` is not valid JSON: {error}",
            path.display()
        )
    })?;

    let version = value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64);
    match version {
        None => anyhow::bail!(
            "the inventory file `{}` has no numeric `schema_version`; write it with `ward inventory`",
            path.display()
        ),
        Some(version) if version > u64::from(SCHEMA_VERSION) => anyhow::bail!(
            "the inventory file `{}` has schema_version {version}, newer than the {SCHEMA_VERSION} this ward reads; upgrade ward",
            path.display()
        ),
        Some(_) => {}
    }
    // The inventory document requires `software`. Its Rust type defaults the field to empty,
    // which would turn a truncated or foreign file into a scan of nothing.
    if value.get("software").is_none() {
        anyhow::bail!(
            "the inventory file `{}` is missing the required field `software`; write it with `ward inventory`",
            path.display()
        );
    }

    // Parsed from the text again, not from `value`, so that errors carry a line and column.
    serde_json::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "the inventory file `{}` is not a valid inventory: {error}",
            path.display()
        )
    })
}

/// Opens the intel database; when it does not exist, downloads the feeds for the
/// inventory's ecosystems (unless offline). Returns `None`, with a warning, when no data
/// can be had.
fn open_database(
    path: &Path,
    inventory: &Inventory,
    args: &ScanArgs,
    global: &GlobalArgs,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Option<IntelDb>> {
    match IntelDb::open(path) {
        Ok(db) => return Ok(Some(db)),
        Err(error) if error.is_no_database() => {}
        Err(error @ IntelError::NotADatabase { .. }) => {
            return Err(printer::with_hint(
                anyhow::Error::new(error),
                "pass the intel database with `--db`, or a new path where `ward scan` downloads one",
            ));
        }
        Err(error) => {
            return Err(anyhow::Error::new(error))
                .context("cannot open the intel database")
                .map_err(|error| {
                    printer::with_hint(
                        error,
                        "rebuild it with `ward db import …` or `ward db update`, or choose another file with `--db`",
                    )
                });
        }
    }

    if args.offline {
        warnings.push(format!(
            "the intel database `{}` holds no data and `--offline` forbids downloading it, so no package was matched against advisories",
            path.display()
        ));
        return Ok(None);
    }

    let ecosystems: Vec<String> = count_ecosystems(inventory)
        .into_keys()
        .filter(|ecosystem| ecosystem != NO_ECOSYSTEM)
        .collect();
    match crate::commands::db::open_or_download(global, &ecosystems) {
        Ok(db) => Ok(Some(db)),
        Err(error) => {
            warnings.push(format!(
                "the intel database `{}` does not exist and downloading the feeds failed ({}), so no package was matched against advisories",
                path.display(),
                error_chain(&error)
            ));
            Ok(None)
        }
    }
}

/// Passes on to the user the assessment's device-level warnings: namespaces without advisory
/// data and packages set aside as third-party builds.
fn warn_assessment(assessment: &ward_assess::Assessment, warnings: &mut Vec<String>) {
    for diagnostic in &assessment.diagnostics {
        let is_device_level = diagnostic.package.is_none() && diagnostic.record_id.is_none();
        if is_device_level && diagnostic.level >= DiagnosticLevel::Warning {
            warnings.push(diagnostic.message.clone());
        }
    }
}

/// Warns about namespaces that have some advisories but no feed of their own.
///
/// An OSV export carries a few records of other ecosystems (the PyPI export lists some Go
/// and npm packages), so a language namespace can pass the no-advisory-data check with a
/// handful of stray records. Sources are named after their feed (`osv:Go`, `pypa`,
/// `rustsec`, `alpine-secdb:v3.20/main`), so a language namespace matched by none of those
/// names was most likely matched against a small part of its advisories. An OS namespace
/// (`Alpine:v3.20`) gets no stray records, so any advisory the database has for it counts
/// as its own feed. Namespaces already reported as having no data are left out. OS-owned
/// packages are not counted, because they were not matched in the namespace.
fn warn_missing_feeds(
    db: &IntelDb,
    inventory: &Inventory,
    assessment: &ward_assess::Assessment,
    warnings: &mut Vec<String>,
) -> anyhow::Result<()> {
    let sources = db
        .sources()
        .context("cannot list the intel database's sources")?;
    let without_data = &assessment.stats.software_without_advisory_data;

    let mut has_own_feed: BTreeMap<&str, bool> = BTreeMap::new();
    let mut missing: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &inventory.software {
        let Some(ecosystem) = row.ecosystem.as_deref() else {
            continue;
        };
        if row.owned_by.is_some() || without_data.contains_key(ecosystem) {
            continue;
        }
        let own_feed = match has_own_feed.get(ecosystem) {
            Some(&known) => known,
            None => {
                let known = namespace_has_own_feed(db, &sources, ecosystem)?;
                has_own_feed.insert(ecosystem, known);
                known
            }
        };
        if !own_feed {
            *missing.entry(base_ecosystem(ecosystem)).or_default() += 1;
        }
    }
    if missing.is_empty() {
        return Ok(());
    }

    let listed: Vec<String> = missing
        .iter()
        .map(|(base, count)| format!("{base} ({count})"))
        .collect();
    warnings.push(format!(
        "the intel database has no feed of its own for {}, so those packages were matched only against the few advisories other feeds list for them; import their OSV all.zip files with `ward db import` or run `ward db update`",
        listed.join(", ")
    ));
    Ok(())
}

/// Returns whether a source that serves `ecosystem` itself was imported: a source named
/// after its feed, or, for an OS namespace, any advisory for that exact release.
fn namespace_has_own_feed(
    db: &IntelDb,
    sources: &[SourceInfo],
    ecosystem: &str,
) -> anyhow::Result<bool> {
    let feed_names = feed_source_names(base_ecosystem(ecosystem));
    if sources
        .iter()
        .any(|source| is_source_of(&source.name, &feed_names))
    {
        return Ok(true);
    }
    if !ward_assess::is_os_ecosystem(ecosystem) {
        return Ok(false);
    }
    let has_data = db
        .has_ecosystem(ecosystem)
        .with_context(|| format!("cannot check the intel database for `{ecosystem}`"))?;
    Ok(has_data == Some(true))
}

/// Returns the namespace without its release (`Alpine` for `Alpine:v3.20`).
fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// Returns whether the source `name` is one of `feed_names`, or a part of one
/// (`alpine-secdb:v3.20/main` is a part of `alpine-secdb`).
fn is_source_of(name: &str, feed_names: &[String]) -> bool {
    feed_names.iter().any(|feed| {
        name == feed
            || name
                .strip_prefix(feed.as_str())
                .is_some_and(|rest| rest.starts_with(':'))
    })
}

/// Returns the names of the sources that cover a namespace (without its release).
fn feed_source_names(base: &str) -> Vec<String> {
    let mut names = vec![format!("osv:{base}")];
    let other = match base {
        "Alpine" => Some(ward_intel::feeds::alpine::SOURCE),
        "PyPI" => Some(ward_intel::feeds::pypa::SOURCE),
        "crates.io" => Some(ward_intel::feeds::rustsec::SOURCE),
        _ => None,
    };
    names.extend(other.map(str::to_owned));
    names
}

/// Warns about each source the scan used whose data is older than `ward db status` allows.
///
/// A namespace feed (`osv:Debian`, `alpine-secdb:v3.20/main`) counts as used when the
/// inventory has a namespace it serves. Every other source (KEV, EPSS, NVD) is used by the
/// prioritization of every scan.
fn warn_stale_sources(
    db: &IntelDb,
    inventory: &Inventory,
    warnings: &mut Vec<String>,
) -> anyhow::Result<()> {
    let sources = db
        .sources()
        .context("cannot list the intel database's sources")?;
    let now = chrono::Utc::now();
    let scanned_bases: Vec<&str> = inventory
        .software
        .iter()
        .filter_map(|row| row.ecosystem.as_deref())
        .map(base_ecosystem)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();

    for source in &sources {
        if !is_source_used(&source.name, &scanned_bases) {
            continue;
        }
        if update::is_stale(source, now) {
            let age = update::source_age_days(source, now);
            let limit = update::stale_after_days(&source.format);
            warnings.push(format!(
                "source `{}` is {age} days old (stale after {limit} days), so recent vulnerabilities may be missing; run `ward db update`",
                source.name
            ));
        }
    }
    Ok(())
}

/// Returns whether a source was used for a scan that matched namespaces of `scanned_bases`.
fn is_source_used(name: &str, scanned_bases: &[&str]) -> bool {
    let namespace_feeds = [
        ward_intel::feeds::alpine::SOURCE,
        ward_intel::feeds::pypa::SOURCE,
        ward_intel::feeds::rustsec::SOURCE,
    ];
    let is_namespace_feed = name.starts_with("osv:")
        || namespace_feeds
            .iter()
            .any(|feed| is_source_of(name, &[(*feed).to_owned()]));
    if !is_namespace_feed {
        return true;
    }
    scanned_bases
        .iter()
        .any(|base| is_source_of(name, &feed_source_names(base)))
}

/// Joins an error's messages, leaving out the hint that [`printer::with_hint`] attached,
/// because the scan prints its own.
fn error_chain(error: &anyhow::Error) -> String {
    let hint_layers = usize::from(error.downcast_ref::<printer::Hint>().is_some());
    error
        .chain()
        .skip(hint_layers)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

/// Key under which software rows without an advisory namespace are counted.
const NO_ECOSYSTEM: &str = "none";

fn count_ecosystems(inventory: &Inventory) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for software in &inventory.software {
        let key = software.ecosystem.as_deref().unwrap_or(NO_ECOSYSTEM);
        *counts.entry(key.to_owned()).or_insert(0) += 1;
    }
    counts
}

fn print_report(scan: &ScanReport, args: &ScanArgs) -> anyhow::Result<()> {
    let text = match args.format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(scan)
                .context("failed to serialize the scan report")?;
            json.push('\n');
            json
        }
        Format::Table => table::render(
            scan,
            TableOptions {
                color: use_color(args.color),
                limit: args.limit,
            },
        ),
    };

    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("failed to write to standard output")
}

/// Decides colour: `--color` wins, then `NO_COLOR` (any non-empty value disables it, as
/// <https://no-color.org> specifies), then whether standard output is a terminal.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color =
                std::env::var_os(crate::env::NO_COLOR).is_some_and(|value| !value.is_empty());
            !no_color && std::io::stdout().is_terminal()
        }
    }
}
