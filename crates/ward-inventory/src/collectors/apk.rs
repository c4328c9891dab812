//! Alpine packages from the apk database, `lib/apk/db/installed`.
//!
//! The file holds one record per package, and blank lines separate records. Each line is
//! `K:value` with a one-letter key: `P` name, `V` version, `A` architecture, `o` origin and
//! `t` build time. The origin is the source package, whose advisories apply to all its
//! subpackages. File lines (`F`, `R`, `Z`, `a`…) follow in the same record and are skipped.

use packageurl::PackageUrl;

use crate::collectors::{Collection, Collector, Context};
use crate::read::read_optional_text;
use crate::{Diagnostic, DiagnosticLevel, Software};

/// Path of the apk installed database below the root.
pub const INSTALLED_PATH: &str = "lib/apk/db/installed";

/// Collector of the apk database.
#[derive(Debug, Default, Clone, Copy)]
pub struct ApkCollector;

impl Collector for ApkCollector {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        match read_optional_text(context, INSTALLED_PATH) {
            Ok(Some(text)) => parse_installed(&text, &Release::from_context(context)),
            Ok(None) => Collection::default(),
            Err(error) => Collection {
                software: Vec::new(),
                diagnostics: vec![Diagnostic::new(
                    "apk",
                    DiagnosticLevel::Error,
                    error.to_string(),
                )
                .with_path(INSTALLED_PATH)],
            },
        }
    }
}

/// Release facts copied into every row.
#[derive(Debug, Clone, Default)]
pub struct Release {
    /// Advisory namespace (`Alpine:v3.20`).
    pub ecosystem: Option<String>,
    /// Package-URL `distro` qualifier: the point release (`3.20.3`).
    pub distro: Option<String>,
}

impl Release {
    fn from_context(context: &Context<'_>) -> Self {
        Self {
            ecosystem: context.os_ecosystem(),
            distro: context.os.and_then(|os| os.version_id.clone()),
        }
    }
}

/// One record being read.
#[derive(Default)]
struct Record<'a> {
    start_line: u64,
    name: Option<&'a str>,
    version: Option<&'a str>,
    architecture: Option<&'a str>,
    origin: Option<&'a str>,
}

/// Parses the text of an apk installed database.
pub fn parse_installed(text: &str, release: &Release) -> Collection {
    let mut collection = Collection::default();
    let mut record: Option<Record<'_>> = None;

    for (index, raw_line) in text.lines().enumerate() {
        let line_number = index as u64 + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);

        if line.trim().is_empty() {
            if let Some(done) = record.take() {
                finish_record(done, release, &mut collection);
            }
            continue;
        }

        let current = record.get_or_insert_with(|| Record {
            start_line: line_number,
            ..Record::default()
        });
        let bytes = line.as_bytes();
        if bytes.len() < 2 || bytes[1] != b':' || !bytes[0].is_ascii_alphabetic() {
            collection.diagnostics.push(
                Diagnostic::new(
                    "apk",
                    DiagnosticLevel::Warning,
                    format!("expected `K:value`, found `{}`, line skipped", line.trim()),
                )
                .with_path(INSTALLED_PATH)
                .with_line(line_number),
            );
            continue;
        }

        let value = line[2..].trim();
        match bytes[0] {
            b'P' => current.name = Some(value),
            b'V' => current.version = Some(value),
            b'A' => current.architecture = Some(value),
            b'o' => current.origin = Some(value),
            _ => {}
        }
    }
    if let Some(done) = record.take() {
        finish_record(done, release, &mut collection);
    }
    collection
}

