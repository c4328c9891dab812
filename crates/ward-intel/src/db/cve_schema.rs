//! Tables of the per-CVE feeds: NVD CVE API 2.0, CVE JSON 5.x and Anchore's overrides.
//!
//! These feeds describe a CVE rather than a package, so they live beside the OSV tables
//! instead of in them:
//!
//! - `cve_record`: one row per CVE and source (`nvd`, `cve5`, `anchore`). `state` is NVD's
//!   `vulnStatus` or CVE 5's `cveMetadata.state`, and `rejected` flags a rejected CVE so
//!   that it yields no finding. `weaknesses`, `refs` and `cpes` are compact JSON arrays.
//!   `configurations` is the NVD-shaped CPE applicability tree as compact JSON (deflated
//!   when long, see `stored.rs`), NULL when the record has none. `kev_date_added` is the
//!   KEV marker of CISA's ADP container. `note` is Anchore's reason for an override.
//! - `cve_metric`: every CVSS vector of a record with its provenance. `provider` is who
//!   scored (`nvd@nist.gov`, a CNA's address or short name, `CISA-ADP`); `role` is
//!   `primary` (NVD's own), `cna` or `adp`; `stated_score` is the base score the feed
//!   states, kept to compare with the computed one.
//! - `cve_ssvc`: SSVC decision points per record and provider.

/// SQL of the migration that adds the tables above.
pub(super) const CREATE_CVE_TABLES: &str = r#"
    CREATE TABLE cve_record (
        pk             INTEGER PRIMARY KEY,
        cve_id         TEXT NOT NULL,
        source_id      INTEGER NOT NULL REFERENCES source(id),
        format         TEXT NOT NULL,
        state          TEXT,
        rejected       INTEGER NOT NULL,
        assigner       TEXT,
        published      TEXT,
        modified       TEXT,
        description    TEXT,
        weaknesses     TEXT NOT NULL,
        refs           TEXT NOT NULL,
        cpes           TEXT NOT NULL,
        configurations ANY,
        kev_date_added TEXT,
        note           TEXT
    ) STRICT;
    CREATE UNIQUE INDEX cve_record_by_id ON cve_record(cve_id, source_id);
    CREATE INDEX cve_record_by_source ON cve_record(source_id);

    CREATE TABLE cve_metric (
        record         INTEGER NOT NULL,
        version        TEXT NOT NULL,
        vector         TEXT NOT NULL,
        provider       TEXT NOT NULL,
        role           TEXT NOT NULL,
        stated_score   REAL,
        stated_rating  TEXT
    ) STRICT;
    CREATE INDEX cve_metric_by_record ON cve_metric(record);

    CREATE TABLE cve_ssvc (
        record           INTEGER NOT NULL,
        provider         TEXT NOT NULL,
        exploitation     TEXT,
        automatable      TEXT,
        technical_impact TEXT,
        timestamp        TEXT
    ) STRICT;
    CREATE INDEX cve_ssvc_by_record ON cve_ssvc(record);
"#;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::db::schema::{migrate, version};

    #[test]
    fn migration_2_adds_cve_tables_to_version_1() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::schema::MIGRATIONS[0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();

        migrate(&mut conn).unwrap();

        assert!(version(&conn).unwrap() >= 2);
        for table in ["cve_record", "cve_metric", "cve_ssvc"] {
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
}
