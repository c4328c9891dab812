//! `composer.lock`: JSON arrays `packages` and `packages-dev` of `{"name", "version"}`.

use serde::Deserialize;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct ComposerLock {
    #[serde(default)]
    packages: Vec<LockedPackage>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Option<Vec<LockedPackage>>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: ComposerLock = serde_json::from_str(input.text).map_err(|error| error.to_string())?;
    let packages = lock
        .packages
        .iter()
        .chain(lock.packages_dev.iter().flatten())
        .map(|package| Package::new(Ecosystem::Packagist, &package.name, &package.version))
        .collect();
    Ok(Parsed::with_packages(packages))
}
