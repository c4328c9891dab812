//! Advisory namespace of an operating system release, in OSV's ecosystem spelling.
//!
//! OSV scopes distribution advisories by release inside `affected[].package.ecosystem`, with
//! these names:
//!
//! | OS | `os-release` | namespace |
//! |---|---|---|
//! | Debian stable | `VERSION_ID=12`, point release 12.11 | `Debian:12` |
//! | Debian testing | no `VERSION_ID`, `VERSION_CODENAME=trixie` | `Debian:13` (next release) |
//! | Ubuntu LTS | `VERSION_ID=22.04` | `Ubuntu:22.04:LTS` |
//! | Ubuntu interim | `VERSION_ID=23.10` | `Ubuntu:23.10` |
//! | Alpine | `VERSION_ID=3.20.3` | `Alpine:v3.20` |
//! | AlmaLinux, Rocky | `VERSION_ID=9.4` | `AlmaLinux:9`, `Rocky Linux:9` |
//!
//! Everything else has no namespace: [`advisory_ecosystem`] returns an [`UnmappedRelease`]
//! that says why, and the caller records it, so that an unknown release is never matched
//! against another release's data and never passes silently as "no findings".

use crate::OsRelease;

/// Debian codenames and their release numbers, for releases without `VERSION_ID` (testing)
/// and roots without `os-release`.
const DEBIAN_CODENAMES: &[(&str, &str)] = &[
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// An OS release that has no advisory namespace, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no advisory data for this release: `{os_id}` `{version}`: {reason}")]
pub struct UnmappedRelease {
    /// `ID` of the release.
    pub os_id: String,
    /// `VERSION_ID`, or the codename, or `unknown`.
    pub version: String,
    /// Reason no namespace applies.
    pub reason: &'static str,
}

/// Returns the OSV ecosystem that advisories for this release's OS packages use.
///
/// # Errors
///
/// Returns [`UnmappedRelease`] when OSV publishes no data for the release (Alpine edge,
/// Debian unstable, Arch, OpenWrt…) or when the release cannot be identified.
pub fn advisory_ecosystem(os: &OsRelease) -> Result<String, UnmappedRelease> {
    let version = os
        .version_id
        .clone()
        .or_else(|| os.version_codename.clone())
        .unwrap_or_else(|| "unknown".to_owned());
    let unmapped = |reason: &'static str| UnmappedRelease {
        os_id: os.id.clone(),
        version: version.clone(),
        reason,
    };

    match os.id.as_str() {
        "debian" => debian(os).ok_or_else(|| {
            unmapped("release not identified, or Debian unstable (sid), which OSV does not cover")
        }),
        "ubuntu" => ubuntu(os).ok_or_else(|| unmapped("`VERSION_ID` missing or not `YY.MM`")),
        "alpine" => alpine(os).map_err(unmapped),
        "almalinux" => major(os)
            .map(|major| format!("AlmaLinux:{major}"))
            .ok_or_else(|| unmapped("`VERSION_ID` missing")),
        "rocky" => major(os)
            .map(|major| format!("Rocky Linux:{major}"))
            .ok_or_else(|| unmapped("`VERSION_ID` missing")),
        // NOTE: OSV's `Red Hat` ecosystem is scoped by product stream and repository (a CPE
        // such as `Red Hat:enterprise_linux:9::appstream`), which `os-release` does not name;
        // mapping it needs the repository of each package.
        "rhel" => Err(unmapped(
            "Red Hat advisories are scoped by product stream and repository, not by release",
        )),
        _ => Err(unmapped(
            "OSV publishes no advisories for this distribution",
        )),
    }
}

/// `Debian:<major>`, from `VERSION_ID`, the point release or the codename.
fn debian(os: &OsRelease) -> Option<String> {
    let from_version = os
        .version_id
        .as_deref()
        .or(os.point_release.as_deref())
        .and_then(|version| version.split('.').next())
        .filter(|major| !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()));
    if let Some(major) = from_version {
        return Some(format!("Debian:{major}"));
    }

    // Testing has no `VERSION_ID`; its codename is the next stable release, whose OSV
    // namespace the Debian security tracker already fills. Unstable (`sid`) has none.
    // NOTE: unstable hosts carry testing's `os-release` and `debian_version` (`trixie/sid`),
    // so an unstable host is judged as testing; telling them apart needs the APT sources.
    let codename = os.version_codename.as_deref()?;
    DEBIAN_CODENAMES
        .iter()
        .find(|(name, _)| *name == codename)
        .map(|(_, major)| format!("Debian:{major}"))
}

