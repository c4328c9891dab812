//! node-semver ranges (npm) and Cargo version requirements, on SemVer versions.
//!
//! Both languages are reduced to sets of primitive comparators (`>=1.2.3`, `<2.0.0-0`), the
//! way node-semver 7 desugars its ranges, then tested with SemVer 2.0 precedence.
//!
//! # node-semver (`satisfies(version, range, options)`)
//!
//! - `||` separates comparator sets; white space joins comparators in a set; an empty range
//!   or `*` matches any release.
//! - `^1.2.3` is `>=1.2.3 <2.0.0-0`, `^0.2.3` is `>=0.2.3 <0.3.0-0`, `^0.0.3` is
//!   `>=0.0.3 <0.0.4-0`; `~1.2.3` is `>=1.2.3 <1.3.0-0`; `1.x` and `1` are
//!   `>=1.0.0 <2.0.0-0`; `1.2.3 - 2.3` is `>=1.2.3 <2.4.0-0`; `>1.2` is `>=1.3.0`.
//! - A pre-release version matches only when a comparator of the same set has a pre-release
//!   on the same `major.minor.patch` (`>=1.2.3-beta` admits `1.2.3-rc`, not `1.2.4-rc`),
//!   unless `includePrerelease` is set.
//! - Strict parsing by default; `loose` also accepts leading zeros and a pre-release
//!   without its `-` (`1.2.3beta`).
//! - A `*` set next to other sets reduces the range to `*`, so `1.2.3-pre - 2.4.3-pre || *`
//!   rejects `2.4.3-alpha`.
//!
//! NOTE: In loose mode node-semver silently drops comparators that it cannot parse and
//! evaluates the rest (`* || 1.3-alpha` is `*`). ward rejects such a range instead, so the
//! caller reports it as unknown.
//!
//! # Cargo (`semver::VersionReq::matches`, semver crate 1.0)
//!
//! - Comparators are separated by `,` and must all hold. A bare version means `^`.
//! - `^`, `~`, wildcards (`1.*`, `*`) and partial versions follow the semver crate: `^0.0.3`
//!   is `=0.0.3`, `<1.2` is `<1.2.0`, `<=1.2` is `<1.3.0`, `>1` is `>=2.0.0`.
//! - A pre-release version matches only when one of the written comparators has a
//!   pre-release on the same `major.minor.patch`.

use std::cmp::Ordering;

use super::comparators::Operator;
use super::{ConstraintError, Language};
use crate::semver::{Grammar, Version as SemVersion};
use crate::Version;

/// The range language and its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// node-semver with npm's defaults (strict parsing, pre-releases excluded).
    Npm,
    /// node-semver with explicit options.
    NpmWith(NpmOptions),
    /// Cargo's `VersionReq`.
    Cargo,
}

/// node-semver's range options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NpmOptions {
    /// `loose`: accept leading zeros and `1.2.3beta`.
    pub loose: bool,
    /// `includePrerelease`: let pre-release versions match any set that contains them.
    pub include_prerelease: bool,
}

impl Dialect {
    fn options(self) -> NpmOptions {
        match self {
            Dialect::NpmWith(options) => options,
            Dialect::Npm | Dialect::Cargo => NpmOptions::default(),
        }
    }

    fn language(self) -> Language {
        match self {
            Dialect::Npm | Dialect::NpmWith(_) => Language::NpmRange,
            Dialect::Cargo => Language::CargoRequirement,
        }
    }
}

/// A parsed range: alternatives of comparator sets.
#[derive(Debug, Clone)]
pub(super) struct Range {
    sets: Vec<Set>,
    include_prerelease: bool,
}

#[derive(Debug, Clone, Default)]
struct Set {
    comparators: Vec<Primitive>,
    /// `major.minor.patch` of the comparators whose pre-release admits pre-release versions.
    prerelease_gates: Vec<[u64; 3]>,
    /// The set matches nothing (`<0.0.0-0`).
    empty: bool,
}

#[derive(Debug, Clone)]
struct Primitive {
    operator: Operator,
    version: SemVersion,
}

impl Set {
    /// Returns whether the set is node-semver's `*`: no comparators, or only `>=0.0.0`.
    fn is_any(&self) -> bool {
        !self.empty
            && self.comparators.iter().all(|comparator| {
                comparator.operator == Operator::GreaterOrEqual
                    && !comparator.version.is_pre_release()
                    && comparator
                        .version
                        .core()
                        .all(|number| number.bytes().all(|b| b == b'0'))
            })
    }
}

