//! A database file built aside and swapped in with one rename.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use tempfile::NamedTempFile;

use crate::db::{migrate, SCHEMA_VERSION};
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
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        fs_err::create_dir_all(&dir).map_err(|source| IntelError::Read {
            path: dir.clone(),
            source,
        })?;
        let file_name = target
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|source| IntelError::Read {
                path: dir.clone(),
                source,
            })?;
        if target.exists() {
            fs_err::copy(target, temp.path()).map_err(|source| IntelError::Read {
                path: target.to_owned(),
                source,
            })?;
        }

        let temp_path = temp.path().to_owned();
        // Errors name the database the user gave, not the temporary copy.
        let db_error = |e| IntelError::database(target, e);
        let mut conn = Connection::open(&temp_path).map_err(db_error)?;
        // The copy is private until the rename, so crash safety inside it buys nothing.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -32768;",
        )
        .map_err(db_error)?;
        let version = crate::db::schema_version(&conn).map_err(db_error)?;
        if version > SCHEMA_VERSION {
            return Err(IntelError::SchemaTooNew {
                path: target.to_owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        migrate(&mut conn).map_err(db_error)?;

        Ok(Build {
            target: target.to_owned(),
            temp,
            conn,
        })
    }

    /// Returns the connection to the working copy.
    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Compacts the copy when replaced sources left much free space, then renames it over
    /// the target.
    pub fn finish(self) -> Result<(), IntelError> {
        let Build { target, temp, conn } = self;
        let temp_path = temp.path().to_owned();
        let db_error = |e| IntelError::database(&temp_path, e);

        let (free, total): (i64, i64) = conn
            .query_row(
                "SELECT * FROM pragma_freelist_count, pragma_page_count",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(db_error)?;
        if free * 4 > total {
            tracing::debug!(
                free_pages = free,
                pages = total,
                "compacting intel database"
            );
            conn.execute_batch("VACUUM").map_err(db_error)?;
        }
        conn.execute_batch("PRAGMA optimize").map_err(db_error)?;
        conn.close().map_err(|(_, e)| db_error(e))?;

        let io_error = |source| IntelError::Read {
            path: temp_path.clone(),
            source,
        };
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
