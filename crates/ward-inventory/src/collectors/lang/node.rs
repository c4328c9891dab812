//! Installed Node packages: the `package.json` at the root of each package directory under a
//! `node_modules` directory (`node_modules/x/package.json`, `node_modules/@scope/x/package.json`),
//! which covers project trees and global installs (`/usr/lib/node_modules`,
//! `/usr/local/lib/node_modules`) alike.
//!
//! A `package.json` deeper inside a package (`node_modules/x/lib/package.json`, often only
//! `{"type": "module"}`) is not a package root and is not read. The `name` field, not the
//! directory, gives the name, so an alias installed as `node_modules/alias` is reported under
//! the real package's name.

use std::path::Path;

use serde::Deserialize;

use super::{file_diagnostic, file_name, Ecosystem, Package};
use crate::{Collection, Context, DiagnosticLevel, FileCollector};

const NAME: &str = "node-package";

const MAX_SIZE_BYTES: u64 = 8 * 1024 * 1024;

/// Reads `package.json` files of packages installed under `node_modules`.
pub(crate) struct NodeCollector;

#[derive(Deserialize)]
struct PackageJson {
    name: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// Returns whether `path` is `…/node_modules/<name>/package.json` or
/// `…/node_modules/@scope/<name>/package.json`.
pub(crate) fn is_package_root_manifest(path: &Path) -> bool {
    if file_name(path) != "package.json" {
        return false;
    }
    let Some(package_dir) = path.parent() else {
        return false;
    };
    let Some(container) = package_dir.parent() else {
        return false;
    };
    match file_name(container) {
        "node_modules" => {
            let directory = file_name(package_dir);
            !directory.starts_with('.') && !directory.starts_with('@')
        }
        scope if scope.starts_with('@') => container
            .parent()
            .is_some_and(|parent| file_name(parent) == "node_modules"),
        _ => false,
    }
}

impl FileCollector for NodeCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn is_candidate_path(&self, path: &Path) -> bool {
        is_package_root_manifest(path)
    }

    fn is_candidate(&self, _path: &Path, metadata: &std::fs::Metadata) -> bool {
        metadata.is_file()
    }

    fn max_file_size_bytes(&self) -> u64 {
        MAX_SIZE_BYTES
    }

    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection {
        let mut collection = Collection::default();
        let manifest: PackageJson = match fs_err::read(context.walked_path(path))
            .map_err(|error| error.to_string())
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|error| error.to_string()))
        {
            Ok(manifest) => manifest,
            Err(message) => {
                collection.diagnostics.push(file_diagnostic(
                    NAME,
                    DiagnosticLevel::Warning,
                    path,
                    format!("invalid package.json: {message}"),
                ));
                return collection;
            }
        };

        let name = manifest.name.as_ref().and_then(|value| value.as_str());
        let version = manifest.version.as_ref().and_then(|value| value.as_str());
        match (name, version) {
            (Some(name), Some(version)) if !name.is_empty() && !version.is_empty() => {
                collection
                    .software
                    .push(Package::new(Ecosystem::Npm, name, version).into_software(NAME, path));
            }
            _ => collection.diagnostics.push(file_diagnostic(
                NAME,
                DiagnosticLevel::Info,
                path,
                "package.json without a string `name` and `version` skipped",
            )),
        }
        collection
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_root_manifests() {
        let cases = [
            ("app/node_modules/lodash/package.json", true),
            ("app/node_modules/@types/node/package.json", true),
            (
                "usr/lib/node_modules/npm/node_modules/semver/package.json",
                true,
            ),
            ("app/node_modules/lodash/lib/package.json", false),
            ("app/package.json", false),
            ("app/node_modules/.bin/package.json", false),
            ("app/node_modules/@scope/package.json", false),
        ];
        for (path, expected) in cases {
            assert_eq!(
                is_package_root_manifest(Path::new(path)),
                expected,
                "case {path}"
            );
        }
    }
}
