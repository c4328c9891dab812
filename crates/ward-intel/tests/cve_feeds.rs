//! Import of NVD, CVE JSON 5 and Anchore files, and the merged vulnerability view.

use std::io::Write;
use std::path::{Path, PathBuf};

use ward_intel::import::{import, ImportInput};
use ward_intel::precedence::Tier;
use ward_intel::progress::NoProgress;
use ward_intel::{IntelDb, MetricRole};

const V31_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V31_HIGH: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
const V40: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

fn nvd_page(timestamp: &str, records: &[String]) -> String {
    format!(
        r#"{{"resultsPerPage": {n}, "startIndex": 0, "totalResults": {n}, "format": "NVD_CVE",
            "version": "2.0", "timestamp": "{timestamp}", "vulnerabilities": [{}]}}"#,
        records.join(","),
        n = records.len()
    )
}

fn nvd_record(id: &str, modified: &str, status: &str, primary_vector: &str) -> String {
    format!(
        r#"{{"cve": {{"id": "{id}", "sourceIdentifier": "cna@example.org",
          "published": "2024-02-13T09:15:45.763", "lastModified": "{modified}",
          "vulnStatus": "{status}",
          "descriptions": [{{"lang": "en", "value": "Widget overflow in {id}."}}],
          "metrics": {{
            "cvssMetricV40": [{{"source": "cna@example.org", "type": "Secondary",
              "cvssData": {{"version": "4.0", "baseScore": 9.3, "vectorString": "{V40}"}}}}],
            "cvssMetricV31": [
              {{"source": "nvd@nist.gov", "type": "Primary",
                "cvssData": {{"version": "3.1", "baseScore": 9.8, "vectorString": "{primary_vector}"}}}},
              {{"source": "cna@example.org", "type": "Secondary",
                "cvssData": {{"version": "3.1", "baseScore": 7.5, "vectorString": "{V31_HIGH}"}}}},
              {{"source": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "type": "Secondary",
                "cvssData": {{"version": "3.1", "baseScore": 7.5, "vectorString": "{V31_HIGH}"}}}}]
          }},
          "weaknesses": [{{"source": "nvd@nist.gov", "type": "Primary",
            "description": [{{"lang": "en", "value": "CWE-787"}}]}}],
          "configurations": [{{"nodes": [{{"operator": "OR", "negate": false, "cpeMatch": [
            {{"vulnerable": true, "criteria": "cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*",
              "matchCriteriaId": "11111111-2222-3333-4444-555555555555",
              "versionEndExcluding": "1.4.2"}}]}}]}}],
          "references": [{{"url": "https://example.org/advisory", "source": "cna@example.org",
            "tags": ["Vendor Advisory"]}}]}}}}"#
    )
}

const REJECTED: &str = r#"{"cve": {"id": "CVE-2024-0009", "vulnStatus": "Rejected",
    "published": "2024-01-01T00:00:00.000", "lastModified": "2024-01-02T00:00:00.000",
    "descriptions": [{"lang": "en", "value": "Rejected reason: duplicate."}],
    "metrics": {"cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary",
      "cvssData": {"version": "3.1", "baseScore": 9.8,
      "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}]},
    "references": []}}"#;

const BAD_NVD_RECORD: &str =
    r#"{"cve": {"id": "CVE-2024-0666", "metrics": {"cvssMetricV31": "oops"}}}"#;