/// `Ubuntu:<YY.MM>[:LTS]`; LTS releases are the `.04` releases of even years.
fn ubuntu(os: &OsRelease) -> Option<String> {
    let version = os.version_id.as_deref()?;
    let (year, month) = version.split_once('.')?;
    let year: u32 = year.parse().ok()?;
    let month: u32 = month.parse().ok()?;

    let is_lts = year.is_multiple_of(2) && month == 4;
    let suffix = if is_lts { ":LTS" } else { "" };
    Some(format!("Ubuntu:{year:02}.{month:02}{suffix}"))
}

/// `Alpine:v<major>.<minor>` from the point release.
fn alpine(os: &OsRelease) -> Result<String, &'static str> {
    let Some(version) = os.version_id.as_deref() else {
        return Err("`VERSION_ID` missing");
    };

    // Edge snapshots carry a pre-release suffix (`3.21.0_alpha20240807`); OSV has no
    // `Alpine:edge` namespace (the Alpine secdb edge branch is not converted).
    let pretty = os.pretty_name.as_deref().unwrap_or_default();
    if version.contains('_') || pretty.contains("edge") {
        return Err("Alpine edge (a development snapshot), which OSV does not cover");
    }

    let mut parts = version.split('.');
    let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
        return Err("`VERSION_ID` is not `major.minor[.patch]`");
    };
    let is_number = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !is_number(major) || !is_number(minor) {
        return Err("`VERSION_ID` is not `major.minor[.patch]`");
    }
    Ok(format!("Alpine:v{major}.{minor}"))
}

/// The major release number (`9` of `9.4`).
fn major(os: &OsRelease) -> Option<&str> {
    let major = os.version_id.as_deref()?.split('.').next()?;
    (!major.is_empty() && major.bytes().all(|b| b.is_ascii_digit())).then_some(major)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(id: &str, version_id: Option<&str>, codename: Option<&str>) -> OsRelease {
        OsRelease {
            id: id.to_owned(),
            version_id: version_id.map(str::to_owned),
            version_codename: codename.map(str::to_owned),
            ..OsRelease::default()
        }
    }

    #[test]
    fn mapped_releases_use_osv_spelling() {
        let cases = [
            (release("debian", Some("12"), Some("bookworm")), "Debian:12"),
            (release("debian", Some("11"), None), "Debian:11"),
            (release("debian", None, Some("trixie")), "Debian:13"),
            (
                release("ubuntu", Some("22.04"), Some("jammy")),
                "Ubuntu:22.04:LTS",
            ),
            (release("ubuntu", Some("24.04"), None), "Ubuntu:24.04:LTS"),
            (release("ubuntu", Some("23.10"), None), "Ubuntu:23.10"),
            (release("ubuntu", Some("23.04"), None), "Ubuntu:23.04"),
            (release("ubuntu", Some("18.04"), None), "Ubuntu:18.04:LTS"),
            (release("alpine", Some("3.20.3"), None), "Alpine:v3.20"),
            (release("alpine", Some("3.9"), None), "Alpine:v3.9"),
            (release("almalinux", Some("9.4"), None), "AlmaLinux:9"),
            (release("rocky", Some("8.10"), None), "Rocky Linux:8"),
        ];
        for (os, expected) in cases {
            assert_eq!(
                advisory_ecosystem(&os).as_deref(),
                Ok(expected),
                "case {os:?}"
            );
        }
    }

    #[test]
    fn debian_point_release_maps_to_major() {
        let os = OsRelease {
            id: "debian".to_owned(),
            point_release: Some("12.11".to_owned()),
            ..OsRelease::default()
        };
        assert_eq!(advisory_ecosystem(&os).as_deref(), Ok("Debian:12"));
    }

    #[test]
    fn unmapped_releases_say_why() {
        let cases = [
            release("debian", None, Some("sid")),
            release("debian", None, None),
            release("alpine", Some("3.21.0_alpha20240807"), None),
            release("alpine", None, None),
            release("ubuntu", Some("jammy"), None),
            release("rhel", Some("9.4"), None),
            release("arch", None, None),
            release("openwrt", Some("23.05.3"), None),
        ];
        for os in cases {
            let error = advisory_ecosystem(&os).expect_err(&format!("case {os:?}"));
            assert_eq!(error.os_id, os.id, "case {os:?}");
            assert!(
                error
                    .to_string()
                    .starts_with("no advisory data for this release"),
                "case {os:?}: {error}"
            );
        }
    }

    #[test]
    fn alpine_edge_by_pretty_name_is_unmapped() {
        let os = OsRelease {
            id: "alpine".to_owned(),
            version_id: Some("3.21.0".to_owned()),
            pretty_name: Some("Alpine Linux edge".to_owned()),
            ..OsRelease::default()
        };
        assert!(advisory_ecosystem(&os).is_err());
    }
}
