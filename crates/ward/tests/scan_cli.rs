//! `ward scan` run as a process on a fixture root, with an intel database made by
//! `ward db import` from small OSV, KEV and EPSS files written here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n\
NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n";

/// openssl (two binaries, one source) with a fixed and a merged CVE, bash with a CVE that
/// has no fix yet, zlib not affected, and a removed package that must be ignored.
const STATUS: &str = "\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.14-1~deb12u2

Package: openssl
Status: install ok installed
Architecture: amd64
Version: 3.0.14-1~deb12u2

Package: bash
Status: install ok installed
Architecture: amd64
Version: 5.2.15-2+b7
Source: bash (5.2.15-2)

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1

Package: oldpkg
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
";

const CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const MEDIUM: &str = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L";
const LOW: &str = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N";

/// A scan fixture: a root, feed files and the database imported from them.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let fixture = Fixture {
            dir: tempfile::tempdir().expect("temporary directory"),
        };
        fixture.write_root("root", STATUS);
        fixture.write_feeds();

        let output = fixture.ward(&[
            "db",
            "import",
            fixture.path("osv").to_str().expect("UTF-8 path"),
            fixture.path("kev.json").to_str().expect("UTF-8 path"),
            fixture.path("epss.csv").to_str().expect("UTF-8 path"),
        ]);
        assert_eq!(output.status.code(), Some(0), "import failed: {output:?}");
        fixture
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write_root(&self, name: &str, status: &str) {
        let root = self.path(name);
        std::fs::create_dir_all(root.join("var/lib/dpkg")).expect("dpkg directory");
        std::fs::create_dir_all(root.join("etc")).expect("etc directory");
        std::fs::write(root.join("var/lib/dpkg/status"), status).expect("status written");
        std::fs::write(root.join("etc/os-release"), OS_RELEASE).expect("os-release written");
        std::fs::write(root.join("etc/hostname"), "fixture-host\n").expect("hostname written");
    }

    fn write_feeds(&self) {
        let osv = self.path("osv");
        std::fs::create_dir_all(&osv).expect("osv directory");
        let records = [
            osv_record(
                "CVE-2024-0001",
                "openssl",
                Some("3.0.15-1~deb12u1"),
                Some(CRITICAL),
                &[],
            ),
            osv_record(
                "DEBIAN-CVE-2024-0001",
                "openssl",
                Some("3.0.15-1~deb12u1"),
                None,
                &[],
            ),
            osv_record(
                "CVE-2024-0002",
                "openssl",
                Some("3.0.14-1~deb12u3"),
                Some(MEDIUM),
                &[],
            ),
            osv_record(
                "DSA-5900-1",
                "openssl",
                Some("3.0.15-1~deb12u1"),
                None,
                &["CVE-2024-0001", "CVE-2024-0002"],
            ),
            osv_record("CVE-2024-0003", "bash", None, Some(LOW), &[]),
            osv_record(
                "CVE-2024-0004",
                "zlib",
                Some("1:1.2.13.dfsg-1"),
                Some(CRITICAL),
                &[],
            ),
        ];
        for record in records {
            let id = record["id"].as_str().expect("id").to_owned();
            std::fs::write(osv.join(format!("{id}.json")), record.to_string())
                .expect("record written");
        }

        let kev = json!({
            "title": "CISA Catalog of Known Exploited Vulnerabilities",
            "catalogVersion": "2026.08.07",
            "dateReleased": "2026-08-07T17:00:00.0000Z",
            "count": 1,
            "vulnerabilities": [{
                "cveID": "CVE-2024-0001",
                "vendorProject": "OpenSSL",
                "product": "OpenSSL",
                "vulnerabilityName": "OpenSSL Example Vulnerability",
                "dateAdded": "2024-06-01",
                "shortDescription": "Example.",
                "requiredAction": "Apply mitigations per vendor instructions.",
                "dueDate": "2024-06-22",
                "knownRansomwareCampaignUse": "Unknown",
                "notes": "",
                "cwes": []
            }]
        });
        std::fs::write(self.path("kev.json"), kev.to_string()).expect("kev written");
        std::fs::write(
            self.path("epss.csv"),
            "#model_version:v2025.03.14,score_date:2026-08-16T00:00:00Z\ncve,epss,percentile\n\
             CVE-2024-0001,0.91000,0.99500\nCVE-2024-0002,0.02000,0.60000\nCVE-2024-0003,0.00100,0.10000\n",
        )
        .expect("epss written");
    }

    fn ward(&self, arguments: &[&str]) -> Output {
        self.ward_with_env(arguments, &[])
    }

    fn ward_with_env(&self, arguments: &[&str], env: &[(&str, &str)]) -> Output {
        self.ward_with_db(&self.path("intel.sqlite"), arguments, env)
    }

    /// Runs ward with `--db database`. The feed base URL points at a closed loopback port,
    /// so a download attempt fails at once and never leaves the machine.
    fn ward_with_db(&self, database: &Path, arguments: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ward"));
        command
            .arg("--db")
            .arg(database)
            .args(arguments)
            .env_remove("NO_COLOR")
            .env_remove("WARD_DB")
            .env("WARD_FEED_BASE_URL", "http://127.0.0.1:9")
            .env("XDG_DATA_HOME", self.path("xdg"))
            .current_dir(self.dir.path());
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().expect("run ward")
    }

    fn scan(&self, extra: &[&str]) -> Output {
        let root = self.path("root");
        let mut arguments = vec!["scan", "--root", root.to_str().expect("UTF-8 path")];
        arguments.extend_from_slice(extra);
        self.ward(&arguments)
    }

    fn scan_json(&self, extra: &[&str]) -> Value {
        let mut arguments = vec!["--format", "json"];
        arguments.extend_from_slice(extra);
        let output = self.scan(&arguments);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        serde_json::from_slice(&output.stdout).expect("JSON on stdout")
    }
}

