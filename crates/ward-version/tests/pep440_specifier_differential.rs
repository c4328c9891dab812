//! Differential test: ward's PEP 440 specifier sets against `packaging`'s `SpecifierSet`,
//! over generated sets and versions, mutations of the real specifier vectors, and every
//! pre-release policy, all sent to one Python process.

mod common;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use ward_version::constraint::{Pep440Specifiers, Prereleases};

/// Number of generated (specifier set, version) pairs, all checked by one Python process.
const PAIRS: usize = 20_000;

/// Oldest `packaging` release whose specifier semantics ward follows.
const PACKAGING_MAJOR: u32 = 26;

fn release_text() -> impl Strategy<Value = String> {
    prop::collection::vec(0..3u8, 1..4).prop_map(|numbers| {
        let numbers: Vec<String> = numbers.iter().map(u8::to_string).collect();
        numbers.join(".")
    })
}

/// Builds a version from few distinct parts, half the time on the release `shared`, so that
/// sets and versions often share a release and land on the boundaries the operators treat
/// specially.
fn version_text(shared: String) -> impl Strategy<Value = String> {
    let release = prop_oneof![Just(shared), release_text()];
    let epoch = prop::option::weighted(0.05, Just("1!"));
    let pre = prop::option::weighted(
        0.3,
        prop::sample::select(vec!["a0", "a1", "b1", "rc1", "-rc.2", "c1", "alpha1"]),
    );
    let post = prop::option::weighted(
        0.25,
        prop::sample::select(vec![".post0", ".post1", "-1", "post2", ".rev1"]),
    );
    let dev = prop::option::weighted(0.25, prop::sample::select(vec![".dev0", ".dev1", "dev"]));
    let local = prop::option::weighted(
        0.2,
        prop::sample::select(vec!["+local", "+1", "+l.2", "+LOCAL", "+0"]),
    );
    let prefix = prop::sample::select(vec!["", "", "", "", "v"]);
    (prefix, epoch, release, pre, post, dev, local).prop_map(
        |(prefix, epoch, release, pre, post, dev, local)| {
            let parts = [
                Some(prefix),
                epoch,
                Some(release.as_str()),
                pre,
                post,
                dev,
                local,
            ];
            parts.into_iter().flatten().collect()
        },
    )
}

/// Generates one term: mostly valid combinations, and some that `packaging` rejects (a local label
/// after `>=`, `.*` after a pre-release) so that validity is compared too.
fn term(shared: String) -> impl Strategy<Value = String> {
    let operator = prop::sample::select(vec!["==", "!=", "<=", ">=", "<", ">", "~=", "==="]);
    let wildcard = prop::bool::weighted(0.15);
    let space = prop::sample::select(vec!["", "", "", " "]);
    let arbitrary = prop::sample::select(vec!["", "", "", "", "foobar", "1.0-legacy"]);
    (operator, space, version_text(shared), wildcard, arbitrary).prop_map(
        |(operator, space, version, wildcard, arbitrary)| {
            if operator == "===" && !arbitrary.is_empty() {
                return format!("==={space}{arbitrary}");
            }
            let suffix = if wildcard { ".*" } else { "" };
            format!("{operator}{space}{version}{suffix}")
        },
    )
}

fn specifier_set(shared: String) -> impl Strategy<Value = String> {
    let separator = prop::sample::select(vec![",", ", ", " ,", ",,"]);
    prop::collection::vec((term(shared), separator), 0..4).prop_map(|terms| {
        let mut text = String::new();
        for (index, (term, separator)) in terms.into_iter().enumerate() {
            if index > 0 {
                text.push_str(separator);
            }
            text.push_str(&term);
        }
        text
    })
}

/// The specifier and version pairs of the real vectors when the shared fixtures exist.
fn real_pairs() -> Vec<(String, String)> {
    let path = common::versions_dir("pep440").join("packaging-test_specifiers-contains.tsv");
    if !path.is_file() {
        return Vec::new();
    }
    let table = common::read_table(&path);
    let (specifier, version) = (table.column("specifier"), table.column("version"));
    table
        .rows
        .into_iter()
        .map(|(_, row)| (row[specifier].clone(), row[version].clone()))
        .collect()
}

/// Replaces, deletes or inserts one character of PEP 440's alphabet.
fn mutate(text: &str, position: prop::sample::Index, piece: &str, kind: u8) -> String {
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&index| text.is_char_boundary(index))
        .collect();
    let index = boundaries[position.index(boundaries.len())];
    let next = boundaries
        .iter()
        .copied()
        .find(|&boundary| boundary > index);
    let mut text = text.to_owned();
    match (kind, next) {
        (0, _) | (_, None) => text.insert_str(index, piece),
        (1, Some(next)) => text.replace_range(index..next, ""),
        (_, Some(next)) => text.replace_range(index..next, piece),
    }
    text
}

