//! OSV records (<https://ossf.github.io/osv-schema/>, schema 1.6): parsing for import and
//! conversion of stored `affected[]` entries back into [`Affected`].
//!
//! Traps of the format:
//!
//! - `affected[].package` may be missing (Debian's per-CVE records carry `GIT` ranges
//!   without a package). Such entries are stored under an empty ecosystem and name, so no
//!   look-up finds them, but the stored record keeps them.
//! - `database_specific` and `ecosystem_specific` are kept verbatim and never override
//!   `ranges`.
//! - Fields may be `null` where the schema says "array"; `null` reads as empty.
//! - Per-release ecosystems (`Debian:12`, `Alpine:v3.20`) appear only inside records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use ward_version::range::Range;

use crate::{Affected, Severity};

/// A record failed to parse; the import reports it and goes on with the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// Record id when the record got far enough to have one.
    pub id: Option<String>,
    /// Description of the problem, naming the field.
    pub message: String,
}

/// An OSV record split into the parts the database stores.
#[derive(Debug, Clone)]
pub struct ParsedRecord {
    /// `id`.
    pub id: String,
    /// `modified`.
    pub modified: Option<DateTime<Utc>>,
    /// `published`.
    pub published: Option<DateTime<Utc>>,
    /// `withdrawn`.
    pub withdrawn: Option<DateTime<Utc>>,
    /// `summary`.
    pub summary: Option<String>,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `related`.
    pub related: Vec<String>,
    /// `upstream` (schema 1.7): ids this record was derived from.
    pub upstream: Vec<String>,
    /// Record-level `severity[]`.
    pub severity: Vec<RawSeverity>,
    /// `affected[]`, in record order.
    pub affected: Vec<ParsedAffected>,
    /// The record without `affected[]`: a JSON object.
    pub body: Value,
}

/// One `affected[]` entry of a [`ParsedRecord`].
#[derive(Debug, Clone)]
pub struct ParsedAffected {
    /// `package.ecosystem`, empty when the entry has no package.
    pub ecosystem: String,
    /// `package.name`, empty when the entry has no package.
    pub package: String,
    /// Entry-level `severity[]`.
    pub severity: Vec<RawSeverity>,
    /// The entry, verbatim: a JSON object.
    pub entry: Value,
}

/// One OSV `severity[]` item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct RawSeverity {
    /// `type` (`CVSS_V3`, `CVSS_V4`, `Ubuntu`).
    #[serde(rename = "type")]
    pub kind: String,
    /// `score`: a vector or a qualitative value.
    pub score: String,
}

#[derive(Deserialize)]
struct RawHeader {
    id: String,
    modified: Option<DateTime<Utc>>,
    published: Option<DateTime<Utc>>,
    withdrawn: Option<DateTime<Utc>>,
    summary: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    related: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    upstream: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    severity: Vec<RawSeverity>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    #[serde(default, deserialize_with = "null_as_empty")]
    ranges: Vec<Range>,
    #[serde(default, deserialize_with = "null_as_empty")]
    versions: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    severity: Vec<RawSeverity>,
    ecosystem_specific: Option<Value>,
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
    purl: Option<String>,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Returns whether a parsed JSON document looks like one OSV record: an object with a
/// string `id` and at least one of `modified`, `affected` or `schema_version`.
pub fn is_osv_record(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    object.get("id").is_some_and(Value::is_string)
        && (object.contains_key("modified")
            || object.contains_key("affected")
            || object.contains_key("schema_version"))
}

/// Parses one OSV record from JSON bytes.
pub fn parse_record(bytes: &[u8]) -> Result<ParsedRecord, RecordProblem> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| RecordProblem {
        id: None,
        message: format!("invalid JSON: {error}"),
    })?;
    parse_value(value)
}

