//! SemVer 2.0.0 versions (<https://semver.org/spec/v2.0.0.html>), with the parsing leniency
//! of the tools that read them.
//!
//! Used by: OSV ranges of type `SEMVER` whatever the ecosystem, and the OSV ecosystems
//! `crates.io`, `npm`, `Hex`, `SwiftURL`, `Bitnami`, `GitHub Actions`, `Julia` (purl types
//! `cargo`, `npm`, `hex`, `swift`, `bitnami`, `githubactions`, `julia`). Go modules have their
//! own module, [`crate::go`], on top of this one.
//!
//! Precedence follows SemVer 2.0.0, section 11. Major, minor and patch compare numerically.
//! A version with a pre-release sorts before the same version without one. Pre-release
//! identifiers compare one by one: numeric ones numerically and below alphanumeric ones,
//! alphanumeric ones in ASCII order, and a shorter list of equal identifiers first. Build
//! metadata is ignored, so `1.2.3+a == 1.2.3+b`.
//!
//! Traps:
//! - Numbers have no size limit in the specification, and advisories contain 30-digit ones.
//!   They compare as digit strings, never as machine integers.
//! - `1.2.3-r100 < 1.2.3-r2` and `1.2.3-R2 < 1.2.3-r100`: alphanumeric identifiers compare
//!   as ASCII text, not naturally and not case-insensitively.
//! - Cargo's `semver` crate (1.0.28) orders build metadata (`1.2.3+23 < 1.2.3+42`), unlike
//!   SemVer 2.0.0 and node-semver. Ward follows SemVer 2.0.0 for crates.io too, because OSV
//!   ranges for crates.io are `SEMVER` ranges, defined by SemVer 2.0.0 precedence.
//!
//! Grammars ([`Grammar`]):
//! - [`Grammar::Strict`]: the SemVer 2.0.0 grammar exactly.
//! - [`Grammar::Lenient`] (default, [`Version::from_str`]): what OSV tooling accepts in
//!   `SEMVER` ranges: surrounding white space, a leading `v` or `V`, leading zeros, and one
//!   or more numeric components, missing ones counting as `0` (`1.2 == 1.2.0`, and
//!   `1.1.3.4.5` keeps its five components).
//! - [`Grammar::NpmLoose`]: node-semver 7's `loose` mode, which npm uses for installed
//!   versions: leading `v`, `=` and white space, leading zeros, a pre-release without its
//!   `-` (`1.2.3beta`), exactly three components, and numbers up to 2^53 - 1. Its pattern
//!   backtracks, so a patch may give its last digits to such a pre-release: `3.2.42.0` is
//!   `3.2.4-2.0`, and `1.2.3.4` is invalid because `3` has no digit to give.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

/// Largest integer a JavaScript number represents exactly, 2^53 - 1, in decimal digits;
/// node-semver rejects larger components.
const JS_MAX_SAFE_INTEGER_DIGITS: &str = "9007199254740991";

/// node-semver's maximum version length, in bytes.
const NPM_MAX_LENGTH_BYTES: usize = 256;

/// Which spellings of a version a parser accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grammar {
    /// SemVer 2.0.0 exactly: `MAJOR.MINOR.PATCH[-PRE][+BUILD]`, no leading zeros.
    Strict,
    /// OSV tooling's leniency: white space, `v` prefix, leading zeros, any number of
    /// numeric components.
    Lenient,
    /// node-semver 7's `loose` mode.
    NpmLoose,
}

/// Byte range of one part of [`Version::text`].
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }
}

