//! Selection of the software rows to match, and the package name and version to match.
//!
//! Advisory feeds key their records differently, and the name and version compared must be
//! the ones the feed uses:
//!
//! | namespace | advisories name | version compared |
//! |---|---|---|
//! | `Debian:*`, `Ubuntu:*` | source package (`Source:`) | source version |
//! | `Alpine:*` | origin (source) package | the package's own version, which every subpackage of an origin shares |
//! | `Rocky Linux:*` | source rpm (one `affected[]` entry per SRPM, e.g. `dhcp`) | source EVR |
//! | `AlmaLinux:*` | binary rpm (`openssl-libs`) | the binary's own EVR |
//! | `PyPI` | PEP 503 name | own version |
//! | other language ecosystems | own name (npm scope, Maven `group:artifact`, Go module path) | own version |
//!
//! The Rocky Linux and AlmaLinux rows follow the records published in their OSV exports:
//! Rocky's name the source rpm with an epoch in every fixed version, Alma's list each binary
//! package. An rpm subpackage's own epoch may differ from its source's; the rpm collector
//! gives the source EVR the binary's epoch, since `SOURCERPM` carries none.
//!
//! Rows not matched although they have a namespace: language packages installed by an OS
//! package (judged through that package), and Debian or Ubuntu packages built by a third
//! party (see [`crate::origin`]). Rows whose origin is only in doubt are matched, with the
//! doubt carried to their component.

use std::borrow::Cow;

use ward_inventory::Software;

use crate::{module, origin, KeyedBy, NotAssessed, NotAssessedReason};

/// A software row to match, with the package name and version its advisories use.
#[derive(Debug, Clone)]
pub(crate) struct Target<'a> {
    /// Advisory namespace (`Debian:12`, `PyPI`).
    pub ecosystem: &'a str,
    /// Package name the advisories are keyed by.
    pub package: Cow<'a, str>,
    /// Version compared with the advisories' ranges.
    pub version: &'a str,
    /// Whether `package` is the row's own name or its source package's.
    pub keyed_by: KeyedBy,
    /// Why the row may be a third-party build although nothing proves it (see
    /// [`origin::origin_doubt`]); `None` when nothing suggests so.
    pub origin_doubt: Option<String>,
    /// `name:stream` of an AlmaLinux or Rocky Linux module build's label.
    pub module_stream: Option<String>,
}

/// The decision for one software row.
#[derive(Debug, Clone)]
pub(crate) enum Selection<'a> {
    /// Match it.
    Assess(Target<'a>),
    /// Do not match it, for the reason given.
    Skip(NotAssessed),
    /// It has no advisory namespace.
    NoEcosystem,
}

/// Decides how `row` is matched.
pub(crate) fn select(row: &Software) -> Selection<'_> {
    let Some(ecosystem) = row.ecosystem.as_deref() else {
        return Selection::NoEcosystem;
    };
    let base = base_ecosystem(ecosystem);

    if let Some(owner) = &row.owned_by {
        if !is_os_ecosystem(ecosystem) {
            return Selection::Skip(not_assessed(
                row,
                ecosystem,
                NotAssessedReason::OsOwned,
                format!("installed by {owner}, so judged by that package's advisories"),
            ));
        }
    }

    let mut origin_doubt = None;
    if matches!(base, "Debian" | "Ubuntu") {
        if let Some(tag) = origin::third_party_tag(row) {
            return Selection::Skip(not_assessed(
                row,
                ecosystem,
                NotAssessedReason::ThirdPartyBuild,
                origin::describe(row, &tag),
            ));
        }
        if let Some(origins) = origin::third_party_origins(row) {
            return Selection::Skip(not_assessed(
                row,
                ecosystem,
                NotAssessedReason::ThirdPartyBuild,
                origin::describe_origins(row, &origins),
            ));
        }
        origin_doubt = origin::origin_doubt(row);
    }
    let module_stream = if module::has_module_streams(base) {
        row.modularity_label
            .as_deref()
            .and_then(module::stream_of_label)
    } else {
        None
    };

    let target = if keys_by_source_package(base) {
        Target {
            ecosystem,
            package: Cow::Borrowed(row.source_name_or_name()),
            version: row.source_version_or_version(),
            keyed_by: KeyedBy::SourcePackage,
            origin_doubt,
            module_stream,
        }
    } else {
        Target {
            ecosystem,
            package: ward_intel::package_key(ecosystem, &row.name),
            version: &row.version,
            keyed_by: KeyedBy::Package,
            origin_doubt,
            module_stream,
        }
    };
    Selection::Assess(target)
}

