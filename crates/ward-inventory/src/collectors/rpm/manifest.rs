//! Import of Red Hat's container image rpm manifest (`rpm-manifest.json`).
//!
//! Red Hat's container catalog publishes, for each image, a JSON document with
//! `"object_type": "containerImageRPMManifest"` and an `rpms` array. Two shapes exist:
//!
//! - older: `name`, `release`, `architecture`, `srpm_name`, `srpm_nevra`
//!   (`dbus-1.12.8-7.el8.src`) and `nerva`, the binary's `name-[epoch:]version-release.arch`
//!   (`dbus-common-1:1.12.8-7.el8.noarch`), with no separate `version`;
//! - newer: `name`, `version`, `release`, `architecture`, `srpm_nevra` with an explicit epoch
//!   (`dbus-1:1.12.20-7.el9_1.src`), and `module` (`nodejs:18`) for modular packages.
//!
//! Rows are checked one by one: a record without the needed fields becomes a diagnostic
//! naming its index and the rest are imported.

use serde::Deserialize;

use crate::collectors::Collection;
use crate::{Diagnostic, DiagnosticLevel, OsRelease};

use super::header::PackageHeader;

/// Name recorded in rows and diagnostics of this import.
pub const COLLECTOR: &str = "rpm-manifest";

#[derive(Debug, Deserialize)]
struct Manifest {
    rpms: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Record {
    name: String,
    version: Option<String>,
    release: String,
    architecture: Option<String>,
    srpm_name: Option<String>,
    srpm_nevra: Option<String>,
    nerva: Option<String>,
    module: Option<String>,
}

/// An epoch, version and release split from a NEVRA string.
#[derive(Debug, PartialEq, Eq)]
struct Evr<'a> {
    epoch: Option<u32>,
    version: &'a str,
    release: &'a str,
}

/// Splits `[epoch:]version-release` at the last dash.
fn parse_evr(text: &str) -> Option<Evr<'_>> {
    let (epoch, rest) = match text.split_once(':') {
        Some((epoch, rest)) => (Some(epoch.parse().ok()?), rest),
        None => (None, text),
    };
    let (version, release) = rest.rsplit_once('-')?;
    if version.is_empty() || release.is_empty() {
        return None;
    }
    Some(Evr {
        epoch,
        version,
        release,
    })
}

/// Returns the EVR of `nevra` (`name-[epoch:]version-release.arch`), given its name and arch.
fn evr_of_nevra<'a>(nevra: &'a str, name: &str, arch: &str) -> Option<Evr<'a>> {
    let rest = nevra.strip_prefix(name)?.strip_prefix('-')?;
    let rest = rest.strip_suffix(arch)?.strip_suffix('.')?;
    parse_evr(rest)
}

/// Parses an rpm manifest; `display_path` is recorded in rows and diagnostics.
///
/// Never fails: invalid JSON becomes an error diagnostic, an unusable record a warning.
pub fn parse(bytes: &[u8], display_path: &str, os: Option<&OsRelease>) -> Collection {
    let mut collection = Collection::default();
    let diagnostic =
        |level, message: String| Diagnostic::new(COLLECTOR, level, message).with_path(display_path);
    let manifest: Manifest = match serde_json::from_slice(bytes) {
        Ok(manifest) => manifest,
        Err(error) => {
            collection.diagnostics.push(diagnostic(
                DiagnosticLevel::Error,
                format!("invalid rpm manifest: {error}"),
            ));
            return collection;
        }
    };

    let ecosystem = os.and_then(|os| crate::os::advisory_ecosystem(os).ok());
    for (index, value) in manifest.rpms.into_iter().enumerate() {
        let record: Record = match serde_json::from_value(value) {
            Ok(record) => record,
            Err(error) => {
                collection.diagnostics.push(diagnostic(
                    DiagnosticLevel::Warning,
                    format!("rpms[{index}]: invalid record: {error}"),
                ));
                continue;
            }
        };
        match to_package(&record) {
            Some(package) => {
                let mut software =
                    super::to_software(&package, display_path, os, ecosystem.as_deref());
                software.collector = COLLECTOR.to_owned();
                collection.software.push(software);
            }
            None => collection.diagnostics.push(diagnostic(
                DiagnosticLevel::Warning,
                format!(
                    "rpms[{index}]: cannot determine the version of `{}` from `version` or `nerva`",
                    record.name
                ),
            )),
        }
    }
    collection
}

