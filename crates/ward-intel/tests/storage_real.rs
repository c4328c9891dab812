//! The compact layout on the staged Debian export: records read back whole, and how many
//! `versions[]` lists the ranges already cover. Run by `.ci/run`.

use std::io::Read;
use std::path::PathBuf;

use serde_json::Value;
use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb};
use ward_version::range::{evaluate, Range, Verdict};
use ward_version::Scheme;

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// Reads the zip's records, keeping every tenth one and those with a Debian 12 entry for
/// one of `packages`, and counts the entries with a non-empty `versions[]`.
fn read_zip(path: &std::path::Path, packages: &[&str]) -> (Vec<Value>, usize) {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut kept = Vec::new();
    let mut lists = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        if !entry.name().ends_with(".json") {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        let record: Value = serde_json::from_str(&text).unwrap();

        let entries = record["affected"].as_array().cloned().unwrap_or_default();
        lists += entries
            .iter()
            .filter(|entry| entry["versions"].as_array().is_some_and(|v| !v.is_empty()))
            .count();
        let names_package = entries.iter().any(|entry| {
            entry["package"]["ecosystem"] == "Debian:12"
                && packages
                    .iter()
                    .any(|name| entry["package"]["name"] == *name)
        });
        if index % 10 == 0 || names_package {
            kept.push(record);
        }
    }
    (kept, lists)
}

fn outcome(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Affected { .. } => "affected",
        Verdict::NotAffected => "not affected",
        Verdict::Unknown { .. } => "unknown",
        Verdict::NotEvaluated { .. } => "not evaluated",
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn debian_export_stores_losslessly() {
    let zip_path = shared_dir().join("data/osv/Debian/all.zip");
    let packages = ["glibc", "openssl", "linux"];
    let (records, total_lists) = read_zip(&zip_path, &packages);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    import(&db_path, &[ImportInput::new(&zip_path)], &NoProgress).unwrap();
    let db = IntelDb::open(&db_path).unwrap();

    // The kept records read back equal to the zip's JSON, `versions[]` included.
    let mut by_id = std::collections::HashMap::new();
    for record in &records {
        let id = record["id"].as_str().unwrap();
        let stored = db.records(id).unwrap();
        assert_eq!(stored.len(), 1, "record {id}");
        assert_eq!(&stored[0].record, record, "record {id}");
        by_id.insert(id, record);
    }

    // The moved lists: count them, and check on the Debian 12 entries of glibc, openssl
    // and linux that a look-up without the list gives the same outcome as the whole entry
    // for every listed version and every event version. The whole entries are the zip's,
    // which the records above were checked against.
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    let (with_versions, moved): (i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(versions_in_ranges) FROM affected",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    eprintln!("{moved} of {total_lists} versions[] lists are covered by their ranges ({with_versions} entries)");
    assert!(moved as usize <= total_lists);
    assert!(
        moved as usize * 10 >= total_lists * 8,
        "expected most Debian lists to be covered: {moved} of {total_lists}"
    );

    let scheme = Scheme::from_osv_ecosystem("Debian:12").unwrap();
    for package in packages {
        for advisory in db.advisories_for("Debian:12", package).unwrap() {
            let whole: Vec<&Value> = by_id[advisory.id.as_str()]["affected"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|entry| {
                    entry["package"]["ecosystem"] == "Debian:12"
                        && entry["package"]["name"] == package
                })
                .collect();
            assert_eq!(whole.len(), advisory.affected.len(), "{}", advisory.id);
            for (entry, looked_up) in whole.iter().zip(&advisory.affected) {
                let ranges: Vec<Range> = serde_json::from_value(entry["ranges"].clone()).unwrap();
                let versions: Vec<String> =
                    serde_json::from_value(entry["versions"].clone()).unwrap_or_default();
                let mut candidates = versions.clone();
                for range in &ranges {
                    for event in &range.events {
                        let text = serde_json::to_value(event).unwrap();
                        if let Some(version) = text.as_object().and_then(|o| o.values().next()) {
                            candidates.push(version.as_str().unwrap().to_owned());
                        }
                    }
                }
                for candidate in &candidates {
                    let full = evaluate(scheme, candidate, &ranges, &versions);
                    let lookup =
                        evaluate(scheme, candidate, &looked_up.ranges, &looked_up.versions);
                    assert_eq!(
                        outcome(&full),
                        outcome(&lookup),
                        "{} {package} {candidate}",
                        advisory.id
                    );
                }
            }
        }
    }
}
