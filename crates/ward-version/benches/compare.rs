//! Parse and compare throughput per version scheme, on real version strings.
//!
//! Reads the version vectors under `$WARD_SHARED_DIR/fixtures/versions` (default: `shared`
//! beside the repository) when present, else a small built-in list.
//! Run with `cargo bench -p ward-version --bench compare`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ward_version::{Scheme, Version};

fn shared_dir() -> PathBuf {
    match std::env::var_os("WARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")),
    }
}

/// Returns the distinct `a` and `b` values of every table of one fixture directory.
fn fixture_versions(ecosystem: &str) -> Vec<String> {
    let dir = shared_dir().join("fixtures/versions").join(ecosystem);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut versions = Vec::new();
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let mut lines = text.lines().filter(|line| !line.starts_with('#'));
        let Some(header) = lines.next() else {
            continue;
        };
        if !header.starts_with("a\tb\t") {
            continue;
        }
        for line in lines {
            versions.extend(line.split('\t').take(2).map(str::to_owned));
        }
    }
    versions.sort();
    versions.dedup();
    versions
}

fn sample(scheme: Scheme) -> Vec<String> {
    let (ecosystem, built_in): (&str, &[&str]) = match scheme {
        Scheme::Dpkg => (
            "deb",
            &[
                "1:2.36-9+deb12u1",
                "3.0.15-1~deb12u1",
                "1.1.1f-1ubuntu2.16+esm1",
                "2.7.18-1~20.04.3",
            ],
        ),
        Scheme::Rpm => (
            "rpm",
            &["2.17-326.el7_9", "1:1.0.2k-25.el7_9", "3.10.0-1160.el7"],
        ),
        Scheme::Apk => ("apk", &["1.2.3-r0", "1.2.3_rc1-r1", "3.0.15-r0"]),
        Scheme::Pep440 => (
            "pep440",
            &["1.0.dev456", "1.0a1", "1.0.post456", "1!1.0+abc.5"],
        ),
        Scheme::Go => (
            "go",
            &[
                "v1.2.3",
                "v1.2.4-0.20191109021931-daa7c04131f5",
                "v2.0.0+incompatible",
                "go1.21rc2",
            ],
        ),
        // No Arch Linux vectors exist; rpm versions have the same shape.
        Scheme::Alpm => ("rpm", &["1:2.36-9", "2.42.0-1", "6.6.7.arch1-1"]),
        _ => (
            "semver",
            &["1.2.3", "1.2.3-rc.1", "0.10.0+build", "2.0.0-alpha.beta"],
        ),
    };
    let mut versions: Vec<String> = fixture_versions(ecosystem)
        .into_iter()
        .filter(|text| scheme.parse(text).is_ok())
        .collect();
    if versions.len() < 2 {
        versions = built_in.iter().map(|text| (*text).to_owned()).collect();
    }
    versions
}

fn bench_scheme(c: &mut Criterion, scheme: Scheme) {
    let texts = sample(scheme);
    let parsed: Vec<Version> = texts
        .iter()
        .filter_map(|text| scheme.parse(text).ok())
        .collect();
    let mut group = c.benchmark_group(scheme.name());

    group.throughput(Throughput::Elements(texts.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for text in &texts {
                let _ = std::hint::black_box(scheme.parse(std::hint::black_box(text)));
            }
        })
    });

    // Each value against its neighbour: pairs of similar versions, as in advisory ranges.
    group.throughput(Throughput::Elements(parsed.len() as u64 - 1));
    group.bench_function("compare_parsed", |b| {
        b.iter_batched(
            || (),
            |()| {
                for pair in parsed.windows(2) {
                    std::hint::black_box(pair[0].cmp_same_scheme(&pair[1]));
                }
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn compare(c: &mut Criterion) {
    for scheme in [
        Scheme::Dpkg,
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Semver,
        Scheme::Npm,
        Scheme::Pep440,
        Scheme::Go,
        Scheme::Alpm,
    ] {
        bench_scheme(c, scheme);
    }
}

criterion_group!(benches, compare);
criterion_main!(benches);
