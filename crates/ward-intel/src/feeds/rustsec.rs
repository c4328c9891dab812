//! RustSec advisory-db (<https://github.com/rustsec/advisory-db>): Markdown files whose
//! front matter is a ```` ```toml ```` block (`[advisory]`, `[versions]`, `[affected]`).
//!
//! The Cargo requirement strings of `patched` and `unaffected` are kept verbatim and also
//! turned into OSV events. A version is affected when no requirement matches it, so the
//! affected ranges are the complement of the union of all requirement intervals, as
//! RustSec's own OSV export computes them.
//!
//! Traps of the format:
//!
//! - Cargo reads a bare requirement (`1.2.3`) as a caret requirement (`^1.2.3`).
//! - `informational` advisories (`unmaintained`, `unsound`, `notice`) are not
//!   vulnerabilities; the flag is kept so that callers can treat them apart.
//! - `withdrawn` is a date; a withdrawn advisory yields no finding.
//! - `> X`, `<= X` and `= X` are converted through the smallest version above X
//!   (`1.2.4-0` for `1.2.3`), so every interval stays half-open. Partial versions with
//!   those operators (`> 1.2`) and wildcards (`1.*`) make the conversion fail for that
//!   advisory, with an error, instead of yielding wrong ranges.

use std::cmp::Ordering;
use std::io::{Read, Seek};

use chrono::{DateTime, NaiveDate, Utc};
use semver::{Comparator, Op, Prerelease, Version, VersionReq};
use serde::Deserialize;
use ward_version::range::{Event, Range, RangeKind};

use super::archive::{for_each_zip_entry, ArchiveError};
use super::record_error::RecordError;
use crate::{Advisory, Affected, Severity};

/// The `source` of advisories from RustSec's repository.
pub const SOURCE: &str = "rustsec";

/// One RustSec advisory, as its front matter gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustsecAdvisory {
    /// `advisory.id` (`RUSTSEC-2021-0079`).
    pub id: String,
    /// `advisory.package`: the crate name.
    pub package: String,
    /// `advisory.date`.
    pub date: Option<NaiveDate>,
    /// `advisory.url`.
    pub url: Option<String>,
    /// `advisory.aliases`.
    pub aliases: Vec<String>,
    /// `advisory.related`.
    pub related: Vec<String>,
    /// `advisory.cvss`: a CVSS vector, verbatim.
    pub cvss: Option<String>,
    /// `advisory.withdrawn`.
    pub withdrawn: Option<NaiveDate>,
    /// `advisory.informational` (`unmaintained`, `unsound`, `notice`).
    pub informational: Option<String>,
    /// `advisory.categories`.
    pub categories: Vec<String>,
    /// The Markdown title after the front matter (`# …`).
    pub title: Option<String>,
    /// `versions.patched`: Cargo requirements, verbatim.
    pub patched: Vec<String>,
    /// `versions.unaffected`: Cargo requirements, verbatim.
    pub unaffected: Vec<String>,
    /// `affected.functions`: paths (`hyper::proto::h1::decode`) with their requirements.
    pub affected_functions: Vec<(String, Vec<String>)>,
    /// The file the advisory was read from (an archive entry name), for errors.
    pub location: String,
}

#[derive(Deserialize)]
struct RawFrontMatter {
    advisory: RawAdvisory,
    #[serde(default)]
    versions: RawVersions,
    #[serde(default)]
    affected: Option<RawAffected>,
}

#[derive(Deserialize)]
struct RawAdvisory {
    id: String,
    package: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
}

#[derive(Deserialize, Default)]
struct RawVersions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

#[derive(Deserialize)]
struct RawAffected {
    #[serde(default)]
    functions: std::collections::BTreeMap<String, Vec<String>>,
}

