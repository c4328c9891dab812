//! Origin of a Debian or Ubuntu package: the distribution's own build, or a third party's.
//!
//! A package built by a third party under a distribution package's name (NodeSource's
//! `nodejs 20.20.2-1nodesource1`, PostgreSQL's `16.4-1.pgdg120+1`, Ondřej Surý's PHP builds)
//! follows its vendor's versions and fixes. Debian's advisories for `nodejs` describe
//! Debian's `nodejs 18.19.0+dfsg-6~deb12u2`, so applying them to the vendor's build gives
//! both false alarms and misses.
//!
//! Rules, in order; the first that applies decides:
//!
//! 1. A package is a third-party build when the Debian revision of its version or of its
//!    source version (the part after the last `-`) contains a word outside the vocabulary
//!    that Debian and Ubuntu use in revisions ([`DISTRIBUTION_WORDS`]). Debian revisions are
//!    digits with `deb12u1`, `bpo12`, `b1` (binary NMU) and older codenames; Ubuntu adds
//!    `ubuntu`, `build` and `esm`. A vendor's revision carries its name (`nodesource`,
//!    `pgdg`, `debian` as in Docker's `~debian.12~bookworm`).
//! 2. When APT's package lists carry the installed version ([`Software::apt_origins`]), a
//!    package published by no Debian or Ubuntu archive is a third-party build, and one
//!    published by such an archive is the distribution's.
//! 3. Otherwise the origin is unknown when the dpkg `Maintainer` (the inventory's `vendor`)
//!    has no Debian or Ubuntu address, the revision names no release (`+deb12u3`,
//!    `~bpo12`, `ubuntu`), and the version appears nowhere in the distribution's records
//!    of the package (`versions[]` or a range event). Such a package is still matched,
//!    because Debian packages are also maintained from addresses anywhere and an old
//!    Debian version is in no list, but its findings are marked
//!    [`crate::Component::origin_unknown`].

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

/// Returns whether an APT `Origin:` is Debian's or Ubuntu's (`Debian`, `Debian Backports`,
/// `Ubuntu`, `UbuntuESM`).
fn is_distribution_origin(origin: &str) -> bool {
    origin.starts_with("Debian") || origin.starts_with("Ubuntu")
}

/// Returns whether a dpkg `Maintainer` (`Name <address>`) has a Debian or Ubuntu address.
fn has_distribution_address(maintainer: &str) -> bool {
    let address = maintainer
        .rsplit_once('<')
        .map_or(maintainer, |(_, rest)| rest.trim_end_matches('>'));
    let domain = address
        .rsplit_once('@')
        .map_or("", |(_, domain)| domain)
        .trim()
        .to_ascii_lowercase();
    ["debian.org", "debian.net", "ubuntu.com", "canonical.com"]
        .iter()
        .any(|own| domain == *own || domain.ends_with(&format!(".{own}")))
}

/// Returns the APT origins that mark `software` as a third-party build: its installed
/// version is in the package lists of some archives, none of them Debian's or Ubuntu's.
pub(crate) fn third_party_origins(software: &Software) -> Option<String> {
    let origins = &software.apt_origins;
    if origins.is_empty() || origins.iter().any(|origin| is_distribution_origin(origin)) {
        return None;
    }
    Some(origins.join("`, `"))
}

/// Returns why the origin of `software` is unknown (rule 3 of the module documentation,
/// before the distribution's records are consulted), or `None` when nothing suggests a third
/// party.
pub(crate) fn origin_doubt(software: &Software) -> Option<String> {
    if !software.apt_origins.is_empty() {
        return None;
    }
    let maintainer = software.vendor.as_deref()?;
    if has_distribution_address(maintainer) || has_release_tag(software) {
        return None;
    }
    Some(format!(
        "{} {}: maintainer {maintainer} has no Debian or Ubuntu address and no APT package \
         list carries this version",
        software.name, software.version
    ))
}

/// Returns whether the revision of the version or source version names a distribution
/// release (`+deb12u3`, `~bpo12+1`, `0ubuntu1`), which only the distribution's own uploads
/// carry.
fn has_release_tag(software: &Software) -> bool {
    [
        Some(software.version.as_str()),
        software.source_version.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(debian_revision)
    .flat_map(|revision| revision.split(|c: char| !c.is_ascii_alphabetic()))
    .any(|word| matches!(word, "deb" | "bpo" | "ubuntu"))
}

/// Describes a third-party build found through APT's lists: the origins and the maintainer.
pub(crate) fn describe_origins(software: &Software, origins: &str) -> String {
    match &software.vendor {
        Some(maintainer) => format!(
            "installed version is published only by APT origin `{origins}`; maintainer \
             {maintainer}"
        ),
        None => format!("installed version is published only by APT origin `{origins}`"),
    }
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

    fn maintained(version: &str, maintainer: &str, origins: &[&str]) -> Software {
        Software {
            vendor: Some(maintainer.to_owned()),
            apt_origins: origins.iter().map(|origin| (*origin).to_owned()).collect(),
            ..package(version, None)
        }
    }

    #[test]
    fn apt_origins_decide_third_party() {
        let cases = [
            (&["Node Source"][..], Some("Node Source")),
            (&["Debian", "Node Source"][..], None),
            (&["Debian Backports"][..], None),
            (&["Ubuntu"][..], None),
            (&[][..], None),
        ];
        for (origins, expected) in cases {
            let software = maintained("1.2.3-1", "X <x@example.com>", origins);
            assert_eq!(
                third_party_origins(&software).as_deref(),
                expected,
                "{origins:?}"
            );
        }
    }

    #[test]
    fn doubt_needs_foreign_maintainer_and_no_list() {
        let cases = [
            (
                "Debian X Maintainers <pkg-x@lists.alioth.debian.org>",
                &[][..],
                false,
            ),
            ("Jane <jane@debian.org>", &[][..], false),
            (
                "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>",
                &[][..],
                false,
            ),
            ("Vendor <ops@example.com>", &[][..], true),
            ("Vendor <ops@example.com>", &["Debian"][..], false),
            ("Vendor <ops@notdebian.org>", &[][..], true),
        ];
        let security_update = maintained("1:2.39.5-0+deb12u3", "Jo <jo@gmail.example>", &[]);
        assert_eq!(origin_doubt(&security_update), None, "release tag");
        for (maintainer, origins, expected) in cases {
            let software = maintained("1.2.3-1", maintainer, origins);
            assert_eq!(
                origin_doubt(&software).is_some(),
                expected,
                "{maintainer} {origins:?}"
            );
        }
        assert_eq!(
            origin_doubt(&package("1.2.3-1", None)),
            None,
            "no maintainer"
        );
    }

    #[test]
    fn source_version_tag_counts() {
        let software = package("1.0-1", Some("1.0-1nodesource1"));
        assert_eq!(third_party_tag(&software).as_deref(), Some("nodesource"));
    }
}
