//! Alpine package versions (`apk`), ordered as apk-tools orders them.
//!
//! Used by the OSV ecosystems `Alpine`, `Alpaquita`, `BellSoft Hardened Containers`,
//! `Wolfi`, `Chainguard` and `MinimOS` (purl type `apk`).
//!
//! The grammar is Gentoo's, as apk-tools 2.x tokenises it (`src/version.c`):
//! `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}`.
//!
//! Traps:
//! - Suffixes order `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`,
//!   so `1.0_rc1 < 1.0 < 1.0_p1`.
//! - The `-rN` package revision compares last and numerically (`1.0-r10 > 1.0-r9`); a
//!   missing revision is lower than any (`1.0 < 1.0-r0`).
//! - A component after a `.` that starts with `0` compares as a fraction: `1.01 < 1.1` and
//!   `1.001 < 1.01`, unlike dpkg and rpm.
//! - A single lowercase letter after the digits sorts by the letter (`1.0a < 1.0b`), and
//!   a version that is longer but otherwise equal is newer unless its extra part is a
//!   pre-release suffix.
//! - An invalid string still compares: apk-tools compares token by token and stops at the
//!   first token it cannot read; both sides at an invalid token are equal.
//!   [`Version::from_str`] accepts such strings so that advisories with them still order,
//!   and [`Version::is_valid`] returns apk-tools' validity.
//!
//! NOTE: apk-tools 3 changed some rules, and OSV's Alpine vectors follow it in four of
//! about 10,000 pairs: more leading zeros in a fraction sort higher (`8.2.0 < 8.2.001`),
//! `~hash` suffixes compare, and a string such as `1-r-0` or `.1` is invalid and ordered
//! differently. This module follows apk-tools 2.x in those cases.
//!
//! Numbers are compared as digit strings, so long runs (dates, commit counts) never overflow
//! where apk-tools' `int` would.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

/// Pre-release suffixes, lowest first; each sorts below the bare version.
const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
/// Post-release suffixes, lowest first; each sorts above the bare version.
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

/// A parsed Alpine package version.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
}

crate::ordered_text_version!(Version);

impl Version {
    /// Returns whether apk-tools' `apk_version_validate` accepts the version.
    pub fn is_valid(&self) -> bool {
        let mut tokens = Tokens::new(&self.text);
        loop {
            match tokens.kind {
                Kind::End => return true,
                Kind::Invalid => return false,
                _ => {
                    tokens.next_token();
                }
            }
        }
    }

    /// Returns the version text as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for Version {
    type Err = VersionError;

    /// Accepts any non-empty string without white space; see [`Version::is_valid`].
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.is_empty() {
            return Err(VersionError::new("apk", value, "version is empty"));
        }
        if value.contains(char::is_whitespace) {
            return Err(VersionError::new(
                "apk",
                value,
                "version contains white space",
            ));
        }
        Ok(Version { text: value.into() })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.text, &other.text)
    }
}

/// Token kinds, in apk-tools' order: a later kind may follow an earlier one only in the
/// combinations [`Tokens::advance`] allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    RevisionNumber,
    End,
}

/// Value of one token, as apk-tools' `int` token values.
#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    /// A letter, a suffix rank (negative for pre-release suffixes), or minus the number of
    /// leading zeros of a component after a `.`, which so sorts below any number.
    Small(i64),
    /// Digits, compared numerically at any length.
    Digits(&'a str),
}

impl Ord for Value<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Value::Small(a), Value::Small(b)) => a.cmp(b),
            (Value::Digits(a), Value::Digits(b)) => compare_digit_runs(a, b),
            (Value::Small(small), Value::Digits(digits)) => compare_small(*small, digits),
            (Value::Digits(digits), Value::Small(small)) => compare_small(*small, digits).reverse(),
        }
    }
}

impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value<'_> {}

impl PartialOrd for Value<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two runs of ASCII digits numerically, whatever their length.
///
/// The runs of a version have a few digits, which a byte loop compares faster than the
/// `memcmp` call behind a slice comparison.
fn compare_digit_runs(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0').as_bytes();
    let b = b.trim_start_matches('0').as_bytes();
    a.len().cmp(&b.len()).then_with(|| a.iter().cmp(b.iter()))
}

/// Compares a small signed value with a run of digits, without allocating.
fn compare_small(small: i64, digits: &str) -> Ordering {
    let digits = digits.trim_start_matches('0');
    if digits.len() > 18 {
        return Ordering::Less;
    }
    let number = digits
        .bytes()
        .fold(0i64, |number, c| number * 10 + i64::from(c - b'0'));
    small.cmp(&number)
}

