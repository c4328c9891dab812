//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1 to 3
//! (<https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json>).
//!
//! v2 and v3 list installs in `packages`, keyed by install path (`node_modules/a/node_modules/b`);
//! v1 (and v2, for old npm) nest them in `dependencies`. When `packages` is present it is used
//! and `dependencies` ignored, because both describe the same tree.
//!
//! Traps: a key names the install folder, not the package, so an alias (`"x": "npm:y@^1"`)
//! is keyed `node_modules/x` with `"name": "y"`; v1 writes an alias's version as
//! `npm:y@1.2.3`. Workspace folders (keys without `node_modules/`) and `link: true` entries
//! are local code, not registry packages, and are skipped; their own dependencies
//! (`functions/f/node_modules/d`) are reported. Each (name, version) is reported once per file.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct PackageLock {
    packages: Option<Map<String, Value>>,
    dependencies: Option<Map<String, Value>>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: PackageLock = serde_json::from_str(input.text).map_err(|error| error.to_string())?;
    let mut found = BTreeSet::new();
    if let Some(packages) = &lock.packages {
        collect_packages(packages, &mut found);
    } else if let Some(dependencies) = &lock.dependencies {
        collect_dependencies(dependencies, &mut found);
    }
    Ok(Parsed::with_packages(
        found
            .into_iter()
            .map(|(name, version)| Package::new(Ecosystem::Npm, &name, &version))
            .collect(),
    ))
}

/// Reads a v2/v3 `packages` map.
fn collect_packages(packages: &Map<String, Value>, found: &mut BTreeSet<(String, String)>) {
    for (key, entry) in packages {
        let Some((_, folder_name)) = key.rsplit_once("node_modules/") else {
            continue;
        };
        if entry.get("link").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some(version) = entry.get("version").and_then(Value::as_str) else {
            continue;
        };
        let name = entry
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(folder_name);
        if let Some((name, version)) = resolve_alias(name, version) {
            found.insert((name, version));
        }
    }
}

/// Reads a v1 `dependencies` tree, depth first.
fn collect_dependencies(dependencies: &Map<String, Value>, found: &mut BTreeSet<(String, String)>) {
    for (name, entry) in dependencies {
        if let Some(version) = entry.get("version").and_then(Value::as_str) {
            if let Some(resolved) = resolve_alias(name, version) {
                found.insert(resolved);
            }
        }
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            collect_dependencies(nested, found);
        }
    }
}

/// Returns the real (name, version) of an entry: `npm:real@1.2.3` names the aliased package;
/// `file:` and `link:` versions are local code and give `None`.
pub(crate) fn resolve_alias(name: &str, version: &str) -> Option<(String, String)> {
    if version.starts_with("file:") || version.starts_with("link:") || version.is_empty() {
        return None;
    }
    if let Some(spec) = version.strip_prefix("npm:") {
        // Split at the last `@`, which is not the one opening a scope (`@scope/pkg@1.0.0`).
        let (real_name, real_version) =
            spec.rsplit_once('@').filter(|(name, _)| !name.is_empty())?;
        return Some((real_name.to_owned(), real_version.to_owned()));
    }
    Some((name.to_owned(), version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_map_alias_and_link() {
        let lock: Map<String, Value> = serde_json::from_str(
            r#"{
                "": {"name": "app", "version": "1.0.0"},
                "node_modules/strip-ansi-cjs": {"name": "strip-ansi", "version": "6.0.1"},
                "node_modules/@scope/pkg": {"version": "2.0.0"},
                "node_modules/local": {"resolved": "packages/local", "link": true},
                "packages/local": {"version": "0.1.0"},
                "packages/local/node_modules/ms": {"version": "2.1.3"}
            }"#,
        )
        .expect("valid JSON");
        let mut found = BTreeSet::new();
        collect_packages(&lock, &mut found);
        let expected: BTreeSet<(String, String)> = [
            ("@scope/pkg", "2.0.0"),
            ("ms", "2.1.3"),
            ("strip-ansi", "6.0.1"),
        ]
        .into_iter()
        .map(|(name, version)| (name.to_owned(), version.to_owned()))
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn alias_resolution_cases() {
        let cases = [
            ("x", "npm:@scope/real@1.2.3", Some(("@scope/real", "1.2.3"))),
            ("x", "npm:real@2.0.0", Some(("real", "2.0.0"))),
            ("lodash", "4.17.21", Some(("lodash", "4.17.21"))),
            ("local", "file:../local", None),
        ];
        for (name, version, expected) in cases {
            let resolved = resolve_alias(name, version);
            let expected = expected.map(|(n, v)| (n.to_owned(), v.to_owned()));
            assert_eq!(resolved, expected, "case {name} {version}");
        }
    }
}
