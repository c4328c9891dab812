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

use std::cell::RefCell;
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
/// ComparableVersion builds a list whose last element may be a nested list. The parsed form
/// stores that chain flat, in one allocation: the top-level items, then an [`Item::SubList`]
/// marker followed by the items of the sub-list that ends the list, and so on.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    items: Box<[Item]>,
}

crate::ordered_text_version!(Version);

/// One element of the flat list.
#[derive(Debug, Clone)]
enum Item {
    Number(Number),
    Qualifier(Qualifier),
    /// Start of the sub-list that ends the current list.
    SubList,
}

/// A digit run, as Java's `IntItem` (up to 9 digits), `LongItem` (up to 18) or
/// `BigIntegerItem`. Numbers of different kinds compare by kind alone, as in
/// ComparableVersion (`IntItem < LongItem < BigIntegerItem`).
#[derive(Debug, Clone)]
enum Number {
    Int(u64),
    Long(u64),
    /// ASCII digits without leading zeros, `0` for zero.
    Big(Box<str>),
}

/// A string item: a known qualifier by its index, or any other text.
#[derive(Debug, Clone)]
enum Qualifier {
    Known(u8),
    Other(QualifierText),
}

/// Maximum length of a qualifier stored without allocating, in bytes.
const INLINE_QUALIFIER_BYTES: usize = 22;

/// Lowercased text of an unknown qualifier. Short ASCII text (`sec`, `jre`, `redhat`), the
/// usual case, stays inline so that parsing does not allocate for it.
#[derive(Debug, Clone)]
enum QualifierText {
    Ascii {
        len: u8,
        bytes: [u8; INLINE_QUALIFIER_BYTES],
    },
    Heap(Box<str>),
}

/// An item seen by the comparison: a scalar, or the sub-list made of the remaining items.
#[derive(Clone, Copy)]
enum ItemRef<'a> {
    Number(&'a Number),
    Qualifier(&'a Qualifier),
    List(&'a [Item]),
}

/// A list split for comparison into its scalar items and the sub-list that ends it.
#[derive(Clone, Copy)]
struct List<'a> {
    scalars: &'a [Item],
    sublist: Option<&'a [Item]>,
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
        let mut level_len = 0;
        for item in &self.items {
            match item {
                Item::SubList => {
                    if level_len > 0 {
                        out.push('-');
                    }
                    level_len = 0;
                    continue;
                }
                _ if level_len > 0 => out.push('.'),
                _ => {}
            }
            match item {
                Item::Number(Number::Int(value) | Number::Long(value)) => {
                    out.push_str(&value.to_string())
                }
                Item::Number(Number::Big(digits)) => out.push_str(digits),
                Item::Qualifier(Qualifier::Known(k)) => {
                    out.push_str(KNOWN_QUALIFIERS[usize::from(*k)])
                }
                Item::Qualifier(Qualifier::Other(text)) => text.push_to(&mut out),
                Item::SubList => {}
            }
            level_len += 1;
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

        // ComparableVersion lowercases the whole string (English locale). In ASCII text that
        // changes only letters, which only qualifiers contain, so qualifiers lowercase
        // themselves and the parse reads `s` as it is. Lowercasing other text can change
        // its length (`İ` becomes two characters), so that text is lowercased first.
        let items = if s.is_ascii() {
            parse_items(s)
        } else {
            parse_items(&s.to_lowercase())
        };
        Ok(Version {
            text: s.into(),
            items,
        })
    }
}

/// Splits a version into the flat list of items, following `ComparableVersion.parseVersion`.
///
/// `text` is ASCII or already lowercased.
fn parse_items(text: &str) -> Box<[Item]> {
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.clear();
        let mut list = ListBuilder {
            items: scratch,
            level_start: 0,
        };
        build_list(&mut list, text);
        list.finish();
        // Collecting from the drain allocates the parsed list once, at its exact length.
        scratch.drain(..).collect()
    })
}

thread_local! {
    /// List reused by every parse on the thread, so that building a list does not allocate.
    static SCRATCH: RefCell<Vec<Item>> = const { RefCell::new(Vec::new()) };
}

