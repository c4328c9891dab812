//! `ward vuln show`, run as a process on a database built by `ward db import` from the
//! hand-written files in `tests/data/vuln/`: an NVD page, a CVE 5 record, OSV records of a
//! GHSA, a Debian CVE and a DSA, KEV and EPSS.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ward(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("WARD_DB")
        .env_remove("WARD_FEED_BASE_URL")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn data(name: &str) -> String {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vuln"))
        .join(name)
        .display()
        .to_string()
}

fn imported_db(dir: &Path) -> PathBuf {
    let db = dir.join("intel.sqlite");
    let inputs = [
        "nvd-page.json",
        "CVE-2024-0001.cve5.json",
        "osv-pypi",
        "osv-debian",
        "kev.json",
        "epss.csv",
    ]
    .map(data);
    let mut args = vec!["db", "import"];
    args.extend(inputs.iter().map(String::as_str));
    let output = ward(&db, &args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    db
}

#[test]
fn show_table_merges_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported_db(dir.path());

    let output = ward(&db, &["vuln", "show", "GHSA-aaaa-bbbb-cccc"]);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let expected_lines = [
        "CVE-2024-0001 (looked up as GHSA-aaaa-bbbb-cccc)",
        "  aliases: GHSA-aaaa-bbbb-cccc",
        "  related: DSA-9999-1",
        "  severity: HIGH 7.5 (CVSS 3.1 base, from cve5:cna:example, cna)",
        "  known exploited (CISA KEV): added 2024-04-12, due 2024-05-03, ransomware use: known",
        "  EPSS CVE-2024-0001: 0.91000 (percentile 0.99000) on 2026-01-03, model v2025.03.14",
        "  SSVC (CISA-ADP, CVE-2024-0001): exploitation active, automatable yes, technical impact total",
        "  affected: Debian:11 widget: introduced 0, fixed 1.2-1+deb11u3 (record DSA-9999-1, osv:Debian; severity HIGH 7.5 (CVSS 3.1 base, from cve5:cna:example, cna))",
        "  affected: PyPI widget: introduced 0, fixed 1.4.2 (record GHSA-aaaa-bbbb-cccc, osv:PyPI; severity MEDIUM 4.2 (CVSS 3.1 base, from osv:PyPI, vendor))",
        "  vulnerable: cpe:2.3:a:example:widget:*:*:*:*:*:*:*:* < 1.4.2",
    ];
    for line in expected_lines {
        assert!(
            stdout.lines().any(|candidate| candidate == line),
            "missing line {line:?} in:\n{stdout}"
        );
    }
    for fragment in [
        "nvd:primary:nvd@nist.gov",
        "9.8 base",
        "9.3 CVSS-B",
        "CWE-787 (nvd@nist.gov)",
        "https://example.org/advisory",
    ] {
        assert!(
            stdout.contains(fragment),
            "missing {fragment:?} in:\n{stdout}"
        );
    }
}

#[test]
fn show_json_has_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported_db(dir.path());

    let output = ward(&db, &["vuln", "show", "DSA-9999-1", "--format", "json"]);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["primary_id"], "CVE-2024-0001");
    assert_eq!(document["shown_severity"]["tier"], "cna");
    assert_eq!(document["kev"][0]["known_ransomware_use"], "known");
    assert_eq!(document["epss"][0]["date"], "2026-01-03");
    assert_eq!(document["ssvc"][0]["exploitation"], "active");
    let sources: Vec<&str> = document["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|record| record["source"].as_str())
        .collect();
    for expected in ["osv:Debian", "osv:PyPI", "nvd", "cve5"] {
        assert!(
            sources.contains(&expected),
            "{expected} missing from {sources:?}"
        );
    }
    let primary = document["severities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["source"] == "nvd:primary:nvd@nist.gov")
        .unwrap();
    assert_eq!(primary["score"], 9.8);
    assert_eq!(primary["stated_score"], 9.8);
}

#[test]
fn show_rejected_and_missing() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported_db(dir.path());

    let rejected = ward(&db, &["vuln", "show", "CVE-2024-0009"]);
    assert_eq!(
        rejected.status.code(),
        Some(0),
        "{}",
        text(&rejected.stderr)
    );
    let stdout = text(&rejected.stdout);
    assert!(
        stdout.contains("status: withdrawn or rejected by every source"),
        "{stdout}"
    );
    assert!(stdout.contains("severity: no score"), "{stdout}");

    let missing = ward(&db, &["vuln", "show", "CVE-1999-9999"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("`CVE-1999-9999` not found"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn show_ignores_id_case() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported_db(dir.path());

    for id in ["cve-2024-0001", "ghsa-AAAA-bbbb-CCCC", "dsa-9999-1"] {
        let output = ward(&db, &["vuln", "show", id, "--format", "json"]);

        assert_eq!(
            output.status.code(),
            Some(0),
            "case {id}: {}",
            text(&output.stderr)
        );
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(document["primary_id"], "CVE-2024-0001", "case {id}");
    }
}

#[test]
fn aliases_leave_out_primary_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = imported_db(dir.path());

    let output = ward(&db, &["vuln", "show", "CVE-2024-0001", "--format", "json"]);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        document["aliases"],
        serde_json::json!(["GHSA-aaaa-bbbb-cccc"])
    );
    let table = text(&ward(&db, &["vuln", "show", "CVE-2024-0001"]).stdout);
    assert!(
        table
            .lines()
            .any(|line| line == "  aliases: GHSA-aaaa-bbbb-cccc"),
        "{table}"
    );
}

#[test]
fn terminal_controls_in_feed_text_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let record = dir.path().join("GHSA-ctrl.json");
    std::fs::write(
        &record,
        r#"{"id": "GHSA-ctrl-ctrl-ctrl", "modified": "2025-01-02T03:04:05Z",
            "summary": "hello \u001b[31mRED\u001b]0;pwned\u0007 over\rwrite \u202eexe",
            "affected": [{"package": {"ecosystem": "npm", "name": "evil\u001b[2J"},
                          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]}"#,
    )
    .unwrap();
    let import = ward(&db, &["db", "import", &record.display().to_string()]);
    assert_eq!(import.status.code(), Some(0), "{}", text(&import.stderr));

    let output = ward(&db, &["vuln", "show", "GHSA-ctrl-ctrl-ctrl"]);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for raw in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(!stdout.contains(raw), "{raw:?} in {stdout}");
    }
    assert!(stdout.contains(r"hello \u{1b}[31mRED"), "{stdout}");
    assert!(stdout.contains(r"evil\u{1b}[2J"), "{stdout}");
}
