//! CRAN (R) package versions, ordered as R's `package_version` orders them.
//!
//! Used for the OSV ecosystem `CRAN` and the purl type `cran`.
//!
//! A version is at least two non-negative integers separated by `.` or `-`
//! (R's `valid_package_version_regexp`, `([[:digit:]]+[.-]){1,}[[:digit:]]+`).
//!
//! # Traps
//!
//! - `.` and `-` weigh the same: `1.0-0 == 1.0.0`.
//! - Numbers compare numerically, leading zeros ignored: `0.01.0 == 0.1-0`, `0.9 < 0.75`.
//! - A longer version with the same leading parts is greater, even when the extra parts are
//!   zero: `0.3.2.0 > 0.3.2` (unlike most schemes).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::generic::{cmp_decimal, strip_zeros};
use crate::VersionError;

const SCHEME: &str = "cran";

/// A parsed CRAN version.
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
        let parts: Vec<&str> = s.trim().split(['.', '-']).collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(VersionError::new(
                SCHEME,
                s,
                "expected numbers separated by `.` or `-`",
            ));
        }
        if parts.len() < 2 {
            return Err(VersionError::new(
                SCHEME,
                s,
                "expected at least two numbers",
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
    fn cran_traps_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0-0", "1.0.0", Equal),
            ("0.01.0", "0.1-0", Equal),
            ("0.9", "0.75", Less),
            ("0.3.2.0", "0.3.2", Greater),
            ("1.0-10", "1.0-9", Greater),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a} vs {b}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn cran_rejects_malformed() {
        for input in ["", "1", "1.a", "1..2", "1.0-", "v1.0"] {
            assert!(input.parse::<Version>().is_err(), "{input:?}");
        }
    }
}
