//! The set of version schemes and the parsed value shared by all of them.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{dpkg, semver, VersionError};

/// A version ordering, one per family of package managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Debian and Ubuntu packages: `dpkg --compare-versions`.
    Dpkg,
    /// SemVer 2.0.0 precedence, lenient parsing: OSV `SEMVER` ranges, crates.io, Hex.
    Semver,
    /// SemVer 2.0.0 precedence, node-semver's loose parsing: npm.
    Npm,
}

impl Scheme {
    /// Returns the scheme for an OSV ecosystem string, with or without a release suffix
    /// (`Debian`, `Debian:12`, `Ubuntu:22.04:LTS`); `None` for an ecosystem ward cannot order.
    pub fn from_osv_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        match base {
            "Debian" | "Ubuntu" => Some(Scheme::Dpkg),
            "crates.io" | "Hex" | "SwiftURL" | "Bitnami" | "GitHub Actions" | "Julia" => {
                Some(Scheme::Semver)
            }
            "npm" => Some(Scheme::Npm),
            _ => None,
        }
    }

    /// Returns the scheme's short name, as used by `--scheme` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Semver => "semver",
            Scheme::Npm => "npm",
        }
    }

    /// Parses `value` into this scheme's typed version.
    pub fn parse(self, value: &str) -> Result<Version, VersionError> {
        match self {
            Scheme::Dpkg => dpkg::Version::from_str(value).map(Version::Dpkg),
            Scheme::Semver => semver::Version::from_str(value).map(Version::Semver),
            Scheme::Npm => {
                semver::Version::parse(value, semver::Grammar::NpmLoose).map(Version::Npm)
            }
        }
    }

    /// Parses both values and compares them.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        let a = self.parse(a)?;
        let b = self.parse(b)?;
        Ok(a.cmp_same_scheme(&b))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scheme {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "dpkg" | "deb" | "debian" => Ok(Scheme::Dpkg),
            "semver" | "cargo" => Ok(Scheme::Semver),
            "npm" => Ok(Scheme::Npm),
            other => Err(format!("unknown version scheme `{other}`")),
        }
    }
}

/// A parsed version of any scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Version {
    /// A Debian version.
    Dpkg(dpkg::Version),
    /// A SemVer version parsed leniently.
    Semver(semver::Version),
    /// An npm version (SemVer, parsed as node-semver's loose mode does).
    Npm(semver::Version),
}

impl Version {
    /// Returns the scheme the value was parsed with.
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::Dpkg(_) => Scheme::Dpkg,
            Version::Semver(_) => Scheme::Semver,
            Version::Npm(_) => Scheme::Npm,
        }
    }

    /// Compares two versions of the same scheme.
    ///
    /// Versions of different schemes have no order; they compare by scheme name so that
    /// sorting never panics, and callers must not rely on that order.
    pub fn cmp_same_scheme(&self, other: &Version) -> Ordering {
        match (self, other) {
            (Version::Dpkg(a), Version::Dpkg(b)) => a.cmp(b),
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Npm(a), Version::Npm(b)) => a.cmp(b),
            _ => self.scheme().name().cmp(other.scheme().name()),
        }
    }
}
