//! Imports of the staged real feeds; run by `.ci/run` (`cargo test -- --ignored`).

use std::path::PathBuf;

use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn debian_kev_epss_import_counts() {
    let data = shared_dir().join("data");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let inputs = [
        ImportInput::new(data.join("osv/Debian/all.zip")),
        ImportInput::new(data.join("kev/known_exploited_vulnerabilities.json")),
        ImportInput::new(data.join("epss/epss_scores-2026-08-16.csv.gz")),
    ];

    let started = std::time::Instant::now();
    let report = import(&db_path, &inputs, &NoProgress).unwrap();
    eprintln!("import took {:.2} s", started.elapsed().as_secs_f64());

    assert!(
        report.problems.is_empty(),
        "problems: {:?}",
        &report.problems[..report.problems.len().min(5)]
    );
    let db = IntelDb::open(&db_path).unwrap();
    let sources = db.sources().unwrap();
    let count = |name: &str| {
        sources
            .iter()
            .find(|source| source.name == name)
            .map(|source| source.record_count)
    };
    assert_eq!(count("osv:Debian"), Some(44_152));
    assert_eq!(count("kev"), Some(1_662));
    assert_eq!(count("epss"), Some(360_142));

    let epss = sources.iter().find(|source| source.name == "epss").unwrap();
    assert_eq!(
        epss.snapshot_at
            .map(|time| time.date_naive().to_string())
            .as_deref(),
        Some("2026-08-16")
    );
    let kev = sources.iter().find(|source| source.name == "kev").unwrap();
    assert_eq!(kev.feed_version.as_deref(), Some("2026.08.07"));

    // glibc in Debian 12: the DSA and the per-CVE record of CVE-2024-33599 both apply.
    let glibc = db.advisories_for("Debian:12", "glibc").unwrap();
    let ids: Vec<_> = glibc.iter().map(|advisory| advisory.id.as_str()).collect();
    assert!(
        ids.contains(&"DSA-5678-1"),
        "DSA-5678-1 missing from {} glibc advisories",
        ids.len()
    );
    assert!(ids.contains(&"CVE-2024-33599"));
    assert!(glibc.iter().all(|advisory| advisory
        .affected
        .iter()
        .all(|entry| entry.ecosystem == "Debian:12")));
    assert!(db
        .related("DSA-5678-1")
        .unwrap()
        .contains(&"CVE-2024-33599".to_owned()));

    // CVE-2021-44228 (Log4Shell) is in KEV and EPSS.
    assert!(db.kev("CVE-2021-44228").unwrap().is_some());
    let epss = db.epss("CVE-2021-44228").unwrap().unwrap();
    assert!(epss.score > 0.9, "Log4Shell EPSS {}", epss.score);
}
