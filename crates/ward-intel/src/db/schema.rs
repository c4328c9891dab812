//! The intel database schema and its migrations.
//!
//! The schema version is SQLite's `user_version`. Migration `N` (1-based) moves a database
//! from version `N - 1` to `N`; a new database runs all of them. Migrations are only ever
//! appended, never edited, so that every older file can be brought forward.

use rusqlite::Connection;

/// Schema version written by this build.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Data layout (version 3):
///
/// - `source`: one row per imported feed (`osv:Debian`, `kev`, `epss`) with its snapshot
///   time, import time, counts and the HTTP validators of the last download.
/// - `advisory`: one row per OSV record with only what a look-up returns: id, times as
///   Unix microseconds, summary, and aliases, related and severity as compact JSON arrays.
///   Rows are small so that the records of one scan share few pages.
/// - `advisory_body`: the rest of each record, read only by `ward vuln show`: the record
///   without `affected[]`, plus each entry's `package` object in an `affected` array, as
///   a zstd frame with the source's `Body` dictionary (see `packed.rs`).
/// - `affected`: one row per `affected[]` entry, clustered by `(ecosystem, package)` so a
///   look-up reads adjacent pages. `entry` is the entry's JSON without `package` name and
///   ecosystem (only `purl` stays) and without `versions[]` when `versions_in_ranges` is
///   1, as a zstd frame with the source's `Entry` dictionary. `versions_in_ranges` is set
///   at import when every listed version parses in the ecosystem's scheme and lies inside
///   the entry's ranges, so the list changes no verdict.
/// - `affected_versions`: those moved `versions[]` lists, one zstd frame per (source,
///   ecosystem, package) holding a JSON object `{"<advisory pk>/<seq>": [versions…]}`;
///   the lists of one package repeat each other and compress well together.
/// - `dictionary`: the zstd dictionaries of each source, by kind (0 entries, 1 bodies).
/// - `alias`: the alias graph as edges. `id` states `other` as kind 0 (`aliases`),
///   1 (`related`), 2 (`upstream`) or 3 (implied, for `DEBIAN-CVE-…`/`UBUNTU-CVE-…` ids
///   naming a CVE); `advisory` is the stating record.
/// - Severity entries stay in the records: record-level ones in `advisory.severity`,
///   per-package ones in their `affected` entry. The version 1 `severity` table, which
///   nothing read, is gone.
/// - `kev`, `epss`: the catalog and the score table; EPSS date and model version are the
///   `epss` source's `snapshot_at` and `feed_version`.
/// - `cve_record`, `cve_metric`, `cve_ssvc`: the per-CVE feeds (see `cve_schema.rs`).
///
/// No table has an index by advisory or source: replacing a source scans `affected` and
/// `alias` once, which costs less than the indexes would on every import and in file size.
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
    // Version 3: the compact OSV layout. Version 2 OSV rows cannot be converted in SQL
    // (their JSON is deflated), so their sources are dropped and must be imported again;
    // see `REBUILD_BELOW`.
    OSV_LAYOUT_3,
    // Version 4: `kev.known_ransomware_use` may be NULL (1 `Known`, 0 `Unknown`, NULL not
    // stated). Earlier files stored both `Unknown` and a missing field as 0, which stays 0.
    KEV_RANSOMWARE_USE_4,
    // Version 5: `cve_record` keeps its cold columns in one compressed `body` (see
    // `cve_schema.rs`); existing rows are converted in SQL and stay readable.
    super::cve_schema::CVE_BODY_5,
];

/// Oldest schema version whose OSV records this build reads. A file below it opens only
/// after `ward db import` or `ward db update` rebuilt it (see `IntelDb::open`).
pub const REBUILD_BELOW: i64 = 3;