/// Returns the namespace without its release (`Debian:12` → `Debian`).
pub(crate) fn base_ecosystem(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

/// Returns whether an advisory namespace (`Debian:12`, `Alpine:v3.20`, `PyPI`) is an
/// operating system's, whose releases each have their own advisory data.
pub fn is_os_ecosystem(ecosystem: &str) -> bool {
    matches!(
        base_ecosystem(ecosystem),
        "Debian"
            | "Ubuntu"
            | "Alpine"
            | "AlmaLinux"
            | "Rocky Linux"
            | "Red Hat"
            | "SUSE"
            | "openSUSE"
            | "Photon OS"
            | "Mageia"
            | "openEuler"
            | "Azure Linux"
            | "Wolfi"
            | "Chainguard"
    )
}

/// Returns whether the namespace's advisories name source packages (see the module table).
fn keys_by_source_package(base: &str) -> bool {
    matches!(base, "Debian" | "Ubuntu" | "Alpine" | "Rocky Linux")
}

fn not_assessed(
    row: &Software,
    ecosystem: &str,
    reason: NotAssessedReason,
    detail: String,
) -> NotAssessed {
    NotAssessed {
        name: row.name.clone(),
        version: row.version.clone(),
        ecosystem: ecosystem.to_owned(),
        path: row.path.clone(),
        reason,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ecosystem: &str, name: &str, version: &str, source: Option<(&str, &str)>) -> Software {
        Software {
            name: name.to_owned(),
            version: version.to_owned(),
            ecosystem: Some(ecosystem.to_owned()),
            source_name: source.map(|(name, _)| name.to_owned()),
            source_version: source.map(|(_, version)| version.to_owned()),
            ..Software::default()
        }
    }

    fn target(row: &Software) -> (String, String, KeyedBy) {
        match select(row) {
            Selection::Assess(target) => (
                target.package.into_owned(),
                target.version.to_owned(),
                target.keyed_by,
            ),
            other => panic!("expected a target for {}, got {other:?}", row.name),
        }
    }

    #[test]
    fn identity_per_namespace() {
        let cases = [
            (
                row(
                    "Debian:12",
                    "bsdutils",
                    "1:2.38.1-5",
                    Some(("util-linux", "2.38.1-5")),
                ),
                ("util-linux", "2.38.1-5", KeyedBy::SourcePackage),
            ),
            (
                row(
                    "Alpine:v3.20",
                    "libcrypto3",
                    "3.3.2-r0",
                    Some(("openssl", "3.3.2-r0")),
                ),
                ("openssl", "3.3.2-r0", KeyedBy::SourcePackage),
            ),
            (
                row(
                    "Rocky Linux:9",
                    "dhcp-client",
                    "2:4.4.2-18.b1.el9",
                    Some(("dhcp", "2:4.4.2-18.b1.el9")),
                ),
                ("dhcp", "2:4.4.2-18.b1.el9", KeyedBy::SourcePackage),
            ),
            (
                row(
                    "AlmaLinux:9",
                    "openssl-libs",
                    "1:3.0.7-27.el9",
                    Some(("openssl", "1:3.0.7-27.el9")),
                ),
                ("openssl-libs", "1:3.0.7-27.el9", KeyedBy::Package),
            ),
            (
                row("PyPI", "Zope.Interface", "5.0", None),
                ("zope-interface", "5.0", KeyedBy::Package),
            ),
            (
                row("npm", "@Types/Node", "20.1.0", None),
                ("@Types/Node", "20.1.0", KeyedBy::Package),
            ),
        ];
        for (software, (package, version, keyed_by)) in cases {
            let (got_package, got_version, got_keyed_by) = target(&software);
            assert_eq!(got_package, package, "{}", software.name);
            assert_eq!(got_version, version, "{}", software.name);
            assert_eq!(got_keyed_by, keyed_by, "{}", software.name);
        }
    }

    #[test]
    fn os_owned_language_package_skipped() {
        let mut software = row("PyPI", "requests", "2.28.1", None);
        software.owned_by = Some("deb:python3-requests".to_owned());
        let Selection::Skip(skipped) = select(&software) else {
            panic!("an OS-owned PyPI package must be skipped");
        };
        assert_eq!(skipped.reason, NotAssessedReason::OsOwned);
        assert!(
            skipped.detail.contains("deb:python3-requests"),
            "{}",
            skipped.detail
        );
    }

    #[test]
    fn third_party_deb_skipped() {
        let mut software = row("Debian:12", "nodejs", "20.20.2-1nodesource1+repack1", None);
        software.vendor = Some("NodeSource Support <support@nodesource.com>".to_owned());
        let Selection::Skip(skipped) = select(&software) else {
            panic!("a NodeSource build must be skipped");
        };
        assert_eq!(skipped.reason, NotAssessedReason::ThirdPartyBuild);
        assert!(
            skipped.detail.contains("`nodesource`"),
            "{}",
            skipped.detail
        );
        assert!(
            skipped.detail.contains("support@nodesource.com"),
            "{}",
            skipped.detail
        );
    }

    #[test]
    fn third_party_apt_origin_skipped() {
        let mut software = row("Debian:12", "google-cloud-cli", "500.0.0-0", None);
        software.apt_origins = vec!["cloud-sdk".to_owned()];
        let Selection::Skip(skipped) = select(&software) else {
            panic!("a package published only by a third-party archive must be skipped");
        };
        assert_eq!(skipped.reason, NotAssessedReason::ThirdPartyBuild);
        assert!(skipped.detail.contains("`cloud-sdk`"), "{}", skipped.detail);
    }

    #[test]
    fn doubtful_origin_still_matched() {
        let mut software = row("Debian:12", "tool", "1.2.3-1", None);
        software.vendor = Some("Vendor <ops@example.com>".to_owned());
        let Selection::Assess(target) = select(&software) else {
            panic!("a package of doubtful origin must still be matched");
        };
        assert!(target.origin_doubt.is_some());
    }

    #[test]
    fn row_without_namespace() {
        let software = Software {
            name: "x".to_owned(),
            ..Software::default()
        };
        assert!(matches!(select(&software), Selection::NoEcosystem));
    }
}
