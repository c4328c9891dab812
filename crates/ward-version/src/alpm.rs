//! Arch Linux package versions (`[epoch:]pkgver[-pkgrel]`), ordered as pacman's `vercmp`
//! orders them.
//!
//! The order is libalpm's `alpm_pkg_vercmp` (`lib/libalpm/version.c`, pacman 6), which
//! splits the string as rpm's `parseEVR` does and compares each part with a copy of rpm
//! 4.8's `rpmvercmp`.
//!
//! Traps:
//! - The release takes part only when both versions have one: `1.5-1 == 1.5` and
//!   `1.5 == 1.5-2`, but `1.5-1 < 1.5-2`. So equality is not transitive, exactly as in
//!   pacman, and a list that mixes versions with and without a release has no single sorted
//!   order.
//! - Unlike rpm, a missing epoch is `0` and there is no `~` or `^`: `1.0~rc1` is `1.0`, `~`,
//!   `rc`, `1`, where `~` is a separator like `.`.
//! - An alphabetic run after the common part sorts lower, a numeric or separator run
//!   higher: `1.0a < 1.0b < 1.0beta < 1.0p < 1.0pre < 1.0rc < 1.0 < 1.0.a < 1.0.1`.
//! - Numeric runs beat alphabetic runs at the same place (`1.0.1 > 1.0.a`). Numbers compare
//!   without leading zeros and by length first, so they never overflow.
//! - Separator runs (anything but ASCII letters and digits) of different lengths decide:
//!   `1.0 < 1..0`. Otherwise separators are interchangeable: `2.0 == 2_0`.
//!
//! Strictness: pacman orders any string, so [`Version::from_str`] rejects only the empty
//! string and strings with a NUL byte, which no C string can hold. Letters and digits are
//! ASCII, as in the C locale.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "alpm";

/// A parsed Arch Linux package version.
///
/// [`Ord`] is pacman's `vercmp`, whose equality is not transitive when one side has no
/// release (see the module documentation), so `Eq` holds only in that weaker sense.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version as given.
    text: Box<str>,
    /// Byte offset of the `:` that ends the epoch; `None` when there is no epoch.
    epoch_end: Option<usize>,
    /// Byte offset of the `-` before the release; `None` when there is no release.
    release_hyphen: Option<usize>,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Returns the epoch as written, `"0"` when there is none or it is empty.
    pub fn epoch(&self) -> &str {
        match self.epoch_end {
            Some(0) | None => "0",
            Some(end) => &self.text[..end],
        }
    }

    /// Returns the package version: the part between the epoch and the release.
    pub fn pkgver(&self) -> &str {
        let start = self.epoch_end.map_or(0, |end| end + 1);
        let end = self.release_hyphen.unwrap_or(self.text.len());
        &self.text[start..end]
    }

    /// Returns the package release, `None` when there is none.
    pub fn pkgrel(&self) -> Option<&str> {
        self.release_hyphen.map(|hyphen| &self.text[hyphen + 1..])
    }

    /// Returns the version as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.is_empty() {
            return Err(VersionError::new(SCHEME, value, "version string is empty"));
        }
        if value.contains('\0') {
            return Err(VersionError::new(
                SCHEME,
                value,
                "version string contains a NUL byte",
            ));
        }

        // As `parseEVR`: the epoch is the leading digits when a `:` follows them, and the
        // release is after the last `-` that follows those digits.
        let digits_end = value
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(value.len());
        let epoch_end = value[digits_end..].starts_with(':').then_some(digits_end);
        let release_hyphen = value[digits_end..]
            .rfind('-')
            .map(|offset| digits_end + offset);
        Ok(Version {
            text: value.into(),
            epoch_end,
            release_hyphen,
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.text == other.text {
            return Ordering::Equal;
        }
        rpmvercmp(self.epoch(), other.epoch())
            .then_with(|| rpmvercmp(self.pkgver(), other.pkgver()))
            .then_with(|| match (self.pkgrel(), other.pkgrel()) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                _ => Ordering::Equal,
            })
    }
}

/// Compares two version strings as pacman's `vercmp` does, parsing both.
///
/// Returns `None` when either string is invalid (empty, or with a NUL byte).
pub fn vercmp(a: &str, b: &str) -> Option<Ordering> {
    let a = a.parse::<Version>().ok()?;
    let b = b.parse::<Version>().ok()?;
    Some(a.cmp(&b))
}

