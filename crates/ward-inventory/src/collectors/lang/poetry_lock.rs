//! `poetry.lock` (lock-version 1.x and 2.x): one `[[package]]` table per locked distribution.
//!
//! Packages whose `source.type` is `directory` or `file` are local code and skipped; `git`
//! and `url` sources keep their declared version.

use serde::Deserialize;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
    source: Option<Source>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: Option<String>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: PoetryLock = toml::from_str(input.text).map_err(|error| error.to_string())?;
    let packages = lock
        .package
        .into_iter()
        .filter(|package| {
            let kind = package
                .source
                .as_ref()
                .and_then(|source| source.kind.as_deref());
            !matches!(kind, Some("directory" | "file"))
        })
        .map(|package| Package::new(Ecosystem::PyPI, &package.name, &package.version))
        .collect();
    Ok(Parsed::with_packages(packages))
}
