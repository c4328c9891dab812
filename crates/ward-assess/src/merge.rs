//! Evaluations of single records, and their merge into one finding per vulnerability.
//!
//! Merge rules, for the records of one vulnerability on one component:
//!
//! - Status: affected when any record puts the installed version inside a range, even if
//!   another record of the same vulnerability does not (records of two feeds or two
//!   snapshots can disagree, and the evidence shows both). Else unknown when any record
//!   could not be evaluated, because the others cannot prove the version safe. Else not
//!   affected (no finding).
//! - Fixed version: the version that fixes every affected record, that is the highest of
//!   their fixed versions. When one affected record names no fix, the finding has no fix
//!   either: upgrading to another record's fix is not known to resolve it.
//! - A fix announcement listed in `related` (a DSA fixing five CVEs) is attached to each of
//!   those CVEs' findings as supporting evidence; it decides neither status nor fixed
//!   version, because its fixed version is the one that fixes all five.

use std::cmp::Ordering;

use ward_intel::{Advisory, Affected, Severity};
use ward_version::range::Verdict;
use ward_version::Scheme;

use crate::identity::RecordGroup;
use crate::{Component, Evidence, EvidenceOutcome, EvidenceRole, Finding, FindingStatus};

/// The evaluation of one record's `affected[]` entries for one component.
///
/// Evidence is built only for groups that become findings, because most records of a
/// host are not affected and their evidence would be dropped.
#[derive(Debug, Clone)]
pub(crate) struct RecordEvaluation<'a> {
    /// The record evaluated.
    pub record: &'a Advisory,
    /// One result per `affected[]` entry naming the component.
    pub entries: Vec<EntryResult<'a>>,
}

/// The verdict on one `affected[]` entry.
#[derive(Debug, Clone)]
pub(crate) struct EntryResult<'a> {
    pub entry: &'a Affected,
    pub outcome: EvidenceOutcome,
    pub range: Option<String>,
    pub fixed_version: Option<String>,
    pub reason: Option<String>,
    pub method: &'static str,
}

impl EntryResult<'_> {
    /// Returns the tracker's urgency of the entry (Debian `ecosystem_specific.urgency`).
    fn urgency(&self) -> Option<&str> {
        self.entry
            .ecosystem_specific
            .as_ref()
            .and_then(|value| value.get("urgency"))
            .and_then(|value| value.as_str())
    }
}

impl<'a> RecordEvaluation<'a> {
    pub fn new(record: &'a Advisory) -> Self {
        Self {
            record,
            entries: Vec::new(),
        }
    }

    /// Adds the verdict on one entry.
    pub fn push(&mut self, entry: &'a Affected, verdict: Verdict, method: &'static str) {
        let (outcome, range, fixed_version, reason) = match verdict {
            Verdict::Affected { fixed, range } => {
                (EvidenceOutcome::Affected, Some(range), fixed, None)
            }
            Verdict::NotAffected => (EvidenceOutcome::NotAffected, None, None, None),
            Verdict::Unknown { reason } => (EvidenceOutcome::Unknown, None, None, Some(reason)),
            Verdict::NotEvaluated { reason } => {
                (EvidenceOutcome::NotEvaluated, None, None, Some(reason))
            }
        };
        self.entries.push(EntryResult {
            entry,
            outcome,
            range,
            fixed_version,
            reason,
            method,
        });
    }

    /// Builds the evidence of every entry, with `role`.
    fn evidence<'s>(
        &'s self,
        component: &'s Component,
        role: EvidenceRole,
    ) -> impl Iterator<Item = Evidence> + 's {
        self.entries.iter().map(move |result| Evidence {
            record_id: self.record.id.clone(),
            source: self.record.source.clone(),
            role,
            outcome: result.outcome,
            ecosystem: result.entry.ecosystem.clone(),
            package: result.entry.package.clone(),
            range: result.range.clone(),
            installed_version: component.advisory_version.clone(),
            fixed_version: result.fixed_version.clone(),
            method: result.method.to_owned(),
            reason: result.reason.clone(),
            urgency: result.urgency().map(str::to_owned),
        })
    }

    /// Returns the record's outcome: affected if any entry is, else unknown if any entry
    /// is, else not affected if any entry is, else not evaluated; `None` without entries.
    pub fn outcome(&self) -> Option<EvidenceOutcome> {
        self.entries
            .iter()
            .map(|entry| entry.outcome)
            .min_by_key(|outcome| outcome_rank(*outcome))
    }

    /// Returns the record's fixed version when it is affected: `Some(None)` when an affected
    /// entry names no fix, `Some(Some(v))` with the highest fix otherwise.
    fn fix(&self, scheme: Option<Scheme>) -> Option<Option<String>> {
        let mut best: Option<String> = None;
        let mut any_affected = false;
        for entry in &self.entries {
            if entry.outcome != EvidenceOutcome::Affected {
                continue;
            }
            any_affected = true;
            let Some(fixed) = &entry.fixed_version else {
                return Some(None);
            };
            best = Some(higher(scheme, best, fixed));
        }
        any_affected.then_some(best)
    }
}

/// Orders outcomes from the most to the least decisive.
fn outcome_rank(outcome: EvidenceOutcome) -> u8 {
    match outcome {
        EvidenceOutcome::Affected => 0,
        EvidenceOutcome::Unknown => 1,
        EvidenceOutcome::NotAffected => 2,
        EvidenceOutcome::NotEvaluated => 3,
    }
}

