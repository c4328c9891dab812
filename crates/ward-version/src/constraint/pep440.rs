//! PEP 440 version specifiers: `>=1.0, !=1.3.*, <2.0`, as pip and `packaging` read
//! `Requires-Dist` and requirement files.
//!
//! The rules are those of the PyPA version specifiers specification
//! (<https://packaging.python.org/en/latest/specifications/version-specifiers/>), as
//! `packaging` 26 implements them in `SpecifierSet.contains`. `pep440_rs` parses the
//! versions, but its `VersionSpecifier::contains` follows uv, which applies the
//! pre-release rules in its resolver instead, so the operators are written here.
//!
//! Traps:
//! - A set is a comma-separated list whose terms must all hold. Empty terms are skipped, so
//!   `""` and `","` match every version.
//! - `==1.0` and `!=1.0` ignore the candidate's local label (`1.0+ubuntu.1` is `==1.0`)
//!   unless the specifier has one. Only `==` and `!=` accept a local label or a `.*`
//!   suffix, and `.*` follows the release numbers only: `==1.0a1.*` is invalid.
//! - `==1.0.*` is prefix matching on the release, padded with zeros: it contains `1.0`,
//!   `1.0.5`, `1.0rc1`, `1.0.post1` and `1.0+local`, but not `1.1.0`. The epoch must be
//!   equal.
//! - `~=2.2.post3` means `>=2.2.post3, ==2.*`: the last release number is dropped and the
//!   rest is a prefix. `~=` needs at least two release numbers.
//! - `<=V` contains V's local versions (`<=2.0` contains `2.0+local`), `<V` and `>V` do
//!   not.
//! - `<V` for a V that is not a pre-release is `<V.dev0`, so it never contains a
//!   pre-release or dev release of V itself: `<2` rejects `2.0rc1` and `2.dev0`.
//! - `>V` rejects V's post-releases unless V is one: `>2` rejects `2.0.post1`, and `>1.0a1`
//!   rejects `1.0a1.post1`.
//! - `===` compares the text case-insensitively, without normalising: `===1.0` does not
//!   contain `1.0.0`. It is the only operator that can match a string that is not a
//!   PEP 440 version.
//!
//! Chosen behaviours:
//! - The operators follow `packaging` 26 and its `main` branch. `packaging` 25.0 and
//!   earlier differ in two places. There, `>V` rejects every local version whose release
//!   and pre-release equal V's, so `>1.0.dev1` rejected `1.0+local`, which 26 accepts. And
//!   `<V` for a post-release V rejects every pre-release of V's release, so `<1.0.post1`
//!   rejected `1.0a1`, which 26 accepts because `<1.0.post1` is `<1.0.post1.dev0`.
//! - [`Prereleases::Include`] is the default, as in `packaging` 26, where
//!   `SpecifierSet.contains` accepts a pre-release because a single candidate has no
//!   alternative. ward tests installed versions, which the specification also lets
//!   specifiers match when they are pre-releases. [`Prereleases::Exclude`] is
//!   `prereleases=False`, and [`Prereleases::Implicit`] is the older default that excludes
//!   pre-releases unless a specifier names one (`>=1.0b1`).
//! - A candidate that is not a PEP 440 version is an error unless every term is `===`,
//!   where `packaging` 26 returns `False` (or `True` for an empty set).
//! - Numbers must fit in 64 bits, as for [`crate::pep440::Version`].

use std::fmt;
use std::str::FromStr;

use super::{ConstraintError, Language};
use crate::pep440::Version;

/// The pre-release policy of a specifier set: whether pre-releases and dev releases
/// (`1.0a1`, `1.0.dev0`) that satisfy its operators match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Prereleases {
    /// Pre-releases match like any other version: `prereleases=True`, and the default of
    /// `packaging` 26 for a single version. Right for an installed version.
    #[default]
    Include,
    /// Pre-releases never match: `prereleases=False`, as pip without `--pre`.
    Exclude,
    /// Pre-releases match only when a term names one (`>=1.0b1`, `==2.0rc1`, but not
    /// `!=2.0rc1`): the default of `packaging` before 26 when choosing among candidates.
    Implicit,
}