const CVE5: &str = r#"{
  "dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2024-0001", "state": "PUBLISHED", "assignerShortName": "example",
    "datePublished": "2024-02-13T09:15:45.763Z", "dateUpdated": "2024-08-01T20:12:06.667Z"},
  "containers": {
    "cna": {"providerMetadata": {"shortName": "example"},
      "descriptions": [{"lang": "en", "value": "Widget overflow."}],
      "metrics": [{"cvssV3_1": {"baseScore": 7.5,
        "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}}],
      "problemTypes": [{"descriptions": [{"cweId": "CWE-787"}]}],
      "references": [{"url": "https://example.org/advisory"}]},
    "adp": [{"providerMetadata": {"shortName": "CISA-ADP"},
      "metrics": [
        {"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "Active"},
          {"Automatable": "yes"}, {"Technical Impact": "Total"}],
          "timestamp": "2024-04-17T04:00:13.543064Z"}}},
        {"other": {"type": "kev", "content": {"dateAdded": "2024-04-12"}}}],
      "affected": [{"cpes": ["cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*"], "vendor": "example",
        "product": "widget", "versions": [{"status": "affected", "version": "1.0", "lessThan": "1.4.2"}]}]}]
  }
}"#;

const GHSA: &str = r#"{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-03-01T00:00:00Z",
    "aliases": ["CVE-2024-0001"], "summary": "Widget overflow",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N"}],
    "database_specific": {"cwe_ids": ["CWE-787"]},
    "affected": [{"package": {"ecosystem": "PyPI", "name": "widget"},
      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.4.2"}]}]}],
    "references": [{"type": "ADVISORY", "url": "https://example.org/advisory"}]}"#;

const DEBIAN: &str = r#"{"id": "CVE-2024-0001", "modified": "2024-03-02T00:00:00Z",
    "affected": [{"package": {"ecosystem": "Debian:12", "name": "widget"},
      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.4.1-1+deb12u1"}]}]}]}"#;

const DSA: &str = r#"{"id": "DSA-9999-1", "modified": "2024-03-03T00:00:00Z",
    "related": ["CVE-2024-0001"], "summary": "widget - security update",
    "affected": [{"package": {"ecosystem": "Debian:11", "name": "widget"},
      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2-1+deb11u3"}]}]}]}"#;

const KEV: &str = r#"{"catalogVersion": "2026.01.02", "dateReleased": "2026-01-02T10:00:00.000Z",
    "vulnerabilities": [{"cveID": "CVE-2024-0001", "vendorProject": "Example", "product": "Widget",
    "vulnerabilityName": "Widget overflow", "dateAdded": "2024-04-12", "dueDate": "2024-05-03",
    "requiredAction": "Patch", "knownRansomwareCampaignUse": "Known"}]}"#;

const EPSS: &str = "#model_version:v2025.03.14,score_date:2026-01-03T12:55:00Z\ncve,epss,percentile\nCVE-2024-0001,0.91,0.99\n";

fn anchore_override(id: &str, product: &str) -> String {
    format!(
        r#"{{"_annotation": {{"cna": "example", "cve_id": "{id}", "description": "Override.",
          "modified": "2024-08-01T16:27:57.203000+00:00", "reason": "NVD has not analysed it."}},
          "cve": {{"configurations": [{{"nodes": [{{"operator": "OR", "negate": false,
            "cpeMatch": [{{"criteria": "cpe:2.3:a:example:{product}:*:*:*:*:*:*:*:*",
              "vulnerable": true, "versionEndExcluding": "2.0"}}]}}]}}]}}}}"#
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn tar_gz(entries: &[(&str, String)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, body) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, name, body.as_bytes())
            .unwrap();
    }
    gzip(&builder.into_inner().unwrap())
}

fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn import_all(db_path: &Path, paths: &[PathBuf]) -> ward_intel::import::ImportReport {
    let inputs: Vec<ImportInput> = paths.iter().map(ImportInput::new).collect();
    import(db_path, &inputs, &NoProgress).unwrap()
}