/// Turns a finished record into a row, or a diagnostic when it lacks a name or version.
fn finish_record(record: Record<'_>, release: &Release, collection: &mut Collection) {
    let (Some(name), Some(version)) = (
        record.name.filter(|name| !name.is_empty()),
        record.version.filter(|version| !version.is_empty()),
    ) else {
        // A record made only of bad lines was already reported line by line.
        if record.name.is_some() || record.version.is_some() || record.architecture.is_some() {
            let missing = if record.name.is_none() {
                "`P` (name)"
            } else {
                "`V` (version)"
            };
            collection.diagnostics.push(
                Diagnostic::new(
                    "apk",
                    DiagnosticLevel::Warning,
                    format!(
                        "package record starting at line {} has no {missing} field, skipped",
                        record.start_line
                    ),
                )
                .with_path(INSTALLED_PATH)
                .with_line(record.start_line),
            );
        }
        return;
    };

    collection.software.push(Software {
        name: name.to_owned(),
        version: version.to_owned(),
        architecture: record.architecture.map(str::to_owned),
        package_type: "apk".to_owned(),
        ecosystem: release.ecosystem.clone(),
        source_name: record
            .origin
            .filter(|origin| !origin.is_empty() && *origin != name)
            .map(str::to_owned),
        source_version: None,
        status: None,
        purl: package_url(
            name,
            version,
            record.architecture,
            release.distro.as_deref(),
        ),
        path: Some(INSTALLED_PATH.to_owned()),
        collector: "apk".to_owned(),
        ..Software::default()
    });
}

/// Builds `pkg:apk/alpine/<name>@<version>?arch=<arch>&distro=<point release>`.
fn package_url(
    name: &str,
    version: &str,
    architecture: Option<&str>,
    distro: Option<&str>,
) -> Option<String> {
    let mut purl = PackageUrl::new("apk", name).ok()?;
    purl.with_namespace("alpine").ok()?;
    purl.with_version(version).ok()?;
    if let Some(architecture) = architecture {
        purl.add_qualifier("arch", architecture).ok()?;
    }
    if let Some(distro) = distro {
        purl.add_qualifier("distro", distro).ok()?;
    }
    Some(purl.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTALLED: &str =
        "C:Q1abc=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\nt:1699271358\n\
F:lib\nR:libc.musl-x86_64.so.1\n\nC:Q1def=\nP:libcrypto3\nV:3.1.4-r1\nA:x86_64\no:openssl\n\n";

    fn release() -> Release {
        Release {
            ecosystem: Some("Alpine:v3.19".to_owned()),
            distro: Some("3.19.0".to_owned()),
        }
    }

    #[test]
    fn records_give_rows_with_origin() {
        let collection = parse_installed(INSTALLED, &release());
        assert!(
            collection.diagnostics.is_empty(),
            "{:?}",
            collection.diagnostics
        );
        assert_eq!(collection.software.len(), 2);

        let musl = &collection.software[0];
        assert_eq!(musl.version, "1.2.4_git20230717-r4");
        assert_eq!(musl.source_name, None, "origin equal to the name");
        assert_eq!(musl.ecosystem.as_deref(), Some("Alpine:v3.19"));

        let libcrypto = &collection.software[1];
        assert_eq!(libcrypto.source_name.as_deref(), Some("openssl"));
        assert_eq!(libcrypto.source_name_or_name(), "openssl");
        assert_eq!(
            libcrypto.purl.as_deref(),
            Some("pkg:apk/alpine/libcrypto3@3.1.4-r1?arch=x86_64&distro=3.19.0")
        );
    }

    #[test]
    fn corrupt_lines_are_reported_and_skipped() {
        let text = "garbage line\n\nP:zlib\nV:1.3-r2\nnot a field\n\nP:no-version\nA:x86_64\n";
        let collection = parse_installed(text, &Release::default());
        let names: Vec<&str> = collection
            .software
            .iter()
            .map(|row| row.name.as_str())
            .collect();
        assert_eq!(names, vec!["zlib"]);

        let lines: Vec<Option<u64>> = collection.diagnostics.iter().map(|d| d.line).collect();
        assert_eq!(
            lines,
            vec![Some(1), Some(5), Some(7)],
            "{:?}",
            collection.diagnostics
        );
        assert!(collection.diagnostics[2].message.contains("`V` (version)"));
    }

    #[test]
    fn empty_database_has_no_rows() {
        assert_eq!(
            parse_installed("", &Release::default()),
            Collection::default()
        );
    }
}
