//! `import` with small hand-written feed files: formats, bad input and atomicity.

use std::io::Write;
use std::path::{Path, PathBuf};

use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb, IntelError};

fn record(id: &str, ecosystem: &str, package: &str, fixed: &str) -> String {
    format!(
        r#"{{"schema_version": "1.6.0", "id": "{id}", "modified": "2025-01-02T03:04:05Z",
            "aliases": [], "summary": "{package} issue",
            "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
            "affected": [{{
                "package": {{"ecosystem": "{ecosystem}", "name": "{package}"}},
                "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}],
                "ecosystem_specific": {{"urgency": "low"}}
            }}]}}"#
    )
}

fn write_zip(path: &Path, entries: &[(&str, &str)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn debian_zip(dir: &Path) -> PathBuf {
    let path = dir.join("all.zip");
    write_zip(
        &path,
        &[
            (
                "CVE-2024-0001.json",
                &record("CVE-2024-0001", "Debian:12", "openssl", "3.0.15-1~deb12u1"),
            ),
            (
                "CVE-2024-0002.json",
                &record("CVE-2024-0002", "Debian:12", "openssl", "3.0.16-1~deb12u1"),
            ),
            (
                "DSA-0001-1.json",
                &record("DSA-0001-1", "Debian:11", "glibc", "2.31-13+deb11u10"),
            ),
        ],
    );
    path
}

/// Imports [`debian_zip`] into `intel.sqlite` under `dir` and returns the database path.
fn debian_database(dir: &Path) -> PathBuf {
    let db_path = dir.join("intel.sqlite");
    import(&db_path, &[ImportInput::new(debian_zip(dir))], &NoProgress).unwrap();
    db_path
}

const KEV: &str = r#"{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.01.02",
    "dateReleased": "2026-01-02T10:00:00.000Z", "count": 1, "vulnerabilities": [
    {"cveID": "CVE-2024-0001", "vendorProject": "OpenSSL", "product": "OpenSSL", "vulnerabilityName": "Test",
     "dateAdded": "2025-01-01", "shortDescription": "d", "requiredAction": "Patch", "dueDate": "2025-01-22",
     "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": ["CWE-787"]}]}"#;

const EPSS: &str = "#model_version:v2025.03.14,score_date:2026-01-03T12:55:00Z\ncve,epss,percentile\nCVE-2024-0001,0.97000,0.99900\nCVE-2024-0002,0.00100,0.10000\n";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn sources(db_path: &Path) -> Vec<(String, u64)> {
    let db = IntelDb::open(db_path).unwrap();
    db.sources()
        .unwrap()
        .into_iter()
        .map(|source| (source.name, source.record_count))
        .collect()
}

#[test]
fn zip_kev_and_epss_import() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("db/intel.sqlite");
    let kev = dir.path().join("kev.json");
    std::fs::write(&kev, KEV).unwrap();
    let epss = dir.path().join("scores.csv.gz");
    std::fs::write(&epss, gzip(EPSS.as_bytes())).unwrap();

    let inputs = [
        ImportInput::new(debian_zip(dir.path())),
        ImportInput::new(&kev),
        ImportInput::new(&epss),
    ];
    let report = import(&db_path, &inputs, &NoProgress).unwrap();

    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(
        sources(&db_path),
        [
            ("epss".to_owned(), 2),
            ("kev".to_owned(), 1),
            ("osv:Debian".to_owned(), 3)
        ]
    );

    let db = IntelDb::open(&db_path).unwrap();
    let openssl = db.advisories_for("Debian:12", "openssl").unwrap();
    assert_eq!(openssl.len(), 2);
    assert_eq!(openssl[0].id, "CVE-2024-0001");
    assert_eq!(openssl[0].source, "osv:Debian");
    assert_eq!(openssl[0].severity[0].kind, "CVSS_V3");
    assert_eq!(openssl[0].severity[0].source, "osv:Debian");
    assert_eq!(
        openssl[0].affected[0].ecosystem_specific.as_ref().unwrap()["urgency"],
        "low"
    );
    assert!(db
        .advisories_for("Debian:11", "openssl")
        .unwrap()
        .is_empty());
    assert_eq!(db.advisories_for("Debian:11", "glibc").unwrap().len(), 1);

    let kev = db.kev("CVE-2024-0001").unwrap().unwrap();
    assert_eq!(
        kev.known_ransomware_use,
        Some(ward_intel::RansomwareUse::Known)
    );
    assert_eq!(db.kev("CVE-2024-0002").unwrap(), None);

    let epss = db.epss("CVE-2024-0001").unwrap().unwrap();
    assert_eq!(epss.score, 0.97);
    assert_eq!(epss.model_version.as_deref(), Some("v2025.03.14"));
    assert_eq!(
        epss.date.map(|date| date.to_string()).as_deref(),
        Some("2026-01-03")
    );
}