/// Migration 3: drops the OSV tables of version 1 and the sources stored in them, and
/// creates the layout described on [`MIGRATIONS`]. KEV, EPSS and the per-CVE tables stay.
const OSV_LAYOUT_3: &str = r#"
    UPDATE source SET format = 'osv' WHERE id IN (SELECT DISTINCT source_id FROM advisory);
    DROP TABLE affected;
    DROP TABLE alias;
    DROP TABLE severity;
    DROP TABLE advisory;
    DELETE FROM source WHERE format IN ('osv', 'rustsec', 'pypa', 'alpine-secdb');

    CREATE TABLE advisory (
        pk        INTEGER PRIMARY KEY,
        id        TEXT NOT NULL,
        source_id INTEGER NOT NULL REFERENCES source(id),
        modified  INTEGER,
        published INTEGER,
        withdrawn INTEGER,
        summary   TEXT,
        aliases   TEXT NOT NULL,
        related   TEXT NOT NULL,
        severity  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX advisory_by_id ON advisory(id);

    CREATE TABLE advisory_body (
        pk   INTEGER PRIMARY KEY,
        body BLOB NOT NULL
    ) STRICT;

    CREATE TABLE affected (
        ecosystem          TEXT NOT NULL,
        package            TEXT NOT NULL,
        advisory           INTEGER NOT NULL,
        seq                INTEGER NOT NULL,
        versions_in_ranges INTEGER NOT NULL,
        entry              BLOB NOT NULL,
        PRIMARY KEY (ecosystem, package, advisory, seq)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE affected_versions (
        source_id INTEGER NOT NULL,
        ecosystem TEXT NOT NULL,
        package   TEXT NOT NULL,
        lists     BLOB NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX affected_versions_by_package
        ON affected_versions(ecosystem, package, source_id);

    CREATE TABLE dictionary (
        source_id INTEGER NOT NULL,
        kind      INTEGER NOT NULL,
        bytes     BLOB NOT NULL,
        PRIMARY KEY (source_id, kind)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE alias (
        id       TEXT NOT NULL,
        other    TEXT NOT NULL,
        kind     INTEGER NOT NULL,
        advisory INTEGER NOT NULL,
        PRIMARY KEY (id, other, kind, advisory)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX alias_by_other ON alias(other);
"#;

/// Migration 4: rebuilds `kev` with `known_ransomware_use` nullable, because SQLite
/// cannot drop a NOT NULL constraint in place.
const KEV_RANSOMWARE_USE_4: &str = r#"
    CREATE TABLE kev_4 (
        cve_id               TEXT PRIMARY KEY,
        vendor_project       TEXT NOT NULL,
        product              TEXT NOT NULL,
        vulnerability_name   TEXT NOT NULL,
        date_added           TEXT NOT NULL,
        short_description    TEXT,
        required_action      TEXT NOT NULL,
        due_date             TEXT,
        known_ransomware_use INTEGER,
        notes                TEXT,
        cwes                 TEXT
    ) STRICT, WITHOUT ROWID;
    INSERT INTO kev_4 SELECT cve_id, vendor_project, product, vulnerability_name, date_added,
        short_description, required_action, due_date, known_ransomware_use, notes, cwes FROM kev;
    DROP TABLE kev;
    ALTER TABLE kev_4 RENAME TO kev;
"#;

/// Reads the schema version of an open database.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Returns whether a database of schema `version` 0 already has tables, which makes it
/// another program's database rather than a new intel database.
pub fn is_foreign(conn: &Connection, version: i64) -> rusqlite::Result<bool> {
    if version != 0 {
        return Ok(false);
    }
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table')",
        [],
        |row| row.get(0),
    )
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

/// Applies the migrations up to version `target` only, to build files of older versions
/// in tests.
#[cfg(test)]
pub fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (index, sql) in MIGRATIONS.iter().enumerate().take(target as usize) {
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
            "source",
            "advisory",
            "advisory_body",
            "affected",
            "affected_versions",
            "dictionary",
            "alias",
            "kev",
            "epss",
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
    fn migration_3_drops_osv_sources_only() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO source (id, name, format, origin, imported_at, record_count, skipped_count)
                 VALUES (1, 'osv:Debian', 'osv', 'all.zip', '2026-01-01', 1, 0),
                        (2, 'kev', 'kev', 'kev.json', '2026-01-01', 1, 0),
                        (3, 'rustsec', 'rustsec', 'db.zip', '2026-01-01', 0, 0);
             INSERT INTO advisory (pk, id, source_id, aliases, related, severity, body)
                 VALUES (1, 'DSA-1', 1, '[]', '[]', '[]', '{}');
             INSERT INTO kev (cve_id, vendor_project, product, vulnerability_name, date_added,
                              required_action, known_ransomware_use)
                 VALUES ('CVE-1', 'v', 'p', 'n', '2026-01-01', 'patch', 0);",
        )
        .unwrap();

        migrate(&mut conn).unwrap();

        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
        let sources: Vec<String> = conn
            .prepare("SELECT name FROM source ORDER BY name")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(sources, ["kev"]);
        let kev: i64 = conn
            .query_row("SELECT count(*) FROM kev", [], |row| row.get(0))
            .unwrap();
        assert_eq!(kev, 1);
        let advisories: i64 = conn
            .query_row("SELECT count(*) FROM advisory", [], |row| row.get(0))
            .unwrap();
        assert_eq!(advisories, 0);
    }

    #[test]
    fn migration_4_makes_ransomware_use_nullable() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO kev (cve_id, vendor_project, product, vulnerability_name, date_added,
                              required_action, known_ransomware_use)
                 VALUES ('CVE-1', 'v', 'p', 'n', '2026-01-01', 'patch', 1),
                        ('CVE-2', 'v', 'p', 'n', '2026-01-01', 'patch', 0);",
        )
        .unwrap();

        conn.execute_batch(MIGRATIONS[3]).unwrap();
        conn.pragma_update(None, "user_version", 4).unwrap();

        assert_eq!(version(&conn).unwrap(), 4);
        conn.execute(
            "INSERT INTO kev (cve_id, vendor_project, product, vulnerability_name, date_added,
                              required_action, known_ransomware_use)
                 VALUES ('CVE-3', 'v', 'p', 'n', '2026-01-01', 'patch', NULL)",
            [],
        )
        .unwrap();
        let stored: Vec<(String, Option<i64>)> = conn
            .prepare("SELECT cve_id, known_ransomware_use FROM kev ORDER BY cve_id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            stored,
            [
                ("CVE-1".to_owned(), Some(1)),
                ("CVE-2".to_owned(), Some(0)),
                ("CVE-3".to_owned(), None)
            ]
        );
    }

    #[test]
    fn migrate_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();

        assert_eq!(version(&conn).unwrap(), SCHEMA_VERSION);
    }
}
