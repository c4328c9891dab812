//! Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` (or a
//! single-file `*.egg-info`) and eggs (`*.egg/EGG-INFO/PKG-INFO`, or a zipped `*.egg`),
//! wherever the walk finds them (site-packages, dist-packages, virtual environments).
//!
//! Both files use the core metadata format (<https://packaging.python.org/en/latest/specifications/core-metadata/>):
//! RFC 822 style headers up to the first blank line; `Name` and `Version` are required.

use std::path::Path;

use super::java_archive::central_directory;
use super::{file_diagnostic, file_name, Ecosystem, Package};
use crate::{Collection, Context, DiagnosticLevel, FileCollector};

const NAME: &str = "python-dist-info";

/// Core metadata files are a few kilobytes; the long description can make them larger.
const MAX_SIZE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads `METADATA` and `PKG-INFO` files of installed distributions.
pub(crate) struct PythonCollector;

impl FileCollector for PythonCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn is_candidate_path(&self, path: &Path) -> bool {
        let parent = || path.parent().map(file_name).unwrap_or_default();
        match file_name(path) {
            "METADATA" => parent().ends_with(".dist-info"),
            "PKG-INFO" => {
                let parent = parent();
                parent.ends_with(".egg-info") || parent == "EGG-INFO"
            }
            name => name.ends_with(".egg-info") || name.ends_with(".egg"),
        }
    }

    fn is_candidate(&self, _path: &Path, metadata: &std::fs::Metadata) -> bool {
        metadata.is_file()
    }

    fn max_file_size_bytes(&self) -> u64 {
        MAX_SIZE_BYTES
    }

    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection {
        let mut collection = Collection::default();
        let full_path = context.walked_path(path);
        let bytes = if file_name(path).ends_with(".egg") {
            read_zipped_egg(&full_path)
        } else {
            fs_err::read(&full_path).map_err(|error| error.to_string())
        };
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(error) => {
                collection.diagnostics.push(file_diagnostic(
                    NAME,
                    DiagnosticLevel::Warning,
                    path,
                    format!("cannot read core metadata: {error}"),
                ));
                return collection;
            }
        };
        // Metadata is UTF-8 by the spec, but old egg-info files may contain Latin-1 in the long
        // description. That text follows the headers read here, so lossy decoding is safe.
        let text = String::from_utf8_lossy(&bytes);
        match parse_core_metadata(&text) {
            Ok(package) => collection.software.push(package.into_software(NAME, path)),
            Err(message) => collection.diagnostics.push(file_diagnostic(
                NAME,
                DiagnosticLevel::Warning,
                path,
                message,
            )),
        }
        collection
    }
}

/// Reads `EGG-INFO/PKG-INFO` from a zipped egg (a zip archive installed by `easy_install`).
fn read_zipped_egg(path: &Path) -> Result<Vec<u8>, String> {
    let mut file = fs_err::File::open(path).map_err(|error| error.to_string())?;
    let entries = central_directory::scan(&mut file, |name| name == "EGG-INFO/PKG-INFO")
        .map_err(|message| format!("invalid zipped egg: {message}"))?;
    let entry = entries
        .first()
        .ok_or_else(|| "zipped egg without `EGG-INFO/PKG-INFO`".to_owned())?;
    central_directory::read_entry(&mut file, entry, MAX_SIZE_BYTES)
}

/// Reads `Name` and `Version` from the header block of a core metadata file.
pub(crate) fn parse_core_metadata(text: &str) -> Result<Package, String> {
    let mut name = None;
    let mut version = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Name:") {
            name.get_or_insert(value.trim());
        } else if let Some(value) = line.strip_prefix("Version:") {
            version.get_or_insert(value.trim());
        }
    }
    match (name, version) {
        (Some(name), Some(version)) if !name.is_empty() && !version.is_empty() => {
            Ok(Package::new(Ecosystem::PyPI, name, version))
        }
        (None, _) | (Some(""), _) => Err("invalid core metadata: missing `Name`".to_owned()),
        _ => Err("invalid core metadata: missing `Version`".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_paths() {
        let collector = PythonCollector;
        let cases = [
            (
                "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
                true,
            ),
            (
                "venv/lib/python3.11/site-packages/Flask-3.0.0.dist-info/METADATA",
                true,
            ),
            ("usr/lib/python3/dist-packages/six-1.16.0.egg-info", true),
            ("lib/python3.11/site-packages/six-1.16.0-py3.11.egg", true),
            (
                "lib/python3.11/site-packages/six.egg/EGG-INFO/PKG-INFO",
                true,
            ),
            ("src/METADATA", false),
            ("x.dist-info/RECORD", false),
        ];
        for (path, expected) in cases {
            assert_eq!(
                collector.is_candidate_path(Path::new(path)),
                expected,
                "case {path}"
            );
        }
    }

    #[test]
    fn core_metadata_name_version() {
        let text = "Metadata-Version: 2.1\nName: Flask_SQLAlchemy\nVersion: 3.1.1\n\nName: body\n";
        let package = parse_core_metadata(text).expect("valid metadata");
        assert_eq!(package.name, "flask-sqlalchemy");
        assert_eq!(package.version, "3.1.1");
    }

    #[test]
    fn zipped_egg_metadata() {
        use std::io::Write;

        let root = tempfile::tempdir().expect("temp dir");
        let file =
            std::fs::File::create(root.path().join("example-21.12-py3.6.egg")).expect("create");
        let mut writer = zip::ZipWriter::new(file);
        writer
            .start_file(
                "EGG-INFO/PKG-INFO",
                zip::write::SimpleFileOptions::default(),
            )
            .expect("start entry");
        writer
            .write_all(b"Metadata-Version: 2.1\nName: example\nVersion: 21.12\n")
            .expect("write entry");
        writer.finish().expect("finish zip");

        let options = crate::CollectOptions::new(root.path());
        let context = Context {
            options: &options,
            os: None,
        };
        let found = PythonCollector.parse(&context, Path::new("example-21.12-py3.6.egg"));
        assert_eq!(found.diagnostics, []);
        assert_eq!(found.software.len(), 1);
        assert_eq!(found.software[0].name, "example");
        assert_eq!(found.software[0].version, "21.12");
    }

    #[test]
    fn core_metadata_missing_version() {
        let error = parse_core_metadata("Name: x\n").expect_err("no version");
        assert!(error.contains("Version"), "{error}");
    }
}
