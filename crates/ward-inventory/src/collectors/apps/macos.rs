//! macOS application bundles (`*.app/Contents/Info.plist`) and installer receipts
//! (`var/db/receipts/*.plist`), XML or binary property lists.
//!
//! A bundle's row takes its name from `CFBundleName` (else `CFBundleDisplayName`, else the
//! bundle's directory name, else `CFBundleExecutable`), its version from `CFBundleShortVersionString` (the
//! user-visible version, else `CFBundleVersion`, the build number), and `CFBundleIdentifier`
//! as its identifier. A receipt's row is `PackageIdentifier` at `PackageVersion`, installed at
//! `InstallDate`.

use std::path::Path;

use chrono::{DateTime, Utc};
use plist::{Dictionary, Value};

use super::{relative_display, resolve_file_below, row, sorted_entries, warning};
use crate::collectors::{Collection, Collector, Context};
use crate::read::is_dir_below;
use crate::Software;

/// Name recorded in rows and diagnostics of this collector.
pub const COLLECTOR: &str = "macos-apps";

/// Folders searched for `*.app` bundles, relative to the root, each also one level deep
/// (`Applications/Utilities/Terminal.app`).
const APPLICATION_DIRECTORIES: [&str; 2] = ["Applications", "System/Applications"];

/// Collector of macOS application bundles and installer receipts.
#[derive(Debug, Clone, Copy, Default)]
pub struct MacAppsCollector;

impl Collector for MacAppsCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        let root = &context.options.root;

        let mut directories: Vec<_> = APPLICATION_DIRECTORIES
            .iter()
            .map(|directory| root.join(directory))
            .collect();
        for home in sorted_entries(
            COLLECTOR,
            root,
            &root.join("Users"),
            &mut collection.diagnostics,
        ) {
            directories.push(home.join("Applications"));
        }

        for directory in directories {
            for entry in sorted_entries(COLLECTOR, root, &directory, &mut collection.diagnostics) {
                if is_bundle(root, &entry) {
                    read_bundle(root, &entry, &mut collection);
                    continue;
                }
                // One level of folders such as `Utilities`.
                for nested in sorted_entries(COLLECTOR, root, &entry, &mut collection.diagnostics) {
                    if is_bundle(root, &nested) {
                        read_bundle(root, &nested, &mut collection);
                    }
                }
            }
        }

        let receipts = root.join("var/db/receipts");
        for entry in sorted_entries(COLLECTOR, root, &receipts, &mut collection.diagnostics) {
            if entry
                .extension()
                .is_some_and(|extension| extension == "plist")
            {
                let Some(resolved) = resolve_file_below(root, &entry) else {
                    continue;
                };
                let display = relative_display(root, &entry);
                collection.extend(parse_receipt_file(&resolved, &display));
            }
        }
        collection
    }
}

fn is_bundle(root: &Path, path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "app") && is_dir_below(root, path)
}

fn read_bundle(root: &Path, bundle: &Path, collection: &mut Collection) {
    let info = bundle.join("Contents/Info.plist");
    let Some(resolved) = resolve_file_below(root, &info) else {
        return;
    };
    let display = relative_display(root, &info);
    let fallback_name = bundle
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    collection.extend(parse_info_plist_file(&resolved, &display, &fallback_name));
}

/// Reads a dictionary property list (XML or binary) from a file.
fn read_dictionary(path: &Path, display: &str) -> Result<Dictionary, String> {
    let bytes = crate::read::read_regular(path).map_err(|error| error.to_string())?;
    let value = Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|error| format!("invalid property list in `{display}`: {error}"))?;
    value
        .into_dictionary()
        .ok_or_else(|| format!("property list in `{display}` is not a dictionary"))
}

