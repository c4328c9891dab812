//! Go module versions, ordered as `golang.org/x/mod/semver` orders them, and Go toolchain
//! release tags (`go1.21.3`) for the standard library.
//!
//! The grammar and order follow `golang.org/x/mod/semver` (`semver.go`: `parse`,
//! `Compare`, `Canonical`), which is SemVer 2.0.0 with a required `v` prefix. Pseudo-versions
//! follow `golang.org/x/mod/module` (`pseudo.go`) and <https://go.dev/ref/mod#pseudo-versions>.
//!
//! Traps:
//! - `v1` and `v1.2` are shorthands for `v1.0.0` and `v1.2.0`, but a shorthand cannot carry
//!   a pre-release or build suffix: `v1-pre` and `v1.2+meta` are invalid.
//! - Numbers have no leading zeros (`v1.02.0` is invalid) and any length: they compare by
//!   length, then digit by digit, so they never overflow.
//! - Build metadata, including `+incompatible` (a v2+ module without a `go.mod`), takes no
//!   part in the order: `v2.0.0+incompatible == v2.0.0`.
//! - A pseudo-version is a pre-release of the version after its base, so SemVer order puts it
//!   where Go wants it. `v0.0.0-20191109021931-daa7c04131f5` (no base) is below every
//!   release. `v1.2.4-0.20191109021931-daa7c04131f5` (base `v1.2.3`) is above `v1.2.3` and
//!   below `v1.2.4-alpha` and `v1.2.4`, because its first identifier `0` is the lowest
//!   numeric one. `v1.2.3-pre.0.20191109021931-daa7c04131f5` (base `v1.2.3-pre`) is above
//!   `v1.2.3-pre` and below `v1.2.3-pre.1`. Two pseudo-versions on one base order by their
//!   14-digit UTC timestamps, which compare as ASCII text.
//!
//! Accepted spellings, beyond `x/mod/semver`'s grammar:
//! - OSV's `Go` ecosystem writes versions without the `v` (`fixed: "1.20.4"`), so a value
//!   without it is read as if it had one. [`compare`] keeps Go's strict rule instead.
//! - Go toolchain tags, which OSV uses for the `stdlib` and `toolchain` packages, map as
//!   `golang.org/x/vuln` maps them: `go1.21.3` is `v1.21.3`, `go1.21` is `v1.21.0`,
//!   `go1.21rc2` is `v1.21.0-rc.2`, `go1.9beta1` is `v1.9.0-beta.1`, and `go1` is `v1.0.0`.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "go";

