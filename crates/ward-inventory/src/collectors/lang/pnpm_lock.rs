//! `pnpm-lock.yaml`, lockfile versions 5 to 9.
//!
//! Installed packages are the keys of `packages`. Their spelling changed across versions:
//! v5 writes `/name/1.2.3` or `/@scope/name/1.2.3_peer@1`, v6 `/name@1.2.3(peer@1)`, v9
//! `name@1.2.3` (peers moved to `snapshots`, which is not read). An entry's own `name` and
//! `version` fields, written for tarball and git dependencies, win over the key. Entries
//! without a registry version (`package1@file:package1`, a local directory) are skipped.

use std::collections::BTreeSet;

use yaml_rust2::{Yaml, YamlLoader};

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let documents = YamlLoader::load_from_str(input.text).map_err(|error| error.to_string())?;
    let Some(document) = documents.first() else {
        return Ok(Parsed::default());
    };
    let lockfile_version = match &document["lockfileVersion"] {
        Yaml::Real(text) | Yaml::String(text) => text.parse::<f64>().unwrap_or(0.0),
        Yaml::Integer(number) => *number as f64,
        _ => 0.0,
    };
    let slash_keys = lockfile_version < 6.0;

    let mut found = BTreeSet::new();
    if let Yaml::Hash(packages) = &document["packages"] {
        for (key, entry) in packages {
            let Some(key) = key.as_str() else {
                continue;
            };
            if let Some(package) = resolve(key, entry, slash_keys) {
                found.insert(package);
            }
        }
    }
    Ok(Parsed::with_packages(
        found
            .into_iter()
            .map(|(name, version)| Package::new(Ecosystem::Npm, &name, &version))
            .collect(),
    ))
}

fn resolve(key: &str, entry: &Yaml, slash_keys: bool) -> Option<(String, String)> {
    let field_name = entry["name"].as_str();
    let field_version = entry["version"].as_str();
    let (key_name, key_version) = split_key(key, slash_keys)?;

    let name = field_name.unwrap_or(key_name);
    let version = match field_version {
        Some(version) => version,
        None if is_registry_version(key_version) => key_version,
        None => return None,
    };
    Some((name.to_owned(), version.to_owned()))
}

/// Splits a `packages` key into (name, version or other specifier), peers removed.
fn split_key(key: &str, slash_keys: bool) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next().unwrap_or(key);
    if slash_keys {
        let (name, version) = key.rsplit_once('/')?;
        let version = version.split('_').next().unwrap_or(version);
        return (!name.is_empty()).then_some((name, version));
    }
    let at = key.get(1..)?.find('@')? + 1;
    Some((&key[..at], &key[at + 1..]))
}

fn is_registry_version(version: &str) -> bool {
    !version.is_empty() && !version.contains(':') && !version.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_spellings() {
        let cases = [
            (
                "/@babel/runtime/7.18.3",
                true,
                Some(("@babel/runtime", "7.18.3")),
            ),
            ("/foo/1.0.0_bar@2.0.0", true, Some(("foo", "1.0.0"))),
            ("/foo@1.0.0(bar@2.0.0)", false, Some(("foo", "1.0.0"))),
            (
                "@babel/helper-string-parser@7.24.1",
                false,
                Some(("@babel/helper-string-parser", "7.24.1")),
            ),
        ];
        for (key, slash, expected) in cases {
            assert_eq!(split_key(key, slash), expected, "case {key}");
        }
    }
}
