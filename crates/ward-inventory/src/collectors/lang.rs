//! Language packages: installed environments, lockfiles and manifests, binaries, archives.
//!
//! Every collector here is a [`FileCollector`] run by the filesystem walk. Each component gets
//! a package URL (purl, <https://github.com/package-url/purl-spec>) and the path it was found
//! at, and its name in the spelling its OSV ecosystem matches on:
//!
//! - PyPI: PEP 503 normalised (`Foo_Bar.baz` → `foo-bar-baz`), because PyPI names compare
//!   case-insensitively with runs of `-`, `_`, `.` equal.
//! - npm: the real package name, scope included (`@types/node`); an alias (`"x": "npm:y@1"`)
//!   is reported under the real name `y`, because advisories name the real package.
//! - Maven: `groupId:artifactId`; Go: the module path; Packagist: `vendor/name`.
//!
//! Traps:
//!
//! - A package-lock's `packages` keys are install paths, not names: an alias installs
//!   `node_modules/x` containing package `y`.
//! - yarn and pnpm keys list several specifiers, and scoped names are split at the last `@`.
//! - Requirements files may be UTF-16 with a byte-order mark, and only `==` pins give an
//!   exact version.
//! - Language packages installed by an OS package manager are marked with
//!   [`Software::owned_by`] by [`mark_os_owned`], so that assessment judges them by distro
//!   data.

mod binary;
mod cargo_lock;
mod composer_lock;
mod gemfile_lock;
mod go_mod;
mod go_sum;
mod java_archive;
mod lockfile;
mod node;
mod npm_lock;
mod nuget_lock;
mod owner;
mod pipfile_lock;
mod pnpm_lock;
mod poetry_lock;
mod pom;
mod purl;
mod python;
mod requirements;
mod uv_lock;
mod yarn_lock;

use std::path::Path;

use crate::{Diagnostic, DiagnosticLevel, FileCollector, Software};

pub use owner::mark_os_owned;

/// Returns every language-package collector, in the order the walk offers files to them.
pub fn file_collectors() -> Vec<Box<dyn FileCollector>> {
    let mut collectors: Vec<Box<dyn FileCollector>> = vec![
        Box::new(python::PythonCollector),
        Box::new(node::NodeCollector),
    ];
    collectors.extend(lockfile::collectors());
    collectors.push(Box::new(binary::BinaryCollector));
    collectors.push(Box::new(java_archive::JavaArchiveCollector));
    collectors
}

/// Package ecosystem of a language component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ecosystem {
    PyPI,
    Npm,
    CratesIo,
    Go,
    Maven,
    RubyGems,
    Packagist,
    NuGet,
}

impl Ecosystem {
    /// Returns the package-URL type.
    pub(crate) fn package_type(self) -> &'static str {
        match self {
            Self::PyPI => "pypi",
            Self::Npm => "npm",
            Self::CratesIo => "cargo",
            Self::Go => "golang",
            Self::Maven => "maven",
            Self::RubyGems => "gem",
            Self::Packagist => "composer",
            Self::NuGet => "nuget",
        }
    }

    /// Returns the OSV ecosystem name.
    pub(crate) fn osv_name(self) -> &'static str {
        match self {
            Self::PyPI => "PyPI",
            Self::Npm => "npm",
            Self::CratesIo => "crates.io",
            Self::Go => "Go",
            Self::Maven => "Maven",
            Self::RubyGems => "RubyGems",
            Self::Packagist => "Packagist",
            Self::NuGet => "NuGet",
        }
    }
}

/// A component read from a file, before the path and purl are attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Package {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
}

impl Package {
    /// Creates a package, normalising the name as its ecosystem matches on it.
    pub(crate) fn new(ecosystem: Ecosystem, name: &str, version: &str) -> Self {
        let name = match ecosystem {
            Ecosystem::PyPI => normalize_pypi_name(name),
            _ => name.trim().to_owned(),
        };
        Self {
            ecosystem,
            name,
            version: version.trim().to_owned(),
        }
    }

    /// Converts into an inventory row found by `collector` at `path` (relative to the root).
    pub(crate) fn into_software(self, collector: &str, path: &Path) -> Software {
        let purl = purl::purl(self.ecosystem, &self.name, &self.version);
        Software {
            name: self.name,
            version: self.version,
            package_type: self.ecosystem.package_type().to_owned(),
            ecosystem: Some(self.ecosystem.osv_name().to_owned()),
            purl: Some(purl),
            path: Some(path.display().to_string()),
            collector: collector.to_owned(),
            ..Software::default()
        }
    }
}

/// Normalises a Python project name as PEP 503 defines it: lower case, and every run of `-`, `_`
/// and `.` replaced by one `-` (<https://peps.python.org/pep-0503/#normalized-names>).
pub(crate) fn normalize_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                out.push('-');
            }
            in_separator_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    out
}

/// Creates a diagnostic of `collector` about the file at `path` (relative to the root).
pub(crate) fn file_diagnostic(
    collector: &str,
    level: DiagnosticLevel,
    path: &Path,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        collector: collector.to_owned(),
        level,
        path: Some(path.display().to_string()),
        line: None,
        message: message.into(),
    }
}

/// Returns the file name of `path` as UTF-8, or `""` when it is not UTF-8.
///
/// Splits the bytes at the last `/` instead of calling `Path::file_name`, whose component
/// parsing was the largest user-space cost of the walk (several calls per file visited).
/// Paths from the walk are normalised, with no trailing `/` or `.` component.
#[cfg(unix)]
pub(crate) fn file_name(path: &Path) -> &str {
    let bytes = path_bytes(path);
    let start = bytes
        .iter()
        .rposition(|byte| *byte == b'/')
        .map_or(0, |index| index + 1);
    std::str::from_utf8(&bytes[start..]).unwrap_or("")
}

#[cfg(not(unix))]
pub(crate) fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
}

/// Returns the bytes of `path`; on platforms without byte paths, its UTF-8 form or nothing.
#[cfg(unix)]
pub(crate) fn path_bytes(path: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;

    path.as_os_str().as_bytes()
}

#[cfg(not(unix))]
pub(crate) fn path_bytes(path: &Path) -> &[u8] {
    path.to_str().map(str::as_bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalisation_cases() {
        let cases = [
            ("Django", "django"),
            ("Foo_Bar.baz", "foo-bar-baz"),
            ("zope.interface", "zope-interface"),
            ("a--_.b", "a-b"),
            ("PyYAML", "pyyaml"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_pypi_name(input), expected, "case {input}");
        }
    }

    #[test]
    fn package_into_software_has_purl() {
        let software =
            Package::new(Ecosystem::PyPI, "Requests", "2.31.0").into_software("x", Path::new("a"));
        assert_eq!(software.name, "requests");
        assert_eq!(software.purl.as_deref(), Some("pkg:pypi/requests@2.31.0"));
        assert_eq!(software.ecosystem.as_deref(), Some("PyPI"));
    }
}
