//! The inventory document, version 1.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Schema version written into every new [`Inventory`].
pub const SCHEMA_VERSION: u32 = 1;

/// One snapshot of a device: identity, operating system, kernel and installed software.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    /// Version of this document's schema; readers reject versions newer than they know.
    pub schema_version: u32,
    /// Identity and platform of the device the inventory was taken on.
    pub device: Device,
    /// When collection started, in UTC.
    pub collected_at: DateTime<Utc>,
    /// Every installed software component found, one row per (name, version, arch, path).
    #[serde(default)]
    pub software: Vec<Software>,
    /// Problems met while collecting: unreadable files, malformed records, skipped states.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Fields this version of ward does not know, kept so that nothing is lost on rewrite.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Identity and platform of one machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Host name as the machine reports it (`/etc/hostname` below the root, else the kernel's).
    pub hostname: Option<String>,
    /// Stable machine id (`/etc/machine-id` on systemd hosts).
    pub machine_id: Option<String>,
    /// Operating system identity from `os-release`.
    pub os: Option<OsRelease>,
    /// Running kernel; absent when collecting from an image rather than a live host.
    pub kernel: Option<Kernel>,
    /// CPU architecture in the OS's own spelling (`amd64` on Debian, `x86_64` elsewhere).
    pub architecture: Option<String>,
    /// Advisory namespace of the OS packages in OSV spelling (`Debian:12`, `Ubuntu:22.04:LTS`,
    /// `Alpine:v3.20`); `None` when no advisory data exists for this release, in which case a
    /// diagnostic says why.
    #[serde(default)]
    pub advisory_ecosystem: Option<String>,
    /// Whether an installed kernel package is newer than the running kernel; `None` when the
    /// running kernel is unknown (image or fixture tree) or no kernel package is installed.
    #[serde(default)]
    pub reboot_required: Option<bool>,
    /// Fields this version of ward does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Operating system identity, as in `os-release(5)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsRelease {
    /// `ID`, lower case (`debian`, `ubuntu`, `alpine`, `rhel`).
    pub id: String,
    /// `ID_LIKE`, split on whitespace.
    #[serde(default)]
    pub id_like: Vec<String>,
    /// `NAME`.
    pub name: Option<String>,
    /// `PRETTY_NAME`.
    pub pretty_name: Option<String>,
    /// `VERSION_ID` (`12`, `22.04`, `3.20.3`).
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`, `jammy`).
    pub version_codename: Option<String>,
    /// Finer release than `VERSION_ID` where the OS records one (`/etc/debian_version`: `12.11`).
    pub point_release: Option<String>,
}

/// The running kernel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kernel {
    /// Release string as `uname -r` prints it (`6.1.0-37-amd64`).
    pub release: String,
    /// Version string as `uname -v` prints it, when known.
    pub version: Option<String>,
}

/// One installed software component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// Package name as its package manager spells it (binary package name for OS packages).
    pub name: String,
    /// Installed version, verbatim (`1:2.39.5-0+deb12u2`, `2.31.0`).
    pub version: String,
    /// Package architecture (`amd64`, `all`, `x86_64`, `noarch`), when the format has one.
    pub architecture: Option<String>,
    /// Package type in package-URL terms: `deb`, `rpm`, `apk`, `alpm`, `pypi`, `npm`, `cargo`…
    pub package_type: String,
    /// Advisory namespace to match against, in OSV spelling (`Debian:12`, `PyPI`, `npm`);
    /// `None` when no advisory data exists for this package's release or origin.
    pub ecosystem: Option<String>,
    /// Source package name (Debian `Source:`, rpm SOURCERPM name); `None` when the same as
    /// `name`.
    pub source_name: Option<String>,
    /// Source package version when it differs from `version`.
    pub source_version: Option<String>,
    /// Package manager state (`install ok installed`), when the format records one.
    pub status: Option<String>,
    /// Package URL identifying the component.
    pub purl: Option<String>,
    /// File the component was read from, relative to the collection root.
    pub path: Option<String>,
    /// Name of the collector that found it (`dpkg`, `python-dist-info`).
    pub collector: String,
    /// Kernel facts when the package installs a kernel image (`linux-image-6.1.0-37-amd64`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<KernelPackage>,
    /// Vendor or publisher as the package records it (rpm `VENDOR`, dpkg `Maintainer`,
    /// Windows `Publisher`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Licence expression as the package records it (rpm `LICENSE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// When the package was installed, when the format records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed_at: Option<DateTime<Utc>>,
    /// rpm module `name:stream:version:context` (`MODULARITYLABEL`); a modular package is
    /// only comparable with fixes for the same module stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modularity_label: Option<String>,
    /// Identifier the platform gives the installed item, where it differs from `name`
    /// (macOS bundle identifier, Windows uninstall key, snap `name/revision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// OS package that installed this component's files (`deb:python3-requests`), for a
    /// language package shipped by the distro; such a component is judged by distro data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<String>,
    /// Origins (the `Origin:` of the archive's Release file: `Debian`, `Node Source`) of
    /// the APT package lists under `var/lib/apt/lists` that carry this package at its
    /// installed version and architecture, sorted. Empty when no list does (lists hold
    /// only current versions), when there are no lists, and for other package types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apt_origins: Vec<String>,
}

/// Kernel facts of a package that installs a kernel image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelPackage {
    /// Kernel release the image boots as, as `uname -r` would print it (`6.1.0-37-amd64`).
    pub release: String,
    /// Kernel source package the image is built from (`linux`, `linux-signed-amd64`'s
    /// `linux`), which advisories are keyed by.
    pub source_name: String,
    /// Flavour of the image (`amd64`, `cloud-amd64`, `rt-amd64`, `generic`); `None` when the
    /// release has no flavour suffix.
    pub flavour: Option<String>,
    /// Whether this image is the running kernel; `None` when the running kernel is unknown.
    pub is_running: Option<bool>,
}

impl Software {
    /// Returns the source package name, or the package's own name when it has no source.
    pub fn source_name_or_name(&self) -> &str {
        self.source_name.as_deref().unwrap_or(&self.name)
    }

    /// Returns the source package version, or the package's own version when the same.
    pub fn source_version_or_version(&self) -> &str {
        self.source_version.as_deref().unwrap_or(&self.version)
    }
}

/// Severity of a [`Diagnostic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// Expected condition worth recording (a package in `config-files` state).
    Info,
    /// Part of the input could not be used; the rest was collected.
    Warning,
    /// A whole source could not be read.
    Error,
}

/// A problem a collector met, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Collector that raised it.
    pub collector: String,
    /// Severity of the diagnostic.
    pub level: DiagnosticLevel,
    /// File concerned, relative to the collection root when below it.
    pub path: Option<String>,
    /// 1-based line number in `path`, when the problem is on a line.
    pub line: Option<u64>,
    /// Description of the problem, in one lowercase sentence.
    pub message: String,
}

impl Diagnostic {
    /// Creates a diagnostic with no path or line.
    pub fn new(collector: &str, level: DiagnosticLevel, message: impl Into<String>) -> Self {
        Self {
            collector: collector.to_owned(),
            level,
            path: None,
            line: None,
            message: message.into(),
        }
    }

    /// Sets the file concerned, relative to the collection root.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Sets the 1-based line number in the file.
    pub fn with_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}
