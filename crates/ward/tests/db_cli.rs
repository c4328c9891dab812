//! `ward db import` and `ward db status`, run as a process on hand-written feed files.

use std::path::Path;
use std::process::{Command, Output};

const RECORD: &str = r#"{"id": "CVE-2024-0001", "modified": "2025-01-02T03:04:05Z",
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}]}]}]}"#;

const KEV: &str = r#"{"catalogVersion": "2026.01.02", "dateReleased": "2026-01-02T10:00:00.000Z",
    "vulnerabilities": [{"cveID": "CVE-2024-0001", "vendorProject": "OpenSSL", "product": "OpenSSL",
    "vulnerabilityName": "Test", "dateAdded": "2025-01-01", "requiredAction": "Patch",
    "knownRansomwareCampaignUse": "Unknown"}]}"#;

const EPSS: &str = "cve,epss,percentile\nCVE-2024-0001,0.5,0.9\nCVE-2024-0002,0.1,0.2\n";

fn ward(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WARD_DB")
        .env_remove("WARD_FEED_BASE_URL")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn feed_files(dir: &Path) -> (String, String, String) {
    let records = dir.join("records");
    std::fs::create_dir_all(&records).unwrap();
    std::fs::write(records.join("CVE-2024-0001.json"), RECORD).unwrap();
    std::fs::write(dir.join("kev.json"), KEV).unwrap();
    std::fs::write(dir.join("epss.csv"), EPSS).unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    (path("records"), path("kev.json"), path("epss.csv"))
}

/// Imports the sample OSV records into `intel.sqlite` under `dir` and returns its path and
/// bytes, for tests that check a later failed import leaves it unchanged.
fn imported_database(dir: &Path) -> (std::path::PathBuf, Vec<u8>) {
    let db = dir.join("intel.sqlite");
    let (records, _, _) = feed_files(dir);
    assert_eq!(
        ward(&db, &["db", "import", &records]).status.code(),
        Some(0)
    );
    let before = std::fs::read(&db).unwrap();
    (db, before)
}

#[test]
fn import_then_status_table() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, kev, epss) = feed_files(dir.path());

    let import = ward(&db, &["db", "import", &records, &kev, &epss]);
    assert_eq!(
        import.status.code(),
        Some(0),
        "stderr: {}",
        text(&import.stderr)
    );
    assert!(
        text(&import.stderr).contains("Imported osv:Debian: 1 records"),
        "{}",
        text(&import.stderr)
    );
    assert!(import.stdout.is_empty());

    let status = ward(&db, &["db", "status"]);
    assert_eq!(
        status.status.code(),
        Some(0),
        "stderr: {}",
        text(&status.stderr)
    );
    let stdout = text(&status.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[1].starts_with("SOURCE"), "{stdout}");
    assert!(
        lines[2].starts_with("epss") && lines[2].contains(" 2 "),
        "{stdout}"
    );
    assert!(
        lines[3].starts_with("kev") && lines[3].contains("2026-01-02"),
        "{stdout}"
    );
    assert!(
        lines[4].starts_with("osv:Debian") && lines[4].contains("2025-01-02"),
        "{stdout}"
    );
    // The snapshot dates are long past, so each source is reported stale.
    assert!(
        text(&status.stderr).contains("warning: source `osv:Debian` is"),
        "{}",
        text(&status.stderr)
    );
}

#[test]
fn status_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, kev, _) = feed_files(dir.path());
    assert_eq!(
        ward(&db, &["db", "import", &records, &kev]).status.code(),
        Some(0)
    );

    let status = ward(&db, &["db", "status", "--format", "json"]);
    assert_eq!(status.status.code(), Some(0));
    let document: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();

    let sources = document["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["name"], "kev");
    assert_eq!(sources[0]["records"], 1);
    assert_eq!(sources[0]["feed_version"], "2026.01.02");
    assert_eq!(sources[1]["name"], "osv:Debian");
    assert_eq!(sources[1]["stale"], true);
    assert!(sources[1]["age_days"].as_i64().unwrap() > 300);
}