/// Fills `list` with the items of `text`.
fn build_list(list: &mut ListBuilder<'_>, text: &str) {
    let mut is_digit = false;
    let mut start = 0;

    // `start` and `i` are byte offsets, and every separator is one byte long.
    for (i, c) in text.char_indices() {
        if c == '.' || c == '-' {
            if i == start {
                list.push(Item::Number(Number::Int(0)));
            } else {
                list.push(parse_item(is_digit, &text[start..i]));
            }
            start = i + 1;
            if c == '-' {
                list.open_sublist();
            }
        } else if java_digit_value(c).is_some() {
            if !is_digit && i > start {
                // `1.0.0.X1` sorts like `1.0.0-X1`: the letters open a sub-list of their own,
                // and the digits after them another one.
                if !list.is_level_empty() {
                    list.open_sublist();
                }
                list.push(Item::Qualifier(Qualifier::new(&text[start..i], true)));
                start = i;
                list.open_sublist();
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                list.push(parse_item(true, &text[start..i]));
                start = i;
                list.open_sublist();
            }
            is_digit = false;
        }
    }

    if text.len() > start {
        if !is_digit && !list.is_level_empty() {
            list.open_sublist();
        }
        list.push(parse_item(is_digit, &text[start..]));
    }
}

/// The flat list under construction, normalised level by level as `ListItem.normalize`
/// does.
///
/// A level drops its trailing null scalars (`0`, the release qualifier) when it is closed,
/// even when a non-empty sub-list follows them, because no item is added to a level after
/// its sub-list opens. Empty levels at the end are dropped when the list is finished.
struct ListBuilder<'a> {
    items: &'a mut Vec<Item>,
    /// Index of the first item of the innermost level.
    level_start: usize,
}

impl ListBuilder<'_> {
    fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    fn is_level_empty(&self) -> bool {
        self.items.len() == self.level_start
    }

    fn open_sublist(&mut self) {
        self.drop_trailing_nulls();
        self.items.push(Item::SubList);
        self.level_start = self.items.len();
    }

    /// Removes the innermost level's trailing null scalars. The marker before the level is
    /// not null, so earlier levels are untouched.
    fn drop_trailing_nulls(&mut self) {
        while self.items.last().is_some_and(Item::is_null) {
            self.items.pop();
        }
    }

    fn finish(&mut self) {
        self.drop_trailing_nulls();
        while matches!(self.items.last(), Some(Item::SubList)) {
            self.items.pop();
        }
    }
}

fn parse_item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::Number(Number::new(text))
    } else {
        Item::Qualifier(Qualifier::new(text, false))
    }
}

/// Returns the decimal value of `c` if Java's `Character.isDigit(char)` accepts it.
fn java_digit_value(c: char) -> Option<u32> {
    if c.is_ascii() {
        return c.to_digit(10);
    }

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
    /// Builds a number from a run of digits. Java strips only ASCII `0`s before choosing the
    /// item type by length, so other scripts' zeros count towards the width.
    fn new(text: &str) -> Number {
        let stripped = text.trim_start_matches('0');
        let width = stripped.chars().count();
        let values = stripped.chars().filter_map(java_digit_value);

        if width > 18 {
            let digits: String = values
                .skip_while(|&d| d == 0)
                .filter_map(|d| char::from_digit(d, 10))
                .collect();
            if digits.is_empty() {
                return Number::Big("0".into());
            }
            return Number::Big(digits.into());
        }

        // At most 18 digits, so the value fits in a u64.
        let value = values.fold(0, |value, digit| value * 10 + u64::from(digit));
        if width <= 9 {
            Number::Int(value)
        } else {
            Number::Long(value)
        }
    }

    fn is_zero(&self) -> bool {
        match self {
            Number::Int(value) | Number::Long(value) => *value == 0,
            Number::Big(digits) => &**digits == "0",
        }
    }

    fn kind_rank(&self) -> u8 {
        match self {
            Number::Int(_) => 0,
            Number::Long(_) => 1,
            Number::Big(_) => 2,
        }
    }

    fn cmp_number(&self, other: &Number) -> Ordering {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) | (Number::Long(a), Number::Long(b)) => a.cmp(b),
            (Number::Big(a), Number::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            _ => self.kind_rank().cmp(&other.kind_rank()),
        }
    }
}