/// Imports every fixture: an NVD page (gzip), a CVE 5 zip, Anchore's tar.gz, OSV records
/// of GHSA, Debian and a DSA, KEV and EPSS.
fn fixture_db(dir: &Path) -> PathBuf {
    let page = nvd_page(
        "2024-10-25T01:15:13.497",
        &[
            nvd_record(
                "CVE-2024-0001",
                "2024-10-18T17:26:54.187",
                "Analyzed",
                V31_CRITICAL,
            ),
            REJECTED.to_owned(),
            BAD_NVD_RECORD.to_owned(),
        ],
    );
    let osv = dir.join("osv");
    let paths = [
        write(
            dir,
            "nvd/nvdcve-2.0-modified.json.gz",
            gzip(page.as_bytes()),
        ),
        write(
            dir,
            "cve5.zip",
            // cvelistV5 zips start with `delta.json`, which is not a record.
            zip_of(&[
                ("cves/delta.json", r#"{"new": [], "updated": []}"#),
                ("cves/2024/0xxx/CVE-2024-0001.json", CVE5),
            ]),
        ),
        write(
            dir,
            "anchore.tar.gz",
            tar_gz(&[
                (
                    "data/2024/CVE-2024-0001.json",
                    anchore_override("CVE-2024-0001", "ignored"),
                ),
                (
                    "data/2024/CVE-2024-0002.json",
                    anchore_override("CVE-2024-0002", "gadget"),
                ),
            ]),
        ),
        {
            write(&osv, "pypi/GHSA-aaaa-bbbb-cccc.json", GHSA);
            osv.join("pypi")
        },
        {
            write(&osv, "debian/CVE-2024-0001.json", DEBIAN);
            write(&osv, "debian/DSA-9999-1.json", DSA);
            osv.join("debian")
        },
        write(dir, "kev.json", KEV),
        write(dir, "epss.csv", EPSS),
    ];
    let db_path = dir.join("intel.sqlite");
    let report = import_all(&db_path, &paths);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].id.as_deref(), Some("CVE-2024-0666"));
    assert!(report.unsupported.is_empty(), "{:?}", report.unsupported);
    db_path
}

#[test]
fn nvd_records_keep_metrics_with_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let db = IntelDb::open(&fixture_db(dir.path())).unwrap();

    let records = db.cve_records("CVE-2024-0001").unwrap();
    let nvd = records
        .iter()
        .find(|record| record.source == "nvd")
        .unwrap();
    assert_eq!(nvd.state.as_deref(), Some("Analyzed"));
    assert!(!nvd.rejected);
    assert_eq!(nvd.metrics.len(), 4);
    let roles: Vec<(&str, MetricRole)> = nvd
        .metrics
        .iter()
        .map(|metric| (metric.version.as_str(), metric.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("4.0", MetricRole::Cna),
            ("3.1", MetricRole::Primary),
            ("3.1", MetricRole::Cna),
            ("3.1", MetricRole::Adp)
        ]
    );
    assert_eq!(nvd.metrics[1].stated_score, Some(9.8));
    assert_eq!(nvd.weaknesses[0]["cwe"], "CWE-787");
    assert_eq!(nvd.references[0]["tags"][0], "Vendor Advisory");
    let node = &nvd.configurations[0].nodes[0];
    assert_eq!(
        node.cpe_match[0].version_end_excluding.as_deref(),
        Some("1.4.2")
    );

    let rejected = db.cve_records("CVE-2024-0009").unwrap();
    assert!(rejected[0].rejected);
    assert!(db.cve_severities("CVE-2024-0009").unwrap().is_empty());

    let sources = db.sources().unwrap();
    let nvd_source = sources.iter().find(|source| source.name == "nvd").unwrap();
    assert_eq!(nvd_source.record_count, 2);
    assert_eq!(nvd_source.skipped_count, 1);
    assert_eq!(
        nvd_source
            .snapshot_at
            .map(|time| time.to_rfc3339())
            .as_deref(),
        Some("2024-10-25T01:15:13.497+00:00")
    );
}

