//! `Cargo.lock`, every format version: v1 (no `version` key, `[metadata]` checksums, and in
//! the oldest files a `[root]` table), v2 (inline `checksum`), v3 and v4 (`version = N`).
//!
//! Only packages with a `source` (a registry or git) are reported: a package without one is
//! a path dependency or workspace member, which no crates.io advisory is about even when its
//! name matches a published crate.

use serde::Deserialize;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
    source: Option<String>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: CargoLock = toml::from_str(input.text).map_err(|error| error.to_string())?;
    let packages = lock
        .package
        .into_iter()
        .filter(|package| package.source.is_some())
        .map(|package| Package::new(Ecosystem::CratesIo, &package.name, &package.version))
        .collect();
    Ok(Parsed::with_packages(packages))
}