fn osv_record(
    id: &str,
    package: &str,
    fixed: Option<&str>,
    vector: Option<&str>,
    related: &[&str],
) -> Value {
    let mut events = vec![json!({ "introduced": "0" })];
    if let Some(fixed) = fixed {
        events.push(json!({ "fixed": fixed }));
    }
    let mut record = json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2025-02-12T00:00:00Z",
        "related": related,
        "affected": [{
            "package": {
                "ecosystem": "Debian:12",
                "name": package,
                "purl": format!("pkg:deb/debian/{package}?arch=source")
            },
            "ranges": [{ "type": "ECOSYSTEM", "events": events }],
            "ecosystem_specific": { "urgency": "not yet assigned" }
        }]
    });
    if let Some(vector) = vector {
        record["severity"] = json!([{ "type": "CVSS_V3", "score": vector }]);
    }
    record
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn table_lists_ranked_recommendations() {
    let fixture = Fixture::new();

    let output = fixture.scan(&["--color", "never"]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    let temp = fixture.dir.path().to_str().expect("UTF-8 path").to_owned();
    insta::with_settings!({ filters => vec![
        (temp.as_str(), "[TEMP]"),
        (r"\d{4}-\d{2}-\d{2}", "[DATE]"),
    ]}, {
        insta::assert_snapshot!(text);
    });
}

#[test]
fn json_has_documented_fields() {
    let fixture = Fixture::new();

    let report = fixture.scan_json(&[]);

    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["device"]["hostname"], "fixture-host");
    assert_eq!(report["device"]["advisory_ecosystem"], "Debian:12");
    assert_eq!(report["inventory"]["origin"], "collected");
    assert_eq!(report["inventory"]["software_count"], 4);
    assert_eq!(report["database"]["available"], true);
    let sources: Vec<&str> = report["database"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|source| source["name"].as_str())
        .collect();
    assert!(sources.contains(&"kev"), "{sources:?}");
    assert!(sources.contains(&"epss"), "{sources:?}");

    let summary = &report["summary"];
    assert_eq!(summary["affected_with_fix"], 2);
    assert_eq!(summary["affected_no_fix"], 1);
    assert_eq!(summary["not_affected"], 1);
    assert_eq!(summary["known_exploited"], 1);

    let first = &report["recommendations"][0];
    assert_eq!(first["kind"], "upgrade");
    assert_eq!(first["action"], "upgrade openssl to 3.0.15-1~deb12u1");
    assert_eq!(first["packages"], json!(["libssl3", "openssl"]));
    assert_eq!(first["cve_ids"], json!(["CVE-2024-0001", "CVE-2024-0002"]));
    assert_eq!(first["known_exploited"], 1);
    assert_eq!(first["max_epss"], 0.91);
    assert_eq!(first["max_severity"], "critical");
    assert_eq!(report["recommendations"][1]["kind"], "no_fix_yet");
    assert_eq!(report["recommendations"][1]["package"], "bash");

    let finding = &report["findings"][0];
    assert_eq!(finding["vulnerability_id"], "CVE-2024-0001");
    assert_eq!(finding["aliases"], json!(["DEBIAN-CVE-2024-0001"]));
    assert_eq!(finding["related"], json!(["DSA-5900-1"]));
    assert_eq!(finding["status"], "affected_with_fix");
    assert_eq!(finding["fixed_version"], "3.0.15-1~deb12u1");
    assert_eq!(finding["component"]["advisory_package"], "openssl");
    let evidence = finding["evidence"].as_array().expect("evidence");
    assert_eq!(evidence.len(), 3, "{evidence:#?}");
    assert_eq!(evidence[0]["range"], ">= 0, < 3.0.15-1~deb12u1");
    assert_eq!(evidence[0]["installed_version"], "3.0.14-1~deb12u2");
    assert_eq!(evidence[2]["role"], "related_advisory");

    let priority = &finding["priority"];
    assert_eq!(priority["rank"], 1);
    assert_eq!(priority["known_exploited"]["cve_id"], "CVE-2024-0001");
    assert_eq!(priority["epss"]["score"], 0.91);
    assert_eq!(priority["severity"]["level"], "critical");
    assert_eq!(priority["severity"]["chosen"]["vector"], CRITICAL);
    assert!(priority["explanation"]
        .as_array()
        .is_some_and(|lines| !lines.is_empty()));

    let bash = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["component"]["advisory_package"] == "bash")
        .expect("bash finding");
    assert_eq!(bash["component"]["advisory_version"], "5.2.15-2");
    assert_eq!(bash["component"]["packages"][0]["version"], "5.2.15-2+b7");
    assert_eq!(bash["status"], "affected_no_fix");
}

