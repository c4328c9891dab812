//! Packagist (Composer) versions, ordered as PHP's `version_compare` orders them.
//!
//! Used for the OSV ecosystem `Packagist` and the purl type `composer`. OSV's Packagist
//! ranges and its reference ordering are PHP `version_compare` on the raw versions with a
//! leading `v`/`V` removed; Composer compares normalised versions with the same function.
//!
//! # Algorithm (php-src `ext/standard/versioning.c`)
//!
//! 1. Canonicalise: `-`, `_`, `+` and every other non-alphanumeric byte become `.`, runs of
//!    separators collapse to one, and a `.` is inserted wherever digits meet non-digits
//!    (`1.0rc1` gives `1.0.rc.1`). A version starting with `#` is left as it is.
//! 2. Compare the `.`-separated elements pairwise. Numbers compare numerically. Words compare
//!    by the special form their text starts with, `dev < alpha = a < beta = b < RC = rc < # <
//!    pl = p`, and any other word sorts below `dev`. A number against a word counts as `#`.
//! 3. When one side runs out, the other is greater if its next element is a number;
//!    otherwise its remaining words are compared with `#` one by one. So `1.0 < 1.0.0`,
//!    `1.0-dev < 1.0`, `1.0 < 1.0-p1`.
//!
//! # Traps
//!
//! - Special forms match by prefix and case-sensitively: `RC1` and `rc1` are equal,
//!   `Rc1` is an unknown word (below `dev`), `patch1` counts as `p`, `abc` as `alpha`.
//! - `p`/`pl` outrank a number at the same place, so `1.0.1 < 1.0-p1`, while
//!   `1.0-rc1 < 1.0.1`.
//! - `dev-main` style branch names compare as a `dev` word, below every release.
//! - Stability flags (`@dev`) are not part of a version: strip them before parsing.
//!
//! # Deliberate differences from PHP
//!
//! - A leading `v` or `V` is removed first, as OSV and Composer do (`v1.0 == 1.0`).
//! - Numbers compare at any length. PHP reads them with C `strtol`, which saturates at
//!   `LONG_MAX`, so PHP finds `999999999999999999999999999991` equal to
//!   `999999999999999999999999999999`.
//! - A trailing separator is ignored. In PHP it leaves an empty last element that sorts
//!   below everything, so `version_compare("1.2.3.#", "1.2.3.#")` returns -1.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::generic::cmp_decimal;
use crate::VersionError;

const SCHEME: &str = "packagist";

/// Order of the `#` special form, which also stands for a number against a word.
const NUMBER_FORM: i8 = 4;

/// `version_compare`'s special forms, matched by prefix in this order.
const SPECIAL_FORMS: [(&[u8], i8); 10] = [
    (b"dev", 0),
    (b"alpha", 1),
    (b"a", 1),
    (b"beta", 2),
    (b"b", 2),
    (b"RC", 3),
    (b"rc", 3),
    (b"#", 4),
    (b"pl", 5),
    (b"p", 5),
];

/// A parsed Packagist version.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    elements: Box<[Element]>,
}

crate::ordered_text_version!(Version);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Element {
    /// An element starting with a digit (all digits after canonicalisation).
    Number(Box<str>),
    /// A word, kept only as its special-form order (-1 for an unknown word).
    Form(i8),
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
        let stripped = s.strip_prefix(['v', 'V']).unwrap_or(s);
        if stripped.is_empty() {
            return Err(VersionError::new(SCHEME, s, "empty version"));
        }

        let canonical = if stripped.starts_with('#') {
            stripped.as_bytes().to_vec()
        } else {
            canonicalize(stripped.as_bytes())
        };
        let canonical = match canonical.split_last() {
            Some((b'.', rest)) if !rest.is_empty() => rest,
            _ => &canonical[..],
        };

        let elements = canonical.split(|&b| b == b'.').map(Element::new).collect();
        Ok(Version {
            text: s.into(),
            elements,
        })
    }
}

