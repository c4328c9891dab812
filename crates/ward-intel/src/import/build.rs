//! A database file built aside and swapped in with one rename.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;
use tempfile::NamedTempFile;

use crate::db::{is_foreign, migrate, REBUILD_BELOW, SCHEMA_VERSION};
use crate::IntelError;

/// A copy of the database (or a new one) being written next to the real file.
///
/// Dropping a `Build` without [`Build::finish`] deletes the copy, so the database at the
/// target path is untouched by a failed or interrupted import.
pub struct Build {
    target: PathBuf,
    temp: NamedTempFile,
    conn: Connection,
}

impl Build {
    /// Creates the working copy: a copy of `target` when it exists, else an empty
    /// database, migrated to the current schema.
    pub fn start(target: &Path) -> Result<Build, IntelError> {
        Build::begin(target, true)
    }

    /// Creates an empty working copy that will replace `target` whatever it contains. An
    /// import uses it when it found the pages of the existing database damaged.
    pub fn start_empty(target: &Path) -> Result<Build, IntelError> {
        Build::begin(target, false)
    }

    fn begin(target: &Path, copy_existing: bool) -> Result<Build, IntelError> {
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        fs_err::create_dir_all(&dir).map_err(|source| IntelError::CreateDatabase {
            path: target.to_owned(),
            source,
        })?;
        check_target(target)?;
        let temp = new_temp_file(target)?;
        if copy_existing && target.exists() {
            fs_err::copy(target, temp.path()).map_err(|source| IntelError::Read {
                path: target.to_owned(),
                source,
            })?;
        }

        let temp_path = temp.path().to_owned();
        // Errors name the database the user gave, not the temporary copy.
        let db_error = |e| IntelError::database(target, e);
        let (mut conn, version) = match open_copy(&temp_path) {
            Err(rusqlite::Error::SqliteFailure(failure, _))
                if failure.code == rusqlite::ErrorCode::NotADatabase =>
            {
                // A damaged database (SQLite's header, unreadable pages) is unusable to every
                // reader, so the import replaces it. Any other file may be the user's own.
                if !has_sqlite_header(target) {
                    return Err(IntelError::NotOurFile {
                        path: target.to_owned(),
                    });
                }
                tracing::warn!(
                    path = %target.display(),
                    "existing file is not a valid intel database; replacing it with the import"
                );
                temp.as_file()
                    .set_len(0)
                    .map_err(|source| IntelError::CreateDatabase {
                        path: target.to_owned(),
                        source,
                    })?;
                open_copy(&temp_path).map_err(db_error)?
            }
            result => result.map_err(db_error)?,
        };
        if is_foreign(&conn, version).map_err(db_error)? {
            return Err(IntelError::ForeignDatabase {
                path: target.to_owned(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(IntelError::SchemaTooNew {
                path: target.to_owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version > 0 && version < REBUILD_BELOW {
            // Migration 3 cannot convert the old OSV rows, so it drops their sources; the
            // inputs of this import or update then fill the new layout.
            tracing::warn!(
                path = %target.display(),
                from = version,
                "intel database predates the current OSV layout; its OSV sources are dropped \
                 and must be imported again"
            );
        }
        migrate(&mut conn).map_err(db_error)?;

        Ok(Build {
            target: target.to_owned(),
            temp,
            conn,
        })
    }

    /// Returns the database the working copy will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Returns the connection to the working copy.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Writes a compacted copy of the working file and renames it over the target.
    ///
    /// `VACUUM INTO` rewrites every table and index in key order, so pages are full even
    /// where rows arrived in random order (index entries, alias edges) or replaced
    /// sources left free pages; it made the Debian database 7% smaller for 0.6 s.
    pub fn finish(self) -> Result<(), IntelError> {
        let Build { target, temp, conn } = self;
        let temp_path = temp.path().to_owned();
        let db_error = |e| IntelError::database(&temp_path, e);

        conn.execute_batch("PRAGMA optimize").map_err(db_error)?;
        // `VACUUM INTO` writes pages of this size, so older files change page size too.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(db_error)?;
        let compact = new_temp_file(&target)?;
        let compact_path = compact.path().to_owned();
        let compact_name = compact_path.to_str().ok_or_else(|| IntelError::Read {
            path: compact_path.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "database directory path is not valid UTF-8",
            ),
        })?;
        tracing::debug!(path = %compact_path.display(), "compacting intel database");
        conn.execute("VACUUM INTO ?1", [compact_name])
            .map_err(db_error)?;
        conn.close().map_err(|(_, e)| db_error(e))?;
        drop(temp);
        let temp = compact;
        let temp_path = compact_path;

        let io_error = |source| IntelError::Read {
            path: temp_path.clone(),
            source,
        };
        // The new file keeps the old one's permissions, so that a database shared with
        // other users stays readable to them after an import. A first database gets the
        // umask's mode for new files, not the temporary file's 0600. An empty file created
        // at the target gives that mode, and readers take it for no database until the
        // rename replaces it.
        let permissions = match std::fs::metadata(&target) {
            Ok(metadata) => Some(metadata.permissions()),
            Err(_) => std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&target)
                .and_then(|file| file.metadata())
                .map(|metadata| metadata.permissions())
                .ok(),
        };
        if let Some(permissions) = permissions {
            temp.as_file()
                .set_permissions(permissions)
                .map_err(io_error)?;
        }
        temp.as_file().sync_all().map_err(io_error)?;
        temp.persist(&target).map_err(|e| IntelError::Read {
            path: target.clone(),
            source: e.error,
        })?;
        // Make the rename itself durable; a failure here leaves a correct file in place.
        if let Some(dir) = target.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            if let Ok(handle) = std::fs::File::open(dir) {
                let _ = handle.sync_all();
            }
        }
        Ok(())
    }
}

/// Page size of the database files an import writes.
///
/// SQLite's default is 4 KiB. With 16 KiB pages the full database was 3 % smaller (181.6 MB
/// against 187.1 MB) and its import about 0.2 s faster. Look-ups took the same time: 48–49
/// ms for the 396 source packages of a Debian 12 host.
const PAGE_SIZE: i64 = 16 * 1024;

/// Fails when `target` is a directory or a non-empty file without SQLite's header, which
/// an import must not replace.
pub fn check_target(target: &Path) -> Result<(), IntelError> {
    let Ok(metadata) = std::fs::metadata(target) else {
        return Ok(());
    };
    if metadata.is_dir() {
        return Err(IntelError::DatabaseIsDirectory {
            path: target.to_owned(),
        });
    }
    if metadata.len() > 0 && !has_sqlite_header(target) {
        return Err(IntelError::NotOurFile {
            path: target.to_owned(),
        });
    }
    Ok(())
}

/// Opens the working copy and returns it with its schema version.
fn open_copy(path: &Path) -> rusqlite::Result<(Connection, i64)> {
    let conn = Connection::open(path)?;
    // The copy is private until the rename, so crash safety inside it buys nothing.
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -32768;",
    )?;
    // This takes effect only on a new file. `finish` sets it again for the compacted copy.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    let version = crate::db::schema_version(&conn)?;
    Ok((conn, version))
}

/// Paths of the working copies this process created, for [`remove_temp_files`].
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Deletes every working copy this process created that still exists, so that a
/// Ctrl-C or SIGTERM handler can clean up before the process exits without unwinding.
pub fn remove_temp_files() {
    let paths = match TEMP_FILES.lock() {
        Ok(paths) => paths,
        Err(poisoned) => poisoned.into_inner(),
    };
    for path in paths.iter() {
        let _ = std::fs::remove_file(path);
        // `VACUUM INTO` writes the compacted copy through a rollback journal of its own.
        let mut journal = path.clone().into_os_string();
        journal.push("-journal");
        let _ = std::fs::remove_file(journal);
    }
}

/// Creates an empty hidden file next to `target`, deleted when dropped.
fn new_temp_file(target: &Path) -> Result<NamedTempFile, IntelError> {
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|source| IntelError::CreateDatabase {
            path: target.to_owned(),
            source,
        })?;
    // A path stays listed after its file is renamed or deleted; removing it again is
    // harmless because the names are random.
    match TEMP_FILES.lock() {
        Ok(mut paths) => paths.push(temp.path().to_owned()),
        Err(poisoned) => poisoned.into_inner().push(temp.path().to_owned()),
    }
    Ok(temp)
}

/// Returns whether `path` starts with SQLite's 16-byte file header, `SQLite format 3\0`.
pub(crate) fn has_sqlite_header(path: &Path) -> bool {
    let mut header = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut header))
        .is_ok_and(|()| &header == b"SQLite format 3\0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::IntelDb;

    /// Writes a database at schema version 2 with one OSV source and a KEV source.
    fn version_2_database(path: &Path) {
        let mut conn = Connection::open(path).unwrap();
        crate::db::migrate_to(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO source (id, name, format, origin, imported_at, record_count, skipped_count)
                 VALUES (1, 'osv:Debian', 'osv', 'all.zip', '2026-01-01T00:00:00Z', 1, 0),
                        (2, 'kev', 'kev', 'kev.json', '2026-01-01T00:00:00Z', 0, 0);
             INSERT INTO advisory (pk, id, source_id, aliases, related, severity, body)
                 VALUES (1, 'DSA-1', 1, '[]', '[]', '[]', '{}');",
        )
        .unwrap();
    }

    #[test]
    fn old_layout_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intel.sqlite");
        version_2_database(&path);

        let error = IntelDb::open(&path).unwrap_err();

        assert!(matches!(
            error,
            IntelError::RebuildRequired { found: 2, .. }
        ));
        let message = error.to_string();
        assert!(message.contains("ward db update"), "{message}");
        assert!(message.contains("ward db import"), "{message}");
    }

    #[test]
    fn remove_temp_files_deletes_working_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intel.sqlite");
        let build = Build::start(&path).unwrap();
        let temp_path = build.temp.path().to_owned();
        assert!(temp_path.exists());

        remove_temp_files();

        assert!(!temp_path.exists());
        drop(build);
    }

    #[test]
    fn finish_sets_page_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intel.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA page_size = 4096").unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO source (name, format, origin, imported_at, record_count, skipped_count)
                 VALUES ('kev', 'kev', 'kev.json', '2026-01-01T00:00:00Z', 0, 0)",
        )
        .unwrap();
        drop(conn);

        Build::start(&path).unwrap().finish().unwrap();

        let conn = Connection::open(&path).unwrap();
        let page_size: i64 = conn
            .pragma_query_value(None, "page_size", |row| row.get(0))
            .unwrap();
        assert_eq!(page_size, PAGE_SIZE);
        let name: String = conn
            .query_row("SELECT name FROM source", [], |row| row.get(0))
            .unwrap();
        assert_eq!(name, "kev");
    }

    #[cfg(unix)]
    #[test]
    fn new_database_gets_umask_mode() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intel.sqlite");
        let probe = dir.path().join("probe");
        std::fs::File::create(&probe).unwrap();
        let expected = std::fs::metadata(&probe).unwrap().permissions().mode();

        Build::start(&path).unwrap().finish().unwrap();

        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, expected & 0o777);
    }

    #[test]
    fn build_drops_old_osv_sources() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("intel.sqlite");
        version_2_database(&path);

        Build::start(&path).unwrap().finish().unwrap();

        let db = IntelDb::open(&path).unwrap();
        let names: Vec<String> = db
            .sources()
            .unwrap()
            .into_iter()
            .map(|source| source.name)
            .collect();
        assert_eq!(names, ["kev"]);
    }
}