#[test]
fn cve5_record_keeps_ssvc_kev_and_cpes() {
    let dir = tempfile::tempdir().unwrap();
    let db = IntelDb::open(&fixture_db(dir.path())).unwrap();

    let records = db.cve_records("CVE-2024-0001").unwrap();
    let cve5 = records
        .iter()
        .find(|record| record.source == "cve5")
        .unwrap();
    assert_eq!(cve5.state.as_deref(), Some("PUBLISHED"));
    assert_eq!(cve5.kev_date_added.as_deref(), Some("2024-04-12"));
    assert_eq!(
        cve5.cpes,
        ["cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*".to_owned()]
    );
    assert_eq!(cve5.metrics[0].role, MetricRole::Cna);
    assert_eq!(cve5.metrics[0].provider, "example");
    let ssvc = &cve5.ssvc[0];
    assert_eq!(ssvc.provider, "CISA-ADP");
    assert_eq!(ssvc.exploitation.as_deref(), Some("active"));
    assert_eq!(ssvc.automatable.as_deref(), Some("yes"));
    assert_eq!(ssvc.technical_impact.as_deref(), Some("total"));
}

#[test]
fn anchore_configurations_only_without_nvd() {
    let dir = tempfile::tempdir().unwrap();
    let db = IntelDb::open(&fixture_db(dir.path())).unwrap();

    let analysed = db.cpe_configurations("CVE-2024-0001").unwrap().unwrap();
    assert_eq!(analysed.origin, "nvd");
    let unanalysed = db.cpe_configurations("CVE-2024-0002").unwrap().unwrap();
    assert_eq!(unanalysed.origin, "anchore");
    assert_eq!(
        unanalysed.configurations[0].nodes[0].cpe_match[0].criteria,
        "cpe:2.3:a:example:gadget:*:*:*:*:*:*:*:*"
    );
    assert_eq!(db.cpe_configurations("CVE-2024-0009").unwrap(), None);
}

#[test]
fn newer_nvd_record_wins_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let older = nvd_page(
        "2024-07-18T00:00:00.000",
        &[nvd_record(
            "CVE-2024-0001",
            "2024-07-01T00:00:00.000",
            "Awaiting Analysis",
            V31_HIGH,
        )],
    );
    let newer = nvd_page(
        "2024-10-25T00:00:00.000",
        &[nvd_record(
            "CVE-2024-0001",
            "2024-10-18T00:00:00.000",
            "Analyzed",
            V31_CRITICAL,
        )],
    );
    let older = write(dir.path(), "older.json", older);
    let newer = write(dir.path(), "newer.json", newer);

    import_all(&db_path, std::slice::from_ref(&newer));
    import_all(&db_path, std::slice::from_ref(&older));
    let state = |db: &IntelDb| db.cve_records("CVE-2024-0001").unwrap()[0].state.clone();
    assert_eq!(
        state(&IntelDb::open(&db_path).unwrap()).as_deref(),
        Some("Analyzed")
    );

    let other_path = dir.path().join("other.sqlite");
    import_all(&other_path, &[older, newer]);
    let db = IntelDb::open(&other_path).unwrap();
    assert_eq!(state(&db).as_deref(), Some("Analyzed"));
    let source = db
        .sources()
        .unwrap()
        .into_iter()
        .find(|s| s.name == "nvd")
        .unwrap();
    assert_eq!(source.record_count, 1);
}

