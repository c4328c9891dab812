//! `uv.lock`: one `[[package]]` table per locked distribution, with a `source` table.
//!
//! Sources `editable`, `virtual`, `directory` and `path` are the project itself or local
//! code and are skipped; `registry`, `git` and `url` sources are reported.

use serde::Deserialize;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let lock: UvLock = toml::from_str(input.text).map_err(|error| error.to_string())?;
    let local = ["editable", "virtual", "directory", "path"];
    let packages = lock
        .package
        .into_iter()
        .filter(|package| !local.iter().any(|key| package.source.contains_key(*key)))
        .filter_map(|package| {
            let version = package.version?;
            Some(Package::new(Ecosystem::PyPI, &package.name, &version))
        })
        .collect();
    Ok(Parsed::with_packages(packages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CollectOptions, Context};
    use std::path::Path;

    #[test]
    fn uv_lock_skips_project_itself() {
        let text = r#"
version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "Flask"
version = "3.0.3"
source = { registry = "https://pypi.org/simple" }
"#;
        let options = CollectOptions::new("/nonexistent");
        let context = Context {
            options: &options,
            os: None,
        };
        let input = Input {
            context: &context,
            path: Path::new("uv.lock"),
            text,
        };
        let parsed = parse(&input).expect("valid uv.lock");
        assert_eq!(parsed.packages.len(), 1);
        assert_eq!(parsed.packages[0].name, "flask");
        assert_eq!(parsed.packages[0].version, "3.0.3");
    }
}
