//! Debian package versions (`[epoch:]upstream[-revision]`), ordered as `dpkg` orders them.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

/// A parsed Debian version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    text: String,
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Err(VersionError::new("dpkg", s, "not implemented yet"))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