impl Qualifier {
    /// Builds a qualifier from `text` in any ASCII case, expanding `a`/`b`/`m` before a digit
    /// and the aliases (`ga`, `final`, `release` to the release qualifier, `cr` to `rc`).
    fn new(text: &str, followed_by_digit: bool) -> Qualifier {
        let is = |name: &str| text.eq_ignore_ascii_case(name);
        let name = if followed_by_digit && is("a") {
            "alpha"
        } else if followed_by_digit && is("b") {
            "beta"
        } else if followed_by_digit && is("m") {
            "milestone"
        } else if is("ga") || is("final") || is("release") {
            ""
        } else if is("cr") {
            "rc"
        } else {
            text
        };
        match KNOWN_QUALIFIERS
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))
        {
            // The list has seven entries, so the index fits in a u8.
            Some(index) => Qualifier::Known(index as u8),
            None => Qualifier::Other(QualifierText::new(text)),
        }
    }

    /// Orders qualifiers as `comparableQualifier` strings do: a known one by its index, any
    /// other after all known ones and by its UTF-16 code units (Java's `String.compareTo`).
    fn cmp_qualifier(&self, other: &Qualifier) -> Ordering {
        match (self, other) {
            (Qualifier::Known(a), Qualifier::Known(b)) => a.cmp(b),
            (Qualifier::Known(_), Qualifier::Other(_)) => Ordering::Less,
            (Qualifier::Other(_), Qualifier::Known(_)) => Ordering::Greater,
            (Qualifier::Other(a), Qualifier::Other(b)) => a.cmp_utf16(b),
        }
    }

    fn cmp_release(&self) -> Ordering {
        self.cmp_qualifier(&Qualifier::Known(RELEASE_INDEX))
    }
}

impl QualifierText {
    /// Stores `text` with its ASCII letters lowercased.
    fn new(text: &str) -> QualifierText {
        if text.len() <= INLINE_QUALIFIER_BYTES && text.is_ascii() {
            let mut bytes = [0; INLINE_QUALIFIER_BYTES];
            for (slot, byte) in bytes.iter_mut().zip(text.bytes()) {
                *slot = byte.to_ascii_lowercase();
            }
            // At most INLINE_QUALIFIER_BYTES, so the length fits in a u8.
            let len = text.len() as u8;
            return QualifierText::Ascii { len, bytes };
        }
        QualifierText::Heap(text.to_ascii_lowercase().into())
    }

    fn ascii_bytes(len: u8, bytes: &[u8; INLINE_QUALIFIER_BYTES]) -> &[u8] {
        &bytes[..usize::from(len)]
    }

    /// Compares by UTF-16 code units. An ASCII byte is its own code unit, so two inline
    /// texts compare as bytes.
    fn cmp_utf16(&self, other: &QualifierText) -> Ordering {
        match (self, other) {
            (
                QualifierText::Ascii { len: a, bytes: x },
                QualifierText::Ascii { len: b, bytes: y },
            ) => Self::ascii_bytes(*a, x).cmp(Self::ascii_bytes(*b, y)),
            (QualifierText::Ascii { len, bytes }, QualifierText::Heap(text)) => {
                Self::ascii_bytes(*len, bytes)
                    .iter()
                    .map(|&b| u16::from(b))
                    .cmp(text.encode_utf16())
            }
            (QualifierText::Heap(text), QualifierText::Ascii { len, bytes }) => text
                .encode_utf16()
                .cmp(Self::ascii_bytes(*len, bytes).iter().map(|&b| u16::from(b))),
            (QualifierText::Heap(a), QualifierText::Heap(b)) => {
                a.encode_utf16().cmp(b.encode_utf16())
            }
        }
    }

    fn push_to(&self, out: &mut String) {
        match self {
            QualifierText::Ascii { len, bytes } => out.extend(
                Self::ascii_bytes(*len, bytes)
                    .iter()
                    .map(|&b| char::from(b)),
            ),
            QualifierText::Heap(text) => out.push_str(text),
        }
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.is_zero(),
            Item::Qualifier(q) => matches!(q, Qualifier::Known(RELEASE_INDEX)),
            Item::SubList => false,
        }
    }
}