/// A parsed SemVer version.
///
/// Equality and ordering are SemVer 2.0.0 precedence: build metadata and leading zeros do not
/// count, so `1.2.3+a == v1.02.3`.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    core: Box<[Span]>,
    pre: Box<[Span]>,
    build: Option<Span>,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Parses `value` with the given grammar.
    pub fn parse(value: &str, grammar: Grammar) -> Result<Version, VersionError> {
        let scheme = match grammar {
            Grammar::NpmLoose => "npm",
            Grammar::Strict | Grammar::Lenient => "semver",
        };
        Parser::new(value, grammar)
            .run()
            .map_err(|reason| VersionError::new(scheme, value, reason))
    }

    /// Returns the numeric components (`["1", "2", "3"]` for `1.2.3-rc.1`), as written.
    pub fn core(&self) -> impl Iterator<Item = &str> {
        self.core.iter().map(|span| span.of(&self.text))
    }

    /// Returns the pre-release identifiers (`["rc", "1"]` for `1.2.3-rc.1`).
    pub fn pre_release(&self) -> impl Iterator<Item = &str> {
        self.pre.iter().map(|span| span.of(&self.text))
    }

    /// Returns whether the version has a pre-release part.
    pub fn is_pre_release(&self) -> bool {
        !self.pre.is_empty()
    }

    /// Returns the build metadata after `+`, `None` when there is none.
    pub fn build(&self) -> Option<&str> {
        self.build.map(|span| span.of(&self.text))
    }

    /// Returns the version text as given, without surrounding white space.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    /// Parses with [`Grammar::Lenient`].
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Version::parse(value, Grammar::Lenient)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let components = self.core.len().max(other.core.len());
        for index in 0..components {
            let a = self.core.get(index).map_or("0", |span| span.of(&self.text));
            let b = other
                .core
                .get(index)
                .map_or("0", |span| span.of(&other.text));
            let order = compare_digits(a, b);
            if order != Ordering::Equal {
                return order;
            }
        }

        // A release sorts after every pre-release of the same core.
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => {}
        }
        let pairs = self.pre.iter().zip(other.pre.iter());
        for (a, b) in pairs {
            let order = compare_identifier(a.of(&self.text), b.of(&other.text));
            if order != Ordering::Equal {
                return order;
            }
        }
        self.pre.len().cmp(&other.pre.len())
    }
}

