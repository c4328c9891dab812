use super::*;

const HYPER: &str = r#"```toml
[advisory]
id = "RUSTSEC-2021-0079"
package = "hyper"
date = "2021-07-07"
url = "https://github.com/hyperium/hyper/security/advisories/GHSA-5h46-h7hh-c6x9"
keywords = ["http", "parsing", "data loss"]
aliases = ["CVE-2021-32714", "GHSA-5h46-h7hh-c6x9"]
cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H"
unknown_key = 1

[versions]
patched = [">= 0.14.10"]

[affected]
functions = { "hyper::proto::h1::decode" = ["< 0.14.10"] }
```

# Integer overflow in `hyper`'s parsing of the `Transfer-Encoding` header

Body text.
"#;

fn events(requirements: &[&str]) -> Result<Vec<Event>, String> {
    let owned: Vec<String> = requirements.iter().map(|text| (*text).to_owned()).collect();
    affected_events(owned.iter().map(|text| ("versions.patched", text)))
        .map_err(|(_, message)| message)
}

fn introduced(version: &str) -> Event {
    Event::Introduced(version.to_owned())
}

fn fixed(version: &str) -> Event {
    Event::Fixed(version.to_owned())
}

#[test]
fn front_matter_is_parsed() {
    let advisory =
        parse_record(HYPER.as_bytes(), "crates/hyper/RUSTSEC-2021-0079.md").expect("parses");
    assert_eq!(advisory.id, "RUSTSEC-2021-0079");
    assert_eq!(advisory.package, "hyper");
    assert_eq!(advisory.date, NaiveDate::from_ymd_opt(2021, 7, 7));
    assert_eq!(advisory.aliases.len(), 2);
    assert_eq!(advisory.patched, vec![">= 0.14.10".to_owned()]);
    assert_eq!(
        advisory.title.as_deref(),
        Some("Integer overflow in `hyper`'s parsing of the `Transfer-Encoding` header")
    );
    assert_eq!(
        advisory.affected_functions,
        vec![(
            "hyper::proto::h1::decode".to_owned(),
            vec!["< 0.14.10".to_owned()]
        )]
    );
}

#[test]
fn advisory_conversion() {
    let advisory = parse_record(HYPER.as_bytes(), "hyper.md").expect("parses");
    let converted = advisory.to_advisory().expect("converts");
    assert_eq!(converted.affected[0].ecosystem, "crates.io");
    assert_eq!(
        converted.affected[0].ranges[0].events,
        vec![introduced("0"), fixed("0.14.10")]
    );
    assert_eq!(converted.severity[0].kind, "CVSS_V3");
    assert!(converted.published.is_some());
}

#[test]
fn requirements_become_events() {
    let cases: &[(&[&str], Vec<Event>)] = &[
        (&[], vec![introduced("0")]),
        (&[">= 1.2.3"], vec![introduced("0"), fixed("1.2.3")]),
        (
            &["^1.2.5", ">= 1.3.1"],
            vec![introduced("0"), fixed("1.2.5")],
        ),
        (
            &["^1.2.5", ">= 2.1.0"],
            vec![
                introduced("0"),
                fixed("1.2.5"),
                introduced("2.0.0"),
                fixed("2.1.0"),
            ],
        ),
        (&["*"], vec![]),
        (
            &["^0.2.9", ">= 0.3.4", "< 0.2.0"],
            vec![
                introduced("0.2.0"),
                fixed("0.2.9"),
                introduced("0.3.0"),
                fixed("0.3.4"),
            ],
        ),
        (
            &["~1.4.2", ">= 1.5.0"],
            vec![introduced("0"), fixed("1.4.2")],
        ),
        (
            &[">= 0.5.0, < 0.6.0", ">= 0.7.1"],
            vec![
                introduced("0"),
                fixed("0.5.0"),
                introduced("0.6.0"),
                fixed("0.7.1"),
            ],
        ),
        (
            &["1.2.3"],
            vec![introduced("0"), fixed("1.2.3"), introduced("2.0.0")],
        ),
        (&["< 0.1.0"], vec![introduced("0.1.0")]),
        (&["> 0.7.19"], vec![introduced("0"), fixed("0.7.20-0")]),
        (
            &["<= 0.1.8", ">= 0.2.0"],
            vec![introduced("0.1.9-0"), fixed("0.2.0")],
        ),
        (
            &["= 1.0.0"],
            vec![introduced("0"), fixed("1.0.0"), introduced("1.0.1-0")],
        ),
        (
            &["> 1.0.0-alpha"],
            vec![introduced("0"), fixed("1.0.0-alpha.0")],
        ),
    ];
    for (requirements, expected) in cases {
        assert_eq!(
            &events(requirements).expect("converts"),
            expected,
            "{requirements:?}"
        );
    }
}

#[test]
fn inexpressible_requirements_are_errors() {
    for requirement in ["> 1.0", "<= 1", "= 1.2", "1.*", "not a requirement"] {
        assert!(events(&[requirement]).is_err(), "{requirement}");
    }
}

#[test]
fn requirement_error_names_its_field() {
    let markdown = HYPER.replace(
        "patched = [\">= 0.14.10\"]",
        "patched = [\">= 0.14.10\"]\nunaffected = [\"> 0.1\"]",
    );
    let advisory = parse_record(markdown.as_bytes(), "x.md").unwrap();

    let error = advisory.to_advisory().unwrap_err().to_string();

    assert!(error.contains("at x.md"), "{error}");
    assert!(error.contains("`versions.unaffected`"), "{error}");
    assert!(error.contains("`> 0.1`"), "{error}");
}

#[test]
fn bad_files_are_errors() {
    let cases = [
        "no front matter",
        "```toml\n[advisory]\nid = \"RUSTSEC-1\"\n",
        "```toml\n[advisory]\nid = 5\npackage = \"a\"\n```\n",
        "```toml\n[advisory]\nid = \"RUSTSEC-2\"\npackage = \"a\"\ndate = \"July\"\n```\n",
        "```toml\n[advisory\n```\n",
    ];
    for markdown in cases {
        assert!(
            parse_record(markdown.as_bytes(), "x.md").is_err(),
            "{markdown}"
        );
    }
    assert!(parse_record(&[0xff, 0xfe], "x.md").is_err());
}