fn string(dictionary: &Dictionary, key: &str) -> Option<String> {
    dictionary
        .get(key)
        .and_then(Value::as_string)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// Parses a bundle's `Info.plist`; `fallback_name` names the bundle when the plist does not.
pub fn parse_info_plist_file(path: &Path, display: &str, fallback_name: &str) -> Collection {
    let mut collection = Collection::default();
    match read_dictionary(path, display) {
        Ok(dictionary) => {
            if let Some(software) = bundle_row(&dictionary, display, fallback_name) {
                collection.software.push(software);
            }
        }
        Err(message) => collection
            .diagnostics
            .push(warning(COLLECTOR, display, message)),
    }
    collection
}

/// Converts an `Info.plist` dictionary into a row; `None` when it names no application.
pub fn bundle_row(dictionary: &Dictionary, display: &str, fallback_name: &str) -> Option<Software> {
    let name = string(dictionary, "CFBundleName")
        .or_else(|| string(dictionary, "CFBundleDisplayName"))
        .or_else(|| Some(fallback_name.to_owned()).filter(|name| !name.is_empty()))
        .or_else(|| string(dictionary, "CFBundleExecutable"))?;
    let version = string(dictionary, "CFBundleShortVersionString")
        .or_else(|| string(dictionary, "CFBundleVersion"))
        .unwrap_or_default();

    let mut software = row(COLLECTOR, "macos-app", &name, &version, display);
    software.identifier = string(dictionary, "CFBundleIdentifier");
    Some(software)
}

/// Parses an installer receipt (`var/db/receipts/<id>.plist`).
pub fn parse_receipt_file(path: &Path, display: &str) -> Collection {
    let mut collection = Collection::default();
    let dictionary = match read_dictionary(path, display) {
        Ok(dictionary) => dictionary,
        Err(message) => {
            collection
                .diagnostics
                .push(warning(COLLECTOR, display, message));
            return collection;
        }
    };
    let (Some(identifier), Some(version)) = (
        string(&dictionary, "PackageIdentifier"),
        string(&dictionary, "PackageVersion"),
    ) else {
        collection.diagnostics.push(warning(
            COLLECTOR,
            display,
            "receipt has no `PackageIdentifier` or `PackageVersion`",
        ));
        return collection;
    };

    let mut software = row(COLLECTOR, "macos-pkg", &identifier, &version, display);
    software.identifier = Some(identifier);
    software.installed_at = dictionary
        .get("InstallDate")
        .and_then(Value::as_date)
        .map(|date| DateTime::<Utc>::from(std::time::SystemTime::from(date)));
    collection.software.push(software);
    collection
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectOptions;

    const INFO_PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>org.example.Editor</string>
<key>CFBundleName</key><string>Editor</string>
<key>CFBundleShortVersionString</key><string>2.4.1</string>
<key>CFBundleVersion</key><string>2401</string>
</dict></plist>"#;

    #[test]
    fn bundles_and_receipts_are_collected() {
        let root = tempfile::tempdir().unwrap();
        let contents = root
            .path()
            .join("Applications/Utilities/Editor.app/Contents");
        std::fs::create_dir_all(&contents).unwrap();
        std::fs::write(contents.join("Info.plist"), INFO_PLIST).unwrap();

        // A binary receipt written by the plist crate.
        let receipts = root.path().join("var/db/receipts");
        std::fs::create_dir_all(&receipts).unwrap();
        let mut receipt = Dictionary::new();
        receipt.insert("PackageIdentifier".into(), Value::from("org.example.tool"));
        receipt.insert("PackageVersion".into(), Value::from("1.0"));
        Value::Dictionary(receipt)
            .to_file_binary(receipts.join("org.example.tool.plist"))
            .unwrap();
        std::fs::write(receipts.join("broken.plist"), b"<plist><dict>").unwrap();

        let options = CollectOptions::new(root.path());
        let context = Context {
            options: &options,
            os: None,
        };
        let collection = MacAppsCollector.collect(&context);

        assert_eq!(collection.software.len(), 2, "{:?}", collection.software);
        let editor = &collection.software[0];
        assert_eq!(editor.name, "Editor");
        assert_eq!(editor.version, "2.4.1");
        assert_eq!(editor.identifier.as_deref(), Some("org.example.Editor"));
        assert_eq!(
            editor.path.as_deref(),
            Some("Applications/Utilities/Editor.app/Contents/Info.plist")
        );
        let tool = &collection.software[1];
        assert_eq!(tool.name, "org.example.tool");
        assert_eq!(tool.package_type, "macos-pkg");
        assert_eq!(collection.diagnostics.len(), 1);
        assert_eq!(
            collection.diagnostics[0].path.as_deref(),
            Some("var/db/receipts/broken.plist")
        );
    }

    #[test]
    fn bundle_without_names_uses_directory() {
        let mut dictionary = Dictionary::new();
        dictionary.insert("CFBundleVersion".into(), Value::from("17"));
        let software = bundle_row(&dictionary, "p", "Tool").unwrap();
        assert_eq!(software.name, "Tool");
        assert_eq!(software.version, "17");
    }
}
