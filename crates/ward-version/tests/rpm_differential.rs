//! Differential test: ward's rpm ordering against Python's `rpm.labelCompare` (python3-rpm)
//! over random strings and mutations of real versions, in one Python process.

mod common;

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use ward_version::rpm::Version;

const PAIRS: usize = 5000;

const ALPHABET: &[char] = &[
    '0', '1', '2', '9', 'a', 'b', 'Z', '.', '_', '+', '~', '^', '-', ':', 'é',
];

fn seed_versions() -> Vec<String> {
    common::compared_versions(common::tables("rpm"))
}

fn version_strategy(seeds: Vec<String>) -> impl Strategy<Value = String> + Clone {
    let random = prop::collection::vec(prop::sample::select(ALPHABET), 1..10)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    let edits = prop::collection::vec(
        (
            any::<bool>(),
            any::<prop::sample::Index>(),
            prop::sample::select(ALPHABET),
        ),
        0..3,
    );
    let mutated = (prop::sample::select(seeds), edits).prop_map(|(seed, edits)| {
        let mut chars: Vec<char> = seed.chars().collect();
        for (insert, position, replacement) in edits {
            let index = position.index(chars.len() + 1);
            if insert || index == chars.len() {
                chars.insert(index, replacement);
            } else {
                chars[index] = replacement;
            }
        }
        chars.into_iter().collect::<String>()
    });
    prop_oneof![random, mutated]
}

/// Splits EVR strings as librpm's `parseEVR` and prints `labelCompare` for each pair.
const PYTHON: &str = r#"
import sys, rpm
def evr(s):
    i = 0
    while i < len(s) and s[i].isascii() and s[i].isdigit():
        i += 1
    e = None
    rest = s
    if i < len(s) and s[i] == ':':
        e = s[:i] or '0'
        rest = s[i + 1:]
    v, sep, r = rest.rpartition('-')
    if not sep:
        return (e, rest, None)
    return (e, v, r)
for line in sys.stdin.read().split('\n'):
    if not line:
        continue
    a, b = line.split('\t')
    print(rpm.labelCompare(evr(a), evr(b)))
"#;

#[test]
#[ignore = "needs python3-rpm: run by .ci/run"]
fn rpm_agrees_with_label_compare() {
    let seeds = seed_versions();
    let strategy = version_strategy(seeds);
    let pair_strategy = (strategy.clone(), strategy).prop_filter("parsable", |(a, b)| {
        a.parse::<Version>().is_ok() && b.parse::<Version>().is_ok()
    });
    let mut runner = TestRunner::default();
    let mut pairs = Vec::with_capacity(PAIRS);
    while pairs.len() < PAIRS {
        match pair_strategy.new_tree(&mut runner) {
            Ok(tree) => pairs.push(tree.current()),
            Err(reason) => panic!("cannot generate a version pair: {reason}"),
        }
    }

    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    // python3-rpm installs into the system Python, which a user-level `python3` may hide.
    let answers = common::run_batch("/usr/bin/python3", &["-c", PYTHON], &input);
    assert_eq!(
        answers.len(),
        pairs.len(),
        "labelCompare returned a different number of rows"
    );

    let disagreements: Vec<String> = pairs
        .iter()
        .zip(&answers)
        .filter_map(|((a, b), expected)| {
            let ward = match (a.parse::<Version>(), b.parse::<Version>()) {
                (Ok(a), Ok(b)) => a.cmp(&b),
                _ => return Some(format!("{a:?} vs {b:?}: no longer parses")),
            };
            let ward = match ward {
                Ordering::Less => "-1",
                Ordering::Equal => "0",
                Ordering::Greater => "1",
            };
            (ward != expected).then(|| format!("{a:?} vs {b:?}: rpm {expected}, ward {ward}"))
        })
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} of {} pairs disagree:\n{}",
        disagreements.len(),
        pairs.len(),
        disagreements
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
