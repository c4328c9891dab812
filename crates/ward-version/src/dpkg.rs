//! Debian package versions (`[epoch:]upstream[-revision]`), ordered as `dpkg` orders them.
//!
//! Parsing and ordering follow dpkg 1.21 (`lib/dpkg/parsehelp.c` `parseversion` and
//! `lib/dpkg/version.c` `verrevcmp`), and the Debian Policy Manual, section 5.6.12
//! (<https://www.debian.org/doc/debian-policy/ch-controlfields.html#version>).
//!
//! Traps:
//! - The epoch is everything before the *first* `:`, and the revision everything after the
//!   *last* `-`; so `1:2:3` has upstream `2:3`, and `1.0-a:b` is invalid (its epoch is
//!   `1.0-a`).
//! - A missing epoch is `0`, and a missing revision compares equal to `0` (`1.0 == 1.0-0`).
//! - `~` sorts before everything, even before the end of the string: `1.0~rc1 < 1.0`,
//!   `1.0~~ < 1.0~`. Letters sort before non-letters: `1.0a < 1.0+`.
//! - Digit runs compare as numbers of any length (`1.09 == 1.9`), digit by digit, so a long
//!   run never overflows.
//! - Equal versions can have different text (`1.0-0`, `0:1.0`, `1.00`), so [`Version`]'s
//!   equality is the ordering's equality, not the text's.
//!
//! Strictness: like `dpkg --compare-versions`, [`Version::from_str`] rejects what dpkg
//! rejects (empty string, embedded blanks, empty, non-numeric, negative or too big epoch,
//! nothing after the colon, empty revision) and accepts what dpkg only warns about (upstream
//! not starting with a digit, characters outside `[A-Za-z0-9.+~:-]`), because dpkg still
//! orders such strings and real advisories contain them. [`Version::syntax_warning`] returns
//! dpkg's warning for such a value, for callers that want Debian Policy strictness.
//! Differences from the command line: `dpkg --compare-versions` treats an empty argument and
//! `<unknown>` as the lowest version, whereas [`Version::from_str`] rejects an empty string
//! and parses `<unknown>` like any other string; a NUL byte, which no `dpkg` input can
//! contain, is rejected.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "dpkg";

