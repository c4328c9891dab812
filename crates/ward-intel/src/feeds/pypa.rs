//! The PyPA advisory database (<https://github.com/pypa/advisory-database>): OSV records
//! written as YAML (`vulns/<package>/PYSEC-*.yaml`), turned into [`Advisory`] values.
//!
//! Traps of the format:
//!
//! - YAML reads an unquoted version such as `1.10` as the number 1.1. The files quote
//!   such versions, but a float scalar where a version belongs is rejected as a record
//!   error rather than silently turned into a different version. Integers are accepted.
//! - `withdrawn` records stay in the repository and yield no finding.

use std::io::{Read, Seek};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_norway::Value;
use ward_version::range::{Event, Range, RangeKind};

use super::archive::{for_each_zip_entry, ArchiveError};
use super::nvd::null_as_empty;
use super::record_error::RecordError;
use crate::{Advisory, Affected, Severity};

/// The `source` of advisories from the PyPA database.
pub const SOURCE: &str = "pypa";

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    modified: Option<DateTime<Utc>>,
    #[serde(default)]
    published: Option<DateTime<Utc>>,
    #[serde(default)]
    withdrawn: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "null_as_empty")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    related: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    severity: Vec<RawSeverity>,
    #[serde(default, deserialize_with = "null_as_empty")]
    affected: Vec<RawAffected>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    package: RawPackage,
    #[serde(default, deserialize_with = "null_as_empty")]
    ranges: Vec<RawRange>,
    #[serde(default, deserialize_with = "null_as_empty")]
    versions: Vec<Value>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: RangeKind,
    #[serde(default, deserialize_with = "null_as_empty")]
    events: Vec<std::collections::BTreeMap<String, Value>>,
}

/// Parses one PyPA YAML record into an [`Advisory`]; `location` names it in errors.
pub fn parse_record(yaml: &[u8], location: &str) -> Result<Advisory, RecordError> {
    let raw: RawRecord = serde_norway::from_slice(yaml).map_err(|error| {
        RecordError::new(None, location, format!("invalid PyPA OSV YAML: {error}"))
    })?;
    let id = raw.id.clone();
    let error = |message: String| RecordError::new(Some(id.clone()), location, message);

    let mut affected = Vec::new();
    for entry in raw.affected {
        let mut ranges = Vec::new();
        for range in entry.ranges {
            let mut events = Vec::new();
            for event in range.events {
                for (name, value) in event {
                    let version = version_text(&value).map_err(&error)?;
                    events.push(match name.as_str() {
                        "introduced" => Event::Introduced(version),
                        "fixed" => Event::Fixed(version),
                        "last_affected" => Event::LastAffected(version),
                        "limit" => Event::Limit(version),
                        other => return Err(error(format!("unknown range event `{other}`"))),
                    });
                }
            }
            ranges.push(Range {
                kind: range.kind,
                events,
            });
        }
        let versions = entry
            .versions
            .iter()
            .map(version_text)
            .collect::<Result<Vec<_>, _>>()
            .map_err(&error)?;
        affected.push(Affected {
            ecosystem: entry.package.ecosystem,
            package: entry.package.name,
            purl: entry.package.purl,
            ranges,
            versions,
            ecosystem_specific: to_json(entry.ecosystem_specific).map_err(&error)?,
            database_specific: to_json(entry.database_specific).map_err(&error)?,
        });
    }

    Ok(Advisory {
        id: raw.id,
        aliases: raw.aliases,
        related: raw.related,
        summary: raw.summary.or(raw.details),
        modified: raw.modified,
        published: raw.published,
        withdrawn: raw.withdrawn,
        severity: raw
            .severity
            .into_iter()
            .map(|severity| Severity {
                kind: severity.kind,
                score: severity.score,
                source: SOURCE.to_owned(),
            })
            .collect(),
        affected,
        source: SOURCE.to_owned(),
    })
}

/// Parses every `.yaml` record of a PyPA repository zip, calling `on_record` with each
/// advisory or its problem.
pub fn parse_zip<R, F>(reader: R, mut on_record: F) -> Result<(), ArchiveError>
where
    R: Read + Seek,
    F: FnMut(Result<Advisory, RecordError>),
{
    let mut errors = Vec::new();
    for_each_zip_entry(
        reader,
        |name| name.starts_with("vulns/") && name.ends_with(".yaml"),
        |name, bytes| on_record(parse_record(&bytes, name)),
        |error| errors.push(error),
    )?;
    for error in errors {
        on_record(Err(error));
    }
    Ok(())
}

fn version_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(number.to_string()),
        other => Err(format!(
            "version `{other:?}` is not a string; quote it in the YAML"
        )),
    }
}

fn to_json(value: Option<Value>) -> Result<Option<serde_json::Value>, String> {
    value
        .map(|value| {
            serde_json::to_value(value)
                .map_err(|error| format!("specific field cannot be kept as JSON: {error}"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"
id: PYSEC-2022-182
details: ADMesh through 0.98.4 has a heap-based buffer over-read.
affected:
- package:
    name: admesh
    ecosystem: PyPI
    purl: pkg:pypi/admesh
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "0"
    - fixed: 0.98.5
  versions:
  - "0.96"
  - 0.98.1
  - 7
unknown_field: [1, 2]
aliases:
- CVE-2018-25033
modified: "2022-05-17T21:40:50.660206Z"
published: "2022-05-08T06:15:00Z"
"#;

    #[test]
    fn record_becomes_advisory() {
        let advisory =
            parse_record(RECORD.as_bytes(), "vulns/admesh/PYSEC-2022-182.yaml").expect("parses");
        assert_eq!(advisory.id, "PYSEC-2022-182");
        assert_eq!(advisory.aliases, vec!["CVE-2018-25033".to_owned()]);
        assert_eq!(advisory.source, SOURCE);
        assert!(advisory.published.is_some());
        let entry = &advisory.affected[0];
        assert_eq!(entry.ecosystem, "PyPI");
        assert_eq!(entry.package, "admesh");
        assert_eq!(
            entry.ranges[0].events,
            vec![
                Event::Introduced("0".to_owned()),
                Event::Fixed("0.98.5".to_owned())
            ]
        );
        assert_eq!(entry.versions, vec!["0.96", "0.98.1", "7"]);
    }

    #[test]
    fn float_version_is_rejected() {
        let yaml =
            "id: PYSEC-1\naffected:\n- package: {name: a, ecosystem: PyPI}\n  versions: [1.10]\n";
        let error = parse_record(yaml.as_bytes(), "a.yaml").expect_err("float version");
        assert_eq!(error.id.as_deref(), Some("PYSEC-1"));
    }

    #[test]
    fn bad_records_are_errors() {
        let cases = [
            "id: [unclosed",
            "affected: []",
            "id: PYSEC-2\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: BOGUS\n",
            "id: PYSEC-3\nmodified: yesterday\n",
            "id: PYSEC-4\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - broken: '1'\n",
        ];
        for yaml in cases {
            assert!(parse_record(yaml.as_bytes(), "x.yaml").is_err(), "{yaml}");
        }
    }
}
