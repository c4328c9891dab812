//! Python package versions, ordered as PEP 440 and the `packaging` library order them.
//!
//! The rules are those of the PyPA version specifiers specification
//! (<https://packaging.python.org/en/latest/specifications/version-specifiers/>), which
//! replaced PEP 440. Parsing and ordering come from the `pep440_rs` crate, the
//! implementation that uv uses, wrapped so that this crate's API does not expose it. Writing
//! another parser would only add a second place for the many normalisation rules to go wrong.
//!
//! Traps:
//! - Normalisation makes many spellings equal. It ignores case (`1.0RC1`), a leading `v`,
//!   leading zeros (`1.01`) and the `-`, `_` or `.` before a pre-, post- or dev-release
//!   label. The labels `alpha`/`a`, `beta`/`b`, `c`/`pre`/`preview`/`rc` and `rev`/`r`/`post`
//!   are synonyms. `1.0-1` is the post-release `1.0.post1`, and a missing number is `0`
//!   (`1.0rc` is `1.0rc0`).
//! - The release pads with zeros: `1.0 == 1.0.0`.
//! - A higher epoch (`N!`) wins over everything else: `1!0.1 > 2.0`.
//! - `1.0.dev0 < 1.0a1 < 1.0a1.post1.dev0 < 1.0a1.post1 < 1.0rc1 < 1.0 < 1.0.post1.dev0 <
//!   1.0.post1`: a dev release of a final release sorts before its pre-releases.
//! - A local label sorts after the same version without one (`1.0 < 1.0+ubuntu.1`). Local
//!   segments compare one by one, numbers numerically and above every string, strings
//!   case-insensitively, and a longer label wins when the shorter one is its prefix.
//!
//! Chosen behaviours:
//! - Versions follow the current `packaging` (22 and later). Non-PEP 440 strings such as
//!   `0.1-bulbasaur`, which `packaging` before 22 ordered as `LegacyVersion`, are invalid,
//!   so range evaluation returns `Unknown` for them instead of guessing.
//! - A local label must be ASCII, as `packaging` main requires; `packaging` 25.0 still
//!   accepts some non-ASCII letters (`1.0+İ`).
//! - Every number must fit in a `u64`. `packaging` accepts numbers of any length, so a
//!   version with a number above 18446744073709551615 is valid there and invalid here.
//!   The largest dev-release number, `u64::MAX`, is rejected as well, because `pep440_rs`
//!   uses it to mean "no dev release" when ordering pre-releases.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "pep440";

/// A parsed Python package version.
///
/// Equality and ordering are PEP 440's: `1.0`, `1.0.0` and `v1.0` are equal. [`Display`]
/// prints the normalised form, as `str(packaging.version.Version(...))` does.
///
/// [`Display`]: fmt::Display
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(pep440_rs::Version);

impl Version {
    /// Returns the epoch, `0` when the version has none.
    pub fn epoch(&self) -> u64 {
        self.0.epoch()
    }

    /// Returns the release numbers (`[1, 2, 3]` for `1.2.3rc1`), without padding.
    pub fn release(&self) -> &[u64] {
        self.0.release()
    }

    /// Returns whether the version is a pre-release or a dev release (`1.0a1`, `1.0.dev0`,
    /// `1.0.post1.dev0`): the versions that specifiers exclude unless asked.
    pub fn is_prerelease(&self) -> bool {
        self.0.any_prerelease()
    }

    /// Returns whether the version has a post-release number (`1.0.post1`, `1.0-1`).
    pub fn is_post_release(&self) -> bool {
        self.0.is_post()
    }

    /// Returns the post-release number (`1` for `1.0.post1` and `1.0-1`), `None` when the
    /// version has none.
    pub fn post(&self) -> Option<u64> {
        self.0.post()
    }

    /// Returns the dev-release number (`0` for `1.0.dev0`), `None` when the version has none.
    pub fn dev(&self) -> Option<u64> {
        self.0.dev()
    }

    /// Returns the pre-release label and number, for comparing two versions' labels.
    pub(crate) fn pre(&self) -> Option<pep440_rs::Prerelease> {
        self.0.pre()
    }

    /// Returns the version with its dev-release number replaced: `1.0.post1` with `0`
    /// gives `1.0.post1.dev0`.
    pub(crate) fn with_dev(&self, dev: u64) -> Version {
        Version(self.0.clone().with_dev(Some(dev)))
    }

    /// Returns whether the version has a local label (`1.0+ubuntu.1`).
    pub fn is_local(&self) -> bool {
        self.0.is_local()
    }