/// Compares one part (epoch, version or release) as libalpm's copy of `rpmvercmp` does,
/// without allocating.
fn rpmvercmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return Ordering::Equal;
    }

    // As in the C code, `one` and `two` index the start of the current segment in `a` and
    // `b`, and `end_one` and `end_two` the end of the previous one.
    let (mut one, mut two) = (0, 0);
    let (mut end_one, mut end_two) = (0, 0);
    while one < a.len() && two < b.len() {
        while one < a.len() && !a[one].is_ascii_alphanumeric() {
            one += 1;
        }
        while two < b.len() && !b[two].is_ascii_alphanumeric() {
            two += 1;
        }
        if one == a.len() || two == b.len() {
            break;
        }

        // Separator runs of different lengths decide.
        let (separator_one, separator_two) = (one - end_one, two - end_two);
        if separator_one != separator_two {
            return separator_one.cmp(&separator_two);
        }

        // The segment is a digit run or a letter run, by the class of `a`'s first byte.
        let is_number = a[one].is_ascii_digit();
        let in_segment = |c: &u8| {
            if is_number {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        end_one = one + a[one..].iter().take_while(|c| in_segment(c)).count();
        end_two = two + b[two..].iter().take_while(|c| in_segment(c)).count();

        // `b` has a segment of the other class here: numbers beat letters.
        if end_two == two {
            return if is_number {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }

        let (mut segment_one, mut segment_two) = (&a[one..end_one], &b[two..end_two]);
        if is_number {
            segment_one = trim_leading_zeros(segment_one);
            segment_two = trim_leading_zeros(segment_two);
            if segment_one.len() != segment_two.len() {
                return segment_one.len().cmp(&segment_two.len());
            }
        }
        match segment_one.cmp(segment_two) {
            Ordering::Equal => {}
            order => return order,
        }
        one = end_one;
        two = end_two;
    }

    // What is left decides: an empty rest or a letter sorts lower, anything else higher.
    let (rest_one, rest_two) = (a.get(one), b.get(two));
    if rest_one.is_none() && rest_two.is_none() {
        return Ordering::Equal;
    }
    let is_alphabetic = |c: Option<&u8>| c.is_some_and(u8::is_ascii_alphabetic);
    if (rest_one.is_none() && !is_alphabetic(rest_two)) || is_alphabetic(rest_one) {
        Ordering::Less
    } else {
        Ordering::Greater
    }
}

fn trim_leading_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// pacman's `test/util/vercmptest.sh` and the examples of the `vercmp(8)` manual.
    #[test]
    fn alpm_vercmp_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            // Same length, no release.
            ("1.5.0", "1.5.0", Equal),
            ("1.5.1", "1.5.0", Greater),
            ("1.5.1", "1.5", Greater),
            // Releases.
            ("1.5.0-1", "1.5.0-1", Equal),
            ("1.5.0-1", "1.5.0-2", Less),
            ("1.5.0-1", "1.5.1-1", Less),
            ("1.5.0-2", "1.5.1-1", Less),
            ("1.5-1", "1.5.1-1", Less),
            ("1.5-2", "1.5.1-1", Less),
            ("1.5-2", "1.5.1-2", Less),
            // A release on one side only takes no part.
            ("1.5", "1.5-1", Equal),
            ("1.1-1", "1.1", Equal),
            ("1.0-1", "1.1", Less),
            ("1.1-1", "1.0", Greater),
            // Letters.
            ("1.5b-1", "1.5-1", Less),
            ("1.5b", "1.5", Less),
            ("1.5b-1", "1.5", Less),
            ("1.5b", "1.5.1", Less),
            // The manual's chain.
            ("1.0a", "1.0b", Less),
            ("1.0b", "1.0beta", Less),
            ("1.0beta", "1.0p", Less),
            ("1.0p", "1.0pre", Less),
            ("1.0pre", "1.0rc", Less),
            ("1.0rc", "1.0", Less),
            ("1.0", "1.0.a", Less),
            ("1.0.a", "1.0.1", Less),
            ("1.0a", "1.0alpha", Less),
            // Letters after a separator.
            ("1.5.a", "1.5", Greater),
            ("1.5.b", "1.5.a", Greater),
            ("1.5.1", "1.5.b", Greater),
            ("1.5.b-1", "1.5.b", Equal),
            ("1.5-1", "1.5.b", Less),
            // Separators.
            ("2.0", "2_0", Equal),
            ("2.0_a", "2_0.a", Equal),
            ("2.0a", "2.0.a", Less),
            ("2___a", "2_a", Greater),
            ("1.0", "1..0", Less),
            ("1.0~rc1", "1.0.rc1", Equal),
            // Epochs.
            ("0:1.0", "0:1.0", Equal),
            ("0:1.0", "0:1.1", Less),
            ("1:1.0", "0:1.0", Greater),
            ("1:1.0", "0:1.1", Greater),
            ("1:1.0", "2:1.1", Less),
            ("1:1.0", "0:1.0-1", Greater),
            ("1:1.0-1", "0:1.1-1", Greater),
            ("0:1.0", "1.0", Equal),
            ("0:1.1", "1.0", Greater),
            ("1:1.0", "1.1", Greater),
            (":1.0", "1.0", Equal),
            ("01:1.0", "1:1.0", Equal),
            // Numbers longer than any integer type.
            (
                "1.123456789012345678901234567890",
                "1.123456789012345678901234567891",
                Less,
            ),
            ("1.0001", "1.1", Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(vercmp(a, b), Some(expected), "{a} vs {b}");
            assert_eq!(vercmp(b, a), Some(expected.reverse()), "{b} vs {a}");
        }
    }

    #[test]
    fn alpm_parse_splits_parts() {
        let version = "2:1.2-3-4".parse::<Version>();
        let Ok(version) = version else {
            panic!("`2:1.2-3-4` should parse: {version:?}");
        };
        assert_eq!(version.epoch(), "2");
        assert_eq!(version.pkgver(), "1.2-3");
        assert_eq!(version.pkgrel(), Some("4"));

        // A `:` after a non-digit is part of the version.
        let version = "a:1.0".parse::<Version>();
        let Ok(version) = version else {
            panic!("`a:1.0` should parse: {version:?}");
        };
        assert_eq!(version.epoch(), "0");
        assert_eq!(version.pkgver(), "a:1.0");
        assert_eq!(version.pkgrel(), None);
    }

    #[test]
    fn alpm_rejects_empty_and_nul() {
        for text in ["", "1.0\0"] {
            match text.parse::<Version>() {
                Ok(version) => panic!("{text:?} should be rejected, got {version:?}"),
                Err(error) => assert_eq!(error.scheme, "alpm", "{text:?}"),
            }
        }
    }
}