/// A version as written in a range: missing or wildcard parts are `None`.
#[derive(Debug, Clone, Default)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: String,
}

impl Partial {
    fn has_wildcard(&self) -> bool {
        self.major.is_none() || self.minor.is_none() || self.patch.is_none()
    }
}

/// Builds a full version; `pre` is written after `-` when not empty.
fn full(major: u64, minor: u64, patch: u64, pre: &str) -> SemVersion {
    let text = if pre.is_empty() {
        format!("{major}.{minor}.{patch}")
    } else {
        format!("{major}.{minor}.{patch}-{pre}")
    };
    // The parts were validated when the range was parsed, so the lenient grammar accepts
    // the rebuilt text.
    match SemVersion::parse(&text, Grammar::Lenient) {
        Ok(version) => version,
        Err(_) => unreachable_version(),
    }
}

#[cold]
fn unreachable_version() -> SemVersion {
    match SemVersion::parse("0.0.0", Grammar::Strict) {
        Ok(version) => version,
        Err(error) => panic!("the SemVer parser rejects 0.0.0: {error}"),
    }
}

impl Set {
    fn push(&mut self, operator: Operator, version: SemVersion) {
        self.comparators.push(Primitive { operator, version });
    }

    fn push_lower(&mut self, major: u64, minor: u64, patch: u64, pre: &str) {
        self.push(Operator::GreaterOrEqual, full(major, minor, patch, pre));
    }

    /// Adds `<major.minor.patch-0`, the exclusive upper bound node-semver writes.
    fn push_upper(&mut self, major: u64, minor: u64, patch: u64) {
        self.push(Operator::Less, full(major, minor, patch, "0"));
    }
}

impl Range {
    pub(super) fn parse(dialect: Dialect, text: &str) -> Result<Range, ConstraintError> {
        let language = dialect.language();
        let invalid = |reason: &str| ConstraintError::invalid(language, text, reason);
        let options = dialect.options();

        let mut sets: Vec<Set> = match dialect {
            Dialect::Cargo => vec![parse_cargo_set(text, &invalid)?],
            Dialect::Npm | Dialect::NpmWith(_) => text
                .split("||")
                .map(|set| parse_npm_set(set, options, &invalid))
                .collect::<Result<_, _>>()?,
        };

        // node-semver reduces a range with a `*` set among other non-empty sets to that `*`
        // set, which rejects pre-releases that another set's comparators would admit:
        // `2.4.3-alpha` does not satisfy `1.2.3-pre - 2.4.3-pre || *`.
        let live_sets = sets.iter().filter(|set| !set.empty).count();
        if live_sets > 1 && !options.include_prerelease {
            if let Some(index) = sets.iter().position(Set::is_any) {
                let any = sets.swap_remove(index);
                sets = vec![any];
            }
        }
        Ok(Range {
            sets,
            include_prerelease: options.include_prerelease,
        })
    }

    pub(super) fn matches(&self, version: &Version) -> bool {
        match version {
            Version::Npm(version) | Version::Semver(version) => self.matches_semver(version),
            _ => false,
        }
    }

    pub(super) fn matches_semver(&self, version: &SemVersion) -> bool {
        let Some(tuple) = tuple_of(version) else {
            return false;
        };
        self.sets.iter().any(|set| {
            if set.empty {
                return false;
            }
            let all = set
                .comparators
                .iter()
                .all(|c| c.operator.accepts(version.cmp(&c.version)));
            if !all {
                return false;
            }
            if version.is_pre_release() && !self.include_prerelease {
                return set.prerelease_gates.contains(&tuple);
            }
            true
        })
    }