#[test]
fn stored_record_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = debian_database(dir.path());

    let db = IntelDb::open(&db_path).unwrap();
    let records = db.records("CVE-2024-0001").unwrap();
    let original: serde_json::Value = serde_json::from_str(&record(
        "CVE-2024-0001",
        "Debian:12",
        "openssl",
        "3.0.15-1~deb12u1",
    ))
    .unwrap();

    assert_eq!(records.len(), 1);
    assert_eq!(records[0].record, original);
}

#[test]
fn reimport_replaces_source() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = debian_database(dir.path());

    let smaller = dir.path().join("smaller.zip");
    write_zip(
        &smaller,
        &[(
            "CVE-2024-0009.json",
            &record("CVE-2024-0009", "Debian:12", "curl", "8.0"),
        )],
    );
    import(&db_path, &[ImportInput::new(&smaller)], &NoProgress).unwrap();

    assert_eq!(sources(&db_path), [("osv:Debian".to_owned(), 1)]);
    let db = IntelDb::open(&db_path).unwrap();
    assert!(db
        .advisories_for("Debian:12", "openssl")
        .unwrap()
        .is_empty());
    assert_eq!(db.advisories_for("Debian:12", "curl").unwrap().len(), 1);
}

#[test]
fn bad_records_are_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let zip = dir.path().join("all.zip");
    write_zip(
        &zip,
        &[
            (
                "GOOD-1.json",
                &record("GOOD-1", "PyPI", "requests", "2.32.0"),
            ),
            ("BROKEN.json", "{\"id\": \"BROKEN-1\", "),
            (
                "TYPES.json",
                r#"{"id": "TYPES-1", "modified": "2025-01-01T00:00:00Z", "aliases": [1, 2]}"#,
            ),
            ("../../escape.json", &record("ESCAPE-1", "PyPI", "x", "1")),
        ],
    );

    let report = import(&db_path, &[ImportInput::new(&zip)], &NoProgress).unwrap();

    assert_eq!(report.sources[0].records, 1);
    assert_eq!(report.sources[0].skipped, 3);
    let by_entry = |entry: &str| {
        report
            .problems
            .iter()
            .find(|problem| problem.file.ends_with(entry))
            .unwrap_or_else(|| panic!("no problem for {entry}: {:?}", report.problems))
    };
    assert!(by_entry("!BROKEN.json").message.contains("invalid JSON"));
    assert_eq!(by_entry("!TYPES.json").id.as_deref(), Some("TYPES-1"));
    assert!(by_entry("!../../escape.json")
        .message
        .contains("unsafe entry path"));
    assert!(by_entry("!BROKEN.json")
        .file
        .starts_with(&zip.display().to_string()));
}

