//! Cost of checking an OSV entry's listed versions against its ranges, as the importer does.
//!
//! Each case is one `affected[]` entry written for this bench in the shape of real OSV
//! records: one or two ranges and 20 to 200 listed versions, most of them inside a range.
//! One iteration builds the [`PreparedRanges`] and calls `ranges_contain` on every listed
//! version, so the throughput is listed versions per second.
//! Run with `cargo bench -p ward-version --bench ranges`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ward_version::range::{Event, PreparedRanges, Range, RangeKind};
use ward_version::Scheme;

/// One `affected[]` entry: a name for the report, its scheme, ranges and listed versions.
struct Entry {
    name: &'static str,
    scheme: Scheme,
    ranges: Vec<Range>,
    versions: Vec<String>,
}

/// Builds a range from `(event, version)` pairs, where the event is `introduced`, `fixed`
/// or `last_affected`.
fn range(kind: RangeKind, events: &[(&str, &str)]) -> Range {
    let events = events
        .iter()
        .map(|&(event, version)| match event {
            "introduced" => Event::Introduced(version.to_owned()),
            "fixed" => Event::Fixed(version.to_owned()),
            _ => Event::LastAffected(version.to_owned()),
        })
        .collect();
    Range { kind, events }
}

/// Builds a Spring-like Maven entry: `.RELEASE` and `.RC1` suffixes, milestones and
/// security releases.
fn maven_release_train() -> Entry {
    let mut versions = Vec::new();
    for minor in ["1.0", "1.2", "2.0", "2.5"] {
        versions.push(minor.to_owned());
        versions.push(format!("{minor}-m4"));
        versions.push(format!("{minor}-rc1"));
        for patch in 1..=6 {
            versions.push(format!("{minor}.{patch}"));
        }
    }
    versions.push("2.5.6.SEC01".to_owned());
    versions.push("2.5.6.SEC02".to_owned());
    for minor in [
        "3.0", "3.1", "3.2", "4.0", "4.1", "4.2", "4.3", "5.0", "5.1", "5.2",
    ] {
        versions.push(format!("{minor}.0.M1"));
        versions.push(format!("{minor}.0.RC1"));
        versions.push(format!("{minor}.0.RC2"));
        for patch in 0..=11 {
            versions.push(format!("{minor}.{patch}.RELEASE"));
        }
    }
    Entry {
        name: "maven_release_train",
        scheme: Scheme::Maven,
        ranges: vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "5.2.22.RELEASE")],
        )],
        versions,
    }
}

/// Builds a JBoss-like Maven entry with `.Final`, `.CRn` and `.Beta1` qualifiers and two
/// ranges.
fn maven_qualifiers() -> Entry {
    let mut versions = Vec::new();
    for minor in 0..=5 {
        versions.push(format!("3.{minor}.0.Beta1"));
        versions.push(format!("3.{minor}.0.CR1"));
        versions.push(format!("3.{minor}.0.CR2"));
        for patch in 0..=5 {
            versions.push(format!("3.{minor}.{patch}.Final"));
            versions.push(format!("3.{minor}.{patch}"));
        }
        versions.push(format!("3.{minor}.1-dev_preview1"));
        versions.push(format!("3.{minor}.2-redhat-00001"));
    }
    Entry {
        name: "maven_qualifiers",
        scheme: Scheme::Maven,
        ranges: vec![
            range(
                RangeKind::Ecosystem,
                &[("introduced", "3.0.0"), ("fixed", "3.4.4.Final")],
            ),
            range(
                RangeKind::Ecosystem,
                &[("introduced", "3.5.0.Beta1"), ("last_affected", "3.5.5")],
            ),
        ],
        versions,
    }
}

/// Builds a Debian entry shaped like the kernel's: backports (`~bpo11+1`) and experimental
/// uploads.
fn dpkg_kernel() -> Entry {
    let mut versions = Vec::new();
    for patch in (27..=130).step_by(3) {
        versions.push(format!("6.1.{patch}-1"));
        if patch % 2 == 0 {
            versions.push(format!("6.1.{patch}-2"));
            versions.push(format!("6.1.{patch}-1~bpo11+1"));
        }
    }
    for minor in 2..=11 {
        versions.push(format!("6.{minor}-1~exp1"));
        versions.push(format!("6.{minor}.1-1~exp1"));
        versions.push(format!("6.{minor}.3-1"));
        versions.push(format!("6.{minor}.11-1~bpo12+1"));
    }
    Entry {
        name: "dpkg_kernel",
        scheme: Scheme::Dpkg,
        ranges: vec![range(RangeKind::Ecosystem, &[("introduced", "0")])],
        versions,
    }
}

