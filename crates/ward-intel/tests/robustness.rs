//! Import and open edge cases: the shrink guard on every kind of source, KEV's three-state
//! ransomware field, and migration of an older database under the import lock.

use std::io::Write;
use std::path::{Path, PathBuf};

use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{IntelDb, IntelError};

fn anchore_override(id: &str) -> String {
    format!(
        r#"{{"_annotation": {{"cna": "example", "cve_id": "{id}", "description": "Override.",
          "modified": "2024-08-01T16:27:57.203000+00:00", "reason": "NVD has not analysed it."}},
          "cve": {{"configurations": [{{"nodes": [{{"operator": "OR", "negate": false,
            "cpeMatch": [{{"criteria": "cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*",
              "vulnerable": true, "versionEndExcluding": "2.0"}}]}}]}}]}}}}"#
    )
}

/// Writes Anchore's overrides for `count` CVEs as the repository's tar.gz.
fn anchore_tar_gz(path: &Path, count: usize) -> PathBuf {
    let mut builder = tar::Builder::new(Vec::new());
    for index in 0..count {
        let id = format!("CVE-2024-{index:04}");
        let body = anchore_override(&id);
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("data/2024/{id}.json"), body.as_bytes())
            .unwrap();
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&builder.into_inner().unwrap()).unwrap();
    std::fs::write(path, encoder.finish().unwrap()).unwrap();
    path.to_owned()
}

fn anchore_count(db_path: &Path) -> u64 {
    let db = IntelDb::open(db_path).unwrap();
    let sources = db.sources().unwrap();
    let anchore = sources.iter().find(|source| source.name == "anchore");
    anchore.map_or(0, |source| source.record_count)
}

#[test]
fn anchore_shrink_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let full = anchore_tar_gz(&dir.path().join("full.tar.gz"), 120);
    let partial = anchore_tar_gz(&dir.path().join("partial.tar.gz"), 3);
    import(&db, &[ImportInput::new(&full)], &NoProgress).unwrap();
    assert_eq!(anchore_count(&db), 120);

    let error = import(&db, &[ImportInput::new(&partial)], &NoProgress).unwrap_err();

    assert!(
        matches!(&error, IntelError::SourceShrink { name, old: 120, new: 3 } if name == "anchore"),
        "{error:?}"
    );
    assert_eq!(anchore_count(&db), 120);
}

const KEV: &str = r#"{"catalogVersion": "2026.01.02", "dateReleased": "2026-01-02T10:00:00.000Z",
    "vulnerabilities": [
      {"cveID": "CVE-2024-0001", "vendorProject": "V", "product": "P", "vulnerabilityName": "N",
       "dateAdded": "2025-01-01", "requiredAction": "Patch", "knownRansomwareCampaignUse": "Known"},
      {"cveID": "CVE-2024-0002", "vendorProject": "V", "product": "P", "vulnerabilityName": "N",
       "dateAdded": "2025-01-01", "requiredAction": "Patch", "knownRansomwareCampaignUse": "Unknown"},
      {"cveID": "CVE-2024-0003", "vendorProject": "V", "product": "P", "vulnerabilityName": "N",
       "dateAdded": "2025-01-01", "requiredAction": "Patch"}]}"#;

#[test]
fn kev_ransomware_use_round_trips() {
    use ward_intel::{Intel, RansomwareUse};

    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let kev = dir.path().join("kev.json");
    std::fs::write(&kev, KEV).unwrap();
    import(&db_path, &[ImportInput::new(&kev)], &NoProgress).unwrap();

    let db = IntelDb::open(&db_path).unwrap();
    let cases = [
        ("CVE-2024-0001", Some(RansomwareUse::Known)),
        ("CVE-2024-0002", Some(RansomwareUse::Unknown)),
        ("CVE-2024-0003", None),
    ];
    for (cve, expected) in cases {
        let entry = db.kev(cve).unwrap().unwrap();
        assert_eq!(entry.known_ransomware_use, expected, "case {cve}");
    }
    let json = serde_json::to_value(db.kev("CVE-2024-0002").unwrap().unwrap()).unwrap();
    assert_eq!(json["known_ransomware_use"], "unknown");
}

/// Imports the KEV file into a new database, then gives it the `cve_record` table of
/// schema version 4 and marks it as version 4, so that the next open migrates it.
fn outdated_database(dir: &Path) -> PathBuf {
    let db_path = dir.join("intel.sqlite");
    let kev = dir.join("kev.json");
    std::fs::write(&kev, KEV).unwrap();
    import(&db_path, &[ImportInput::new(&kev)], &NoProgress).unwrap();
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    conn.execute_batch(
        "DROP TABLE cve_record;
         CREATE TABLE cve_record (
             pk INTEGER PRIMARY KEY, cve_id TEXT NOT NULL, source_id INTEGER NOT NULL,
             format TEXT NOT NULL, state TEXT, rejected INTEGER NOT NULL, assigner TEXT,
             published TEXT, modified TEXT, description TEXT, weaknesses TEXT NOT NULL,
             refs TEXT NOT NULL, cpes TEXT NOT NULL, configurations ANY,
             kev_date_added TEXT, note TEXT
         ) STRICT;
         PRAGMA user_version = 4;",
    )
    .unwrap();
    db_path
}

fn schema_version(db_path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db_path).unwrap();
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn migration_waits_for_import_lock() {
    use std::sync::mpsc;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let db_path = outdated_database(dir.path());
    let old_version = schema_version(&db_path);
    let lock = std::fs::File::create(dir.path().join("intel.sqlite.lock")).unwrap();
    lock.lock().unwrap();

    let (sender, receiver) = mpsc::channel();
    let openers: Vec<_> = (0..2)
        .map(|_| {
            let db_path = db_path.clone();
            let sender = sender.clone();
            std::thread::spawn(move || {
                let result = IntelDb::open(&db_path).map(|_| ());
                sender
                    .send(result.map_err(|error| error.to_string()))
                    .unwrap();
            })
        })
        .collect();

    assert!(
        receiver.recv_timeout(Duration::from_millis(500)).is_err(),
        "open migrated without the lock"
    );
    assert_eq!(schema_version(&db_path), old_version);
    lock.unlock().unwrap();
    for _ in 0..2 {
        let result = receiver.recv_timeout(Duration::from_secs(20)).unwrap();
        assert_eq!(result, Ok(()));
    }
    for opener in openers {
        opener.join().unwrap();
    }
    assert_eq!(schema_version(&db_path), old_version + 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
