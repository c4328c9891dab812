//! Origin of a Debian or Ubuntu package: the distribution's own build, or a third party's.
//!
//! A package built by a third party under a distribution package's name (NodeSource's
//! `nodejs 20.20.2-1nodesource1`, PostgreSQL's `16.4-1.pgdg120+1`, Ondřej Surý's PHP builds)
//! follows its vendor's versions and fixes. Debian's advisories for `nodejs` describe
//! Debian's `nodejs 18.19.0+dfsg-6~deb12u2`, so applying them to the vendor's build gives
//! both false alarms and misses.
//!
//! Rule: a package is a third-party build when the Debian revision of its version or of its
//! source version (the part after the last `-`) contains a word outside the vocabulary that
//! Debian and Ubuntu use in revisions ([`DISTRIBUTION_WORDS`]). Debian revisions are digits
//! with `deb12u1`, `bpo12`, `b1` (binary NMU) and older codenames; Ubuntu adds `ubuntu`,
//! `build` and `esm`. A vendor's revision carries its name (`nodesource`, `pgdg`, `debian`
//! as in Docker's `~debian.12~bookworm`).
//!
//! The dpkg `Maintainer` (the inventory's `vendor`) is shown with the decision but does not
//! decide alone, because Debian packages are maintained by people with addresses anywhere.
//! NOTE: a third-party build whose revision carries no vendor word (`1.2.3-1`) is not
//! recognised. Telling it apart needs the APT repository it came from, and dpkg's status
//! file does not record that.

use ward_inventory::Software;

/// Words that Debian and Ubuntu use in the revision of their own packages, compared after
/// splitting the revision at every non-letter.
const DISTRIBUTION_WORDS: &[&str] = &[
    // Debian security and point-release updates (`+deb12u1`, `~deb12u1`), backports
    // (`~bpo12+1`), binary NMUs (`+b1`), experimental (`~exp1`), NMUs (`nmu1`).
    "deb", "u", "bpo", "b", "exp", "nmu", // Repacked sources, when a revision repeats them.
    "dfsg", "ds", "really", "repack", // Codenames of security updates before `debNuM`.
    "woody", "sarge", "etch", "lenny", "squeeze", "wheezy", "jessie", "stretch", "buster",
    "bullseye", "bookworm", "trixie", // Ubuntu (`0ubuntu1`, `build1`, `+esm1`).
    "ubuntu", "build", "esm", "fakesync",
];

/// Returns the vendor word that marks `software` as a third-party build of a Debian or
/// Ubuntu package name, or `None` for the distribution's own build.
pub(crate) fn third_party_tag(software: &Software) -> Option<String> {
    let versions = [
        Some(software.version.as_str()),
        software.source_version.as_deref(),
    ];
    versions
        .into_iter()
        .flatten()
        .find_map(|version| foreign_word(debian_revision(version)?))
}

/// Returns the Debian revision of `version` (after the last `-`), or `None` for a native
/// package, which has none.
fn debian_revision(version: &str) -> Option<&str> {
    version.rsplit_once('-').map(|(_, revision)| revision)
}

/// Returns the first letter run of `revision` outside [`DISTRIBUTION_WORDS`].
fn foreign_word(revision: &str) -> Option<String> {
    revision
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .find(|word| !DISTRIBUTION_WORDS.contains(&word.as_str()))
}

/// Describes the third-party build for users: the vendor word and the maintainer.
pub(crate) fn describe(software: &Software, tag: &str) -> String {
    match &software.vendor {
        Some(maintainer) => format!("version carries vendor tag `{tag}`; maintainer {maintainer}"),
        None => format!("version carries vendor tag `{tag}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(version: &str, source_version: Option<&str>) -> Software {
        Software {
            name: "p".to_owned(),
            version: version.to_owned(),
            source_version: source_version.map(str::to_owned),
            ..Software::default()
        }
    }

    #[test]
    fn distribution_revisions_are_own() {
        let versions = [
            "3.0.15-1~deb12u1",
            "1:2.38.1-5+deb12u3",
            "0.9.0-2+b1",
            "2.9.14+dfsg-1.3~deb12u1",
            "5.10.0-1~bpo11+1",
            "1.2-3+squeeze1",
            "2.35-0ubuntu3.8",
            "1.1.1f-1ubuntu2.24+esm1",
            "4.2-1build1",
            "20230311",
            "12.4+deb12u11",
            "1.0-1.1",
        ];
        for version in versions {
            assert_eq!(third_party_tag(&package(version, None)), None, "{version}");
        }
    }

    #[test]
    fn vendor_revisions_are_third_party() {
        let cases = [
            ("20.20.2-1nodesource1+repack1", "nodesource"),
            ("16.4-1.pgdg120+1", "pgdg"),
            ("5:27.3.1-1~debian.12~bookworm", "debian"),
            ("8.2.7-1+0~20230602.20+debian12~1.gbp1a2b3c", "debian"),
            ("1.0-1+rpi1", "rpi"),
        ];
        for (version, expected) in cases {
            assert_eq!(
                third_party_tag(&package(version, None)).as_deref(),
                Some(expected),
                "{version}"
            );
        }
    }

    #[test]
    fn source_version_tag_counts() {
        let software = package("1.0-1", Some("1.0-1nodesource1"));
        assert_eq!(third_party_tag(&software).as_deref(), Some("nodesource"));
    }
}