/// Parses one advisory file (Markdown with a TOML front matter); `location` names it in
/// errors.
pub fn parse_record(markdown: &[u8], location: &str) -> Result<RustsecAdvisory, RecordError> {
    let error = |id: Option<String>, message: String| RecordError::new(id, location, message);
    let text = std::str::from_utf8(markdown)
        .map_err(|utf8| error(None, format!("advisory is not UTF-8: {utf8}")))?;

    let Some(rest) = text.trim_start().strip_prefix("```toml") else {
        return Err(error(None, "missing ```toml front matter".to_owned()));
    };
    let Some((front_matter, body)) = rest.split_once("\n```") else {
        return Err(error(None, "unterminated ```toml front matter".to_owned()));
    };

    let raw: RawFrontMatter = toml::from_str(front_matter)
        .map_err(|toml| error(None, format!("invalid TOML front matter: {toml}")))?;
    let advisory = raw.advisory;
    let id = Some(advisory.id.clone());
    let date = |text: Option<String>, field: &str| {
        text.map(|text| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|date| {
                error(
                    id.clone(),
                    format!("invalid `{field}` date `{text}`: {date}"),
                )
            })
        })
        .transpose()
    };

    let title = body
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(|title| title.trim().to_owned());

    Ok(RustsecAdvisory {
        date: date(advisory.date, "date")?,
        withdrawn: date(advisory.withdrawn, "withdrawn")?,
        id: advisory.id,
        package: advisory.package,
        url: advisory.url,
        aliases: advisory.aliases,
        related: advisory.related,
        cvss: advisory.cvss,
        informational: advisory.informational,
        categories: advisory.categories,
        title,
        patched: raw.versions.patched,
        unaffected: raw.versions.unaffected,
        affected_functions: raw
            .affected
            .map(|affected| affected.functions.into_iter().collect())
            .unwrap_or_default(),
        location: location.to_owned(),
    })
}

/// Parses every `RUSTSEC-*.md` advisory of an advisory-db zip (crates and the Rust
/// toolchain directories), calling `on_record` with each advisory or its problem.
pub fn parse_zip<R, F>(reader: R, mut on_record: F) -> Result<(), ArchiveError>
where
    R: Read + Seek,
    F: FnMut(Result<RustsecAdvisory, RecordError>),
{
    let mut errors = Vec::new();
    for_each_zip_entry(
        reader,
        |name| {
            let file_name = name.rsplit('/').next().unwrap_or(name);
            name.starts_with("crates/")
                && file_name.starts_with("RUSTSEC-")
                && file_name.ends_with(".md")
        },
        |name, bytes| on_record(parse_record(&bytes, name)),
        |error| errors.push(error),
    )?;
    for error in errors {
        on_record(Err(error));
    }
    Ok(())
}

impl RustsecAdvisory {
    /// Converts the advisory into an [`Advisory`] for the `crates.io` ecosystem.
    ///
    /// Returns an error naming the requirement when `patched` or `unaffected` contains one
    /// that cannot be turned into OSV events; the verbatim strings stay available on
    /// `self`.
    pub fn to_advisory(&self) -> Result<Advisory, RecordError> {
        let requirements = (self.patched.iter().map(|text| ("versions.patched", text))).chain(
            self.unaffected
                .iter()
                .map(|text| ("versions.unaffected", text)),
        );
        let events = affected_events(requirements).map_err(|(field, message)| {
            RecordError::new(
                Some(self.id.clone()),
                self.location.clone(),
                format!("`{field}`: {message}"),
            )
        })?;
        let midnight = |date: NaiveDate| -> Option<DateTime<Utc>> {
            date.and_hms_opt(0, 0, 0).map(|time| time.and_utc())
        };

        Ok(Advisory {
            id: self.id.clone(),
            aliases: self.aliases.clone(),
            related: self.related.clone(),
            summary: self.title.clone(),
            modified: None,
            published: self.date.and_then(midnight),
            withdrawn: self.withdrawn.and_then(midnight),
            severity: self
                .cvss
                .iter()
                .map(|vector| Severity {
                    kind: if vector.starts_with("CVSS:4") {
                        "CVSS_V4"
                    } else {
                        "CVSS_V3"
                    }
                    .to_owned(),
                    score: vector.clone(),
                    source: SOURCE.to_owned(),
                })
                .collect(),
            affected: vec![Affected {
                ecosystem: "crates.io".to_owned(),
                package: self.package.clone(),
                purl: Some(format!("pkg:cargo/{}", self.package)),
                ranges: vec![Range {
                    kind: RangeKind::Semver,
                    events,
                }],
                versions: Vec::new(),
                ecosystem_specific: Some(serde_json::json!({
                    "informational": self.informational,
                    "affected_functions": self.affected_functions,
                })),
                database_specific: Some(serde_json::json!({
                    "patched": self.patched,
                    "unaffected": self.unaffected,
                })),
            }],
            source: SOURCE.to_owned(),
        })
    }
}

/// A half-open interval `[start, end)` of versions that a requirement matches; `end`
/// `None` is unbounded.
#[derive(Debug, Clone)]
struct Interval {
    start: Version,
    end: Option<Version>,
}