#[test]
fn truncated_zip_leaves_database_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = debian_database(dir.path());
    let before = std::fs::read(&db_path).unwrap();

    let good = debian_zip(dir.path());
    let truncated = dir.path().join("truncated.zip");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let kev = dir.path().join("kev.json");
    std::fs::write(&kev, KEV).unwrap();

    // The KEV file comes first and imports fine; the truncated zip must undo it too.
    let error = import(
        &db_path,
        &[ImportInput::new(&kev), ImportInput::new(&truncated)],
        &NoProgress,
    )
    .unwrap_err();

    assert!(
        matches!(error, IntelError::InvalidFile { ref path, .. } if *path == truncated),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
    assert_eq!(sources(&db_path), [("osv:Debian".to_owned(), 3)]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn zip_entry_with_bad_checksum_fails_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = debian_database(dir.path());
    let before = std::fs::read(&db_path).unwrap();
    // Stored entries keep the record text as is, so one changed byte breaks its CRC.
    let damaged = dir.path().join("damaged.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&damaged).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (id, package) in [("CVE-2024-0001", "openssl"), ("CVE-2024-0009", "zlib")] {
        zip.start_file(format!("{id}.json"), stored).unwrap();
        let text = record(id, "Debian:12", package, "1.0-1");
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let mut bytes = std::fs::read(&damaged).unwrap();
    let at = bytes
        .windows(4)
        .position(|window| window == b"zlib")
        .unwrap();
    bytes[at] = b'Z';
    std::fs::write(&damaged, &bytes).unwrap();

    let error = import(&db_path, &[ImportInput::new(&damaged)], &NoProgress).unwrap_err();

    let IntelError::InvalidFile { path, reason } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(*path, damaged);
    assert!(
        reason.contains("CVE-2024-0009.json` is damaged"),
        "{reason}"
    );
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
}

#[test]
fn download_of_another_ecosystem_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let input = ImportInput {
        path: debian_zip(dir.path()),
        source_name: Some("osv:Go".to_owned()),
        download: Some(ward_intel::import::DownloadInfo {
            url: "http://127.0.0.1:1/osv/Go/all.zip".to_owned(),
            ..Default::default()
        }),
    };

    let error = import(&db_path, &[input], &NoProgress).unwrap_err();

    let IntelError::InvalidFile { reason, .. } = &error else {
        panic!("{error:?}");
    };
    assert!(
        reason.contains("contains Debian records, not Go"),
        "{reason}"
    );
    assert!(!db_path.exists());
}

#[test]
fn missing_and_unknown_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");

    let missing = dir.path().join("nope.zip");
    let error = import(&db_path, &[ImportInput::new(&missing)], &NoProgress).unwrap_err();
    assert!(
        matches!(error, IntelError::Read { ref path, .. } if *path == missing),
        "{error:?}"
    );
    assert!(
        !db_path.exists(),
        "a failed first import must not create the database"
    );

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let error = import(&db_path, &[ImportInput::new(&text)], &NoProgress).unwrap_err();
    assert!(
        matches!(error, IntelError::UnknownFormat { .. }),
        "{error:?}"
    );

    let other_json = dir.path().join("other.json");
    std::fs::write(&other_json, r#"{"hello": "world"}"#).unwrap();
    let error = import(&db_path, &[ImportInput::new(&other_json)], &NoProgress).unwrap_err();
    assert!(
        matches!(error, IntelError::UnknownFormat { .. }),
        "{error:?}"
    );
}

#[test]
fn unreadable_file_is_an_error() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let kev = dir.path().join("kev.json");
    std::fs::write(&kev, KEV).unwrap();
    std::fs::set_permissions(&kev, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&kev).is_ok() {
        // Running as root: permissions do not stop reads, so use a directory entry that
        // cannot be read as a file instead.
        std::fs::set_permissions(&kev, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::remove_file(&kev).unwrap();
        std::os::unix::fs::symlink(dir.path().join("dangling"), &kev).unwrap();
    }

    let error = import(&db_path, &[ImportInput::new(&kev)], &NoProgress).unwrap_err();
    assert!(
        matches!(error, IntelError::Read { ref path, .. } if *path == kev),
        "{error:?}"
    );
    assert!(error.to_string().contains("kev.json"));
}

#[test]
fn directory_of_records_and_nested_files() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let records = dir.path().join("advisories");
    std::fs::create_dir_all(records.join("2024/01")).unwrap();
    std::fs::write(
        records.join("2024/01/GHSA-1.json"),
        record("GHSA-1", "npm", "lodash", "4.17.21"),
    )
    .unwrap();
    std::fs::write(
        records.join("2024/01/GHSA-2.json"),
        record("GHSA-2", "npm", "left-pad", "1.3.0"),
    )
    .unwrap();
    std::fs::write(records.join("README.md"), "# advisories").unwrap();
    std::fs::write(records.join("bad.json"), "{").unwrap();
    std::fs::write(records.join("epss.csv"), EPSS).unwrap();

    let report = import(&db_path, &[ImportInput::new(&records)], &NoProgress).unwrap();

    assert_eq!(report.ignored_files, 1);
    assert_eq!(report.problems.len(), 1);
    assert!(report.problems[0].file.ends_with("bad.json"));
    assert_eq!(
        sources(&db_path),
        [("epss".to_owned(), 2), ("osv:npm".to_owned(), 2)]
    );
}

