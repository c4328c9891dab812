//! Findings for a real Debian 12 dpkg status against the real Debian OSV export, checked
//! pair by pair against a reference evaluation written here.
//!
//! The reference is deliberately plain: its own parse of the status file, straight loops
//! over the zip's JSON records as `serde_json::Value`, OSV interval semantics written out
//! for the range shapes the export uses, and `dpkg --compare-versions` as the comparator.
//! The product side runs the real collector on a fixture root and `ward_assess::assess`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use ward_assess::{assess, EvidenceOutcome, FindingStatus, NotAssessedReason};
use ward_intel::{Advisory, Affected, MemoryIntel, Severity};
use ward_inventory::{collect, CollectOptions};
use ward_version::range::Range;

const ECOSYSTEM: &str = "Debian:12";

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// The reference's view of one (source package, source version, record) pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Expected {
    AffectedWithFix(String),
    AffectedNoFix,
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn bookworm_host_matches_reference() {
    let shared = shared_dir();
    let status_path =
        shared.join("fixtures/pkgdb/dpkg/debian-12-bookworm-amd64-this-machine.status");
    let zip_path = shared.join("data/osv/Debian/all.zip");

    let records = read_records(&zip_path);
    let installed = reference_sources(&status_path);
    let expected = reference_evaluation(&records, &installed);

    // Product side: the real collector on a fixture root, then the matcher.
    let root = tempfile::tempdir().expect("temporary directory");
    write_fixture_root(root.path(), &status_path);
    let inventory = collect(&CollectOptions::new(root.path()));
    assert_eq!(
        inventory.device.advisory_ecosystem.as_deref(),
        Some(ECOSYSTEM)
    );
    assert_eq!(inventory.software.len(), 720, "installed binary packages");

    let intel = memory_intel(&records);
    let assessment = assess(&inventory, &intel);

    let mut actual: BTreeMap<(String, String, String), Expected> = BTreeMap::new();
    for finding in &assessment.findings {
        assert_ne!(finding.status, FindingStatus::Unknown, "{finding:#?}");
        for evidence in &finding.evidence {
            if evidence.outcome != EvidenceOutcome::Affected {
                continue;
            }
            let key = (
                finding.component.advisory_package.clone(),
                finding.component.advisory_version.clone(),
                evidence.record_id.clone(),
            );
            let value = match &evidence.fixed_version {
                Some(fixed) => Expected::AffectedWithFix(fixed.clone()),
                None => Expected::AffectedNoFix,
            };
            actual.insert(key, value);
        }
    }

    let missing: Vec<_> = expected
        .iter()
        .filter(|(k, v)| actual.get(*k) != Some(v))
        .collect();
    let extra: Vec<_> = actual
        .iter()
        .filter(|(k, _)| !expected.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "pairs the reference finds and ward does not: {missing:#?}"
    );
    assert!(
        extra.is_empty(),
        "pairs ward finds and the reference does not: {extra:#?}"
    );

    // The snapshot predates the host: no fix applies, and every finding is a no-fix one.
    let with_fix = expected
        .values()
        .filter(|v| matches!(v, Expected::AffectedWithFix(_)))
        .count();
    assert_eq!(with_fix, 0, "installed < fixed pairs");
    assert_eq!(
        expected.len(),
        743,
        "records without a fix on installed packages (752 before the 9 of NodeSource's nodejs)"
    );
    assert_eq!(assessment.stats.affected_with_fix, 0);
    assert!(assessment
        .findings
        .iter()
        .all(|finding| finding.status == FindingStatus::AffectedNoFix));
    assert_eq!(assessment.stats.unknown, 0);
    assert_eq!(assessment.stats.components, installed.len());

    let not_assessed: Vec<(&str, NotAssessedReason)> = assessment
        .not_assessed
        .iter()
        .map(|row| (row.name.as_str(), row.reason))
        .collect();
    assert_eq!(
        not_assessed,
        [("nodejs", NotAssessedReason::ThirdPartyBuild)],
        "third-party builds set aside"
    );
}