/// A parsed PEP 440 specifier set: terms that must all hold.
#[derive(Debug, Clone)]
pub struct Pep440Specifiers {
    terms: Vec<Term>,
}

/// One specifier: an operator and its version.
#[derive(Debug, Clone)]
enum Term {
    /// `~=V`: `>=V` and the release of V without its last number as a prefix.
    Compatible(Version),
    /// `==V`, or `!=V` when negated. The candidate's local label counts only when V has one.
    Equal { version: Version, negated: bool },
    /// `==V.*`, or `!=V.*` when negated: the release numbers of V as a prefix.
    Prefix {
        epoch: u64,
        release: Vec<u64>,
        negated: bool,
    },
    /// `>=V`.
    GreaterOrEqual(Version),
    /// `<=V`, which also contains V's local versions.
    LessOrEqual(Version),
    /// `>V`, without V's post-releases and local versions.
    Greater(Version),
    /// `<V`. `bound` is V for a pre-release V, otherwise V's first dev release (`V.dev0`),
    /// which keeps V's own pre-releases out.
    Less { version: Version, bound: Version },
    /// `===text`, compared case-insensitively with the candidate's text.
    Arbitrary(String),
}

impl Pep440Specifiers {
    /// Parses a comma-separated specifier set. An empty set is valid and matches every
    /// version.
    pub fn parse(text: &str) -> Result<Pep440Specifiers, ConstraintError> {
        let terms = text
            .split(',')
            .map(str::trim)
            .filter(|term| !term.is_empty())
            .map(|term| Term::parse(term, text))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pep440Specifiers { terms })
    }

    /// Returns whether `version` satisfies every term under the pre-release `policy`.
    ///
    /// `===` terms compare the normalised form of `version`; use
    /// [`Pep440Specifiers::contains_str`] to compare the text as written.
    pub fn contains(&self, version: &Version, policy: Prereleases) -> bool {
        self.contains_with_text(version, None, policy)
    }

    /// Parses `text` as a PEP 440 version and tests it, comparing `===` terms with `text`
    /// as written.
    ///
    /// A `text` that is not a PEP 440 version is an error, unless the set has terms and
    /// all of them are `===`: then it matches when every term equals it.
    pub fn contains_str(&self, text: &str, policy: Prereleases) -> Result<bool, ConstraintError> {
        match text.parse::<Version>() {
            Ok(version) => Ok(self.contains_with_text(&version, Some(text), policy)),
            Err(error) => {
                let only_arbitrary = !self.terms.is_empty()
                    && self
                        .terms
                        .iter()
                        .all(|term| matches!(term, Term::Arbitrary(_)));
                if !only_arbitrary {
                    return Err(error.into());
                }
                Ok(self
                    .terms
                    .iter()
                    .all(|term| term.matches_arbitrary_text(text)))
            }
        }
    }

    /// Returns whether a term names a pre-release, which lets [`Prereleases::Implicit`]
    /// accept pre-releases: any operator but `!=` with a pre-release or dev release.
    pub fn names_prerelease(&self) -> bool {
        self.terms.iter().any(Term::names_prerelease)
    }

    fn contains_with_text(
        &self,
        version: &Version,
        text: Option<&str>,
        policy: Prereleases,
    ) -> bool {
        let excluded = match policy {
            Prereleases::Include => false,
            Prereleases::Exclude => true,
            Prereleases::Implicit => !self.names_prerelease(),
        };
        if excluded && version.is_prerelease() {
            return false;
        }
        self.terms.iter().all(|term| term.matches(version, text))
    }
}