/// A parsed Go module version.
///
/// Equality and ordering are `semver.Compare`'s: `v1`, `v1.0.0`, `1.0.0` and
/// `v1.0.0+incompatible` are equal.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version as given.
    text: Box<str>,
    /// `semver.Canonical` of the version: `v`, three numbers and the pre-release, if any.
    canonical: Box<str>,
    /// Byte offset in `canonical` one past the major number, which starts after the `v`.
    major_end: usize,
    /// Byte offset in `canonical` one past the minor number, which starts after a `.`.
    minor_end: usize,
    /// Byte offset in `canonical` one past the patch number, which starts after a `.`. The
    /// pre-release, with its leading `-`, runs from here to the end.
    patch_end: usize,
    /// Byte offset in `text` of the build metadata's `+`; `text.len()` when there is none.
    build_start: usize,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Returns the version as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns the canonical form, as `semver.Canonical` does: `v1.2` gives `v1.2.0` and
    /// `v1.2.3+meta` gives `v1.2.3`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// Returns the pre-release without its `-` (`rc.1` for `v1.0.0-rc.1`), `None` when there
    /// is none.
    pub fn prerelease(&self) -> Option<&str> {
        self.prerelease_part().strip_prefix('-')
    }

    /// Returns the build metadata without its `+`, `None` when there is none.
    pub fn build(&self) -> Option<&str> {
        self.text[self.build_start..].strip_prefix('+')
    }

    /// Returns whether the version carries `+incompatible`: a major version 2 or later of a
    /// module that has no `go.mod` file.
    pub fn is_incompatible(&self) -> bool {
        self.build() == Some("incompatible")
    }

    /// Returns whether the version is a pseudo-version, as `module.IsPseudoVersion` decides:
    /// a pre-release ending in a 14-digit timestamp and a revision, after `vX.0.0-`, after a
    /// `0.` identifier, or after a pre-release and `.0.`.
    pub fn is_pseudo_version(&self) -> bool {
        let Some(prerelease) = self.prerelease() else {
            return false;
        };
        let (base, revision_part) = match prerelease.rfind('.') {
            Some(dot) => (&prerelease[..dot], &prerelease[dot + 1..]),
            None => ("", prerelease),
        };
        let Some((timestamp, revision)) = revision_part.split_once('-') else {
            return false;
        };
        let is_timestamp = timestamp.len() == 14 && timestamp.bytes().all(|c| c.is_ascii_digit());
        let is_revision =
            !revision.is_empty() && revision.bytes().all(|c| c.is_ascii_alphanumeric());
        if !is_timestamp || !is_revision {
            return false;
        }

        // `vX.0.0-yyyymmddhhmmss-abcdef`, `vX.Y.Z-0.yyyymmddhhmmss-abcdef` or
        // `vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef`.
        let is_zero_base = self.minor() == "0" && self.patch() == "0";
        match base {
            "" => is_zero_base,
            base => base == "0" || base.ends_with(".0"),
        }
    }

    fn major(&self) -> &str {
        &self.canonical[1..self.major_end]
    }

    fn minor(&self) -> &str {
        &self.canonical[self.major_end + 1..self.minor_end]
    }

    fn patch(&self) -> &str {
        &self.canonical[self.minor_end + 1..self.patch_end]
    }

    /// Returns the pre-release with its leading `-`, empty when there is none.
    fn prerelease_part(&self) -> &str {
        &self.canonical[self.patch_end..]
    }

    /// Parses `value` with `x/mod/semver`'s grammar: `v` required, no white space.
    fn parse_strict(value: &str) -> Option<Version> {
        let parsed = parse(value)?;
        Some(Version::from_parsed(value, &parsed))
    }

    fn from_parsed(text: &str, parsed: &Parsed<'_>) -> Version {
        let mut canonical = String::with_capacity(text.len() + 4);
        canonical.push('v');
        canonical.push_str(parsed.major);
        let major_end = canonical.len();
        canonical.push('.');
        canonical.push_str(parsed.minor);
        let minor_end = canonical.len();
        canonical.push('.');
        canonical.push_str(parsed.patch);
        let patch_end = canonical.len();
        canonical.push_str(parsed.prerelease);

        // `text` ends with the build metadata of the string that was parsed, which is `text`
        // itself or `text` with a `v` in front; a release tag has none.
        let build_start = text.len() - parsed.build.len();
        Version {
            text: text.into(),
            canonical: canonical.into(),
            major_end,
            minor_end,
            patch_end,
            build_start,
        }
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if let Some(version) = Version::parse_strict(value) {
            return Ok(version);
        }
        if value.starts_with("go") {
            return match go_tag_to_semver(value).and_then(|semver| {
                parse(&semver).map(|parsed| Version::from_parsed(value, &parsed))
            }) {
                Some(version) => Ok(version),
                None => Err(VersionError::new(
                    SCHEME,
                    value,
                    "invalid Go release tag, expected a form such as `go1.21.3` or `go1.21rc2`",
                )),
            };
        }
        if value.starts_with(|c: char| c.is_ascii_digit()) {
            let prefixed = format!("v{value}");
            if let Some(parsed) = parse(&prefixed) {
                return Ok(Version::from_parsed(value, &parsed));
            }
        }
        Err(VersionError::new(SCHEME, value, invalid_reason(value)))
    }
}

