//! Range vectors of node-semver (`satisfies`, `gtr`, `ltr`) and of Cargo's `semver` crate
//! (`VersionReq::matches`), read from the shared fixtures.

mod common;

use std::cmp::Ordering;

use ward_version::constraint::{npm_outside, npm_satisfies, satisfies, NpmOptions};
use ward_version::Scheme;

fn npm_options(cell: &str) -> NpmOptions {
    NpmOptions {
        loose: cell.contains("loose"),
        include_prerelease: cell.contains("includePrerelease"),
    }
}

fn expected_bool(cell: &str, context: &str) -> bool {
    match cell.trim() {
        "1" | "true" => true,
        "0" | "false" => false,
        other => panic!("{context}: bad boolean {other:?}"),
    }
}

fn report(failures: &[String], checked: usize) {
    assert!(checked > 0, "no rows read");
    assert!(
        failures.is_empty(),
        "{} of {checked} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// node-semver returns false for a range or version it cannot parse, so a row whose range
/// ward rejects must expect false. ward itself reports such input as an error.
#[test]
#[ignore = "real data: run by .ci/run"]
fn npm_range_satisfies_vectors() {
    let table =
        common::read_table(&common::versions_dir("semver").join("node-semver-range-satisfies.tsv"));
    let (range, version) = (table.column("range"), table.column("version"));
    let (expected, options) = (table.column("satisfies"), table.column("options"));
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let context = format!("{}:{line}", table.path.display());
        let want = expected_bool(&row[expected], &context);
        let got = npm_satisfies(&row[range], &row[version], npm_options(&row[options]));
        let ok = match &got {
            Ok(got) => *got == want,
            Err(_) => !want,
        };
        if !ok {
            failures.push(format!(
                "{context}: {:?} satisfies {:?} ({}): want {want}, ward {got:?}",
                row[version], row[range], row[options]
            ));
        }
    }
    report(&failures, table.rows.len());
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn npm_outside_range_vectors() {
    let table =
        common::read_table(&common::versions_dir("semver").join("node-semver-outside-range.tsv"));
    let (range, version) = (table.column("range"), table.column("version"));
    let (relation, expected) = (table.column("relation"), table.column("expected"));
    let options = table.column("options");
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let context = format!("{}:{line}", table.path.display());
        let want = expected_bool(&row[expected], &context);
        let hilo = match row[relation].as_str() {
            "gtr" => Ordering::Greater,
            "ltr" => Ordering::Less,
            other => panic!("{context}: unknown relation {other:?}"),
        };
        let got = npm_outside(&row[range], &row[version], hilo, npm_options(&row[options]));
        let ok = match &got {
            Ok(got) => *got == want,
            Err(_) => !want,
        };
        if !ok {
            failures.push(format!(
                "{context}: {} {:?} {:?} ({}): want {want}, ward {got:?}",
                row[relation], row[version], row[range], row[options]
            ));
        }
    }
    report(&failures, table.rows.len());
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn cargo_requirement_vectors() {
    let table = common::read_table(
        &common::versions_dir("semver").join("cargo-semver-crate-req-matches.tsv"),
    );
    let (req, version, expected) = (
        table.column("req"),
        table.column("version"),
        table.column("matches"),
    );
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let context = format!("{}:{line}", table.path.display());
        let want = expected_bool(&row[expected], &context);
        let got = satisfies(Scheme::Semver, &row[req], &row[version]);
        if got != Ok(want) {
            failures.push(format!(
                "{context}: {:?} matches {:?}: want {want}, ward {got:?}",
                row[req], row[version]
            ));
        }
    }
    report(&failures, table.rows.len());
}