#[test]
fn single_record_file_is_its_own_source() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = debian_database(dir.path());
    let single = dir.path().join("CVE-2024-0100.json");
    std::fs::write(&single, record("CVE-2024-0100", "Debian:12", "zlib", "1.3")).unwrap();

    import(&db_path, &[ImportInput::new(&single)], &NoProgress).unwrap();

    let names: Vec<_> = sources(&db_path)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"osv:Debian".to_owned()));
    assert!(names
        .iter()
        .any(|name| name.starts_with("file:") && name.ends_with("CVE-2024-0100.json")));
}

#[test]
fn withdrawn_records_are_kept_but_not_matched() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let withdrawn = record("GO-2024-0001", "Go", "example.com/mod", "1.2.0").replacen(
        "\"aliases\"",
        "\"withdrawn\": \"2025-01-05T00:00:00Z\", \"aliases\"",
        1,
    );
    let zip = dir.path().join("all.zip");
    write_zip(&zip, &[("GO-2024-0001.json", &withdrawn)]);

    import(&db_path, &[ImportInput::new(&zip)], &NoProgress).unwrap();

    let db = IntelDb::open(&db_path).unwrap();
    assert!(db
        .advisories_for("Go", "example.com/mod")
        .unwrap()
        .is_empty());
    assert_eq!(db.records("GO-2024-0001").unwrap().len(), 1);
}

#[test]
fn aliases_are_followed_transitively() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let with_aliases = |id: &str, aliases: &str, related: &str| {
        record(id, "PyPI", "x", "1.0").replacen(
            "\"aliases\": []",
            &format!("\"aliases\": {aliases}, \"related\": {related}"),
            1,
        )
    };
    let zip = dir.path().join("all.zip");
    write_zip(
        &zip,
        &[
            (
                "GHSA-a.json",
                &with_aliases("GHSA-aaaa", r#"["CVE-2024-1000"]"#, "[]"),
            ),
            (
                "PYSEC-1.json",
                &with_aliases("PYSEC-2024-1", r#"["GHSA-aaaa"]"#, r#"["CVE-2024-9999"]"#),
            ),
            (
                "DEBIAN.json",
                &with_aliases("DEBIAN-CVE-2024-1000", "[]", "[]"),
            ),
        ],
    );
    import(&db_path, &[ImportInput::new(&zip)], &NoProgress).unwrap();
    let db = IntelDb::open(&db_path).unwrap();

    let expected = [
        "CVE-2024-1000",
        "DEBIAN-CVE-2024-1000",
        "GHSA-aaaa",
        "PYSEC-2024-1",
    ];
    for start in expected {
        assert_eq!(
            db.aliases(start).unwrap(),
            expected,
            "starting from {start}"
        );
    }
    assert_eq!(db.aliases("CVE-2024-5555").unwrap(), ["CVE-2024-5555"]);
    assert_eq!(
        db.aliases("DEBIAN-CVE-2024-7").unwrap(),
        ["CVE-2024-7", "DEBIAN-CVE-2024-7"]
    );
    // An id with no record of its own reaches its CVE's whole group.
    assert_eq!(
        db.aliases("UBUNTU-CVE-2024-1000").unwrap(),
        [
            "CVE-2024-1000",
            "DEBIAN-CVE-2024-1000",
            "GHSA-aaaa",
            "PYSEC-2024-1",
            "UBUNTU-CVE-2024-1000"
        ]
    );
    assert_eq!(db.related("PYSEC-2024-1").unwrap(), ["CVE-2024-9999"]);
    assert_eq!(Intel::aliases(&db, "GHSA-aaaa").unwrap(), expected);
}

#[test]
fn feed_of_invalid_rows_keeps_stored_table() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let good = dir.path().join("epss.csv");
    std::fs::write(&good, EPSS).unwrap();
    import(&db_path, &[ImportInput::new(&good)], &NoProgress).unwrap();
    let bad = dir.path().join("epss-bad.csv");
    std::fs::write(&bad, "cve,epss,percentile\nCVE-2024-0001,high,0.9\n").unwrap();

    let report = import(&db_path, &[ImportInput::new(&bad)], &NoProgress).unwrap();

    assert!(report.sources.is_empty(), "{:?}", report.sources);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(sources(&db_path), [("epss".to_owned(), 2)]);
}

