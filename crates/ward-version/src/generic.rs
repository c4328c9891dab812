//! A generic fallback order for versions of no known scheme, with lower confidence.
//!
//! Used when an ecosystem or package type has no scheme of its own (a purl type ward does
//! not know, a vendor application's version from NVD). Its name, `generic-approximate`, is
//! carried into every result, and [`crate::Scheme::is_exact`] is false for it, so callers
//! can mark findings that rest on it as lower confidence.
//!
//! # Rules
//!
//! - A version is split into tokens: maximal runs of ASCII digits and maximal runs of ASCII
//!   letters. Every other character (`.`, `-`, `_`, `+`, `~`, spaces) only separates tokens.
//! - Numbers compare numerically, of any length (`1.10 > 1.9`, leading zeros ignored).
//! - Letter runs compare case-insensitively by their ASCII text.
//! - A number sorts above letters at the same place (`1.0.1 > 1.0.beta`).
//! - When one version runs out of tokens, the other is greater if its next token is a
//!   non-zero number, and smaller if its next token is a letter run (a pre-release label:
//!   `1.0rc1 < 1.0`). Trailing zeros do not count (`1.0 == 1.0.0`).
//! - A version with no digit at all is rejected: nothing can be said about its order.
//!
//! # Traps it does not handle
//!
//! Epochs, `~` sorting low (dpkg), post-release labels (`1.0-p1` sorts below `1.0` here),
//! and build metadata. Use an ecosystem scheme whenever one applies.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "generic-approximate";

/// A version ordered by the generic fallback rules.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    tokens: Box<[Token]>,
}

crate::ordered_text_version!(Version);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// ASCII digits without leading zeros (`"0"` for zero).
    Number(Box<str>),
    /// ASCII letters, lowercased.
    Word(Box<str>),
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
        if !s.bytes().any(|b| b.is_ascii_digit()) {
            return Err(VersionError::new(SCHEME, s, "contains no digit"));
        }

        let bytes = s.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                tokens.push(Token::Number(strip_zeros(&s[start..i]).into()));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                tokens.push(Token::Word(s[start..i].to_ascii_lowercase().into()));
            } else {
                i += 1;
            }
        }

        Ok(Version {
            text: s.into(),
            tokens: tokens.into(),
        })
    }
}

/// Returns `digits` without leading zeros, or `"0"`.
pub(crate) fn strip_zeros(digits: &str) -> &str {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0"
    } else {
        trimmed
    }
}

/// Splits `text` at `separators` into runs of ASCII digits, without leading zeros; `None`
/// when a part is empty or contains anything but digits. CRAN and Hackage versions are such
/// lists.
pub(crate) fn parse_number_list(text: &str, separators: &[char]) -> Option<Box<[Box<str>]>> {
    text.trim()
        .split(separators)
        .map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| strip_zeros(part).into())
        })
        .collect()
}

/// Compares two number lists part by part; a list that is a prefix of the other sorts first.
pub(crate) fn cmp_number_lists(a: &[Box<str>], b: &[Box<str>]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(a, b)| cmp_decimal(a, b))
        .find(|order| order.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

/// Compares two runs of ASCII digits numerically, whatever their length.
pub(crate) fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn is_zero(token: &Token) -> bool {
    matches!(token, Token::Number(n) if &**n == "0")
}

/// Orders what remains of the longer version against nothing.
fn cmp_rest(rest: &[Token]) -> Ordering {
    match rest.iter().find(|t| !is_zero(t)) {
        None => Ordering::Equal,
        Some(Token::Number(_)) => Ordering::Greater,
        Some(Token::Word(_)) => Ordering::Less,
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.tokens.iter().zip(other.tokens.iter()) {
            let order = match (a, b) {
                (Token::Number(a), Token::Number(b)) => cmp_decimal(a, b),
                (Token::Word(a), Token::Word(b)) => a.cmp(b),
                (Token::Number(_), Token::Word(_)) => Ordering::Greater,
                (Token::Word(_), Token::Number(_)) => Ordering::Less,
            };
            if order.is_ne() {
                return order;
            }
        }
        let common = self.tokens.len().min(other.tokens.len());
        cmp_rest(&self.tokens[common..]).then_with(|| cmp_rest(&other.tokens[common..]).reverse())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_rules_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.10", "1.9", Greater),
            ("1.0", "1.0.0", Equal),
            ("1.01", "1.1", Equal),
            ("1.0.1", "1.0.beta", Greater),
            ("1.0rc1", "1.0", Less),
            ("1.0-RC1", "1.0.rc1", Equal),
            ("2.4.1_p2", "2.4.1", Less),
            ("10.0.19045.3693", "10.0.19045.3570", Greater),
            ("123456789012345678901234567890", "99", Greater),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a} vs {b}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn equality_agrees_with_the_order() {
        let pairs = [
            (crate::Scheme::Generic, "1.0", "1.0.0"),
            (crate::Scheme::Cran, "1.0-0", "1.0.0"),
            (crate::Scheme::Maven, "1.0", "1.0.0.ga"),
            (crate::Scheme::RubyGems, "1.0.a2", "1.0.a.2"),
        ];
        for (scheme, a, b) in pairs {
            let a = scheme.parse(a).unwrap();
            let b = scheme.parse(b).unwrap();
            assert_eq!(a, b, "{scheme:?}");
        }
    }

    #[test]
    fn generic_rejects_versions_without_digits() {
        for input in ["", "latest", "-"] {
            assert!(input.parse::<Version>().is_err(), "{input:?}");
        }
    }
}