/// Explains why `value` is not a Go module version.
fn invalid_reason(value: &str) -> &'static str {
    let body = value.strip_prefix('v').unwrap_or(value);
    let numbers_end = body.find(['-', '+']).unwrap_or(body.len());
    let numbers: Vec<&str> = body[..numbers_end].split('.').collect();
    if value.is_empty() {
        "version string is empty"
    } else if numbers.len() > 3 {
        "more than three numbers"
    } else if numbers
        .iter()
        .any(|number| number.is_empty() || !number.bytes().all(|c| c.is_ascii_digit()))
    {
        "expected `v` followed by dot-separated numbers"
    } else if numbers
        .iter()
        .any(|number| number.len() > 1 && number.starts_with('0'))
    {
        "a number has a leading zero"
    } else if numbers.len() < 3 && numbers_end < body.len() {
        "a shorthand such as `v1` or `v1.2` cannot have a pre-release or build suffix"
    } else {
        "invalid pre-release or build metadata"
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_number(self.major(), other.major())
            .then_with(|| compare_number(self.minor(), other.minor()))
            .then_with(|| compare_number(self.patch(), other.patch()))
            .then_with(|| compare_prerelease(self.prerelease_part(), other.prerelease_part()))
    }
}

/// Compares two strings as `semver.Compare` does: an invalid version is below every valid
/// one and equal to every other invalid one. A version without its `v` is invalid here, as
/// in Go.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Version::parse_strict(a), Version::parse_strict(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    }
}

/// Returns `semver.Canonical(value)`: `None` for an invalid version.
pub fn canonical(value: &str) -> Option<String> {
    Version::parse_strict(value).map(|version| version.canonical.into())
}

/// The parts of a valid version, as `x/mod/semver`'s `parse` splits it.
struct Parsed<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    /// With its leading `-`, or empty.
    prerelease: &'a str,
    /// With its leading `+`, or empty.
    build: &'a str,
}

/// Parses `value` as `x/mod/semver`'s `parse` does; `None` when it is invalid.
fn parse(value: &str) -> Option<Parsed<'_>> {
    let rest = value.strip_prefix('v')?;
    let (major, rest) = parse_number(rest)?;
    let Some(rest) = rest.strip_prefix('.') else {
        return rest.is_empty().then_some(Parsed {
            major,
            minor: "0",
            patch: "0",
            prerelease: "",
            build: "",
        });
    };
    let (minor, rest) = parse_number(rest)?;
    let Some(rest) = rest.strip_prefix('.') else {
        return rest.is_empty().then_some(Parsed {
            major,
            minor,
            patch: "0",
            prerelease: "",
            build: "",
        });
    };
    let (patch, rest) = parse_number(rest)?;

    let prerelease_end = if rest.starts_with('-') {
        rest.find('+').unwrap_or(rest.len())
    } else {
        0
    };
    let (prerelease, build) = rest.split_at(prerelease_end);
    if !prerelease.is_empty() && !is_valid_identifiers(&prerelease[1..], true) {
        return None;
    }
    if !build.is_empty() {
        let metadata = build.strip_prefix('+')?;
        if !is_valid_identifiers(metadata, false) {
            return None;
        }
    }
    Some(Parsed {
        major,
        minor,
        patch,
        prerelease,
        build,
    })
}

/// Splits a leading decimal number without leading zeros off `text`.
fn parse_number(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number = &text[..end];
    if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
        return None;
    }
    Some((number, &text[end..]))
}

/// Returns whether `text` is dot-separated, non-empty identifiers of `[0-9A-Za-z-]`. In a
/// pre-release, numeric identifiers must also have no leading zeros.
fn is_valid_identifiers(text: &str, is_prerelease: bool) -> bool {
    text.split('.').all(|identifier| {
        let is_numeric = identifier.bytes().all(|c| c.is_ascii_digit());
        !identifier.is_empty()
            && identifier
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-')
            && !(is_prerelease && is_numeric && identifier.len() > 1 && identifier.starts_with('0'))
    })
}

