//! Anchore's NVD data overrides (<https://github.com/anchore/nvd-data-overrides>): CPE
//! configurations for CVEs that NVD has not analysed, published as `YYYY/CVE-*.json`.
//!
//! Each file has an `_annotation` (CVE id, CNA, description, dates, the reason for the
//! override) and `cve.configurations` in exactly NVD's CVE API 2.0 shape, so the
//! configurations parse into the same [`Configuration`] type as NVD's.
//!
//! Traps of the format:
//!
//! - Some overrides replace NVD's CPEs with a placeholder (`cpe:2.3:a:null:null:…`,
//!   `vulnerable: false`) to say "no product should match"; they are kept as they are,
//!   and a CPE matcher must find nothing for them.
//! - `_annotation.published` may lack a zone (`1999-09-29T04:00:00`); it is read as UTC.

use std::io::Read;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::archive::{for_each_tar_entry, ArchiveError};
use super::nvd::{null_as_empty, parse_time, Configuration};
use super::record_error::RecordError;

/// One override file.
#[derive(Debug, Clone, PartialEq)]
pub struct AnchoreOverride {
    /// `_annotation.cve_id`.
    pub cve_id: String,
    /// `_annotation.cna`.
    pub cna: Option<String>,
    /// `_annotation.description`.
    pub description: Option<String>,
    /// `_annotation.reason`: why Anchore overrides NVD.
    pub reason: Option<String>,
    /// `_annotation.published`.
    pub published: Option<DateTime<Utc>>,
    /// `_annotation.modified`.
    pub modified: Option<DateTime<Utc>>,
    /// `_annotation.references`.
    pub references: Vec<String>,
    /// `cve.configurations`.
    pub configurations: Vec<Configuration>,
}

#[derive(Deserialize)]
struct RawOverride {
    #[serde(rename = "_annotation")]
    annotation: RawAnnotation,
    #[serde(default)]
    cve: Option<RawCve>,
}

#[derive(Deserialize)]
struct RawAnnotation {
    cve_id: String,
    #[serde(default)]
    cna: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    references: Vec<String>,
}

#[derive(Deserialize)]
struct RawCve {
    #[serde(default, deserialize_with = "null_as_empty")]
    configurations: Vec<Configuration>,
}

/// Parses one override file; `location` names it in errors.
pub fn parse_record(json: &[u8], location: &str) -> Result<AnchoreOverride, RecordError> {
    let raw: RawOverride = serde_json::from_slice(json).map_err(|error| {
        RecordError::new(
            peek_id(json),
            location,
            format!("invalid Anchore override: {error}"),
        )
    })?;
    let annotation = raw.annotation;
    let id = Some(annotation.cve_id.clone());
    let time = |text: Option<&str>, field: &str| {
        parse_time(text, field).map_err(|message| RecordError::new(id.clone(), location, message))
    };

    Ok(AnchoreOverride {
        published: time(annotation.published.as_deref(), "_annotation.published")?,
        modified: time(annotation.modified.as_deref(), "_annotation.modified")?,
        cve_id: annotation.cve_id,
        cna: annotation.cna,
        description: annotation.description,
        reason: annotation.reason,
        references: annotation.references,
        configurations: raw.cve.map(|cve| cve.configurations).unwrap_or_default(),
    })
}

/// Parses every `CVE-*.json` entry of the repository's tar.gz, calling `on_record` with
/// each override or its problem.
///
/// Fails when the stream is corrupt, after the entries before the damage were delivered.
pub fn parse_tar_gz<R, F>(reader: R, on_record: F) -> Result<(), ArchiveError>
where
    R: Read,
    F: FnMut(Result<AnchoreOverride, RecordError>),
{
    parse_tar(flate2::read::GzDecoder::new(reader), on_record)
}

/// Like [`parse_tar_gz`], for the tar stream already decompressed.
pub fn parse_tar<R, F>(reader: R, mut on_record: F) -> Result<(), ArchiveError>
where
    R: Read,
    F: FnMut(Result<AnchoreOverride, RecordError>),
{
    let mut errors = Vec::new();
    let result = for_each_tar_entry(
        reader,
        |name| {
            let file_name = name.rsplit('/').next().unwrap_or(name);
            file_name.starts_with("CVE-") && file_name.ends_with(".json")
        },
        |name, bytes| on_record(parse_record(&bytes, name)),
        |error| errors.push(error),
    );
    for error in errors {
        on_record(Err(error));
    }
    result
}