#[test]
fn vulnerability_merges_every_source() {
    let dir = tempfile::tempdir().unwrap();
    let db = IntelDb::open(&fixture_db(dir.path())).unwrap();

    let vulnerability = db.vulnerability("GHSA-aaaa-bbbb-cccc").unwrap().unwrap();
    assert_eq!(vulnerability.primary_id, "CVE-2024-0001");
    assert_eq!(
        vulnerability.aliases,
        ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"]
    );
    assert!(!vulnerability.withdrawn);
    let sources: Vec<(&str, &str)> = vulnerability
        .records
        .iter()
        .map(|record| (record.id.as_str(), record.source.as_str()))
        .collect();
    for expected in [
        ("GHSA-aaaa-bbbb-cccc", "osv:PyPI"),
        ("CVE-2024-0001", "nvd"),
        ("CVE-2024-0001", "cve5"),
        ("CVE-2024-0001", "anchore"),
        ("CVE-2024-0001", "osv:Debian"),
        ("DSA-9999-1", "osv:Debian"),
    ] {
        assert!(
            sources.contains(&expected),
            "{expected:?} missing from {sources:?}"
        );
    }
    let dsa = vulnerability
        .records
        .iter()
        .find(|r| r.id == "DSA-9999-1")
        .unwrap();
    assert_eq!(dsa.relation, "related");

    // CNA (NVD secondary from the sourceIdentifier, and the CVE 5 CNA container) beats NVD.
    let shown = vulnerability.shown_severity.as_ref().unwrap();
    assert_eq!(shown.tier, Tier::Cna);
    assert_eq!(shown.value, V31_HIGH);
    assert_eq!(shown.rating, "HIGH");
    let primary = vulnerability
        .severities
        .iter()
        .find(|item| item.source == "nvd:primary:nvd@nist.gov")
        .unwrap();
    assert_eq!(primary.score, Some(9.8));
    assert_eq!(primary.stated_score, Some(9.8));
    let v4 = vulnerability
        .severities
        .iter()
        .find(|item| item.version.as_deref() == Some("4.0"))
        .unwrap();
    assert_eq!(v4.score, Some(9.3));
    assert_eq!(v4.score_kind.as_deref(), Some("CVSS-B"));

    // The PyPI package's own database (GHSA in the PyPI export) is its vendor.
    let pypi = vulnerability
        .affected
        .iter()
        .find(|a| a.ecosystem == "PyPI")
        .unwrap();
    let pypi_shown = pypi.shown_severity.as_ref().unwrap();
    assert_eq!(pypi_shown.tier, Tier::Vendor);
    assert_eq!(pypi_shown.rating, "MEDIUM");
    let releases: Vec<(&str, Option<&str>)> = vulnerability
        .affected
        .iter()
        .map(|a| (a.ecosystem.as_str(), a.release.as_deref()))
        .collect();
    assert_eq!(
        releases,
        [
            ("Debian:11", Some("11")),
            ("Debian:12", Some("12")),
            ("PyPI", None)
        ]
    );

    let kev = &vulnerability.kev[0];
    assert_eq!(
        kev.known_ransomware_use,
        Some(ward_intel::RansomwareUse::Known)
    );
    assert_eq!(
        kev.due_date.map(|d| d.to_string()).as_deref(),
        Some("2024-05-03")
    );
    assert_eq!(vulnerability.epss[0].score, 0.91);
    assert_eq!(
        vulnerability.epss[0].date.map(|d| d.to_string()).as_deref(),
        Some("2026-01-03")
    );
    assert_eq!(
        vulnerability.ssvc[0].decision.exploitation.as_deref(),
        Some("active")
    );
    assert!(vulnerability.weaknesses.iter().any(|w| w.cwe == "CWE-787"));
    let reference = &vulnerability.references[0];
    assert_eq!(reference.url, "https://example.org/advisory");
    assert!(reference.kinds.contains("ADVISORY"));
    assert!(reference.kinds.contains("Vendor Advisory"));
    assert_eq!(
        vulnerability.cpe_configurations.as_ref().unwrap().origin,
        "nvd"
    );
}

#[test]
fn vulnerability_from_dsa_and_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = IntelDb::open(&fixture_db(dir.path())).unwrap();

    let from_dsa = db.vulnerability("DSA-9999-1").unwrap().unwrap();
    assert_eq!(from_dsa.primary_id, "CVE-2024-0001");
    assert!(from_dsa.aliases.contains(&"GHSA-aaaa-bbbb-cccc".to_owned()));

    let rejected = db.vulnerability("CVE-2024-0009").unwrap().unwrap();
    assert!(rejected.withdrawn);
    assert_eq!(rejected.shown_severity, None);

    assert_eq!(db.vulnerability("CVE-1999-0001").unwrap(), None);
}