/// apk-tools' tokenizer over one version string.
struct Tokens<'a> {
    text: &'a str,
    position: usize,
    kind: Kind,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        Tokens {
            text,
            position: 0,
            kind: Kind::Digit,
        }
    }

    fn rest(&self) -> &'a [u8] {
        &self.text.as_bytes()[self.position..]
    }

    /// Reads the token of the current kind and returns it with its value, as `get_token`.
    fn next_token(&mut self) -> (Kind, Value<'a>) {
        let kind = self.kind;
        let rest = self.rest();
        if rest.is_empty() {
            self.kind = Kind::End;
            return (Kind::End, Value::Small(0));
        }

        let mut next_kind = None;
        let (length, value) = match kind {
            Kind::DigitOrZero if rest[0] == b'0' => {
                let zeros = rest.iter().take_while(|&&c| c == b'0').count();
                next_kind = Some(Kind::Digit);
                (zeros, Value::Small(-(zeros as i64)))
            }
            Kind::DigitOrZero | Kind::Digit | Kind::SuffixNumber | Kind::RevisionNumber => {
                let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                let start = self.position;
                (digits, Value::Digits(&self.text[start..start + digits]))
            }
            Kind::Letter => (1, Value::Small(i64::from(rest[0]))),
            Kind::Suffix => {
                let pre = PRE_SUFFIXES
                    .iter()
                    .position(|suffix| rest.starts_with(suffix.as_bytes()));
                let post = POST_SUFFIXES
                    .iter()
                    .position(|suffix| rest.starts_with(suffix.as_bytes()));
                match (pre, post) {
                    (Some(index), _) => (PRE_SUFFIXES[index].len(), Value::Small(index as i64 - 4)),
                    (None, Some(index)) => (POST_SUFFIXES[index].len(), Value::Small(index as i64)),
                    (None, None) => {
                        self.kind = Kind::Invalid;
                        return (Kind::Invalid, Value::Small(-1));
                    }
                }
            }
            Kind::Invalid | Kind::End => {
                self.kind = Kind::Invalid;
                return (Kind::Invalid, Value::Small(-1));
            }
        };

        self.position += length;
        if self.rest().is_empty() {
            self.kind = Kind::End;
        } else if let Some(next_kind) = next_kind {
            self.kind = next_kind;
        } else {
            self.advance();
        }
        (kind, value)
    }

    /// Reads the separator after a token and sets the next token's kind, as `next_token`.
    fn advance(&mut self) {
        let rest = self.rest();
        let current = self.kind;
        let mut next = Kind::Invalid;
        if rest.is_empty() || rest[0] == 0 {
            next = Kind::End;
        } else if matches!(current, Kind::Digit | Kind::DigitOrZero) && rest[0].is_ascii_lowercase()
        {
            next = Kind::Letter;
        } else if current == Kind::Letter && rest[0].is_ascii_digit() {
            next = Kind::Digit;
        } else if current == Kind::Suffix && rest[0].is_ascii_digit() {
            next = Kind::SuffixNumber;
        } else {
            match rest[0] {
                b'.' => next = Kind::DigitOrZero,
                b'_' => next = Kind::Suffix,
                b'-' if rest.get(1) == Some(&b'r') => {
                    next = Kind::RevisionNumber;
                    self.position += 1;
                }
                _ => {}
            }
            self.position += 1;
        }

        let allowed_backwards = matches!(
            (next, current),
            (Kind::DigitOrZero, Kind::Digit)
                | (Kind::Suffix, Kind::SuffixNumber)
                | (Kind::Digit, Kind::Letter)
        );
        if next < current && !allowed_backwards {
            next = Kind::Invalid;
        }
        self.kind = next;
    }
}

/// Compares two apk versions as apk-tools' `apk_version_compare`, without allocating.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut tokens_a = Tokens::new(a);
    let mut tokens_b = Tokens::new(b);
    let (mut value_a, mut value_b) = (Value::Small(0), Value::Small(0));

    while tokens_a.kind == tokens_b.kind
        && !matches!(tokens_a.kind, Kind::End | Kind::Invalid)
        && value_a == value_b
    {
        value_a = tokens_a.next_token().1;
        value_b = tokens_b.next_token().1;
    }

    let order = value_a.cmp(&value_b);
    if order != Ordering::Equal {
        return order;
    }
    let (kind_a, kind_b) = (tokens_a.kind, tokens_b.kind);
    if kind_a == kind_b {
        return Ordering::Equal;
    }

    // Equal so far: the longer version is newer unless it continues with a pre-release
    // suffix.
    let is_pre_release = |tokens: &mut Tokens| {
        tokens.kind == Kind::Suffix
            && matches!(tokens.next_token().1, Value::Small(rank) if rank < 0)
    };
    if is_pre_release(&mut tokens_a) {
        return Ordering::Less;
    }
    if is_pre_release(&mut tokens_b) {
        return Ordering::Greater;
    }
    kind_b.cmp(&kind_a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apk_ordering_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.1_alpha1", "1.1_beta1", Less),
            ("1.1_beta1", "1.1_pre1", Less),
            ("1.1_pre1", "1.1_rc1", Less),
            ("1.1_rc1", "1.1", Less),
            ("1.1", "1.1_cvs1", Less),
            ("1.1_cvs1", "1.1_svn1", Less),
            ("1.1_git20240101", "1.1_hg1", Less),
            ("1.1_hg1", "1.1_p1", Less),
            ("1.1_p1", "1.1.1", Less),
            // apk-tools 2.x reads `.0` as a zero-led component followed by an empty number,
            // so a pre-release suffix after `.0` sorts above the bare version.
            ("1.0_rc1", "1.0", Greater),
            ("1.0-r9", "1.0-r10", Less),
            ("1.0", "1.0-r0", Less),
            ("1.0-r0", "1.0-r0", Equal),
            ("1.01", "1.1", Less),
            ("1.001", "1.01", Less),
            ("1.0a", "1.0b", Less),
            ("1.0a", "1.0.1", Less),
            ("1.2.3", "1.2", Greater),
            ("3.0.15-r0", "3.0.8-r1", Greater),
            (
                "1.0_p20240101123456789012",
                "1.0_p20240101123456789013",
                Less,
            ),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare(a, b), expected, "{a} vs {b}");
            assert_eq!(compare(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn apk_validity_table() {
        let cases = [
            ("1.2", true),
            ("0.1_pre2", true),
            ("0.1_p1_pre2", true),
            ("1.0-r3", true),
            ("0.1bc", false),
            ("0.1-r2_pre1", false),
            ("0.1_1_alpha", false),
        ];
        for (text, valid) in cases {
            let version: Version = match text.parse() {
                Ok(version) => version,
                Err(error) => panic!("`{text}` should parse: {error}"),
            };
            assert_eq!(version.is_valid(), valid, "{text}");
        }
    }
}
