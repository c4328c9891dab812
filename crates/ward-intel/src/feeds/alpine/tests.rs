use super::*;

const V320: &str = r#"{
  "apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
  "archs": ["x86_64"], "reponame": "main", "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
  "distroversion": "v3.20",
  "packages": [
    {"pkg": {"name": "openssl", "secfixes": {
      "3.1.4-r1": ["CVE-2023-5678"],
      "3.1.4-r0": ["CVE-2023-5678 GHSA-aaaa-bbbb-cccc"],
      "3.3.2-r0": ["CVE-2024-6119"],
      "0": ["CVE-2022-0001"]
    }}},
    {"pkg": {"name": "zlib", "secfixes": {"1.2.12-r0": ["CVE-2018-25032", null, ""]}}},
    {"pkg": {"name": "nofixes"}}
  ]
}"#;

const V319: &str = r#"{"distroversion": "v3.19", "reponame": "main",
  "packages": [{"pkg": {"name": "openssl", "secfixes": {"3.1.4-r2": ["CVE-2023-5678"]}}}]}"#;

fn advisories() -> (Vec<Advisory>, Vec<RecordError>) {
    let mut secdb = AlpineSecdb::new();
    secdb.add(parse_file(V320.as_bytes(), "v3.20/main.json").expect("v3.20 parses"));
    secdb.add(parse_file(V319.as_bytes(), "v3.19/main.json").expect("v3.19 parses"));
    secdb.into_advisories()
}

fn find<'a>(advisories: &'a [Advisory], id: &str) -> &'a Advisory {
    advisories
        .iter()
        .find(|advisory| advisory.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn file_items_are_parsed() {
    let file = parse_file(V320.as_bytes(), "v3.20/main.json").expect("parses");
    assert_eq!(file.branch, "v3.20");
    assert_eq!(file.repository, "main");
    assert_eq!(file.fixes.len(), 5, "{:?}", file.fixes);
}

#[test]
fn advisory_mirrors_osv_converter() {
    let (advisories, errors) = advisories();
    assert!(errors.is_empty(), "{errors:?}");
    let advisory = find(&advisories, "ALPINE-CVE-2024-6119");
    assert_eq!(advisory.aliases, vec!["CVE-2024-6119".to_owned()]);
    assert_eq!(advisory.source, SOURCE);
    let entry = &advisory.affected[0];
    assert_eq!(entry.ecosystem, "Alpine:v3.20");
    assert_eq!(entry.package, "openssl");
    assert_eq!(
        entry.purl.as_deref(),
        Some("pkg:apk/alpine/openssl?arch=source")
    );
    assert_eq!(
        entry.ranges[0].events,
        vec![
            Event::Introduced("0".to_owned()),
            Event::Fixed("3.3.2-r0".to_owned())
        ]
    );
}

#[test]
fn earliest_fix_per_branch() {
    let (advisories, _) = advisories();
    let advisory = find(&advisories, "ALPINE-CVE-2023-5678");
    assert_eq!(advisory.affected.len(), 2, "one entry per branch");
    let fixed_on = |ecosystem: &str| {
        advisory
            .affected
            .iter()
            .find(|entry| entry.ecosystem == ecosystem)
            .map(|entry| entry.ranges[0].events[1].clone())
    };
    assert_eq!(
        fixed_on("Alpine:v3.20"),
        Some(Event::Fixed("3.1.4-r0".to_owned()))
    );
    assert_eq!(
        fixed_on("Alpine:v3.19"),
        Some(Event::Fixed("3.1.4-r2".to_owned()))
    );
}

#[test]
fn zero_key_means_not_affected() {
    let (advisories, _) = advisories();
    let entry = &find(&advisories, "ALPINE-CVE-2022-0001").affected[0];
    assert!(entry.ranges.is_empty());
    assert_eq!(
        entry.database_specific,
        Some(serde_json::json!({"not_affected": true}))
    );
}

#[test]
fn empty_items_are_skipped() {
    let (advisories, _) = advisories();
    assert_eq!(find(&advisories, "ALPINE-CVE-2018-25032").affected.len(), 1);
    assert!(advisories.iter().all(|advisory| advisory.id != "ALPINE-"));
}

#[test]
fn bad_files_are_errors() {
    let cases = [
        "not json",
        r#"{"reponame": "main", "packages": []}"#,
        r#"{"distroversion": "v3.20", "reponame": "main", "packages": [{"pkg": {"name": 1}}]}"#,
        r#"{"distroversion": "v3.20", "reponame": "main", "packages": [{"pkg": {"name": "a", "secfixes": {"1-r0": "CVE-1"}}}]}"#,
    ];
    for json in cases {
        let error = parse_file(json.as_bytes(), "bad.json").expect_err(json);
        assert_eq!(error.location, "bad.json");
    }
}

#[test]
fn unordered_versions_are_reported() {
    let json = r#"{"distroversion": "edge", "reponame": "main", "packages": [{"pkg": {"name": "a",
      "secfixes": {"1.0-r0": ["CVE-2020-1"], "not a version!": ["CVE-2020-1"]}}}]}"#;
    let mut secdb = AlpineSecdb::new();
    secdb.add(parse_file(json.as_bytes(), "edge/main.json").expect("parses"));
    let (advisories, errors) = secdb.into_advisories();
    assert_eq!(advisories.len(), 1);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].id.as_deref(), Some("CVE-2020-1"));
}

#[test]
fn secfix_ids_prefer_cve() {
    let cases = [
        ("CVE-2021-1234 GHSA-aaaa-bbbb-cccc", Some("CVE-2021-1234")),
        (
            "GNUTLS-SA-2020-03-31 CVE-2020-11501",
            Some("CVE-2020-11501"),
        ),
        ("CVE N/A ZBX-11023", Some("ZBX-11023")),
        ("CVE_2019-2426", Some("CVE-2019-2426")),
        ("cve-2022-0001", Some("CVE-2022-0001")),
        ("XSA-123", Some("XSA-123")),
        ("N/A", None),
        ("", None),
    ];
    for (text, expected) in cases {
        assert_eq!(super::secfix_id(text).as_deref(), expected, "{text:?}");
    }
}