impl FromStr for Pep440Specifiers {
    type Err = ConstraintError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Pep440Specifiers::parse(text)
    }
}

impl Term {
    /// Parses one trimmed, non-empty term of the set `whole`.
    fn parse(term: &str, whole: &str) -> Result<Term, ConstraintError> {
        let invalid = |reason: String| {
            ConstraintError::invalid(
                Language::Pep440Specifiers,
                whole,
                format!("`{term}`: {reason}"),
            )
        };

        let Some((operator, rest)) = split_operator(term) else {
            return Err(invalid(
                "expected an operator: ~=, ==, !=, <=, >=, <, > or ===".to_owned(),
            ));
        };
        let text = rest.trim_start();
        if text.is_empty() {
            return Err(invalid(format!("`{operator}` has no version after it")));
        }

        if operator == "===" {
            if text.contains(|c: char| c.is_whitespace() || c == ';' || c == ')') {
                return Err(invalid(
                    "an arbitrary version cannot contain white space, `;` or `)`".to_owned(),
                ));
            }
            return Ok(Term::Arbitrary(text.to_owned()));
        }
        if text.contains(char::is_whitespace) {
            return Err(invalid(
                "white space inside the version; separate terms with `,`".to_owned(),
            ));
        }

        if let Some(prefix) = text.strip_suffix(".*") {
            let negated = match operator {
                "==" => false,
                "!=" => true,
                _ => return Err(invalid(format!("`.*` is not allowed after `{operator}`"))),
            };
            let version: Version = prefix.parse()?;
            if version.is_prerelease() || version.is_post_release() || version.is_local() {
                return Err(invalid(
                    "`.*` may only follow release numbers, without a pre-, post-, dev-release \
                     or local label"
                        .to_owned(),
                ));
            }
            return Ok(Term::Prefix {
                epoch: version.epoch(),
                release: version.release().to_vec(),
                negated,
            });
        }

        let version: Version = text.parse()?;
        if version.is_local() && !matches!(operator, "==" | "!=") {
            return Err(invalid(format!(
                "a local label is not allowed after `{operator}`, only after `==` and `!=`"
            )));
        }
        let term = match operator {
            "~=" => {
                if version.release().len() < 2 {
                    return Err(invalid(
                        "`~=` needs a version with at least two release numbers".to_owned(),
                    ));
                }
                Term::Compatible(version)
            }
            "==" => Term::Equal {
                version,
                negated: false,
            },
            "!=" => Term::Equal {
                version,
                negated: true,
            },
            ">=" => Term::GreaterOrEqual(version),
            "<=" => Term::LessOrEqual(version),
            ">" => Term::Greater(version),
            _ => {
                let bound = if version.is_prerelease() {
                    version.clone()
                } else {
                    version.with_dev(0)
                };
                Term::Less { version, bound }
            }
        };
        Ok(term)
    }

    /// Tests a parsed candidate; `text` is the candidate as written, when known.
    fn matches(&self, candidate: &Version, text: Option<&str>) -> bool {
        match self {
            Term::Compatible(version) => {
                let prefix = &version.release()[..version.release().len() - 1];
                candidate >= version && has_release_prefix(candidate, version.epoch(), prefix)
            }
            Term::Equal { version, negated } => {
                let equal = if version.is_local() {
                    candidate == version
                } else {
                    same_public_version(candidate, version)
                };
                equal != *negated
            }
            Term::Prefix {
                epoch,
                release,
                negated,
            } => has_release_prefix(candidate, *epoch, release) != *negated,
            Term::GreaterOrEqual(version) => candidate >= version,
            Term::LessOrEqual(version) => {
                candidate <= version || same_public_version(candidate, version)
            }
            Term::Greater(version) => {
                if candidate <= version {
                    return false;
                }
                if version.dev().is_some() || version.is_post_release() {
                    // The next version above V.devN or V.postN that is not one of V's
                    // local versions is V.dev(N+1) or V.post(N+1).dev0.
                    !same_public_version(candidate, version)
                } else {
                    // Above a final or pre-release V, skip V's post-releases and their
                    // dev and local versions: everything that shares V's pre-release.
                    !(candidate.epoch() == version.epoch()
                        && same_release(candidate.release(), version.release())
                        && candidate.pre() == version.pre())
                }
            }
            Term::Less { bound, .. } => candidate < bound,
            Term::Arbitrary(_) => match text {
                Some(text) => self.matches_arbitrary_text(text),
                None => self.matches_arbitrary_text(&candidate.to_string()),
            },
        }
    }

