//! RPM versions (`[epoch:]version[-release]`), ordered as librpm orders them.
//!
//! Used by the OSV ecosystems `Red Hat`, `AlmaLinux`, `Rocky Linux`, `openSUSE`, `SUSE`,
//! `Photon OS`, `Mageia`, `openEuler` and `Azure Linux` (purl type `rpm`).
//!
//! Segments compare with `rpmvercmp()` from rpm 4.18 (`rpmio/rpmvercmp.c`), and whole
//! versions as the Python binding's `rpm.labelCompare` does: epoch, then version, then
//! release.
//!
//! Traps:
//! - Only ASCII letters and digits form segments. Every other character, including
//!   non-ASCII bytes, is a separator, and separators of any kind or length are equal
//!   (`1.0 == 1_0`, `1..0 == 1.0`), except `~` and `^`.
//! - A digit segment beats a letter segment (`1.0a < 1.0.1`, `1a < 1.0`), digit segments
//!   compare numerically at any length, and letter segments compare as ASCII text, so
//!   `1.0A < 1.0a`.
//! - `~` sorts before everything, even the end of the string (`1.0~rc1 < 1.0`); `^` sorts
//!   after the end of the string but before any other segment (`1.0 < 1.0^git1 < 1.0.1`).
//! - The epoch is the run of digits before `:`; anything else before a `:` is part of the
//!   version (`a:1` has no epoch). A missing epoch is `0`. The release is everything after
//!   the last `-`. A missing release sorts before any release, even an empty one (`1 < 1-`),
//!   as `labelCompare` does; note that `rpm -q --whatprovides`-style dependency matching
//!   instead ignores a missing release.
//! - Dist tags (`el8`, `el8_9`, `fc38`, `module+el8.9.0+1234+abcd`) are plain segments: ward
//!   does not strip or interpret them.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "rpm";