#[test]
fn fail_on_exit_codes() {
    let fixture = Fixture::new();
    // A root with bash only: its one finding is low, unscored by EPSS and not in KEV.
    fixture.write_root(
        "bash-only",
        "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2\n",
    );
    let bash_root = fixture.path("bash-only");
    let bash_root = bash_root.to_str().expect("UTF-8 path");

    let cases: [(&[&str], i32); 6] = [
        (&["--fail-on", "critical"], 1),
        (&["--fail-on", "any"], 1),
        (&["--root", bash_root, "--fail-on", "medium"], 0),
        (&["--root", bash_root, "--fail-on", "low"], 1),
        (&["--root", bash_root, "--fail-on", "any"], 1),
        (&["--root", bash_root], 0),
    ];
    for (arguments, expected) in cases {
        let output = if arguments.first() == Some(&"--root") {
            let mut full = vec!["scan", "--format", "json"];
            full.extend_from_slice(arguments);
            fixture.ward(&full)
        } else {
            let mut full = vec!["--format", "json"];
            full.extend_from_slice(arguments);
            fixture.scan(&full)
        };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{arguments:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn fail_on_reported_in_json() {
    let fixture = Fixture::new();

    let output = fixture.scan(&["--format", "json", "--fail-on", "high"]);

    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report["fail_on"]["threshold"], "high");
    assert_eq!(report["fail_on"]["findings_at_or_above"], 1);
}

#[test]
fn color_always_and_no_color() {
    let fixture = Fixture::new();
    let root = fixture.path("root");
    let root = root.to_str().expect("UTF-8 path");

    let colored = fixture.ward(&["scan", "--root", root, "--color", "always"]);
    assert!(
        stdout(&colored).contains("\u{1b}["),
        "expected ANSI escapes"
    );

    let no_color = fixture.ward_with_env(&["scan", "--root", root], &[("NO_COLOR", "1")]);
    assert!(
        !stdout(&no_color).contains('\u{1b}'),
        "NO_COLOR must disable colour"
    );

    // Without colour the words are the same.
    let strip = |text: &str| {
        let mut plain = String::new();
        let mut in_escape = false;
        for c in text.chars() {
            match (in_escape, c) {
                (false, '\u{1b}') => in_escape = true,
                (true, 'm') => in_escape = false,
                (true, _) => {}
                (false, c) => plain.push(c),
            }
        }
        plain
    };
    assert_eq!(strip(&stdout(&colored)), stdout(&no_color));
}

#[test]
fn missing_database_offline_warns() {
    let fixture = Fixture::new();
    let root = fixture.path("root");
    let missing = fixture.path("missing.sqlite");
    let arguments = [
        "scan",
        "--offline",
        "--root",
        root.to_str().expect("UTF-8 path"),
    ];

    let output = fixture.ward_with_db(&missing, &arguments, &[]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("packages: 4 (Debian:12 4)"), "{text}");
    assert!(text.contains("No vulnerability data"), "{text}");
    let warnings = stderr(&output);
    assert!(
        warnings.contains("warning: the intel database"),
        "{warnings}"
    );
    assert!(
        warnings.contains("hint: import the feeds with `ward db import"),
        "{warnings}"
    );
    assert!(!missing.exists(), "--offline must not create the database");

    let mut with_threshold = arguments.to_vec();
    with_threshold.extend_from_slice(&["--fail-on", "high"]);
    let output = fixture.ward_with_db(&missing, &with_threshold, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn saved_inventory_is_assessed() {
    let fixture = Fixture::new();
    let root = fixture.path("root");
    let saved = fixture.path("inventory.json");
    let output = fixture.ward(&[
        "inventory",
        "--root",
        root.to_str().expect("UTF-8 path"),
        "--output",
        saved.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    let output = fixture.ward(&[
        "scan",
        "--format",
        "json",
        "--inventory",
        saved.to_str().expect("UTF-8 path"),
    ]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report["inventory"]["origin"], "file");
    assert_eq!(report["summary"]["affected_with_fix"], 2);
}

#[test]
fn newer_inventory_schema_rejected() {
    let fixture = Fixture::new();
    let saved = fixture.path("future.json");
    std::fs::write(
        &saved,
        r#"{"schema_version": 99, "device": {}, "collected_at": "2026-01-01T00:00:00Z"}"#,
    )
    .expect("inventory written");

    let output = fixture.ward(&["scan", "--inventory", saved.to_str().expect("UTF-8 path")]);

    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("schema_version 99"), "{message}");
    assert!(output.stdout.is_empty(), "no data on stdout after an error");
}

#[test]
fn missing_root_is_error() {
    let fixture = Fixture::new();
    let output = fixture.ward(&["scan", "--root", "does/not/exist"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("does/not/exist"));
}

#[test]
fn missing_ecosystem_feed_warns() {
    let fixture = Fixture::new();
    let saved = fixture.path("pypi.json");
    let inventory = json!({
        "schema_version": 1,
        "device": {},
        "collected_at": "2026-01-01T00:00:00Z",
        "software": [{
            "name": "requests",
            "version": "2.0.0",
            "architecture": null,
            "package_type": "pypi",
            "ecosystem": "PyPI",
            "source_name": null,
            "source_version": null,
            "status": null,
            "purl": null,
            "path": null,
            "collector": "python-dist-info"
        }]
    });
    std::fs::write(&saved, inventory.to_string()).expect("inventory written");

    let output = fixture.ward(&["scan", "--inventory", saved.to_str().expect("UTF-8 path")]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let warnings = stderr(&output);
    assert!(
        warnings.contains("no advisory data for `PyPI` in the intel database"),
        "{warnings}"
    );
}

#[test]
fn stray_records_without_feed_warn() {
    let fixture = Fixture::new();
    // A PyPI export (most records are PyPI's, which names the source `osv:PyPI`) with a
    // record that also names a Go module, as real exports have.
    let osv = fixture.path("osv-mixed");
    std::fs::create_dir_all(&osv).expect("osv directory");
    let record = json!({
        "schema_version": "1.6.0",
        "id": "GHSA-mixed",
        "modified": "2025-02-12T00:00:00Z",
        "affected": [
            {
                "package": { "ecosystem": "PyPI", "name": "a" },
                "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": "1.0" }] }]
            },
            {
                "package": { "ecosystem": "Go", "name": "example.com/a" },
                "ranges": [{ "type": "SEMVER", "events": [{ "introduced": "0" }, { "fixed": "1.0.0" }] }]
            }
        ]
    });
    std::fs::write(osv.join("GHSA-mixed.json"), record.to_string()).expect("record");
    let pypi_only = json!({
        "schema_version": "1.6.0",
        "id": "GHSA-pypi",
        "modified": "2025-02-12T00:00:00Z",
        "affected": [{
            "package": { "ecosystem": "PyPI", "name": "b" },
            "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": "1.0" }] }]
        }]
    });
    std::fs::write(osv.join("GHSA-pypi.json"), pypi_only.to_string()).expect("record");
    let output = fixture.ward(&["db", "import", osv.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(0), "import failed: {output:?}");

    let saved = fixture.path("go.json");
    let inventory = json!({
        "schema_version": 1,
        "device": {},
        "collected_at": "2026-01-01T00:00:00Z",
        "software": [{
            "name": "example.com/b",
            "version": "v0.5.0",
            "package_type": "golang",
            "ecosystem": "Go",
            "collector": "go-mod"
        }]
    });
    std::fs::write(&saved, inventory.to_string()).expect("inventory written");

    let output = fixture.ward(&["scan", "--inventory", saved.to_str().expect("UTF-8 path")]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let warnings = stderr(&output);
    assert!(
        warnings.contains("no feed of its own for Go (1)"),
        "{warnings}"
    );
    assert!(!warnings.contains("no advisory data"), "{warnings}");
}

/// Writes a root with the fixture's dpkg packages plus NodeSource's `nodejs`, a
/// pip-installed `requests` and a Debian-shipped `urllib3` whose files dpkg lists, and
/// imports two PyPI records; returns the root.
fn write_language_root(fixture: &Fixture) -> PathBuf {
    let status = format!(
        "{STATUS}\nPackage: nodejs\nStatus: install ok installed\nArchitecture: amd64\n\
         Maintainer: NodeSource Support <support@nodesource.com>\n\
         Version: 20.20.2-1nodesource1+repack1\n"
    );
    fixture.write_root("lang-root", &status);
    let root = fixture.path("lang-root");

    let files = [
        (
            "usr/local/lib/python3.11/dist-packages/requests-2.28.2.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.2\n",
        ),
        (
            "usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO",
            "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.12\n",
        ),
        (
            "var/lib/dpkg/info/python3-urllib3.list",
            "/.\n/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO\n",
        ),
    ];
    for (relative, contents) in files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("directory");
        std::fs::write(path, contents).expect("file written");
    }

    let osv = fixture.path("osv-pypi");
    std::fs::create_dir_all(&osv).expect("osv directory");
    for (id, alias, package, fixed) in [
        (
            "GHSA-j8r2-6x86-q33q",
            "CVE-2023-32681",
            "requests",
            "2.31.0",
        ),
        (
            "GHSA-v845-jxx5-vc9f",
            "CVE-2023-43804",
            "urllib3",
            "1.26.17",
        ),
    ] {
        let record = json!({
            "schema_version": "1.6.0",
            "id": id,
            "aliases": [alias],
            "modified": "2025-02-12T00:00:00Z",
            "severity": [{ "type": "CVSS_V3", "score": MEDIUM }],
            "affected": [{
                "package": { "ecosystem": "PyPI", "name": package },
                "ranges": [{ "type": "ECOSYSTEM", "events": [{ "introduced": "0" }, { "fixed": fixed }] }]
            }]
        });
        std::fs::write(osv.join(format!("{id}.json")), record.to_string()).expect("record");
    }
    let output = fixture.ward(&["db", "import", osv.to_str().expect("UTF-8 path")]);
    assert_eq!(output.status.code(), Some(0), "import failed: {output:?}");
    root
}

