//! Debian packages from the dpkg database: `var/lib/dpkg/status` and, on distroless images,
//! one file per package in `var/lib/dpkg/status.d/`.
//!
//! Traps of the format:
//! - `Status:` is `want flag status`. Only the status word `installed` (and the
//!   trigger states, whose files are configured) means the files are on disk as that
//!   version; `deinstall ok config-files` is a removed package whose configuration remains.
//! - `Source:` is `name` or `name (version)`; without a version the source version is the
//!   binary version, and without the field the source name is the binary name.
//! - A package installed for several architectures (`Multi-Arch: same`) has one stanza per
//!   architecture, so it gives several rows.
//! - Distroless `status.d/` files have no `Status:` field: every stanza there is installed.
//! - vcpkg's `installed/vcpkg/status` uses the same syntax but lists Windows C++ ports; it is
//!   never read because only the dpkg paths are, and a file with vcpkg fields is rejected.

mod apt_lists;

use packageurl::PackageUrl;

use crate::collectors::deb822::{self, Paragraph};
use crate::collectors::{Collection, Collector, Context};
use crate::read::{is_missing, read_optional_text};
use crate::{Diagnostic, DiagnosticLevel, Software};

/// Path of the dpkg status database below the root.
pub const STATUS_PATH: &str = "var/lib/dpkg/status";

/// Directory of per-package status files on distroless images.
pub const STATUS_DIR: &str = "var/lib/dpkg/status.d";

/// Collector of the dpkg database.
#[derive(Debug, Default, Clone, Copy)]
pub struct DpkgCollector;

impl Collector for DpkgCollector {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let format = StatusFormat::dpkg(context);
        let mut collection = Collection::default();

        match read_optional_text(context, STATUS_PATH) {
            Ok(Some(text)) => collection.extend(parse_status(&text, STATUS_PATH, &format)),
            Ok(None) => {}
            Err(error) => collection.diagnostics.push(
                Diagnostic::new(format.collector, DiagnosticLevel::Error, error.to_string())
                    .with_path(STATUS_PATH),
            ),
        }

        let distroless = StatusFormat {
            is_status_optional: true,
            ..format.clone()
        };
        for relative in status_dir_files(context, &mut collection.diagnostics) {
            match read_optional_text(context, &relative) {
                Ok(Some(text)) => collection.extend(parse_status(&text, &relative, &distroless)),
                Ok(None) => {}
                Err(error) => collection.diagnostics.push(
                    Diagnostic::new(format.collector, DiagnosticLevel::Error, error.to_string())
                        .with_path(relative),
                ),
            }
        }

        apt_lists::annotate_origins(
            context,
            &mut collection.software,
            &mut collection.diagnostics,
        );
        collection
    }
}

/// Lists the package files of `status.d/` (relative to the root), sorted, without the
/// `*.md5sums` lists that distroless images keep beside them.
fn status_dir_files(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let entries = match context.resolve(STATUS_DIR).and_then(fs_err::read_dir) {
        Ok(entries) => entries,
        Err(error) if is_missing(&error) => return Vec::new(),
        Err(error) => {
            diagnostics.push(
                Diagnostic::new("dpkg", DiagnosticLevel::Error, error.to_string())
                    .with_path(STATUS_DIR),
            );
            return Vec::new();
        }
    };

    let mut files = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                diagnostics.push(
                    Diagnostic::new("dpkg", DiagnosticLevel::Warning, error.to_string())
                        .with_path(STATUS_DIR),
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.ends_with(".md5sums") {
            continue;
        }
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            continue;
        }
        files.push(format!("{STATUS_DIR}/{name}"));
    }
    files.sort();
    files
}

/// How one status database is turned into rows: dpkg and opkg share the syntax.
#[derive(Debug, Clone)]
pub(crate) struct StatusFormat {
    /// Collector name written into rows and diagnostics.
    pub collector: &'static str,
    /// Package-URL type of the rows (`deb`, `opkg`).
    pub package_type: &'static str,
    /// Package-URL namespace (`debian`, `ubuntu`, `openwrt`).
    pub purl_namespace: String,
    /// Package-URL `distro` qualifier (`debian-12`), when the release is known.
    pub purl_distro: Option<String>,
    /// Advisory namespace of the rows.
    pub ecosystem: Option<String>,
    /// Whether a stanza without `Status:` counts as installed (distroless `status.d/`).
    pub is_status_optional: bool,
}

