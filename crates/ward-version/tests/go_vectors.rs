//! Go module version vectors from `golang.org/x/mod/semver`'s tests, read from the shared
//! fixtures.

mod common;

use ward_version::go;

#[test]
#[ignore = "real data: run by .ci/run"]
fn go_compare_vectors_match_expected() {
    let file = "golang-mod-semver_test.tsv";
    let table = common::read_table(&common::versions_dir("go").join(file));
    let (a_column, b_column, expected_column) = (
        table.column("a"),
        table.column("b"),
        table.column("expected"),
    );
    assert!(!table.rows.is_empty(), "{file}: no rows");

    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let (a, b) = (&row[a_column], &row[b_column]);
        let Some(expected) = common::parse_sign(&row[expected_column]) else {
            failures.push(format!("{file}:{line}: invalid expected value"));
            continue;
        };
        for (x, y, want) in [(a, b, expected), (b, a, expected.reverse())] {
            let order = go::compare(x, y);
            if order != want {
                failures.push(format!(
                    "{file}:{line}: {x:?} vs {y:?}: expected {want:?}, got {order:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn go_canonical_vectors_match_expected() {
    let file = "golang-mod-semver-canonical.tsv";
    let table = common::read_table(&common::versions_dir("go").join(file));
    let (input_column, canonical_column) = (table.column("input"), table.column("canonical"));
    assert!(!table.rows.is_empty(), "{file}: no rows");

    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let input = &row[input_column];
        // `-` marks an invalid input, for which `semver.Canonical` returns "".
        let expected = match row[canonical_column].as_str() {
            "-" => None,
            canonical => Some(canonical),
        };
        let canonical = go::canonical(input);
        if canonical.as_deref() != expected {
            failures.push(format!(
                "{file}:{line}: {input:?}: expected {expected:?}, got {canonical:?}"
            ));
        }
        // The scheme parser accepts exactly the inputs that have a canonical form, because
        // every input here starts with `v`.
        let parsed = input.parse::<go::Version>();
        if parsed.is_ok() != expected.is_some() {
            failures.push(format!(
                "{file}:{line}: {input:?}: parsed = {}, expected valid = {}",
                parsed.is_ok(),
                expected.is_some()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