fn to_package(record: &Record) -> Option<PackageHeader> {
    let arch = record.architecture.clone().unwrap_or_default();
    let source = record.srpm_nevra.as_deref().and_then(|nevra| {
        let srpm_name = record.srpm_name.as_deref()?;
        Some((srpm_name, evr_of_nevra(nevra, srpm_name, "src")?))
    });

    let (epoch, version) = match (&record.nerva, &record.version) {
        (Some(nerva), _) => {
            let evr = evr_of_nevra(nerva, &record.name, &arch)?;
            if evr.release != record.release {
                return None;
            }
            (evr.epoch, evr.version.to_owned())
        }
        // NOTE: the newer shape gives the source's epoch only; the binary's is taken to be the
        // same, as it is for every subpackage rpm builds without a per-subpackage override.
        (None, Some(version)) => (
            source.as_ref().and_then(|(_, evr)| evr.epoch),
            version.clone(),
        ),
        (None, None) => return None,
    };

    // Rebuild SOURCERPM so that the row's source fields come from the same code as the
    // database collector's.
    let source_rpm =
        source.map(|(name, evr)| format!("{name}-{}-{}.src.rpm", evr.version, evr.release));
    Some(PackageHeader {
        name: record.name.clone(),
        epoch: epoch.filter(|epoch| *epoch != 0),
        version,
        release: record.release.clone(),
        arch: record.architecture.clone(),
        source_rpm,
        modularity_label: record.module.clone(),
        ..PackageHeader::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_reads_both_shapes() {
        let json = br#"{"object_type": "containerImageRPMManifest", "rpms": [
            {"srpm_name": "dbus", "name": "dbus-common", "architecture": "noarch",
             "srpm_nevra": "dbus-1.12.8-7.el8.src", "release": "7.el8",
             "nerva": "dbus-common-1:1.12.8-7.el8.noarch"},
            {"architecture": "x86_64", "name": "nodejs", "release": "3.module+el9",
             "srpm_name": "nodejs", "srpm_nevra": "nodejs-1:18.14.2-3.module+el9.src",
             "module": "nodejs:18", "version": "18.14.2"}
        ]}"#;
        let collection = parse(json, "image.json", None);
        assert_eq!(collection.diagnostics, vec![]);
        let [dbus, nodejs] = &collection.software[..] else {
            panic!("expected two rows: {:?}", collection.software);
        };
        assert_eq!(dbus.name, "dbus-common");
        assert_eq!(dbus.version, "1:1.12.8-7.el8");
        assert_eq!(dbus.source_name.as_deref(), Some("dbus"));
        assert_eq!(dbus.source_version, None);
        assert_eq!(nodejs.version, "1:18.14.2-3.module+el9");
        assert_eq!(nodejs.modularity_label.as_deref(), Some("nodejs:18"));
        assert_eq!(nodejs.collector, COLLECTOR);
    }

    #[test]
    fn manifest_bad_record_is_reported() {
        let json = br#"{"rpms": [{"name": "a"}, {"name": "b", "release": "1"},
            {"name": "c", "release": "1", "version": "2"}]}"#;
        let collection = parse(json, "m.json", None);
        assert_eq!(collection.software.len(), 1);
        assert_eq!(collection.diagnostics.len(), 2);
        assert!(collection.diagnostics[0].message.starts_with("rpms[0]"));
        assert!(collection.diagnostics[1].message.starts_with("rpms[1]"));
    }

    #[test]
    fn manifest_invalid_json_is_an_error() {
        let collection = parse(b"{not json", "m.json", None);
        assert_eq!(collection.diagnostics[0].level, DiagnosticLevel::Error);
        assert_eq!(collection.diagnostics[0].path.as_deref(), Some("m.json"));
    }
}