/// Parses one OSV record from an already parsed JSON value.
pub fn parse_value(value: Value) -> Result<ParsedRecord, RecordProblem> {
    let Value::Object(mut object) = value else {
        return Err(RecordProblem {
            id: None,
            message: "expected a JSON object".to_owned(),
        });
    };
    let id_hint = object.get("id").and_then(Value::as_str).map(str::to_owned);
    let problem = |message: String| RecordProblem {
        id: id_hint.clone(),
        message,
    };

    let affected_value = object.remove("affected").unwrap_or(Value::Null);
    let rest = Value::Object(object);
    let header = RawHeader::deserialize(&rest)
        .map_err(|error| problem(format!("invalid record: {error}")))?;

    let entries = match affected_value {
        Value::Null => Vec::new(),
        Value::Array(entries) => entries,
        _ => {
            return Err(problem(
                "invalid record: `affected` is not an array".to_owned(),
            ))
        }
    };
    let mut affected = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let raw = RawAffected::deserialize(&entry)
            .map_err(|error| problem(format!("invalid `affected[{index}]`: {error}")))?;
        let (ecosystem, package) = match raw.package {
            Some(package) => (package.ecosystem, package.name),
            None => (String::new(), String::new()),
        };
        affected.push(ParsedAffected {
            ecosystem,
            package,
            severity: raw.severity,
            entry,
        });
    }

    let body = rest;

    Ok(ParsedRecord {
        id: header.id,
        modified: header.modified,
        published: header.published,
        withdrawn: header.withdrawn,
        summary: header.summary,
        aliases: header.aliases,
        related: header.related,
        upstream: header.upstream,
        severity: header.severity,
        affected,
        body,
    })
}

/// Converts a stored `affected[]` entry (JSON bytes) back into an [`Affected`].
pub fn affected_from_entry(
    ecosystem: &str,
    package: &str,
    entry: &[u8],
) -> Result<Affected, String> {
    let raw: RawAffected = serde_json::from_slice(entry).map_err(|error| error.to_string())?;
    Ok(Affected {
        ecosystem: ecosystem.to_owned(),
        package: package.to_owned(),
        purl: raw.package.and_then(|package| package.purl),
        ranges: raw.ranges,
        versions: raw.versions,
        ecosystem_specific: raw.ecosystem_specific,
        database_specific: raw.database_specific,
    })
}