    /// node-semver's `outside(version, range, hilo)`: whether `version` is above (`hilo` is
    /// `Greater`) or below (`Less`) every version the range could match.
    pub(super) fn outside(&self, version: &SemVersion, hilo: Ordering) -> bool {
        if self.matches_semver(version) {
            return false;
        }
        let (strict, inclusive) = match hilo {
            Ordering::Greater => (Operator::Greater, Operator::GreaterOrEqual),
            _ => (Operator::Less, Operator::LessOrEqual),
        };
        let any = Primitive {
            operator: Operator::GreaterOrEqual,
            version: full(0, 0, 0, ""),
        };
        for set in &self.sets {
            let comparators: Vec<&Primitive> = if set.comparators.is_empty() {
                vec![&any]
            } else {
                set.comparators.iter().collect()
            };
            let mut high = comparators[0];
            let mut low = comparators[0];
            for &comparator in &comparators {
                if comparator.version.cmp(&high.version) == hilo {
                    high = comparator;
                } else if comparator.version.cmp(&low.version) == hilo.reverse() {
                    low = comparator;
                }
            }
            if high.operator == strict || high.operator == inclusive {
                return false;
            }
            let version_to_low = version.cmp(&low.version);
            if (low.operator == Operator::Equal || low.operator == strict) && version_to_low != hilo
            {
                return false;
            }
            if low.operator == inclusive && version_to_low == hilo.reverse() {
                return false;
            }
        }
        true
    }
}

fn tuple_of(version: &SemVersion) -> Option<[u64; 3]> {
    let mut parts = version.core().map(|part| part.parse::<u64>().ok());
    Some([
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
        parts.next().flatten().unwrap_or(0),
    ])
}

/// Parses one node-semver comparator set (the text between `||`).
fn parse_npm_set(
    text: &str,
    options: NpmOptions,
    invalid: &dyn Fn(&str) -> ConstraintError,
) -> Result<Set, ConstraintError> {
    let mut set = Set::default();
    let text = text.trim();

    // Hyphen range: `A - B`, with white space around the hyphen.
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() == 3 && words[1] == "-" {
        let from = parse_partial(words[0], options.loose, invalid)?;
        let to = parse_partial(words[2], options.loose, invalid)?;
        desugar_hyphen(&mut set, &from, &to, options);
        return finish_npm_set(set);
    }

    // Join operators to the version that follows them: `>= 1.2.3` is `>=1.2.3`.
    let mut comparators: Vec<String> = Vec::new();
    let mut pending = String::new();
    for word in words {
        // node-semver joins an operator only to a version right after it. In `>= = 1.0.0` or
        // `>= =1.0.0` the `>=` is left alone, and loose mode drops it without a warning, so
        // ward rejects the range instead (see the module NOTE).
        if !pending.is_empty() && word.starts_with(['<', '>', '=', '~', '^']) {
            return Err(invalid("an operator has no version after it"));
        }
        if word
            .chars()
            .all(|c| matches!(c, '<' | '>' | '=' | '~' | '^'))
        {
            // node-semver joins only a whole operator to the version after it: `== 1` is
            // invalid while `==1` is `=1`.
            if !matches!(word, "<" | ">" | "<=" | ">=" | "=" | "~" | "~>" | "^") {
                return Err(invalid("invalid operator"));
            }
            pending.push_str(word);
            continue;
        }
        comparators.push(format!("{pending}{word}"));
        pending.clear();
    }
    if !pending.is_empty() {
        return Err(invalid("an operator has no version after it"));
    }
    if comparators.is_empty() {
        comparators.push("*".to_owned());
    }

    for comparator in &comparators {
        let (operator, rest) = split_npm_operator(comparator);
        let partial = parse_partial(rest, options.loose, invalid)?;
        match operator {
            "^" => desugar_caret(&mut set, &partial, options),
            "~" | "~>" => desugar_tilde(&mut set, &partial, options),
            _ => {
                let operator = match operator {
                    "" | "=" => None,
                    "<" => Some(Operator::Less),
                    "<=" => Some(Operator::LessOrEqual),
                    ">" => Some(Operator::Greater),
                    ">=" => Some(Operator::GreaterOrEqual),
                    _ => return Err(invalid("unknown operator")),
                };
                desugar_primitive(&mut set, operator, &partial, options);
            }
        }
    }
    finish_npm_set(set)
}

/// Records which comparators admit pre-release versions of their own `major.minor.patch`.
fn finish_npm_set(mut set: Set) -> Result<Set, ConstraintError> {
    set.prerelease_gates = set
        .comparators
        .iter()
        .filter(|c| c.version.is_pre_release())
        .filter_map(|c| tuple_of(&c.version))
        .collect();
    Ok(set)
}

