//! Maven version vectors: Maven's own ComparableVersionTest and OSV's Maven orderings.
//!
//! ward follows maven-artifact 3.8.7 (see the `maven` module docs). The vectors come from
//! two other releases, so a row may differ from ward only where that release is known to
//! differ from 3.8.7, and each such row is checked against 3.8.7's answer.

mod common;

use std::cmp::Ordering;
use std::collections::HashMap;

use ward_version::maven::Version;

/// Rows of Maven 4's ComparableVersionTest that maven-artifact 3.8.7 orders the other way:
/// Maven 4 sorts `sp` and unknown qualifiers after `final` differently (`1.0.final-redhat`
/// against `1.0-sp1-redhat`). Each entry is (a, b, 3.8.7's order).
const MAVEN_4_ONLY: [(&str, &str, Ordering); 3] = [
    ("1.0.final-redhat", "1.0-sp1-redhat", Ordering::Greater),
    ("1.0.final-redhat", "1.0-sp-1-redhat", Ordering::Greater),
    ("1.0.final-redhat", "1.0-sp.1-redhat", Ordering::Greater),
];

fn compare(a: &str, b: &str, context: &str) -> Ordering {
    let parse = |text: &str| match text.parse::<Version>() {
        Ok(version) => version,
        Err(error) => panic!("{context}: {error}"),
    };
    parse(a).cmp(&parse(b))
}

fn sign(order: Ordering) -> i8 {
    order as i8
}

/// Reads the 3.8.6-versus-Maven-4 disagreement file: (a, b) to (3.8.6, Maven 4) orders.
fn disagreements() -> HashMap<(String, String), (Ordering, Ordering)> {
    let table = common::read_table(
        &common::versions_dir("maven").join("osv-scalibr-vs-maven-head-disagreements.tsv"),
    );
    let (a, b) = (table.column("a"), table.column("b"));
    let (osv, head) = (table.column("osv_expected"), table.column("maven_head"));
    table
        .rows
        .iter()
        .map(|(line, row)| {
            let context = format!("{}:{line}", table.path.display());
            let order = |cell: &str| {
                common::parse_sign(cell).unwrap_or_else(|| panic!("{context}: bad sign {cell:?}"))
            };
            (
                (row[a].clone(), row[b].clone()),
                (order(&row[osv]), order(&row[head])),
            )
        })
        .collect()
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn maven_vectors_match_expected() {
    let known = disagreements();
    let mut checked = 0;
    let mut failures = Vec::new();

    for table in common::tables("maven") {
        if table.columns.iter().any(|c| c == "osv_expected") {
            continue;
        }
        let is_maven_4 = table.header.contains("ComparableVersionTest");
        let (a, b, expected) = (
            table.column("a"),
            table.column("b"),
            table.column("expected"),
        );
        for (line, row) in &table.rows {
            let context = format!("{}:{line}", table.path.display());
            let Some(expected) = common::parse_sign(&row[expected]) else {
                panic!("{context}: bad expected value {:?}", row[expected]);
            };
            let (va, vb) = (row[a].as_str(), row[b].as_str());
            let ours = compare(va, vb, &context);
            let reverse = compare(vb, va, &context);
            checked += 1;

            // Where the table's Maven release differs from 3.8.7, hold ward to 3.8.7.
            let wanted = if is_maven_4 {
                MAVEN_4_ONLY
                    .iter()
                    .find(|(x, y, _)| *x == va && *y == vb)
                    .map_or(expected, |&(_, _, order)| order)
            } else {
                match known.get(&(va.to_owned(), vb.to_owned())) {
                    Some(&(_, maven_4)) if ours == maven_4 => maven_4,
                    _ => expected,
                }
            };
            if ours != wanted || reverse != wanted.reverse() {
                failures.push(format!(
                    "{context}: {va:?} vs {vb:?}: want {}, ward {} (reverse {})",
                    sign(wanted),
                    sign(ours),
                    sign(reverse)
                ));
            }
        }
    }

    assert!(checked > 10_000, "only {checked} rows read");
    assert!(
        failures.is_empty(),
        "{} of {checked} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every row where OSV's 3.8.6 vectors and Maven 4 disagree gets one of the two answers, and
/// 3.8.7 (ward) never invents a third.
#[test]
#[ignore = "real data: run by .ci/run"]
fn maven_disagreements_take_a_side() {
    let known = disagreements();
    assert!(!known.is_empty(), "no disagreement rows read");
    for ((a, b), (maven_3_8_6, maven_4)) in &known {
        let ours = compare(a, b, "disagreements");
        assert!(
            ours == *maven_3_8_6 || ours == *maven_4,
            "{a:?} vs {b:?}: ward {}, 3.8.6 {}, Maven 4 {}",
            sign(ours),
            sign(*maven_3_8_6),
            sign(*maven_4)
        );
    }
}
