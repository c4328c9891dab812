//! Maven versions, ordered as `org.apache.maven.artifact.versioning.ComparableVersion` orders
//! them.
//!
//! Used for the OSV ecosystem `Maven` and the purl type `maven` (and for Gradle, sbt and
//! Leiningen coordinates, which resolve through Maven repositories).
//!
//! # Which Maven
//!
//! ComparableVersion changed across Maven releases, and the order differs for some real
//! versions. ward follows **maven-artifact 3.8.7**, the release that Debian 12 ships in
//! `libmaven3-core-java` (`/usr/share/maven/lib/maven-artifact-3.x.jar`) and that the
//! differential test runs as the reference. Known differences with other releases:
//!
//! - maven-artifact 3.8.6 (used to generate OSV's Maven test vectors) did not split `.X1`
//!   like `-X1`, so it orders `1.0.0-RC16 < 1.0.0.RC8-beta` and `1.5.9.RC1 < 1.5.9-RC0`;
//!   3.8.7 orders both the other way (`.X1` sorts like `-X1`, a digit after letters opens a
//!   sub-list).
//! - Maven 4 (apache/maven at commit 540897d) adds combination items (`ga20` is `ga` plus
//!   20, equal to the release), reorders `sp` against unknown qualifiers after `final`
//!   (`1.0.final-redhat` against `1.0-sp1-redhat`), and orders `4.0.17.Final` above
//!   `4.0.17.Final-wildfly-1`. 3.8.7 keeps the 3.x order for these.
//!
//! # Traps
//!
//! - `.Final`, `.RELEASE`, `.GA`, `-final`, `-ga` and the empty qualifier are all equal to the
//!   bare release: `1.0.Final == 1.0 == 1`.
//! - Trailing zeros vanish (`1.0.0 == 1`), also before a qualifier (`1.0-rc1 == 1-rc-1`).
//! - Known qualifiers order `alpha < beta < milestone < rc == cr < snapshot < release < sp`;
//!   unknown ones (`jre`, `android`, `redhat`) sort after all known ones, by text. So
//!   `31.1-android < 31.1-jre`, and `1.0-jre > 1.0`.
//! - `a1`, `b1`, `m1` mean `alpha-1`, `beta-1`, `milestone-1` only when a digit follows.
//! - A hyphen opens a sub-list, which sorts below a number at the same place (`1-1 < 1.1`)
//!   but above a qualifier (`1-1 > 1-sp`).
//! - Comparison is case-insensitive (lowercase in the English locale).
//! - Digits are Java `Character.isDigit` digits of the Basic Multilingual Plane, so `1.٣`
//!   (Arabic-Indic three) equals `1.3`.
//! - Numbers have no size limit: a run of more than 18 digits still compares numerically.
//!
//! Every string is a valid Maven version; only the empty string and strings longer than
//! [`MAX_LEN_BYTES`] are rejected.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::VersionError;

const SCHEME: &str = "maven";

/// Maximum accepted version length, in bytes.
///
/// Comparison recurses once per sub-list, and every hyphen or letter-digit change opens one;
/// the cap keeps the depth small on hostile input. Maven 4 caps versions at 256 characters.
pub const MAX_LEN_BYTES: usize = 1024;

/// Index of the release (empty) qualifier in [`KNOWN_QUALIFIERS`].
const RELEASE_INDEX: u8 = 5;

/// Known qualifiers in ascending order, as in ComparableVersion's `QUALIFIERS` list.
const KNOWN_QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// First code point of each run of ten Java `Character.isDigit` digits in the Basic
/// Multilingual Plane (decimal digits, Unicode category Nd), listed by running Java 17's
/// `Character.isDigit` over U+0000..=U+FFFF. ComparableVersion reads UTF-16 units one at a
/// time, so digits outside the BMP (surrogate pairs) are never digits to it.
const BMP_DIGIT_ZEROS: [u32; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// A parsed Maven version.
///
/// ComparableVersion builds a list whose last element may be a nested list, so the parsed
/// form is a chain of levels: `levels[0]` contains the top-level items and each further level
/// is the sub-list that ends the one before it.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    levels: Box<[Box<[Item]>]>,
}

