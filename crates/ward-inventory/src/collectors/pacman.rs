//! Arch Linux packages from the pacman local database, `var/lib/pacman/local/<name>-<version>/desc`.
//!
//! Each `desc` file is a list of sections: a `%KEY%` line, value lines, then a blank line.
//! `%NAME%`, `%VERSION%`, `%ARCH%` and `%BASE%` (the package base, which is the source
//! package) are read.

use packageurl::PackageUrl;

use crate::collectors::{Collection, Collector, Context};
use crate::read::{is_missing, read_optional_text};
use crate::{Diagnostic, DiagnosticLevel, Software};

/// Directory of the pacman local database below the root.
pub const LOCAL_DIR: &str = "var/lib/pacman/local";

/// Collector of the pacman local database.
#[derive(Debug, Default, Clone, Copy)]
pub struct PacmanCollector;

impl Collector for PacmanCollector {
    fn name(&self) -> &'static str {
        "pacman"
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        let entries = match context.resolve(LOCAL_DIR).and_then(fs_err::read_dir) {
            Ok(entries) => entries,
            Err(error) if is_missing(&error) => return collection,
            Err(error) => {
                collection.diagnostics.push(
                    Diagnostic::new("pacman", DiagnosticLevel::Error, error.to_string())
                        .with_path(LOCAL_DIR),
                );
                return collection;
            }
        };

        let mut package_dirs: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        package_dirs.sort();

        let ecosystem = context.os_ecosystem();
        for directory in package_dirs {
            let path = format!("{LOCAL_DIR}/{directory}/desc");
            match read_optional_text(context, &path) {
                Ok(Some(text)) => {
                    collection.extend(parse_desc(&text, &path, ecosystem.as_deref()));
                }
                Ok(None) => collection.diagnostics.push(
                    Diagnostic::new(
                        "pacman",
                        DiagnosticLevel::Warning,
                        "package directory has no `desc` file",
                    )
                    .with_path(format!("{LOCAL_DIR}/{directory}")),
                ),
                Err(error) => collection.diagnostics.push(
                    Diagnostic::new("pacman", DiagnosticLevel::Error, error.to_string())
                        .with_path(path),
                ),
            }
        }
        collection
    }
}

/// Parses one `desc` file read from `path` (relative to the root).
pub fn parse_desc(text: &str, path: &str, ecosystem: Option<&str>) -> Collection {
    let mut collection = Collection::default();
    let mut name = None;
    let mut version = None;
    let mut architecture = None;
    let mut base = None;

    let mut section: Option<&str> = None;
    for raw_line in text.lines() {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line).trim();
        if line.is_empty() {
            section = None;
            continue;
        }
        if line.len() > 2 && line.starts_with('%') && line.ends_with('%') {
            section = Some(line);
            continue;
        }
        // Only the first value line of a section is used: these sections hold one value.
        let slot = match section {
            Some("%NAME%") => &mut name,
            Some("%VERSION%") => &mut version,
            Some("%ARCH%") => &mut architecture,
            Some("%BASE%") => &mut base,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(line);
        }
    }

    let (Some(name), Some(version)) = (name, version) else {
        let missing = if name.is_none() {
            "%NAME%"
        } else {
            "%VERSION%"
        };
        collection.diagnostics.push(
            Diagnostic::new(
                "pacman",
                DiagnosticLevel::Warning,
                format!("missing `{missing}` section, package skipped"),
            )
            .with_path(path),
        );
        return collection;
    };

    collection.software.push(Software {
        name: name.to_owned(),
        version: version.to_owned(),
        architecture: architecture.map(str::to_owned),
        package_type: "alpm".to_owned(),
        ecosystem: ecosystem.map(str::to_owned),
        source_name: base.filter(|base| *base != name).map(str::to_owned),
        purl: package_url(name, version, architecture),
        path: Some(path.to_owned()),
        collector: "pacman".to_owned(),
        ..Software::default()
    });
    collection
}

/// Builds `pkg:alpm/arch/<name>@<version>?arch=<arch>`.
fn package_url(name: &str, version: &str, architecture: Option<&str>) -> Option<String> {
    let mut purl = PackageUrl::new("alpm", name).ok()?;
    purl.with_namespace("arch").ok()?;
    purl.with_version(version).ok()?;
    if let Some(architecture) = architecture {
        purl.add_qualifier("arch", architecture).ok()?;
    }
    Some(purl.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desc_sections_give_one_row() {
        let text = "%NAME%\nlibxml2\n\n%VERSION%\n2.12.6-1\n\n%BASE%\nlibxml2-base\n\n\
                    %ARCH%\nx86_64\n\n%DEPENDS%\nzlib\nxz\n";
        let collection = parse_desc(text, "var/lib/pacman/local/libxml2-2.12.6-1/desc", None);
        assert!(collection.diagnostics.is_empty());
        let row = &collection.software[0];
        assert_eq!(row.name, "libxml2");
        assert_eq!(row.version, "2.12.6-1");
        assert_eq!(row.source_name.as_deref(), Some("libxml2-base"));
        assert_eq!(
            row.purl.as_deref(),
            Some("pkg:alpm/arch/libxml2@2.12.6-1?arch=x86_64")
        );
    }

    #[test]
    fn missing_name_is_a_diagnostic() {
        let collection = parse_desc("%NME%\nx\n\n%VERSION%\n1-1\n", "desc", None);
        assert!(collection.software.is_empty());
        assert!(collection.diagnostics[0].message.contains("%NAME%"));
    }
}
