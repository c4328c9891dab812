//! `update` against a loopback HTTP server serving hand-written feed files.

mod support;

use std::time::Duration;

use support::{FeedServer, Route};
use ward_intel::progress::NoProgress;
use ward_intel::update::{update, UpdateOptions};
use ward_intel::{Intel, IntelDb, IntelError};

const RECORD: &str = r#"{"id": "CVE-2024-0001", "modified": "2025-01-02T03:04:05Z",
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}]}]}]}"#;

const KEV: &str = r#"{"catalogVersion": "2026.01.02", "dateReleased": "2026-01-02T10:00:00.000Z",
    "vulnerabilities": [{"cveID": "CVE-2024-0001", "vendorProject": "OpenSSL", "product": "OpenSSL",
    "vulnerabilityName": "Test", "dateAdded": "2025-01-01", "requiredAction": "Patch",
    "knownRansomwareCampaignUse": "Unknown"}]}"#;

const EPSS: &str = "#model_version:v2025.03.14,score_date:2026-01-03T12:55:00Z\ncve,epss,percentile\nCVE-2024-0001,0.5,0.9\n";

fn zip_of(name: &str, content: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn feed_server() -> FeedServer {
    let server = FeedServer::start();
    server.set(
        "/osv/Debian/all.zip",
        Route::file(zip_of("CVE-2024-0001.json", RECORD), "\"osv-1\""),
    );
    server.set(
        "/kev/known_exploited_vulnerabilities.json",
        Route::file(KEV.as_bytes().to_vec(), "\"kev-1\""),
    );
    server.set(
        "/epss/epss_scores-current.csv.gz",
        Route::file(gzip(EPSS.as_bytes()), "\"epss-1\""),
    );
    server
}

fn options(server: &FeedServer) -> UpdateOptions {
    UpdateOptions {
        ecosystems: vec!["Debian:12".to_owned()],
        base_url: Some(server.base_url()),
        max_attempts: 2,
        retry_delay: Duration::from_millis(10),
        timeout: Duration::from_secs(10),
        ..UpdateOptions::default()
    }
}

#[test]
fn first_run_downloads_second_is_not_modified() {
    let server = feed_server();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");

    let first = update(&db_path, &options(&server), &NoProgress).unwrap();
    assert_eq!(first.downloaded, ["osv:Debian", "kev", "epss"]);
    assert!(first.failures.is_empty());
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(db.advisories_for("Debian:12", "openssl").unwrap().len(), 1);
    assert!(db.kev("CVE-2024-0001").unwrap().is_some());
    let osv = db
        .sources()
        .unwrap()
        .into_iter()
        .find(|source| source.name == "osv:Debian")
        .unwrap();
    assert_eq!(osv.etag.as_deref(), Some("\"osv-1\""));
    assert!(osv.origin.ends_with("/osv/Debian/all.zip"));
    drop(db);
    let before = std::fs::read(&db_path).unwrap();

    let second = update(&db_path, &options(&server), &NoProgress).unwrap();
    assert!(second.downloaded.is_empty(), "{:?}", second.downloaded);
    assert_eq!(second.not_modified, ["osv:Debian", "kev", "epss"]);
    assert_eq!(
        server.bodies_sent(),
        3,
        "the second run must not download any body"
    );
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
}

#[test]
fn changed_feed_is_downloaded_again() {
    let server = feed_server();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    update(&db_path, &options(&server), &NoProgress).unwrap();

    let newer = RECORD.replace("openssl", "curl");
    server.set(
        "/osv/Debian/all.zip",
        Route::file(zip_of("CVE-2024-0001.json", &newer), "\"osv-2\""),
    );
    let report = update(&db_path, &options(&server), &NoProgress).unwrap();

    assert_eq!(report.downloaded, ["osv:Debian"]);
    let db = IntelDb::open(&db_path).unwrap();
    assert!(db
        .advisories_for("Debian:12", "openssl")
        .unwrap()
        .is_empty());
    assert_eq!(db.advisories_for("Debian:12", "curl").unwrap().len(), 1);
}

#[test]
fn interrupted_download_keeps_previous_database() {
    let server = feed_server();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    update(&db_path, &options(&server), &NoProgress).unwrap();
    let before = std::fs::read(&db_path).unwrap();

    let body = zip_of("CVE-2024-0001.json", &RECORD.replace("openssl", "curl"));
    server.set(
        "/osv/Debian/all.zip",
        Route::Truncated {
            body,
            etag: "\"osv-2\"".to_owned(),
        },
    );
    let report = update(&db_path, &options(&server), &NoProgress).unwrap();

    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    assert!(
        matches!(report.failures[0], IntelError::Download { .. }),
        "{:?}",
        report.failures[0]
    );
    assert_eq!(report.not_modified, ["kev", "epss"]);
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
    let db = IntelDb::open(&db_path).unwrap();
    assert_eq!(db.advisories_for("Debian:12", "openssl").unwrap().len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|name| name != "intel.sqlite.lock")
        .collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("intel.sqlite")]);
}

