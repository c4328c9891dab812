//! Version vectors of the rpm, apk and SemVer schemes, read from the shared fixtures. Each
//! file's header states its source and semantics; files whose semantics this crate does not
//! implement here (NEVRA strings, constraint languages) are skipped by name.

mod common;

use std::cmp::Ordering;

use ward_version::{apk, rpm, Scheme};

/// Checks every `a b expected` row of `file` with `compare`, in both directions, and returns
/// the failures.
fn check_pairs(
    ecosystem: &str,
    file: &str,
    compare: impl Fn(&str, &str) -> Result<Ordering, String>,
) -> Vec<String> {
    let path = common::versions_dir(ecosystem).join(file);
    let table = common::read_table(&path);
    let (a_column, b_column, expected_column) = (
        table.column("a"),
        table.column("b"),
        table.column("expected"),
    );
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let (a, b) = (&row[a_column], &row[b_column]);
        let Some(expected) = common::parse_sign(&row[expected_column]) else {
            failures.push(format!("{file}:{line}: invalid expected value"));
            continue;
        };
        for (x, y, want) in [(a, b, expected), (b, a, expected.reverse())] {
            match compare(x, y) {
                Ok(order) if order == want => {}
                Ok(order) => failures.push(format!(
                    "{file}:{line}: {x:?} vs {y:?}: expected {want:?}, got {order:?}"
                )),
                Err(error) => failures.push(format!("{file}:{line}: {error}")),
            }
        }
    }
    assert!(!table.rows.is_empty(), "{file}: no rows");
    failures
}

fn assert_no_failures(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn compare_scheme(scheme: Scheme) -> impl Fn(&str, &str) -> Result<Ordering, String> {
    move |a, b| scheme.compare(a, b).map_err(|error| error.to_string())
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn rpm_vectors_match_expected() {
    let segment = |a: &str, b: &str| Ok(rpm::rpmvercmp(a, b));
    let mut failures = Vec::new();
    // These three files compare single version or release strings with rpmvercmp.
    for file in [
        "claircore-rpmvercmp.tsv",
        "go-rpm-version-version_testcase.tsv",
        "rpm-tests-rpmvercmp.at.tsv",
    ] {
        failures.extend(check_pairs("rpm", file, segment));
    }
    // Whole EVR strings. claircore-compare.tsv compares NEVRA strings (name and arch
    // included), which is not a version scheme, so it is not read here.
    failures.extend(check_pairs(
        "rpm",
        "osv-scalibr-redhat-versions.tsv",
        compare_scheme(Scheme::Rpm),
    ));
    assert_no_failures(failures);
}

/// Pairs where apk-tools 3 (and the apk build that produced OSV's vectors) differs from the
/// apk-tools 2.x rules this crate implements: more leading zeros in a fraction sort higher,
/// `~hash` suffixes are read, and a second revision makes the string invalid.
const APK_TOOLS_3_DIFFERENCES: [(&str, &str); 4] = [
    ("8.2.0", "8.2.001"),
    ("1.0~1234-r1", "1.0~1234-r0"),
    ("1-r-0", "1-r0"),
    ("1-ruff2", "1--ruff1"),
];

#[test]
#[ignore = "real data: run by .ci/run"]
fn apk_vectors_match_expected() {
    let compare = |a: &str, b: &str| Ok(apk::compare(a, b));
    let mut failures = Vec::new();
    for file in [
        "apk-tools-version.data.tsv",
        "osv-scalibr-alpine-versions.tsv",
        "osv-scalibr-alpine-versions-generated.tsv",
    ] {
        failures.extend(check_pairs("apk", file, compare));
    }
    let is_known = |failure: &String| {
        APK_TOOLS_3_DIFFERENCES.iter().any(|(a, b)| {
            failure.contains(&format!("{a:?} vs {b:?}"))
                || failure.contains(&format!("{b:?} vs {a:?}"))
        })
    };
    failures.retain(|failure| !is_known(failure));
    assert_no_failures(failures);
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn apk_validity_matches_expected() {
    let path = common::versions_dir("apk").join("apk-tools-version-validity.tsv");
    let table = common::read_table(&path);
    let (version_column, validity_column) = (table.column("version"), table.column("validity"));
    // apk-tools 3 rejects these; the 2.x tokenizer accepts them.
    let known_differences = ["0.1a1", "0.1-r", "0.1-r2-r3", ".1", "_pre1"];
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let text = &row[version_column];
        if known_differences.contains(&text.as_str()) {
            continue;
        }
        let expected = row[validity_column] == "valid";
        let valid = text
            .parse::<apk::Version>()
            .is_ok_and(|version| version.is_valid());
        if valid != expected {
            failures.push(format!("line {line}: {text:?}: expected valid={expected}"));
        }
    }
    assert_no_failures(failures);
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn semver_vectors_match_expected() {
    let mut failures = Vec::new();
    for file in [
        "osv-scalibr-semver-versions.tsv",
        "semver-spec-precedence.tsv",
    ] {
        failures.extend(check_pairs("semver", file, compare_scheme(Scheme::Semver)));
    }
    // node-semver's strict mode still trims white space and accepts a leading `v`, which
    // the lenient grammar does too.
    failures.extend(check_pairs(
        "semver",
        "node-semver-compare.tsv",
        compare_scheme(Scheme::Semver),
    ));
    failures.extend(check_pairs(
        "semver",
        "node-semver-compare-loose.tsv",
        compare_scheme(Scheme::Npm),
    ));
    assert_no_failures(failures);
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn cargo_version_ops_follow_semver_precedence() {
    // Cargo's semver crate orders build metadata; ward follows SemVer 2.0.0 precedence and
    // ignores it, so rows whose outcome depends on build metadata are expected to differ.
    let path = common::versions_dir("semver").join("cargo-semver-crate-version-ops.tsv");
    let table = common::read_table(&path);
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let (a, op, b, holds) = (&row[0], row[1].as_str(), &row[2], row[3] == "true");
        let order = match Scheme::Semver.compare(a, b) {
            Ok(order) => order,
            Err(error) => {
                failures.push(format!("line {line}: {error}"));
                continue;
            }
        };
        let result = match op {
            "<" => order.is_lt(),
            "<=" => order.is_le(),
            ">" => order.is_gt(),
            ">=" => order.is_ge(),
            "==" => order.is_eq(),
            "!=" => order.is_ne(),
            other => {
                failures.push(format!("line {line}: unknown operator {other:?}"));
                continue;
            }
        };
        let build_metadata_differs = a.contains('+') || b.contains('+');
        if result != holds && !build_metadata_differs {
            failures.push(format!("line {line}: {a} {op} {b} should be {holds}"));
        }
    }
    assert_no_failures(failures);
}
