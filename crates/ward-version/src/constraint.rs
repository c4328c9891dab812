//! Constraint languages: the version requirements that users and feeds write.
//!
//! Each language parses its text once into typed bounds, with versions parsed by the
//! language's [`Scheme`], then tests whether a version satisfies it without re-parsing:
//!
//! | [`Language`] | syntax | scheme |
//! |---|---|---|
//! | [`Language::MavenRange`] | `[1.0,2.0)`, `(,1.0],[1.2,)`, `[1.0]`, `1.0` | Maven |
//! | [`Language::Cpe`] | NVD CPE match bounds, `versionStartIncluding=1.0;versionEndExcluding=2.0` | any |
//! | [`Language::Comparators`] | `>=1.0, <2.0 \|\| =3.0` | any |
//! | [`Language::NpmRange`] | node-semver ranges: `^1.2`, `~1.2.3`, `1.x`, `1 - 2`, `\|\|` | npm |
//! | [`Language::CargoRequirement`] | Cargo: `1.2` (caret), `*`, `>=1, <2` | semver |
//! | [`Language::Pep440Specifiers`] | PEP 440: `~=1.4.2`, `==1.*`, `>=1.0, !=1.3.*, <2`, `===x` | pep440 |
//!
//! An unparsable constraint, or a version that its scheme rejects, is a [`ConstraintError`]
//! naming the value and the language or scheme. Callers turn it into an "unknown" outcome,
//! never into a match or a silent skip.

mod comparators;
mod cpe;
mod maven_range;
mod node;
mod pep440;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use crate::{Scheme, Version, VersionError};

pub use cpe::{CpeBounds, CpeFields};
pub use node::NpmOptions;
pub use pep440::{Pep440Specifiers, Prereleases};

/// A constraint that cannot be parsed or evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConstraintError {
    /// The constraint text is not valid in its language.
    #[error("invalid {language} constraint `{value}`: {reason}")]
    InvalidConstraint {
        /// Name of the constraint language (`maven-range`, `npm`).
        language: &'static str,
        /// The rejected constraint, verbatim.
        value: String,
        /// The defect found in the constraint.
        reason: String,
    },
    /// A version in the constraint, or the version tested against it, does not parse.
    #[error(transparent)]
    InvalidVersion(#[from] VersionError),
}

impl ConstraintError {
    fn invalid(language: Language, value: &str, reason: impl Into<String>) -> Self {
        ConstraintError::InvalidConstraint {
            language: language.name(),
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A constraint language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// Maven version ranges (`VersionRange.createFromVersionSpec`).
    MavenRange,
    /// NVD CPE match bounds: `versionStartIncluding`, `versionStartExcluding`,
    /// `versionEndIncluding`, `versionEndExcluding` and the criteria's version field.
    Cpe,
    /// Comparator lists in any scheme's order: `>=1.0, <2.0 || =3.0`.
    Comparators,
    /// node-semver ranges, as npm evaluates `package.json` dependencies.
    NpmRange,
    /// Cargo version requirements (the `semver` crate's `VersionReq`).
    CargoRequirement,
    /// PEP 440 version specifiers, as `packaging`'s `SpecifierSet` reads them.
    Pep440Specifiers,
}

impl Language {
    /// Returns the language users write for `scheme`: Maven ranges for Maven, node-semver
    /// ranges for npm, Cargo requirements for SemVer, PEP 440 specifiers for PEP 440, and
    /// comparator lists for the rest.
    pub fn for_scheme(scheme: Scheme) -> Language {
        match scheme {
            Scheme::Maven => Language::MavenRange,
            Scheme::Npm => Language::NpmRange,
            Scheme::Semver => Language::CargoRequirement,
            Scheme::Pep440 => Language::Pep440Specifiers,
            _ => Language::Comparators,
        }
    }

    /// Returns the language's short name, as used by `--language` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Language::MavenRange => "maven-range",
            Language::Cpe => "cpe",
            Language::Comparators => "comparators",
            Language::NpmRange => "npm",
            Language::CargoRequirement => "cargo",
            Language::Pep440Specifiers => "pep440",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "maven-range" | "maven" => Ok(Language::MavenRange),
            "cpe" | "nvd" => Ok(Language::Cpe),
            "comparators" => Ok(Language::Comparators),
            "npm" | "node-semver" => Ok(Language::NpmRange),
            "cargo" => Ok(Language::CargoRequirement),
            "pep440" | "pypi" | "python" => Ok(Language::Pep440Specifiers),
            other => Err(format!("unknown constraint language `{other}`")),
        }
    }
}

/// A parsed constraint, ready to test versions against.
#[derive(Debug, Clone)]
pub struct Constraint {
    scheme: Scheme,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    MavenRange(maven_range::MavenRange),
    Cpe(CpeBounds),
    Comparators(comparators::Comparators),
    Node(node::Range),
    Pep440(Pep440Specifiers),
}

