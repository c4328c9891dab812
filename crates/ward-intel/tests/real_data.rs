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

#[test]
#[ignore = "real data: run by .ci/run"]
fn every_osv_export_imports() {
    let osv = shared_dir().join("data/osv");
    let expected = [
        ("osv:AlmaLinux", 5_637),
        ("osv:Debian", 44_152),
        ("osv:Go", 4_291),
        ("osv:Maven", 5_309),
        ("osv:PyPI", 6_663),
        ("osv:Rocky Linux", 1_491),
        ("osv:crates.io", 1_614),
        ("osv:npm", 3_793),
    ];
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let inputs: Vec<_> = expected
        .iter()
        .map(|(name, _)| {
            ImportInput::new(osv.join(name.trim_start_matches("osv:")).join("all.zip"))
        })
        .collect();

    let report = import(&db_path, &inputs, &NoProgress).unwrap();

    assert!(
        report.problems.is_empty(),
        "{:?}",
        &report.problems[..report.problems.len().min(5)]
    );
    let db = IntelDb::open(&db_path).unwrap();
    let counts: Vec<_> = db
        .sources()
        .unwrap()
        .into_iter()
        .map(|source| (source.name, source.record_count))
        .collect();
    let expected: Vec<_> = expected
        .iter()
        .map(|(name, count)| (name.to_string(), *count))
        .collect();
    assert_eq!(counts, expected);

    // Go marks 17 records withdrawn; they are stored but never matched.
    let withdrawn: Vec<String> = {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        let mut statement = conn
            .prepare("SELECT a.id FROM advisory a JOIN source s ON s.id = a.source_id WHERE s.name = 'osv:Go' AND a.withdrawn IS NOT NULL")
            .unwrap();
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(withdrawn.len(), 17);
    let record = &db.records(&withdrawn[0]).unwrap()[0].record;
    let module = record["affected"][0]["package"]["name"].as_str().unwrap();
    let matched = db.advisories_for("Go", module).unwrap();
    assert!(matched.iter().all(|advisory| advisory.id != withdrawn[0]));

    // A GHSA record joins its CVE and its PYSEC twin through aliases.
    let log4j = db
        .advisories_for("Maven", "org.apache.logging.log4j:log4j-core")
        .unwrap();
    let log4shell = log4j
        .iter()
        .find(|advisory| advisory.aliases.contains(&"CVE-2021-44228".to_owned()))
        .expect("Log4Shell GHSA record");
    assert!(db
        .aliases("CVE-2021-44228")
        .unwrap()
        .contains(&log4shell.id));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn damaged_real_export_changes_nothing() {
    let data = shared_dir().join("data");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let export = data.join("osv/crates.io/all.zip");
    import(&db_path, &[ImportInput::new(&export)], &NoProgress).unwrap();
    let before = std::fs::read(&db_path).unwrap();
    // One changed byte inside an entry's compressed data breaks its deflate stream or CRC.
    let mut bytes = std::fs::read(&export).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let entry = archive.by_index(archive.len() / 2).unwrap();
    let middle = (entry.data_start() + entry.compressed_size() / 2) as usize;
    bytes[middle] ^= 0xFF;
    let damaged = dir.path().join("all.zip");
    std::fs::write(&damaged, &bytes).unwrap();

    let error = import(&db_path, &[ImportInput::new(&damaged)], &NoProgress).unwrap_err();

    assert!(
        matches!(error, ward_intel::IntelError::InvalidFile { ref path, .. } if *path == damaged),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
}
