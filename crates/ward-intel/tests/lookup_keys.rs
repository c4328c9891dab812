//! Look-up keys of the intel database: PEP 503 names for PyPI and ecosystem coverage.

use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb};

fn record(id: &str, ecosystem: &str, package: &str) -> String {
    format!(
        r#"{{"schema_version": "1.6.0", "id": "{id}", "modified": "2025-01-02T03:04:05Z",
            "affected": [{{
                "package": {{"ecosystem": "{ecosystem}", "name": "{package}"}},
                "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "2.0"}}]}}]
            }}]}}"#
    )
}

fn import_records(dir: &std::path::Path, records: &[(&str, String)]) -> IntelDb {
    let records_dir = dir.join("records");
    std::fs::create_dir_all(&records_dir).unwrap();
    for (name, text) in records {
        std::fs::write(records_dir.join(name), text).unwrap();
    }
    let db_path = dir.join("intel.sqlite");
    let report = import(&db_path, &[ImportInput::new(&records_dir)], &NoProgress).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    IntelDb::open(&db_path).unwrap()
}

#[test]
fn pypi_names_stored_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let db = import_records(
        dir.path(),
        &[
            ("GHSA-1.json", record("GHSA-1", "PyPI", "Zope.Interface")),
            ("GHSA-2.json", record("GHSA-2", "npm", "@Scope/Pkg")),
        ],
    );

    let pypi = db.advisories_for("PyPI", "zope-interface").unwrap();
    assert_eq!(pypi.len(), 1, "normalised look-up finds the record");
    assert_eq!(pypi[0].affected[0].package, "zope-interface");
    assert!(db
        .advisories_for("PyPI", "Zope.Interface")
        .unwrap()
        .is_empty());

    let npm = db.advisories_for("npm", "@Scope/Pkg").unwrap();
    assert_eq!(npm.len(), 1, "npm names are kept verbatim");
    assert!(db.advisories_for("npm", "@scope/pkg").unwrap().is_empty());
}

#[test]
fn ecosystem_coverage_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let db = import_records(
        dir.path(),
        &[(
            "ALPINE-CVE-2024-1.json",
            record("ALPINE-CVE-2024-1", "Alpine:v3.20", "openssl"),
        )],
    );

    assert_eq!(db.has_ecosystem("Alpine:v3.20").unwrap(), Some(true));
    assert_eq!(db.has_ecosystem("Alpine:v3.21").unwrap(), Some(false));
    assert_eq!(db.has_ecosystem("Alpine").unwrap(), Some(false));
}