crate::ordered_text_version!(Version);

/// One scalar item of a level.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(Number),
    Qualifier(Qualifier),
}

/// A digit run: Java's `IntItem` (up to 9 digits), `LongItem` (up to 18) or
/// `BigIntegerItem`, with its value as ASCII digits without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Number {
    width: NumberWidth,
    digits: Box<str>,
}

/// Java item type of a number. Numbers of different types compare by type alone, as in
/// ComparableVersion (`IntItem < LongItem < BigIntegerItem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NumberWidth {
    Int,
    Long,
    Big,
}

/// A string item: a known qualifier by its index, or any other text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Qualifier {
    Known(u8),
    Other(Box<str>),
}

/// An item seen by the comparison: a scalar, or the sub-list made of the remaining levels.
#[derive(Clone, Copy)]
enum ItemRef<'a> {
    Number(&'a Number),
    Qualifier(&'a Qualifier),
    List(&'a [Box<[Item]>]),
}

impl Version {
    /// Returns the version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns ComparableVersion's canonical form (`1.0.Final` gives `1`), for messages and
    /// for checking against `ComparableVersion.getCanonical()`.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        for (depth, level) in self.levels.iter().enumerate() {
            if depth > 0 && !self.levels[depth - 1].is_empty() {
                out.push('-');
            }
            for (i, item) in level.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                match item {
                    Item::Number(n) => out.push_str(&n.digits),
                    Item::Qualifier(Qualifier::Known(k)) => {
                        out.push_str(KNOWN_QUALIFIERS[usize::from(*k)])
                    }
                    Item::Qualifier(Qualifier::Other(s)) => out.push_str(s),
                }
            }
        }
        out
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(VersionError::new(SCHEME, s, "empty version"));
        }
        if s.len() > MAX_LEN_BYTES {
            return Err(VersionError::new(
                SCHEME,
                s,
                format!("longer than {MAX_LEN_BYTES} bytes"),
            ));
        }
        let levels = parse_levels(&s.to_lowercase());
        Ok(Version {
            text: s.into(),
            levels,
        })
    }
}

/// Splits a lowercased version into levels, following `ComparableVersion.parseVersion`.
fn parse_levels(lower: &str) -> Box<[Box<[Item]>]> {
    let chars: Vec<char> = lower.chars().collect();
    let mut levels: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;

    for (i, &c) in chars.iter().enumerate() {
        let current = levels.len() - 1;
        if c == '.' || c == '-' {
            if i == start {
                levels[current].push(Item::Number(Number::zero()));
            } else {
                levels[current].push(parse_item(is_digit, &chars[start..i]));
            }
            start = i + 1;
            if c == '-' {
                levels.push(Vec::new());
            }
        } else if java_digit_value(c).is_some() {
            if !is_digit && i > start {
                // `1.0.0.X1` sorts like `1.0.0-X1`: the letters open a sub-list of their own,
                // and the digits after them another one.
                if !levels[current].is_empty() {
                    levels.push(Vec::new());
                }
                let last = levels.len() - 1;
                levels[last].push(Item::Qualifier(Qualifier::new(&chars[start..i], true)));
                start = i;
                levels.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                levels[current].push(parse_item(true, &chars[start..i]));
                start = i;
                levels.push(Vec::new());
            }
            is_digit = false;
        }
    }

    if chars.len() > start {
        let current = levels.len() - 1;
        if !is_digit && !levels[current].is_empty() {
            levels.push(Vec::new());
        }
        let last = levels.len() - 1;
        levels[last].push(parse_item(is_digit, &chars[start..]));
    }

    normalize(&mut levels);
    levels.into_iter().map(Vec::into_boxed_slice).collect()
}

