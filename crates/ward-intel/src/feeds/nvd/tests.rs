use super::*;

const PAGE: &str = r#"{
  "resultsPerPage": 3, "startIndex": 0, "totalResults": 3,
  "format": "NVD_CVE", "version": "2.0", "timestamp": "2024-10-25T01:15:13.497",
  "futureField": {"anything": [1, 2]},
  "vulnerabilities": [
    {"cve": {
      "id": "CVE-2024-0001",
      "sourceIdentifier": "cna@example.org",
      "published": "2024-02-13T09:15:45.763",
      "lastModified": "2024-10-18T17:26:54.187",
      "vulnStatus": "Analyzed",
      "unknownField": true,
      "descriptions": [
        {"lang": "es", "value": "Una vulnerabilidad"},
        {"lang": "en", "value": "A vulnerability"}
      ],
      "metrics": {
        "cvssMetricV40": [{"source": "cna@example.org", "type": "Secondary",
          "cvssData": {"version": "4.0", "baseScore": 9.3, "baseSeverity": "CRITICAL",
            "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}],
        "cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary",
          "cvssData": {"version": "3.1", "baseScore": 9.8, "baseSeverity": "CRITICAL",
            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
        "cvssMetricV30": [{"source": "cna@example.org", "type": "Secondary",
          "cvssData": {"version": "3.0", "baseScore": 9.8,
            "vectorString": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
        "cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary", "baseSeverity": "HIGH",
          "cvssData": {"version": "2.0", "baseScore": 7.5,
            "vectorString": "AV:N/AC:L/Au:N/C:P/I:P/A:P"}}]
      },
      "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary",
        "description": [{"lang": "en", "value": "CWE-787"}]}],
      "configurations": [{"operator": "AND", "nodes": [
        {"operator": "OR", "negate": false, "cpeMatch": [
          {"vulnerable": true, "criteria": "cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*",
           "matchCriteriaId": "11111111-2222-3333-4444-555555555555",
           "versionStartIncluding": "1.0", "versionEndExcluding": "1.4.2"}]},
        {"operator": "OR", "negate": false, "cpeMatch": [
          {"vulnerable": false, "criteria": "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
           "matchCriteriaId": "66666666-7777-8888-9999-000000000000"}]}
      ]}],
      "references": [{"url": "https://example.org/advisory", "source": "cna@example.org",
        "tags": ["Vendor Advisory"]}]
    }},
    {"cve": {"id": "CVE-2024-0002", "vulnStatus": "Rejected",
      "published": "2024-01-01T00:00:00.000", "lastModified": "2024-01-02T00:00:00.000",
      "descriptions": [{"lang": "en", "value": "Rejected reason: duplicate."}],
      "metrics": {}, "references": []}},
    {"cve": {"id": "CVE-2024-0003", "vulnStatus": "Analyzed", "metrics": {"cvssMetricV31": "oops"}}}
  ]
}"#;

fn collect(
    json: &str,
) -> (
    Result<FeedHeader, NvdFeedError>,
    Vec<NvdCve>,
    Vec<RecordError>,
) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let header = parse_feed(json.as_bytes(), |result| match result {
        Ok(cve) => records.push(cve),
        Err(error) => errors.push(error),
    });
    (header, records, errors)
}

#[test]
fn page_header_and_records() {
    let (header, records, errors) = collect(PAGE);
    let header = header.expect("page parses");
    assert_eq!(header.total_results, Some(3));
    assert_eq!(header.format.as_deref(), Some("NVD_CVE"));
    assert_eq!(header.records, 3);
    assert_eq!(records.len(), 2);
    assert_eq!(errors.len(), 1);
}

#[test]
fn record_fields_are_kept() {
    let (_, records, _) = collect(PAGE);
    let cve = &records[0];
    assert_eq!(cve.id, "CVE-2024-0001");
    assert_eq!(cve.source_identifier.as_deref(), Some("cna@example.org"));
    assert_eq!(cve.status, VulnStatus::Analyzed);
    assert!(!cve.is_rejected());
    assert_eq!(cve.description.as_deref(), Some("A vulnerability"));
    assert_eq!(
        cve.published.map(|time| time.to_rfc3339()),
        Some("2024-02-13T09:15:45.763+00:00".to_owned())
    );
    assert_eq!(cve.weaknesses[0].cwe_ids, vec!["CWE-787".to_owned()]);
    assert_eq!(cve.weaknesses[0].source_type, Some(SourceType::Primary));
    assert_eq!(cve.references[0].tags, vec!["Vendor Advisory".to_owned()]);
}

#[test]
fn metrics_of_every_version() {
    let (_, records, _) = collect(PAGE);
    let metrics = &records[0].metrics;
    let versions: Vec<CvssVersion> = metrics.iter().map(|metric| metric.version).collect();
    assert_eq!(
        versions,
        vec![
            CvssVersion::V4_0,
            CvssVersion::V3_1,
            CvssVersion::V3_0,
            CvssVersion::V2_0
        ]
    );
    assert_eq!(metrics[0].source_type, Some(SourceType::Secondary));
    assert_eq!(metrics[1].source, "nvd@nist.gov");
    assert_eq!(metrics[3].stated_severity.as_deref(), Some("HIGH"));
    for metric in metrics {
        let score = metric.score().expect("vector parses");
        assert_eq!(score.version, metric.version, "{}", metric.vector);
        assert_eq!(
            Some(score.value),
            metric.stated_base_score,
            "{}",
            metric.vector
        );
    }
}

#[test]
fn configuration_tree_is_kept() {
    let (_, records, _) = collect(PAGE);
    let configuration = &records[0].configurations[0];
    assert_eq!(configuration.operator, Some(Operator::And));
    assert_eq!(configuration.nodes.len(), 2);
    let affected = &configuration.nodes[0].cpe_match[0];
    assert!(affected.vulnerable);
    assert_eq!(affected.version_start_including.as_deref(), Some("1.0"));
    assert_eq!(affected.version_end_excluding.as_deref(), Some("1.4.2"));
    assert_eq!(affected.version_end_including, None);
    let platform = &configuration.nodes[1].cpe_match[0];
    assert!(!platform.vulnerable);
    assert!(platform.criteria.starts_with("cpe:2.3:o:linux"));
}

#[test]
fn rejected_record_is_flagged() {
    let (_, records, _) = collect(PAGE);
    assert_eq!(records[1].id, "CVE-2024-0002");
    assert!(records[1].is_rejected());
}

#[test]
fn wrong_type_is_record_error() {
    let (_, _, errors) = collect(PAGE);
    assert_eq!(errors[0].id.as_deref(), Some("CVE-2024-0003"));
    assert_eq!(errors[0].location, "vulnerabilities[2]");
    assert!(
        errors[0].message.contains("invalid"),
        "{}",
        errors[0].message
    );
}

#[test]
fn invalid_documents_are_rejected() {
    let cases = [
        ("", "empty input"),
        ("{", "truncated object"),
        ("[]", "array instead of page"),
        (
            r#"{"vulnerabilities": [{"cve": {"id": "CVE-1"}}"#,
            "unterminated array",
        ),
        (r#"{"vulnerabilities": 3}"#, "vulnerabilities not an array"),
        (r#"{"format": "NVD_CVE"} trailing"#, "trailing text"),
    ];
    for (json, case) in cases {
        let (header, _, _) = collect(json);
        assert!(
            matches!(header, Err(NvdFeedError::InvalidDocument(_))),
            "{case}: {header:?}"
        );
    }

    let (header, _, _) = collect(r#"{"format": "NVD_CVE"}"#);
    assert!(
        matches!(header, Err(NvdFeedError::MissingVulnerabilities)),
        "{header:?}"
    );
}

#[test]
fn bad_record_values_are_record_errors() {
    let cases = [
        (r#"{"cve": {"id": 5}}"#, None),
        (
            r#"{"cve": {"id": "CVE-1", "published": "yesterday"}}"#,
            Some("CVE-1"),
        ),
        (
            r#"{"cve": {"id": "CVE-2", "configurations": [{"nodes": [{"operator": "XOR"}]}]}}"#,
            Some("CVE-2"),
        ),
        (
            r#"{"cve": {"id": "CVE-3", "metrics": {"cvssMetricV31": [{"source": "x", "type": "Tertiary", "cvssData": {"vectorString": "v"}}]}}}"#,
            Some("CVE-3"),
        ),
        (r#"{"nocve": {}}"#, None),
    ];
    for (item, id) in cases {
        let page = format!(r#"{{"vulnerabilities": [{item}]}}"#);
        let (header, records, errors) = collect(&page);
        assert!(header.is_ok(), "{item}: {header:?}");
        assert!(records.is_empty(), "{item}");
        assert_eq!(errors.len(), 1, "{item}");
        assert_eq!(errors[0].id.as_deref(), id, "{item}");
    }
}

#[test]
fn huge_description_is_kept() {
    let text = "x".repeat(5_000_000);
    let page = format!(
        r#"{{"vulnerabilities": [{{"cve": {{"id": "CVE-9", "descriptions": [{{"lang": "en", "value": "{text}"}}]}}}}]}}"#
    );
    let (_, records, errors) = collect(&page);
    assert!(errors.is_empty());
    assert_eq!(
        records[0].description.as_ref().map(String::len),
        Some(5_000_000)
    );
}

#[test]
fn single_record_parses() {
    let bare = r#"{"id": "CVE-2024-7", "vulnStatus": "Received"}"#;
    let wrapped = r#"{"cve": {"id": "CVE-2024-7", "vulnStatus": "Deferred"}}"#;
    assert_eq!(
        parse_record(bare.as_bytes()).map(|cve| cve.status),
        Ok(VulnStatus::Received)
    );
    assert_eq!(
        parse_record(wrapped.as_bytes()).map(|cve| cve.status),
        Ok(VulnStatus::Deferred)
    );
    assert!(parse_record(b"not json").is_err());
}

#[test]
fn unknown_status_is_kept() {
    assert_eq!(
        VulnStatus::from_nvd("Under Review"),
        VulnStatus::Other("Under Review".to_owned())
    );
}