/// Compares two numbers without leading zeros, of any length.
fn compare_number(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares two pre-releases (with their leading `-`, or empty) as `semver.Compare` does.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    // A release is above its pre-releases.
    if a.is_empty() {
        return Ordering::Greater;
    }
    if b.is_empty() {
        return Ordering::Less;
    }

    let mut identifiers_a = a[1..].split('.');
    let mut identifiers_b = b[1..].split('.');
    loop {
        let (x, y) = match (identifiers_a.next(), identifiers_b.next()) {
            (Some(x), Some(y)) => (x, y),
            // A shorter list that is a prefix of the longer one is lower.
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (None, None) => return Ordering::Equal,
        };
        if x == y {
            continue;
        }
        let x_numeric = x.bytes().all(|c| c.is_ascii_digit());
        let y_numeric = y.bytes().all(|c| c.is_ascii_digit());
        return match (x_numeric, y_numeric) {
            (true, true) => compare_number(x, y),
            // Numeric identifiers are below alphanumeric ones.
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => x.cmp(y),
        };
    }
}

/// Converts a Go release tag to a SemVer version as `golang.org/x/vuln`'s `GoTagToSemver`
/// does: `go1.21rc2` gives `v1.21.0-rc.2`. Returns `None` for a string of any other form.
fn go_tag_to_semver(tag: &str) -> Option<String> {
    // Go 1.0 was tagged `go1`; `x/vuln` rejects the spelling `go1.0`.
    match tag {
        "go1" => return Some("v1.0.0".to_owned()),
        "go1.0" => return None,
        _ => {}
    }
    let rest = tag.strip_prefix("go")?;

    // `go(\d+\.\d+)(\.\d+)?((beta|rc|-pre)(\d+))?`
    let (major, rest) = split_digits(rest)?;
    let rest = rest.strip_prefix('.')?;
    let (minor, rest) = split_digits(rest)?;
    let (patch, rest) = match rest.strip_prefix('.') {
        Some(after_dot) => split_digits(after_dot)?,
        None => ("0", rest),
    };
    let mut version = format!("v{major}.{minor}.{patch}");
    if rest.is_empty() {
        return Some(version);
    }
    let (label, number) = ["beta", "rc", "-pre"]
        .iter()
        .find_map(|label| rest.strip_prefix(label).map(|number| (*label, number)))?;
    let (number, rest) = split_digits(number)?;
    if !rest.is_empty() {
        return None;
    }
    version.push('-');
    version.push_str(label.trim_start_matches('-'));
    version.push('.');
    version.push_str(number);
    Some(version)
}