fn split_npm_operator(comparator: &str) -> (&str, &str) {
    for operator in ["~>", "<=", ">=", "<", ">", "=", "~", "^"] {
        if let Some(rest) = comparator.strip_prefix(operator) {
            return (operator, rest);
        }
    }
    ("", comparator)
}

/// Parses a possibly partial version (`1`, `1.2.x`, `v1.2.3-beta.1+build`).
fn parse_partial(
    text: &str,
    loose: bool,
    invalid: &dyn Fn(&str) -> ConstraintError,
) -> Result<Partial, ConstraintError> {
    let unprefixed = text.trim_start_matches(['v', '=']);
    let prefix = &text[..text.len() - unprefixed.len()];
    let text = unprefixed.trim();
    let text = match text.split_once('+') {
        Some((before, build)) => {
            if !crate::nuget::is_dot_separated_identifiers(build) {
                return Err(invalid("invalid build metadata"));
            }
            before
        }
        None => text,
    };
    let mut partial = Partial::default();
    if text.is_empty() {
        // node-semver rejects a bare `v`, `=` or build metadata (`1 - v`, `<=+0.7.x`);
        // an empty range reaches here as `*`.
        return Err(invalid("missing version number"));
    }

    let (core, pre) = split_core(text, loose);
    let mut parts = core.split('.');
    let mut slots = [&mut partial.major, &mut partial.minor, &mut partial.patch];
    let mut saw_wildcard = false;
    for slot in slots.iter_mut() {
        let Some(part) = parts.next() else {
            break;
        };
        if matches!(part, "x" | "X" | "*") {
            saw_wildcard = true;
            continue;
        }
        if saw_wildcard || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("invalid version number"));
        }
        if !loose && part.len() > 1 && part.starts_with('0') {
            return Err(invalid("leading zero in a version number"));
        }
        **slot = Some(
            part.parse()
                .map_err(|_| invalid("version number too large"))?,
        );
    }
    if parts.next().is_some() {
        return Err(invalid("more than three version numbers"));
    }
    // node-semver's strict pattern for a complete version allows one `v` before it, where
    // its pattern for x-ranges allows any run of `v` and `=`: `>==1.0.0` is invalid.
    if !loose && partial.patch.is_some() && !matches!(prefix, "" | "v") {
        return Err(invalid("only `v` may precede a complete version"));
    }
    if let Some(pre) = pre {
        if partial.patch.is_none() || !crate::nuget::is_dot_separated_identifiers(pre) {
            return Err(invalid("invalid pre-release"));
        }
        let leading_zero = pre.split('.').any(|id| {
            id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
        });
        if leading_zero && !loose {
            return Err(invalid("leading zero in a numeric pre-release identifier"));
        }
        partial.pre = pre.to_owned();
    }
    Ok(partial)
}

/// Splits `1.2.3-beta` (or, in loose mode, `1.2.3beta`) into its core and pre-release.
fn split_core(text: &str, loose: bool) -> (&str, Option<&str>) {
    if let Some((core, pre)) = text.split_once('-') {
        return (core, Some(pre));
    }
    if !loose {
        return (text, None);
    }

    // In loose mode the pre-release starts right after the third part, which is a digit run
    // or one of `x`, `X` and `*`: `1.2.x` has no pre-release.
    let Some(patch_start) = text.match_indices('.').nth(1).map(|(index, _)| index + 1) else {
        return (text, None);
    };
    let patch = &text[patch_start..];
    let digits = patch.bytes().take_while(u8::is_ascii_digit).count();
    let mut end = match digits {
        0 if patch.starts_with(['x', 'X', '*']) => 1,
        0 => return (text, None),
        _ => digits,
    };
    // node-semver's loose pattern backtracks, so the patch gives its last digit to a
    // pre-release that would otherwise start with `.`: `1.2.34.5` is `1.2.3-4.5`.
    if digits > 1 && patch[end..].starts_with('.') {
        end -= 1;
    }
    let split = patch_start + end;
    if split == text.len() {
        (text, None)
    } else {
        (&text[..split], Some(&text[split..]))
    }
}

fn lower_pre(options: NpmOptions) -> &'static str {
    if options.include_prerelease {
        "0"
    } else {
        ""
    }
}

