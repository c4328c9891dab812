//! One sweep over every version-vector file of the shared fixtures.
//!
//! Each `*.tsv` under `fixtures/versions` is dispatched by its directory, file name and
//! columns to the scheme or constraint language it tests, and every row is checked, with
//! comparison rows also checked in reverse. A file that matches no rule fails the test, so
//! a new vector file is never ignored silently. The rows and files where ward follows
//! another release of the upstream tool are listed by name below, each with its reason.

mod common;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ward_version::constraint::{
    npm_outside, npm_satisfies, pep440_satisfies, satisfies, NpmOptions, Prereleases,
};
use ward_version::{apk, go, rpm, Scheme};

/// Files that test something other than a version scheme or constraint language of ward.
const EXCLUDED_FILES: [(&str, &str); 2] = [
    (
        "rpm/claircore-compare.tsv",
        "compares NEVRA strings with package name and architecture, which are not versions",
    ),
    (
        "apk/apk-tools-version.data-other-ops.tsv",
        "tests apk's fuzzy `~` dependency operator, which ward does not evaluate",
    ),
];

/// Pairs where apk-tools 3, which produced these rows, differs from the apk-tools 2.x order
/// ward follows: more leading zeros in a fraction, `~hash` suffixes, a second revision.
const APK_TOOLS_3_PAIRS: [(&str, &str); 4] = [
    ("8.2.0", "8.2.001"),
    ("1.0~1234-r1", "1.0~1234-r0"),
    ("1-r-0", "1-r0"),
    ("1-ruff2", "1--ruff1"),
];

/// Strings that apk-tools 3 rejects and the apk-tools 2.x tokenizer accepts.
const APK_TOOLS_3_INVALID: [&str; 5] = ["0.1a1", "0.1-r", "0.1-r2-r3", ".1", "_pre1"];

/// Rows of Maven 4's ComparableVersionTest that maven-artifact 3.8.7, which ward follows,
/// orders the other way, with 3.8.7's order.
const MAVEN_4_ONLY: [(&str, &str, Ordering); 3] = [
    ("1.0.final-redhat", "1.0-sp1-redhat", Ordering::Greater),
    ("1.0.final-redhat", "1.0-sp-1-redhat", Ordering::Greater),
    ("1.0.final-redhat", "1.0-sp.1-redhat", Ordering::Greater),
];

/// The two headers that state the reverse-pair rule themselves, with the phrase stating that
/// a reversed pair gives the negated result. Every other comparison file follows the
/// fixtures' default rule, which is the same.
const REVERSE_RULE_HEADERS: [(&str, &str); 2] = [
    ("go/golang-mod-semver_test.tsv", "reverse is the negation"),
    (
        "pep440/packaging-test_version-VERSIONS-pairs.tsv",
        "reverse pair is +1",
    ),
];

type Compare = fn(&str, &str) -> Result<Ordering, String>;

/// What one file tests, chosen from its directory, name and columns.
enum Check {
    /// `a b expected` rows compared by a scheme, in both directions.
    Pairs(Compare),
    /// `version validity` rows.
    Validity(fn(&str) -> bool),
    /// `input canonical` rows of Go's `semver.Canonical`.
    GoCanonical,
    /// `a op b holds` rows of Cargo's version operators.
    CargoOperators,
    /// `specifier version contains` rows of PEP 440 specifiers.
    Pep440Specifiers,
    /// `req version matches` rows of Cargo requirements.
    CargoRequirements,
    /// `range version satisfies options` rows of node-semver.
    NpmSatisfies,
    /// `range version relation expected options` rows of node-semver's `gtr` and `ltr`.
    NpmOutside,
    /// `a b osv_expected maven_head file` rows where two Maven releases disagree.
    MavenDisagreements,
}

