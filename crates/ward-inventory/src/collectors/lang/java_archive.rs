//! Java archives (`.jar`, `.war`, `.ear` and the Jenkins plugin forms `.hpi`, `.jpi`), with
//! nested archives (`WEB-INF/lib/*.jar`, Spring Boot `BOOT-INF/lib/*.jar`).
//!
//! Identity, best source first: every `META-INF/maven/<group>/<artifact>/pom.properties`
//! (an uber-jar contains one per bundled artifact); else `META-INF/MANIFEST.MF` when it names a
//! group (`Implementation-Vendor-Id`), an artifact (`Implementation-Title` without spaces)
//! and a version (`Implementation-Version` or `Bundle-Version`). An archive with neither is reported
//! as an informational diagnostic, because a guessed Maven name would match the wrong
//! advisories. Nested archives are read into memory, bounded by [`MAX_NESTED_BYTES`] each and
//! [`MAX_DEPTH`] levels; a nested component's path is `outer.war!/WEB-INF/lib/x.jar`.

pub(crate) mod central_directory;

use std::collections::BTreeSet;
use std::io::{Read, Seek};
use std::path::Path;

use super::{file_diagnostic, file_name, Ecosystem, Package};
use crate::{Collection, Context, DiagnosticLevel, FileCollector};

const NAME: &str = "java-archive";

const EXTENSIONS: &[&str] = &[".jar", ".war", ".ear", ".hpi", ".jpi"];

const MAX_SIZE_BYTES: u64 = 1024 * 1024 * 1024;

/// Largest nested archive read into memory.
const MAX_NESTED_BYTES: u64 = 64 * 1024 * 1024;

/// Nesting levels followed below the archive on disk (`ear` → `war` → `jar` is 2).
const MAX_DEPTH: usize = 3;

/// Largest `pom.properties` or `MANIFEST.MF` read.
const MAX_METADATA_BYTES: u64 = 1024 * 1024;

/// Reads Maven identities from Java archives.
pub(crate) struct JavaArchiveCollector;

impl FileCollector for JavaArchiveCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    fn is_candidate_path(&self, path: &Path) -> bool {
        is_archive_name(file_name(path))
    }

    fn is_candidate(&self, _path: &Path, metadata: &std::fs::Metadata) -> bool {
        metadata.is_file()
    }

    fn max_file_size_bytes(&self) -> u64 {
        MAX_SIZE_BYTES
    }

    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection {
        let mut collection = Collection::default();
        match fs_err::File::open(context.walked_path(path)) {
            Ok(file) => read_archive(file, &path.display().to_string(), 0, &mut collection),
            Err(error) => collection.diagnostics.push(file_diagnostic(
                NAME,
                DiagnosticLevel::Warning,
                path,
                format!("cannot open archive: {error}"),
            )),
        }
        collection
    }
}

fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EXTENSIONS
        .iter()
        .any(|extension| lower.ends_with(extension))
}

/// Reads one archive (on disk or nested) found at `location` and everything nested in it.
fn read_archive<R: Read + Seek>(
    mut reader: R,
    location: &str,
    depth: usize,
    found: &mut Collection,
) {
    let diagnostic = |message: String| {
        file_diagnostic(NAME, DiagnosticLevel::Warning, Path::new(location), message)
    };
    let is_kept = |name: &str| {
        (name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties"))
            || name.eq_ignore_ascii_case("META-INF/MANIFEST.MF")
            || (depth < MAX_DEPTH && is_archive_name(name))
    };
    let entries = match central_directory::scan(&mut reader, is_kept) {
        Ok(entries) => entries,
        Err(message) => {
            found
                .diagnostics
                .push(diagnostic(format!("invalid zip archive: {message}")));
            return;
        }
    };

    let mut packages = BTreeSet::new();
    let mut manifest = None;
    let mut nested = Vec::new();
    for entry in entries {
        if is_archive_name(&entry.name) {
            nested.push(entry);
            continue;
        }
        let text = match central_directory::read_entry(&mut reader, &entry, MAX_METADATA_BYTES) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(message) => {
                found.diagnostics.push(diagnostic(message));
                continue;
            }
        };
        if entry.name.ends_with("/pom.properties") {
            if let Some(package) = parse_pom_properties(&text) {
                packages.insert(package);
            }
        } else {
            manifest = Some(text);
        }
    }

    if packages.is_empty() {
        match manifest.as_deref().and_then(parse_manifest) {
            Some(package) => {
                packages.insert(package);
            }
            None if depth == 0 || nested.is_empty() => found.diagnostics.push(file_diagnostic(
                NAME,
                DiagnosticLevel::Info,
                Path::new(location),
                "archive names no Maven artifact (no pom.properties, no manifest group and version)",
            )),
            None => {}
        }
    }
    found
        .software
        .extend(packages.into_iter().map(|(name, version)| {
            Package::new(Ecosystem::Maven, &name, &version).into_software(NAME, Path::new(location))
        }));

    for entry in nested {
        let inner_location = format!("{location}!/{}", entry.name);
        if entry.uncompressed_size > MAX_NESTED_BYTES {
            found.diagnostics.push(file_diagnostic(
                NAME,
                DiagnosticLevel::Info,
                Path::new(&inner_location),
                format!(
                    "nested archive skipped: {} bytes is over the {MAX_NESTED_BYTES}-byte limit",
                    entry.uncompressed_size
                ),
            ));
            continue;
        }
        match central_directory::read_entry(&mut reader, &entry, MAX_NESTED_BYTES) {
            Ok(bytes) => read_archive(
                std::io::Cursor::new(bytes),
                &inner_location,
                depth + 1,
                found,
            ),
            Err(message) => found.diagnostics.push(diagnostic(message)),
        }
    }
}

