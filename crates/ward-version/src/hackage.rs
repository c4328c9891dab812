//! Hackage (Haskell) package versions, ordered as Cabal's `Version` orders them.
//!
//! Used for the OSV ecosystem `Hackage` and the purl type `hackage`.
//!
//! A version is one or more non-negative integers separated by `.`, compared as lists:
//! number by number, and a list that is a prefix of the other sorts first.
//!
//! # Traps
//!
//! - Trailing zeros count: `1.0 < 1.0.0`, and `0.1.0.0` is not `0.1`.
//! - Numbers compare numerically: `1.10 > 1.9`.
//! - There are no pre-release or build labels; any other character is an error.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::generic::{cmp_decimal, strip_zeros};
use crate::VersionError;

const SCHEME: &str = "hackage";

/// A parsed Hackage version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    text: Box<str>,
    /// The numbers, as ASCII digits without leading zeros.
    parts: Box<[Box<str>]>,
}

impl Version {
    /// Returns the version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(VersionError::new(
                SCHEME,
                s,
                "expected numbers separated by `.`",
            ));
        }
        Ok(Version {
            text: s.into(),
            parts: parts.iter().map(|p| strip_zeros(p).into()).collect(),
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.parts.iter().zip(other.parts.iter()) {
            let order = cmp_decimal(a, b);
            if order.is_ne() {
                return order;
            }
        }
        self.parts.len().cmp(&other.parts.len())
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hackage_traps_table() {
        use Ordering::{Greater, Less};
        let cases = [
            ("1.0", "1.0.0", Less),
            ("1.10", "1.9", Greater),
            ("2.0", "1.0.0", Greater),
            ("1.0.1.0", "1.0.0.0", Greater),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a} vs {b}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn hackage_rejects_malformed() {
        for input in ["", "1.0-beta", "1..0", "v1", "1.0."] {
            assert!(input.parse::<Version>().is_err(), "{input:?}");
        }
    }
}