impl Constraint {
    /// Parses `text` in `language`, with versions parsed by `scheme`.
    ///
    /// Maven ranges need [`Scheme::Maven`], npm ranges [`Scheme::Npm`], Cargo
    /// requirements [`Scheme::Semver`] and PEP 440 specifiers [`Scheme::Pep440`]; any other
    /// pairing is an error.
    pub fn parse(language: Language, scheme: Scheme, text: &str) -> Result<Self, ConstraintError> {
        let required = match language {
            Language::MavenRange => Some(Scheme::Maven),
            Language::NpmRange => Some(Scheme::Npm),
            Language::CargoRequirement => Some(Scheme::Semver),
            Language::Pep440Specifiers => Some(Scheme::Pep440),
            Language::Cpe | Language::Comparators => None,
        };
        if let Some(required) = required.filter(|&required| required != scheme) {
            return Err(ConstraintError::invalid(
                language,
                text,
                format!("this language orders versions as `{required}`, not `{scheme}`"),
            ));
        }

        let kind = match language {
            Language::MavenRange => Kind::MavenRange(maven_range::MavenRange::parse(text)?),
            Language::Cpe => Kind::Cpe(CpeBounds::parse_text(scheme, text)?),
            Language::Comparators => {
                Kind::Comparators(comparators::Comparators::parse(scheme, text)?)
            }
            Language::NpmRange => Kind::Node(node::Range::parse(node::Dialect::Npm, text)?),
            Language::CargoRequirement => {
                Kind::Node(node::Range::parse(node::Dialect::Cargo, text)?)
            }
            Language::Pep440Specifiers => Kind::Pep440(Pep440Specifiers::parse(text)?),
        };
        Ok(Constraint { scheme, kind })
    }

    /// Returns the scheme the constraint's versions were parsed with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Returns whether `version` satisfies the constraint; `false` for a version of another
    /// scheme.
    ///
    /// PEP 440 specifiers include pre-releases ([`Prereleases::Include`]) and compare `===`
    /// terms with the normalised version.
    pub fn matches(&self, version: &Version) -> bool {
        if version.scheme() != self.scheme {
            return false;
        }
        match &self.kind {
            Kind::MavenRange(range) => range.matches(version),
            Kind::Cpe(bounds) => bounds.matches(version),
            Kind::Comparators(comparators) => comparators.matches(version),
            Kind::Node(range) => range.matches(version),
            Kind::Pep440(specifiers) => match version {
                Version::Pep440(version) => specifiers.contains(version, Prereleases::Include),
                _ => false,
            },
        }
    }

    /// Parses `version` with the constraint's scheme and tests it.
    ///
    /// PEP 440 `===` terms compare `version` as written, and may match a string that is
    /// not a PEP 440 version (see [`Pep440Specifiers::contains_str`]).
    pub fn matches_str(&self, version: &str) -> Result<bool, ConstraintError> {
        if let Kind::Pep440(specifiers) = &self.kind {
            return specifiers.contains_str(version, Prereleases::Include);
        }
        let version = self.scheme.parse(version)?;
        Ok(self.matches(&version))
    }
}

/// Parses `constraint` in the language users write for `scheme` and tests `version`.
pub fn satisfies(scheme: Scheme, constraint: &str, version: &str) -> Result<bool, ConstraintError> {
    Constraint::parse(Language::for_scheme(scheme), scheme, constraint)?.matches_str(version)
}

/// Tests `version` against a node-semver `range` with explicit options, as
/// `semver.satisfies(version, range, options)` does. The version is parsed loosely when
/// `options.loose` is set, strictly otherwise.
pub fn npm_satisfies(
    range: &str,
    version: &str,
    options: NpmOptions,
) -> Result<bool, ConstraintError> {
    let range = node::Range::parse(node::Dialect::NpmWith(options), range)?;
    Ok(range.matches_semver(&npm_version(version, options)?))
}

/// Returns whether `version` is above (`Greater`) or below (`Less`) every version a
/// node-semver `range` could match, as `semver.gtr` and `semver.ltr` do.
pub fn npm_outside(
    range: &str,
    version: &str,
    hilo: std::cmp::Ordering,
    options: NpmOptions,
) -> Result<bool, ConstraintError> {
    let range = node::Range::parse(node::Dialect::NpmWith(options), range)?;
    Ok(range.outside(&npm_version(version, options)?, hilo))
}

fn npm_version(version: &str, options: NpmOptions) -> Result<crate::semver::Version, VersionError> {
    let grammar = if options.loose {
        crate::semver::Grammar::NpmLoose
    } else {
        crate::semver::Grammar::Strict
    };
    // Strict mode still trims white space and accepts one leading `v`, as node-semver's
    // `FULL` pattern does, and rejects numbers above 2^53 - 1 as loose mode does.
    let text = version.trim();
    if options.loose {
        return crate::semver::Version::parse(text, grammar);
    }
    let parsed = crate::semver::Version::parse(text.strip_prefix('v').unwrap_or(text), grammar)?;
    let too_large = parsed
        .core()
        .any(|number| number.parse::<u64>().map_or(true, |n| n > (1 << 53) - 1));
    if too_large {
        return Err(VersionError::new(
            "npm",
            version,
            "a version number is larger than 2^53 - 1",
        ));
    }
    Ok(parsed)
}

/// Tests `version` against PEP 440 `specifiers` under a pre-release `policy`, as
/// `SpecifierSet(specifiers).contains(version, prereleases=…)` does in `packaging` 26.
pub fn pep440_satisfies(
    specifiers: &str,
    version: &str,
    policy: Prereleases,
) -> Result<bool, ConstraintError> {
    Pep440Specifiers::parse(specifiers)?.contains_str(version, policy)
}
