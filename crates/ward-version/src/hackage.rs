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
use std::str::FromStr;

use crate::generic::{cmp_number_lists, parse_number_list};
use crate::VersionError;

const SCHEME: &str = "hackage";

/// A parsed Hackage version.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    /// The numbers, as ASCII digits without leading zeros.
    parts: Box<[Box<str>]>,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Returns the version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts = parse_number_list(s, &['.'])
            .ok_or_else(|| VersionError::new(SCHEME, s, "expected numbers separated by `.`"))?;
        Ok(Version {
            text: s.into(),
            parts,
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_number_lists(&self.parts, &other.parts)
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
