//! Differential test: ward's Arch Linux ordering against pacman's `vercmp` over random
//! strings and mutations of real versions, run in one batch.

mod common;

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use ward_version::alpm;

/// Number of pairs sent to `vercmp`; each pair costs one `vercmp` process.
const PAIRS: usize = 3000;

/// Real versions to mutate: a built-in sample of Arch versions, plus the rpm vectors when
/// the shared fixtures exist. No Arch vectors exist, and rpm versions have the same shape.
fn seed_versions() -> Vec<String> {
    let mut versions: Vec<String> = [
        "1:2.36-9",
        "2.42.0-1",
        "6.6.7.arch1-1",
        "1.0.2.u-3",
        "20240115.r12.g1a2b3c4-1",
        "3.0.13-1",
        "1:1.2.3rc1-2",
    ]
    .map(str::to_owned)
    .to_vec();
    if common::versions_dir("rpm").is_dir() {
        versions.extend(common::compared_versions(common::tables("rpm")));
    }
    versions.retain(|text| !text.is_empty());
    versions.sort();
    versions.dedup();
    versions
}

/// Characters that matter to `vercmp`: digits, letters, separators, `:` and `-`.
const ALPHABET: &[char] = &[
    '0', '1', '2', '9', 'a', 'b', 'z', 'A', '.', '_', '+', '~', '-', ':',
];

/// Returns `vercmp`'s output for each pair: `-1`, `0` or `1`.
fn vercmp_outputs(pairs: &[(String, String)]) -> Vec<String> {
    let script = r#"
tab="$(printf '\t')"
while IFS="$tab" read -r a b; do
    vercmp "$a" "$b"
done
"#;
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    common::run_batch("sh", &["-c", script], &input)
}

fn ward_output(a: &str, b: &str) -> String {
    match alpm::vercmp(a, b) {
        Some(Ordering::Less) => "-1".to_owned(),
        Some(Ordering::Equal) => "0".to_owned(),
        Some(Ordering::Greater) => "1".to_owned(),
        None => "err".to_owned(),
    }
}

#[test]
#[ignore = "needs pacman's vercmp: run by .ci/run"]
fn alpm_agrees_with_vercmp() {
    let seeds = seed_versions();
    let version = prop_oneof![
        common::random_version(ALPHABET),
        common::mutated_version(seeds.clone(), ALPHABET)
    ];
    // `vercmp` reads a leading `-` as an option, and ward rejects the empty string.
    let sendable = |text: &String| !text.is_empty() && !text.starts_with('-');
    let pair_strategy = (version.clone(), version)
        .prop_filter("vercmp argv", move |(a, b)| sendable(a) && sendable(b));
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
        if sendable(&window[0]) && sendable(&window[1]) {
            pairs.push((window[0].clone(), window[1].clone()));
        }
    }

    let outputs = vercmp_outputs(&pairs);
    assert_eq!(
        outputs.len(),
        pairs.len(),
        "vercmp printed a different number of lines"
    );

    let disagreements: Vec<String> = pairs
        .iter()
        .zip(&outputs)
        .filter_map(|((a, b), vercmp)| {
            let ward = ward_output(a, b);
            (&ward != vercmp).then(|| format!("{a:?} vs {b:?}: vercmp {vercmp}, ward {ward}"))
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