/// Canonicalises like php-src's `php_canonicalize_version`. The first byte is copied as is.
fn canonicalize(version: &[u8]) -> Vec<u8> {
    let is_digit = |b: u8| b.is_ascii_digit();
    let is_non_digit = |b: u8| !b.is_ascii_digit() && b != b'.';

    let mut out = Vec::with_capacity(version.len() * 2);
    let Some((&first, rest)) = version.split_first() else {
        return out;
    };
    out.push(first);
    let mut previous = first;

    for &b in rest {
        let last_out = out.last().copied().unwrap_or(b'.');
        if matches!(b, b'-' | b'_' | b'+') {
            if last_out != b'.' {
                out.push(b'.');
            }
        } else if (is_non_digit(previous) && is_digit(b)) || (is_digit(previous) && is_non_digit(b))
        {
            if last_out != b'.' {
                out.push(b'.');
            }
            out.push(b);
        } else if !b.is_ascii_alphanumeric() {
            if last_out != b'.' {
                out.push(b'.');
            }
        } else {
            out.push(b);
        }
        previous = b;
    }
    out
}

impl Element {
    fn new(bytes: &[u8]) -> Element {
        if bytes.first().is_some_and(u8::is_ascii_digit) {
            let digits: String = bytes
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .map(|&b| char::from(b))
                .collect();
            return Element::Number(digits.into());
        }
        let order = SPECIAL_FORMS
            .iter()
            .find(|(prefix, _)| bytes.starts_with(prefix))
            .map_or(-1, |&(_, order)| order);
        Element::Form(order)
    }

    fn form(&self) -> i8 {
        match self {
            Element::Number(_) => NUMBER_FORM,
            Element::Form(order) => *order,
        }
    }
}

/// Orders what remains of the longer version against nothing (step 3).
fn cmp_rest(rest: &[Element]) -> Ordering {
    for element in rest {
        match element {
            Element::Number(_) => return Ordering::Greater,
            Element::Form(order) => {
                let order = order.cmp(&NUMBER_FORM);
                if order.is_ne() {
                    return order;
                }
            }
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.elements.iter().zip(other.elements.iter()) {
            let order = match (a, b) {
                (Element::Number(a), Element::Number(b)) => cmp_decimal(a, b),
                _ => a.form().cmp(&b.form()),
            };
            if order.is_ne() {
                return order;
            }
        }
        let common = self.elements.len().min(other.elements.len());
        if self.elements.len() > common {
            cmp_rest(&self.elements[common..])
        } else if other.elements.len() > common {
            cmp_rest(&other.elements[common..]).reverse()
        } else {
            Ordering::Equal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packagist_traps_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0-dev", "1.0alpha1", Less),
            ("1.0a1", "1.0b1", Less),
            ("1.0b1", "1.0RC1", Less),
            ("1.0rc1", "1.0RC1", Equal),
            ("1.0RC1", "1.0", Less),
            ("1.0", "1.0pl1", Less),
            ("1.0", "1.0.0", Less),
            ("1.0-patch1", "1.0-p1", Equal),
            ("1.0-Rc1", "1.0-dev", Less),
            ("dev-main", "0.0.1", Less),
            ("v1.2.3", "1.2.3", Equal),
            ("1.2.3.#", "1.2.3.#", Equal),
            ("1.2.3.#", "1.2.3", Equal),
            ("1.2.3-", "1.2.3", Equal),
            ("1.0.0-beta2.1", "1.0.0-b.2.1", Equal),
            (
                "999999999999999999999999999991",
                "999999999999999999999999999999",
                Less,
            ),
            ("4.3-2RC1", "4.3-2RC2", Less),
            ("1.0.1", "1.0-p1", Less),
            ("1.0.1", "1.0-rc1", Greater),
        ];
        for (a, b, expected) in cases {
            let va: Version = a.parse().unwrap();
            let vb: Version = b.parse().unwrap();
            assert_eq!(va.cmp(&vb), expected, "{a} vs {b}");
            assert_eq!(vb.cmp(&va), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn packagist_canonicalizes_like_php() {
        let cases = [
            ("1.0rc1", "1.0.rc.1"),
            ("1-2_3+4", "1.2.3.4"),
            ("1..2", "1.2"),
            ("1.2#", "1.2.#"),
        ];
        for (input, expected) in cases {
            let canonical = canonicalize(input.as_bytes());
            assert_eq!(canonical, expected.as_bytes(), "{input}");
        }
    }

    #[test]
    fn packagist_rejects_empty() {
        assert!("".parse::<Version>().is_err());
        assert!("v".parse::<Version>().is_err());
    }
}