#[test]
fn truncated_zip_fails_and_keeps_database() {
    let dir = tempfile::tempdir().unwrap();
    let (db, before) = imported_database(dir.path());
    let zip = dir.path().join("all.zip");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated").unwrap();

    let import = ward(&db, &["db", "import", &zip.display().to_string()]);

    assert_eq!(import.status.code(), Some(2));
    let stderr = text(&import.stderr);
    assert!(stderr.starts_with("error: invalid feed file"), "{stderr}");
    assert!(stderr.contains("all.zip"), "{stderr}");
    assert!(
        stderr.contains("hint: the database was left unchanged"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn invalid_record_is_skipped_with_warning() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, _, _) = feed_files(dir.path());
    std::fs::write(
        Path::new(&records).join("BAD.json"),
        r#"{"id": "BAD-1", "modified": 5}"#,
    )
    .unwrap();

    let import = ward(&db, &["db", "import", &records]);

    assert_eq!(import.status.code(), Some(0));
    let stderr = text(&import.stderr);
    assert!(
        stderr.contains("warning: skipped invalid record:"),
        "{stderr}"
    );
    assert!(stderr.contains("BAD.json: record `BAD-1`"), "{stderr}");

    let quiet = ward(&db, &["--quiet", "db", "import", &records]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(text(&quiet.stderr), "");
    assert_eq!(text(&quiet.stdout), "");
}

#[test]
fn empty_or_directory_database_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();

    for args in [&["db", "status"][..], &["vuln", "show", "CVE-2024-0001"]] {
        let output = ward(&empty, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains("is an empty file"), "{stderr}");
        assert!(stderr.contains("hint: create it with"), "{stderr}");
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);

    let status = ward(dir.path(), &["db", "status"]);
    assert_eq!(status.status.code(), Some(2));
    let stderr = text(&status.stderr);
    assert!(stderr.contains("is a directory"), "{stderr}");
}

#[test]
fn missing_file_and_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");

    let import = ward(&db, &["db", "import", "/nonexistent/all.zip"]);
    assert_eq!(import.status.code(), Some(2));
    assert!(
        text(&import.stderr).contains("failed to read `/nonexistent/all.zip`"),
        "{}",
        text(&import.stderr)
    );

    let status = ward(&db, &["db", "status"]);
    assert_eq!(status.status.code(), Some(2));
    let stderr = text(&status.stderr);
    assert!(stderr.contains("not found"), "{stderr}");
    assert!(
        stderr.contains("hint: create it with `ward db update` or `ward db import PATH…`"),
        "{stderr}"
    );
}

#[test]
fn offline_update_names_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");

    let update = ward(
        &db,
        &["db", "update", "--ecosystem", "Debian", "--base-url", &base],
    );

    assert_eq!(update.status.code(), Some(2));
    let stderr = text(&update.stderr);
    assert!(stderr.contains("cannot reach"), "{stderr}");
    assert!(stderr.contains("`ward db import PATH…`"), "{stderr}");
}

#[test]
fn failed_download_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let args = [
        "db",
        "update",
        "--ecosystem",
        "Debian",
        "--no-kev",
        "--no-epss",
        "--base-url",
        &base,
    ];

    let update = ward(&db, &args);

    assert_eq!(update.status.code(), Some(2));
    let stderr = text(&update.stderr);
    assert_eq!(stderr.matches("cannot reach").count(), 1, "{stderr}");
}

#[test]
fn invalid_base_url_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");

    let update = ward(&db, &["db", "update", "--base-url", "notaurl"]);

    assert_eq!(update.status.code(), Some(2));
    let stderr = text(&update.stderr);
    assert!(
        stderr.contains("error: invalid feed base URL `notaurl`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: the database was left unchanged; give an absolute http://"),
        "{stderr}"
    );
    assert!(!db.exists());
}