/// A parsed Debian version.
///
/// Equality and ordering are dpkg's: `1.0`, `0:1.0` and `1.0-0` are equal.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version as given, without surrounding blanks.
    text: Box<str>,
    epoch: u32,
    has_epoch: bool,
    /// Byte offset of the upstream version in `text`.
    upstream_start: usize,
    /// Byte offset one past the upstream version in `text`.
    upstream_end: usize,
    /// Byte offset of the revision in `text`, after its `-`; `None` when there is none.
    revision_start: Option<usize>,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Returns the epoch, `0` when the version has none.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// Returns whether the version spells out an epoch (`0:1.0` does, `1.0` does not).
    pub fn has_epoch(&self) -> bool {
        self.has_epoch
    }

    /// Returns the upstream version: the part between the epoch and the revision.
    pub fn upstream(&self) -> &str {
        &self.text[self.upstream_start..self.upstream_end]
    }

    /// Returns the Debian revision, `None` when the version has none.
    pub fn revision(&self) -> Option<&str> {
        self.revision_start.map(|start| &self.text[start..])
    }

    /// Returns the version text as given, without surrounding blanks.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns the warning `dpkg` prints for this value, `None` when the value follows
    /// Debian Policy.
    ///
    /// `dpkg --compare-versions` still orders a value with a warning, and so does [`Version`].
    pub fn syntax_warning(&self) -> Option<&'static str> {
        let upstream = self.upstream().as_bytes();
        if !upstream.first().is_some_and(u8::is_ascii_digit) {
            return Some("version number does not start with digit");
        }

        let upstream_allowed = |c: &u8| c.is_ascii_alphanumeric() || b".-+~:".contains(c);
        if !upstream[1..].iter().all(upstream_allowed) {
            return Some("invalid character in version number");
        }

        let revision_allowed = |c: &u8| c.is_ascii_alphanumeric() || b".+~".contains(c);
        let revision = self.revision().unwrap_or("").as_bytes();
        if !revision.iter().all(revision_allowed) {
            return Some("invalid character in revision number");
        }
        None
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| VersionError::new(SCHEME, value, reason);

        // dpkg trims blanks (space and tab only) and rejects blanks inside the value.
        let is_blank = |c: u8| c == b' ' || c == b'\t';
        let bytes = value.as_bytes();
        let Some(first) = bytes.iter().position(|&c| !is_blank(c)) else {
            return Err(invalid("version string is empty"));
        };
        let last = bytes.iter().rposition(|&c| !is_blank(c)).unwrap_or(first);
        // Blanks are ASCII, so the offsets are character boundaries.
        let text = &value[first..=last];

        // One pass finds what the checks below need. A blank inside the value is reported
        // before a NUL byte.
        let mut first_colon = None;
        let mut last_hyphen = None;
        let mut has_nul = false;
        for (index, &c) in text.as_bytes().iter().enumerate() {
            match c {
                b' ' | b'\t' => return Err(invalid("version string has embedded spaces")),
                b'\0' => has_nul = true,
                b':' if first_colon.is_none() => first_colon = Some(index),
                b'-' => last_hyphen = Some(index),
                _ => {}
            }
        }
        if has_nul {
            return Err(invalid("version string contains a NUL byte"));
        }

        let (epoch, has_epoch, upstream_start) = match first_colon {
            Some(colon) => {
                let epoch = parse_epoch(&text[..colon]).map_err(invalid)?;
                if colon + 1 == text.len() {
                    return Err(invalid("nothing after colon in version number"));
                }
                (epoch, true, colon + 1)
            }
            None => (0, false, 0),
        };

        // The revision follows the last `-` after the epoch.
        let revision_hyphen = last_hyphen.filter(|&hyphen| hyphen >= upstream_start);
        let (upstream_end, revision_start) = match revision_hyphen {
            Some(hyphen) => {
                if hyphen + 1 == text.len() {
                    return Err(invalid("revision number is empty"));
                }
                (hyphen, Some(hyphen + 1))
            }
            None => (text.len(), None),
        };
        if upstream_end == upstream_start {
            return Err(invalid("version number is empty"));
        }

        Ok(Version {
            text: text.into(),
            epoch,
            has_epoch,
            upstream_start,
            upstream_end,
            revision_start,
        })
    }
}

/// Parses the text before the first `:` as dpkg does with `strtol`: optional leading white
/// space and sign, then decimal digits up to `i32::MAX`.
fn parse_epoch(text: &str) -> Result<u32, &'static str> {
    // C `isspace` in the "C" locale, which `strtol` skips.
    let unsigned = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, digits) = match unsigned.as_bytes().first() {
        Some(b'-') => (true, &unsigned[1..]),
        Some(b'+') => (false, &unsigned[1..]),
        _ => (false, unsigned),
    };
    if digits.is_empty() || !digits.as_bytes()[0].is_ascii_digit() {
        return Err("epoch in version is empty");
    }
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err("epoch in version is not number");
    }

    let significant = digits.trim_start_matches('0');
    let magnitude = match significant.len() {
        0 => 0,
        1..=10 => significant.parse::<u64>().unwrap_or(u64::MAX),
        _ => u64::MAX,
    };
    if negative && magnitude > 0 {
        return Err("epoch in version is negative");
    }
    u32::try_from(magnitude)
        .ok()
        .filter(|&epoch| epoch <= i32::MAX as u32)
        .ok_or("epoch in version is too big")
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_part(self.upstream_bytes(), other.upstream_bytes()))
            .then_with(|| compare_part(self.revision_bytes(), other.revision_bytes()))
    }
}

impl Version {
    fn upstream_bytes(&self) -> &[u8] {
        &self.text.as_bytes()[self.upstream_start..self.upstream_end]
    }

    /// Returns the revision's bytes, empty when there is none: dpkg compares a missing
    /// revision as the empty string.
    fn revision_bytes(&self) -> &[u8] {
        match self.revision_start {
            Some(start) => &self.text.as_bytes()[start..],
            None => b"",
        }
    }
}

