//! Module streams against the real AlmaLinux and Rocky Linux OSV exports: a RHEL 9 image
//! with `nodejs:18` module builds, read from its rpm manifest, assessed as a rebuild of each.
//!
//! The check is independent of the matcher's own rule code: every affected evidence of a
//! `nodejs:18` build must come from a record whose fixed version is a module build and
//! whose summary names `nodejs:18` or no stream, and every affected evidence of a base
//! package from a record whose fixed version is not a module build.

use std::path::PathBuf;

use ward_assess::{assess, EvidenceOutcome};
use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb};
use ward_inventory::collectors::rpm::manifest;
use ward_inventory::os::{os_release_from_assignments, parse_assignments};
use ward_inventory::{Device, Inventory, SCHEMA_VERSION};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

fn is_module_build(version: &str) -> bool {
    version.contains(".module+") || version.contains(".module_")
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn module_builds_match_only_their_stream() {
    let shared = shared_dir();
    let manifest_path = shared.join("fixtures/pkgdb/rpm/rhel-manifests/nodejs.rpm-manifest.json");
    let manifest_bytes = std::fs::read(&manifest_path).expect("nodejs manifest");

    let dir = tempfile::tempdir().expect("temporary directory");
    let db_path = dir.path().join("intel.sqlite");
    let inputs = [
        ImportInput::new(shared.join("data/osv/AlmaLinux/all.zip")),
        ImportInput::new(shared.join("data/osv/Rocky Linux/all.zip")),
    ];
    import(&db_path, &inputs, &NoProgress).expect("AlmaLinux and Rocky Linux imported");
    let db = IntelDb::open(&db_path).expect("database opened");

    let releases = [
        ("ID=\"rocky\"\nVERSION_ID=\"9.2\"\n", "Rocky Linux:9"),
        ("ID=\"almalinux\"\nVERSION_ID=\"9.2\"\n", "AlmaLinux:9"),
    ];
    for (os_release, ecosystem) in releases {
        let (pairs, _) = parse_assignments(os_release);
        let os = os_release_from_assignments(&pairs).expect("os-release parsed");
        let collection = manifest::parse(&manifest_bytes, "rpm-manifest.json", Some(&os));
        assert!(
            collection.diagnostics.is_empty(),
            "{:?}",
            collection.diagnostics
        );
        let modular = collection
            .software
            .iter()
            .filter(|row| row.modularity_label.as_deref() == Some("nodejs:18"))
            .count();
        assert_eq!(modular, 5, "{ecosystem}: nodejs:18 rows");
        assert!(collection
            .software
            .iter()
            .all(|row| row.ecosystem.as_deref() == Some(ecosystem)));

        let inventory = Inventory {
            schema_version: SCHEMA_VERSION,
            device: Device::default(),
            collected_at: chrono::Utc::now(),
            software: collection.software,
            diagnostics: Vec::new(),
            extra: Default::default(),
        };
        let assessment = assess(&inventory, &db);

        let mut module_findings = 0;
        let mut base_findings = 0;
        for finding in &assessment.findings {
            let is_module = finding.component.module_stream.is_some()
                || is_module_build(&finding.component.advisory_version);
            if is_module {
                module_findings += 1;
                assert_eq!(
                    finding.component.module_stream.as_deref(),
                    Some("nodejs:18"),
                    "{ecosystem} {}",
                    finding.component.advisory_package
                );
            } else {
                base_findings += 1;
            }
            for evidence in &finding.evidence {
                if evidence.outcome != EvidenceOutcome::Affected {
                    continue;
                }
                let case = format!(
                    "{ecosystem} {} {} {}",
                    finding.component.advisory_package,
                    finding.component.advisory_version,
                    evidence.record_id
                );
                let fixed = evidence.fixed_version.as_deref().unwrap_or_default();
                assert_eq!(is_module_build(fixed), is_module, "{case}: fixed {fixed}");
                if is_module {
                    let summaries: Vec<String> = db
                        .advisories_for(ecosystem, &evidence.package)
                        .expect("advisories read")
                        .into_iter()
                        .filter(|record| record.id == evidence.record_id)
                        .filter_map(|record| record.summary)
                        .collect();
                    let summary = summaries.first().cloned().unwrap_or_default();
                    let names_other_stream = summary
                        .split_whitespace()
                        .any(|word| word.starts_with("nodejs:") && word != "nodejs:18");
                    let names_18 = summary.split_whitespace().any(|word| word == "nodejs:18");
                    assert!(names_18 || !names_other_stream, "{case}: {summary}");
                }
            }
        }
        eprintln!("{ecosystem}: {module_findings} module findings, {base_findings} base findings");
        assert!(
            base_findings > 0,
            "{ecosystem}: the base packages have findings"
        );
    }
}