/// Splits a leading run of at least one ASCII digit off `text`.
fn split_digits(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    (end > 0).then(|| text.split_at(end))
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
    fn go_ordering_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            // Shorthands, build metadata and the OSV spelling without `v`.
            ("v1", "v1.0.0", Equal),
            ("v1.2", "v1.2.0", Equal),
            ("1.2.3", "v1.2.3", Equal),
            ("v2.0.0+incompatible", "v2.0.0", Equal),
            ("v2.0.0+incompatible", "v2.0.1", Less),
            ("v1.2.3+meta", "v1.2.3+other", Equal),
            // Numbers of any length.
            ("v1.10.0", "v1.9.0", Greater),
            (
                "v1.0.123456789012345678901234567890",
                "v1.0.99999999999999999999",
                Greater,
            ),
            // Pre-releases.
            ("v1.0.0-alpha", "v1.0.0", Less),
            ("v1.0.0-alpha", "v1.0.0-alpha.1", Less),
            ("v1.0.0-alpha.1", "v1.0.0-alpha.beta", Less),
            ("v1.0.0-beta.2", "v1.0.0-beta.11", Less),
            ("v1.0.0-rc.1", "v1.0.0", Less),
            ("v1.2.3-456", "v1.2.3-456a", Less),
            // Pseudo-versions sort between their base and the next version.
            ("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", Less),
            (
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-0123456789ab",
                Less,
            ),
            ("v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5", Less),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4-alpha", Less),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", Less),
            (
                "v1.2.3-pre",
                "v1.2.3-pre.0.20191109021931-daa7c04131f5",
                Less,
            ),
            (
                "v1.2.3-pre.0.20191109021931-daa7c04131f5",
                "v1.2.3-pre.1",
                Less,
            ),
            ("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3", Less),
            // Toolchain tags for the standard library.
            ("go1.21.3", "v1.21.3", Equal),
            ("go1.21", "v1.21.0", Equal),
            ("go1.21rc2", "v1.21.0-rc.2", Equal),
            ("go1.21rc2", "go1.21.0", Less),
            ("go1.9beta1", "go1.9rc1", Less),
            ("go1.20.14", "go1.21rc1", Less),
            ("go1", "v1.0.0", Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(parse(a).cmp(&parse(b)), expected, "{a} vs {b}");
            assert_eq!(parse(b).cmp(&parse(a)), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn go_canonical_forms() {
        let cases = [
            ("v1", Some("v1.0.0")),
            ("v1.2", Some("v1.2.0")),
            ("v1.2.3-pre+meta", Some("v1.2.3-pre")),
            ("v2.0.0+incompatible", Some("v2.0.0")),
            ("v1-pre", None),
            ("v1.2+meta", None),
            ("1.2.3", None),
            ("v01.2.3", None),
            ("v1.2.3-01", None),
            ("v1.2.3-", None),
            ("v1.2.3+", None),
            ("v1.2.3-a..b", None),
            ("v1.2.3.4", None),
            ("v1.2.3-a_b", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(canonical(text).as_deref(), expected, "{text:?}");
        }
    }

    #[test]
    fn go_compare_ranks_invalid_lowest() {
        assert_eq!(compare("bad", "v0.0.0-0"), Ordering::Less);
        assert_eq!(compare("bad", "v1-pre"), Ordering::Equal);
        assert_eq!(compare("1.2.3", "v0.0.1"), Ordering::Less);
    }

    #[test]
    fn go_pseudo_versions_detected() {
        let cases = [
            ("v0.0.0-20191109021931-daa7c04131f5", true),
            ("v1.2.4-0.20191109021931-daa7c04131f5", true),
            ("v1.2.3-pre.0.20191109021931-daa7c04131f5", true),
            ("v1.2.4-0.20191109021931-daa7c04131f5+incompatible", true),
            ("v1.2.3-20191109021931-daa7c04131f5", false),
            ("v1.2.3-pre.1.20191109021931-daa7c04131f5", false),
            ("v1.2.3-0.2019110902193-daa7c04131f5", false),
            ("v1.2.3", false),
            ("v1.2.3-rc.1", false),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).is_pseudo_version(), expected, "{text}");
        }
    }

    #[test]
    fn go_parts() {
        let version = parse("v2.1.0-rc.1+incompatible");
        assert_eq!(version.as_str(), "v2.1.0-rc.1+incompatible");
        assert_eq!(version.canonical(), "v2.1.0-rc.1");
        assert_eq!(version.prerelease(), Some("rc.1"));
        assert_eq!(version.build(), Some("incompatible"));
        assert!(version.is_incompatible());

        let version = parse("go1.22-pre4");
        assert_eq!(version.canonical(), "v1.22.0-pre.4");
        assert_eq!(version.to_string(), "go1.22-pre4");
    }

    #[test]
    fn go_rejects_invalid() {
        let cases = [
            ("", "version string is empty"),
            ("bad", "expected `v` followed by dot-separated numbers"),
            ("v1.2.3.4", "more than three numbers"),
            ("v1.02.3", "a number has a leading zero"),
            (
                "v1-pre",
                "a shorthand such as `v1` or `v1.2` cannot have a pre-release or build suffix",
            ),
            ("v1.2.3-01", "invalid pre-release or build metadata"),
            ("v1.2.3+", "invalid pre-release or build metadata"),
            (" v1.2.3", "expected `v` followed by dot-separated numbers"),
            (
                "go1.21x",
                "invalid Go release tag, expected a form such as `go1.21.3` or `go1.21rc2`",
            ),
            (
                "go1.0rc",
                "invalid Go release tag, expected a form such as `go1.21.3` or `go1.21rc2`",
            ),
        ];
        for (text, reason) in cases {
            match text.parse::<Version>() {
                Ok(version) => panic!("`{text}` should be rejected, got {version:?}"),
                Err(error) => {
                    assert_eq!(error.reason, reason, "{text:?}");
                    assert_eq!(error.scheme, "go", "{text:?}");
                }
            }
        }
    }
}