/// Weight of each byte outside digit runs, as dpkg's `order()`: `~` first, then digits and
/// the end of the string (both `0`), then letters, then everything else.
///
/// No byte other than a digit weighs `0`, which [`compare_runs`] relies on.
const WEIGHTS: [i16; 256] = {
    let mut weights = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        let c = byte as u8;
        weights[byte] = if c.is_ascii_digit() {
            0
        } else if c.is_ascii_alphabetic() {
            c as i16
        } else if c == b'~' {
            -1
        } else if c >= 0x80 {
            // dpkg adds 256 to a `char`, which is signed on the platforms Debian builds
            // for, so bytes above 0x7f land between letters and ASCII punctuation.
            c as i16
        } else {
            c as i16 + 256
        };
        byte += 1;
    }
    weights
};

/// Returns the weight of the byte at `index`, `0` past the end.
fn weight_at(text: &[u8], index: usize) -> i16 {
    match text.get(index) {
        Some(&c) => WEIGHTS[usize::from(c)],
        None => 0,
    }
}

/// Compares two upstream versions or two revisions as dpkg's `verrevcmp` does, without
/// allocating.
///
/// Fast path: the loop starts at `start`, the last digit-run start of the common prefix,
/// so the shared start of two similar versions costs one byte scan. This gives dpkg's
/// result because `start` lies at or before the first differing byte and is `0` or follows
/// a non-digit:
/// - Before `start` the two strings are identical, so dpkg's loop reads the same bytes on
///   both sides. Every weight and every digit run is equal, so it returns nothing there,
///   and its two indices are equal when they reach `start`.
/// - `start` is not inside a digit run, so dpkg reaches `start` in its non-digit phase with
///   no digit comparison pending, the state in which a fresh loop begins. A digit and the
///   end of the string both weigh `0`, so that phase ends at the same byte in both loops.
///
/// `dpkg_fast_path_matches_reference` checks this against the loop without the fast path.
fn compare_part(a: &[u8], b: &[u8]) -> Ordering {
    let common = common_prefix_len(a, b);
    if common == a.len() && common == b.len() {
        return Ordering::Equal;
    }

    // Back up to the start of the digit run that the common prefix ends in, if any.
    let mut start = common;
    while start > 0 && a[start - 1].is_ascii_digit() {
        start -= 1;
    }
    compare_runs(&a[start..], &b[start..])
}