fn desugar_primitive(set: &mut Set, operator: Option<Operator>, p: &Partial, options: NpmOptions) {
    let Some(major) = p.major else {
        // `*`, `x`, `>=*`: anything; `<*`, `>*`: nothing.
        if matches!(operator, Some(Operator::Less | Operator::Greater)) {
            set.empty = true;
        } else if options.include_prerelease {
            set.push_lower(0, 0, 0, "0");
        }
        return;
    };
    if !p.has_wildcard() {
        let version = full(major, p.minor.unwrap_or(0), p.patch.unwrap_or(0), &p.pre);
        set.push(operator.unwrap_or(Operator::Equal), version);
        return;
    }
    let Some(operator) = operator else {
        // An x-range: `1.x`, `1.2`.
        let pre = lower_pre(options);
        match p.minor {
            None => {
                set.push_lower(major, 0, 0, pre);
                set.push_upper(major + 1, 0, 0);
            }
            Some(minor) => {
                set.push_lower(major, minor, 0, pre);
                set.push_upper(major, minor + 1, 0);
            }
        }
        return;
    };
    let (mut major, mut minor) = (major, p.minor.unwrap_or(0));
    let z = lower_pre(options);
    match operator {
        Operator::Greater => {
            if p.minor.is_none() {
                major += 1;
                minor = 0;
            } else {
                minor += 1;
            }
            set.push(Operator::GreaterOrEqual, full(major, minor, 0, z));
        }
        Operator::LessOrEqual => {
            if p.minor.is_none() {
                major += 1;
                minor = 0;
            } else {
                minor += 1;
            }
            set.push_upper(major, minor, 0);
        }
        Operator::Less => set.push_upper(major, minor, 0),
        _ => set.push(operator, full(major, minor, 0, z)),
    }
}

fn desugar_tilde(set: &mut Set, p: &Partial, options: NpmOptions) {
    let Some(major) = p.major else {
        return;
    };
    let z = lower_pre(options);
    match (p.minor, p.patch) {
        (None, _) => {
            set.push_lower(major, 0, 0, z);
            set.push_upper(major + 1, 0, 0);
        }
        (Some(minor), None) => {
            set.push_lower(major, minor, 0, z);
            set.push_upper(major, minor + 1, 0);
        }
        (Some(minor), Some(patch)) => {
            set.push_lower(major, minor, patch, &p.pre);
            set.push_upper(major, minor + 1, 0);
        }
    }
}

fn desugar_caret(set: &mut Set, p: &Partial, options: NpmOptions) {
    let Some(major) = p.major else {
        return;
    };
    let z = lower_pre(options);
    match (p.minor, p.patch) {
        (None, _) => {
            set.push_lower(major, 0, 0, z);
            set.push_upper(major + 1, 0, 0);
        }
        (Some(minor), None) => {
            set.push_lower(major, minor, 0, z);
            if major == 0 {
                set.push_upper(0, minor + 1, 0);
            } else {
                set.push_upper(major + 1, 0, 0);
            }
        }
        (Some(minor), Some(patch)) => {
            set.push_lower(major, minor, patch, &p.pre);
            if major != 0 {
                set.push_upper(major + 1, 0, 0);
            } else if minor != 0 {
                set.push_upper(0, minor + 1, 0);
            } else {
                set.push_upper(0, 0, patch + 1);
            }
        }
    }
}

fn desugar_hyphen(set: &mut Set, from: &Partial, to: &Partial, options: NpmOptions) {
    let z = lower_pre(options);
    if let Some(major) = from.major {
        match (from.minor, from.patch) {
            (None, _) => set.push_lower(major, 0, 0, z),
            (Some(minor), None) => set.push_lower(major, minor, 0, z),
            (Some(minor), Some(patch)) => {
                let pre = if from.pre.is_empty() { z } else { &from.pre };
                set.push_lower(major, minor, patch, pre);
            }
        }
    }
    if let Some(major) = to.major {
        match (to.minor, to.patch) {
            (None, _) => set.push_upper(major + 1, 0, 0),
            (Some(minor), None) => set.push_upper(major, minor + 1, 0),
            (Some(minor), Some(patch)) if !to.pre.is_empty() => {
                set.push(Operator::LessOrEqual, full(major, minor, patch, &to.pre))
            }
            (Some(minor), Some(patch)) if options.include_prerelease => {
                set.push_upper(major, minor, patch + 1)
            }
            (Some(minor), Some(patch)) => {
                set.push(Operator::LessOrEqual, full(major, minor, patch, ""))
            }
        }
    }
}