#[test]
fn vuln_show_joins_kev_and_epss() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, kev, epss) = feed_files(dir.path());
    assert_eq!(
        ward(&db, &["db", "import", &records, &kev, &epss])
            .status
            .code(),
        Some(0)
    );

    let text_output = ward(&db, &["vuln", "show", "CVE-2024-0001"]);
    assert_eq!(
        text_output.status.code(),
        Some(0),
        "{}",
        text(&text_output.stderr)
    );
    let stdout = text(&text_output.stdout);
    assert!(
        stdout.contains(
            "known exploited (CISA KEV): added 2025-01-01, due -, ransomware use: unknown"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("EPSS CVE-2024-0001: 0.50000"), "{stdout}");
    assert!(
        stdout.contains("affected: Debian:12 openssl: introduced 0, fixed 3.0.15-1~deb12u1"),
        "{stdout}"
    );

    let json_output = ward(&db, &["vuln", "show", "CVE-2024-0001", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_slice(&json_output.stdout).unwrap();
    assert_eq!(document["records"][0]["source"], "osv:Debian");
    assert_eq!(document["kev"][0]["cve_id"], "CVE-2024-0001");

    let missing = ward(&db, &["vuln", "show", "CVE-1999-9999"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("`CVE-1999-9999` not found"),
        "{}",
        text(&missing.stderr)
    );
}

/// Writes `count` Debian OSV records into `dir`, one JSON file each.
fn debian_records(dir: &Path, count: usize) -> String {
    std::fs::create_dir_all(dir).unwrap();
    for index in 0..count {
        let id = format!("CVE-2024-{index:04}");
        std::fs::write(
            dir.join(format!("{id}.json")),
            RECORD.replace("CVE-2024-0001", &id),
        )
        .unwrap();
    }
    dir.display().to_string()
}

#[test]
fn import_rejects_shrinking_source() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let full = debian_records(&dir.path().join("full"), 120);
    let partial = debian_records(&dir.path().join("partial"), 2);
    assert_eq!(ward(&db, &["db", "import", &full]).status.code(), Some(0));

    let shrink = ward(&db, &["db", "import", &partial]);

    let stderr = text(&shrink.stderr);
    assert_ne!(shrink.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("shrink source `osv:Debian` from 120 to 2 records"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-shrink"), "{stderr}");
    let status = ward(&db, &["db", "status", "--format", "json"]);
    assert!(text(&status.stdout).contains("\"records\": 120"));

    let allowed = ward(&db, &["db", "import", "--allow-shrink", &partial]);

    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stderr));
    let status = ward(&db, &["db", "status", "--format", "json"]);
    assert!(text(&status.stdout).contains("\"records\": 2"));
}

#[test]
fn unwritable_location_names_database() {
    let dir = tempfile::tempdir().unwrap();
    let (records, _, _) = feed_files(dir.path());
    // A regular file where the database directory should be fails even for root, which
    // ignores directory permissions.
    let not_a_dir = dir.path().join("not-a-directory");
    std::fs::write(&not_a_dir, b"").unwrap();
    let db = not_a_dir.join("intel.sqlite");

    let import = ward(&db, &["db", "import", &records]);

    let stderr = text(&import.stderr);
    assert_eq!(import.status.code(), Some(2), "{stderr}");
    let expected = format!("cannot create the new database next to `{}`", db.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("--db PATH"), "{stderr}");
    // Neither the working copy `.intel.sqlite.XXXXXX.tmp` nor the lock file is named.
    assert!(!stderr.contains("intel.sqlite."), "{stderr}");
}

#[test]
fn foreign_file_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, _, _) = feed_files(dir.path());
    std::fs::write(
        &db,
        "not a database, but long enough to hold an SQLite header ".repeat(20),
    )
    .unwrap();

    let import = ward(&db, &["db", "import", &records]);

    let stderr = text(&import.stderr);
    assert_eq!(import.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not an SQLite database"), "{stderr}");
    assert!(text(&std::fs::read(&db).unwrap()).starts_with("not a database"));
}

/// Writes a directory where no file can be imported: invalid JSON, a text file and an OSV
/// record without `id`.
fn bad_records(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("a.json"), "{not json").unwrap();
    std::fs::write(dir.join("b.txt"), "hello").unwrap();
    std::fs::write(
        dir.join("c.json"),
        r#"{"modified": "2024-01-01T00:00:00Z", "affected": []}"#,
    )
    .unwrap();
    dir.display().to_string()
}

#[test]
fn import_of_only_bad_files_fails() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let bad = bad_records(&dir.path().join("bad"));

    let import = ward(&db, &["db", "import", &bad]);

    let stderr = text(&import.stderr);
    assert_eq!(import.status.code(), Some(2), "{stderr}");
    for (file, problem) in [
        ("a.json", "invalid JSON"),
        ("b.txt", "unknown format"),
        ("c.json", "missing field `id`"),
    ] {
        let path = format!("{bad}/{file}");
        let lines: Vec<&str> = stderr.lines().filter(|line| line.contains(&path)).collect();
        assert_eq!(lines.len(), 1, "case {file}: {stderr}");
        assert!(lines[0].starts_with("warning: "), "case {file}: {stderr}");
        assert!(lines[0].contains(problem), "case {file}: {stderr}");
    }
    assert!(!stderr.contains('!'), "{stderr}");
    assert!(
        stderr.contains("error: nothing was imported from"),
        "{stderr}"
    );
    assert!(
        !db.exists(),
        "an import of nothing must not create the database"
    );
}