fn mutated_real_pair(real: Vec<(String, String)>) -> impl Strategy<Value = (String, String)> {
    let piece = prop::sample::select(vec![
        "0", "1", "2", ".", "*", "+", "!", "a", "rc", "post", "dev", "=", "<", ">", "~", ",", " ",
    ]);
    (
        prop::sample::select(real),
        any::<prop::sample::Index>(),
        piece,
        0..3u8,
        any::<bool>(),
    )
        .prop_map(
            |((specifier, version), position, piece, kind, on_version)| {
                if on_version {
                    (specifier, mutate(&version, position, piece, kind))
                } else {
                    (mutate(&specifier, position, piece, kind), version)
                }
            },
        )
}

fn generate_pairs(real: &[(String, String)]) -> Vec<(String, String)> {
    let generated = release_text()
        .prop_flat_map(|shared| (specifier_set(shared.clone()), version_text(shared)))
        .boxed();
    let strategy = if real.is_empty() {
        generated
    } else {
        prop_oneof![4 => generated, 1 => mutated_real_pair(real.to_vec())].boxed()
    };
    let mut runner = TestRunner::default();
    let mut pairs = real.to_vec();
    while pairs.len() < PAIRS {
        match strategy.new_tree(&mut runner) {
            Ok(tree) => pairs.push(tree.current()),
            Err(reason) => panic!("cannot generate a specifier and version pair: {reason}"),
        }
    }
    pairs
}

fn packaging_major_version() -> u32 {
    let lines = common::run_batch(
        "python3",
        &["-c", "import packaging; print(packaging.__version__)"],
        "",
    );
    let version = lines.first().cloned().unwrap_or_default();
    match version.split('.').next().map(str::parse) {
        Some(Ok(major)) => major,
        _ => panic!("cannot read the packaging version from {version:?}"),
    }
}

/// Returns `packaging`'s result for each pair: `invalid` for a rejected set, otherwise
/// whether `Version(version)` parses and `contains` under prereleases=True, False and the
/// set's own `prereleases` property, as `1`/`0` separated by spaces.
fn packaging_results(pairs: &[(String, String)]) -> Vec<String> {
    let script = r#"
import sys
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

def flag(value):
    return "1" if value else "0"

for line in sys.stdin:
    specifier, version = line.rstrip("\n").split("\t")
    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        print("invalid")
        continue
    try:
        Version(version)
        valid = True
    except InvalidVersion:
        valid = False
    implicit = bool(specifiers.prereleases)
    print(" ".join([
        flag(valid),
        flag(specifiers.contains(version, prereleases=True)),
        flag(specifiers.contains(version, prereleases=False)),
        flag(specifiers.contains(version, prereleases=implicit)),
    ]))
"#;
    let input: String = pairs
        .iter()
        .map(|(specifier, version)| format!("{specifier}\t{version}\n"))
        .collect();
    common::run_batch("python3", &["-c", script], &input)
}

/// Returns ward's disagreement with one `packaging` result, if any.
fn disagreement(specifier: &str, version: &str, packaging: &str) -> Option<String> {
    let context = format!("`{specifier}` contains `{version}`");
    let specifiers = match Pep440Specifiers::parse(specifier) {
        Ok(specifiers) => specifiers,
        Err(_) if packaging == "invalid" => return None,
        Err(error) => return Some(format!("{context}: packaging {packaging:?}, ward {error}")),
    };
    let fields: Vec<&str> = packaging.split(' ').collect();
    let [valid, include, exclude, implicit] = fields[..] else {
        return Some(format!(
            "{context}: packaging rejects the set ({packaging:?}), ward parses it as `{specifiers}`"
        ));
    };
    for (policy, expected) in [
        (Prereleases::Include, include),
        (Prereleases::Exclude, exclude),
        (Prereleases::Implicit, implicit),
    ] {
        match specifiers.contains_str(version, policy) {
            Ok(contains) if contains == (expected == "1") => {}
            // ward reports a version that is not PEP 440 as unknown, where packaging
            // returns false (or true for an empty set).
            Err(_) if valid == "0" => {}
            result => {
                return Some(format!(
                    "{context} with {policy:?}: packaging {expected}, ward {result:?}"
                ))
            }
        }
    }
    None
}

#[test]
#[ignore = "needs python packaging: run by .ci/run"]
fn pep440_specifiers_agree_with_packaging() {
    let major = packaging_major_version();
    assert!(
        major >= PACKAGING_MAJOR,
        "ward follows the specifier semantics of packaging {PACKAGING_MAJOR} and later, but \
         python3 has packaging {major}: run `python3 -m pip install -U 'packaging>={PACKAGING_MAJOR}'`"
    );

    let pairs = generate_pairs(&real_pairs());
    let results = packaging_results(&pairs);
    assert_eq!(
        results.len(),
        pairs.len(),
        "packaging returned a different number of results than pairs"
    );

    // Most generated sets must be valid, or the operators go untested.
    let valid_sets = results.iter().filter(|result| *result != "invalid").count();
    assert!(
        valid_sets * 2 > pairs.len(),
        "only {valid_sets} of {} generated sets are valid",
        pairs.len()
    );

    let disagreements: Vec<String> = pairs
        .iter()
        .zip(&results)
        .filter_map(|((specifier, version), result)| disagreement(specifier, version, result))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} pairs disagree:\n{}",
        disagreements.len(),
        pairs.len(),
        disagreements[..disagreements.len().min(30)].join("\n")
    );
}