/// A parsed RPM version: epoch, version and release.
///
/// Equality and ordering are librpm's: `1.0 == 0:1.0` and `1.0-1 == 1_0-1`.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    /// Byte offset one past the epoch digits; `0` when there is no epoch.
    epoch_end: usize,
    /// Byte offset of the version in `text`.
    version_start: usize,
    /// Byte offset one past the version in `text`.
    version_end: usize,
    /// Whether a release follows the version after a `-`.
    has_release: bool,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Returns the epoch digits, `None` when the version has no epoch.
    pub fn epoch(&self) -> Option<&str> {
        (self.version_start > 0).then(|| &self.text[..self.epoch_end])
    }

    /// Returns the version part, between the epoch and the release.
    pub fn version(&self) -> &str {
        &self.text[self.version_start..self.version_end]
    }

    /// Returns the release, `None` when the value has none.
    pub fn release(&self) -> Option<&str> {
        self.has_release.then(|| &self.text[self.version_end + 1..])
    }

    /// Returns the version text as given, without surrounding white space.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    /// Parses `[epoch:]version[-release]` as librpm's `parseEVR` splits it.
    ///
    /// Rejects an empty value, white space inside it, and an empty version part, which
    /// librpm does not accept in a package header.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| VersionError::new(SCHEME, value, reason);
        let text = value.trim();
        if text.is_empty() {
            return Err(invalid("version is empty"));
        }
        if text.contains(char::is_whitespace) {
            return Err(invalid("version contains white space"));
        }

        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (epoch_end, version_start) = match text.as_bytes().get(digits) {
            Some(b':') => (digits, digits + 1),
            _ => (0, 0),
        };
        let (version_end, has_release) = match text[version_start..].rfind('-') {
            Some(offset) => (version_start + offset, true),
            None => (text.len(), false),
        };
        if version_end == version_start {
            return Err(invalid("version part is empty"));
        }

        Ok(Version {
            text: text.into(),
            epoch_end,
            version_start,
            version_end,
            has_release,
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // An empty epoch (`:1.0`) is `0`, as in `parseEVR`.
        fn epoch(version: &Version) -> &str {
            version.epoch().filter(|e| !e.is_empty()).unwrap_or("0")
        }
        rpmvercmp(epoch(self), epoch(other))
            .then_with(|| rpmvercmp(self.version(), other.version()))
            .then_with(|| match (self.release(), other.release()) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

/// Compares two version or release strings as rpm 4.18's `rpmvercmp()`, without allocating.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let is_separator = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';

    while i < a.len() || j < b.len() {
        while i < a.len() && is_separator(a[i]) {
            i += 1;
        }
        while j < b.len() && is_separator(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());

        // `~` sorts before everything, even the end of the string.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        // `^` sorts after the end of the string but before any other segment.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };

        // A segment is a run of digits or a run of letters, typed by `a`'s first byte.
        let is_numeric = ca.is_ascii_digit();
        let in_segment = |c: &u8| {
            if is_numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let a_end = i + a[i..].iter().take_while(|c| in_segment(c)).count();
        let b_end = j + b[j..].iter().take_while(|c| in_segment(c)).count();

        // Segments of different types: the numeric one is newer.
        if b_end == j {
            return if is_numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }

        let (segment_a, segment_b) = (&a[i..a_end], &b[j..b_end]);
        let order = if is_numeric {
            fn trim(digits: &[u8]) -> &[u8] {
                let zeros = digits.iter().take_while(|&&c| c == b'0').count();
                &digits[zeros..]
            }
            let (digits_a, digits_b) = (trim(segment_a), trim(segment_b));
            digits_a
                .len()
                .cmp(&digits_b.len())
                .then_with(|| digits_a.cmp(digits_b))
        } else {
            segment_a.cmp(segment_b)
        };
        if order != Ordering::Equal {
            return order;
        }
        i = a_end;
        j = b_end;
    }

    // Equal segments: whichever string has bytes left is newer.
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
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
    fn rpmvercmp_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0", "1.0", Equal),
            ("1.0", "1_0", Equal),
            ("1..0", "1.0", Equal),
            ("1.0a", "1.0.1", Less),
            ("1a", "1.0", Less),
            ("1.0A", "1.0a", Less),
            ("1.010", "1.9", Greater),
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1~git1", "1.0~rc1", Less),
            ("1.0^git1", "1.0", Greater),
            ("1.0^git1", "1.0.1", Less),
            ("1.0^", "1.0", Greater),
            ("1.0~rc1^git1", "1.0~rc1", Greater),
            ("el7", "el7_9", Less),
            ("3.el7.centos", "3.el7", Greater),
            ("1.module+el8.9.0+1234+abcd", "1.module+el8.8.0+1", Greater),
            ("150500.1.1", "150400.3.3", Greater),
            ("1.fc38", "1.fc39", Less),
            ("1.mga9", "1.mga10", Less),
            ("12.bp155.2.3", "12.bp155.2.10", Less),
            ("", "1", Less),
            ("", "", Equal),
            ("1.0é", "1.0", Equal),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567891",
                Less,
            ),
        ];
        for (a, b, expected) in cases {
            assert_eq!(rpmvercmp(a, b), expected, "{a} vs {b}");
            assert_eq!(rpmvercmp(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn rpm_evr_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1:1.0-1", "2.0-1", Greater),
            ("0:1.0-1", "1.0-1", Equal),
            (":1.0-1", "1.0-1", Equal),
            ("a:1", "a:2", Less),
            ("c:1~1", "a:2", Greater),
            ("1", "1-", Less),
            ("1.0", "1.0-1", Less),
            ("2.17-326.el7_9", "2.17-326.el7_9.3", Less),
            ("0:3.10.0-229.el7", "0:3.10.0-229.1.2.ael7b", Less),
            ("1.0-1-2", "1.0-1-10", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(parse(a).cmp(&parse(b)), expected, "{a} vs {b}");
            assert_eq!(parse(b).cmp(&parse(a)), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn rpm_parse_parts() {
        let version = parse("2:1.0-3.el8_9");
        assert_eq!(version.epoch(), Some("2"));
        assert_eq!(version.version(), "1.0");
        assert_eq!(version.release(), Some("3.el8_9"));

        let version = parse("a:1.0");
        assert_eq!(version.epoch(), None);
        assert_eq!(version.version(), "a:1.0");
        assert_eq!(version.release(), None);
    }

    #[test]
    fn rpm_rejects_invalid() {
        for text in ["", " ", "1.0 1", "1:", "1:-1", "-1"] {
            assert!(
                text.parse::<Version>().is_err(),
                "{text:?} should be rejected"
            );
        }
    }
}
