use std::io::{Cursor, Write};

use super::*;

const RECORD: &str = r#"{
  "dataType": "CVE_RECORD", "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2024-3400", "state": "PUBLISHED",
    "assignerShortName": "palo_alto", "datePublished": "2024-04-12T06:52:23.576Z",
    "dateUpdated": "2024-08-01T20:12:06.667Z"},
  "containers": {
    "cna": {
      "providerMetadata": {"shortName": "palo_alto", "dateUpdated": "2024-04-19T00:00:00Z"},
      "title": "PAN-OS command injection",
      "descriptions": [{"lang": "en", "value": "A command injection."}],
      "metrics": [
        {"format": "CVSS", "cvssV3_1": {"version": "3.1", "baseScore": 10,
          "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"},
         "scenarios": [{"lang": "en", "value": "GENERAL"}]},
        {"cvssV4_0": {"version": "4.0", "baseScore": 9.3,
          "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}
      ],
      "problemTypes": [{"descriptions": [{"lang": "en", "type": "CWE", "cweId": "CWE-77",
        "description": "CWE-77 Command Injection"}]}],
      "affected": [{"vendor": "Palo Alto Networks", "product": "PAN-OS",
        "defaultStatus": "unaffected",
        "versions": [
          {"status": "unaffected", "version": "9.0.0"},
          {"status": "affected", "version": "10.2.0", "lessThan": "10.2.9-h1",
           "versionType": "custom", "changes": [{"at": "10.2.9-h1", "status": "unaffected"}]}
        ]}],
      "references": [{"url": "https://security.paloaltonetworks.com/CVE-2024-3400"}],
      "x_futureField": {"ignored": true}
    },
    "adp": [
      {"providerMetadata": {"shortName": "CVE"}, "title": "CVE Program Container",
       "references": [{"url": "https://example.org/x", "tags": ["x_transferred"]}]},
      {"providerMetadata": {"shortName": "CISA-ADP", "dateUpdated": "2024-05-01T15:37:18.613Z"},
       "title": "CISA ADP Vulnrichment",
       "metrics": [
         {"other": {"type": "ssvc", "content": {"id": "CVE-2024-3400", "role": "CISA Coordinator",
           "options": [{"Exploitation": "Active"}, {"Automatable": "yes"}, {"Technical Impact": "Total"}],
           "version": "2.0.3", "timestamp": "2024-04-17T04:00:13.543064Z"}}},
         {"other": {"type": "kev", "content": {"dateAdded": "2024-04-12",
           "reference": "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"}}},
         {"cvssV3_1": {"baseScore": 9.8, "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
       ],
       "affected": [{"cpes": ["cpe:2.3:o:paloaltonetworks:pan-os:10.2.0:*:*:*:*:*:*:*"],
         "vendor": "paloaltonetworks", "product": "pan-os", "defaultStatus": "unknown",
         "versions": [{"status": "affected", "version": "10.2.0", "lessThan": "10.2.9-h1 ",
           "versionType": "custom"}]}]}
    ]
  }
}"#;

fn parse(json: &str) -> Result<Cve5Record, RecordError> {
    parse_record(json.as_bytes(), "test.json")
}

#[test]
fn metadata_and_cna() {
    let record = parse(RECORD).expect("record parses");
    assert_eq!(record.id, "CVE-2024-3400");
    assert_eq!(record.state, CveState::Published);
    assert!(!record.is_rejected());
    assert_eq!(record.assigner.as_deref(), Some("palo_alto"));
    assert_eq!(
        record.cna.description.as_deref(),
        Some("A command injection.")
    );
    assert_eq!(record.cna.cwe_ids, vec!["CWE-77".to_owned()]);
    assert_eq!(record.cna.metrics.len(), 2);
    assert_eq!(record.cna.metrics[0].version, CvssVersion::V3_1);
    assert_eq!(record.cna.metrics[0].stated_base_score, Some(10.0));
    assert_eq!(record.cna.metrics[1].version, CvssVersion::V4_0);
}

#[test]
fn cna_affected_versions() {
    let record = parse(RECORD).expect("record parses");
    let product = &record.cna.affected[0];
    assert_eq!(product.product.as_deref(), Some("PAN-OS"));
    assert_eq!(product.default_status.as_deref(), Some("unaffected"));
    let range = &product.versions[1];
    assert_eq!(range.status, "affected");
    assert_eq!(range.less_than.as_deref(), Some("10.2.9-h1"));
    assert_eq!(
        range.changes,
        vec![("10.2.9-h1".to_owned(), "unaffected".to_owned())]
    );
}

#[test]
fn cisa_adp_ssvc_kev_cpes() {
    let record = parse(RECORD).expect("record parses");
    let adp = record.cisa_adp().expect("CISA ADP container");
    let ssvc = adp.ssvc.as_ref().expect("SSVC");
    assert_eq!(ssvc.exploitation.as_deref(), Some("active"));
    assert_eq!(ssvc.automatable.as_deref(), Some("yes"));
    assert_eq!(ssvc.technical_impact.as_deref(), Some("total"));
    assert!(ssvc.timestamp.is_some());
    let kev = adp.kev.as_ref().expect("KEV marker");
    assert_eq!(kev.date_added.as_deref(), Some("2024-04-12"));
    assert_eq!(adp.metrics[0].version, CvssVersion::V3_1);
    assert_eq!(
        adp.affected[0].cpes,
        vec!["cpe:2.3:o:paloaltonetworks:pan-os:10.2.0:*:*:*:*:*:*:*".to_owned()]
    );
    assert_eq!(
        adp.affected[0].versions[0].less_than.as_deref(),
        Some("10.2.9-h1"),
        "trimmed"
    );
}

#[test]
fn rejected_record_is_flagged() {
    let json = r#"{"cveMetadata": {"cveId": "CVE-2024-9999", "state": "REJECTED"},
      "containers": {"cna": {"rejectedReasons": [{"lang": "en", "value": "Duplicate of CVE-2024-1."}]}}}"#;
    let record = parse(json).expect("record parses");
    assert!(record.is_rejected());
    assert_eq!(
        record.cna.description.as_deref(),
        Some("Duplicate of CVE-2024-1.")
    );
}

#[test]
fn bad_records_are_errors() {
    let cases = [
        ("not json", None),
        (r#"{"containers": {}}"#, None),
        (
            r#"{"cveMetadata": {"cveId": "CVE-1", "state": 3}}"#,
            Some("CVE-1"),
        ),
        (
            r#"{"cveMetadata": {"cveId": "CVE-2", "state": "PUBLISHED", "datePublished": "soon"}}"#,
            Some("CVE-2"),
        ),
        (
            r#"{"cveMetadata": {"cveId": "CVE-3", "state": "PUBLISHED"}, "containers": {"cna": {"metrics": [{"cvssV3_1": {"baseScore": "high"}}]}}}"#,
            Some("CVE-3"),
        ),
        (
            r#"{"cveMetadata": {"cveId": "CVE-4", "state": "PUBLISHED"}, "containers": {"adp": [{"affected": [{"versions": [{"version": 1}]}]}]}}"#,
            Some("CVE-4"),
        ),
    ];
    for (json, id) in cases {
        let error = parse(json).expect_err(json);
        assert_eq!(error.id.as_deref(), id, "{json}");
        assert_eq!(error.location, "test.json", "{json}");
    }
}

#[test]
fn huge_title_is_kept() {
    let title = "t".repeat(2_000_000);
    let json = format!(
        r#"{{"cveMetadata": {{"cveId": "CVE-5", "state": "PUBLISHED"}}, "containers": {{"cna": {{"title": "{title}"}}}}}}"#
    );
    let record = parse(&json).expect("record parses");
    assert_eq!(record.cna.title.map(|title| title.len()), Some(2_000_000));
}

#[test]
fn zip_records_and_bad_entries() {
    let mut buffer = Cursor::new(Vec::new());
    {
        let mut writer = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default();
        let entries: [(&str, &[u8]); 4] = [
            ("2024/3xxx/CVE-2024-3400.json", RECORD.as_bytes()),
            ("2024/3xxx/CVE-2024-3401.json", b"{broken"),
            ("../CVE-2024-0001.json", RECORD.as_bytes()),
            ("delta.json", b"[]"),
        ];
        for (name, bytes) in entries {
            writer.start_file(name, options).expect("start entry");
            writer.write_all(bytes).expect("write entry");
        }
        writer.finish().expect("finish zip");
    }

    let mut records = Vec::new();
    let mut errors = Vec::new();
    parse_zip(Cursor::new(buffer.into_inner()), |result| match result {
        Ok(record) => records.push(record),
        Err(error) => errors.push(error),
    })
    .expect("zip opens");
    assert_eq!(records.len(), 1);
    assert_eq!(errors.len(), 2);
    assert!(errors
        .iter()
        .any(|error| error.location == "../CVE-2024-0001.json"));
    assert!(errors
        .iter()
        .any(|error| error.location == "2024/3xxx/CVE-2024-3401.json"));
}