/// Builds a Debian entry shaped like OpenSSL's: an epoch, `+debNuM` and `~debNuM` security
/// uploads.
fn dpkg_security() -> Entry {
    let mut versions = Vec::new();
    for letter in 'a'..='w' {
        versions.push(format!("1.1.1{letter}-1"));
        versions.push(format!("1.1.1{letter}-0+deb11u1"));
    }
    for patch in 0..=15 {
        versions.push(format!("3.0.{patch}-1"));
        versions.push(format!("3.0.{patch}-1~deb12u1"));
    }
    versions.push("1:3.0.2-0ubuntu1.10".to_owned());
    Entry {
        name: "dpkg_security",
        scheme: Scheme::Dpkg,
        ranges: vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "3.0.15-1~deb12u1")],
        )],
        versions,
    }
}

/// Builds an Alpine entry: `-rN` revisions, a letter release and `_p` and `_rc` suffixes.
fn apk_revisions() -> Entry {
    let mut versions = Vec::new();
    for (base, revisions) in [
        ("3.8.2", 5),
        ("3.9.5", 2),
        ("4.0.1", 1),
        ("4.0.2", 2),
        ("4.0.3", 4),
        ("4.0.6", 4),
        ("4.0.9", 9),
        ("4.0.10", 3),
        ("4.1.0", 3),
        ("4.2.0", 2),
        ("4.3.0", 2),
        ("4.4.0", 3),
        ("1.1.1t", 3),
        ("9.3_p2", 2),
        ("2.4.57_rc1", 1),
    ] {
        for revision in 0..revisions {
            versions.push(format!("{base}-r{revision}"));
        }
    }
    Entry {
        name: "apk_revisions",
        scheme: Scheme::Apk,
        ranges: vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "4.4.0-r3")],
        )],
        versions,
    }
}

/// Builds a PyPI entry with calendar versions, pre-releases, post-releases and dev releases.
fn pep440_releases() -> Entry {
    let mut versions = Vec::new();
    for minor in 8..=17 {
        for patch in 0..=5 {
            versions.push(format!("0.{minor}.{patch}"));
        }
        versions.push(format!("0.{minor}.0rc1"));
    }
    for year in 2014..=2019 {
        for month in [1, 7] {
            for patch in 0..=7 {
                versions.push(format!("{year}.{month}.{patch}"));
            }
            versions.push(format!("{year}.{month}.0rc1"));
        }
    }
    for major in 3000..=3003 {
        versions.push(format!("{major}"));
        versions.push(format!("{major}rc1"));
        versions.push(format!("{major}.1"));
        versions.push(format!("{major}.2.post1"));
        versions.push(format!("{major}.3.dev2"));
    }
    Entry {
        name: "pep440_releases",
        scheme: Scheme::Pep440,
        ranges: vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "3003.3")],
        )],
        versions,
    }
}

/// Builds an npm entry with a `SEMVER` range, as GitHub advisories write them.
fn npm_semver() -> Entry {
    let mut versions = Vec::new();
    for minor in 0..=17 {
        for patch in 0..=6 {
            versions.push(format!("4.{minor}.{patch}"));
        }
    }
    for beta in 1..=5 {
        versions.push(format!("5.0.0-beta.{beta}"));
    }
    Entry {
        name: "npm_semver",
        scheme: Scheme::Npm,
        ranges: vec![range(
            RangeKind::Semver,
            &[("introduced", "0"), ("fixed", "4.17.5")],
        )],
        versions,
    }
}

/// Builds a crates.io entry with an `ECOSYSTEM` range and a few pre-releases.
fn crates_io() -> Entry {
    let mut versions = Vec::new();
    for minor in 0..=9 {
        for patch in 0..=3 {
            versions.push(format!("0.{minor}.{patch}"));
        }
    }
    versions.push("1.0.0-alpha.1".to_owned());
    versions.push("1.0.0-rc.1".to_owned());
    Entry {
        name: "crates_io",
        scheme: Scheme::Semver,
        ranges: vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0.2.0"), ("fixed", "1.0.0")],
        )],
        versions,
    }
}

fn ranges_contain(c: &mut Criterion) {
    let entries = [
        maven_release_train(),
        maven_qualifiers(),
        dpkg_kernel(),
        dpkg_security(),
        apk_revisions(),
        pep440_releases(),
        npm_semver(),
        crates_io(),
    ];
    let mut group = c.benchmark_group("ranges_contain");
    for entry in &entries {
        group.throughput(Throughput::Elements(entry.versions.len() as u64));
        group.bench_function(entry.name, |b| {
            b.iter(|| {
                let prepared = PreparedRanges::new(entry.scheme, &entry.ranges, &[]);
                let contained = entry
                    .versions
                    .iter()
                    .filter(|version| prepared.ranges_contain(black_box(version)))
                    .count();
                black_box(contained)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ranges_contain);
criterion_main!(benches);
