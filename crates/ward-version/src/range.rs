//! Evaluation of OSV affected ranges against an installed version.
//!
//! Semantics follow the OSV schema (<https://ossf.github.io/osv-schema/#affectedranges-field>):
//! `introduced` is inclusive, `fixed` and `limit` exclusive, `last_affected` inclusive,
//! `introduced: "0"` means from the beginning, and a version listed in `versions[]` is
//! affected whatever the ranges say.
//!
//! Choices where the schema is silent:
//! - Events are sorted by version with a stable sort, so events at equal versions keep the
//!   record's order: `introduced: 2, fixed: 2` is an empty interval, while
//!   `fixed: 2, introduced: 2` (two adjacent intervals) leaves `2` affected.
//! - An `introduced` while an interval is already open does not restart it, and a `fixed`
//!   or `last_affected` with no open interval is ignored, exactly as the schema's evaluation
//!   pseudo-code does.
//! - A `versions[]` entry matches the installed version when the text is identical or both
//!   parse to equal versions of the entry's scheme (`1.0` and `1.0-0` for dpkg). A listed
//!   version that a range also holds gets that range's interval and fixed version, because
//!   PyPI records list every affected release and give the fix only in `ranges`.
//! - The verdicts combine as: any range or listed version that matches makes the entry
//!   `Affected`; otherwise any value that cannot be parsed makes it `Unknown`; otherwise an
//!   entry whose only ranges are `GIT` ranges is `NotEvaluated`, and the rest `NotAffected`.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::{Scheme, Version, VersionError};

/// Kind of an OSV range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RangeKind {
    /// Versions of the package's own ecosystem.
    Ecosystem,
    /// SemVer 2.0 versions.
    Semver,
    /// Git commits; not evaluated against installed versions.
    Git,
}

/// One event of an OSV range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// First affected version, inclusive; `0` means from the beginning.
    Introduced(String),
    /// First version with the fix, exclusive.
    Fixed(String),
    /// Last affected version, inclusive.
    LastAffected(String),
    /// Upper bound beyond which the range says nothing, exclusive.
    Limit(String),
}

/// One OSV range: its kind and its events, in the order the record gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// How the events' versions are ordered.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The events, unsorted as in the record.
    pub events: Vec<Event>,
}

/// Outcome of evaluating one `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Verdict {
    /// The installed version is inside a range (or listed in `versions[]`).
    Affected {
        /// Lowest `fixed` version of the interval that matched; `None` when no fix exists.
        fixed: Option<String>,
        /// The matched interval in readable form (`>= 0, < 3.0.15-1~deb12u1`).
        range: String,
    },
    /// The installed version is outside every range and not listed.
    NotAffected,
    /// A version could not be parsed, so the outcome is not known.
    Unknown {
        /// What could not be evaluated, naming the value and the scheme.
        reason: String,
    },
    /// The entry has only ranges that cannot be evaluated against a version (`GIT`).
    NotEvaluated {
        /// Why, naming the range kind.
        reason: String,
    },
}

/// Evaluates `installed` against one `affected[]` entry's `ranges` and `versions`.
///
/// `scheme` orders the `ECOSYSTEM` ranges and the `versions[]` list; `SEMVER` ranges use
/// [`Scheme::Semver`], except in a [`Scheme::Go`] entry, where they use the Go scheme. To evaluate many installed versions against the same entry, build
/// a [`PreparedRanges`] once instead.
pub fn evaluate(scheme: Scheme, installed: &str, ranges: &[Range], versions: &[String]) -> Verdict {
    PreparedRanges::new(scheme, ranges, versions).evaluate(installed)
}

/// One `affected[]` entry with its event versions parsed once, for repeated evaluation.
#[derive(Debug, Clone)]
pub struct PreparedRanges {
    scheme: Scheme,
    versions: Vec<ListedVersion>,
    ranges: Vec<PreparedRange>,
}

#[derive(Debug, Clone)]
struct ListedVersion {
    text: String,
    parsed: Option<Version>,
}

