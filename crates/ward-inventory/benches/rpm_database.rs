//! Parse time of real rpm databases from the shared fixtures.
//!
//! Run with `cargo bench -p ward-inventory --bench rpm_database`; set `WARD_SHARED_DIR` when
//! the shared directory is not beside the repository. Databases that are absent are skipped.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use ward_inventory::collectors::rpm::{read_database, Backend};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

fn rpm_databases(criterion: &mut Criterion) {
    let base = shared_dir().join("fixtures/pkgdb/rpm");
    for (name, file, backend) in [
        ("cbl-mariner-2.0", "rpmdb.sqlite", Backend::Sqlite),
        ("sle15-bci", "Packages.db", Backend::Ndb),
        ("osquery-rpm-bdb", "Packages", Backend::BerkeleyDb),
    ] {
        let path = base.join(name).join(file);
        if !path.is_file() {
            eprintln!("skipped {name}: {} not found", path.display());
            continue;
        }
        criterion.bench_function(&format!("rpm/{name}"), |bencher| {
            bencher.iter(|| read_database(&path, backend, file, None))
        });
    }
}

criterion_group!(benches, rpm_databases);
criterion_main!(benches);
