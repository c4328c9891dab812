//! Pub (Dart) versions, ordered as `package:pub_semver`'s `Version.compareTo` orders them.
//!
//! Used for the OSV ecosystem `Pub` and the purl type `pub`.
//!
//! # Traps
//!
//! - Unlike SemVer 2.0, build metadata takes part in the order: a version without a build
//!   sorts below the same version with one (`1.0.0 < 1.0.0+build`), and builds compare like
//!   pre-release labels (`1.2.3+1 < 1.2.3+a`).
//! - A pre-release sorts below its release, and before its build is looked at:
//!   `1.0.0-pre < 1.0.0-pre+build < 1.0.0`.
//! - Labels are split at `.`; a label that parses as a number compares numerically and sorts
//!   below any text label; text compares case-sensitively (`r100 > R2`, `5-foo > 5-Foo`);
//!   a list that is a prefix of the other sorts first.
//!
//! # Deliberate differences from pub_semver
//!
//! pub_semver requires exactly three numeric parts. ward, like OSV, also accepts a leading
//! `v` and any number of numeric parts (missing ones count as 0), and compares numbers of
//! any length, so that advisories with such versions still get an answer.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::generic::{cmp_decimal, strip_zeros};
use crate::nuget::is_dot_separated_identifiers;
use crate::VersionError;

const SCHEME: &str = "pub";

/// A parsed Pub version.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    /// Numeric parts as ASCII digits without leading zeros, trailing zeros removed.
    numbers: Box<[Box<str>]>,
    pre_release: Box<[Label]>,
    build: Box<[Label]>,
}

crate::ordered_text_version!(Version);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Number(Box<str>),
    Text(Box<str>),
}

impl Version {
    /// Returns the version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns whether the version has a pre-release part.
    pub fn is_prerelease(&self) -> bool {
        !self.pre_release.is_empty()
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| VersionError::new(SCHEME, s, reason);
        let body = s.strip_prefix('v').unwrap_or(s);

        let (rest, build) = match body.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (body, None),
        };
        let (core, pre_release) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };

        if core.is_empty()
            || core
                .split('.')
                .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid("the version must start with dot-separated numbers"));
        }
        let mut numbers: Vec<Box<str>> = core.split('.').map(|n| strip_zeros(n).into()).collect();
        while numbers.last().is_some_and(|n| &**n == "0") {
            numbers.pop();
        }

        let labels = |part: Option<&str>, what: &str| -> Result<Box<[Label]>, VersionError> {
            match part {
                None => Ok(Box::default()),
                Some(text) if is_dot_separated_identifiers(text) => {
                    Ok(text.split('.').map(Label::new).collect())
                }
                Some(_) => Err(invalid(&format!("invalid {what}"))),
            }
        };
        let pre_release = labels(pre_release, "pre-release after `-`")?;
        let build = labels(build, "build after `+`")?;

        Ok(Version {
            text: s.into(),
            numbers: numbers.into(),
            pre_release,
            build,
        })
    }
}

impl Label {
    fn new(text: &str) -> Label {
        if text.bytes().all(|b| b.is_ascii_digit()) {
            Label::Number(strip_zeros(text).into())
        } else {
            Label::Text(text.into())
        }
    }
}

/// Compares label lists as pub_semver's `_compareLists` does.
fn cmp_labels(a: &[Label], b: &[Label]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let order = match (x, y) {
            (Label::Number(x), Label::Number(y)) => cmp_decimal(x, y),
            (Label::Number(_), Label::Text(_)) => Ordering::Less,
            (Label::Text(_), Label::Number(_)) => Ordering::Greater,
            (Label::Text(x), Label::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        for i in 0..len {
            let a = self.numbers.get(i).map_or("0", |n| n);
            let b = other.numbers.get(i).map_or("0", |n| n);
            let order = cmp_decimal(a, b);
            if order.is_ne() {
                return order;
            }
        }

        let pre = match (self.is_prerelease(), other.is_prerelease()) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            _ => cmp_labels(&self.pre_release, &other.pre_release),
        };
        if pre.is_ne() {
            return pre;
        }

        match (self.build.is_empty(), other.build.is_empty()) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => cmp_labels(&self.build, &other.build),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pub_traps_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0.0", "1.0.0+build", Less),
            ("1.0.0-pre", "1.0.0-pre+build", Less),
            ("1.0.0-pre+build", "1.0.0", Less),
            ("1.2.3+1", "1.2.3+a", Less),
            ("1.2.3+a1", "1.2.3+a", Greater),
            ("1.2.3-a.10", "1.2.3-a.5", Greater),
            ("1.2.3-r100", "1.2.3-R2", Greater),
            ("1.2.3-5-foo", "1.2.3-5-Foo", Greater),
            ("v1.2.3", "1.2.3", Equal),
            ("0.10.0", "0.9.0", Greater),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a} vs {b}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn pub_rejects_malformed() {
        for input in ["", "a.b.c", "1..2", "1.2.3-", "1.2.3+", "1.2.3-a..b"] {
            assert!(input.parse::<Version>().is_err(), "{input:?}");
        }
    }
}