/// Removes null items the way `ListItem.normalize` does, deepest level first.
///
/// A level drops its trailing null scalars (`0`, the release qualifier) even when a non-empty
/// sub-list follows them, and drops its sub-list when that is empty.
fn normalize(levels: &mut Vec<Vec<Item>>) {
    for depth in (0..levels.len()).rev() {
        let has_sublist = depth + 1 < levels.len();
        let level = &mut levels[depth];
        while level.last().is_some_and(Item::is_null) {
            level.pop();
        }
        if depth > 0 && level.is_empty() && !has_sublist {
            levels.truncate(depth);
        }
    }
}

fn parse_item(is_digit: bool, chars: &[char]) -> Item {
    if is_digit {
        Item::Number(Number::new(chars))
    } else {
        Item::Qualifier(Qualifier::new(chars, false))
    }
}

/// Returns the decimal value of `c` if Java's `Character.isDigit(char)` accepts it.
fn java_digit_value(c: char) -> Option<u32> {
    let code = u32::from(c);
    if code > 0xFFFF {
        return None;
    }
    let zero = BMP_DIGIT_ZEROS
        .iter()
        .rev()
        .find(|&&zero| zero <= code)
        .copied()?;
    let value = code - zero;
    (value < 10).then_some(value)
}

impl Number {
    fn zero() -> Number {
        Number {
            width: NumberWidth::Int,
            digits: "0".into(),
        }
    }

    /// Builds a number from a run of digits. Java strips only ASCII `0`s before choosing the
    /// item type by length, so other scripts' zeros count towards the width.
    fn new(chars: &[char]) -> Number {
        let stripped = chars
            .iter()
            .position(|&c| c != '0')
            .map_or(&[][..], |first| &chars[first..]);
        let width = match stripped.len() {
            0..=9 => NumberWidth::Int,
            10..=18 => NumberWidth::Long,
            _ => NumberWidth::Big,
        };
        let digits: String = stripped
            .iter()
            .filter_map(|&c| java_digit_value(c))
            .skip_while(|&d| d == 0)
            .filter_map(|d| char::from_digit(d, 10))
            .collect();
        let digits = if digits.is_empty() {
            "0".into()
        } else {
            digits.into()
        };
        Number { width, digits }
    }

    fn is_zero(&self) -> bool {
        &*self.digits == "0"
    }

    fn cmp_number(&self, other: &Number) -> Ordering {
        self.width.cmp(&other.width).then_with(|| {
            self.digits
                .len()
                .cmp(&other.digits.len())
                .then_with(|| self.digits.cmp(&other.digits))
        })
    }
}

impl Qualifier {
    /// Builds a qualifier, expanding `a`/`b`/`m` before a digit and the aliases
    /// (`ga`, `final`, `release` to the release qualifier, `cr` to `rc`).
    fn new(chars: &[char], followed_by_digit: bool) -> Qualifier {
        let text: String = chars.iter().collect();
        let text = match (followed_by_digit, text.as_str()) {
            (true, "a") => "alpha",
            (true, "b") => "beta",
            (true, "m") => "milestone",
            (_, "ga" | "final" | "release") => "",
            (_, "cr") => "rc",
            (_, other) => other,
        };
        match KNOWN_QUALIFIERS.iter().position(|&known| known == text) {
            // The list has seven entries, so the index fits in a u8.
            Some(index) => Qualifier::Known(index as u8),
            None => Qualifier::Other(text.into()),
        }
    }

    /// Orders qualifiers as `comparableQualifier` strings do: a known one by its index, any
    /// other after all known ones and by its UTF-16 code units (Java's `String.compareTo`).
    fn cmp_qualifier(&self, other: &Qualifier) -> Ordering {
        match (self, other) {
            (Qualifier::Known(a), Qualifier::Known(b)) => a.cmp(b),
            (Qualifier::Known(_), Qualifier::Other(_)) => Ordering::Less,
            (Qualifier::Other(_), Qualifier::Known(_)) => Ordering::Greater,
            (Qualifier::Other(a), Qualifier::Other(b)) => a.encode_utf16().cmp(b.encode_utf16()),
        }
    }

