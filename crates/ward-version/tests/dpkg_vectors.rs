//! Debian version vectors from dpkg, go-deb-version and OSV, all re-checked with
//! `dpkg --compare-versions`.

mod common;

use ward_version::dpkg::Version;

fn parse(text: &str, context: &str) -> Version {
    match text.parse() {
        Ok(version) => version,
        Err(error) => panic!("{context}: {error}"),
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn dpkg_vectors_match_expected() {
    let mut checked = 0;
    for table in common::tables("deb") {
        let (a_column, b_column, expected_column) = (
            table.column("a"),
            table.column("b"),
            table.column("expected"),
        );
        for (line, row) in &table.rows {
            let context = format!("{}:{line}", table.path.display());
            let Some(expected) = common::parse_sign(&row[expected_column]) else {
                panic!(
                    "{context}: invalid expected value {:?}",
                    row[expected_column]
                );
            };
            let a = parse(&row[a_column], &context);
            let b = parse(&row[b_column], &context);
            assert_eq!(a.cmp(&b), expected, "{context}: {a} vs {b}");
            assert_eq!(b.cmp(&a), expected.reverse(), "{context}: {b} vs {a}");
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} Debian vectors found");
}