/// Reads every record of the export that has an entry for the release.
fn read_records(zip_path: &Path) -> Vec<Value> {
    let file =
        std::fs::File::open(zip_path).unwrap_or_else(|e| panic!("{}: {e}", zip_path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("readable zip");
    let mut records = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("zip entry");
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("UTF-8 record");
        let record: Value = serde_json::from_str(&text).expect("JSON record");
        let has_release = record["affected"].as_array().is_some_and(|entries| {
            entries
                .iter()
                .any(|a| a["package"]["ecosystem"] == ECOSYSTEM)
        });
        if has_release {
            records.push(record);
        }
    }
    records
}

/// Parses the status file on its own: source name → installed source versions.
fn reference_sources(status_path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(status_path).expect("status file");
    let mut sources: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for paragraph in text.split("\n\n") {
        let mut fields: HashMap<&str, &str> = HashMap::new();
        for line in paragraph.lines() {
            if line.starts_with([' ', '\t']) {
                continue;
            }
            if let Some((key, value)) = line.split_once(':') {
                fields.insert(key, value.trim());
            }
        }
        if fields.get("Status") != Some(&"install ok installed") {
            continue;
        }
        // The host's one third-party build, NodeSource's `nodejs`, is not Debian's package
        // and is not judged by Debian's records.
        if fields
            .get("Maintainer")
            .is_some_and(|maintainer| maintainer.contains("@nodesource.com"))
        {
            continue;
        }
        let (Some(package), Some(version)) = (fields.get("Package"), fields.get("Version")) else {
            continue;
        };
        let source = fields.get("Source").copied().unwrap_or(package);
        let (name, source_version) = match source.split_once('(') {
            Some((name, rest)) => (name.trim(), rest.trim_end_matches(')').trim()),
            None => (source.trim(), *version),
        };
        sources
            .entry(name.to_owned())
            .or_default()
            .insert(source_version.to_owned());
    }
    sources
}

/// Evaluates every (installed source version, record) pair with plain OSV semantics.
fn reference_evaluation(
    records: &[Value],
    installed: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<(String, String, String), Expected> {
    // Collect the comparisons first, so dpkg runs once in one batch.
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for (record, entry) in entries_of(records, installed) {
        let _ = record;
        let versions = &installed[entry["package"]["name"].as_str().unwrap_or_default()];
        for version in versions {
            for event in events(entry) {
                if event.1 != "0" {
                    pairs.insert((version.clone(), event.1.clone()));
                }
            }
        }
    }
    let order = dpkg_compare_all(&pairs);

    let mut expected = BTreeMap::new();
    for (record, entry) in entries_of(records, installed) {
        let id = record["id"].as_str().unwrap_or_default();
        let package = entry["package"]["name"].as_str().unwrap_or_default();
        for version in &installed[package] {
            let listed = entry["versions"]
                .as_array()
                .is_some_and(|list| list.iter().any(|v| v == version.as_str()));
            let mut outcome = if listed {
                Some(Expected::AffectedNoFix)
            } else {
                None
            };

            for range in entry["ranges"].as_array().into_iter().flatten() {
                assert_eq!(range["type"], "ECOSYSTEM", "{id}: unexpected range type");
                let range_events: Vec<(String, String)> = range_events(range);
                let mut open: Option<bool> = None;
                for (kind, value) in &range_events {
                    let at_or_after =
                        |v: &str| v == "0" || order[&(version.clone(), v.to_owned())] >= 0;
                    match kind.as_str() {
                        "introduced" => open = Some(at_or_after(value)),
                        "fixed" => {
                            if open == Some(true) && order[&(version.clone(), value.clone())] < 0 {
                                outcome = Some(Expected::AffectedWithFix(value.clone()));
                            }
                            open = None;
                        }
                        other => panic!("{id}: event `{other}` not in the reference's shapes"),
                    }
                }
                if open == Some(true) {
                    outcome = Some(Expected::AffectedNoFix);
                }
            }

            if let Some(outcome) = outcome {
                expected.insert(
                    (package.to_owned(), version.clone(), id.to_owned()),
                    outcome,
                );
            }
        }
    }
    expected
}

fn entries_of<'a>(
    records: &'a [Value],
    installed: &'a BTreeMap<String, BTreeSet<String>>,
) -> impl Iterator<Item = (&'a Value, &'a Value)> {
    records
        .iter()
        .filter(|record| record.get("withdrawn").is_none_or(Value::is_null))
        .flat_map(|record| {
            record["affected"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |entry| (record, entry))
        })
        .filter(|(_, entry)| {
            entry["package"]["ecosystem"] == ECOSYSTEM
                && entry["package"]["name"]
                    .as_str()
                    .is_some_and(|name| installed.contains_key(name))
        })
}

fn range_events(range: &Value) -> Vec<(String, String)> {
    range["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|event| event.as_object()?.iter().next())
        .map(|(kind, value)| (kind.clone(), value.as_str().unwrap_or_default().to_owned()))
        .collect()
}

fn events(entry: &Value) -> Vec<(String, String)> {
    entry["ranges"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(range_events)
        .collect()
}

/// Compares every pair with `dpkg --compare-versions` in one shell: -1, 0 or 1 for a < b,
/// a = b, a > b.
fn dpkg_compare_all(pairs: &BTreeSet<(String, String)>) -> HashMap<(String, String), i8> {
    let script = r#"while IFS="$(printf '\t')" read -r a b; do
        if dpkg --compare-versions "$a" lt "$b"; then echo -1;
        elif dpkg --compare-versions "$a" eq "$b"; then echo 0;
        else echo 1; fi
    done"#;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut input = String::new();
    for (a, b) in pairs {
        input.push_str(&format!("{a}\t{b}\n"));
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("dpkg batch finishes");
    writer
        .join()
        .expect("writer thread")
        .expect("input written");
    assert!(output.status.success(), "dpkg batch failed");

    let results: Vec<i8> = String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| line.parse().expect("-1, 0 or 1"))
        .collect();
    assert_eq!(results.len(), pairs.len(), "one dpkg result per pair");
    pairs.iter().cloned().zip(results).collect()
}

/// Writes a fixture root: the status file and a Debian 12 `os-release`.
fn write_fixture_root(root: &Path, status_path: &Path) {
    let dpkg = root.join("var/lib/dpkg");
    std::fs::create_dir_all(&dpkg).expect("dpkg directory");
    std::fs::copy(status_path, dpkg.join("status")).expect("status copied");
    let etc = root.join("etc");
    std::fs::create_dir_all(&etc).expect("etc directory");
    std::fs::write(
        etc.join("os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
         VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
    )
    .expect("os-release written");
}

/// Converts the JSON records into the intel model and holds them in memory.
fn memory_intel(records: &[Value]) -> MemoryIntel {
    let mut intel = MemoryIntel::new();
    for record in records {
        let strings = |key: &str| -> Vec<String> {
            record[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let affected = record["affected"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["package"]["ecosystem"] == ECOSYSTEM)
            .map(|entry| Affected {
                ecosystem: ECOSYSTEM.to_owned(),
                package: entry["package"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                purl: None,
                ranges: serde_json::from_value::<Vec<Range>>(entry["ranges"].clone())
                    .unwrap_or_default(),
                versions: entry["versions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                ecosystem_specific: entry.get("ecosystem_specific").cloned(),
                database_specific: None,
            })
            .collect();
        let severity = record["severity"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| Severity {
                kind: entry["type"].as_str().unwrap_or_default().to_owned(),
                score: entry["score"].as_str().unwrap_or_default().to_owned(),
                source: "osv:Debian".to_owned(),
            })
            .collect();
        intel.add_advisory(Advisory {
            id: record["id"].as_str().unwrap_or_default().to_owned(),
            aliases: strings("aliases"),
            related: strings("related"),
            summary: record["summary"].as_str().map(str::to_owned),
            modified: None,
            published: None,
            withdrawn: record["withdrawn"].as_str().and_then(|w| w.parse().ok()),
            severity,
            affected,
            source: "osv:Debian".to_owned(),
        });
    }
    intel
}