    fn cmp_release(&self) -> Ordering {
        self.cmp_qualifier(&Qualifier::Known(RELEASE_INDEX))
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.is_zero(),
            Item::Qualifier(q) => *q == Qualifier::Known(RELEASE_INDEX),
        }
    }

    fn as_ref(&self) -> ItemRef<'_> {
        match self {
            Item::Number(n) => ItemRef::Number(n),
            Item::Qualifier(q) => ItemRef::Qualifier(q),
        }
    }
}

/// Returns the `index`th item of the list made of `levels`: the first level's scalars, then
/// the sub-list of the remaining levels.
fn list_item(levels: &[Box<[Item]>], index: usize) -> Option<ItemRef<'_>> {
    let (first, rest) = levels.split_first()?;
    match index.cmp(&first.len()) {
        Ordering::Less => Some(first[index].as_ref()),
        Ordering::Equal if !rest.is_empty() => Some(ItemRef::List(rest)),
        _ => None,
    }
}

fn list_len(levels: &[Box<[Item]>]) -> usize {
    match levels.split_first() {
        Some((first, rest)) => first.len() + usize::from(!rest.is_empty()),
        None => 0,
    }
}

/// Compares one item with another or with nothing, as the `compareTo(Item)` methods do.
fn cmp_item(left: ItemRef<'_>, right: Option<ItemRef<'_>>) -> Ordering {
    match (left, right) {
        (ItemRef::Number(n), None) => {
            if n.is_zero() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        (ItemRef::Number(a), Some(ItemRef::Number(b))) => a.cmp_number(b),
        (ItemRef::Number(_), Some(_)) => Ordering::Greater,

        (ItemRef::Qualifier(q), None) => q.cmp_release(),
        (ItemRef::Qualifier(_), Some(ItemRef::Number(_) | ItemRef::List(_))) => Ordering::Less,
        (ItemRef::Qualifier(a), Some(ItemRef::Qualifier(b))) => a.cmp_qualifier(b),

        // Since MNG-6964 a list compares every item with nothing, not only the first.
        (ItemRef::List(levels), None) => (0..list_len(levels))
            .filter_map(|i| list_item(levels, i))
            .map(|item| cmp_item(item, None))
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal),
        (ItemRef::List(_), Some(ItemRef::Number(_))) => Ordering::Less,
        (ItemRef::List(_), Some(ItemRef::Qualifier(_))) => Ordering::Greater,
        (ItemRef::List(a), Some(ItemRef::List(b))) => cmp_lists(a, b),
    }
}