/// Parses a Cargo requirement: comma-separated comparators, all of which must hold.
fn parse_cargo_set(
    text: &str,
    invalid: &dyn Fn(&str) -> ConstraintError,
) -> Result<Set, ConstraintError> {
    let mut set = Set::default();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("empty requirement"));
    }
    for comparator in trimmed.split(',') {
        let comparator = comparator.trim();
        if comparator.is_empty() {
            return Err(invalid("empty comparator"));
        }
        let (operator, rest) = split_cargo_operator(comparator);
        let rest = rest.trim_start();
        if rest.starts_with(['v', '=']) {
            return Err(invalid("unexpected character before the version"));
        }
        let partial = parse_partial(rest, false, invalid)?;
        if partial.major.is_none() && !matches!(operator, "" | "=") {
            return Err(invalid("a wildcard cannot follow an operator"));
        }
        if partial.major.is_some()
            && partial.minor.is_none()
            && rest.contains(['*', 'x', 'X'])
            && rest.split('.').count() > 1
            && !matches!(operator, "" | "=")
        {
            return Err(invalid("a wildcard cannot follow an operator"));
        }
        if let (Some(major), Some(minor), Some(patch)) =
            (partial.major, partial.minor, partial.patch)
        {
            if !partial.pre.is_empty() {
                set.prerelease_gates.push([major, minor, patch]);
            }
        }
        desugar_cargo(&mut set, operator, &partial);
    }
    Ok(set)
}

fn split_cargo_operator(comparator: &str) -> (&str, &str) {
    for operator in ["<=", ">=", "<", ">", "=", "~", "^"] {
        if let Some(rest) = comparator.strip_prefix(operator) {
            return (operator, rest);
        }
    }
    ("", comparator)
}

