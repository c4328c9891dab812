//! The set of version schemes and the parsed value shared by all of them.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::{
    alpm, apk, cran, dpkg, generic, go, hackage, maven, nuget, packagist, pep440, pub_, rpm,
    rubygems, semver, VersionError,
};

/// A version ordering, one per family of package managers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Debian and Ubuntu packages: `dpkg --compare-versions`.
    Dpkg,
    /// RPM packages: librpm's `rpmvercmp` over epoch, version and release.
    Rpm,
    /// Alpine packages: apk-tools' ordering.
    Apk,
    /// SemVer 2.0.0 precedence, lenient parsing: OSV `SEMVER` ranges, crates.io, Hex.
    Semver,
    /// SemVer 2.0.0 precedence, node-semver's loose parsing: npm.
    Npm,
    /// Maven `ComparableVersion` (maven-artifact 3.8.7).
    Maven,
    /// NuGet: SemVer 2.0 plus a fourth legacy part, case-insensitive labels.
    NuGet,
    /// RubyGems `Gem::Version`.
    RubyGems,
    /// Packagist and Composer: PHP `version_compare`.
    Packagist,
    /// Pub (Dart): `pub_semver`, where build metadata takes part in the order.
    Pub,
    /// CRAN (R): `package_version`.
    Cran,
    /// Hackage (Haskell): Cabal's `Version`.
    Hackage,
    /// Python packages: PEP 440, as the `packaging` library orders versions.
    Pep440,
    /// Go modules and the Go standard library: `golang.org/x/mod/semver`.
    Go,
    /// Arch Linux packages: pacman's `vercmp`.
    Alpm,
    /// Fallback for versions of no known scheme; results are approximate.
    Generic,
}