fn compare_with(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, String> {
    scheme.compare(a, b).map_err(|error| error.to_string())
}

fn dispatch(relative: &str, columns: &[String]) -> Option<Check> {
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let (dir, file) = relative.split_once('/')?;
    let pairs = |compare: Compare| Some(Check::Pairs(compare));

    match (dir, columns.as_slice()) {
        (_, ["a", "b", "expected"]) => match dir {
            "deb" => pairs(|a, b| compare_with(Scheme::Dpkg, a, b)),
            "apk" => pairs(|a, b| Ok(apk::compare(a, b))),
            "go" => pairs(|a, b| Ok(go::compare(a, b))),
            "maven" => pairs(|a, b| compare_with(Scheme::Maven, a, b)),
            "pep440" => pairs(|a, b| compare_with(Scheme::Pep440, a, b)),
            // Single version or release strings, compared by rpmvercmp.
            "rpm" if file != "osv-scalibr-redhat-versions.tsv" => {
                pairs(|a, b| Ok(rpm::rpmvercmp(a, b)))
            }
            "rpm" => pairs(|a, b| compare_with(Scheme::Rpm, a, b)),
            "semver" if file == "node-semver-compare-loose.tsv" => {
                pairs(|a, b| compare_with(Scheme::Npm, a, b))
            }
            "semver" => pairs(|a, b| compare_with(Scheme::Semver, a, b)),
            "other" => {
                let schemes: [(&str, Compare); 6] = [
                    ("-cran-", |a, b| compare_with(Scheme::Cran, a, b)),
                    ("-hackage-", |a, b| compare_with(Scheme::Hackage, a, b)),
                    ("-nuget-", |a, b| compare_with(Scheme::NuGet, a, b)),
                    ("-packagist-", |a, b| compare_with(Scheme::Packagist, a, b)),
                    ("-pub-", |a, b| compare_with(Scheme::Pub, a, b)),
                    ("-rubygems-", |a, b| compare_with(Scheme::RubyGems, a, b)),
                ];
                let (_, compare) = schemes.iter().find(|(part, _)| file.contains(part))?;
                pairs(*compare)
            }
            _ => None,
        },
        ("apk", ["version", "validity"]) => Some(Check::Validity(|text| {
            text.parse::<apk::Version>()
                .is_ok_and(|version| version.is_valid())
        })),
        ("pep440", ["version", "validity"]) => {
            Some(Check::Validity(|text| Scheme::Pep440.parse(text).is_ok()))
        }
        ("go", ["input", "canonical"]) => Some(Check::GoCanonical),
        ("semver", ["a", "op", "b", "holds"]) => Some(Check::CargoOperators),
        ("pep440", ["specifier", "version", "contains"]) => Some(Check::Pep440Specifiers),
        ("semver", ["req", "version", "matches"]) => Some(Check::CargoRequirements),
        ("semver", ["range", "version", "satisfies", "options"]) => Some(Check::NpmSatisfies),
        ("semver", ["range", "version", "relation", "expected", "options"]) => {
            Some(Check::NpmOutside)
        }
        ("maven", ["a", "b", "osv_expected", "maven_head", "file"]) => {
            Some(Check::MavenDisagreements)
        }
        _ => None,
    }
}

/// Returns every `*.tsv` below `dir`, sorted.
fn tsv_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => panic!("cannot list {}: {error}", dir.display()),
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "tsv") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn parse_bool(cell: &str) -> Option<bool> {
    match cell.trim() {
        "1" | "true" | "valid" => Some(true),
        "0" | "false" | "invalid" => Some(false),
        _ => None,
    }
}

fn npm_options(cell: &str) -> NpmOptions {
    NpmOptions {
        loose: cell.contains("loose"),
        include_prerelease: cell.contains("includePrerelease"),
    }
}

/// Reads the 3.8.6-versus-Maven-4 file: (a, b) to the Maven 4 order.
fn maven_4_orders(versions_dir: &Path) -> HashMap<(String, String), Ordering> {
    let table =
        common::read_table(&versions_dir.join("maven/osv-scalibr-vs-maven-head-disagreements.tsv"));
    let (a, b, head) = (
        table.column("a"),
        table.column("b"),
        table.column("maven_head"),
    );
    table
        .rows
        .iter()
        .filter_map(|(_, row)| {
            let order = common::parse_sign(&row[head])?;
            Some(((row[a].clone(), row[b].clone()), order))
        })
        .collect()
}