#[test]
fn details_stand_in_for_a_missing_summary() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let file = dir.path().join("CVE-2024-3094.json");
    let text = record(
        "CVE-2024-3094",
        "Debian:12",
        "xz-utils",
        "5.6.1+really5.4.5-1",
    )
    .replace(
        r#""summary": "xz-utils issue""#,
        r#""details": "Malicious code in xz.\nMore text.""#,
    );
    std::fs::write(&file, text).unwrap();
    import(&db_path, &[ImportInput::new(&file)], &NoProgress).unwrap();

    let db = IntelDb::open(&db_path).unwrap();
    let vulnerability = db.vulnerability("CVE-2024-3094").unwrap().unwrap();

    assert_eq!(
        vulnerability.summary.as_deref(),
        Some("Malicious code in xz.\nMore text.")
    );
}

#[test]
fn epss_without_comment_line() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let epss = dir.path().join("epss_scores-2026-08-16.csv");
    std::fs::write(
        &epss,
        "cve,epss,percentile\nCVE-1999-0001,0.03351,0.87650\n",
    )
    .unwrap();

    import(&db_path, &[ImportInput::new(&epss)], &NoProgress).unwrap();

    let db = IntelDb::open(&db_path).unwrap();
    let score = db.epss("CVE-1999-0001").unwrap().unwrap();
    assert_eq!(score.model_version, None);
    assert_eq!(
        score.date.map(|date| date.to_string()).as_deref(),
        Some("2026-08-16")
    );
}

#[test]
fn open_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let error = IntelDb::open(&dir.path().join("none.sqlite")).unwrap_err();
    assert!(
        matches!(error, IntelError::DatabaseMissing { .. }),
        "{error:?}"
    );
}

#[test]
fn empty_database_file_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    std::fs::write(&db_path, b"").unwrap();

    let error = IntelDb::open(&db_path).unwrap_err();

    assert!(
        matches!(error, IntelError::DatabaseEmpty { .. }) && error.is_no_database(),
        "{error:?}"
    );
    assert_eq!(std::fs::metadata(&db_path).unwrap().len(), 0);

    import(
        &db_path,
        &[ImportInput::new(debian_zip(dir.path()))],
        &NoProgress,
    )
    .unwrap();
    assert_eq!(sources(&db_path).len(), 1);
}

#[test]
fn directory_as_database_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db_dir = dir.path().join("intel");
    std::fs::create_dir(&db_dir).unwrap();

    let error = IntelDb::open(&db_dir).unwrap_err();
    assert!(
        matches!(error, IntelError::DatabaseIsDirectory { ref path } if *path == db_dir),
        "{error:?}"
    );

    let error = import(
        &db_dir,
        &[ImportInput::new(debian_zip(dir.path()))],
        &NoProgress,
    )
    .unwrap_err();
    assert!(
        matches!(error, IntelError::DatabaseIsDirectory { .. }),
        "{error:?}"
    );
    assert!(db_dir.is_dir());
    assert!(!dir.path().join("intel.lock").exists());
}

#[test]
fn open_newer_schema_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);

    let error = IntelDb::open(&db_path).unwrap_err();
    assert!(
        matches!(error, IntelError::SchemaTooNew { found: 99, .. }),
        "{error:?}"
    );
}

#[test]
fn alpine_secdb_and_empty_nvd_page() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let secdb = dir.path().join("main.json");
    std::fs::write(
        &secdb,
        r#"{"distroversion": "v3.20", "reponame": "main", "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
            "apkurl": "x", "archs": ["x86_64"],
            "packages": [{"pkg": {"name": "openssl", "secfixes": {"3.3.2-r0": ["CVE-2024-6119"]}}}]}"#,
    )
    .unwrap();
    let nvd = dir.path().join("nvdcve-2.0-modified.json.gz");
    std::fs::write(
        &nvd,
        gzip(br#"{"format": "NVD_CVE", "version": "2.0", "vulnerabilities": []}"#),
    )
    .unwrap();

    let report = import(
        &db_path,
        &[ImportInput::new(&secdb), ImportInput::new(&nvd)],
        &NoProgress,
    )
    .unwrap();

    // An empty NVD page still creates the `nvd` source, with no records.
    assert_eq!(
        sources(&db_path),
        [
            ("alpine-secdb:v3.20/main".to_owned(), 1),
            ("nvd".to_owned(), 0)
        ]
    );
    assert!(report.unsupported.is_empty(), "{:?}", report.unsupported);
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(
        db.aliases("CVE-2024-6119").unwrap(),
        ["ALPINE-CVE-2024-6119", "CVE-2024-6119"]
    );
    let records = db.records("ALPINE-CVE-2024-6119").unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].source, "alpine-secdb:v3.20/main");
    assert_eq!(
        db.advisories_for("Alpine:v3.20", "openssl").unwrap().len(),
        1
    );
}