#[test]
fn corrupt_archive_keeps_previous_database() {
    let server = feed_server();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    update(&db_path, &options(&server), &NoProgress).unwrap();
    let before = std::fs::read(&db_path).unwrap();

    let mut corrupt = zip_of("CVE-2024-0001.json", RECORD);
    corrupt.truncate(corrupt.len() - 30);
    server.set("/osv/Debian/all.zip", Route::file(corrupt, "\"osv-bad\""));
    let error = update(&db_path, &options(&server), &NoProgress).unwrap_err();

    assert!(matches!(error, IntelError::InvalidFile { .. }), "{error:?}");
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
    let db = IntelDb::open(&db_path).unwrap();
    let osv = db
        .sources()
        .unwrap()
        .into_iter()
        .find(|source| source.name == "osv:Debian")
        .unwrap();
    assert_eq!(
        osv.etag.as_deref(),
        Some("\"osv-1\""),
        "a failed import must not store the new ETag"
    );
}

#[test]
fn server_errors_are_retried() {
    let server = feed_server();
    server.fail_next("/kev/known_exploited_vulnerabilities.json", 1);
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");

    let report = update(&db_path, &options(&server), &NoProgress).unwrap();

    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.downloaded.len(), 3);
}

#[test]
fn missing_feed_is_reported_not_retried() {
    let server = feed_server();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let options = UpdateOptions {
        ecosystems: vec!["Debian".to_owned(), "NoSuchEcosystem".to_owned()],
        ..options(&server)
    };

    let report = update(&db_path, &options, &NoProgress).unwrap();

    assert_eq!(report.downloaded, ["osv:Debian", "kev", "epss"]);
    assert!(
        matches!(
            report.failures[..],
            [IntelError::HttpStatus { status: 404, .. }]
        ),
        "{:?}",
        report.failures
    );
}

#[test]
fn offline_update_fails_clearly() {
    // Bind and drop a listener so the port is closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let options = UpdateOptions {
        ecosystems: vec!["Debian".to_owned()],
        base_url: Some(format!("http://127.0.0.1:{port}")),
        retry_delay: Duration::from_millis(10),
        ..UpdateOptions::default()
    };

    let error = update(&db_path, &options, &NoProgress).unwrap_err();

    assert!(error.is_offline(), "{error:?}");
    assert!(!db_path.exists());
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_feeds_update_from_mirror() {
    let data = std::env::var_os("WARD_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
        })
        .join("data");
    let read = |path: &str| std::fs::read(data.join(path)).unwrap();
    let server = FeedServer::start();
    server.set(
        "/osv/Debian/all.zip",
        Route::file(read("osv/Debian/all.zip"), "\"debian\""),
    );
    server.set(
        "/kev/known_exploited_vulnerabilities.json",
        Route::file(read("kev/known_exploited_vulnerabilities.json"), "\"kev\""),
    );
    // Upstream serves the newest dated file under the `current` name.
    server.set(
        "/epss/epss_scores-current.csv.gz",
        Route::file(read("epss/epss_scores-2026-08-16.csv.gz"), "\"epss\""),
    );
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let options = UpdateOptions {
        ecosystems: vec!["Debian".to_owned()],
        base_url: Some(server.base_url()),
        ..UpdateOptions::default()
    };

    let first = update(&db_path, &options, &NoProgress).unwrap();
    assert_eq!(first.downloaded, ["osv:Debian", "kev", "epss"]);
    let counts: Vec<_> = IntelDb::open(&db_path)
        .unwrap()
        .sources()
        .unwrap()
        .into_iter()
        .map(|source| (source.name, source.record_count))
        .collect();
    assert_eq!(
        counts,
        [
            ("epss".to_owned(), 360_142),
            ("kev".to_owned(), 1_662),
            ("osv:Debian".to_owned(), 44_152)
        ]
    );

    let second = update(&db_path, &options, &NoProgress).unwrap();
    assert!(second.downloaded.is_empty());
    assert_eq!(server.bodies_sent(), 3);
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn real_export_of_another_ecosystem_is_rejected() {
    let data = std::env::var_os("WARD_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
        })
        .join("data");
    let server = FeedServer::start();
    // A misconfigured mirror: the PyPI export where the Go one belongs.
    let pypi = std::fs::read(data.join("osv/PyPI/all.zip")).unwrap();
    server.set("/osv/Go/all.zip", Route::file(pypi, "\"go\""));
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let options = UpdateOptions {
        ecosystems: vec!["Go".to_owned()],
        kev: false,
        epss: false,
        base_url: Some(server.base_url()),
        ..UpdateOptions::default()
    };

    let error = update(&db_path, &options, &NoProgress).unwrap_err();

    let IntelError::InvalidFile { reason, .. } = &error else {
        panic!("{error:?}");
    };
    assert!(reason.contains("contains PyPI records, not Go"), "{reason}");
    assert!(!db_path.exists());
}
