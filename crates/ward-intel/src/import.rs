//! `ward db import`: loading feed files into the intel database, atomically.
//!
//! Every import builds a new database file next to the old one (a copy of it, or a new
//! file) and renames it over the old one at the end. A failed or interrupted import
//! therefore leaves the previous database as it was.
//!
//! Formats are detected by content. A zip is an OSV export. A JSON object with
//! `catalogVersion` and `vulnerabilities` is the CISA KEV catalog, and one with an `id`
//! is an OSV record. Text starting with `#model_version` or `cve,epss` is an EPSS CSV.
//! Gzip is decompressed and its content detected again. A directory is walked: its JSON
//! files are OSV records of one source, and zip, gzip and CSV files in it are imported as
//! if given on their own.
//!
//! A file that cannot be read as a whole (a truncated zip, a KEV document without its
//! list) fails the import and nothing changes. A single bad record (invalid JSON, wrong
//! types) is reported with its file and id, skipped, and the rest is imported.

mod build;
mod cve;
mod input;
mod lock;
mod pipeline;
mod record;
mod store;
mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::progress::Progress;
use crate::IntelError;

pub(crate) use build::has_sqlite_header;
pub use build::remove_temp_files;
pub(crate) use build::Build;
pub use cve::{ANCHORE_SOURCE, CVE5_SOURCE, NVD_SOURCE};
pub(crate) use lock::lock_database;

/// One path to import, with what the caller knows about it.
#[derive(Debug, Clone, Default)]
pub struct ImportInput {
    /// File or directory.
    pub path: PathBuf,
    /// Source name to store the data under, replacing the name derived from the content.
    pub source_name: Option<String>,
    /// Download facts of the file, stored for conditional requests.
    pub download: Option<DownloadInfo>,
}

impl ImportInput {
    /// Creates an input for a path, with the source name derived from its content.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ImportInput {
            path: path.into(),
            ..Default::default()
        }
    }
}

/// HTTP facts of a downloaded file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadInfo {
    /// URL it was downloaded from.
    pub url: String,
    /// `ETag` response header.
    pub etag: Option<String>,
    /// `Last-Modified` response header.
    pub last_modified: Option<String>,
}

/// Records stored and skipped by an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// One entry per source written.
    pub sources: Vec<ImportedSource>,
    /// Records skipped as invalid, each with its file and id.
    pub problems: Vec<ImportProblem>,
    /// Files inside directories that are in no recognised format and were left out; each
    /// is also listed in `unsupported`.
    pub ignored_files: u64,
    /// Files left out: in a recognised feed format that ward does not import yet, or, inside
    /// directories, in no format it recognises (`format` is then `unknown format`).
    pub unsupported: Vec<UnsupportedFile>,
}

/// A file that `import` left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsupportedFile {
    /// The file.
    pub path: PathBuf,
    /// The format it was recognised as (`tar archive`), or `unknown format`.
    pub format: String,
    /// Why a file in a recognised format was left out (`invalid JSON: …`); `None` when
    /// ward does not import the format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One source written by an import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedSource {
    /// Source name (`osv:Debian`, `kev`, `epss`).
    pub name: String,
    /// `osv`, `kev` or `epss`.
    pub format: String,
    /// Records stored.
    pub records: u64,
    /// Records skipped as invalid.
    pub skipped: u64,
    /// Time spent parsing and writing this source.
    #[serde(serialize_with = "serialize_secs")]
    pub elapsed: Duration,
}

/// A record skipped by an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// File, and the entry inside it for archives (`all.zip!CVE-2024-1.json`).
    pub file: String,
    /// Record id, when the record got far enough to have one.
    pub id: Option<String>,
    /// Description of the defect.
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{}: record `{id}`: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

fn serialize_secs<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// Smallest stored record count that [`ImportOptions::allow_shrink`] protects; smaller
/// sources (test data, small feeds) may shrink freely.
pub const SHRINK_GUARD_MIN_RECORDS: u64 = 100;

/// Choices of an import that are not about one input.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Accept an import that replaces a source of at least [`SHRINK_GUARD_MIN_RECORDS`]
    /// records with fewer than half as many. Without it such an import fails with
    /// [`IntelError::SourceShrink`] and the database is unchanged.
    pub allow_shrink: bool,
}

/// Imports `inputs` into the database at `db_path`, creating it when missing.
///
/// All inputs go into one new file that replaces the database only when every input
/// was read; on `Err` the database is unchanged. Each source named by the inputs
/// replaces the stored source of the same name.
pub fn import(
    db_path: &Path,
    inputs: &[ImportInput],
    progress: &dyn Progress,
) -> Result<ImportReport, IntelError> {
    import_with(db_path, inputs, ImportOptions::default(), progress)
}