#[test]
fn foreign_file_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    std::fs::write(&db_path, b"this is not a SQLite database, just text").unwrap();

    let error = import(
        &db_path,
        &[ImportInput::new(debian_zip(dir.path()))],
        &NoProgress,
    )
    .unwrap_err();

    assert!(
        matches!(error, IntelError::NotOurFile { ref path } if *path == db_path),
        "{error:?}"
    );
    assert_eq!(
        std::fs::read(&db_path).unwrap(),
        b"this is not a SQLite database, just text"
    );
    assert!(!dir.path().join("intel.sqlite.lock").exists());
}

#[test]
fn other_programs_database_is_not_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("app.sqlite");
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db_path).unwrap();

    let error = import(
        &db_path,
        &[ImportInput::new(debian_zip(dir.path()))],
        &NoProgress,
    )
    .unwrap_err();
    assert!(
        matches!(error, IntelError::ForeignDatabase { .. }),
        "{error:?}"
    );
    let error = IntelDb::open(&db_path).unwrap_err();
    assert!(
        matches!(error, IntelError::ForeignDatabase { .. }),
        "{error:?}"
    );

    assert_eq!(std::fs::read(&db_path).unwrap(), before);
}

#[test]
fn damaged_database_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let mut damaged = b"SQLite format 3\0".to_vec();
    damaged.extend(std::iter::repeat_n(0xA5u8, 4096));
    std::fs::write(&db_path, &damaged).unwrap();

    let report = import(
        &db_path,
        &[ImportInput::new(debian_zip(dir.path()))],
        &NoProgress,
    )
    .unwrap();

    assert_eq!(report.sources.len(), 1);
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(db.sources().unwrap()[0].name, "osv:Debian");
}

#[test]
fn database_with_damaged_pages_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let zip = debian_zip(dir.path());
    import(&db_path, &[ImportInput::new(&zip)], &NoProgress).unwrap();
    // Keep the header page and overwrite every other page, as a bad disk block might.
    let mut bytes = std::fs::read(&db_path).unwrap();
    assert!(bytes.len() > 8192, "{} bytes", bytes.len());
    bytes[4096..].fill(0xA5);
    std::fs::write(&db_path, &bytes).unwrap();

    let report = import(&db_path, &[ImportInput::new(&zip)], &NoProgress).unwrap();

    assert_eq!(report.sources.len(), 1);
    assert_eq!(sources(&db_path), [("osv:Debian".to_owned(), 3)]);
}

#[test]
fn damaged_feed_in_directory_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let feeds = dir.path().join("feeds");
    std::fs::create_dir_all(&feeds).unwrap();
    std::fs::write(
        feeds.join("GHSA-1.json"),
        record("GHSA-1", "npm", "lodash", "4.17.21"),
    )
    .unwrap();
    let truncated = &KEV[..KEV.len() / 2];
    std::fs::write(feeds.join("kev.json"), truncated).unwrap();

    let report = import(&db_path, &[ImportInput::new(&feeds)], &NoProgress).unwrap();

    assert_eq!(report.unsupported.len(), 1, "{:?}", report.unsupported);
    let left_out = &report.unsupported[0];
    assert!(left_out.path.ends_with("kev.json"));
    assert_eq!(left_out.format, "KEV catalog");
    let reason = left_out.reason.as_deref().unwrap_or_default();
    assert!(reason.starts_with("invalid JSON"), "{reason}");
    assert_eq!(sources(&db_path), [("osv:npm".to_owned(), 1)]);
}

#[cfg(unix)]
#[test]
fn linked_database_is_updated_in_place() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir_all(&real_dir).unwrap();
    let real = real_dir.join("intel.sqlite");
    let link = dir.path().join("link.sqlite");
    let zip = debian_zip(dir.path());
    import(&real, &[ImportInput::new(&zip)], &NoProgress).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink("real/intel.sqlite", &link).unwrap();
    let kev = dir.path().join("kev.json");
    std::fs::write(&kev, KEV).unwrap();

    import(&link, &[ImportInput::new(&kev)], &NoProgress).unwrap();

    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
    let names: Vec<String> = sources(&real).into_iter().map(|(name, _)| name).collect();
    assert!(names.contains(&"kev".to_owned()), "{names:?}");
    assert!(names.contains(&"osv:Debian".to_owned()), "{names:?}");
}