    fn matches_arbitrary_text(&self, text: &str) -> bool {
        match self {
            Term::Arbitrary(expected) => text.to_lowercase() == expected.to_lowercase(),
            _ => false,
        }
    }

    fn names_prerelease(&self) -> bool {
        match self {
            Term::Compatible(version)
            | Term::GreaterOrEqual(version)
            | Term::LessOrEqual(version)
            | Term::Greater(version)
            | Term::Less { version, .. } => version.is_prerelease(),
            Term::Equal { version, negated } => !negated && version.is_prerelease(),
            Term::Prefix { .. } => false,
            Term::Arbitrary(text) => text
                .parse::<Version>()
                .is_ok_and(|version| version.is_prerelease()),
        }
    }
}

impl fmt::Display for Pep440Specifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, term) in self.terms.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            match term {
                Term::Compatible(version) => write!(f, "~={version}")?,
                Term::Equal { version, negated } => {
                    write!(f, "{}{version}", if *negated { "!=" } else { "==" })?
                }
                Term::Prefix {
                    epoch,
                    release,
                    negated,
                } => {
                    f.write_str(if *negated { "!=" } else { "==" })?;
                    if *epoch != 0 {
                        write!(f, "{epoch}!")?;
                    }
                    for number in release {
                        write!(f, "{number}.")?;
                    }
                    f.write_str("*")?;
                }
                Term::GreaterOrEqual(version) => write!(f, ">={version}")?,
                Term::LessOrEqual(version) => write!(f, "<={version}")?,
                Term::Greater(version) => write!(f, ">{version}")?,
                Term::Less { version, .. } => write!(f, "<{version}")?,
                Term::Arbitrary(text) => write!(f, "==={text}")?,
            }
        }
        Ok(())
    }
}

/// Splits the operator off a term; `None` when it starts with none.
fn split_operator(term: &str) -> Option<(&'static str, &str)> {
    // Longer operators first, so that `===` is not read as `==` and `<=` not as `<`.
    const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];
    OPERATORS
        .iter()
        .find_map(|&operator| term.strip_prefix(operator).map(|rest| (operator, rest)))
}

/// Returns whether two release number lists are equal once the shorter is padded with zeros.
fn same_release(a: &[u64], b: &[u64]) -> bool {
    let length = a.len().max(b.len());
    (0..length).all(|index| a.get(index).unwrap_or(&0) == b.get(index).unwrap_or(&0))
}

/// Returns whether `candidate` has `epoch` and starts with the release numbers `prefix`,
/// its own release padded with zeros: `1` has the prefix `1.0.0`.
fn has_release_prefix(candidate: &Version, epoch: u64, prefix: &[u64]) -> bool {
    let release = candidate.release();
    candidate.epoch() == epoch
        && prefix
            .iter()
            .enumerate()
            .all(|(index, number)| release.get(index).unwrap_or(&0) == number)
}