#[derive(Debug, Clone)]
enum PreparedRange {
    /// A range whose events all parsed, as disjoint affected intervals.
    Intervals {
        scheme: Scheme,
        intervals: Vec<Interval>,
        /// Exclusive upper limits; empty means no limit.
        limits: Vec<Limit>,
    },
    /// A range with an event version that does not parse.
    Invalid { reason: String },
    /// A `GIT` range.
    Git,
}

#[derive(Debug, Clone)]
struct Interval {
    /// Inclusive lower bound; `None` for `introduced: "0"`.
    introduced: Option<Bound>,
    end: End,
}

#[derive(Debug, Clone)]
enum End {
    /// Exclusive upper bound from a `fixed` event.
    Fixed(Bound),
    /// Inclusive upper bound from a `last_affected` event.
    LastAffected(Bound),
    /// No upper bound.
    Open,
}

#[derive(Debug, Clone)]
struct Bound {
    text: String,
    version: Version,
}

#[derive(Debug, Clone)]
enum Limit {
    /// A limit containing `*`, which the schema defines as infinity.
    Infinity,
    Below(Version),
}

/// Kind of an event once its version is parsed; `None` versions are `introduced: "0"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
}

impl PreparedRanges {
    /// Parses every event version and listed version of one `affected[]` entry.
    ///
    /// A version that does not parse does not fail here: the range it belongs to evaluates
    /// to [`Verdict::Unknown`], naming the value.
    pub fn new(scheme: Scheme, ranges: &[Range], versions: &[String]) -> Self {
        let versions = versions
            .iter()
            .map(|text| ListedVersion {
                text: text.clone(),
                parsed: scheme.parse(text).ok(),
            })
            .collect();
        let ranges = ranges
            .iter()
            .enumerate()
            .map(|(index, range)| prepare_range(scheme, index, range))
            .collect();
        PreparedRanges {
            scheme,
            versions,
            ranges,
        }
    }

    /// Evaluates `installed` against the prepared entry; see [`evaluate`].
    pub fn evaluate(&self, installed: &str) -> Verdict {
        // Parsed lazily, at most once per scheme.
        let mut ecosystem_version: Option<Result<Version, VersionError>> = None;
        let mut semver_version: Option<Result<Version, VersionError>> = None;

        let mut listed = self.versions.iter().find(|listed| listed.text == installed);
        if listed.is_none() && !self.versions.is_empty() {
            let parsed = ecosystem_version.get_or_insert_with(|| self.scheme.parse(installed));
            if let Ok(parsed) = parsed {
                listed = self.versions.iter().find(|listed| {
                    listed
                        .parsed
                        .as_ref()
                        .is_some_and(|version| version.cmp_same_scheme(parsed) == Ordering::Equal)
                });
            }
        }

        let mut unknown = Vec::new();
        let mut has_git = false;
        let mut has_evaluated = false;
        for prepared in &self.ranges {
            match prepared {
                PreparedRange::Git => has_git = true,
                PreparedRange::Invalid { reason } => unknown.push(reason.clone()),
                PreparedRange::Intervals {
                    scheme,
                    intervals,
                    limits,
                } => {
                    let slot = if *scheme == self.scheme {
                        &mut ecosystem_version
                    } else {
                        &mut semver_version
                    };
                    match slot.get_or_insert_with(|| scheme.parse(installed)) {
                        Err(error) => unknown.push(format!("installed version: {error}")),
                        Ok(version) => {
                            has_evaluated = true;
                            if let Some(verdict) = match_intervals(version, intervals, limits) {
                                return verdict;
                            }
                        }
                    }
                }
            }
        }

        // Ranges first: a listed version inside a range gets that range's fixed version.
        // PyPI records list every affected release in `versions[]` and a fix in `ranges`.
        if let Some(listed) = listed {
            return listed_verdict(&listed.text);
        }

        if self.ranges.is_empty() && !self.versions.is_empty() {
            if let Some(Err(error)) = &ecosystem_version {
                unknown.push(format!("installed version: {error}"));
            }
        }
        if !unknown.is_empty() {
            unknown.dedup();
            return Verdict::Unknown {
                reason: unknown.join("; "),
            };
        }
        if has_git && !has_evaluated {
            return Verdict::NotEvaluated {
                reason: "only GIT ranges, which need the repository's commit graph".to_owned(),
            };
        }
        Verdict::NotAffected
    }
}

