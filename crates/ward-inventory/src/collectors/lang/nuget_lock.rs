//! NuGet `packages.lock.json`: `dependencies` maps each target framework to packages with a
//! `resolved` version; the same package locked for several frameworks is reported once per
//! version. `Project` entries are other projects of the same solution and are skipped.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct NugetLock {
    #[serde(default)]
    dependencies: Map<String, Value>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: NugetLock = serde_json::from_str(input.text).map_err(|error| error.to_string())?;
    let mut found = BTreeSet::new();
    for framework in lock.dependencies.values() {
        let Some(packages) = framework.as_object() else {
            continue;
        };
        for (name, entry) in packages {
            if entry.get("type").and_then(Value::as_str) == Some("Project") {
                continue;
            }
            if let Some(version) = entry.get("resolved").and_then(Value::as_str) {
                found.insert((name.clone(), version.to_owned()));
            }
        }
    }
    Ok(Parsed::with_packages(
        found
            .into_iter()
            .map(|(name, version)| Package::new(Ecosystem::NuGet, &name, &version))
            .collect(),
    ))
}
