//! Module streams of AlmaLinux and Rocky Linux packages.
//!
//! An rpm built for a module stream (`nodejs:18`, `container-tools:rhel8`) carries a
//! modularity label `name:stream:version:context` and a release with a `.module` marker
//! (`3.module+el9.2.0+18964+42696395` on Rocky and RHEL, `module_el8.5.0+119+9a9ec082` on
//! AlmaLinux). The same package name exists in the base repository and in every stream
//! (`nodejs` 16, 18 and 20), each with its own versions, so a fix for one stream does
//! not apply to another: comparing `nodejs 18.14.2` with a `nodejs:20` fix would call it
//! affected.
//!
//! The OSV exports of both distributions name no stream in `affected[]` (neither
//! `ecosystem`, `database_specific` nor the package name carries one). The stream appears
//! only in the record's summary (`Important: nodejs:18 security update`, in 708 of the 723
//! modular AlmaLinux records and 353 of the 358 Rocky Linux ones of their 2026 and 2025
//! exports), and an `affected[]` entry is modular when its versions carry the `.module`
//! marker. Rules, for one `affected[]` entry and one installed package:
//!
//! - a modular package is matched only by modular entries, and a non-modular package only
//!   by non-modular ones;
//! - when both the package's label and the record's summary name streams, the package's
//!   stream must be among them.
//!
//! NOTE: a modular record whose summary names no stream (`container-tools bug fix update`)
//! is applied to every stream of a package of that name, because nothing tells its stream.

use ward_intel::{Advisory, Affected};
use ward_version::range::Event;

/// Returns whether a namespace's rpm packages can come from module streams.
pub(crate) fn has_module_streams(base_ecosystem: &str) -> bool {
    matches!(base_ecosystem, "AlmaLinux" | "Rocky Linux")
}

/// Returns `name:stream` of a modularity label (`nodejs:18:9020020230301:rhel9` →
/// `nodejs:18`), or `None` for a label without a stream.
pub(crate) fn stream_of_label(label: &str) -> Option<String> {
    let mut parts = label.split(':');
    let name = parts.next().filter(|name| !name.is_empty())?;
    let stream = parts.next().filter(|stream| !stream.is_empty())?;
    Some(format!("{name}:{stream}"))
}

/// Returns whether an rpm version's release carries a module build marker.
pub(crate) fn is_modular_version(version: &str) -> bool {
    version.contains(".module+") || version.contains(".module_")
}

/// Returns the `name:stream` pairs a record's summary names, in order.
pub(crate) fn streams_in_summary(summary: &str) -> Vec<&str> {
    summary
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|word| {
            let Some((name, stream)) = word.split_once(':') else {
                return false;
            };
            let is_part = |part: &str| {
                part.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
            };
            is_part(name) && is_part(stream)
        })
        .collect()
}

/// Returns whether an `affected[]` entry's versions are module builds, or `None` when it
/// lists no version other than `introduced: 0` and so gives no evidence either way.
fn is_modular_entry(entry: &Affected) -> Option<bool> {
    let mut versions = entry.versions.iter().map(String::as_str).chain(
        entry
            .ranges
            .iter()
            .flat_map(|range| &range.events)
            .filter_map(|event| match event {
                Event::Introduced(version) if version == "0" => None,
                Event::Introduced(version)
                | Event::Fixed(version)
                | Event::LastAffected(version)
                | Event::Limit(version) => Some(version.as_str()),
            }),
    );
    let first = versions.next()?;
    Some(is_modular_version(first) || versions.any(is_modular_version))
}

/// The module context of an installed package, for [`applies`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackageModule<'a> {
    /// Whether the package is a module build (label or release marker).
    pub is_modular: bool,
    /// Its `name:stream`, when its label gives one.
    pub stream: Option<&'a str>,
}

/// Returns whether `entry` of `record` may describe a package with `module`, by the rules
/// of the module documentation.
pub(crate) fn applies(module: PackageModule<'_>, record: &Advisory, entry: &Affected) -> bool {
    let Some(is_modular_entry) = is_modular_entry(entry) else {
        return true;
    };
    if is_modular_entry != module.is_modular {
        return false;
    }
    if !module.is_modular {
        return true;
    }
    let Some(stream) = module.stream else {
        return true;
    };
    let named = record
        .summary
        .as_deref()
        .map(streams_in_summary)
        .unwrap_or_default();
    named.is_empty() || named.contains(&stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_version::range::{Range, RangeKind};

    fn entry(fixed: &str) -> Affected {
        Affected {
            ecosystem: "Rocky Linux:9".to_owned(),
            package: "nodejs".to_owned(),
            purl: None,
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                events: vec![
                    Event::Introduced("0".to_owned()),
                    Event::Fixed(fixed.to_owned()),
                ],
            }],
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: None,
        }
    }

    fn record(summary: &str, fixed: &str) -> Advisory {
        Advisory {
            id: "RLSA-2024:0001".to_owned(),
            aliases: Vec::new(),
            related: Vec::new(),
            summary: Some(summary.to_owned()),
            modified: None,
            published: None,
            withdrawn: None,
            severity: Vec::new(),
            affected: vec![entry(fixed)],
            source: "osv:Rocky Linux".to_owned(),
        }
    }

    #[test]
    fn label_streams() {
        let cases = [
            ("nodejs:18:9020020230301:rhel9", Some("nodejs:18")),
            ("nodejs:18", Some("nodejs:18")),
            ("nodejs", None),
            ("", None),
        ];
        for (label, expected) in cases {
            assert_eq!(stream_of_label(label).as_deref(), expected, "{label}");
        }
    }

    #[test]
    fn summary_streams() {
        let cases = [
            (
                "Important: container-tools:rhel8 security update",
                vec!["container-tools:rhel8"],
            ),
            (
                "Moderate: nodejs:18 and nodejs:20 security update",
                vec!["nodejs:18", "nodejs:20"],
            ),
            ("Important: varnish security update", vec![]),
            ("mariadb:10.3 bug fix update", vec!["mariadb:10.3"]),
        ];
        for (summary, expected) in cases {
            assert_eq!(streams_in_summary(summary), expected, "{summary}");
        }
    }

    #[test]
    fn module_rules() {
        let modular_fix = "1:20.11.1-1.module+el9.3.0+21071+d4b8a1ba";
        let plain_fix = "1:16.20.2-4.el9";
        let node18 = PackageModule {
            is_modular: true,
            stream: Some("nodejs:18"),
        };
        let unlabelled = PackageModule {
            is_modular: true,
            stream: None,
        };
        let base = PackageModule {
            is_modular: false,
            stream: None,
        };
        let for_20 = record("Important: nodejs:20 security update", modular_fix);
        let for_18_and_20 = record("Important: nodejs:18 and nodejs:20 update", modular_fix);
        let unnamed = record("Important: nodejs security update", modular_fix);
        let base_record = record("Important: nodejs security update", plain_fix);

        let cases = [
            (node18, &for_20, false, "other stream"),
            (node18, &for_18_and_20, true, "stream named"),
            (node18, &unnamed, true, "no stream named"),
            (node18, &base_record, false, "base fix for a module build"),
            (unlabelled, &for_20, true, "package stream unknown"),
            (base, &for_20, false, "module fix for a base package"),
            (base, &base_record, true, "base fix for a base package"),
        ];
        for (module, record, expected, case) in cases {
            assert_eq!(
                applies(module, record, &record.affected[0]),
                expected,
                "{case}"
            );
        }
    }
}