fn peek_id(json: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(json).ok()?;
    value
        .pointer("/_annotation/cve_id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::nvd::Operator;

    const RECORD: &str = r#"{
      "_annotation": {"cna": "mitre", "cve_id": "CVE-2024-1000",
        "description": "A flaw.", "published": "2024-01-02T04:00:00",
        "modified": "2024-08-01T16:27:57.203000+00:00", "reason": "NVD has not analysed it.",
        "references": ["https://example.org/a"], "generated_from": "https://example.org/g"},
      "cve": {"configurations": [{"nodes": [{"operator": "OR", "negate": false,
        "cpeMatch": [{"criteria": "cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*",
          "matchCriteriaId": "D946F4FD-8E0C-537B-ACD4-D734367DE712", "vulnerable": true,
          "versionEndExcluding": "2.0"}]}]}]}
    }"#;

    #[test]
    fn override_fields_are_kept() {
        let record = parse_record(RECORD.as_bytes(), "2024/CVE-2024-1000.json").expect("parses");
        assert_eq!(record.cve_id, "CVE-2024-1000");
        assert_eq!(record.cna.as_deref(), Some("mitre"));
        assert_eq!(record.reason.as_deref(), Some("NVD has not analysed it."));
        assert!(record.published.is_some());
        assert!(record.modified.is_some());
        let node = &record.configurations[0].nodes[0];
        assert_eq!(node.operator, Operator::Or);
        assert_eq!(
            node.cpe_match[0].version_end_excluding.as_deref(),
            Some("2.0")
        );
    }

    #[test]
    fn bad_overrides_are_errors() {
        let cases = [
            ("{", None),
            (r#"{"cve": {}}"#, None),
            (
                r#"{"_annotation": {"cve_id": "CVE-1"}, "cve": {"configurations": [{"nodes": [{"operator": "NAND"}]}]}}"#,
                Some("CVE-1"),
            ),
            (
                r#"{"_annotation": {"cve_id": "CVE-2", "published": "never"}}"#,
                Some("CVE-2"),
            ),
        ];
        for (json, id) in cases {
            let error = parse_record(json.as_bytes(), "x.json").expect_err(json);
            assert_eq!(error.id.as_deref(), id, "{json}");
        }
    }

    /// Builds a tar.gz whose entries are written with raw header names, so that a `..`
    /// name (which `tar::Header::set_path` rejects) can be tested.
    fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, bytes) in entries {
            let mut header = tar::Header::new_old();
            let raw_name = &mut header.as_old_mut().name;
            raw_name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_size(bytes.len() as u64);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append(&header, *bytes).expect("append entry");
        }
        builder
            .into_inner()
            .and_then(|encoder| encoder.finish())
            .expect("finish tar.gz")
    }

    #[test]
    fn tar_records_and_bad_entries() {
        let bytes = tar_gz(&[
            ("data/2024/CVE-2024-1000.json", RECORD.as_bytes()),
            ("data/../../CVE-2024-1001.json", RECORD.as_bytes()),
            ("data/2024/CVE-2024-1002.json", b"[1, 2"),
            ("README.md", b"# overrides"),
        ]);
        let mut records = Vec::new();
        let mut errors = Vec::new();
        parse_tar_gz(bytes.as_slice(), |result| match result {
            Ok(record) => records.push(record),
            Err(error) => errors.push(error),
        })
        .expect("tar.gz reads");
        assert_eq!(records.len(), 1);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors
            .iter()
            .any(|error| error.location == "data/../../CVE-2024-1001.json"));
    }

    #[test]
    fn truncated_tar_gz_is_rejected() {
        let bytes = tar_gz(&[("data/2024/CVE-2024-1000.json", RECORD.as_bytes())]);
        let truncated = &bytes[..bytes.len() / 2];
        let result = parse_tar_gz(truncated, |_| {});
        assert!(result.is_err());
    }
}