/// Returns the OSV events of the versions no requirement matches. Requirements come with
/// the field they are from, which an error names.
fn affected_events<'a>(
    requirements: impl Iterator<Item = (&'static str, &'a String)>,
) -> Result<Vec<Event>, (&'static str, String)> {
    let mut intervals = Vec::new();
    for (field, text) in requirements {
        let requirement = VersionReq::parse(text).map_err(|error| {
            (
                field,
                format!("invalid Cargo requirement `{text}`: {error}"),
            )
        })?;
        intervals.push(interval_of(&requirement).ok_or_else(|| {
            (
                field,
                format!("requirement `{text}` cannot be written as OSV events"),
            )
        })?);
    }
    intervals.sort_by(|a, b| a.start.cmp(&b.start));

    // Walk the sorted intervals and emit the gaps between them.
    let zero = Version::new(0, 0, 0);
    let mut events = Vec::new();
    let mut covered_until = Some(zero.clone());
    for interval in intervals {
        let Some(until) = covered_until.clone() else {
            break;
        };
        if interval.start > until {
            let introduced = if until == zero {
                "0".to_owned()
            } else {
                until.to_string()
            };
            events.push(Event::Introduced(introduced));
            events.push(Event::Fixed(interval.start.to_string()));
        }
        covered_until = match (interval.end, until.cmp(&interval.start)) {
            (None, _) => None,
            (Some(end), Ordering::Less) => Some(end),
            (Some(end), _) => Some(end.max(until)),
        };
    }
    if let Some(until) = covered_until {
        let introduced = if until == zero {
            "0".to_owned()
        } else {
            until.to_string()
        };
        events.push(Event::Introduced(introduced));
    }
    Ok(events)
}

/// Returns the interval a requirement matches, or `None` when a comparator has no exact
/// half-open form (see [`comparator_bounds`]).
fn interval_of(requirement: &VersionReq) -> Option<Interval> {
    let mut start = Version::new(0, 0, 0);
    let mut end: Option<Version> = None;
    for comparator in &requirement.comparators {
        let (low, high) = comparator_bounds(comparator)?;
        if let Some(low) = low {
            start = start.max(low);
        }
        if let Some(high) = high {
            end = Some(match end {
                Some(current) => current.min(high),
                None => high,
            });
        }
    }
    Some(Interval { start, end })
}

fn comparator_bounds(comparator: &Comparator) -> Option<(Option<Version>, Option<Version>)> {
    let major = comparator.major;
    let minor = comparator.minor.unwrap_or(0);
    let patch = comparator.patch.unwrap_or(0);
    let mut version = Version::new(major, minor, patch);
    version.pre = comparator.pre.clone();

    let bump = |major: u64, minor: u64, patch: u64| Version {
        pre: Prerelease::EMPTY,
        ..Version::new(major, minor, patch)
    };
    match comparator.op {
        Op::GreaterEq => Some((Some(version), None)),
        Op::Less => Some((None, Some(version))),
        // `> X` and `<= X` become half-open bounds at the successor of X, and `= X` the
        // interval [X, successor); partial versions (`> 1.2`) have no single successor.
        Op::Greater if comparator.patch.is_some() => Some((Some(successor(&version)), None)),
        Op::LessEq if comparator.patch.is_some() => Some((None, Some(successor(&version)))),
        Op::Exact if comparator.patch.is_some() => {
            Some((Some(version.clone()), Some(successor(&version))))
        }
        Op::Caret => {
            let end = match (comparator.minor, comparator.patch) {
                _ if major > 0 => bump(major + 1, 0, 0),
                (Some(minor), _) if minor > 0 => bump(0, minor + 1, 0),
                (Some(_), Some(patch)) => bump(0, 0, patch + 1),
                (Some(_), None) => bump(0, 1, 0),
                (None, _) => bump(1, 0, 0),
            };
            Some((Some(version), Some(end)))
        }
        Op::Tilde => {
            let end = match comparator.minor {
                Some(minor) => bump(major, minor + 1, 0),
                None => bump(major + 1, 0, 0),
            };
            Some((Some(version), Some(end)))
        }
        _ => None,
    }
}

/// Returns the smallest SemVer version above `version`: `1.2.4-0` for `1.2.3`, and
/// `1.0.0-alpha.0` for `1.0.0-alpha` (SemVer 2.0 section 11 ranks a longer pre-release
/// with equal leading identifiers higher, and `0` is the lowest numeric identifier).
fn successor(version: &Version) -> Version {
    if version.pre.is_empty() {
        let mut next = Version::new(version.major, version.minor, version.patch + 1);
        next.pre = Prerelease::new("0").unwrap_or(Prerelease::EMPTY);
        next
    } else {
        let mut next = Version::new(version.major, version.minor, version.patch);
        next.pre = Prerelease::new(&format!("{}.0", version.pre)).unwrap_or(Prerelease::EMPTY);
        next
    }
}

#[cfg(test)]
mod tests;