/// Returns whether two versions are equal once their local labels are dropped, without
/// allocating as [`Version::without_local`] does.
fn same_public_version(a: &Version, b: &Version) -> bool {
    a.epoch() == b.epoch()
        && same_release(a.release(), b.release())
        && a.pre() == b.pre()
        && a.post() == b.post()
        && a.dev() == b.dev()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specifiers(text: &str) -> Pep440Specifiers {
        match Pep440Specifiers::parse(text) {
            Ok(specifiers) => specifiers,
            Err(error) => panic!("`{text}` should parse: {error}"),
        }
    }

    fn contains(text: &str, version: &str, policy: Prereleases) -> bool {
        match specifiers(text).contains_str(version, policy) {
            Ok(result) => result,
            Err(error) => panic!("`{text}` with `{version}`: {error}"),
        }
    }

    /// Cases checked with `packaging` 26.4 `SpecifierSet(s).contains(v, prereleases=True)`.
    #[test]
    fn pep440_specifier_membership_table() {
        let cases = [
            // Equality ignores the candidate's local label unless the specifier has one.
            ("==1.0", "1.0+local", true),
            ("==1.0", "1.0.0", true),
            ("==1.0+local", "1.0", false),
            ("==1.0+local", "1.0+LOCAL", true),
            ("!=1.0", "1.0+local", false),
            ("==1!1.0", "1.0", false),
            // Prefix matching.
            ("==1.0.*", "1.0.5", true),
            ("==1.0.*", "1.0rc1", true),
            ("==1.0.*", "1.0.post1", true),
            ("==1.0.*", "1.0+local", true),
            ("==1.0.*", "1", true),
            ("==1.0.*", "1.1.0", false),
            ("==1.*", "1!1.0", false),
            ("== 1.0.*", "1.0.5", true),
            ("==V1.*", "1.2", true),
            ("!=1.0.*", "1.0.9", false),
            ("!=1.0.*", "1.1", true),
            // Compatible release.
            ("~=2.2", "2.9", true),
            ("~=2.2", "3.0", false),
            ("~=2.2.post3", "2.9", true),
            ("~=2.2.post3", "2.2.post2", false),
            ("~=2.2.post3", "3.0.dev0", false),
            ("~=1.4.5", "1.4.99+local", true),
            ("~=1.4.5", "1.5.dev0", false),
            ("~=1.4.5a1", "1.4.5", true),
            // Inclusive ordered comparisons.
            ("<=2.0", "2.0+local", true),
            ("<=2.0", "2.0.post0.dev0", false),
            (">=2.0", "2.0.dev1", false),
            (">=2.0", "2.0+local", true),
            // `<V` excludes V's pre-releases unless V is one.
            ("<2", "2.0rc1", false),
            ("<2", "2.dev0", false),
            ("<2", "1.9+local", true),
            ("<2", "1.9.dev0", true),
            ("<2.0rc2", "2.0rc1", true),
            ("<1.0.post1", "1.0.post1.dev0", false),
            ("<1.0.post1", "1.0a1", true),
            ("<1.0.post1", "1.0", true),
            // `>V` excludes V's post-releases and local versions unless V is a post-release.
            (">2", "2.0.post1", false),
            (">2", "2.0+local", false),
            (">2", "2.1+local", true),
            (">1.0a1", "1.0a1.post1", false),
            (">1.0a1", "1.0a2.dev0", true),
            (">1.0.post1", "1.0.post1+local", false),
            (">1.0.post1", "1.0.post2.dev0", true),
            (">1.0.dev1", "1.0.dev1+local", false),
            (">1.0.dev1", "1.0+local", true),
            (">1.0.dev1", "1.0.dev2", true),
            // Arbitrary equality compares the text as written.
            ("===1.0", "1.0", true),
            ("===1.0", "1.0.0", false),
            ("===FooBar", "foobar", true),
            // Sets.
            ("", "1.0a1", true),
            (",", "1", true),
            (">=1.0,,<2", "1.5", true),
            (">=1.0 ,<2", "2.0", false),
            (">=1.0, !=1.3.*, <2.0", "1.3.4", false),
            (">=1.0, !=1.3.*, <2.0", "1.4", true),
        ];
        for (text, version, expected) in cases {
            assert_eq!(
                contains(text, version, Prereleases::Include),
                expected,
                "`{text}` contains `{version}`"
            );
        }
    }

    #[test]
    fn pep440_specifier_prerelease_policies() {
        // (specifiers, version, include, exclude, implicit), from `packaging` 26.4.
        let cases = [
            (">=1.0", "1.1a1", true, false, false),
            (">=1.0b1", "1.1a1", true, false, true),
            ("!=1.0b1", "1.1a1", true, false, false),
            ("==1.*", "1.1a1", true, false, false),
            (">=1.0, <2.0rc1", "1.5.dev0", true, false, true),
            ("", "1.0a1", true, false, false),
            (">=1.0", "1.1", true, true, true),
            ("===1.0a1", "1.0a1", true, false, true),
        ];
        for (text, version, include, exclude, implicit) in cases {
            let context = format!("`{text}` contains `{version}`");
            assert_eq!(
                contains(text, version, Prereleases::Include),
                include,
                "{context}"
            );
            assert_eq!(
                contains(text, version, Prereleases::Exclude),
                exclude,
                "{context}"
            );
            assert_eq!(
                contains(text, version, Prereleases::Implicit),
                implicit,
                "{context}"
            );
        }
    }

    /// `packaging` 25.0 returns `false` for each of these, `packaging` 26 `true`.
    #[test]
    fn pep440_specifier_follows_packaging_26() {
        let cases = [
            (">1.0.dev1", "1.0+local"),
            (">1.0a1", "1.0a2+local"),
            (">1.0.post1", "1.0.post2+local"),
            ("<1.0.post1", "1.0a1"),
            ("<1.0.post1", "1.0.dev0"),
        ];
        for (text, version) in cases {
            assert!(
                contains(text, version, Prereleases::Include),
                "`{text}` contains `{version}`"
            );
        }
    }

    #[test]
    fn pep440_specifier_arbitrary_text() {
        let set = specifiers("===foobar");
        assert_eq!(set.contains_str("FooBar", Prereleases::Include), Ok(true));
        assert_eq!(set.contains_str("foo", Prereleases::Include), Ok(false));

        // Any other term needs a PEP 440 version.
        let set = specifiers("===foobar, >=1");
        assert!(set.contains_str("foobar", Prereleases::Include).is_err());
        assert!(specifiers("")
            .contains_str("foobar", Prereleases::Include)
            .is_err());

        // Without the text, `===` compares the normalised form.
        let version: Version = "1.0-1".parse().unwrap();
        assert!(specifiers("===1.0.post1").contains(&version, Prereleases::Include));
        assert!(!specifiers("===1.0-1").contains(&version, Prereleases::Include));
    }

    #[test]
    fn pep440_specifier_rejects_invalid() {
        let cases = [
            "1.0",
            "=1.0",
            "=>1.0",
            ">=",
            ">=1.0<2",
            "==1.0 .*",
            "==1.0a1.*",
            "==1.0.post1.*",
            "==1.0+local.*",
            ">=1.*",
            "~=1.*",
            "~=1",
            "<1.0+local",
            ">=1.0+local",
            "~=1.0+local",
            ">=1.0 2.0",
            "=== ",
            "===a;b",
            ">=french toast",
        ];
        for text in cases {
            match Pep440Specifiers::parse(text) {
                Ok(set) => panic!("`{text}` should be rejected, got `{set}`"),
                Err(error) => assert!(
                    error.to_string().contains("pep440"),
                    "`{text}`: the message should name the language: {error}"
                ),
            }
        }
    }

    #[test]
    fn pep440_specifier_display_is_normalised() {
        let set = specifiers(" >= 1.0 ,!=1.3.*, ~=v1.0RC1, ===Foo ");
        assert_eq!(set.to_string(), ">=1.0, !=1.3.*, ~=1.0rc1, ===Foo");
    }
}