/// Reads `groupId`, `artifactId` and `version` from a `pom.properties` file.
fn parse_pom_properties(text: &str) -> Option<(String, String)> {
    let mut group = None;
    let mut artifact = None;
    let mut version = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=').or_else(|| line.split_once(':')) else {
            continue;
        };
        match key.trim() {
            "groupId" => group = Some(value.trim()),
            "artifactId" => artifact = Some(value.trim()),
            "version" => version = Some(value.trim()),
            _ => {}
        }
    }
    match (group, artifact, version) {
        (Some(group), Some(artifact), Some(version))
            if !group.is_empty() && !artifact.is_empty() && !version.is_empty() =>
        {
            Some((format!("{group}:{artifact}"), version.to_owned()))
        }
        _ => None,
    }
}

/// Reads a Maven identity from a manifest's main section, when it names group and version.
fn parse_manifest(text: &str) -> Option<(String, String)> {
    let mut attributes: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        // A line starting with a space continues the previous value (72-byte line limit).
        if let Some(continuation) = line.strip_prefix(' ') {
            if let Some((_, value)) = attributes.last_mut() {
                value.push_str(continuation);
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            attributes.push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let get = |key: &str| {
        attributes
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let version = get("Implementation-Version").or_else(|| get("Bundle-Version"))?;
    let group = get("Implementation-Vendor-Id")?;
    let artifact = get("Implementation-Title").filter(|title| !title.contains(' '))?;
    Some((format!("{group}:{artifact}"), version.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("start entry");
            writer.write_all(bytes).expect("write entry");
        }
        writer.finish().expect("finish zip").into_inner()
    }

    #[test]
    fn war_with_nested_jar() {
        let inner = jar(&[(
            "META-INF/maven/org.yaml/snakeyaml/pom.properties",
            b"version=1.33\ngroupId=org.yaml\nartifactId=snakeyaml\n",
        )]);
        let outer = jar(&[
            ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\nImplementation-Vendor-Id: com.example\nImplementation-Title: app\nImplementation-Version: 2.0\n"),
            ("WEB-INF/lib/snakeyaml-1.33.jar", &inner),
        ]);
        let mut found = Collection::default();
        read_archive(std::io::Cursor::new(outer), "srv/app.war", 0, &mut found);
        let rows: Vec<(&str, &str, &str)> = found
            .software
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.version.as_str(),
                    s.path.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("com.example:app", "2.0", "srv/app.war"),
                (
                    "org.yaml:snakeyaml",
                    "1.33",
                    "srv/app.war!/WEB-INF/lib/snakeyaml-1.33.jar"
                ),
            ]
        );
    }

    #[test]
    fn corrupt_archive_is_a_diagnostic() {
        let mut found = Collection::default();
        read_archive(
            std::io::Cursor::new(b"PK\x03\x04junk".to_vec()),
            "x.jar",
            0,
            &mut found,
        );
        assert!(found.software.is_empty());
        assert_eq!(found.diagnostics.len(), 1);
        assert_eq!(found.diagnostics[0].path.as_deref(), Some("x.jar"));
    }

    #[test]
    fn manifest_without_group_names_nothing() {
        let text = "Manifest-Version: 1.0\nBundle-SymbolicName: org.apache.commons.lang3\nBundle-Version: 3.12.0\n";
        assert_eq!(parse_manifest(text), None);
    }
}
