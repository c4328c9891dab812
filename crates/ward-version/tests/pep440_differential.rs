//! Differential test: ward's PEP 440 parsing, normalisation and ordering against Python's
//! `packaging` library, over generated versions, mutations of real ones and pairs of real
//! ones, all sent to one Python process.

mod common;

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use ward_version::pep440::Version;

/// Number of generated pairs; one Python process compares them all.
const PAIRS: usize = 6000;

/// Real versions to mutate and to compare: the PEP 440 vectors when the shared fixtures
/// exist, else a built-in sample.
fn seed_versions() -> Vec<String> {
    if !common::versions_dir("pep440").is_dir() {
        return [
            "1.0.dev456",
            "1.0a1",
            "1.0b2.post345.dev456",
            "1.0c1",
            "1.0rc2",
            "1.0",
            "1.0+abc.5",
            "1.0.post456",
            "1!1.0",
            "2.31.0",
            "0.12.0rc1",
        ]
        .map(str::to_owned)
        .to_vec();
    }
    common::compared_versions(
        common::tables("pep440")
            .into_iter()
            .filter(|table| table.columns.first().is_some_and(|column| column == "a"))
            .collect(),
    )
}

/// Builds a version from PEP 440's parts with random spellings, separators and case, so
/// that most values are valid and differ in the parts that matter to the order.
fn structured_version() -> impl Strategy<Value = String> {
    let number = prop_oneof![0..4u64, 0..100u64, Just(999_999_999_999u64)];
    let separator = prop::sample::select(vec!["", ".", "-", "_"]);
    let epoch = prop::option::weighted(0.15, (0..3u64).prop_map(|epoch| format!("{epoch}!")));
    let release = prop::collection::vec(number.clone(), 1..5).prop_map(|numbers| {
        let numbers: Vec<String> = numbers.iter().map(u64::to_string).collect();
        numbers.join(".")
    });

    let pre_label = prop::sample::select(vec![
        "a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "RC", "Alpha",
    ]);
    let pre = prop::option::weighted(
        0.5,
        (
            separator.clone(),
            pre_label,
            prop::option::of(number.clone()),
        )
            .prop_map(|(separator, label, number)| {
                format!("{separator}{label}{}", optional(number))
            }),
    );

    let post_label = prop::sample::select(vec!["post", "rev", "r", "POST"]);
    let post = prop::option::weighted(
        0.3,
        prop_oneof![
            number.clone().prop_map(|number| format!("-{number}")),
            (
                separator.clone(),
                post_label,
                prop::option::of(number.clone())
            )
                .prop_map(|(separator, label, number)| format!(
                    "{separator}{label}{}",
                    optional(number)
                )),
        ],
    );

    let dev = prop::option::weighted(
        0.3,
        (separator, prop::option::of(number))
            .prop_map(|(separator, number)| format!("{separator}dev{}", optional(number))),
    );

    let local_segment = prop_oneof![
        (0..20u64).prop_map(|number| number.to_string()),
        prop::sample::select(vec!["ubuntu", "abc", "ABC", "deadbeef", "00", "a1"])
            .prop_map(str::to_owned),
    ];
    let local = prop::option::weighted(
        0.25,
        prop::collection::vec(local_segment, 1..4)
            .prop_map(|segments| format!("+{}", segments.join("."))),
    );

    let prefix = prop::sample::select(vec!["", "", "", "v", "V", " "]);
    (prefix, epoch, release, pre, post, dev, local).prop_map(
        |(prefix, epoch, release, pre, post, dev, local)| {
            let parts = [epoch, Some(release), pre, post, dev, local];
            let body: String = parts.into_iter().flatten().collect();
            format!("{prefix}{body}")
        },
    )
}

fn optional(number: Option<u64>) -> String {
    number.map(|number| number.to_string()).unwrap_or_default()
}

/// Pieces that matter to PEP 440, for mutations.
const PIECES: &[&str] = &[
    "0", "1", "9", "00", ".", "-", "_", "+", "!", "a", "b", "c", "rc", "post", "dev", "r", "v",
    "A", "x", " ",
];

/// Returns `packaging`'s output for each pair: the normalised forms of `a` and `b` (`-`
/// when invalid) and the sign of the comparison (empty when one is invalid), TAB-separated.
fn packaging_outputs(pairs: &[(String, String)]) -> Vec<String> {
    let script = r#"
import sys
from packaging.version import InvalidVersion, Version

def parse(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None

for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    va, vb = parse(a), parse(b)
    sign = "" if va is None or vb is None else str((va > vb) - (va < vb))
    print("\t".join(["-" if va is None else str(va), "-" if vb is None else str(vb), sign]))
"#;
    let input: String = pairs.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    common::run_batch("python3", &["-c", script], &input)
}

fn ward_answer(a: &str, b: &str) -> String {
    let (a, b) = (a.parse::<Version>().ok(), b.parse::<Version>().ok());
    let display = |version: &Option<Version>| match version {
        Some(version) => version.to_string(),
        None => "-".to_owned(),
    };
    let sign = match (&a, &b) {
        (Some(a), Some(b)) => match a.cmp(b) {
            Ordering::Less => "-1",
            Ordering::Equal => "0",
            Ordering::Greater => "1",
        },
        _ => "",
    };
    format!("{}\t{}\t{sign}", display(&a), display(&b))
}

#[test]
#[ignore = "needs python packaging: run by .ci/run"]
fn pep440_agrees_with_packaging() {
    let seeds = seed_versions();
    let version = prop_oneof![
        3 => structured_version(),
        1 => common::mutated_by_pieces(seeds.clone(), PIECES),
    ];
    let pair_strategy = (version.clone(), version);
    let mut runner = TestRunner::default();
    let mut pairs = Vec::with_capacity(PAIRS);
    while pairs.len() < PAIRS {
        match pair_strategy.new_tree(&mut runner) {
            Ok(tree) => pairs.push(tree.current()),
            Err(reason) => panic!("cannot generate a version pair: {reason}"),
        }
    }
    // Pairs of real versions compared as they are.
    for window in seeds.windows(2).step_by(3).take(PAIRS / 3) {
        pairs.push((window[0].clone(), window[1].clone()));
    }

    let answers = packaging_outputs(&pairs);
    assert_eq!(
        answers.len(),
        pairs.len(),
        "packaging answered a different number of pairs"
    );

    // Most generated versions must be valid, or the ordering goes untested.
    let compared = answers
        .iter()
        .filter(|answer| !answer.ends_with('\t'))
        .count();
    assert!(
        compared * 2 > pairs.len(),
        "only {compared} of {} pairs are valid on both sides",
        pairs.len()
    );

    let disagreements: Vec<String> = pairs
        .iter()
        .zip(&answers)
        .filter_map(|((a, b), packaging)| {
            let ward = ward_answer(a, b);
            (&ward != packaging)
                .then(|| format!("{a:?} vs {b:?}: packaging {packaging:?}, ward {ward:?}"))
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