impl StatusFormat {
    /// Returns the format of a dpkg database on the detected OS.
    pub(crate) fn dpkg(context: &Context<'_>) -> Self {
        // Derivatives that keep Debian's or Ubuntu's `ID_LIKE` still name their own `ID`.
        let namespace = match context.os.map(|os| os.id.as_str()) {
            Some("ubuntu") => "ubuntu",
            Some(id) if !id.is_empty() => id,
            _ => "debian",
        };
        let distro = context.os.and_then(|os| {
            let release = os
                .version_id
                .as_deref()
                .or(os.version_codename.as_deref())?;
            Some(format!("{}-{release}", os.id))
        });
        Self {
            collector: "dpkg",
            package_type: "deb",
            purl_namespace: namespace.to_owned(),
            purl_distro: distro,
            ecosystem: context.os_ecosystem(),
            is_status_optional: false,
        }
    }
}

/// Parses the text of a status database read from `path` (relative to the root).
pub(crate) fn parse_status(text: &str, path: &str, format: &StatusFormat) -> Collection {
    let mut collection = Collection::default();
    let diagnostic = |level, message: String, line: u64| {
        Diagnostic::new(format.collector, level, message)
            .with_path(path)
            .with_line(line)
    };

    let mut parsed = Vec::new();
    for item in deb822::paragraphs(text) {
        match item {
            Ok(paragraph) => parsed.push(paragraph),
            Err(malformed) => collection.diagnostics.push(diagnostic(
                DiagnosticLevel::Warning,
                format!(
                    "malformed stanza starting at line {}, skipped: {}",
                    malformed.start_line, malformed.message
                ),
                malformed.line,
            )),
        }
    }

    if let Some(line) = vcpkg_marker_line(&parsed) {
        collection.diagnostics.push(diagnostic(
            DiagnosticLevel::Error,
            "not a package database of this format: stanzas carry vcpkg fields (`Abi`, \
             `Port-Version`, `Type: Port`), so the file was ignored"
                .to_owned(),
            line,
        ));
        return collection;
    }

    let mut warnings = Vec::new();
    for paragraph in &parsed {
        match software_from_paragraph(paragraph, path, format, &mut warnings) {
            Ok(software) => collection.software.push(software),
            Err(skipped) => warnings.push(skipped),
        }
        for (level, message, line) in warnings.drain(..) {
            collection
                .diagnostics
                .push(diagnostic(level, message, line));
        }
    }
    collection
}

