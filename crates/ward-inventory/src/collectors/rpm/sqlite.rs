//! Reader for rpm's SQLite backend (`rpmdb.sqlite`, rpm 4.16 and later).
//!
//! rpm keeps each header blob in table `Packages (hnum INTEGER PRIMARY KEY, blob BLOB)`;
//! `rpm -qa` lists them in `hnum` order.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

/// A failure to open or query the database.
#[derive(Debug, thiserror::Error)]
#[error("cannot read rpm SQLite database")]
pub struct SqliteError(#[from] rusqlite::Error);

/// Returns every `(hnum, blob)` row of the `Packages` table in `hnum` order.
///
/// The file is opened read-only and immutable, so that reading a mounted image or a
/// read-only fixture never creates `-wal` or `-shm` files beside it.
pub fn read_packages(path: &Path) -> Result<Vec<(u32, Vec<u8>)>, SqliteError> {
    let uri = format!("file:{}?immutable=1", encode_uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(uri, flags)?;
    let mut statement = connection.prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, u32>(0)?, row.get::<_, Vec<u8>>(1)?))
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Percent-encodes the characters that end or escape a path in an SQLite URI.
fn encode_uri_path(path: &Path) -> String {
    let mut out = String::new();
    for character in path.to_string_lossy().chars() {
        match character {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            _ => out.push(character),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_reads_rows_in_hnum_order() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("rpm?db#%.sqlite");
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL);")
            .unwrap();
        connection
            .execute("INSERT INTO Packages VALUES (2, x'0202')", [])
            .unwrap();
        connection
            .execute("INSERT INTO Packages VALUES (1, x'01')", [])
            .unwrap();
        drop(connection);

        let rows = read_packages(&path).unwrap();
        assert_eq!(rows, vec![(1, vec![1]), (2, vec![2, 2])]);
    }

    #[test]
    fn sqlite_garbage_file_is_an_error() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("rpmdb.sqlite");
        std::fs::write(&path, b"not a database at all, just text").unwrap();
        assert!(read_packages(&path).is_err());
    }
}