/// Returns an NVD page with one analysed record of `id`.
fn analyzed_page(id: &str) -> String {
    let record = nvd_record(id, "2024-07-01T00:00:00.000", "Analyzed", V31_HIGH);
    nvd_page("2024-07-18T00:00:00.000", &[record])
}

/// Files of one source imported together are prepared in parallel. The first trains the
/// source's dictionary, and the later ones must be compressed with that same dictionary.
#[test]
fn nvd_files_in_one_import_share_one_dictionary() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let page = |first: usize, count: usize| {
        let records: Vec<String> = (first..first + count)
            .map(|n| {
                nvd_record(
                    &format!("CVE-2024-{n:04}"),
                    "2024-07-01T00:00:00.000",
                    "Analyzed",
                    V31_HIGH,
                )
            })
            .collect();
        nvd_page("2024-07-18T00:00:00.000", &records)
    };
    let paths = [
        write(dir.path(), "a.json", page(1000, 100)),
        write(dir.path(), "b.json.gz", gzip(page(2000, 3).as_bytes())),
        write(dir.path(), "c.json", page(3000, 80)),
    ];

    let report = import_all(&db_path, &paths);

    assert_eq!(report.sources.len(), 1, "{:?}", report.sources);
    assert_eq!(report.sources[0].records, 183);
    let db = IntelDb::open(&db_path).unwrap();
    for id in ["CVE-2024-1000", "CVE-2024-2002", "CVE-2024-3079"] {
        let records = db.cve_records(id).unwrap();
        let description = records[0].description.as_deref().unwrap_or_default();
        assert_eq!(description, format!("Widget overflow in {id}."));
    }
    let conn = rusqlite::Connection::open(&db_path).unwrap();
    let dictionaries: i64 = conn
        .query_row(
            "SELECT count(*) FROM dictionary WHERE kind = 2",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(dictionaries, 1);
}

/// A corrupt file after good ones fails the import while the good ones are being stored,
/// and the database keeps what it held before.
#[test]
fn corrupt_file_among_many_stops_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let first = analyzed_page("CVE-2024-0001");
    import_all(&db_path, &[write(dir.path(), "first.json", first)]);
    let before = std::fs::read(&db_path).unwrap();

    let good: Vec<PathBuf> = (0..6)
        .map(|n| {
            let page = analyzed_page(&format!("CVE-2024-1{n:03}"));
            write(dir.path(), &format!("good-{n}.json"), page)
        })
        .collect();
    let mut truncated = gzip(nvd_page("2024-07-18T00:00:00.000", &[]).as_bytes());
    truncated.truncate(truncated.len() / 2);
    let mut paths = good.clone();
    paths.insert(3, write(dir.path(), "broken.json.gz", truncated));
    let inputs: Vec<ImportInput> = paths.iter().map(ImportInput::new).collect();

    let error = import(&db_path, &inputs, &NoProgress).unwrap_err();

    assert!(error.to_string().contains("broken.json.gz"), "{error}");
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
}

#[test]
fn nvd_source_names_keep_their_feed() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let page = analyzed_page("CVE-2024-0001");
    let path = write(dir.path(), "page.json", page);
    let named = |name: &str| ImportInput {
        path: path.clone(),
        source_name: Some(name.to_owned()),
        download: None,
    };

    let rejected = import(&db_path, &[named("osv:Go")], &NoProgress).unwrap_err();
    let report = import(&db_path, &[named("nvd:mirror")], &NoProgress).unwrap();

    assert!(rejected.to_string().contains("nvd:<name>"), "{rejected}");
    assert_eq!(report.sources[0].name, "nvd:mirror");
}
