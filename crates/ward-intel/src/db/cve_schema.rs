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
//!
//! Version 5 moves the columns that only `ward vuln show` and CPE matching read
//! (`description`, `weaknesses`, `refs`, `cpes`, `configurations`, `note`) into one
//! `body` value, a JSON object with those keys. It is TEXT, or a BLOB holding a zstd frame
//! of that JSON compressed with the source's `CveBody` dictionary (see `packed.rs`).
//! Descriptions and reference lists repeat their boilerplate from CVE to CVE, so on the
//! staged NVD, CVE 5 and Anchore snapshots the dictionary shrank the table from 70 MB to
//! 28 MB.
//! Rows written by version 2 to 4 keep their `configurations` column (TEXT or deflated
//! BLOB, see `stored.rs`); newer rows leave it NULL and store the trees in `body`.

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

/// SQL of migration 5: the `body` layout described in the module documentation. Rows
/// keep their `pk`, so `cve_metric` and `cve_ssvc` still point at them.
pub(super) const CVE_BODY_5: &str = r#"
    CREATE TABLE cve_record_5 (
        pk             INTEGER PRIMARY KEY,
        cve_id         TEXT NOT NULL,
        source_id      INTEGER NOT NULL REFERENCES source(id),
        format         TEXT NOT NULL,
        state          TEXT,
        rejected       INTEGER NOT NULL,
        assigner       TEXT,
        published      TEXT,
        modified       TEXT,
        kev_date_added TEXT,
        body           ANY NOT NULL,
        configurations ANY
    ) STRICT;
    INSERT INTO cve_record_5
        SELECT pk, cve_id, source_id, format, state, rejected, assigner, published, modified,
               kev_date_added,
               json_object('description', description, 'weaknesses', json(weaknesses),
                           'refs', json(refs), 'cpes', json(cpes), 'note', note),
               configurations
        FROM cve_record;
    DROP TABLE cve_record;
    ALTER TABLE cve_record_5 RENAME TO cve_record;
    CREATE UNIQUE INDEX cve_record_by_id ON cve_record(cve_id, source_id);
    CREATE INDEX cve_record_by_source ON cve_record(source_id);
"#;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::db::schema::{migrate, migrate_to, version};

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

    #[test]
    fn migration_5_moves_cold_columns_into_body() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 4).unwrap();
        conn.execute_batch(
            r#"INSERT INTO source (id, name, format, origin, imported_at, record_count, skipped_count)
                   VALUES (1, 'nvd', 'nvd', 'nvd.json', '2026-01-01T00:00:00Z', 1, 0);
               INSERT INTO cve_record (pk, cve_id, source_id, format, rejected, description,
                       weaknesses, refs, cpes, configurations, note)
                   VALUES (7, 'CVE-2024-1', 1, 'nvd', 0, 'overflow', '[{"cwe":"CWE-787"}]',
                           '[{"url":"https://example.org"}]', '[]', '[{"nodes":[]}]', NULL);"#,
        )
        .unwrap();

        migrate(&mut conn).unwrap();

        let (pk, description, cwe, url, configurations): (i64, String, String, String, String) =
            conn.query_row(
                "SELECT pk, body ->> '$.description', body ->> '$.weaknesses[0].cwe',
                        body ->> '$.refs[0].url', configurations
                 FROM cve_record WHERE cve_id = 'CVE-2024-1'",
                [],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!(pk, 7, "pk kept for cve_metric and cve_ssvc");
        assert_eq!(description, "overflow");
        assert_eq!(cwe, "CWE-787");
        assert_eq!(url, "https://example.org");
        assert_eq!(configurations, r#"[{"nodes":[]}]"#);
    }
}
