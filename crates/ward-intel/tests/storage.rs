//! The compact OSV layout: records read back whole, `versions[]` lists that the ranges
//! already cover left out of look-ups, and sources large enough for dictionaries.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};
use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb};

fn write_zip(path: &Path, records: &[Value]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    for record in records {
        let name = format!("{}.json", record["id"].as_str().unwrap());
        zip.start_file(name, options).unwrap();
        zip.write_all(record.to_string().as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn import_records(dir: &Path, records: &[Value]) -> IntelDb {
    let zip = dir.join("all.zip");
    write_zip(&zip, records);
    let db_path = dir.join("intel.sqlite");
    let report = import(&db_path, &[ImportInput::new(&zip)], &NoProgress).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    IntelDb::open(&db_path).unwrap()
}

/// Builds a DSA-shaped record whose `versions[]` is given and whose range ends at `fixed`.
fn dsa(id: &str, package: &str, fixed: &str, versions: &[&str]) -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2024-05-03T20:15:36.470507Z",
        "published": "2024-05-03T00:00:00Z",
        "related": ["CVE-2024-33599"],
        "summary": format!("{package} - security update"),
        "references": [{"type": "ADVISORY", "url": format!("https://www.debian.org/security/{id}")}],
        "affected": [{
            "package": {"ecosystem": "Debian:12", "name": package, "purl": format!("pkg:deb/debian/{package}?arch=source")},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            "versions": versions,
            "ecosystem_specific": {"urgency": "high"},
            "database_specific": {"source": format!("https://storage.googleapis.com/debian-osv/dsa-osv/{id}.json")}
        }]
    })
}

#[test]
fn versions_inside_ranges_leave_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dsa(
        "DSA-1-1",
        "glibc",
        "2.36-9+deb12u7",
        &["2.36-9", "2.36-9+deb12u6"],
    );
    // 2.36-10 is at or above the fix, so the list adds an affected version.
    let outside = dsa("DSA-2-1", "glibc", "2.36-9+deb12u7", &["2.36-9", "2.36-10"]);
    let db = import_records(dir.path(), &[inside.clone(), outside]);

    let advisories = db.advisories_for("Debian:12", "glibc").unwrap();
    let versions_of = |id: &str| {
        advisories
            .iter()
            .find(|advisory| advisory.id == id)
            .map(|advisory| advisory.affected[0].versions.clone())
            .unwrap()
    };
    assert!(versions_of("DSA-1-1").is_empty(), "covered by the range");
    assert_eq!(versions_of("DSA-2-1"), ["2.36-9", "2.36-10"]);

    let stored = db.records("DSA-1-1").unwrap();
    assert_eq!(stored[0].record["affected"], inside["affected"]);
}

#[test]
fn lookup_returns_entry_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = import_records(
        dir.path(),
        &[dsa("DSA-1-1", "glibc", "2.36-9+deb12u7", &["2.36-9"])],
    );

    let advisory = db.advisories_for("Debian:12", "glibc").unwrap().remove(0);
    let entry = &advisory.affected[0];

    assert_eq!(entry.ecosystem, "Debian:12");
    assert_eq!(entry.package, "glibc");
    assert_eq!(
        entry.purl.as_deref(),
        Some("pkg:deb/debian/glibc?arch=source")
    );
    assert_eq!(entry.ranges.len(), 1);
    assert_eq!(
        entry.ecosystem_specific.as_ref().unwrap()["urgency"],
        "high"
    );
    assert!(entry.database_specific.is_some());
    assert_eq!(advisory.summary.as_deref(), Some("glibc - security update"));
    assert_eq!(
        advisory.modified.unwrap().to_rfc3339(),
        "2024-05-03T20:15:36.470507+00:00"
    );
    assert_eq!(advisory.related, ["CVE-2024-33599"]);
}

#[test]
fn record_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let record = json!({
        "schema_version": "1.6.0",
        "id": "GHSA-aaaa-bbbb-cccc",
        "modified": "2025-01-02T03:04:05Z",
        "aliases": ["CVE-2025-1"],
        "details": "long text",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "Zope.Interface", "extra": 1},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.2"}]}],
                "versions": ["1.0", "1.1", "5.0"],
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}],
                "unknown_field": {"kept": true}
            },
            {
                "ranges": [{"type": "GIT", "repo": "https://example.org/x.git", "events": [{"introduced": "0"}]}]
            },
            {
                "package": {"ecosystem": "PyPI", "name": "zope-interface"},
                "versions": ["1.0", "1.1"]
            }
        ],
        "database_specific": {"x": [1, 2]}
    });
    let db = import_records(dir.path(), std::slice::from_ref(&record));

    let stored = db.records("GHSA-aaaa-bbbb-cccc").unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].record, record);

    // Both PyPI entries are found under the PEP 503 name. Neither list is covered by a
    // range, because 5.0 lies outside it and the second entry has no range.
    let advisory = db
        .advisories_for("PyPI", "zope-interface")
        .unwrap()
        .remove(0);
    assert_eq!(advisory.affected.len(), 2);
    assert_eq!(advisory.affected[0].versions, ["1.0", "1.1", "5.0"]);
    assert_eq!(advisory.affected[1].versions, ["1.0", "1.1"]);
}

#[test]
fn dictionary_source_reads_back() {
    // Enough records for the import to train compression dictionaries.
    let records: Vec<Value> = (0..300)
        .map(|i| {
            dsa(
                &format!("DSA-{i}-1"),
                &format!("pkg{}", i % 40),
                &format!("1.{i}-1"),
                &["1.0-1", "1.0-1+deb12u1"],
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let db = import_records(dir.path(), &records);

    for record in [&records[0], &records[157], &records[299]] {
        let id = record["id"].as_str().unwrap();
        let stored = db.records(id).unwrap();
        assert_eq!(&stored[0].record, record, "record {id}");
    }
    let advisories = db.advisories_for("Debian:12", "pkg17").unwrap();
    assert_eq!(advisories.len(), 8, "records 17, 57, …, 297");
    assert!(advisories
        .iter()
        .all(|advisory| advisory.affected[0].versions.is_empty()));
}