fn cmp_lists(a: &[Box<[Item]>], b: &[Box<[Item]>]) -> Ordering {
    for i in 0..list_len(a).max(list_len(b)) {
        let order = match (list_item(a, i), list_item(b, i)) {
            (None, None) => Ordering::Equal,
            (None, Some(right)) => cmp_item(right, None).reverse(),
            (Some(left), right) => cmp_item(left, right),
        };
        if order.is_ne() {
            return order;
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.levels, &other.levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        let a: Version = a.parse().unwrap();
        let b: Version = b.parse().unwrap();
        a.cmp(&b)
    }

    #[test]
    fn maven_traps_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.0.Final", "1.0", Equal),
            ("1.0.RELEASE", "1", Equal),
            ("1.0.GA", "1.0.0", Equal),
            ("1-final", "1", Equal),
            ("1.0-rc1", "1-rc-1", Equal),
            ("1.0-cr1", "1.0-rc1", Equal),
            ("1.0-alpha1", "1.0-a1", Equal),
            ("1.0-a", "1.0-alpha", Greater),
            ("1.0-alpha", "1.0-beta", Less),
            ("1.0-beta", "1.0-milestone", Less),
            ("1.0-milestone", "1.0-rc", Less),
            ("1.0-rc", "1.0-snapshot", Less),
            ("1.0-snapshot", "1.0", Less),
            ("1.0", "1.0-sp", Less),
            ("1.0-sp", "1.0-jre", Less),
            ("31.1-android", "31.1-jre", Less),
            ("1.0-jre", "1.0", Greater),
            ("1.0-redhat-1", "1.0", Greater),
            ("1-1", "1.1", Less),
            ("1-1", "1-sp", Greater),
            ("1.0.0.RC1", "1.0.0-RC1", Equal),
            ("1.0.RC2", "1.0-RC3", Less),
            ("1.0-RC3", "1.0.1", Less),
            ("1.0-SNAPSHOT", "1.0-snapshot", Equal),
            ("1.٣", "1.3", Equal),
            ("1.0.10", "1.0.9", Greater),
            ("1.123456789012", "1.99", Greater),
            (
                "1.99999999999999999999999999",
                "1.99999999999999999999999998",
                Greater,
            ),
            ("1-0-rc", "1", Less),
            ("1-final-1", "1-1", Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(cmp(a, b), expected, "{a} vs {b}");
            assert_eq!(cmp(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn maven_canonical_forms() {
        let cases = [
            ("1.0.Final", "1"),
            ("1-0-rc", "rc"),
            ("1.0.0.X1", "1-x-1"),
            ("1.0-alpha-1", "1-alpha-1"),
        ];
        for (input, expected) in cases {
            let version: Version = input.parse().unwrap();
            let canonical = version.canonical();
            assert!(canonical.ends_with(expected), "{input}: {canonical}");
        }
    }

    /// Pairs where maven-artifact 3.8.6, 3.8.7 and Maven 4 disagree; ward follows 3.8.7.
    #[test]
    fn maven_follows_3_8_7_where_releases_disagree() {
        use Ordering::{Equal, Greater, Less};
        // (a, b, maven-artifact 3.8.7 = ward, 3.8.6, Maven 4 at 540897d)
        let cases = [
            (
                "4.0.17.Final",
                "4.0.17.Final-wildfly-1",
                Less,
                Less,
                Greater,
            ),
            ("1.0.0-RC16", "1.0.0.RC8-beta", Greater, Less, Greater),
            (
                "1.0.0-gradle-rework-beta3",
                "1.0.0.RC7-3",
                Greater,
                Less,
                Greater,
            ),
            ("7.4.3.20", "7.4.3.20-ga20", Less, Less, Equal),
            ("6.1.12.rc5", "6.1.12rc1", Greater, Less, Greater),
            ("1.0.0-beta11", "1.0.0-beta.6", Less, Less, Greater),
            (
                "1.1.46.sec10",
                "1.1.46_noneautotype",
                Greater,
                Less,
                Greater,
            ),
            ("1.0.0rc0", "1.0.beta8", Greater, Less, Greater),
            ("1.5.9.RC1", "1.5.9-RC0", Greater, Less, Greater),
            ("3.5.0-CR-2", "3.5.0.Beta-1", Less, Less, Greater),
            ("v3.7.0rc2", "v3.7.0-rc.3", Less, Less, Greater),
            ("1.0.final-redhat", "1.0-sp1-redhat", Greater, Greater, Less),
        ];
        for (a, b, ours, _maven_3_8_6, _maven_4) in cases {
            assert_eq!(cmp(a, b), ours, "{a} vs {b}");
        }
    }

    #[test]
    fn maven_rejects_empty_and_huge() {
        assert!("".parse::<Version>().is_err());
        assert!("1-".repeat(MAX_LEN_BYTES).parse::<Version>().is_err());
        assert!("1-".repeat(200).parse::<Version>().is_ok());
    }
}