/// Checks one comparison row in both directions and returns its failures.
fn check_pair(
    relative: &str,
    compare: Compare,
    (a, b, expected): (&str, &str, Ordering),
    maven_4: &HashMap<(String, String), Ordering>,
) -> Vec<String> {
    if relative.starts_with("apk/")
        && APK_TOOLS_3_PAIRS
            .iter()
            .any(|&(x, y)| (x, y) == (a, b) || (y, x) == (a, b))
    {
        return Vec::new();
    }

    // ward follows maven-artifact 3.8.7. Maven 4's own test rows and OSV's 3.8.6 rows
    // may differ from it only where the release is known to differ.
    let mut allowed = vec![expected];
    if relative == "maven/maven-ComparableVersionTest.tsv" {
        if let Some(&(_, _, order)) = MAVEN_4_ONLY.iter().find(|(x, y, _)| (*x, *y) == (a, b)) {
            allowed = vec![order];
        }
    } else if let Some(&order) = maven_4.get(&(a.to_owned(), b.to_owned())) {
        allowed.push(order);
    }

    let forward = compare(a, b);
    let reverse = compare(b, a);

    // OSV's PyPI files keep versions that only `packaging` before 22 read, as
    // `LegacyVersion`. ward rejects them, which makes a range over them unknown.
    let is_pypi_legacy = relative.starts_with("pep440/osv-scalibr-")
        && (Scheme::Pep440.parse(a).is_err() || Scheme::Pep440.parse(b).is_err());
    if is_pypi_legacy {
        return match (forward, reverse) {
            (Err(_), Err(_)) => Vec::new(),
            result => vec![format!("{a:?} vs {b:?}: a legacy version, ward {result:?}")],
        };
    }

    let mut failures = Vec::new();
    match forward {
        Ok(order) if allowed.contains(&order) => match reverse {
            Ok(reversed) if reversed == order.reverse() => {}
            reversed => failures.push(format!(
                "{b:?} vs {a:?}: expected {:?} (the reverse pair), got {reversed:?}",
                order.reverse()
            )),
        },
        result => failures.push(format!(
            "{a:?} vs {b:?}: expected {expected:?}, got {result:?}"
        )),
    }
    failures
}