/// Compares two runs of ASCII digits numerically, whatever their length.
pub(crate) fn compare_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares two pre-release identifiers: numeric ones numerically and before alphanumeric
/// ones, alphanumeric ones in ASCII order.
pub(crate) fn compare_identifier(a: &str, b: &str) -> Ordering {
    let is_numeric = |text: &str| text.bytes().all(|c| c.is_ascii_digit());
    match (is_numeric(a), is_numeric(b)) {
        (true, true) => compare_digits(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

/// One pass over a version string, recording the spans of its parts.
struct Parser<'a> {
    grammar: Grammar,
    text: &'a str,
    position: usize,
    core: Vec<Span>,
    pre: Vec<Span>,
    build: Option<Span>,
}

impl<'a> Parser<'a> {
    fn new(value: &'a str, grammar: Grammar) -> Self {
        let text = match grammar {
            Grammar::Strict => value,
            Grammar::Lenient | Grammar::NpmLoose => value.trim(),
        };
        Parser {
            grammar,
            text,
            position: 0,
            core: Vec::with_capacity(3),
            pre: Vec::new(),
            build: None,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.position..]
    }

    fn span(&self, start: usize, end: usize) -> Span {
        // Values longer than 4 GiB are rejected before any span is built.
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    fn run(mut self) -> Result<Version, String> {
        if self.text.len() > u32::MAX as usize {
            return Err("version is too long".to_owned());
        }
        if self.grammar == Grammar::NpmLoose && self.text.len() > NPM_MAX_LENGTH_BYTES {
            return Err(format!(
                "version is longer than {NPM_MAX_LENGTH_BYTES} bytes"
            ));
        }
        if self.text.is_empty() {
            return Err("version is empty".to_owned());
        }

        self.skip_prefix();
        self.parse_core()?;
        if let Err(error) = self.parse_tail() {
            if self.grammar != Grammar::NpmLoose || !self.shorten_patch_for_tail() {
                return Err(error);
            }
        }
        if self.grammar == Grammar::NpmLoose {
            // node-semver checks the numbers after its pattern matched, so a patch shortened
            // above is checked as shortened.
            for span in &self.core {
                self.check_number(span.of(self.text), "version component")?;
            }
        }

        Ok(Version {
            text: self.text.into(),
            core: self.core.into_boxed_slice(),
            pre: self.pre.into_boxed_slice(),
            build: self.build,
        })
    }

    /// Parses the pre-release and build metadata after the core, up to the end.
    fn parse_tail(&mut self) -> Result<(), String> {
        self.parse_pre_release()?;
        self.parse_build()?;
        if !self.rest().is_empty() {
            return Err(format!("unexpected `{}`", self.rest()));
        }
        Ok(())
    }

    /// Retries the tail with the patch giving its last digits to a pre-release written
    /// without `-`, longest patch first, as node-semver's loose pattern backtracks:
    /// `3.2.42.0` is `3.2.4-2.0`. Returns whether a split parses.
    fn shorten_patch_for_tail(&mut self) -> bool {
        let Some(&patch) = self.core.last() else {
            return false;
        };
        for end in (patch.start as usize + 1..patch.end as usize).rev() {
            let shortened = self.span(patch.start as usize, end);
            if let Some(last) = self.core.last_mut() {
                *last = shortened;
            }
            self.position = end;
            self.pre.clear();
            self.build = None;
            if self.parse_tail().is_ok() {
                return true;
            }
        }
        false
    }

    fn skip_prefix(&mut self) {
        let skipped = match self.grammar {
            Grammar::Strict => 0,
            Grammar::Lenient => usize::from(self.rest().starts_with(['v', 'V'])),
            Grammar::NpmLoose => {
                let rest = self.rest();
                rest.len()
                    - rest
                        .trim_start_matches(|c: char| c == 'v' || c == '=' || c.is_whitespace())
                        .len()
            }
        };
        self.position += skipped;
    }

    fn parse_core(&mut self) -> Result<(), String> {
        loop {
            let start = self.position;
            let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(match self.core.len() {
                    0 => "version does not start with a number".to_owned(),
                    _ => "empty version component".to_owned(),
                });
            }
            if self.grammar != Grammar::NpmLoose {
                let number = &self.text[start..start + digits];
                self.check_number(number, "version component")?;
            }
            self.core.push(self.span(start, start + digits));
            self.position += digits;

            let more = self.rest().starts_with('.');
            let max_components = match self.grammar {
                Grammar::Strict | Grammar::NpmLoose => 3,
                Grammar::Lenient => usize::MAX,
            };
            if !more || self.core.len() == max_components {
                break;
            }
            self.position += 1;
        }

        let min_components = match self.grammar {
            Grammar::Strict | Grammar::NpmLoose => 3,
            Grammar::Lenient => 1,
        };
        if self.core.len() < min_components {
            return Err(format!(
                "expected {min_components} numeric components, found {}",
                self.core.len()
            ));
        }
        Ok(())
    }

    fn check_number(&self, number: &str, what: &str) -> Result<(), String> {
        match self.grammar {
            Grammar::Strict if number.len() > 1 && number.starts_with('0') => {
                Err(format!("{what} `{number}` has a leading zero"))
            }
            Grammar::NpmLoose
                if compare_digits(number, JS_MAX_SAFE_INTEGER_DIGITS) == Ordering::Greater =>
            {
                Err(format!("{what} `{number}` is larger than 2^53 - 1"))
            }
            _ => Ok(()),
        }
    }

    fn parse_pre_release(&mut self) -> Result<(), String> {
        let rest = self.rest();
        if self.grammar == Grammar::NpmLoose {
            // node-semver's loose pattern is `-?IDENTIFIERS`, where `-` may also start an
            // identifier: the `-` is a separator only when identifiers follow it.
            if rest.starts_with('-') && starts_identifier(&rest[1..]) {
                self.position += 1;
            }
            if starts_identifier(self.rest()) {
                return self.parse_identifiers(true);
            }
            return Ok(());
        }
        if !rest.starts_with('-') {
            return Ok(());
        }
        self.position += 1;
        self.parse_identifiers(true)
    }

    fn parse_build(&mut self) -> Result<(), String> {
        if !self.rest().starts_with('+') {
            return Ok(());
        }
        self.position += 1;
        let start = self.position;
        self.parse_identifiers(false)?;
        self.build = Some(self.span(start, self.position));
        Ok(())
    }

    /// Parses dot-separated identifiers of `[0-9A-Za-z-]`, into `pre` when `is_pre_release`.
    fn parse_identifiers(&mut self, is_pre_release: bool) -> Result<(), String> {
        let what = if is_pre_release {
            "pre-release identifier"
        } else {
            "build identifier"
        };
        loop {
            let start = self.position;
            let length = self
                .rest()
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-')
                .count();
            if length == 0 {
                return Err(format!("empty {what}"));
            }
            let identifier = &self.text[start..start + length];
            let is_numeric = identifier.bytes().all(|c| c.is_ascii_digit());
            if is_pre_release && is_numeric && self.grammar == Grammar::Strict {
                self.check_number(identifier, what)?;
            }
            if is_pre_release {
                self.pre.push(self.span(start, start + length));
            }
            self.position += length;

            if !self.rest().starts_with('.') {
                return Ok(());
            }
            self.position += 1;
        }
    }
}

fn starts_identifier(text: &str) -> bool {
    text.bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_max_safe_integer_digits_match() {
        let max: u64 = (1 << 53) - 1;
        assert_eq!(JS_MAX_SAFE_INTEGER_DIGITS, max.to_string());
    }

    fn parse(text: &str, grammar: Grammar) -> Version {
        match Version::parse(text, grammar) {
            Ok(version) => version,
            Err(error) => panic!("`{text}` should parse: {error}"),
        }
    }

    #[test]
    fn semver_precedence_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0.0-alpha", "1.0.0-alpha.1", Less),
            ("1.0.0-alpha.1", "1.0.0-alpha.beta", Less),
            ("1.0.0-alpha.beta", "1.0.0-beta", Less),
            ("1.0.0-beta.2", "1.0.0-beta.11", Less),
            ("1.0.0-rc.1", "1.0.0", Less),
            ("1.2.3-r100", "1.2.3-r2", Less),
            ("1.2.3-R2", "1.2.3-r100", Less),
            ("1.2.3-5-Foo", "1.2.3-5-foo", Less),
            ("1.2.3+build", "1.2.3+other", Equal),
            ("1.2.3+23", "1.2.3+42", Equal),
            ("2.7.2+asdf", "3.0.0", Less),
            ("v1.2.3", "1.2.3", Equal),
            ("1.02.3", "1.2.3", Equal),
            ("1.2", "1.2.0", Equal),
            ("1.2.0.1", "1.2.0", Greater),
            ("1.1.3.4.5", "1.1.3.4.5", Equal),
            (
                "999999999999999999999999999991.0.0",
                "999999999999999999999999999999.0.0",
                Less,
            ),
            ("1.0.0-01", "1.0.0-1", Equal),
        ];
        for (a, b, expected) in cases {
            let (a_version, b_version) = (parse(a, Grammar::Lenient), parse(b, Grammar::Lenient));
            assert_eq!(a_version.cmp(&b_version), expected, "{a} vs {b}");
            assert_eq!(b_version.cmp(&a_version), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn npm_loose_patch_gives_digits_to_pre_release() {
        let version = parse("3.2.42.0", Grammar::NpmLoose);
        assert_eq!(version.core().collect::<Vec<_>>(), ["3", "2", "4"]);
        assert_eq!(version.pre_release().collect::<Vec<_>>(), ["2", "0"]);

        let version = parse("1.2.101.-", Grammar::NpmLoose);
        assert_eq!(version.core().collect::<Vec<_>>(), ["1", "2", "10"]);
        assert_eq!(version.pre_release().collect::<Vec<_>>(), ["1", "-"]);

        // The longest patch that parses wins, as in a backtracking regular expression.
        let version = parse("1.2.345beta", Grammar::NpmLoose);
        assert_eq!(version.core().collect::<Vec<_>>(), ["1", "2", "345"]);
    }

    #[test]
    fn semver_grammar_table() {
        let cases = [
            ("1.2.3", [true, true, true]),
            ("1.2.3-rc.1+build.5", [true, true, true]),
            ("v1.2.3", [false, true, true]),
            (" 1.2.3 ", [false, true, true]),
            ("=1.2.3", [false, false, true]),
            (" = v 1.2.3", [false, false, true]),
            ("1.2.3beta", [false, false, true]),
            ("1.2.3-", [false, false, true]),
            ("01.2.3", [false, true, true]),
            ("1.2.3-01", [false, true, true]),
            ("1.2", [false, true, false]),
            ("1.2.3.4", [false, true, false]),
            ("3.2.42.0", [false, true, true]),
            ("1.2.101.-", [false, false, true]),
            ("1.2.9007199254740992.1", [false, true, true]),
            ("9007199254740992.0.0", [true, true, false]),
            ("9007199254740991.0.0", [true, true, true]),
            ("", [false, false, false]),
            ("1.2.3-a..b", [false, false, false]),
            ("1.2.3+", [false, false, false]),
            ("1.2.3_4", [false, false, false]),
            ("a.b.c", [false, false, false]),
        ];
        let grammars = [Grammar::Strict, Grammar::Lenient, Grammar::NpmLoose];
        for (text, accepted) in cases {
            for (grammar, expected) in grammars.into_iter().zip(accepted) {
                let result = Version::parse(text, grammar);
                assert_eq!(
                    result.is_ok(),
                    expected,
                    "{text:?} with {grammar:?}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn semver_parts() {
        let version = parse("v1.2.3-rc.1+build.5", Grammar::Lenient);
        assert_eq!(version.core().collect::<Vec<_>>(), ["1", "2", "3"]);
        assert_eq!(version.pre_release().collect::<Vec<_>>(), ["rc", "1"]);
        assert_eq!(version.build(), Some("build.5"));
        assert!(version.is_pre_release());

        let version = parse("1.2.3beta.2", Grammar::NpmLoose);
        assert_eq!(version.pre_release().collect::<Vec<_>>(), ["beta", "2"]);
        let version = parse("1.2.3-", Grammar::NpmLoose);
        assert_eq!(version.pre_release().collect::<Vec<_>>(), ["-"]);
    }
}
