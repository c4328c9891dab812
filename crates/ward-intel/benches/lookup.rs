//! Look-ups a `ward scan` of a Debian 12 host makes: `advisories_for` on every source
//! package of the staged 720-package dpkg status, against the whole staged Debian export.
//!
//! Needs the staged data (`WARD_SHARED_DIR`, default `../shared` next to the repository);
//! the database is imported once per run, which takes several seconds.
//!
//! Run: `cargo bench -p ward-intel --bench lookup`

use std::collections::BTreeSet;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use ward_intel::import::{import, ImportInput};
use ward_intel::progress::NoProgress;
use ward_intel::{Intel, IntelDb};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// Returns the distinct source package names of a dpkg status file.
fn source_packages(status: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for stanza in status.split("\n\n") {
        let field = |name: &str| {
            stanza
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|value| value.trim().to_owned())
        };
        let source = field("Source:").or_else(|| field("Package:"));
        if let Some(source) = source {
            let name = source
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            names.insert(name);
        }
    }
    names
}

fn lookups(c: &mut Criterion) {
    let data = shared_dir().join("data");
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("intel.sqlite");
    let inputs = [
        ImportInput::new(data.join("osv/Debian/all.zip")),
        ImportInput::new(data.join("kev/known_exploited_vulnerabilities.json")),
        ImportInput::new(data.join("epss/epss_scores-2026-08-16.csv.gz")),
    ];
    import(&db_path, &inputs, &NoProgress).unwrap();
    let status = std::fs::read_to_string(data.join("hosts/debian12-bookworm/dpkg-status")).unwrap();
    let packages = source_packages(&status);
    let db = IntelDb::open(&db_path).unwrap();

    let total: usize = packages
        .iter()
        .map(|package| db.advisories_for("Debian:12", package).unwrap().len())
        .sum();
    eprintln!("{} source packages, {total} advisories", packages.len());

    c.bench_function("advisories_for_all_host_packages", |b| {
        b.iter(|| {
            let mut count = 0;
            for package in &packages {
                count += db.advisories_for("Debian:12", package).unwrap().len();
            }
            count
        })
    });
    c.bench_function("aliases_kev_epss_per_advisory", |b| {
        let ids: Vec<String> = db
            .advisories_for("Debian:12", "openssl")
            .unwrap()
            .into_iter()
            .map(|advisory| advisory.id)
            .collect();
        b.iter(|| {
            for id in &ids {
                for alias in db.aliases(id).unwrap() {
                    let _ = db.kev(&alias).unwrap();
                    let _ = db.epss(&alias).unwrap();
                }
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = lookups
}
criterion_main!(benches);