/// Checks every row of one file and returns the number of rows and the failures.
fn check_file(
    relative: &str,
    table: &common::Table,
    check: &Check,
    maven_4: &HashMap<(String, String), Ordering>,
) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    for (line, row) in &table.rows {
        let context = format!("{relative}:{line}");
        let cell = |index: usize| row.get(index).map_or("", String::as_str);
        let row_failures = match check {
            Check::Pairs(compare) => match common::parse_sign(cell(2)) {
                Some(expected) => {
                    check_pair(relative, *compare, (cell(0), cell(1), expected), maven_4)
                }
                None => vec![format!("invalid expected value {:?}", cell(2))],
            },
            Check::Validity(is_valid) => {
                let text = cell(0);
                let known = relative.starts_with("apk/") && APK_TOOLS_3_INVALID.contains(&text);
                match parse_bool(cell(1)) {
                    _ if known => Vec::new(),
                    Some(expected) if is_valid(text) == expected => Vec::new(),
                    Some(expected) => vec![format!("{text:?}: expected valid = {expected}")],
                    None => vec![format!("invalid validity {:?}", cell(1))],
                }
            }
            Check::GoCanonical => {
                let expected = Some(cell(1)).filter(|canonical| *canonical != "-");
                let canonical = go::canonical(cell(0));
                if canonical.as_deref() == expected {
                    Vec::new()
                } else {
                    vec![format!(
                        "{:?}: expected {expected:?}, got {canonical:?}",
                        cell(0)
                    )]
                }
            }
            Check::CargoOperators => {
                let (a, operator, b) = (cell(0), cell(1), cell(2));
                // ward follows SemVer 2.0.0 and ignores build metadata, which Cargo's
                // `semver` crate orders, so rows with build metadata are not ward's order.
                if a.contains('+') || b.contains('+') {
                    Vec::new()
                } else {
                    let holds = Scheme::Semver.compare(a, b).map(|order| match operator {
                        "<" => order.is_lt(),
                        "<=" => order.is_le(),
                        ">" => order.is_gt(),
                        ">=" => order.is_ge(),
                        "==" => order.is_eq(),
                        _ => order.is_ne(),
                    });
                    match parse_bool(cell(3)) {
                        Some(expected) if holds == Ok(expected) => Vec::new(),
                        expected => vec![format!(
                            "{a} {operator} {b}: expected {expected:?}, got {holds:?}"
                        )],
                    }
                }
            }
            Check::Pep440Specifiers => {
                let result = pep440_satisfies(cell(0), cell(1), Prereleases::Include);
                match parse_bool(cell(2)) {
                    Some(expected) if result == Ok(expected) => Vec::new(),
                    expected => vec![format!(
                        "`{}` contains `{}`: expected {expected:?}, got {result:?}",
                        cell(0),
                        cell(1)
                    )],
                }
            }
            Check::CargoRequirements => {
                let result = satisfies(Scheme::Semver, cell(0), cell(1));
                match parse_bool(cell(2)) {
                    Some(expected) if result == Ok(expected) => Vec::new(),
                    expected => vec![format!(
                        "`{}` matches `{}`: expected {expected:?}, got {result:?}",
                        cell(0),
                        cell(1)
                    )],
                }
            }
            Check::NpmSatisfies => {
                let result = npm_satisfies(cell(0), cell(1), npm_options(cell(3)));
                // node-semver returns false where ward reports an error.
                match (parse_bool(cell(2)), &result) {
                    (Some(expected), Ok(got)) if *got == expected => Vec::new(),
                    (Some(false), Err(_)) => Vec::new(),
                    (expected, _) => vec![format!(
                        "`{}` satisfies `{}` ({}): expected {expected:?}, got {result:?}",
                        cell(1),
                        cell(0),
                        cell(3)
                    )],
                }
            }
            Check::NpmOutside => {
                let hilo = match cell(2) {
                    "gtr" => Some(Ordering::Greater),
                    "ltr" => Some(Ordering::Less),
                    _ => None,
                };
                match (hilo, parse_bool(cell(3))) {
                    (Some(hilo), Some(expected)) => {
                        let result = npm_outside(cell(0), cell(1), hilo, npm_options(cell(4)));
                        match &result {
                            Ok(got) if *got == expected => Vec::new(),
                            Err(_) if !expected => Vec::new(),
                            _ => vec![format!(
                                "{} `{}` `{}`: expected {expected}, got {result:?}",
                                cell(2),
                                cell(1),
                                cell(0)
                            )],
                        }
                    }
                    _ => vec![format!("invalid relation or expected value in {row:?}")],
                }
            }
            Check::MavenDisagreements => {
                let (a, b) = (cell(0), cell(1));
                let orders = [common::parse_sign(cell(2)), common::parse_sign(cell(3))];
                let ward = Scheme::Maven.compare(a, b).ok();
                if ward.is_some() && orders.contains(&ward) {
                    Vec::new()
                } else {
                    vec![format!(
                        "{a:?} vs {b:?}: ward {ward:?} is neither release's order {orders:?}"
                    )]
                }
            }
        };
        failures.extend(
            row_failures
                .into_iter()
                .map(|failure| format!("{context}: {failure}")),
        );
    }
    (table.rows.len(), failures)
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn every_version_vector_file_passes() {
    let versions_dir = common::shared_dir().join("fixtures/versions");
    let maven_4 = maven_4_orders(&versions_dir);
    let files = tsv_files(&versions_dir);
    assert!(
        !files.is_empty(),
        "no vector files under {}",
        versions_dir.display()
    );

    let mut undispatched = Vec::new();
    let mut excluded = Vec::new();
    let mut failures = Vec::new();
    let mut rows = 0;
    let mut reverse_rule_headers = 0;
    for path in &files {
        let relative = path
            .strip_prefix(&versions_dir)
            .map(|relative| relative.to_string_lossy().into_owned())
            .unwrap_or_else(|_| path.display().to_string());
        let table = common::read_table(path);

        if let Some(&(_, phrase)) = REVERSE_RULE_HEADERS
            .iter()
            .find(|(file, _)| *file == relative)
        {
            reverse_rule_headers += 1;
            assert!(
                table.header.contains(phrase),
                "{relative}: the header no longer says `{phrase}`, so its reverse pairs may \
                 not be negated"
            );
        }
        if EXCLUDED_FILES.iter().any(|(file, _)| *file == relative) {
            excluded.push(relative);
            continue;
        }
        let Some(check) = dispatch(&relative, &table.columns) else {
            undispatched.push(format!("{relative} (columns {:?})", table.columns));
            continue;
        };
        assert!(!table.rows.is_empty(), "{relative}: no rows");
        let (file_rows, file_failures) = check_file(&relative, &table, &check, &maven_4);
        rows += file_rows;
        failures.extend(file_failures);
    }

    assert!(
        undispatched.is_empty(),
        "no check reads these vector files; add a rule to `dispatch` or an entry with its \
         reason to EXCLUDED_FILES:\n{}",
        undispatched.join("\n")
    );
    assert_eq!(
        excluded.len(),
        EXCLUDED_FILES.len(),
        "an excluded file is missing: found only {excluded:?}"
    );
    assert_eq!(
        reverse_rule_headers,
        REVERSE_RULE_HEADERS.len(),
        "a file whose header states the reverse-pair rule is missing"
    );
    assert!(rows > 40_000, "only {rows} rows read");
    assert!(
        failures.is_empty(),
        "{} of {rows} rows fail:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