impl PreparedRanges {
    /// Returns whether `installed` parses in the ecosystem's scheme and lies inside one of
    /// the entry's ranges. The `versions[]` list is ignored, and `GIT` or invalid ranges
    /// never count. No verdict text is built, because the importer checks every listed
    /// version this way.
    pub fn ranges_contain(&self, installed: &str) -> bool {
        let Ok(ecosystem_version) = self.scheme.parse(installed) else {
            return false;
        };

        // A `SEMVER` range of a non-Go entry orders by another scheme. That parse is lazy and
        // kept for the entry's next range of the same scheme.
        let mut other_version: Option<(Scheme, Option<Version>)> = None;
        for prepared in &self.ranges {
            let PreparedRange::Intervals {
                scheme,
                intervals,
                limits,
            } = prepared
            else {
                continue;
            };

            let version = if *scheme == self.scheme {
                Some(&ecosystem_version)
            } else {
                if other_version
                    .as_ref()
                    .is_none_or(|(parsed, _)| parsed != scheme)
                {
                    other_version = Some((*scheme, scheme.parse(installed).ok()));
                }
                other_version
                    .as_ref()
                    .and_then(|(_, version)| version.as_ref())
            };
            if version.is_some_and(|version| in_intervals(version, intervals, limits)) {
                return true;
            }
        }
        false
    }
}

fn listed_verdict(text: &str) -> Verdict {
    Verdict::Affected {
        fixed: None,
        range: format!("= {text} (listed in versions)"),
    }
}

/// Parses one range's events into affected intervals, following the schema's evaluation
/// pseudo-code.
fn prepare_range(ecosystem: Scheme, index: usize, range: &Range) -> PreparedRange {
    let scheme = match range.kind {
        RangeKind::Git => return PreparedRange::Git,
        // Go's order is SemVer precedence, and the Go scheme also reads the toolchain tags
        // (`go1.21.3`) of the standard library.
        RangeKind::Semver if ecosystem == Scheme::Go => Scheme::Go,
        RangeKind::Semver => Scheme::Semver,
        RangeKind::Ecosystem => ecosystem,
    };
    let invalid = |event: &str, error: VersionError| PreparedRange::Invalid {
        reason: format!(
            "event `{event}` of range {index} ({:?}): {error}",
            range.kind
        ),
    };

    let mut events: Vec<(EventKind, Option<Bound>)> = Vec::with_capacity(range.events.len());
    let mut limits = Vec::new();
    for event in &range.events {
        let (kind, text, name) = match event {
            Event::Introduced(text) if text == "0" => {
                events.push((EventKind::Introduced, None));
                continue;
            }
            Event::Introduced(text) => (EventKind::Introduced, text, "introduced"),
            Event::Fixed(text) => (EventKind::Fixed, text, "fixed"),
            Event::LastAffected(text) => (EventKind::LastAffected, text, "last_affected"),
            Event::Limit(text) if text.contains('*') => {
                limits.push(Limit::Infinity);
                continue;
            }
            Event::Limit(text) => match scheme.parse(text) {
                Ok(version) => {
                    limits.push(Limit::Below(version));
                    continue;
                }
                Err(error) => return invalid("limit", error),
            },
        };
        match scheme.parse(text) {
            Ok(version) => events.push((
                kind,
                Some(Bound {
                    text: text.clone(),
                    version,
                }),
            )),
            Err(error) => return invalid(name, error),
        }
    }

    // Stable, so events at equal versions keep the record's order.
    events.sort_by(|(_, a), (_, b)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.version.cmp_same_scheme(&b.version),
    });

    let mut intervals = Vec::new();
    let mut open: Option<Option<Bound>> = None;
    for (kind, bound) in events {
        match kind {
            EventKind::Introduced => {
                if open.is_none() {
                    open = Some(bound);
                }
            }
            EventKind::Fixed | EventKind::LastAffected => {
                let (Some(introduced), Some(bound)) = (open.take(), bound) else {
                    continue;
                };
                let end = match kind {
                    EventKind::Fixed => End::Fixed(bound),
                    _ => End::LastAffected(bound),
                };
                intervals.push(Interval { introduced, end });
            }
        }
    }
    if let Some(introduced) = open {
        intervals.push(Interval {
            introduced,
            end: End::Open,
        });
    }

    PreparedRange::Intervals {
        scheme,
        intervals,
        limits,
    }
}

