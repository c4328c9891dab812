//! Parse and compare throughput of the Maven, NuGet, RubyGems, Packagist, Pub, CRAN and
//! Hackage schemes, on the versions of the shared vectors (`WARD_SHARED_DIR`).
//!
//! Run with `cargo bench -p ward-version --bench compare_more`. Without the shared fixtures
//! the bench has nothing to measure and exits.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ward_version::Scheme;

fn shared_dir() -> PathBuf {
    match std::env::var_os("WARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")),
    }
}

/// Returns the distinct `a` and `b` values of the vector files whose name contains `part`.
fn versions(directory: &str, part: &str) -> Vec<String> {
    let dir = shared_dir().join("fixtures/versions").join(directory);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if !name.is_some_and(|n| n.contains(part) && n.ends_with(".tsv")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let rows = text.lines().filter(|line| !line.starts_with('#')).skip(1);
        for row in rows {
            values.extend(row.split('\t').take(2).map(str::to_owned));
        }
    }
    values.sort();
    values.dedup();
    values
}

fn bench(c: &mut Criterion) {
    let schemes = [
        (Scheme::Maven, "maven", "maven"),
        (Scheme::NuGet, "other", "-nuget-"),
        (Scheme::RubyGems, "other", "-rubygems-"),
        (Scheme::Packagist, "other", "-packagist-"),
        (Scheme::Pub, "other", "-pub-"),
        (Scheme::Cran, "other", "-cran-"),
        (Scheme::Hackage, "other", "-hackage-"),
    ];
    for (scheme, directory, part) in schemes {
        let texts: Vec<String> = versions(directory, part)
            .into_iter()
            .filter(|text| scheme.parse(text).is_ok())
            .collect();
        if texts.len() < 2 {
            continue;
        }
        let parsed: Vec<_> = texts.iter().filter_map(|t| scheme.parse(t).ok()).collect();

        let mut group = c.benchmark_group(scheme.name());
        group.throughput(Throughput::Elements(texts.len() as u64));
        group.bench_function("parse", |b| {
            b.iter(|| {
                for text in &texts {
                    let _ = black_box(scheme.parse(black_box(text)));
                }
            })
        });
        group.throughput(Throughput::Elements(parsed.len() as u64 - 1));
        group.bench_function("compare_parsed", |b| {
            b.iter(|| {
                for pair in parsed.windows(2) {
                    black_box(pair[0].cmp_same_scheme(&pair[1]));
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