#[test]
fn import_of_bad_files_keeps_sources() {
    let dir = tempfile::tempdir().unwrap();
    let (db, before) = imported_database(dir.path());
    let bad = bad_records(&dir.path().join("records-broken"));

    let import = ward(&db, &["db", "import", "--source", "osv:Debian", &bad]);

    assert_eq!(import.status.code(), Some(2), "{}", text(&import.stderr));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn import_goes_on_after_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let mixed = bad_records(&dir.path().join("mixed"));
    std::fs::write(Path::new(&mixed).join("CVE-2024-0001.json"), RECORD).unwrap();

    let import = ward(&db, &["db", "import", &mixed]);

    let stderr = text(&import.stderr);
    assert_eq!(import.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("warning: ").count(), 3, "{stderr}");
    assert!(
        stderr.contains("Imported osv:Debian: 1 records, 2 skipped"),
        "{stderr}"
    );
    let status = ward(&db, &["db", "status", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let names: Vec<&str> = document["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|source| source["name"].as_str())
        .collect();
    assert_eq!(names, ["osv:Debian"]);
}

#[test]
fn reserved_source_name_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, _, _) = feed_files(dir.path());

    let import = ward(&db, &["db", "import", "--source", "kev", &records]);

    let stderr = text(&import.stderr);
    assert_eq!(import.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("belongs to another feed"), "{stderr}");
    assert!(stderr.contains("error: invalid `--source` for"), "{stderr}");
    assert!(
        stderr.contains("hint: the database was left unchanged; choose another `--source` name"),
        "{stderr}"
    );
}

/// Names that another feed owns, or that `db status` could not show, are refused for every
/// format, and the real feed still imports afterwards.
#[test]
fn source_name_takes_one_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, kev, _) = feed_files(dir.path());

    let import = ward(&db, &["db", "import", "--source", "mine", &records, &kev]);

    assert_eq!(import.status.code(), Some(2));
    let stderr = text(&import.stderr);
    assert!(
        stderr.contains("takes one PATH, but 2 were given"),
        "{stderr}"
    );
    assert!(!db.exists());
}

#[test]
fn source_names_are_checked_for_every_feed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let (records, kev, epss) = feed_files(dir.path());
    let cases: [(&str, &str, &str); 5] = [
        ("osv:Go", &kev, "always stored as source `kev`"),
        ("kev", &epss, "always stored as source `epss`"),
        ("KEV:x", &records, "belongs to another feed"),
        ("kev ", &records, "without surrounding spaces"),
        ("", &records, "must have 1 to 100 characters"),
    ];
    for (name, file, expected) in cases {
        let import = ward(&db, &["db", "import", "--source", name, file]);

        let stderr = text(&import.stderr);
        assert_eq!(import.status.code(), Some(2), "case {name:?}: {stderr}");
        assert!(stderr.contains(expected), "case {name:?}: {stderr}");
    }

    let import = ward(&db, &["db", "import", &records, &kev, &epss]);
    assert_eq!(import.status.code(), Some(0), "{}", text(&import.stderr));
}

#[test]
fn many_unknown_files_share_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let mirror = dir.path().join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    std::fs::write(mirror.join("CVE-2024-0001.json"), RECORD).unwrap();
    for name in [
        "README.md",
        "SHA256SUMS",
        "notes.txt",
        "LICENSE",
        "hosts.txt",
    ] {
        std::fs::write(mirror.join(name), "plain text\n").unwrap();
    }

    let import = ward(&db, &["db", "import", &mirror.display().to_string()]);

    let stderr = text(&import.stderr);
    assert_eq!(import.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("left out 5 files in no feed format"),
        "{stderr}"
    );
}

#[test]
fn closed_stderr_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.sqlite");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--db")
        .arg(&db)
        .args(["db", "status"])
        .env_remove("WARD_DB")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Closing the read end makes every write to stderr fail with a broken pipe.
    drop(child.stderr.take());

    let status = child.wait().unwrap();

    assert_eq!(status.code(), Some(2), "{status:?}");
}
