use std::path::PathBuf;

use thiserror::Error;

/// Errors of the intel crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IntelError {
    /// The database could not be read or written.
    #[error("reading or writing the intel database `{path}` failed")]
    Database {
        /// Database file.
        path: PathBuf,
        /// Underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The database file does not exist.
    #[error("intel database `{path}` not found")]
    DatabaseMissing {
        /// Database file that was expected.
        path: PathBuf,
    },

    /// The database file exists but is empty, as `touch` or an aborted copy leaves it. It
    /// contains no data, and reading it writes nothing. An import or update fills it.
    #[error("intel database `{path}` is an empty file")]
    DatabaseEmpty {
        /// Database file.
        path: PathBuf,
    },

    /// The database path names a directory.
    #[error("intel database `{path}` is a directory; `--db` takes the path of a database file")]
    DatabaseIsDirectory {
        /// The directory given as the database.
        path: PathBuf,
    },

    /// The database was written by a newer ward with a schema this build cannot read.
    #[error("intel database `{path}` has schema version {found}, newer than the {supported} this ward supports")]
    SchemaTooNew {
        /// Database file.
        path: PathBuf,
        /// Schema version stored in the file.
        found: i64,
        /// Highest schema version this build reads.
        supported: i64,
    },

    /// The database was written by an older ward whose OSV layout this build does not
    /// read; importing or updating into it drops its OSV sources and rebuilds them.
    #[error("intel database `{path}` has schema version {found}, whose OSV records this ward no longer reads (version {required} or newer needed); rebuild it with `ward db update` or `ward db import PATH…`")]
    RebuildRequired {
        /// Database file.
        path: PathBuf,
        /// Schema version stored in the file.
        found: i64,
        /// Oldest schema version this build reads.
        required: i64,
    },

    /// No default database location: neither `XDG_DATA_HOME` nor `HOME` is set.
    #[error("no default intel database location: neither `XDG_DATA_HOME` nor `HOME` is set")]
    NoDefaultPath,

    /// A file could not be read.
    #[error("failed to read `{path}`")]
    Read {
        /// File or directory.
        path: PathBuf,
        /// Underlying failure.
        #[source]
        source: std::io::Error,
    },

    /// An input file is not in any format `ward db import` recognises.
    #[error("`{path}` is not a recognised feed file (expected OSV, NVD, CVE 5, Alpine secdb, RustSec, PyPA, Anchore override, CISA KEV or FIRST EPSS data)")]
    UnknownFormat {
        /// The input file.
        path: PathBuf,
    },

    /// An input file is damaged as a whole (a truncated zip, a KEV document without its
    /// `vulnerabilities` list), so none of it was imported.
    #[error("invalid feed file `{path}`: {reason}")]
    InvalidFile {
        /// The input file.
        path: PathBuf,
        /// Description of the defect.
        reason: String,
    },

    /// The `--source` name given for a file breaks the naming rules of that file's feed.
    #[error("invalid `--source` for `{path}`: {reason}")]
    InvalidSourceName {
        /// The input file.
        path: PathBuf,
        /// The rule the name breaks.
        reason: String,
    },

    /// The working copy of an import could not be created next to the database (the
    /// directory is not writable, or the disk is full).
    #[error("cannot create the new database next to `{path}`")]
    CreateDatabase {
        /// The database the import writes.
        path: PathBuf,
        /// Underlying failure.
        #[source]
        source: std::io::Error,
    },

    /// The database path names a file that is not an SQLite database, so it contains no
    /// intel data to read.
    #[error("`{path}` is not an intel database: the file is not an SQLite database")]
    NotADatabase {
        /// The file given as the database.
        path: PathBuf,
    },

    /// The database path names a file that is not an SQLite database at all, so an import
    /// would destroy something that is not ward's.
    #[error(
        "`{path}` exists and is not an SQLite database; refusing to replace it (move it away \
         or pass another `--db`)"
    )]
    NotOurFile {
        /// The file given as the database.
        path: PathBuf,
    },

    /// The database path names another program's SQLite database: it has tables but no
    /// intel schema version.
    #[error(
        "`{path}` is an SQLite database of another program, not an intel database; refusing \
         to change it (pass another `--db`)"
    )]
    ForeignDatabase {
        /// The file given as the database.
        path: PathBuf,
    },

    /// The lock file that serialises imports of one database could not be locked.
    #[error("cannot lock `{path}` against other imports of the same database")]
    Lock {
        /// Lock file (`<db>.lock`).
        path: PathBuf,
        /// Underlying failure.
        #[source]
        source: std::io::Error,
    },

    /// An import would replace a large source with far fewer records, which usually
    /// means a partial file (a zip of a few records, a truncated download).
    #[error("importing would shrink source `{name}` from {old} to {new} records")]
    SourceShrink {
        /// Source name (`osv:Debian`).
        name: String,
        /// Records stored before the import.
        old: u64,
        /// Records the import would store.
        new: u64,
    },

    /// The feed base URL (`--base-url`, `WARD_FEED_BASE_URL`) is not an absolute HTTP URL.
    #[error("invalid feed base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// The defect found.
        reason: String,
    },

    /// A download failed after its retries.
    #[error("download of `{url}` failed")]
    Download {
        /// Requested URL.
        url: String,
        /// Underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The server returned an HTTP error status.
    #[error("download of `{url}` failed with HTTP status {status}")]
    HttpStatus {
        /// Requested URL.
        url: String,
        /// Status code of the last attempt.
        status: u16,
    },

    /// The feed host could not be reached at all (DNS, connection refused, no route).
    #[error("cannot reach `{url}`: the feed host is offline or unreachable")]
    Offline {
        /// Requested URL.
        url: String,
        /// Underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Several downloads of one `update` failed; each is listed.
    #[error("{} of the downloads failed: {}", .0.len(), join_errors(.0))]
    Downloads(Vec<IntelError>),
}

impl IntelError {
    /// Wraps a SQLite failure on `path`.
    pub(crate) fn database(path: impl Into<PathBuf>, source: rusqlite::Error) -> Self {
        IntelError::Database {
            path: path.into(),
            source: Box::new(source),
        }
    }

    /// Returns whether the database contains no data at all (missing or an empty file), so
    /// that a caller can create it rather than fail.
    pub fn is_no_database(&self) -> bool {
        matches!(
            self,
            IntelError::DatabaseMissing { .. } | IntelError::DatabaseEmpty { .. }
        )
    }

    /// Returns whether SQLite found the database file damaged (`SQLITE_CORRUPT`,
    /// `SQLITE_NOTADB`) while reading it.
    pub fn is_damaged_database(&self) -> bool {
        let IntelError::Database { source, .. } = self else {
            return false;
        };
        source
            .downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code)
            .is_some_and(|code| {
                matches!(
                    code,
                    rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
                )
            })
    }

    /// Returns whether the failure means the feed host could not be reached, so that a
    /// caller can suggest `ward db import` instead.
    pub fn is_offline(&self) -> bool {
        match self {
            IntelError::Offline { .. } => true,
            IntelError::Downloads(errors) => errors.iter().all(IntelError::is_offline),
            _ => false,
        }
    }
}

fn join_errors(errors: &[IntelError]) -> String {
    let texts: Vec<String> = errors.iter().map(chain_text).collect();
    texts.join("; ")
}

/// Joins an error's message and those of its causes with `: `.
pub(crate) fn chain_text(error: &IntelError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