/// Returns the length of the longest common prefix, comparing eight bytes at a time.
fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    let mut offset = 0;
    while let (Some(x), Some(y)) = (
        a[offset..].first_chunk::<8>(),
        b[offset..].first_chunk::<8>(),
    ) {
        // In little-endian order, the lowest set bit of the XOR is in the first differing
        // byte.
        let difference = u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y);
        if difference != 0 {
            return offset + (difference.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let rest = a[offset..].iter().zip(&b[offset..]);
    offset + rest.take_while(|(x, y)| x == y).count()
}

/// Runs dpkg's `verrevcmp` loop: alternating non-digit runs, compared byte by byte by
/// [`WEIGHTS`], and digit runs, compared as numbers of any length.
fn compare_runs(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit run. The indices stop at a digit or at the end (weight 0), so they never
        // pass the end: when one side weighs 0 and the other does not, the loop returns.
        loop {
            let (weight_a, weight_b) = (weight_at(a, i), weight_at(b, j));
            if weight_a != weight_b {
                return weight_a.cmp(&weight_b);
            }
            if weight_a == 0 {
                break;
            }
            i += 1;
            j += 1;
        }

        // Digit run: skip leading zeros, then the longer run is the larger number, else the
        // first differing digit decides. Both runs end together here, or one side returns.
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_difference = Ordering::Equal;
        while i < a.len() && j < b.len() && a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            if first_difference == Ordering::Equal {
                first_difference = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        let more_a = i < a.len() && a[i].is_ascii_digit();
        let more_b = j < b.len() && b[j].is_ascii_digit();
        if more_a != more_b {
            return more_a.cmp(&more_b);
        }
        if first_difference != Ordering::Equal {
            return first_difference;
        }
    }
    Ordering::Equal
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
    fn dpkg_ordering_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            // Epochs.
            ("1:1.0", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            ("2:1.0", "10:0.1", Less),
            ("1:7.4.052", "7.4.052", Greater),
            // Tilde: before everything, including the end of the string.
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~", Less),
            ("1.0~~a", "1.0~", Less),
            ("1~", "1", Less),
            ("2.2~rc-4", "2.2-1", Less),
            // Debian backports and stable updates.
            ("1.2.3-1~bpo12+1", "1.2.3-1", Less),
            ("1.2.3-1~bpo11+1", "1.2.3-1~bpo12+1", Less),
            ("3.0.15-1~deb12u1", "3.0.15-1", Less),
            ("2.36-9+deb12u1", "2.36-9", Greater),
            ("2.36-9+deb12u1", "2.36-9+deb12u2", Less),
            ("2.36-9+deb12u9", "2.36-9+deb12u10", Less),
            // Ubuntu ESM and security updates.
            ("1.1.1f-1ubuntu2.16", "1.1.1f-1ubuntu2.16+esm1", Less),
            ("1.1.1f-1ubuntu2.16~esm1", "1.1.1f-1ubuntu2.16", Less),
            ("2.7.18-1~20.04.3+esm2", "2.7.18-1~20.04.3+esm1", Greater),
            ("1.2-3ubuntu0.1", "1.2-3", Greater),
            ("1.2-3ubuntu0.1", "1.2-3ubuntu1", Less),
            ("1.2-3ubuntu0.1", "1.2-3+deb12u1", Less),
            (
                "2.7.4+reloaded2-13ubuntu1",
                "2.7.4+reloaded2-13+deb9u1",
                Less,
            ),
            // Letters sort before non-letters, digit runs numerically.
            ("1.0a", "1.0+", Less),
            ("1.0a", "1.0.", Less),
            ("1.09", "1.9", Equal),
            ("1.0000-1", "1.0-1", Equal),
            ("1.10", "1.9", Greater),
            ("0foo.bar", "0foo1bar", Greater),
            // Empty, missing and zero revisions are equal.
            ("1.0", "1.0-0", Equal),
            ("1.0-0", "1.0-00", Equal),
            ("1.0", "1.0-1", Less),
            // Colons and hyphens: first colon, last hyphen.
            ("1:2:3", "1:2:3-0", Equal),
            ("1.0-2-3", "1.0-2-4", Less),
            // Digit runs longer than any integer type.
            (
                "1.123456789012345678901234567890",
                "1.123456789012345678901234567891",
                Less,
            ),
            ("1.00000000000000000000000000000000001", "1.1", Equal),
            // The common prefix ends inside a digit run, which the fast path must compare
            // whole.
            ("1.2.3", "1.2.30", Less),
            ("1.2.30", "1.2.4", Greater),
            ("1.0001", "1.01", Equal),
            ("1.0010", "1.01", Greater),
            ("1.2~", "1.2", Less),
            ("1.2a", "1.2", Greater),
            // Non-ASCII bytes sort between letters and ASCII punctuation, as in dpkg.
            ("1.0é", "1.0a", Greater),
            ("1.0é", "1.0+", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(parse(a).cmp(&parse(b)), expected, "{a} vs {b}");
            assert_eq!(parse(b).cmp(&parse(a)), expected.reverse(), "{b} vs {a}");
        }
    }

    /// dpkg's `verrevcmp` transcribed without the common-prefix fast path, as the reference
    /// for [`compare_part`].
    fn reference_verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
        let (mut i, mut j) = (0, 0);
        let digit_at = |text: &[u8], index: usize| text.get(index).is_some_and(u8::is_ascii_digit);
        while i < a.len() || j < b.len() {
            let mut first_difference = Ordering::Equal;
            while (i < a.len() && !digit_at(a, i)) || (j < b.len() && !digit_at(b, j)) {
                let (weight_a, weight_b) = (weight_at(a, i), weight_at(b, j));
                if weight_a != weight_b {
                    return weight_a.cmp(&weight_b);
                }
                i += 1;
                j += 1;
            }
            while a.get(i) == Some(&b'0') {
                i += 1;
            }
            while b.get(j) == Some(&b'0') {
                j += 1;
            }
            while digit_at(a, i) && digit_at(b, j) {
                if first_difference == Ordering::Equal {
                    first_difference = a[i].cmp(&b[j]);
                }
                i += 1;
                j += 1;
            }
            if digit_at(a, i) {
                return Ordering::Greater;
            }
            if digit_at(b, j) {
                return Ordering::Less;
            }
            if first_difference != Ordering::Equal {
                return first_difference;
            }
        }
        Ordering::Equal
    }

    proptest::proptest! {
        /// Pairs share a random prefix so that the fast path starts at every kind of byte.
        #[test]
        fn dpkg_fast_path_matches_reference(
            prefix in "[0-9a~.+]{0,8}",
            a in "[0-9a~.+]{0,6}",
            b in "[0-9a~.+]{0,6}",
        ) {
            let a = format!("{prefix}{a}");
            let b = format!("{prefix}{b}");
            let expected = reference_verrevcmp(a.as_bytes(), b.as_bytes());
            proptest::prop_assert_eq!(compare_part(a.as_bytes(), b.as_bytes()), expected);
        }
    }

    #[test]
    fn dpkg_parse_splits_parts() {
        let version = parse(" 2:1.2:3-4-1~bpo12+1\t");
        assert_eq!(version.epoch(), 2);
        assert!(version.has_epoch());
        assert_eq!(version.upstream(), "1.2:3-4");
        assert_eq!(version.revision(), Some("1~bpo12+1"));
        assert_eq!(version.to_string(), "2:1.2:3-4-1~bpo12+1");

        let version = parse("1.0");
        assert_eq!(version.epoch(), 0);
        assert!(!version.has_epoch());
        assert_eq!(version.revision(), None);
    }

    #[test]
    fn dpkg_epoch_like_strtol() {
        assert_eq!(parse("+1:0").epoch(), 1);
        assert_eq!(parse("01:0").epoch(), 1);
        assert_eq!(parse("-0:1").epoch(), 0);
        assert_eq!(parse("\n1:0").epoch(), 1);
        assert_eq!(parse("2147483647:1").epoch(), 2_147_483_647);
    }

    #[test]
    fn dpkg_rejects_what_dpkg_rejects() {
        let cases = [
            ("", "version string is empty"),
            ("  ", "version string is empty"),
            ("1.0 x", "version string has embedded spaces"),
            ("1:", "nothing after colon in version number"),
            ("1-", "revision number is empty"),
            ("1.0--", "revision number is empty"),
            (":1", "epoch in version is empty"),
            ("a:1", "epoch in version is empty"),
            ("0x1:1", "epoch in version is not number"),
            ("1.0-a:b", "epoch in version is not number"),
            ("-1:1", "epoch in version is negative"),
            ("2147483648:1", "epoch in version is too big"),
            ("99999999999999999999999:1", "epoch in version is too big"),
            ("-1", "version number is empty"),
            ("1:-1", "version number is empty"),
            ("1\0", "version string contains a NUL byte"),
        ];
        for (text, reason) in cases {
            match text.parse::<Version>() {
                Ok(version) => panic!("`{text:?}` should be rejected, got {version:?}"),
                Err(error) => {
                    assert_eq!(error.reason, reason, "{text:?}");
                    assert_eq!(error.scheme, "dpkg", "{text:?}");
                    assert_eq!(error.value, text, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn dpkg_accepts_with_warning() {
        let cases = [
            ("1.0", None),
            ("1:2.0-1~bpo12+1", None),
            ("a-0", Some("version number does not start with digit")),
            ("1:a", Some("version number does not start with digit")),
            ("1.0_a", Some("invalid character in version number")),
            ("1.0-a_b", Some("invalid character in revision number")),
            ("1:1.0-a:b", Some("invalid character in revision number")),
        ];
        for (text, warning) in cases {
            match text.parse::<Version>() {
                Ok(version) => assert_eq!(version.syntax_warning(), warning, "{text}"),
                Err(error) => panic!("`{text}` should parse: {error}"),
            }
        }
    }
}
