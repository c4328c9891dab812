//! PEP 440 version and specifier vectors from `packaging`'s own tests and from OSV's PyPI
//! vectors, read from the shared fixtures. Validity is also checked against the regular expression that
//! the version specifiers specification publishes, as an oracle independent of `pep440_rs`.

mod common;

use std::sync::LazyLock;

use regex::Regex;
use ward_version::constraint::{pep440_satisfies, Prereleases};
use ward_version::pep440::Version;

/// The specification's `VERSION_PATTERN` (appendix "Parsing version strings with regular
/// expressions"), case-insensitive, ASCII only as in `packaging` main, with surrounding
/// white space allowed as `packaging` allows it.
static VERSION_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = r"(?xi-u)
        ^\s*
        v?
        (?:
            (?:[0-9]+!)?
            [0-9]+(?:\.[0-9]+)*
            (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
            (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
            (?:[-_.]?dev[-_.]?[0-9]*)?
        )
        (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?
        \s*$";
    match Regex::new(pattern) {
        Ok(regex) => regex,
        Err(error) => panic!("invalid VERSION_PATTERN: {error}"),
    }
});

fn is_valid_per_spec(text: &str) -> bool {
    VERSION_PATTERN.is_match(text)
}

fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// Checks the `a b expected` rows of one file in both directions. A row whose versions are
/// not PEP 440 versions (OSV's files keep some that `packaging` before 22 ordered as
/// `LegacyVersion`) must be rejected, and is counted in the returned number of legacy rows.
fn check_pairs(file: &str, failures: &mut Vec<String>) -> usize {
    let table = common::read_table(&common::versions_dir("pep440").join(file));
    let (a_column, b_column, expected_column) = (
        table.column("a"),
        table.column("b"),
        table.column("expected"),
    );
    assert!(!table.rows.is_empty(), "{file}: no rows");

    let mut legacy_rows = 0;
    for (line, row) in &table.rows {
        let context = format!("{file}:{line}");
        let (a, b) = (&row[a_column], &row[b_column]);
        let Some(expected) = common::parse_sign(&row[expected_column]) else {
            failures.push(format!("{context}: invalid expected value"));
            continue;
        };

        let (parsed_a, parsed_b) = (a.parse::<Version>(), b.parse::<Version>());
        for (text, parsed) in [(a, &parsed_a), (b, &parsed_b)] {
            if parsed.is_ok() != is_valid_per_spec(text) {
                failures.push(format!(
                    "{context}: {text:?}: valid here = {}, valid per the specification = {}",
                    parsed.is_ok(),
                    is_valid_per_spec(text)
                ));
            }
        }
        let (Ok(parsed_a), Ok(parsed_b)) = (parsed_a, parsed_b) else {
            legacy_rows += 1;
            continue;
        };

        for (x, y, want) in [
            (&parsed_a, &parsed_b, expected),
            (&parsed_b, &parsed_a, expected.reverse()),
        ] {
            let order = x.cmp(y);
            if order != want {
                failures.push(format!(
                    "{context}: {x} vs {y}: expected {want:?}, got {order:?}"
                ));
            }
        }
    }
    legacy_rows
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pep440_packaging_pairs_match_expected() {
    let mut failures = Vec::new();
    let legacy_rows = check_pairs("packaging-test_version-VERSIONS-pairs.tsv", &mut failures);
    assert_no_failures(&failures);
    assert_eq!(
        legacy_rows, 0,
        "packaging's own list has only PEP 440 versions"
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pep440_osv_pairs_match_expected() {
    let mut failures = Vec::new();
    let mut legacy_rows = 0;
    let mut rows = 0;
    for file in [
        "osv-scalibr-pypi-versions.tsv",
        "osv-scalibr-pypi-versions-generated.tsv",
    ] {
        legacy_rows += check_pairs(file, &mut failures);
        let path = common::versions_dir("pep440").join(file);
        rows += common::read_table(&path).rows.len();
    }
    assert_no_failures(&failures);
    // Legacy versions are rare in real advisories; many of them would mean a parsing bug
    // that the specification's pattern shares.
    assert!(
        legacy_rows * 50 < rows,
        "{legacy_rows} of {rows} rows hold legacy versions"
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pep440_normalised_forms_match_expected() {
    let file = "packaging-test_version-normalized-equal.tsv";
    let table = common::read_table(&common::versions_dir("pep440").join(file));
    let (a_column, b_column) = (table.column("a"), table.column("b"));
    assert!(!table.rows.is_empty(), "{file}: no rows");

    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let (text, normalised) = (&row[a_column], &row[b_column]);
        match (text.parse::<Version>(), normalised.parse::<Version>()) {
            (Ok(version), Ok(other)) => {
                if version.to_string() != *normalised {
                    failures.push(format!("{file}:{line}: {text:?} prints as {version}"));
                }
                if version != other {
                    failures.push(format!("{file}:{line}: {text:?} != {normalised:?}"));
                }
            }
            (Err(error), _) | (_, Err(error)) => failures.push(format!("{file}:{line}: {error}")),
        }
    }
    assert_no_failures(&failures);
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pep440_validity_matches_expected() {
    let file = "packaging-test_version-validity.tsv";
    let table = common::read_table(&common::versions_dir("pep440").join(file));
    let (version_column, validity_column) = (table.column("version"), table.column("validity"));
    assert!(!table.rows.is_empty(), "{file}: no rows");

    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let text = &row[version_column];
        let expected = match row[validity_column].as_str() {
            "valid" => true,
            "invalid" => false,
            other => {
                failures.push(format!("{file}:{line}: invalid validity {other:?}"));
                continue;
            }
        };
        let valid = text.parse::<Version>().is_ok();
        if valid != expected {
            failures.push(format!(
                "{file}:{line}: {text:?}: expected valid = {expected}"
            ));
        }
        if is_valid_per_spec(text) != expected {
            failures.push(format!(
                "{file}:{line}: {text:?}: the specification's pattern disagrees with the file"
            ));
        }
    }
    assert_no_failures(&failures);
}

/// Rows of `packaging`'s specifier tests for which `packaging` 25.0 returns `false`: a local
/// version against an exclusive `>`. `packaging` 26 and its `main` branch, which the file
/// follows, return `true`, and so does ward.
const PACKAGING_25_DIFFERENCES: [(&str, &str); 7] = [
    (">1.0.dev1", "1.0+local"),
    (">4.1.0a2.dev1234", "4.1.0a2.dev1235+local"),
    (">1.0a1", "1.0a2+local"),
    (">1.0b1", "1.0b2+local"),
    (">1.0.post1", "1.0.post2+local"),
    (">1.0.dev1", "1.0.dev2+local"),
    (">1.0.post1.dev1", "1.0.post1.dev2+local"),
];

#[test]
#[ignore = "real data: run by .ci/run"]
fn pep440_specifier_vectors_match_expected() {
    let file = "packaging-test_specifiers-contains.tsv";
    let table = common::read_table(&common::versions_dir("pep440").join(file));
    assert!(
        table.header.contains("prereleases=True"),
        "{file}: the header no longer says the rows use prereleases=True"
    );
    let (specifier_column, version_column, contains_column) = (
        table.column("specifier"),
        table.column("version"),
        table.column("contains"),
    );
    assert!(!table.rows.is_empty(), "{file}: no rows");

    let mut failures = Vec::new();
    let mut packaging_25_rows = 0;
    for (line, row) in &table.rows {
        let (specifier, version) = (&row[specifier_column], &row[version_column]);
        let expected = match row[contains_column].as_str() {
            "1" => true,
            "0" => false,
            other => {
                failures.push(format!("{file}:{line}: invalid contains value {other:?}"));
                continue;
            }
        };
        if PACKAGING_25_DIFFERENCES.contains(&(specifier.as_str(), version.as_str())) {
            packaging_25_rows += 1;
        }
        match pep440_satisfies(specifier, version, Prereleases::Include) {
            Ok(contains) if contains == expected => {}
            Ok(contains) => failures.push(format!(
                "{file}:{line}: `{specifier}` contains `{version}`: expected {expected}, got {contains}"
            )),
            Err(error) => failures.push(format!("{file}:{line}: {error}")),
        }
    }
    assert_no_failures(&failures);
    assert!(
        packaging_25_rows > 0,
        "{file} has none of the rows where packaging 25.0 differs, so the choice of 26 goes \
         untested here"
    );
}