/// Converts stored severity JSON (`[{"type":…,"score":…}]`) into [`Severity`] values
/// attributed to `source`.
pub fn severities_from_json(json: &str, source: &str) -> Result<Vec<Severity>, String> {
    let raw: Vec<RawSeverity> = serde_json::from_str(json).map_err(|error| error.to_string())?;
    Ok(raw
        .into_iter()
        .map(|severity| Severity {
            kind: severity.kind,
            score: severity.score,
            source: source.to_owned(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_version::range::{Event, RangeKind};

    const DSA: &str = r#"{
        "schema_version": "1.6.0",
        "id": "DSA-5678-1",
        "modified": "2024-05-03T20:15:36.470507Z",
        "published": "2024-05-03T00:00:00Z",
        "related": ["CVE-2024-33599"],
        "summary": "glibc - security update",
        "references": [{"type": "ADVISORY", "url": "https://www.debian.org/security/2024/dsa-5678"}],
        "affected": [{
            "package": {"ecosystem": "Debian:12", "name": "glibc", "purl": "pkg:deb/debian/glibc?arch=source"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.36-9+deb12u7"}]}],
            "versions": ["2.36-9"],
            "ecosystem_specific": {"urgency": "high"},
            "database_specific": {"source": "https://example.org/DSA-5678-1.json"}
        }, {
            "ranges": [{"type": "GIT", "repo": "https://sourceware.org/git/glibc.git", "events": [{"introduced": "0"}]}]
        }]
    }"#;

    #[test]
    fn dsa_record_parses() {
        let record = parse_record(DSA.as_bytes()).unwrap();

        assert_eq!(record.id, "DSA-5678-1");
        assert_eq!(record.related, ["CVE-2024-33599"]);
        assert_eq!(record.summary.as_deref(), Some("glibc - security update"));
        assert_eq!(record.affected.len(), 2);
        assert_eq!(record.affected[0].ecosystem, "Debian:12");
        assert_eq!(record.affected[0].package, "glibc");
        assert_eq!(record.affected[1].ecosystem, "", "entry without a package");
    }

    #[test]
    fn body_keeps_unknown_fields_without_affected() {
        let record = parse_record(DSA.as_bytes()).unwrap();
        let body = &record.body;

        assert!(body.get("affected").is_none());
        assert_eq!(body["schema_version"], "1.6.0");
        assert_eq!(body["references"][0]["type"], "ADVISORY");
        assert_eq!(body["id"], "DSA-5678-1");
        assert_eq!(body["summary"], "glibc - security update");
        assert_eq!(body["modified"], "2024-05-03T20:15:36.470507Z");
    }

    #[test]
    fn stored_entry_converts_to_affected() {
        let record = parse_record(DSA.as_bytes()).unwrap();
        let first = &record.affected[0];
        let entry = first.entry.to_string();
        let affected =
            affected_from_entry(&first.ecosystem, &first.package, entry.as_bytes()).unwrap();

        assert_eq!(
            affected.purl.as_deref(),
            Some("pkg:deb/debian/glibc?arch=source")
        );
        assert_eq!(affected.versions, ["2.36-9"]);
        assert_eq!(affected.ranges[0].kind, RangeKind::Ecosystem);
        assert_eq!(
            affected.ranges[0].events,
            [
                Event::Introduced("0".into()),
                Event::Fixed("2.36-9+deb12u7".into())
            ]
        );
        assert_eq!(affected.ecosystem_specific.unwrap()["urgency"], "high");
        assert_eq!(
            affected.database_specific.unwrap()["source"],
            "https://example.org/DSA-5678-1.json"
        );
    }

    #[test]
    fn null_arrays_read_as_empty() {
        let json = r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": null,
            "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}, "versions": null}]}"#;
        let record = parse_record(json.as_bytes()).unwrap();

        assert!(record.aliases.is_empty());
        assert_eq!(record.affected.len(), 1);
    }

    #[test]
    fn bad_records_name_the_problem() {
        let cases = [
            ("{not json", None, "invalid JSON"),
            ("[1, 2]", None, "expected a JSON object"),
            (
                r#"{"id": 7, "modified": "2024-01-01T00:00:00Z"}"#,
                None,
                "invalid record",
            ),
            (
                r#"{"id": "X-1", "aliases": "CVE-1"}"#,
                Some("X-1"),
                "invalid record",
            ),
            (
                r#"{"id": "X-2", "modified": "yesterday"}"#,
                Some("X-2"),
                "invalid record",
            ),
            (
                r#"{"id": "X-3", "affected": {"package": {}}}"#,
                Some("X-3"),
                "not an array",
            ),
            (
                r#"{"id": "X-4", "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": 1}]}]}]}"#,
                Some("X-4"),
                "affected[0]",
            ),
            (
                r#"{"id": "X-5", "affected": [{"ranges": [{"type": "CALVER", "events": []}]}]}"#,
                Some("X-5"),
                "affected[0]",
            ),
        ];
        for (json, id, expected) in cases {
            let problem = parse_record(json.as_bytes()).unwrap_err();
            assert_eq!(problem.id.as_deref(), id, "case {json}");
            assert!(
                problem.message.contains(expected),
                "case {json}: {}",
                problem.message
            );
        }
    }

    #[test]
    fn huge_string_parses() {
        let summary = "a".repeat(5 * 1024 * 1024);
        let json = format!(
            r#"{{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "summary": "{summary}"}}"#
        );
        let record = parse_record(json.as_bytes()).unwrap();

        assert_eq!(record.summary.map(|s| s.len()), Some(summary.len()));
    }

    #[test]
    fn record_detection() {
        let osv: Value = serde_json::from_str(DSA).unwrap();
        let kev: Value =
            serde_json::from_str(r#"{"catalogVersion": "1", "vulnerabilities": []}"#).unwrap();

        assert!(is_osv_record(&osv));
        assert!(!is_osv_record(&kev));
    }
}
