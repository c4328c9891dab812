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
mod record;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::progress::Progress;
use crate::IntelError;

pub(crate) use build::Build;
pub use cve::{ANCHORE_SOURCE, CVE5_SOURCE, NVD_SOURCE};

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
    /// Files inside directories that are in no recognised format and were left out.
    pub ignored_files: u64,
    /// Files in a recognised feed format that ward does not import yet, left out.
    pub unsupported: Vec<UnsupportedFile>,
}

/// A file recognised as a feed that `import` does not store yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsupportedFile {
    /// The file.
    pub path: PathBuf,
    /// The feed format it was recognised as (`NVD CVE API 2.0`, `CVE JSON 5`).
    pub format: String,
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
    /// What is wrong.
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

/// Imports `inputs` into the database at `db_path`, creating it when missing.
///
/// All inputs go into one new file that replaces the database only when every input
/// was read; on `Err` the database is unchanged. Each source named by the inputs
/// replaces the stored source of the same name.
#[tracing::instrument(skip_all, fields(db = %db_path.display(), inputs = inputs.len()))]
pub fn import(
    db_path: &Path,
    inputs: &[ImportInput],
    progress: &dyn Progress,
) -> Result<ImportReport, IntelError> {
    import_then(db_path, inputs, progress, &|_| Ok(()))
}

/// Imports like [`import`], then runs `finish` in the same transaction, so that an update
/// can record facts the files do not state (the end of an NVD sync window).
pub(crate) fn import_then(
    db_path: &Path,
    inputs: &[ImportInput],
    progress: &dyn Progress,
    finish: &dyn Fn(&rusqlite::Transaction) -> rusqlite::Result<()>,
) -> Result<ImportReport, IntelError> {
    let started = std::time::Instant::now();
    let mut build = Build::start(db_path)?;
    let mut report = ImportReport::default();

    {
        let conn = build.conn();
        let tx = conn
            .transaction()
            .map_err(|e| IntelError::database(db_path, e))?;
        for input in inputs {
            input::import_input(&tx, input, &mut report, progress)?;
        }
        finish(&tx).map_err(|e| IntelError::database(db_path, e))?;
        tx.commit().map_err(|e| IntelError::database(db_path, e))?;
    }
    build.finish()?;

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