impl<'a> List<'a> {
    fn new(items: &'a [Item]) -> List<'a> {
        match items.iter().position(|item| matches!(item, Item::SubList)) {
            Some(marker) => List {
                scalars: &items[..marker],
                sublist: Some(&items[marker + 1..]),
            },
            None => List {
                scalars: items,
                sublist: None,
            },
        }
    }

    fn len(&self) -> usize {
        self.scalars.len() + usize::from(self.sublist.is_some())
    }

    /// Returns the `index`th item: one of the scalars, then the sub-list.
    fn get(&self, index: usize) -> Option<ItemRef<'a>> {
        let Some(item) = self.scalars.get(index) else {
            return self
                .sublist
                .filter(|_| index == self.scalars.len())
                .map(ItemRef::List);
        };
        match item {
            Item::Number(n) => Some(ItemRef::Number(n)),
            Item::Qualifier(q) => Some(ItemRef::Qualifier(q)),
            // `List::new` ends the scalars before the first marker.
            Item::SubList => None,
        }
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
        (ItemRef::List(items), None) => {
            let list = List::new(items);
            (0..list.len())
                .filter_map(|i| list.get(i))
                .map(|item| cmp_item(item, None))
                .find(|order| order.is_ne())
                .unwrap_or(Ordering::Equal)
        }
        (ItemRef::List(_), Some(ItemRef::Number(_))) => Ordering::Less,
        (ItemRef::List(_), Some(ItemRef::Qualifier(_))) => Ordering::Greater,
        (ItemRef::List(a), Some(ItemRef::List(b))) => cmp_lists(a, b),
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    let (a, b) = (List::new(a), List::new(b));
    for i in 0..a.len().max(b.len()) {
        let order = match (a.get(i), b.get(i)) {
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
        cmp_lists(&self.items, &other.items)
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

    /// Qualifiers stored inline (short ASCII) and on the heap (long or non-ASCII) order
    /// alike, by UTF-16 code units after lowercasing.
    #[test]
    fn maven_qualifier_storage_orders_alike() {
        use Ordering::{Equal, Greater, Less};
        let long = "x".repeat(INLINE_QUALIFIER_BYTES + 1);
        let cases = [
            ("1-JRE", "1-jre", Equal),
            ("1-jre", "1-redhat", Less),
            (
                &*format!("1-{}", long.to_uppercase()),
                &*format!("1-{long}"),
                Equal,
            ),
            (&*format!("1-{long}"), "1-xx", Greater),
            (&*format!("1-{long}"), "1-y", Less),
            ("1-é", "1-z", Greater),
            ("1-É", "1-é", Equal),
            // U+FF41 (fullwidth a) is above U+00E9 in UTF-16 as in UTF-8.
            ("1-ａ", "1-é", Greater),
            ("1-SEC", "1-sec", Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(cmp(a, b), expected, "{a} vs {b}");
            assert_eq!(cmp(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    /// Numbers keep ComparableVersion's item types: the type decides before the value.
    #[test]
    fn maven_number_widths_table() {
        use Ordering::{Equal, Greater, Less};
        let cases = [
            ("1.999999999", "1.1000000000", Less),
            ("1.000000001", "1.1", Equal),
            ("1.999999999999999999", "1.1000000000000000000", Less),
            ("1.0000000000000000000000001", "1.1", Equal),
            // Arabic-Indic zeros count towards the width, so this is a LongItem.
            ("1.٠٠٠٠٠٠٠٠٠1", "1.2", Greater),
            ("1.٠", "1", Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(cmp(a, b), expected, "{a} vs {b}");
            assert_eq!(cmp(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn maven_canonical_keeps_sublists() {
        let cases = [
            ("1.2.3-RC-1", "1.2.3-rc-1"),
            ("1.0.0.SEC01", "1-sec-1"),
            ("2-0-1", "2-1"),
            ("1.12345678901234567890", "1.12345678901234567890"),
            ("final", ""),
        ];
        for (input, expected) in cases {
            let version: Version = input.parse().unwrap();
            assert_eq!(version.canonical(), expected, "{input}");
        }
    }
}
