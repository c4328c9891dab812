//! Differential test: ward's Debian ordering against `dpkg --compare-versions` over random
//! strings and mutations of real versions, run in one batch per test.

mod common;

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use ward_version::dpkg::Version;

/// Number of pairs sent to dpkg in one run; each pair costs one or two dpkg processes.
const PAIRS: usize = 3000;

/// Real versions to mutate: every version of the Debian vectors when the shared fixtures
/// exist, else a built-in sample.
fn seed_versions() -> Vec<String> {
    let dir = common::versions_dir("deb");
    if !dir.is_dir() {
        return [
            "1:2.36-9+deb12u1",
            "3.0.15-1~deb12u1",
            "1.1.1f-1ubuntu2.16+esm1",
            "2.7.18-1~20.04.3+esm2",
            "1.2.3-1~bpo12+1",
            "0.9.8c-4etch3+m68k1",
        ]
        .map(str::to_owned)
        .to_vec();
    }
    common::compared_versions(common::tables("deb"))
}

/// Characters that matter to dpkg, plus a few it only warns about.
const ALPHABET: &[char] = &[
    '0', '1', '2', '9', 'a', 'b', 'z', 'A', 'Z', '.', '+', '~', '-', ':', '_', ' ', 'é',
];

/// Returns dpkg's result for each pair: `-1`, `0`, `1`, or `err` when dpkg rejects a value.
fn dpkg_compare(pairs: &[(String, String)]) -> Vec<String> {
    let script = r#"
tab="$(printf '\t')"
while IFS="$tab" read -r a b; do
    if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then
        echo -1
    elif [ $? -ne 1 ]; then
        echo err
    elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then
        echo 0
    else
        echo 1
    fi
done
"#;
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    common::run_batch("sh", &["-c", script], &input)
}

fn ward_compare(a: &str, b: &str) -> String {
    match (a.parse::<Version>(), b.parse::<Version>()) {
        (Ok(a), Ok(b)) => match a.cmp(&b) {
            Ordering::Less => "-1",
            Ordering::Equal => "0",
            Ordering::Greater => "1",
        }
        .to_owned(),
        _ => "err".to_owned(),
    }
}

#[test]
#[ignore = "needs dpkg: run by .ci/run"]
fn dpkg_agrees_with_dpkg_binary() {
    let seeds = seed_versions();
    let version = prop_oneof![
        common::random_version(ALPHABET),
        common::mutated_version(seeds.clone(), ALPHABET)
    ];
    // dpkg reads a leading `-` as an option, and reads an empty argument as the lowest
    // version rather than as a syntax error, so neither is sent.
    let sendable = |text: &String| !text.is_empty() && !text.starts_with('-');
    let pair_strategy = (version.clone(), version)
        .prop_filter("dpkg argv", move |(a, b)| sendable(a) && sendable(b));
    let mut runner = TestRunner::default();
    let mut pairs = Vec::with_capacity(PAIRS);
    while pairs.len() < PAIRS {
        match pair_strategy.new_tree(&mut runner) {
            Ok(tree) => pairs.push(tree.current()),
            Err(reason) => panic!("cannot generate a version pair: {reason}"),
        }
    }
    // Pairs of real versions compared as they are.
    for window in seeds.windows(2).step_by(7).take(PAIRS / 3) {
        pairs.push((window[0].clone(), window[1].clone()));
    }

    let answers = dpkg_compare(&pairs);
    assert_eq!(
        answers.len(),
        pairs.len(),
        "dpkg answered a different number of pairs"
    );

    let disagreements: Vec<String> = pairs
        .iter()
        .zip(&answers)
        .filter_map(|((a, b), dpkg)| {
            let ward = ward_compare(a, b);
            (&ward != dpkg).then(|| format!("{a:?} vs {b:?}: dpkg {dpkg}, ward {ward}"))
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