    /// Returns the version without its local label: `1.0+ubuntu.1` gives `1.0`.
    ///
    /// Specifiers such as `==1.0` and `<=1.0` compare this public part.
    pub fn without_local(&self) -> Version {
        Version(self.0.clone().without_local())
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: String| VersionError::new(SCHEME, value, reason);

        let version =
            pep440_rs::Version::from_str(value).map_err(|error| invalid(error.to_string()))?;
        if version.dev() == Some(u64::MAX) {
            return Err(invalid(format!(
                "dev release number is too large, the maximum is {}",
                u64::MAX - 1
            )));
        }
        Ok(Version(version))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Version {
        match text.parse() {
            Ok(version) => version,
            Err(error) => panic!("`{text}` should parse: {error}"),
        }
    }

    #[test]
    fn pep440_ordering_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            // Normalisation.
            ("1.0RC1", "1.0rc1", Equal),
            ("v1.0", "1.0", Equal),
            ("1.0-1", "1.0.post1", Equal),
            ("1.0_post_1", "1.0.post1", Equal),
            ("1.0rev1", "1.0.post1", Equal),
            ("1.0r1", "1.0.post1", Equal),
            ("1.0alpha1", "1.0a1", Equal),
            ("1.0-beta.2", "1.0b2", Equal),
            ("1.0c1", "1.0rc1", Equal),
            ("1.0pre1", "1.0rc1", Equal),
            ("1.0preview1", "1.0rc1", Equal),
            ("1.0rc", "1.0rc0", Equal),
            ("1.0.dev", "1.0.dev0", Equal),
            ("1.01", "1.1", Equal),
            ("1.0", "1.0.0", Equal),
            ("1.0.0.0", "1", Equal),
            ("0!1.0", "1.0", Equal),
            // Epochs.
            ("1!0.1", "2.0", Greater),
            ("1!1.0", "2!0.1", Less),
            // Pre-, post- and dev-releases.
            ("1.0.dev0", "1.0a1", Less),
            ("1.0.dev0", "1.0a0.dev0", Less),
            ("1.0a1", "1.0a1.post1.dev0", Less),
            ("1.0a1.post1.dev0", "1.0a1.post1", Less),
            ("1.0a1.post1", "1.0b1", Less),
            ("1.0b2", "1.0rc1", Less),
            ("1.0rc1", "1.0", Less),
            ("1.0", "1.0.post1.dev0", Less),
            ("1.0.post1.dev0", "1.0.post1", Less),
            ("1.0.post1", "1.0.1", Less),
            ("1.0a12", "1.0a2", Greater),
            // Local labels.
            ("1.0", "1.0+ubuntu.1", Less),
            ("1.0+ubuntu.1", "1.0.post1", Less),
            ("1.0+abc", "1.0+1", Less),
            ("1.0+1", "1.0+2", Less),
            ("1.0+2", "1.0+10", Less),
            ("1.0+ubuntu", "1.0+ubuntu.1", Less),
            ("1.0+UBUNTU.1", "1.0+ubuntu-1", Equal),
            ("1.0+ubuntu_1", "1.0+ubuntu.01", Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(parse(a).cmp(&parse(b)), expected, "{a} vs {b}");
            assert_eq!(parse(b).cmp(&parse(a)), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn pep440_display_is_normalised() {
        let cases = [
            ("V1.0RC1", "1.0rc1"),
            ("1.0-1", "1.0.post1"),
            ("1.0.0-alpha.1-dev2", "1.0.0a1.dev2"),
            ("0!1.0", "1.0"),
            ("1!01.02", "1!1.2"),
            ("1.0+Ubuntu_01", "1.0+ubuntu.1"),
            ("  1.0\n", "1.0"),
        ];
        for (text, normalised) in cases {
            assert_eq!(parse(text).to_string(), normalised, "{text:?}");
        }
    }

    #[test]
    fn pep440_parts() {
        let version = parse("2!1.2.3rc1.post4.dev5+local.7");
        assert_eq!(version.epoch(), 2);
        assert_eq!(version.release(), &[1, 2, 3]);
        assert!(version.is_prerelease());
        assert!(version.is_post_release());
        assert!(version.is_local());
        assert_eq!(version.without_local().to_string(), "2!1.2.3rc1.post4.dev5");

        let version = parse("1.0");
        assert!(!version.is_prerelease());
        assert!(!version.is_post_release());
        assert!(!version.is_local());
    }

    #[test]
    fn pep440_rejects_invalid() {
        let cases = [
            "",
            "french toast",
            "0.1-bulbasaur",
            "1.0++",
            "1.0+",
            "1.0+_foobar",
            "1. 0",
            "1.0+İ",
            "1.*",
            "1.0.dev18446744073709551615",
            "1.18446744073709551616",
        ];
        for text in cases {
            match text.parse::<Version>() {
                Ok(version) => panic!("`{text}` should be rejected, got {version}"),
                Err(error) => {
                    assert_eq!(error.scheme, "pep440", "{text:?}");
                    assert_eq!(error.value, text, "{text:?}");
                    assert!(!error.reason.is_empty(), "{text:?}");
                }
            }
        }
    }
}
