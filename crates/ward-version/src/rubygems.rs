//! RubyGems versions, ordered as `Gem::Version#<=>` orders them (RubyGems 3.x).
//!
//! Used for the OSV ecosystem `RubyGems` and the purl type `gem`.
//!
//! # Algorithm
//!
//! 1. Strip surrounding whitespace; an empty version is `0`. Each `-` becomes `.pre.`.
//! 2. Segments are the runs of ASCII digits (numbers) and of ASCII letters (strings).
//! 3. Canonical segments: the leading numeric segments and the rest (from the first string
//!    on) each lose their trailing zeros, so `1.0.0 == 1` and `1.0.a.0 == 1.a`.
//! 4. Compare segment by segment, a missing segment counting as `0`: numbers numerically,
//!    strings byte-wise (case-sensitive), and a string below any number.
//!
//! # Traps
//!
//! - Any letter makes a pre-release: `1.2.4.beta < 1.2.4`, `1.0.b1 > 1.0.a.2`.
//! - `1.0.a2 == 1.0.a.2`: the letter-digit change splits segments like a dot does.
//! - `3.10 > 3.2` (numbers, not text) and `1.0-rc1 == 1.0.pre.rc1`.
//! - `1.0.A1 < 1.0.a1`: strings compare by bytes, so upper case sorts first.
//!
//! # Validity
//!
//! `Gem::Version.correct?` accepts `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
//! with surrounding whitespace. ward also accepts a letter right after the first number
//! (`1beta`), which RubyGems rejects but OSV's comparator orders as `1.beta`; any other
//! character outside `[0-9A-Za-z.-]` is an error.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::generic::{cmp_decimal, strip_zeros};
use crate::VersionError;

const SCHEME: &str = "rubygems";

/// A parsed RubyGems version.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    /// Canonical segments (step 3).
    segments: Box<[Segment]>,
}

crate::ordered_text_version!(Version);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// ASCII digits without leading zeros.
    Number(Box<str>),
    Text(Box<str>),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(n) if &**n == "0")
    }
}

impl Version {
    /// Returns the version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns whether the version contains a letter, which makes it a pre-release.
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Text(_)))
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0');
        if !trimmed.is_empty() {
            if !trimmed.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(VersionError::new(SCHEME, s, "does not start with a digit"));
            }
            if let Some(bad) = trimmed
                .chars()
                .find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            {
                return Err(VersionError::new(
                    SCHEME,
                    s,
                    format!("invalid character `{bad}`"),
                ));
            }
            if trimmed.contains("..") || trimmed.ends_with('.') {
                return Err(VersionError::new(SCHEME, s, "empty segment"));
            }
        }

        let expanded = trimmed.replace('-', ".pre.");
        let raw = scan_segments(&expanded);
        let split = raw
            .iter()
            .position(|s| matches!(s, Segment::Text(_)))
            .unwrap_or(raw.len());
        let (numeric, rest) = raw.split_at(split);

        let mut segments = Vec::with_capacity(raw.len());
        segments.extend_from_slice(drop_trailing_zeros(numeric));
        segments.extend_from_slice(drop_trailing_zeros(rest));
        Ok(Version {
            text: s.into(),
            segments: segments.into(),
        })
    }
}

fn scan_segments(version: &str) -> Vec<Segment> {
    let bytes = version.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            segments.push(Segment::Number(strip_zeros(&version[start..i]).into()));
        } else if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            segments.push(Segment::Text(version[start..i].into()));
        } else {
            i += 1;
        }
    }
    segments
}

fn drop_trailing_zeros(segments: &[Segment]) -> &[Segment] {
    let end = segments
        .iter()
        .rposition(|s| !s.is_zero())
        .map_or(0, |last| last + 1);
    &segments[..end]
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.segments.len().max(other.segments.len());
        for i in 0..len {
            let order = match (self.segments.get(i), other.segments.get(i)) {
                (Some(a), Some(b)) => cmp_segment(a, b),
                (Some(a), None) => cmp_with_zero(a),
                (None, Some(b)) => cmp_with_zero(b).reverse(),
                (None, None) => Ordering::Equal,
            };
            if order.is_ne() {
                return order;
            }
        }
        Ordering::Equal
    }
}

fn cmp_segment(a: &Segment, b: &Segment) -> Ordering {
    match (a, b) {
        (Segment::Number(a), Segment::Number(b)) => cmp_decimal(a, b),
        (Segment::Text(a), Segment::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
        (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
    }
}

/// Compares a segment with the `0` that stands for a missing one.
fn cmp_with_zero(segment: &Segment) -> Ordering {
    match segment {
        Segment::Number(n) => cmp_decimal(n, "0"),
        Segment::Text(_) => Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rubygems_traps_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("3.10", "3.2", Greater),
            ("1.2.4.beta", "1.2.4", Less),
            ("1.0.a2", "1.0.a.2", Equal),
            ("1.0.b1", "1.0.a.2", Greater),
            ("1.0.0", "1", Equal),
            ("1.0.a.0", "1.a", Equal),
            ("1.0-rc1", "1.0.pre.rc1", Equal),
            ("1.0.A1", "1.0.a1", Less),
            ("1", "1beta", Greater),
            (" 1.0 ", "1", Equal),
            ("", "0", Equal),
            ("1.0.0.rc1", "1.0.0", Less),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a:?} vs {b:?}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b:?} vs {a:?}");
        }
    }

    #[test]
    fn rubygems_rejects_malformed() {
        for input in ["a1", "1.0 beta", "1..0", "1.0.", "1.0_1", "-1"] {
            assert!(input.parse::<Version>().is_err(), "{input:?}");
        }
    }
}
