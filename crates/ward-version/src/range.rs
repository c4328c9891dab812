//! Evaluation of OSV affected ranges against an installed version.
//!
//! Semantics follow the OSV schema (<https://ossf.github.io/osv-schema/#affectedranges-field>):
//! `introduced` is inclusive, `fixed` and `limit` exclusive, `last_affected` inclusive,
//! `introduced: "0"` means from the beginning, and a version listed in `versions[]` is
//! affected whatever the ranges say.

use serde::{Deserialize, Serialize};

use crate::Scheme;

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
pub fn evaluate(scheme: Scheme, installed: &str, ranges: &[Range], versions: &[String]) -> Verdict {
    let _ = (scheme, installed, ranges, versions);
    Verdict::Unknown {
        reason: "range evaluation not implemented yet".to_owned(),
    }
}