/// Returns the higher of `current` and `candidate`; `current` wins when the two cannot be
/// ordered (the range evaluation already parsed both, so that does not happen in practice).
fn higher(scheme: Option<Scheme>, current: Option<String>, candidate: &str) -> String {
    let Some(current) = current else {
        return candidate.to_owned();
    };
    let order = scheme.and_then(|scheme| scheme.compare(candidate, &current).ok());
    match order {
        Some(Ordering::Greater) => candidate.to_owned(),
        _ => current,
    }
}

/// The combined outcome of a group's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupOutcome {
    Affected,
    Unknown,
    NotAffected,
    NotEvaluated,
}

impl GroupOutcome {
    pub fn of(group: &RecordGroup<'_>, evaluations: &[RecordEvaluation<'_>]) -> GroupOutcome {
        let best = group
            .records
            .iter()
            .filter_map(|&index| evaluations[index].outcome())
            .min_by_key(|outcome| outcome_rank(*outcome));
        match best {
            Some(EvidenceOutcome::Affected) => GroupOutcome::Affected,
            Some(EvidenceOutcome::Unknown) => GroupOutcome::Unknown,
            Some(EvidenceOutcome::NotAffected) => GroupOutcome::NotAffected,
            Some(EvidenceOutcome::NotEvaluated) | None => GroupOutcome::NotEvaluated,
        }
    }

    /// Returns whether the outcome is reported as a finding.
    pub fn is_finding(self) -> bool {
        matches!(self, GroupOutcome::Affected | GroupOutcome::Unknown)
    }
}

/// Merges a group's records (and the announcement groups attached to it) into a finding;
/// `None` when the group is neither affected nor unknown.
pub(crate) fn merge_group(
    component: &Component,
    scheme: Option<Scheme>,
    group: &RecordGroup<'_>,
    evaluations: &[RecordEvaluation<'_>],
    announcements: &[usize],
    groups: &[RecordGroup<'_>],
) -> Option<Finding> {
    let outcome = GroupOutcome::of(group, evaluations);
    let (status, fixed_version) = match outcome {
        GroupOutcome::Affected => merged_fix(group, evaluations, scheme),
        GroupOutcome::Unknown => (FindingStatus::Unknown, None),
        GroupOutcome::NotAffected | GroupOutcome::NotEvaluated => return None,
    };

    let mut evidence: Vec<Evidence> = group
        .records
        .iter()
        .flat_map(|&index| evaluations[index].evidence(component, EvidenceRole::Vulnerability))
        .collect();
    let mut related: Vec<String> = group.related.iter().map(|id| (*id).to_owned()).collect();
    for &announcement in announcements {
        let announcement = &groups[announcement];
        related.push(announcement.primary_id.to_owned());
        related.extend(announcement.aliases.iter().map(|id| (*id).to_owned()));
        for &index in &announcement.records {
            evidence.extend(evaluations[index].evidence(component, EvidenceRole::RelatedAdvisory));
        }
    }
    evidence.sort_by(|a, b| {
        (a.role as u8, outcome_rank(a.outcome), &a.record_id).cmp(&(
            b.role as u8,
            outcome_rank(b.outcome),
            &b.record_id,
        ))
    });
    related.sort();
    related.dedup();
    related.retain(|id| !group.has_id(id));

    let own_records = || group.records.iter().map(|&index| evaluations[index].record);
    let summary = own_records()
        .find(|record| record.id == group.primary_id && record.summary.is_some())
        .or_else(|| own_records().find(|record| record.summary.is_some()))
        .and_then(|record| record.summary.clone());

    Some(Finding {
        vulnerability_id: group.primary_id.to_owned(),
        aliases: group.aliases.iter().map(|id| (*id).to_owned()).collect(),
        related,
        component: component.clone(),
        status,
        fixed_version,
        severity: merged_severity(group, evaluations),
        evidence,
        summary,
    })
}

/// Returns the status and fixed version of an affected group, per the module's rules.
fn merged_fix(
    group: &RecordGroup<'_>,
    evaluations: &[RecordEvaluation<'_>],
    scheme: Option<Scheme>,
) -> (FindingStatus, Option<String>) {
    let mut best: Option<String> = None;
    for &index in &group.records {
        match evaluations[index].fix(scheme) {
            None => continue,
            Some(None) => return (FindingStatus::AffectedNoFix, None),
            Some(Some(fixed)) => best = Some(higher(scheme, best, &fixed)),
        }
    }
    match best {
        Some(fixed) => (FindingStatus::AffectedWithFix, Some(fixed)),
        None => (FindingStatus::AffectedNoFix, None),
    }
}

/// Collects the severity entries of the group's records and the trackers' urgencies of
/// their evaluated entries, without duplicates.
fn merged_severity(group: &RecordGroup<'_>, evaluations: &[RecordEvaluation<'_>]) -> Vec<Severity> {
    let mut severity: Vec<Severity> = Vec::new();
    for &index in &group.records {
        let evaluation = &evaluations[index];
        for entry in &evaluation.record.severity {
            if !severity.contains(entry) {
                severity.push(entry.clone());
            }
        }
        for result in &evaluation.entries {
            let Some(urgency) = result.urgency() else {
                continue;
            };
            let ecosystem = &result.entry.ecosystem;
            let kind = ecosystem.split(':').next().unwrap_or(ecosystem);
            let urgency = Severity {
                kind: kind.to_owned(),
                score: urgency.to_owned(),
                source: evaluation.record.source.clone(),
            };
            if !severity.contains(&urgency) {
                severity.push(urgency);
            }
        }
    }
    severity
}