/// Returns the `Affected` verdict of the first interval containing `version`, `None` when
/// no interval does or the version is at or above every limit.
/// Returns the interval that contains `version`, when it is also below one of the limits.
fn containing_interval<'a>(
    version: &Version,
    intervals: &'a [Interval],
    limits: &[Limit],
) -> Option<&'a Interval> {
    let below_limits = limits.is_empty()
        || limits.iter().any(|limit| match limit {
            Limit::Infinity => true,
            Limit::Below(limit) => version.cmp_same_scheme(limit) == Ordering::Less,
        });
    if !below_limits {
        return None;
    }
    intervals.iter().find(|interval| interval.contains(version))
}

fn in_intervals(version: &Version, intervals: &[Interval], limits: &[Limit]) -> bool {
    containing_interval(version, intervals, limits).is_some()
}

fn match_intervals(version: &Version, intervals: &[Interval], limits: &[Limit]) -> Option<Verdict> {
    let interval = containing_interval(version, intervals, limits)?;
    Some(Verdict::Affected {
        fixed: match &interval.end {
            End::Fixed(bound) => Some(bound.text.clone()),
            End::LastAffected(_) | End::Open => None,
        },
        range: interval.to_string(),
    })
}

impl Interval {
    fn contains(&self, version: &Version) -> bool {
        let above_start = match &self.introduced {
            None => true,
            Some(start) => version.cmp_same_scheme(&start.version) != Ordering::Less,
        };
        let below_end = match &self.end {
            End::Fixed(end) => version.cmp_same_scheme(&end.version) == Ordering::Less,
            End::LastAffected(end) => version.cmp_same_scheme(&end.version) != Ordering::Greater,
            End::Open => true,
        };
        above_start && below_end
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let start = self
            .introduced
            .as_ref()
            .map_or("0", |bound| bound.text.as_str());
        let mut text = format!(">= {start}");
        match &self.end {
            End::Fixed(bound) => write!(text, ", < {}", bound.text)?,
            End::LastAffected(bound) => write!(text, ", <= {}", bound.text)?,
            End::Open => {}
        }
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn introduced(text: &str) -> Event {
        Event::Introduced(text.to_owned())
    }
    fn fixed(text: &str) -> Event {
        Event::Fixed(text.to_owned())
    }
    fn last_affected(text: &str) -> Event {
        Event::LastAffected(text.to_owned())
    }
    fn limit(text: &str) -> Event {
        Event::Limit(text.to_owned())
    }
    fn ecosystem(events: Vec<Event>) -> Range {
        Range {
            kind: RangeKind::Ecosystem,
            events,
        }
    }
    fn semver(events: Vec<Event>) -> Range {
        Range {
            kind: RangeKind::Semver,
            events,
        }
    }
    fn git(events: Vec<Event>) -> Range {
        Range {
            kind: RangeKind::Git,
            events,
        }
    }
    fn affected(fixed: Option<&str>, range: &str) -> Verdict {
        Verdict::Affected {
            fixed: fixed.map(str::to_owned),
            range: range.to_owned(),
        }
    }

    #[test]
    fn evaluate_dpkg_table() {
        let bookworm = || vec![ecosystem(vec![introduced("0"), fixed("3.0.15-1~deb12u1")])];
        let two_pairs = || {
            vec![ecosystem(vec![
                fixed("1.2-1"),
                introduced("1.0-1"),
                introduced("2.0-1"),
                fixed("2.5-1"),
            ])]
        };
        /// Case name, ranges, listed versions, installed version, expected verdict.
        type Case = (&'static str, Vec<Range>, Vec<String>, &'static str, Verdict);
        let cases: Vec<Case> = vec![
            (
                "introduced 0 matches",
                bookworm(),
                vec![],
                "3.0.11-1~deb12u2",
                affected(Some("3.0.15-1~deb12u1"), ">= 0, < 3.0.15-1~deb12u1"),
            ),
            (
                "fixed is exclusive",
                bookworm(),
                vec![],
                "3.0.15-1~deb12u1",
                Verdict::NotAffected,
            ),
            (
                "above fixed",
                bookworm(),
                vec![],
                "3.0.16-1",
                Verdict::NotAffected,
            ),
            (
                "epoch above fixed",
                bookworm(),
                vec![],
                "1:1.0-1",
                Verdict::NotAffected,
            ),
            (
                "introduced is inclusive",
                two_pairs(),
                vec![],
                "2.0-1",
                affected(Some("2.5-1"), ">= 2.0-1, < 2.5-1"),
            ),
            (
                "unsorted events, first pair",
                two_pairs(),
                vec![],
                "1.1-1",
                affected(Some("1.2-1"), ">= 1.0-1, < 1.2-1"),
            ),
            (
                "between pairs",
                two_pairs(),
                vec![],
                "1.5-1",
                Verdict::NotAffected,
            ),
            (
                "below first pair",
                two_pairs(),
                vec![],
                "0.9-1",
                Verdict::NotAffected,
            ),
            (
                "last_affected is inclusive",
                vec![ecosystem(vec![introduced("1.0"), last_affected("1.4-2")])],
                vec![],
                "1.4-2",
                affected(None, ">= 1.0, <= 1.4-2"),
            ),
            (
                "above last_affected",
                vec![ecosystem(vec![introduced("1.0"), last_affected("1.4-2")])],
                vec![],
                "1.4-2+deb12u1",
                Verdict::NotAffected,
            ),
            (
                "open range",
                vec![ecosystem(vec![introduced("2.0")])],
                vec![],
                "9.9",
                affected(None, ">= 2.0"),
            ),
            (
                "below limit",
                vec![ecosystem(vec![introduced("0"), limit("2.0")])],
                vec![],
                "1.9",
                affected(None, ">= 0"),
            ),
            (
                "at limit",
                vec![ecosystem(vec![introduced("0"), limit("2.0")])],
                vec![],
                "2.0",
                Verdict::NotAffected,
            ),
            (
                "star limit",
                vec![ecosystem(vec![introduced("0"), limit("*")])],
                vec![],
                "99",
                affected(None, ">= 0"),
            ),
            (
                "second range matches",
                vec![
                    ecosystem(vec![introduced("0"), fixed("1.0")]),
                    ecosystem(vec![introduced("2.0"), fixed("2.1")]),
                ],
                vec![],
                "2.0.5",
                affected(Some("2.1"), ">= 2.0, < 2.1"),
            ),
            (
                "listed version",
                vec![ecosystem(vec![introduced("0"), fixed("1.0")])],
                vec!["1.5-1".to_owned()],
                "1.5-1",
                affected(None, "= 1.5-1 (listed in versions)"),
            ),
            (
                "listed version inside a range takes its fix",
                vec![ecosystem(vec![introduced("0"), fixed("1.26.5")])],
                vec!["1.24.1".to_owned()],
                "1.24.1",
                affected(Some("1.26.5"), ">= 0, < 1.26.5"),
            ),
            (
                "listed version equal when parsed",
                vec![],
                vec!["1.5".to_owned()],
                "0:1.5-0",
                affected(None, "= 1.5 (listed in versions)"),
            ),
            (
                "not listed",
                vec![],
                vec!["1.5".to_owned()],
                "1.6",
                Verdict::NotAffected,
            ),
            (
                "equal introduced and fixed is empty",
                vec![ecosystem(vec![introduced("2.0"), fixed("2.0")])],
                vec![],
                "2.0",
                Verdict::NotAffected,
            ),
            (
                "adjacent intervals stay joined",
                vec![ecosystem(vec![
                    introduced("1.0"),
                    fixed("2.0"),
                    introduced("2.0"),
                    fixed("3.0"),
                ])],
                vec![],
                "2.5",
                affected(Some("3.0"), ">= 2.0, < 3.0"),
            ),
            (
                "fixed without introduced is ignored",
                vec![ecosystem(vec![fixed("1.0")])],
                vec![],
                "0.5",
                Verdict::NotAffected,
            ),
            (
                "no ranges, no versions",
                vec![],
                vec![],
                "1.0",
                Verdict::NotAffected,
            ),
        ];
        for (name, ranges, versions, installed, expected) in cases {
            let verdict = evaluate(Scheme::Dpkg, installed, &ranges, &versions);
            assert_eq!(verdict, expected, "{name}");
        }
    }

    #[test]
    fn evaluate_semver_range_ignores_ecosystem() {
        // A SEMVER range in a Debian entry still orders by SemVer: dpkg would put
        // `1.0.0-rc1` above `1.0.0-1`, SemVer puts every pre-release below the release.
        let ranges = vec![semver(vec![introduced("0"), fixed("1.0.0")])];
        let verdict = evaluate(Scheme::Dpkg, "1.0.0-rc1", &ranges, &[]);
        assert_eq!(verdict, affected(Some("1.0.0"), ">= 0, < 1.0.0"));
        let verdict = evaluate(Scheme::Npm, "1.0.0", &ranges, &[]);
        assert_eq!(verdict, Verdict::NotAffected);
    }

    #[test]
    fn evaluate_git_only_not_evaluated() {
        let ranges = vec![git(vec![introduced("0"), fixed("a1b2c3")])];
        let verdict = evaluate(Scheme::Dpkg, "1.0", &ranges, &["2.0".to_owned()]);
        assert!(
            matches!(verdict, Verdict::NotEvaluated { ref reason } if reason.contains("GIT")),
            "{verdict:?}"
        );

        // Another range decides.
        let ranges = vec![
            git(vec![introduced("0"), fixed("a1b2c3")]),
            ecosystem(vec![introduced("0"), fixed("1.5")]),
        ];
        let verdict = evaluate(Scheme::Dpkg, "1.0", &ranges, &[]);
        assert_eq!(verdict, affected(Some("1.5"), ">= 0, < 1.5"));
        let verdict = evaluate(Scheme::Dpkg, "2.0", &ranges, &[]);
        assert_eq!(verdict, Verdict::NotAffected);

        // A listed version decides too.
        let ranges = vec![git(vec![introduced("0"), fixed("a1b2c3")])];
        let verdict = evaluate(Scheme::Dpkg, "2.0", &ranges, &["2.0".to_owned()]);
        assert_eq!(verdict, affected(None, "= 2.0 (listed in versions)"));
    }

    #[test]
    fn evaluate_unparsable_is_unknown() {
        let ranges = vec![ecosystem(vec![introduced("0"), fixed("1.5")])];
        let Verdict::Unknown { reason } = evaluate(Scheme::Dpkg, "1.0 beta", &ranges, &[]) else {
            panic!("an invalid installed version must be unknown");
        };
        assert!(reason.contains("`1.0 beta`"), "{reason}");
        assert!(reason.contains("dpkg"), "{reason}");

        let ranges = vec![ecosystem(vec![introduced("0"), fixed("1:")])];
        let Verdict::Unknown { reason } = evaluate(Scheme::Dpkg, "1.0", &ranges, &[]) else {
            panic!("an invalid fixed version must be unknown");
        };
        assert!(reason.contains("`1:`"), "{reason}");
        assert!(reason.contains("fixed"), "{reason}");

        let Verdict::Unknown { reason } = evaluate(Scheme::Dpkg, "", &[], &["1.0".to_owned()])
        else {
            panic!("an invalid installed version against versions[] must be unknown");
        };
        assert!(reason.contains("dpkg"), "{reason}");

        // An invalid range does not hide a match in another range.
        let ranges = vec![
            ecosystem(vec![introduced("0"), fixed("1:")]),
            ecosystem(vec![introduced("0"), fixed("1.5")]),
        ];
        let verdict = evaluate(Scheme::Dpkg, "1.0", &ranges, &[]);
        assert_eq!(verdict, affected(Some("1.5"), ">= 0, < 1.5"));

        // A SEMVER range rejects a value the ecosystem accepts.
        let ranges = vec![semver(vec![introduced("0"), fixed("1.0.0")])];
        let Verdict::Unknown { reason } = evaluate(Scheme::Dpkg, "1:0.9-1", &ranges, &[]) else {
            panic!("a non-SemVer installed version in a SEMVER range must be unknown");
        };
        assert!(reason.contains("semver"), "{reason}");
    }

    #[test]
    fn evaluate_go_semver_ranges() {
        // OSV writes Go versions without the `v`, inventories with it or as toolchain tags.
        let ranges = vec![semver(vec![introduced("0"), fixed("1.21.5")])];
        let cases = [
            ("go1.21.3", affected(Some("1.21.5"), ">= 0, < 1.21.5")),
            ("go1.21rc2", affected(Some("1.21.5"), ">= 0, < 1.21.5")),
            ("v1.21.5", Verdict::NotAffected),
            ("go1.22.0", Verdict::NotAffected),
        ];
        for (installed, expected) in cases {
            assert_eq!(
                evaluate(Scheme::Go, installed, &ranges, &[]),
                expected,
                "{installed}"
            );
        }

        // A pseudo-version before the fix is affected, one after it is not.
        let ranges = vec![semver(vec![introduced("0"), fixed("0.17.0")])];
        let before = "v0.16.1-0.20231101000000-0123456789ab";
        let after = "v0.17.1-0.20240101000000-0123456789ab";
        assert_eq!(
            evaluate(Scheme::Go, before, &ranges, &[]),
            affected(Some("0.17.0"), ">= 0, < 0.17.0")
        );
        assert_eq!(
            evaluate(Scheme::Go, after, &ranges, &[]),
            Verdict::NotAffected
        );
    }

    #[test]
    fn prepared_ranges_reusable() {
        let ranges = vec![ecosystem(vec![introduced("0"), fixed("2.0")])];
        let prepared = PreparedRanges::new(Scheme::Dpkg, &ranges, &[]);
        assert_eq!(
            prepared.evaluate("1.0"),
            affected(Some("2.0"), ">= 0, < 2.0")
        );
        assert_eq!(prepared.evaluate("2.0"), Verdict::NotAffected);
    }

    #[test]
    fn ranges_contain_agrees_with_evaluate() {
        let entries = [
            (
                Scheme::Dpkg,
                vec![
                    ecosystem(vec![introduced("1.0"), fixed("1.5"), introduced("2.0")]),
                    ecosystem(vec![introduced("0"), last_affected("0.9")]),
                ],
            ),
            (
                Scheme::Dpkg,
                vec![ecosystem(vec![introduced("0"), limit("3.0")])],
            ),
            (
                Scheme::Npm,
                vec![
                    semver(vec![introduced("1.2.0"), fixed("1.2.5")]),
                    git(vec![introduced("abc")]),
                ],
            ),
            (
                Scheme::Npm,
                vec![
                    semver(vec![introduced("0.1.0"), fixed("0.9.1")]),
                    semver(vec![introduced("1.2.0"), fixed("1.2.5")]),
                    semver(vec![introduced("2.0.0")]),
                ],
            ),
            (
                Scheme::Dpkg,
                vec![ecosystem(vec![introduced("0"), fixed("not a version!")])],
            ),
        ];
        let versions = [
            "0.5", "0.9", "0.9.1", "1.0", "1.4", "1.5", "2.0", "9", "1.2.0", "1.2.4", "1.2.5",
            "v1.2.4", "", "x",
        ];
        for (scheme, ranges) in &entries {
            let prepared = PreparedRanges::new(*scheme, ranges, &[]);
            for version in versions {
                let expected = scheme.parse(version).is_ok()
                    && matches!(prepared.evaluate(version), Verdict::Affected { .. });
                assert_eq!(
                    prepared.ranges_contain(version),
                    expected,
                    "{scheme:?} {version:?}"
                );
            }
        }
    }
}
