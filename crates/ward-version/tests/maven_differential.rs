//! Differential test: ward's Maven ordering against Maven's own `ComparableVersion`, run from
//! the maven-artifact jar over generated versions and mutations of real ones, in batches.
//!
//! The jar is `$WARD_MAVEN_ARTIFACT_JAR`, else Debian's (package `libmaven3-core-java`,
//! installed with `maven`). ward follows maven-artifact 3.8.7, the release Debian 12 ships.

mod common;

use std::cmp::Ordering;
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use ward_version::maven::Version;

/// Number of generated pairs.
const PAIRS: usize = 6000;

/// Pairs per `java` run. Each run costs about half a second of JVM start-up (measured here).
const PAIRS_PER_RUN: usize = 2000;

/// Pieces that matter to ComparableVersion: numbers, known and unknown qualifiers, their
/// one-letter forms, separators, and a non-ASCII digit.
const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "00",
    "10",
    "1234567890",
    "12345678901234567890",
    "alpha",
    "a",
    "beta",
    "b",
    "milestone",
    "m",
    "rc",
    "cr",
    "snapshot",
    "ga",
    "final",
    "release",
    "sp",
    "jre",
    "android",
    "redhat",
    "x",
    "Final",
    "RC",
    ".",
    ".",
    "-",
    "-",
    "_",
    "٣",
];

fn jar_path() -> PathBuf {
    if let Some(path) = std::env::var_os("WARD_MAVEN_ARTIFACT_JAR") {
        return PathBuf::from(path);
    }
    let candidates = [
        "/usr/share/maven/lib/maven-artifact-3.x.jar",
        "/usr/share/java/maven3-artifact.jar",
    ];
    match candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
    {
        Some(path) => path,
        None => panic!(
            "maven-artifact jar not found in {candidates:?}: install the Debian package \
             `libmaven3-core-java` or set WARD_MAVEN_ARTIFACT_JAR"
        ),
    }
}

fn seed_versions() -> Vec<String> {
    let dir = common::versions_dir("maven");
    if !dir.is_dir() {
        return [
            "1.0.0.Final",
            "31.1-jre",
            "2.13.4.2",
            "5.3.18.RELEASE",
            "1.0-alpha-1",
            "7.4.3.20-ga20",
            "1.2.3-redhat-00001",
        ]
        .map(str::to_owned)
        .to_vec();
    }
    common::compared_versions(common::tables("maven"))
}

fn generated_version() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..9).prop_map(|pieces| pieces.concat())
}

/// Runs ComparableVersion's `main` on `a1 b1 a2 b2 …` and returns the order of each pair.
///
/// `main` compares every argument with the one before it and prints `   A op B` for each, so
/// the pairs are the comparisons at odd positions.
fn maven_compare(jar: &str, pairs: &[(String, String)]) -> Vec<Ordering> {
    let mut args = vec![
        "-cp",
        jar,
        "org.apache.maven.artifact.versioning.ComparableVersion",
    ];
    for (a, b) in pairs {
        args.push(a);
        args.push(b);
    }
    let lines = common::run_batch("java", &args, "");
    let flat: Vec<&String> = pairs.iter().flat_map(|(a, b)| [a, b]).collect();
    let comparisons: Vec<&String> = lines.iter().filter(|l| l.starts_with("   ")).collect();
    assert_eq!(
        comparisons.len() + 1,
        flat.len(),
        "ComparableVersion printed an unexpected number of comparisons"
    );
    pairs
        .iter()
        .enumerate()
        .map(|(i, (a, b))| {
            let line = comparisons[2 * i];
            let op = line
                .strip_prefix("   ")
                .and_then(|rest| rest.strip_prefix(a.as_str()))
                .and_then(|rest| rest.strip_suffix(b.as_str()))
                .map(str::trim);
            match op {
                Some("<") => Ordering::Less,
                Some("==") => Ordering::Equal,
                Some(">") => Ordering::Greater,
                _ => panic!("cannot read ComparableVersion's line {line:?} for {a:?} vs {b:?}"),
            }
        })
        .collect()
}

#[test]
#[ignore = "needs maven-artifact jar: run by .ci/run"]
fn maven_agrees_with_comparable_version() {
    let jar = jar_path();
    let jar = jar.to_string_lossy().into_owned();
    let seeds = seed_versions();

    let version = prop_oneof![
        generated_version(),
        common::mutated_by_pieces(seeds.clone(), PIECES)
    ];
    let usable = |text: &String| !text.is_empty() && !text.contains(['\n', '\r']);
    let pair_strategy =
        (version.clone(), version).prop_filter("usable", move |(a, b)| usable(a) && usable(b));
    let mut runner = TestRunner::default();
    let mut pairs = Vec::with_capacity(PAIRS + PAIRS / 3);
    while pairs.len() < PAIRS {
        match pair_strategy.new_tree(&mut runner) {
            Ok(tree) => pairs.push(tree.current()),
            Err(reason) => panic!("cannot generate a version pair: {reason}"),
        }
    }
    // Neighbouring real versions compared as they are.
    for window in seeds.windows(2).step_by(3).take(PAIRS / 3) {
        pairs.push((window[0].clone(), window[1].clone()));
    }

    let mut disagreements = Vec::new();
    for chunk in pairs.chunks(PAIRS_PER_RUN) {
        let answers = maven_compare(&jar, chunk);
        for ((a, b), maven) in chunk.iter().zip(answers) {
            let ours = match (a.parse::<Version>(), b.parse::<Version>()) {
                (Ok(va), Ok(vb)) => va.cmp(&vb),
                (Err(error), _) | (_, Err(error)) => panic!("{error}"),
            };
            if ours != maven {
                disagreements.push(format!("{a:?} vs {b:?}: maven {maven:?}, ward {ours:?}"));
            }
        }
    }
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