/// Desugars one Cargo comparator into primitives, following the semver crate's `eval.rs`.
fn desugar_cargo(set: &mut Set, operator: &str, p: &Partial) {
    let Some(major) = p.major else {
        return;
    };
    let pre = p.pre.as_str();
    let below = |set: &mut Set, major: u64, minor: u64, patch: u64| {
        set.push(Operator::Less, full(major, minor, patch, "0"));
    };
    match (operator, p.minor, p.patch) {
        (">", None, _) => set.push_lower(major + 1, 0, 0, ""),
        (">", Some(minor), None) => set.push_lower(major, minor + 1, 0, ""),
        (">", Some(minor), Some(patch)) => {
            set.push(Operator::Greater, full(major, minor, patch, pre))
        }
        (">=", minor, patch) => set.push_lower(major, minor.unwrap_or(0), patch.unwrap_or(0), pre),
        ("<", None, _) => below(set, major, 0, 0),
        ("<", Some(minor), None) => below(set, major, minor, 0),
        ("<", Some(minor), Some(patch)) => set.push(Operator::Less, full(major, minor, patch, pre)),
        ("<=", None, _) => below(set, major + 1, 0, 0),
        ("<=", Some(minor), None) => below(set, major, minor + 1, 0),
        ("<=", Some(minor), Some(patch)) => {
            set.push(Operator::LessOrEqual, full(major, minor, patch, pre))
        }
        ("=", Some(minor), Some(patch)) => {
            set.push(Operator::Equal, full(major, minor, patch, pre))
        }
        ("~", Some(minor), Some(patch)) => {
            set.push_lower(major, minor, patch, pre);
            below(set, major, minor + 1, 0);
        }
        ("=" | "~", Some(minor), None) => {
            set.push_lower(major, minor, 0, "");
            below(set, major, minor + 1, 0);
        }
        (_, None, _) => {
            // `=1`, `~1`, `^1`, `1`, `1.*`.
            set.push_lower(major, 0, 0, "");
            below(set, major + 1, 0, 0);
        }
        (_, Some(minor), None) => {
            // `^1.2`, `1.2`, `1.2.*`, `^0.2`, `^0.0`.
            set.push_lower(major, minor, 0, "");
            if major > 0 {
                below(set, major + 1, 0, 0);
            } else {
                below(set, 0, minor + 1, 0);
            }
        }
        (_, Some(minor), Some(patch)) => {
            // `^1.2.3` or a bare `1.2.3`.
            set.push_lower(major, minor, patch, pre);
            if major > 0 {
                below(set, major + 1, 0, 0);
            } else if minor > 0 {
                below(set, 0, minor + 1, 0);
            } else {
                below(set, 0, 0, patch + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::constraint::satisfies;
    use crate::Scheme;

    #[test]
    fn npm_range_membership_table() {
        let cases = [
            ("^1.2.3", "1.9.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("1.x", "1.99.0", true),
            ("1.2.3 - 2.3", "2.3.9", true),
            ("1.2.3 - 2.3", "2.4.0", false),
            (">1.2", "1.2.9", false),
            ("<1.0.0 || >=2.0.0", "2.1.0", true),
            ("*", "1.0.0-beta", false),
            (">=1.2.3-beta", "1.2.3-rc", true),
            (">=1.2.3-beta", "1.2.4-rc", false),
            ("", "3.0.0", true),
        ];
        for (range, version, expected) in cases {
            let result = satisfies(Scheme::Npm, range, version);
            assert_eq!(result, Ok(expected), "{version} satisfies {range}");
        }
    }

    #[test]
    fn cargo_requirement_membership_table() {
        let cases = [
            ("1.2", "1.9.0", true),
            ("1.2", "2.0.0", false),
            ("0.2.3", "0.2.9", true),
            ("0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("*", "7.0.0", true),
            ("*", "1.0.0-alpha", false),
            (">=1.0, <2.0", "1.5.0", true),
            (">=1.0, <2.0", "2.0.0", false),
            ("<1.2", "1.2.0-alpha", false),
            (">=1.2.3-beta", "1.2.3-rc", true),
            ("~1", "1.9.9", true),
        ];
        for (requirement, version, expected) in cases {
            let result = satisfies(Scheme::Semver, requirement, version);
            assert_eq!(result, Ok(expected), "{requirement} matches {version}");
        }
    }

    #[test]
    fn npm_range_node_semver_quirks() {
        use crate::constraint::NpmOptions;

        let loose = NpmOptions {
            loose: true,
            include_prerelease: false,
        };
        let strict = NpmOptions::default();
        let cases = [
            ("2.x.x", "2.1.3", loose, Ok(true)),
            ("1.2.x || 2.x", "1.2.3", loose, Ok(true)),
            (">=0.1.97", "v0.1.97", strict, Ok(true)),
            ("*", "9007199254740992.0.0", strict, Err(())),
            ("1.2.3-pre - 2.4.3-pre", "2.4.3-alpha", strict, Ok(true)),
            (
                "1.2.3-pre - 2.4.3-pre || *",
                "2.4.3-alpha",
                strict,
                Ok(false),
            ),
            ("==1", "1.0.0", strict, Ok(true)),
            ("== 1", "1.0.0", strict, Err(())),
            (">==1.0.0", "1.0.0", strict, Err(())),
            ("1 - v", "1.0.0", strict, Err(())),
            ("<=+0.7.x", "0.6.2", strict, Err(())),
        ];
        for (range, version, options, expected) in cases {
            let result = crate::constraint::npm_satisfies(range, version, options).map_err(|_| ());
            assert_eq!(
                result, expected,
                "`{version}` satisfies `{range}` with {options:?}"
            );
        }
    }

    #[test]
    fn ranges_reject_invalid() {
        for range in ["^", "1.2.3 -", ">=01.2.3", "1.2.3.4", "^1.2.3-"] {
            assert!(
                satisfies(Scheme::Npm, range, "1.2.3").is_err(),
                "npm {range:?}"
            );
        }
        for requirement in ["", "1.0,", ">=1.*", "v1.0"] {
            let result = satisfies(Scheme::Semver, requirement, "1.0.0");
            assert!(result.is_err(), "cargo {requirement:?}");
        }
    }

    #[test]
    fn operator_before_operator_is_rejected() {
        use crate::constraint::{npm_satisfies, NpmOptions};

        let loose = NpmOptions {
            loose: true,
            include_prerelease: false,
        };
        for range in [">=  = 1.0.0", ">= =1.0.0", "< ^1.0.0"] {
            assert!(npm_satisfies(range, "1.1.0", loose).is_err(), "{range}");
        }
        assert_eq!(npm_satisfies(">= 1.0.0", "1.1.0", loose), Ok(true));
    }
}