/// Returns the line of the first field that only vcpkg writes, if any.
fn vcpkg_marker_line(paragraphs: &[Paragraph<'_>]) -> Option<u64> {
    paragraphs.iter().find_map(|paragraph| {
        paragraph.fields.iter().find_map(|field| {
            let is_marker = field.name.eq_ignore_ascii_case("Abi")
                || field.name.eq_ignore_ascii_case("Port-Version")
                || (field.name.eq_ignore_ascii_case("Type") && field.value == "Port");
            is_marker.then_some(field.line)
        })
    })
}

/// A stanza that gives no row: level, message and line.
type Skipped = (DiagnosticLevel, String, u64);

/// Turns one stanza into a row; `Err` says why the stanza gives none.
fn software_from_paragraph(
    paragraph: &Paragraph<'_>,
    path: &str,
    format: &StatusFormat,
    warnings: &mut Vec<Skipped>,
) -> Result<Software, Skipped> {
    let start = paragraph.start_line;
    let Some(name) = paragraph.get("Package").filter(|name| !name.is_empty()) else {
        return Err((
            DiagnosticLevel::Warning,
            format!("stanza starting at line {start} has no `Package` field, skipped"),
            start,
        ));
    };

    let status = match paragraph.field("Status") {
        Some(field) => Some(check_status(name, field.value, field.line, warnings)?),
        None if format.is_status_optional => None,
        None => {
            return Err((
                DiagnosticLevel::Warning,
                format!("package `{name}` has no `Status` field, skipped"),
                start,
            ))
        }
    };

    let Some(version) = paragraph
        .get("Version")
        .filter(|version| !version.is_empty())
    else {
        return Err((
            DiagnosticLevel::Warning,
            format!("package `{name}` has no `Version` field, skipped"),
            start,
        ));
    };

    let architecture = paragraph
        .get("Architecture")
        .filter(|architecture| !architecture.is_empty());
    let (source_name, source_version) = match paragraph.field("Source") {
        Some(field) => parse_source(field.value).ok_or_else(|| {
            (
                DiagnosticLevel::Warning,
                format!(
                    "package `{name}` has an invalid `Source` field `{}`, skipped",
                    field.value
                ),
                field.line,
            )
        })?,
        None => (None, None),
    };

    Ok(Software {
        name: name.to_owned(),
        version: version.to_owned(),
        architecture: architecture.map(str::to_owned),
        package_type: format.package_type.to_owned(),
        ecosystem: format.ecosystem.clone(),
        source_name: source_name
            .filter(|source| *source != name)
            .map(str::to_owned),
        source_version: source_version
            .filter(|source| *source != version)
            .map(str::to_owned),
        status: status.map(str::to_owned),
        purl: package_url(format, name, version, architecture),
        path: Some(path.to_owned()),
        collector: format.collector.to_owned(),
        // Shown when assessment sets a third-party build aside (`NodeSource Support <…>`).
        vendor: paragraph
            .get("Maintainer")
            .filter(|maintainer| !maintainer.is_empty())
            .map(str::to_owned),
        ..Software::default()
    })
}

/// Checks a `Status:` value; returns it when the package counts as installed, and adds to
/// `warnings` what is worth noting about a package that is listed anyway.
fn check_status<'a>(
    name: &str,
    status: &'a str,
    line: u64,
    warnings: &mut Vec<Skipped>,
) -> Result<&'a str, Skipped> {
    let words: Vec<&str> = status.split_whitespace().collect();
    let [_want, flag, state] = words[..] else {
        return Err((
            DiagnosticLevel::Warning,
            format!("package `{name}` has an invalid `Status` `{status}` (expected three words), skipped"),
            line,
        ));
    };

    match state {
        "installed" | "triggers-pending" | "triggers-awaited" => {
            if flag != "ok" {
                warnings.push((
                    DiagnosticLevel::Warning,
                    format!("package `{name}` is installed but flagged `{flag}` (needs reinstallation), listed"),
                    line,
                ));
            }
            Ok(status)
        }
        "config-files" => Err((
            DiagnosticLevel::Info,
            format!("package `{name}` is removed with only its configuration files left (`{status}`), not listed"),
            line,
        )),
        "not-installed" => Err((
            DiagnosticLevel::Info,
            format!("package `{name}` is not installed (`{status}`), not listed"),
            line,
        )),
        "half-installed" | "unpacked" | "half-configured" => Err((
            DiagnosticLevel::Warning,
            format!(
                "package `{name}` is `{state}`, an interrupted installation or removal whose \
                 files may be partly present, not listed"
            ),
            line,
        )),
        other => Err((
            DiagnosticLevel::Warning,
            format!("package `{name}` has unknown status `{other}`, not listed"),
            line,
        )),
    }
}

/// Parses `Source: name` or `Source: name (version)`.
fn parse_source(value: &str) -> Option<(Option<&str>, Option<&str>)> {
    let value = value.trim();
    let Some((name, rest)) = value.split_once('(') else {
        let is_single_word = !value.is_empty() && !value.contains(char::is_whitespace);
        return is_single_word.then_some((Some(value), None));
    };

    let name = name.trim();
    let version = rest.strip_suffix(')')?.trim();
    if name.is_empty() || name.contains(char::is_whitespace) || version.is_empty() {
        return None;
    }
    Some((Some(name), Some(version)))
}

/// Builds `pkg:deb/<namespace>/<name>@<version>?arch=<arch>&distro=<distro>`.
fn package_url(
    format: &StatusFormat,
    name: &str,
    version: &str,
    architecture: Option<&str>,
) -> Option<String> {
    let mut purl = PackageUrl::new(format.package_type, name).ok()?;
    purl.with_namespace(format.purl_namespace.as_str()).ok()?;
    purl.with_version(version).ok()?;
    if let Some(architecture) = architecture {
        purl.add_qualifier("arch", architecture).ok()?;
    }
    if let Some(distro) = &format.purl_distro {
        purl.add_qualifier("distro", distro.as_str()).ok()?;
    }
    Some(purl.to_string())
}