fn scan_root_json(fixture: &Fixture, root: &Path, extra: &[&str]) -> (Value, String) {
    let mut arguments = vec![
        "scan",
        "--format",
        "json",
        "--root",
        root.to_str().expect("UTF-8 path"),
    ];
    arguments.extend_from_slice(extra);
    let output = fixture.ward(&arguments);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    (report, stderr(&output))
}

fn finding_ids(report: &Value, ecosystem: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["component"]["ecosystem"] == ecosystem)
        .map(|finding| finding["vulnerability_id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn python_packages_next_to_dpkg() {
    let fixture = Fixture::new();
    let root = write_language_root(&fixture);

    let (report, warnings) = scan_root_json(&fixture, &root, &[]);

    assert_eq!(
        finding_ids(&report, "PyPI"),
        ["CVE-2023-32681"],
        "pip-installed requests only"
    );
    assert!(
        !finding_ids(&report, "Debian:12").is_empty(),
        "dpkg findings kept"
    );
    let requests = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["vulnerability_id"] == "CVE-2023-32681")
        .expect("requests finding");
    assert_eq!(requests["aliases"], json!(["GHSA-j8r2-6x86-q33q"]));
    assert_eq!(requests["fixed_version"], "2.31.0");
    assert_eq!(
        requests["component"]["packages"][0]["path"],
        "usr/local/lib/python3.11/dist-packages/requests-2.28.2.dist-info/METADATA"
    );
    let actions: Vec<&str> = report["recommendations"]
        .as_array()
        .expect("recommendations")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"upgrade requests (PyPI) to 2.31.0"),
        "{actions:?}"
    );

    let not_assessed: Vec<(&str, &str)> = report["not_assessed"]
        .as_array()
        .expect("not_assessed")
        .iter()
        .map(|row| {
            (
                row["name"].as_str().expect("name"),
                row["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    assert_eq!(
        not_assessed,
        [("nodejs", "third_party_build"), ("urllib3", "os_owned")]
    );
    assert_eq!(report["summary"]["software_os_owned"], 1);
    assert_eq!(report["summary"]["software_third_party"], 1);
    assert!(warnings.contains("third-party builds"), "{warnings}");
    assert!(
        warnings.contains("nodejs 20.20.2-1nodesource1+repack1"),
        "{warnings}"
    );
}

#[test]
fn table_names_language_ecosystem() {
    let fixture = Fixture::new();
    let root = write_language_root(&fixture);

    let output = fixture.ward(&[
        "scan",
        "--color",
        "never",
        "--root",
        root.to_str().expect("UTF-8 path"),
    ]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(text.contains("upgrade requests (PyPI) to 2.31.0"), "{text}");
    assert!(
        text.contains("1 language packages installed by OS packages"),
        "{text}"
    );
    assert!(text.contains("1 third-party builds"), "{text}");
}

#[test]
fn walk_flags_limit_language_packages() {
    let fixture = Fixture::new();
    let root = write_language_root(&fixture);

    let (no_walk, _) = scan_root_json(&fixture, &root, &["--no-walk"]);
    assert!(
        finding_ids(&no_walk, "PyPI").is_empty(),
        "--no-walk collects no PyPI package"
    );
    assert!(no_walk["inventory"]["ecosystems"].get("PyPI").is_none());

    let (walk_again, _) = scan_root_json(&fixture, &root, &["--no-walk", "--walk"]);
    assert_eq!(
        finding_ids(&walk_again, "PyPI"),
        ["CVE-2023-32681"],
        "the last flag wins"
    );

    let (excluded, _) = scan_root_json(&fixture, &root, &["--exclude", "/usr/local/**"]);
    assert!(
        finding_ids(&excluded, "PyPI").is_empty(),
        "excluded directory not walked"
    );
    assert_eq!(
        excluded["inventory"]["ecosystems"]["PyPI"], 1,
        "urllib3 still found"
    );

    let (same_filesystem, _) = scan_root_json(&fixture, &root, &["--same-filesystem"]);
    assert_eq!(finding_ids(&same_filesystem, "PyPI"), ["CVE-2023-32681"]);
}

#[test]
fn inventory_accepts_walk_flags() {
    let fixture = Fixture::new();
    let root = write_language_root(&fixture);

    let output = fixture.ward(&[
        "inventory",
        "--root",
        root.to_str().expect("UTF-8 path"),
        "--no-walk",
    ]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let inventory: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let types: Vec<&str> = inventory["software"]
        .as_array()
        .expect("software")
        .iter()
        .filter_map(|row| row["package_type"].as_str())
        .collect();
    assert!(types.iter().all(|t| *t == "deb"), "{types:?}");
}

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// A root with this machine's dpkg status, an old pip-installed `requests` and `urllib3`,
/// and a Debian-owned `requests`, scanned against the real PyPI and Debian OSV exports.
#[test]
#[ignore = "real data: run by .ci/run"]
fn real_pypi_findings_next_to_dpkg() {
    let shared = shared_dir();
    let fixture = Fixture {
        dir: tempfile::tempdir().expect("temporary directory"),
    };
    let status = std::fs::read_to_string(
        shared.join("fixtures/pkgdb/dpkg/debian-12-bookworm-amd64-this-machine.status"),
    )
    .expect("this machine's dpkg status");
    fixture.write_root("root", &status);
    let root = fixture.path("root");
    let site = "opt/app/venv/lib/python3.11/site-packages";
    let files = [
        (
            format!("{site}/requests-2.25.0.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: requests\nVersion: 2.25.0\n",
        ),
        (
            format!("{site}/urllib3-1.26.4.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.4\n",
        ),
        (
            "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO".to_owned(),
            "Metadata-Version: 1.2\nName: requests\nVersion: 2.28.1\n",
        ),
        (
            "var/lib/dpkg/info/python3-requests.list".to_owned(),
            "/.\n/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\n",
        ),
    ];
    for (relative, contents) in &files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("directory");
        std::fs::write(path, contents).expect("file written");
    }

    let pypi = shared.join("data/osv/PyPI/all.zip");
    let debian = shared.join("data/osv/Debian/all.zip");
    let output = fixture.ward(&[
        "db",
        "import",
        pypi.to_str().expect("UTF-8 path"),
        debian.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "import failed: {output:?}");

    let (report, warnings) = scan_root_json(&fixture, &root, &[]);

    // Independent expectation: every PyPI record of the export whose ranges hold the
    // installed version, evaluated with Python `packaging` 24 and merged by alias.
    let expected: [(&str, &str, &str); 6] = [
        ("CVE-2023-32681", "requests", "2.31.0"),
        ("CVE-2024-35195", "requests", "2.32.0"),
        ("CVE-2021-33503", "urllib3", "1.26.5"),
        ("CVE-2023-43804", "urllib3", "1.26.17"),
        ("CVE-2023-45803", "urllib3", "1.26.18"),
        ("CVE-2024-37891", "urllib3", "1.26.19"),
    ];
    let mut actual: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["component"]["ecosystem"] == "PyPI")
        .map(|finding| {
            (
                finding["vulnerability_id"].as_str().expect("id").to_owned(),
                finding["component"]["advisory_package"]
                    .as_str()
                    .expect("package")
                    .to_owned(),
                finding["fixed_version"]
                    .as_str()
                    .unwrap_or("none")
                    .to_owned(),
            )
        })
        .collect();
    actual.sort();
    let mut expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(id, package, fixed)| ((*id).to_owned(), (*package).to_owned(), (*fixed).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(actual, expected, "PyPI findings");

    let requests = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["vulnerability_id"] == "CVE-2023-32681")
        .expect("requests finding");
    assert_eq!(
        requests["aliases"],
        json!(["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]),
        "GHSA and PYSEC records merged"
    );
    assert_eq!(
        requests["component"]["packages"][0]["path"],
        format!("{site}/requests-2.25.0.dist-info/METADATA"),
        "only the pip-installed copy is matched"
    );

    let debian_findings = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|finding| finding["component"]["ecosystem"] == "Debian:12")
        .count();
    assert!(
        debian_findings > 500,
        "dpkg findings kept: {debian_findings}"
    );

    let not_assessed: Vec<(&str, &str)> = report["not_assessed"]
        .as_array()
        .expect("not_assessed")
        .iter()
        .map(|row| {
            (
                row["name"].as_str().expect("name"),
                row["reason"].as_str().expect("reason"),
            )
        })
        .collect();
    assert_eq!(
        not_assessed,
        [("nodejs", "third_party_build"), ("requests", "os_owned")]
    );
    assert!(!warnings.contains("no advisory data"), "{warnings}");
}

#[test]
fn kev_only_database_not_assessed() {
    let fixture = Fixture::new();
    let database = fixture.path("kev-only.sqlite");
    let kev = fixture.path("kev.json");
    let output = fixture.ward_with_db(
        &database,
        &["db", "import", kev.to_str().expect("UTF-8 path")],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let root = fixture.path("root");
    let scan = ["scan", "--root", root.to_str().expect("UTF-8 path")];

    let mut json_scan = scan.to_vec();
    json_scan.extend_from_slice(&["--format", "json"]);
    let output = fixture.ward_with_db(&database, &json_scan, &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report["summary"]["software_assessed"], 0);
    assert_eq!(
        report["summary"]["software_without_advisory_data"]["Debian:12"],
        4
    );

    let output = fixture.ward_with_db(&database, &scan, &[]);
    let text = stdout(&output);
    assert!(
        text.contains("4 packages not assessed: no advisory data for Debian:12"),
        "{text}"
    );
    assert!(!text.contains("no affected package found"), "{text}");

    let mut with_threshold = scan.to_vec();
    with_threshold.extend_from_slice(&["--fail-on", "high"]);
    let output = fixture.ward_with_db(&database, &with_threshold, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("--fail-on high not checked (4 packages not assessed): exit code 2"),
        "{text}"
    );
}

#[test]
fn offline_without_database_assesses_nothing() {
    let fixture = Fixture::new();
    let root = fixture.path("root");
    let missing = fixture.path("missing.sqlite");
    let arguments = [
        "scan",
        "--offline",
        "--format",
        "json",
        "--root",
        root.to_str().expect("UTF-8 path"),
    ];

    let output = fixture.ward_with_db(&missing, &arguments, &[]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report["summary"]["software_assessed"], 0);
    assert_eq!(
        report["summary"]["software_without_advisory_data"]["Debian:12"],
        4
    );
}

#[test]
fn fail_on_outcome_line() {
    let fixture = Fixture::new();

    let text = stdout(&fixture.scan(&["--fail-on", "critical"]));
    assert!(
        text.trim_end()
            .ends_with("findings at or above critical: exit code 1"),
        "{text}"
    );

    let without = fixture.path("clean");
    fixture.write_root(
        "clean",
        "Package: no-advisory-names-me\nStatus: install ok installed\nVersion: 1.0-1\n\
         Architecture: amd64\n\n",
    );
    let output = fixture.ward(&[
        "scan",
        "--root",
        without.to_str().expect("UTF-8 path"),
        "--fail-on",
        "high",
    ]);
    let text = stdout(&output);
    assert!(
        text.trim_end()
            .ends_with("No findings at or above high: exit code 0"),
        "{text}"
    );

    let text = stdout(&fixture.scan(&[]));
    assert!(!text.contains("exit code"), "{text}");
}

#[test]
fn alpine_secdb_is_own_feed() {
    let fixture = Fixture::new();
    let secdb = fixture.path("alpine-secdb/v3.20");
    std::fs::create_dir_all(&secdb).expect("secdb directory");
    let main = json!({
        "distroversion": "v3.20",
        "reponame": "main",
        "packages": [{"pkg": {"name": "openssl", "secfixes": {"3.3.2-r0": ["CVE-2024-0001"]}}}]
    });
    std::fs::write(secdb.join("main.json"), main.to_string()).expect("secdb written");
    let database = fixture.path("alpine.sqlite");
    let output = fixture.ward_with_db(
        &database,
        &[
            "db",
            "import",
            secdb.join("main.json").to_str().expect("UTF-8 path"),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let saved = fixture.path("alpine.json");
    let inventory = json!({
        "schema_version": 1,
        "device": {},
        "collected_at": "2026-01-01T00:00:00Z",
        "software": [{
            "name": "libssl3",
            "version": "3.3.1-r0",
            "architecture": "x86_64",
            "package_type": "apk",
            "ecosystem": "Alpine:v3.20",
            "source_name": "openssl",
            "source_version": null,
            "status": null,
            "purl": null,
            "path": null,
            "collector": "apk"
        }]
    });
    std::fs::write(&saved, inventory.to_string()).expect("inventory written");

    let output = fixture.ward_with_db(
        &database,
        &[
            "scan",
            "--format",
            "json",
            "--inventory",
            saved.to_str().expect("UTF-8 path"),
        ],
        &[],
    );

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(report["summary"]["affected_with_fix"], 1, "{report}");
    let warnings = stderr(&output);
    assert!(!warnings.contains("no feed of its own"), "{warnings}");
}

#[test]
fn stale_source_warns() {
    let fixture = Fixture::new();

    let output = fixture.scan(&[]);

    // The fixture's KEV catalog is dated 2026-08-07, older than 14 days from any run date
    // after 2026-08-21.
    let warnings = stderr(&output);
    assert!(
        warnings.contains("source `kev` is ") && warnings.contains("run `ward db update`"),
        "{warnings}"
    );
}

#[test]
fn logs_to_file_without_ansi() {
    let fixture = Fixture::new();

    let output = fixture.ward_with_env(
        &[
            "scan",
            "--root",
            fixture.path("root").to_str().expect("UTF-8 path"),
        ],
        &[("RUST_LOG", "debug")],
    );

    let log = stderr(&output);
    assert!(log.contains("DEBUG"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log}");
}

#[test]
fn inventory_without_software_rejected() {
    let fixture = Fixture::new();
    let saved = fixture.path("no-software.json");
    std::fs::write(
        &saved,
        r#"{"schema_version": 1, "device": {}, "collected_at": "2026-01-01T00:00:00Z"}"#,
    )
    .expect("inventory written");

    let output = fixture.ward(&["scan", "--inventory", saved.to_str().expect("UTF-8 path")]);

    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("no-software.json"), "{message}");
    assert!(
        message.contains("missing the required field `software`"),
        "{message}"
    );
    assert!(output.stdout.is_empty(), "no data on stdout after an error");
}

#[test]
fn inventory_field_error_names_line() {
    let fixture = Fixture::new();
    let saved = fixture.path("bad-row.json");
    std::fs::write(
        &saved,
        "{\n  \"schema_version\": 1,\n  \"device\": {},\n  \"collected_at\": \"2026-01-01T00:00:00Z\",\n  \"software\": [{\"name\": 5}]\n}\n",
    )
    .expect("inventory written");

    let output = fixture.ward(&["scan", "--inventory", saved.to_str().expect("UTF-8 path")]);

    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("bad-row.json"), "{message}");
    assert!(message.contains("line 5 column"), "{message}");
}

#[test]
fn inventory_json_error_names_line() {
    let fixture = Fixture::new();
    let saved = fixture.path("truncated.json");
    std::fs::write(&saved, "{\n  \"schema_version\": 1,\n  \"device\": {").expect("written");

    let output = fixture.ward(&["scan", "--inventory", saved.to_str().expect("UTF-8 path")]);

    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = stderr(&output);
    assert!(message.contains("truncated.json"), "{message}");
    assert!(message.contains("not valid JSON"), "{message}");
    assert!(message.contains("line 3 column"), "{message}");
}

#[test]
fn scan_help_states_defaults() {
    let fixture = Fixture::new();

    let output = fixture.ward(&["scan", "--help"]);

    let help = stdout(&output);
    assert!(help.contains("[default: /]"), "{help}");
    assert!(!help.contains("Default: `/`"), "{help}");
    assert!(help.contains("Default: all of them"), "{help}");
}

#[test]
fn root_conflicts_with_inventory() {
    let fixture = Fixture::new();

    let output = fixture.ward(&["scan", "--root", "/", "--inventory", "saved.json"]);

    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("cannot be used with"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn empty_root_fails_fail_on_as_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    let db = dir.path().join("intel.sqlite");
    let kev = dir.path().join("kev.json");
    std::fs::write(
        &kev,
        r#"{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.01.02", "dateReleased": "2026-01-02T00:00:00.000Z", "count": 0, "vulnerabilities": []}"#,
    )
    .unwrap();
    let import = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(["--db", &db.display().to_string(), "db", "import"])
        .arg(&kev)
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");

    let scan = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args([
            "--db",
            &db.display().to_string(),
            "scan",
            "--color",
            "never",
        ])
        .arg("--root")
        .arg(&root)
        .args(["--fail-on", "any"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&scan.stdout);

    assert_eq!(scan.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("No packages found"), "{stdout}");
    assert!(
        stdout.contains("not checked (no packages found)"),
        "{stdout}"
    );
}

#[test]
fn scan_names_a_file_that_is_no_database() {
    let fixture = Fixture::new();
    let not_a_database = fixture.path("notes.txt");
    std::fs::write(&not_a_database, "not a database\n").expect("notes written");
    let root = fixture.path("root");
    let root = root.to_str().expect("UTF-8 path");

    let output = fixture.ward_with_db(&not_a_database, &["scan", "--root", root], &[]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not an intel database"), "{stderr}");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(
        std::fs::read(&not_a_database).expect("notes kept"),
        b"not a database\n"
    );
}
