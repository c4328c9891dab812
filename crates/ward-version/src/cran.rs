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
use std::str::FromStr;

use crate::generic::{cmp_number_lists, parse_number_list};
use crate::VersionError;

const SCHEME: &str = "cran";

/// A parsed CRAN version.
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
        let parts = parse_number_list(s, &['.', '-']).ok_or_else(|| {
            VersionError::new(SCHEME, s, "expected numbers separated by `.` or `-`")
        })?;
        if parts.len() < 2 {
            return Err(VersionError::new(
                SCHEME,
                s,
                "expected at least two numbers",
            ));
        }
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
