//! Homebrew formulae (`Cellar/<formula>/<version>/INSTALL_RECEIPT.json`) and casks
//! (`Caskroom/<cask>/<version>/`).
//!
//! A formula's name and version are the two directory names, as `brew list --versions`
//! prints them; the receipt adds the install time (`time`) and architecture (`arch`). A
//! Cellar version directory without a receipt is still listed. A cask's versions are the
//! directories under its Caskroom folder other than `.metadata`. Homebrew prefixes searched:
//! `opt/homebrew` (Apple silicon), `usr/local` (Intel) and `home/linuxbrew/.linuxbrew`.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{relative_display, row, sorted_entries, warning};
use crate::collectors::{Collection, Collector, Context};
use crate::read::{is_dir_below, read_below};

/// Name recorded in rows and diagnostics of this collector.
pub const COLLECTOR: &str = "homebrew";

const PREFIXES: [&str; 3] = ["opt/homebrew", "usr/local", "home/linuxbrew/.linuxbrew"];

/// Collector of Homebrew formulae and casks.
#[derive(Debug, Clone, Copy, Default)]
pub struct HomebrewCollector;

impl Collector for HomebrewCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        for prefix in PREFIXES {
            let root = &context.options.root;
            collection.extend(collect_prefix(root, &root.join(prefix)));
        }
        collection
    }
}

/// Fields of `INSTALL_RECEIPT.json` the inventory uses.
#[derive(Debug, Deserialize)]
struct Receipt {
    time: Option<i64>,
    arch: Option<String>,
}

/// Collects the formulae and casks below one Homebrew prefix (the folder holding `Cellar`
/// and `Caskroom`).
pub fn collect_prefix(root: &Path, prefix: &Path) -> Collection {
    let mut collection = Collection::default();
    let diagnostics = &mut collection.diagnostics;

    let mut rows = Vec::new();
    for formula in sorted_entries(COLLECTOR, root, &prefix.join("Cellar"), diagnostics) {
        for version in sorted_entries(COLLECTOR, root, &formula, diagnostics) {
            if !is_dir_below(root, &version) {
                continue;
            }
            let (Some(name), Some(version_name)) = (file_name(&formula), file_name(&version))
            else {
                continue;
            };
            let receipt_path = version.join("INSTALL_RECEIPT.json");
            let display = relative_display(root, &receipt_path);
            let mut software = row(COLLECTOR, "homebrew", &name, &version_name, &display);
            software.purl = purl(&name, &version_name);

            match read_below(root, &receipt_path) {
                Ok(bytes) => match serde_json::from_slice::<Receipt>(&bytes) {
                    Ok(receipt) => {
                        software.installed_at = receipt
                            .time
                            .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0));
                        software.architecture = receipt.arch;
                    }
                    Err(error) => diagnostics.push(warning(
                        COLLECTOR,
                        &display,
                        format!("invalid install receipt: {error}"),
                    )),
                },
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    software.path = Some(relative_display(root, &version));
                }
                Err(error) => diagnostics.push(warning(COLLECTOR, &display, error.to_string())),
            }
            rows.push(software);
        }
    }

    for cask in sorted_entries(COLLECTOR, root, &prefix.join("Caskroom"), diagnostics) {
        for version in sorted_entries(COLLECTOR, root, &cask, diagnostics) {
            let (Some(name), Some(version_name)) = (file_name(&cask), file_name(&version)) else {
                continue;
            };
            if version_name.starts_with('.') || !is_dir_below(root, &version) {
                continue;
            }
            let display = relative_display(root, &version);
            rows.push(row(
                COLLECTOR,
                "homebrew-cask",
                &name,
                &version_name,
                &display,
            ));
        }
    }
    collection.software = rows;
    collection
}

fn file_name(path: &Path) -> Option<String> {
    Some(path.file_name()?.to_string_lossy().into_owned())
}

/// Returns `pkg:brew/<formula>@<version>`, the purl type used for formulae.brew.sh packages.
fn purl(name: &str, version: &str) -> Option<String> {
    let mut purl = packageurl::PackageUrl::new("brew", name).ok()?;
    purl.with_version(version).ok()?;
    Some(purl.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulae_and_casks_are_collected() {
        let root = tempfile::tempdir().unwrap();
        let prefix = root.path().join("opt/homebrew");
        let version = prefix.join("Cellar/rclone/1.67.0");
        std::fs::create_dir_all(&version).unwrap();
        std::fs::write(
            version.join("INSTALL_RECEIPT.json"),
            br#"{"time": 1722991679, "arch": "arm64"}"#,
        )
        .unwrap();
        std::fs::create_dir_all(prefix.join("Cellar/jq/1.7.1")).unwrap();
        std::fs::create_dir_all(prefix.join("Caskroom/firefox/128.0")).unwrap();
        std::fs::create_dir_all(prefix.join("Caskroom/firefox/.metadata")).unwrap();
        std::fs::create_dir_all(prefix.join("Cellar/broken/1.0")).unwrap();
        std::fs::write(prefix.join("Cellar/broken/1.0/INSTALL_RECEIPT.json"), b"{").unwrap();

        let collection = collect_prefix(root.path(), &prefix);
        let found: Vec<(&str, &str, &str)> = collection
            .software
            .iter()
            .map(|row| {
                (
                    row.name.as_str(),
                    row.version.as_str(),
                    row.package_type.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("broken", "1.0", "homebrew"),
                ("jq", "1.7.1", "homebrew"),
                ("rclone", "1.67.0", "homebrew"),
                ("firefox", "128.0", "homebrew-cask"),
            ]
        );
        let rclone = &collection.software[2];
        assert_eq!(rclone.architecture.as_deref(), Some("arm64"));
        assert_eq!(
            rclone.installed_at.map(|time| time.timestamp()),
            Some(1722991679)
        );
        assert_eq!(rclone.purl.as_deref(), Some("pkg:brew/rclone@1.67.0"));
        assert_eq!(collection.diagnostics.len(), 1);
        assert_eq!(
            collection.diagnostics[0].path.as_deref(),
            Some("opt/homebrew/Cellar/broken/1.0/INSTALL_RECEIPT.json")
        );
    }
}