impl Scheme {
    /// Returns the scheme for an OSV ecosystem string, with or without a release suffix
    /// (`Debian`, `Debian:12`, `Ubuntu:22.04:LTS`); `None` for an ecosystem ward cannot order.
    pub fn from_osv_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        match base {
            "Debian" | "Ubuntu" => Some(Scheme::Dpkg),
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "openSUSE" | "SUSE" | "Photon OS"
            | "Mageia" | "openEuler" | "Azure Linux" => Some(Scheme::Rpm),
            "Alpine"
            | "Alpaquita"
            | "BellSoft"
            | "BellSoft Hardened Containers"
            | "Wolfi"
            | "Chainguard"
            | "MinimOS" => Some(Scheme::Apk),
            "crates.io" | "Hex" | "SwiftURL" | "Bitnami" | "GitHub Actions" | "Julia" => {
                Some(Scheme::Semver)
            }
            "npm" => Some(Scheme::Npm),
            "Maven" => Some(Scheme::Maven),
            "NuGet" => Some(Scheme::NuGet),
            "RubyGems" => Some(Scheme::RubyGems),
            "Packagist" => Some(Scheme::Packagist),
            "Pub" => Some(Scheme::Pub),
            "CRAN" | "Bioconductor" => Some(Scheme::Cran),
            "Hackage" => Some(Scheme::Hackage),
            "PyPI" => Some(Scheme::Pep440),
            // Kubernetes records name the Go modules of its components.
            "Go" | "Kubernetes" => Some(Scheme::Go),
            _ => None,
        }
    }

    /// Returns the scheme for a package URL type (`deb` in `pkg:deb/debian/curl@7.88.1-10`),
    /// compared case-insensitively as the purl specification requires; `None` for a type
    /// ward cannot order.
    pub fn from_package_type(purl_type: &str) -> Option<Scheme> {
        const TYPES: [(&str, Scheme); 18] = [
            ("deb", Scheme::Dpkg),
            ("rpm", Scheme::Rpm),
            ("apk", Scheme::Apk),
            ("alpm", Scheme::Alpm),
            ("pypi", Scheme::Pep440),
            ("npm", Scheme::Npm),
            ("cargo", Scheme::Semver),
            ("hex", Scheme::Semver),
            ("swift", Scheme::Semver),
            ("bitnami", Scheme::Semver),
            ("golang", Scheme::Go),
            ("maven", Scheme::Maven),
            ("nuget", Scheme::NuGet),
            ("gem", Scheme::RubyGems),
            ("composer", Scheme::Packagist),
            ("pub", Scheme::Pub),
            ("cran", Scheme::Cran),
            ("hackage", Scheme::Hackage),
        ];
        TYPES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(purl_type))
            .map(|&(_, scheme)| scheme)
    }

    /// Returns the scheme's short name, as used by `--scheme` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
            Scheme::Semver => "semver",
            Scheme::Npm => "npm",
            Scheme::Maven => "maven",
            Scheme::NuGet => "nuget",
            Scheme::RubyGems => "rubygems",
            Scheme::Packagist => "packagist",
            Scheme::Pub => "pub",
            Scheme::Cran => "cran",
            Scheme::Hackage => "hackage",
            Scheme::Pep440 => "pep440",
            Scheme::Go => "go",
            Scheme::Alpm => "alpm",
            Scheme::Generic => "generic-approximate",
        }
    }

    /// Returns whether the scheme reproduces an ecosystem's own ordering; `false` for the
    /// generic fallback, whose results callers should mark as lower confidence.
    pub fn is_exact(self) -> bool {
        !matches!(self, Scheme::Generic)
    }

    /// Parses `value` into this scheme's typed version.
    pub fn parse(self, value: &str) -> Result<Version, VersionError> {
        match self {
            Scheme::Dpkg => dpkg::Version::from_str(value).map(Version::Dpkg),
            Scheme::Rpm => rpm::Version::from_str(value).map(Version::Rpm),
            Scheme::Apk => apk::Version::from_str(value).map(Version::Apk),
            Scheme::Semver => semver::Version::from_str(value).map(Version::Semver),
            Scheme::Npm => {
                semver::Version::parse(value, semver::Grammar::NpmLoose).map(Version::Npm)
            }
            Scheme::Maven => maven::Version::from_str(value).map(Version::Maven),
            Scheme::NuGet => nuget::Version::from_str(value).map(Version::NuGet),
            Scheme::RubyGems => rubygems::Version::from_str(value).map(Version::RubyGems),
            Scheme::Packagist => packagist::Version::from_str(value).map(Version::Packagist),
            Scheme::Pub => pub_::Version::from_str(value).map(Version::Pub),
            Scheme::Cran => cran::Version::from_str(value).map(Version::Cran),
            Scheme::Hackage => hackage::Version::from_str(value).map(Version::Hackage),
            Scheme::Pep440 => pep440::Version::from_str(value).map(Version::Pep440),
            Scheme::Go => go::Version::from_str(value).map(Version::Go),
            Scheme::Alpm => alpm::Version::from_str(value).map(Version::Alpm),
            Scheme::Generic => generic::Version::from_str(value).map(Version::Generic),
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
            "rpm" => Ok(Scheme::Rpm),
            "apk" | "alpine" => Ok(Scheme::Apk),
            "semver" | "cargo" => Ok(Scheme::Semver),
            "npm" => Ok(Scheme::Npm),
            "maven" => Ok(Scheme::Maven),
            "nuget" => Ok(Scheme::NuGet),
            "rubygems" | "gem" => Ok(Scheme::RubyGems),
            "packagist" | "composer" => Ok(Scheme::Packagist),
            "pub" | "dart" => Ok(Scheme::Pub),
            "cran" => Ok(Scheme::Cran),
            "hackage" => Ok(Scheme::Hackage),
            "pep440" | "pypi" | "python" => Ok(Scheme::Pep440),
            "go" | "golang" => Ok(Scheme::Go),
            "alpm" | "pacman" | "arch" => Ok(Scheme::Alpm),
            "generic" | "generic-approximate" => Ok(Scheme::Generic),
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
    /// An RPM version.
    Rpm(rpm::Version),
    /// An Alpine version.
    Apk(apk::Version),
    /// A SemVer version parsed leniently.
    Semver(semver::Version),
    /// An npm version (SemVer, parsed as node-semver's loose mode does).
    Npm(semver::Version),
    /// A Maven version.
    Maven(maven::Version),
    /// A NuGet version.
    NuGet(nuget::Version),
    /// A RubyGems version.
    RubyGems(rubygems::Version),
    /// A Packagist (Composer) version.
    Packagist(packagist::Version),
    /// A Pub (Dart) version.
    Pub(pub_::Version),
    /// A CRAN (R) version.
    Cran(cran::Version),
    /// A Hackage (Haskell) version.
    Hackage(hackage::Version),
    /// A Python (PEP 440) version.
    Pep440(pep440::Version),
    /// A Go module version.
    Go(go::Version),
    /// An Arch Linux package version.
    Alpm(alpm::Version),
    /// A version ordered by the generic fallback.
    Generic(generic::Version),
}

impl Version {
    /// Returns the scheme the value was parsed with.
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::Dpkg(_) => Scheme::Dpkg,
            Version::Rpm(_) => Scheme::Rpm,
            Version::Apk(_) => Scheme::Apk,
            Version::Semver(_) => Scheme::Semver,
            Version::Npm(_) => Scheme::Npm,
            Version::Maven(_) => Scheme::Maven,
            Version::NuGet(_) => Scheme::NuGet,
            Version::RubyGems(_) => Scheme::RubyGems,
            Version::Packagist(_) => Scheme::Packagist,
            Version::Pub(_) => Scheme::Pub,
            Version::Cran(_) => Scheme::Cran,
            Version::Hackage(_) => Scheme::Hackage,
            Version::Pep440(_) => Scheme::Pep440,
            Version::Go(_) => Scheme::Go,
            Version::Alpm(_) => Scheme::Alpm,
            Version::Generic(_) => Scheme::Generic,
        }
    }

    /// Compares two versions of the same scheme.
    ///
    /// Versions of different schemes have no order; they compare by scheme name so that
    /// sorting never panics, and callers must not rely on that order.
    pub fn cmp_same_scheme(&self, other: &Version) -> Ordering {
        match (self, other) {
            (Version::Dpkg(a), Version::Dpkg(b)) => a.cmp(b),
            (Version::Rpm(a), Version::Rpm(b)) => a.cmp(b),
            (Version::Apk(a), Version::Apk(b)) => a.cmp(b),
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Npm(a), Version::Npm(b)) => a.cmp(b),
            (Version::Maven(a), Version::Maven(b)) => a.cmp(b),
            (Version::NuGet(a), Version::NuGet(b)) => a.cmp(b),
            (Version::RubyGems(a), Version::RubyGems(b)) => a.cmp(b),
            (Version::Packagist(a), Version::Packagist(b)) => a.cmp(b),
            (Version::Pub(a), Version::Pub(b)) => a.cmp(b),
            (Version::Cran(a), Version::Cran(b)) => a.cmp(b),
            (Version::Hackage(a), Version::Hackage(b)) => a.cmp(b),
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Go(a), Version::Go(b)) => a.cmp(b),
            (Version::Alpm(a), Version::Alpm(b)) => a.cmp(b),
            (Version::Generic(a), Version::Generic(b)) => a.cmp(b),
            _ => self.scheme().name().cmp(other.scheme().name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_from_osv_ecosystem() {
        let cases = [
            ("PyPI", Some(Scheme::Pep440)),
            ("Go", Some(Scheme::Go)),
            ("Kubernetes", Some(Scheme::Go)),
            ("crates.io", Some(Scheme::Semver)),
            ("npm", Some(Scheme::Npm)),
            ("Alpine:v3.19", Some(Scheme::Apk)),
            ("AlmaLinux:9", Some(Scheme::Rpm)),
            ("Rocky Linux:8", Some(Scheme::Rpm)),
            ("Red Hat:rhel_aus:8.4::appstream", Some(Scheme::Rpm)),
            ("SUSE:Linux Enterprise Server 15 SP5", Some(Scheme::Rpm)),
            ("openSUSE:Tumbleweed", Some(Scheme::Rpm)),
            ("Ubuntu:Pro:18.04:LTS", Some(Scheme::Dpkg)),
            ("Debian:12", Some(Scheme::Dpkg)),
            ("Bioconductor", Some(Scheme::Cran)),
            ("Android", None),
            ("pypi", None),
        ];
        for (ecosystem, expected) in cases {
            assert_eq!(
                Scheme::from_osv_ecosystem(ecosystem),
                expected,
                "{ecosystem}"
            );
        }
    }

    #[test]
    fn scheme_from_package_type() {
        let cases = [
            ("deb", Some(Scheme::Dpkg)),
            ("rpm", Some(Scheme::Rpm)),
            ("apk", Some(Scheme::Apk)),
            ("alpm", Some(Scheme::Alpm)),
            ("pypi", Some(Scheme::Pep440)),
            ("PyPI", Some(Scheme::Pep440)),
            ("npm", Some(Scheme::Npm)),
            ("cargo", Some(Scheme::Semver)),
            ("golang", Some(Scheme::Go)),
            ("maven", Some(Scheme::Maven)),
            ("nuget", Some(Scheme::NuGet)),
            ("gem", Some(Scheme::RubyGems)),
            ("composer", Some(Scheme::Packagist)),
            ("pub", Some(Scheme::Pub)),
            ("cran", Some(Scheme::Cran)),
            ("hackage", Some(Scheme::Hackage)),
            ("generic", None),
            ("docker", None),
        ];
        for (purl_type, expected) in cases {
            assert_eq!(
                Scheme::from_package_type(purl_type),
                expected,
                "{purl_type}"
            );
        }
    }

    #[test]
    fn scheme_names_round_trip() {
        for scheme in [Scheme::Pep440, Scheme::Go, Scheme::Alpm] {
            assert_eq!(scheme.name().parse::<Scheme>(), Ok(scheme), "{scheme}");
        }
    }
}
