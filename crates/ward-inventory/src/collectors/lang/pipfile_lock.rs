//! `Pipfile.lock`: JSON with `default` and `develop` maps of name to `{"version": "==1.2.3"}`.
//!
//! Entries without a `version` (editable or VCS installs) name no release and are skipped.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: Map<String, Value>,
    #[serde(default)]
    develop: Map<String, Value>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: PipfileLock = serde_json::from_str(input.text).map_err(|error| error.to_string())?;
    let mut packages: Vec<Package> = lock
        .default
        .iter()
        .chain(lock.develop.iter())
        .filter_map(|(name, entry)| {
            let version = entry.get("version")?.as_str()?;
            let version = version.strip_prefix("==").unwrap_or(version);
            Some(Package::new(Ecosystem::PyPI, name, version))
        })
        .collect();
    packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    packages.dedup();
    Ok(Parsed::with_packages(packages))
}
