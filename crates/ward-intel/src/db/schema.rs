//! The intel database schema and its migrations.
//!
//! The schema version is SQLite's `user_version`. Migration `N` (1-based) moves a database
//! from version `N - 1` to `N`; a new database runs all of them. Migrations are only ever
//! appended, never edited, so that every older file can be brought forward.

use rusqlite::Connection;

/// Schema version written by this build.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Data layout:
///
/// - `source`: one row per imported feed (`osv:Debian`, `kev`, `epss`) with its snapshot
///   time, import time, counts and the HTTP validators of the last download.
/// - `advisory`: one row per OSV record, with the fields every look-up needs in columns
///   (aliases, related and severity as compact JSON arrays) and the rest of the record,
///   without `affected[]`, in `body`.
/// - `affected`: one row per `affected[]` entry with an index on `(ecosystem, package)`;
///   `entry` is the entry's JSON, verbatim apart from whitespace. A rowid table, because
///   clustering the large entries by package left B-tree pages half empty after random
///   inserts and made the file half again as large. `body` and `entry` are TEXT when short and deflate-compressed BLOBs
///   otherwise (see `stored.rs`).
/// - `alias`: the alias graph as edges (`id` states `other` as `alias`, `related`,
///   `upstream`, or `implied` for `DEBIAN-CVE-…`/`UBUNTU-CVE-…` ids naming a CVE).
/// - `severity`: every severity entry with its provenance, per record or per package.
/// - `kev`, `epss`: the catalog and the score table; EPSS date and model version are the
///   `epss` source's `snapshot_at` and `feed_version`.
pub(super) const MIGRATIONS: &[&str] = &[
    // Version 1.
    r#"
    CREATE TABLE source (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        format        TEXT NOT NULL,
        origin        TEXT NOT NULL,
        snapshot_at   TEXT,
        feed_version  TEXT,
        imported_at   TEXT NOT NULL,
        record_count  INTEGER NOT NULL,
        skipped_count INTEGER NOT NULL,
        etag          TEXT,
        last_modified TEXT
    ) STRICT;

    CREATE TABLE advisory (
        pk        INTEGER PRIMARY KEY,
        id        TEXT NOT NULL,
        source_id INTEGER NOT NULL REFERENCES source(id),
        modified  TEXT,
        published TEXT,
        withdrawn TEXT,
        summary   TEXT,
        aliases   TEXT NOT NULL,
        related   TEXT NOT NULL,
        severity  TEXT NOT NULL,
        body      ANY NOT NULL
    ) STRICT;
    CREATE INDEX advisory_by_id ON advisory(id);
    CREATE INDEX advisory_by_source ON advisory(source_id);

    CREATE TABLE affected (
        advisory  INTEGER NOT NULL,
        seq       INTEGER NOT NULL,
        ecosystem TEXT NOT NULL,
        package   TEXT NOT NULL,
        entry     ANY NOT NULL
    ) STRICT;
    CREATE INDEX affected_by_package ON affected(ecosystem, package, advisory, seq);
    CREATE INDEX affected_by_advisory ON affected(advisory);

    CREATE TABLE alias (
        advisory INTEGER NOT NULL,
        id       TEXT NOT NULL,
        other    TEXT NOT NULL,
        kind     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX alias_by_id ON alias(id);
    CREATE INDEX alias_by_other ON alias(other);
    CREATE INDEX alias_by_advisory ON alias(advisory);

    CREATE TABLE severity (
        advisory   INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        score      TEXT NOT NULL,
        provenance TEXT NOT NULL,
        ecosystem  TEXT,
        package    TEXT
    ) STRICT;
    CREATE INDEX severity_by_advisory ON severity(advisory);

    CREATE TABLE kev (
        cve_id               TEXT PRIMARY KEY,
        vendor_project       TEXT NOT NULL,
        product              TEXT NOT NULL,
        vulnerability_name   TEXT NOT NULL,
        date_added           TEXT NOT NULL,
        short_description    TEXT,
        required_action      TEXT NOT NULL,
        due_date             TEXT,
        known_ransomware_use INTEGER NOT NULL,
        notes                TEXT,
        cwes                 TEXT
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE epss (
        cve_id     TEXT PRIMARY KEY,
        score      REAL NOT NULL,
        percentile REAL NOT NULL
    ) STRICT, WITHOUT ROWID;
    "#,
    // Version 2: NVD, CVE JSON 5 and Anchore records (see `cve_schema.rs`).
    super::cve_schema::CREATE_CVE_TABLES,
];

/// Reads the schema version of an open database.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Applies every migration above the database's version, in one transaction.
///
/// The caller checks first that the version is not newer than [`SCHEMA_VERSION`].
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current = version(conn)?;
    if current >= SCHEMA_VERSION {
        return Ok(());
    }

    let tx = conn.transaction()?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_1_creates_tables() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();

        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        for table in [
            "source", "advisory", "affected", "alias", "severity", "kev", "epss",
        ] {
            let count: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                    [table],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(count, 1, "table {table}");
        }
    }

    #[test]
    fn migrate_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();

        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
    }
}