/// Imports like [`import`], with `options`.
#[tracing::instrument(skip_all, fields(db = %db_path.display(), inputs = inputs.len()))]
pub fn import_with(
    db_path: &Path,
    inputs: &[ImportInput],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportReport, IntelError> {
    import_inner(db_path, inputs, options, progress, &|_| Ok(()))
}

/// Imports like [`import`], then runs `finish` in the same transaction, so that an update
/// can record facts the files do not state (the end of an NVD sync window).
pub(crate) fn import_then(
    db_path: &Path,
    inputs: &[ImportInput],
    progress: &dyn Progress,
    finish: &dyn Fn(&rusqlite::Transaction) -> rusqlite::Result<()>,
) -> Result<ImportReport, IntelError> {
    import_inner(db_path, inputs, ImportOptions::default(), progress, finish)
}

fn import_inner(
    db_path: &Path,
    inputs: &[ImportInput],
    options: ImportOptions,
    progress: &dyn Progress,
    finish: &dyn Fn(&rusqlite::Transaction) -> rusqlite::Result<()>,
) -> Result<ImportReport, IntelError> {
    let started = std::time::Instant::now();
    // A `--db` that is a symbolic link imports into the file it points to, instead of
    // replacing the link with a file of its own.
    let resolved = resolve_link(db_path);
    let db_path = resolved.as_path();
    // Checked before the lock, so that a wrong `--db` leaves no lock file next to it.
    build::check_target(db_path)?;
    let _lock = lock::lock_database(db_path)?;
    let first = Build::start(db_path)
        .and_then(|build| import_into(build, inputs, options, progress, finish));
    let report = match first {
        Err(error) if error.is_damaged_database() => {
            // The header was sound but a page is not: no reader can use the file, so it is
            // rebuilt from this import's inputs, as a file with a damaged header is.
            tracing::warn!(
                path = %db_path.display(),
                error = %crate::error::chain_text(&error),
                "existing intel database is damaged; replacing it with the import"
            );
            import_into(
                Build::start_empty(db_path)?,
                inputs,
                options,
                progress,
                finish,
            )?
        }
        result => result?,
    };

    tracing::info!(
        sources = report.sources.len(),
        records = report
            .sources
            .iter()
            .map(|source| source.records)
            .sum::<u64>(),
        skipped = report.problems.len(),
        elapsed_secs = started.elapsed().as_secs_f64(),
        "import finished"
    );
    Ok(report)
}

/// Runs the import into the working copy `build`, then swaps it in.
fn import_into(
    mut build: Build,
    inputs: &[ImportInput],
    options: ImportOptions,
    progress: &dyn Progress,
    finish: &dyn Fn(&rusqlite::Transaction) -> rusqlite::Result<()>,
) -> Result<ImportReport, IntelError> {
    let db_path = build.target().to_owned();
    let db_path = db_path.as_path();
    let mut report = ImportReport::default();

    {
        let conn = build.conn();
        let tx = conn
            .transaction()
            .map_err(|e| IntelError::database(db_path, e))?;
        let old_counts = source_counts(&tx).map_err(|e| IntelError::database(db_path, e))?;
        let units = input::plan(inputs, &mut report)?;
        let dictionaries =
            cve::CveDictionaries::load(&tx).map_err(|e| IntelError::database(db_path, e))?;
        pipeline::run(&tx, &units, dictionaries, &mut report, progress)?;
        if !options.allow_shrink {
            check_shrink(&tx, &old_counts).map_err(|e| match e {
                ShrinkCheck::Database(e) => IntelError::database(db_path, e),
                ShrinkCheck::Shrink(error) => error,
            })?;
        }
        if report.sources.is_empty() {
            // Nothing to store: dropping the working copy leaves the database as it was,
            // and creates none where there was none.
            tracing::info!("no source imported; database left unchanged");
            return Ok(report);
        }
        finish(&tx).map_err(|e| IntelError::database(db_path, e))?;
        tx.commit().map_err(|e| IntelError::database(db_path, e))?;
    }
    build.finish()?;
    Ok(report)
}

/// Returns the file that a chain of symbolic links ends at, or `path` itself.
fn resolve_link(path: &Path) -> PathBuf {
    let mut current = path.to_owned();
    // Like the kernel, give up after 40 links (a loop); the import then fails to open it.
    for _ in 0..40 {
        let is_link =
            std::fs::symlink_metadata(&current).is_ok_and(|metadata| metadata.is_symlink());
        if !is_link {
            return current;
        }
        match std::fs::read_link(&current) {
            Ok(target) if target.is_absolute() => current = target,
            Ok(target) => current = current.parent().unwrap_or(Path::new("")).join(target),
            Err(_) => return current,
        }
    }
    current
}

/// Returns a mapper of SQLite failures to errors that name the database at `path`.
fn db_error(path: &Path) -> impl Fn(rusqlite::Error) -> IntelError + '_ {
    move |e| IntelError::database(path, e)
}

/// Returns the record count of every stored source, by name.
fn source_counts(tx: &rusqlite::Transaction) -> rusqlite::Result<HashMap<String, u64>> {
    let mut statement = tx.prepare("SELECT name, record_count FROM source")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

enum ShrinkCheck {
    Database(rusqlite::Error),
    Shrink(IntelError),
}

/// Fails when a source that held at least [`SHRINK_GUARD_MIN_RECORDS`] records now holds
/// fewer than half as many.
fn check_shrink(
    tx: &rusqlite::Transaction,
    old_counts: &HashMap<String, u64>,
) -> Result<(), ShrinkCheck> {
    let new_counts = source_counts(tx).map_err(ShrinkCheck::Database)?;
    let mut names: Vec<&String> = new_counts.keys().collect();
    names.sort();
    for name in names {
        let new = new_counts[name];
        let Some(&old) = old_counts.get(name) else {
            continue;
        };
        if old >= SHRINK_GUARD_MIN_RECORDS && new.saturating_mul(2) < old {
            return Err(ShrinkCheck::Shrink(IntelError::SourceShrink {
                name: name.clone(),
                old,
                new,
            }));
        }
    }
    Ok(())
}
