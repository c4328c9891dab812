//! NuGet versions, ordered as NuGet.Versioning's `VersionComparer.Default` orders them.
//!
//! Used for the OSV ecosystem `NuGet` and the purl type `nuget`.
//!
//! A version is `Major[.Minor[.Patch[.Revision]]][-Release][+Metadata]`: SemVer 2.0 plus the
//! legacy fourth `Revision` part (<https://learn.microsoft.com/nuget/concepts/package-versioning>).
//!
//! # Traps
//!
//! - Missing parts are zero: `1.0 == 1.0.0 == 1.0.0.0`, but `1.0.0 < 1.0.0.1`.
//! - Leading zeros are allowed and ignored: `1.0.01 == 1.0.1.0`.
//! - Release labels compare case-insensitively: `1.0.0-BETA == 1.0.0-beta`.
//! - A label made only of digits compares numerically and sorts below any other label
//!   (`beta.5.79 < beta.5.790`, `1.0.0-1 < 1.0.0-alpha`); fewer labels sort first when the
//!   common ones are equal (`beta < beta.1`).
//! - A pre-release sorts below its release; metadata after `+` never affects the order.
//!
//! # Deliberate difference from NuGet
//!
//! NuGet stores version parts as 32-bit integers and rejects larger ones. ward compares parts
//! of any length numerically, as OSV does, so an advisory with such a version still gets an
//! answer.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::generic::{cmp_decimal, strip_zeros};
use crate::VersionError;

const SCHEME: &str = "nuget";

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    /// Major, minor, patch and revision, as ASCII digits without leading zeros.
    parts: [Box<str>; 4],
    /// Pre-release labels; empty for a release.
    labels: Box<[Label]>,
}

crate::ordered_text_version!(Version);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Numeric(Box<str>),
    /// An alphanumeric label, lowercased for case-insensitive comparison.
    Text(Box<str>),
}

impl Version {
    /// Returns the version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns whether the version has a pre-release label.
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| VersionError::new(SCHEME, s, reason);
        let trimmed = s.trim();

        let (rest, metadata) = match trimmed.split_once('+') {
            Some((rest, metadata)) => (rest, Some(metadata)),
            None => (trimmed, None),
        };
        if let Some(metadata) = metadata {
            if !is_dot_separated_identifiers(metadata) {
                return Err(invalid("invalid build metadata after `+`"));
            }
        }
        let (core, release) = match rest.split_once('-') {
            Some((core, release)) => (core, Some(release)),
            None => (rest, None),
        };

        let numbers: Vec<&str> = core.split('.').collect();
        if numbers.len() > 4 {
            return Err(invalid("more than four numeric parts"));
        }
        if numbers
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid("a numeric part is empty or not a number"));
        }
        let part =
            |i: usize| -> Box<str> { strip_zeros(numbers.get(i).copied().unwrap_or("0")).into() };
        let parts = [part(0), part(1), part(2), part(3)];

        let labels = match release {
            None => Box::default(),
            Some(release) => {
                if !is_dot_separated_identifiers(release) {
                    return Err(invalid("invalid pre-release label after `-`"));
                }
                release.split('.').map(Label::new).collect()
            }
        };

        Ok(Version {
            text: s.into(),
            parts,
            labels,
        })
    }
}

/// Checks SemVer's identifier syntax: non-empty `[0-9A-Za-z-]+` parts separated by dots.
pub(crate) fn is_dot_separated_identifiers(text: &str) -> bool {
    text.split('.').all(|identifier| {
        !identifier.is_empty()
            && identifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

impl Label {
    fn new(text: &str) -> Label {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            Label::Numeric(text.into())
        } else {
            Label::Text(text.to_ascii_lowercase().into())
        }
    }
}

fn cmp_labels(a: &[Label], b: &[Label]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let order = match (x, y) {
            (Label::Numeric(x), Label::Numeric(y)) => cmp_decimal(x, y),
            (Label::Numeric(_), Label::Text(_)) => Ordering::Less,
            (Label::Text(_), Label::Numeric(_)) => Ordering::Greater,
            (Label::Text(x), Label::Text(y)) => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.parts.iter().zip(other.parts.iter()) {
            let order = cmp_decimal(a, b);
            if order.is_ne() {
                return order;
            }
        }
        match (self.is_prerelease(), other.is_prerelease()) {
            (false, false) => Ordering::Equal,
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (true, true) => cmp_labels(&self.labels, &other.labels),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nuget_traps_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0", "1.0.0.0", Equal),
            ("1.0.0", "1.0.0.1", Less),
            ("1.0.01", "1.0.1.0", Equal),
            ("1.0.0-BETA", "1.0.0-beta", Equal),
            ("1.0.0+AA", "1.0.0+bb", Equal),
            ("1.0.0-beta", "1.0.0", Less),
            ("1.0.0-beta", "1.0.0-beta.1", Less),
            ("1.0.0-1", "1.0.0-alpha", Less),
            ("1.0.0-beta.5.79", "1.0.0-beta.5.790", Less),
            ("1.0.0-beta2", "1.0.0-beta10", Greater),
            ("1", "1.0.0", Equal),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a} vs {b}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn nuget_rejects_malformed() {
        for input in [
            "",
            "1.0.0.0.0",
            "1..0",
            "v1.0",
            "1.0-",
            "1.0-beta..1",
            "1.0+",
            "a.b",
        ] {
            assert!(input.parse::<Version>().is_err(), "{input:?}");
        }
    }
}
