//! CVE JSON 5.x records (the CVE List v5 format, <https://github.com/CVEProject/cve-schema>),
//! including the CISA ADP container that cisagov/vulnrichment adds.
//!
//! Traps of the format:
//!
//! - `cveMetadata.state` is `PUBLISHED` or `REJECTED`; a rejected record has a
//!   `rejectedReasons` list and no `affected`, and must yield no finding.
//! - Metrics sit in a list whose items have one key per kind (`cvssV3_1`, `cvssV4_0`,
//!   `other`); CISA's SSVC decision points and KEV marker are `other` items with
//!   `type: "ssvc"` or `type: "kev"`.
//! - SSVC options are single-key objects (`{"Exploitation": "active"}`); the case of the
//!   values varies between records (`Active`, `active`), so they are lower-cased.
//! - CISA's `affected[].versions[].lessThan` values sometimes end with a space
//!   (`"10.2.9-h1 "`); version strings are trimmed.
//! - `affected[].versions[]` may use `lessThan` or `lessThanOrEqual` and `changes[]`;
//!   `defaultStatus` applies to versions no entry covers.

use std::io::{Read, Seek};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::archive::{for_each_zip_entry, ArchiveError};
use super::nvd::{null_as_empty, parse_time};
use super::record_error::RecordError;
use crate::cvss::CvssVersion;

/// `providerMetadata.shortName` of CISA's ADP container.
pub const CISA_ADP: &str = "CISA-ADP";

/// One CVE record.
#[derive(Debug, Clone, PartialEq)]
pub struct Cve5Record {
    /// `cveMetadata.cveId`.
    pub id: String,
    /// `cveMetadata.state`.
    pub state: CveState,
    /// `cveMetadata.assignerShortName`: the CNA.
    pub assigner: Option<String>,
    /// `cveMetadata.datePublished`.
    pub published: Option<DateTime<Utc>>,
    /// `cveMetadata.dateUpdated`.
    pub updated: Option<DateTime<Utc>>,
    /// `containers.cna`.
    pub cna: Container,
    /// `containers.adp[]`, in record order.
    pub adp: Vec<Container>,
}

impl Cve5Record {
    /// Returns whether the CVE was rejected; a rejected CVE yields no finding.
    pub fn is_rejected(&self) -> bool {
        self.state == CveState::Rejected
    }

    /// Returns CISA's ADP container, when the record has one.
    pub fn cisa_adp(&self) -> Option<&Container> {
        self.adp
            .iter()
            .find(|container| container.provider.as_deref() == Some(CISA_ADP))
    }
}

/// `cveMetadata.state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CveState {
    /// `PUBLISHED`.
    Published,
    /// `REJECTED`.
    Rejected,
    /// Any other value, verbatim.
    Other(String),
}

/// A CNA or ADP container, reduced to the facts ward uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Container {
    /// `providerMetadata.shortName` (`CISA-ADP`, a CNA's short name).
    pub provider: Option<String>,
    /// `providerMetadata.dateUpdated`.
    pub updated: Option<DateTime<Utc>>,
    /// `title`.
    pub title: Option<String>,
    /// The English `descriptions[]` entry (or `rejectedReasons[]` for a rejected record).
    pub description: Option<String>,
    /// CVSS entries of `metrics[]`.
    pub metrics: Vec<Cve5Metric>,
    /// SSVC decision points from a `metrics[].other` item of type `ssvc`.
    pub ssvc: Option<Ssvc>,
    /// KEV marker from a `metrics[].other` item of type `kev`.
    pub kev: Option<KevMarker>,
    /// CWE ids from `problemTypes[].descriptions[].cweId`.
    pub cwe_ids: Vec<String>,
    /// `affected[]`.
    pub affected: Vec<Product>,
    /// `references[].url`.
    pub references: Vec<String>,
}

/// One CVSS entry of a container's `metrics[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cve5Metric {
    /// Version of the key the entry came from (`cvssV3_1` is 3.1).
    pub version: CvssVersion,
    /// `vectorString`, verbatim.
    pub vector: String,
    /// `baseScore` as the provider states it.
    pub stated_base_score: Option<f64>,
}

/// CISA's SSVC decision points (SSVC 2.0 "CISA Coordinator" role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ssvc {
    /// `Exploitation`: `none`, `poc` or `active`, lower-cased.
    pub exploitation: Option<String>,
    /// `Automatable`: `yes` or `no`, lower-cased.
    pub automatable: Option<String>,
    /// `Technical Impact`: `partial` or `total`, lower-cased.
    pub technical_impact: Option<String>,
    /// `timestamp` of the decision.
    pub timestamp: Option<DateTime<Utc>>,
}

/// CISA's KEV marker inside a CVE record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevMarker {
    /// `dateAdded`, verbatim (`2024-04-12`).
    pub date_added: Option<String>,
    /// `reference`: the catalog URL.
    pub reference: Option<String>,
}

/// One `affected[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Product {
    /// `vendor`.
    pub vendor: Option<String>,
    /// `product`.
    pub product: Option<String>,
    /// `packageName`.
    pub package_name: Option<String>,
    /// `collectionURL`.
    pub collection_url: Option<String>,
    /// `cpes[]`: CPE 2.3 names.
    pub cpes: Vec<String>,
    /// `defaultStatus`: status of versions no entry covers (`affected`, `unaffected`,
    /// `unknown`).
    pub default_status: Option<String>,
    /// `versions[]`.
    pub versions: Vec<VersionEntry>,
}

/// One `versions[]` entry of a product.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionEntry {
    /// `version`: a single version, or the start of the range when a bound is given.
    pub version: String,
    /// `status`: `affected`, `unaffected` or `unknown`.
    pub status: String,
    /// `lessThan`: exclusive upper bound.
    pub less_than: Option<String>,
    /// `lessThanOrEqual`: inclusive upper bound.
    pub less_than_or_equal: Option<String>,
    /// `versionType` (`semver`, `git`, `custom`).
    pub version_type: Option<String>,
    /// `changes[]`: `(at, status)` pairs inside the range.
    pub changes: Vec<(String, String)>,
}

/// Parses one CVE JSON 5.x record.
///
/// `location` names the record in error messages (a file or archive entry name).
pub fn parse_record(json: &[u8], location: &str) -> Result<Cve5Record, RecordError> {
    let raw: RawRecord = serde_json::from_slice(json).map_err(|error| {
        RecordError::new(
            peek_id(json),
            location,
            format!("invalid CVE JSON 5 record: {error}"),
        )
    })?;
    let id = raw.cve_metadata.cve_id.clone();
    raw.into_record()
        .map_err(|message| RecordError::new(Some(id), location, message))
}

/// Parses every `CVE-*.json` entry of a zip archive (a vulnrichment or cvelistV5 snapshot),
/// calling `on_record` with each record or its problem.
///
/// Other entries (`delta.json`, READMEs) are skipped. Fails only when the archive cannot
/// be opened.
pub fn parse_zip<R, F>(reader: R, mut on_record: F) -> Result<(), ArchiveError>
where
    R: Read + Seek,
    F: FnMut(Result<Cve5Record, RecordError>),
{
    let mut errors = Vec::new();
    for_each_zip_entry(
        reader,
        is_record_name,
        |name, bytes| on_record(parse_record(&bytes, name)),
        |error| errors.push(error),
    )?;
    for error in errors {
        on_record(Err(error));
    }
    Ok(())
}

fn is_record_name(name: &str) -> bool {
    let file_name = name.rsplit('/').next().unwrap_or(name);
    file_name.starts_with("CVE-") && file_name.ends_with(".json")
}

fn peek_id(json: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(json).ok()?;
    value
        .pointer("/cveMetadata/cveId")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRecord {
    cve_metadata: RawMetadata,
    #[serde(default)]
    containers: RawContainers,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    cve_id: String,
    state: String,
    #[serde(default)]
    assigner_short_name: Option<String>,
    #[serde(default)]
    date_published: Option<String>,
    #[serde(default)]
    date_updated: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawContainers {
    #[serde(default)]
    cna: Option<RawContainer>,
    #[serde(default, deserialize_with = "null_as_empty")]
    adp: Vec<RawContainer>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawContainer {
    #[serde(default)]
    provider_metadata: Option<RawProvider>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    descriptions: Vec<RawLangString>,
    #[serde(default, deserialize_with = "null_as_empty")]
    rejected_reasons: Vec<RawLangString>,
    #[serde(default, deserialize_with = "null_as_empty")]
    metrics: Vec<serde_json::Map<String, Value>>,
    #[serde(default, deserialize_with = "null_as_empty")]
    problem_types: Vec<RawProblemType>,
    #[serde(default, deserialize_with = "null_as_empty")]
    affected: Vec<RawProduct>,
    #[serde(default, deserialize_with = "null_as_empty")]
    references: Vec<RawReference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProvider {
    #[serde(default)]
    short_name: Option<String>,
    #[serde(default)]
    date_updated: Option<String>,
}

#[derive(Deserialize)]
struct RawLangString {
    lang: String,
    value: String,
}

#[derive(Deserialize)]
struct RawProblemType {
    #[serde(default, deserialize_with = "null_as_empty")]
    descriptions: Vec<RawProblemDescription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProblemDescription {
    #[serde(default)]
    cwe_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProduct {
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    package_name: Option<String>,
    #[serde(rename = "collectionURL", default)]
    collection_url: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    cpes: Vec<String>,
    #[serde(default)]
    default_status: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVersion {
    version: String,
    status: String,
    #[serde(default)]
    less_than: Option<String>,
    #[serde(default)]
    less_than_or_equal: Option<String>,
    #[serde(default)]
    version_type: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    changes: Vec<RawChange>,
}

#[derive(Deserialize)]
struct RawChange {
    at: String,
    status: String,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCvss {
    vector_string: String,
    #[serde(default)]
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct RawOther {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: Value,
}

impl RawRecord {
    fn into_record(self) -> Result<Cve5Record, String> {
        let metadata = self.cve_metadata;
        let state = match metadata.state.as_str() {
            "PUBLISHED" => CveState::Published,
            "REJECTED" => CveState::Rejected,
            other => CveState::Other(other.to_owned()),
        };
        let cna = self
            .containers
            .cna
            .map(RawContainer::into_container)
            .transpose()?
            .unwrap_or_default();
        let adp = self
            .containers
            .adp
            .into_iter()
            .map(RawContainer::into_container)
            .collect::<Result<Vec<_>, _>>()?;

        Ok(Cve5Record {
            id: metadata.cve_id,
            state,
            assigner: metadata.assigner_short_name,
            published: parse_time(metadata.date_published.as_deref(), "datePublished")?,
            updated: parse_time(metadata.date_updated.as_deref(), "dateUpdated")?,
            cna,
            adp,
        })
    }
}

impl RawContainer {
    fn into_container(self) -> Result<Container, String> {
        let (provider, updated) = match self.provider_metadata {
            Some(provider) => (
                provider.short_name,
                parse_time(
                    provider.date_updated.as_deref(),
                    "providerMetadata.dateUpdated",
                )?,
            ),
            None => (None, None),
        };
        let description = english(self.descriptions).or_else(|| english(self.rejected_reasons));

        let mut container = Container {
            provider,
            updated,
            title: self.title,
            description,
            ..Container::default()
        };

        for item in self.metrics {
            for (key, value) in item {
                container.add_metric(&key, value)?;
            }
        }

        container.cwe_ids = self
            .problem_types
            .into_iter()
            .flat_map(|problem| problem.descriptions)
            .filter_map(|description| description.cwe_id)
            .collect();
        container.affected = self
            .affected
            .into_iter()
            .map(RawProduct::into_product)
            .collect();
        container.references = self
            .references
            .into_iter()
            .map(|reference| reference.url)
            .collect();
        Ok(container)
    }
}

impl Container {
    fn add_metric(&mut self, key: &str, value: Value) -> Result<(), String> {
        let version = match key {
            "cvssV2_0" => CvssVersion::V2_0,
            "cvssV3_0" => CvssVersion::V3_0,
            "cvssV3_1" => CvssVersion::V3_1,
            "cvssV4_0" => CvssVersion::V4_0,
            "other" => {
                let other: RawOther = serde_json::from_value(value)
                    .map_err(|error| format!("invalid `metrics[].other`: {error}"))?;
                self.add_other(other)?;
                return Ok(());
            }
            // `format`, `scenarios` and future kinds carry no score.
            _ => return Ok(()),
        };
        let cvss: RawCvss = serde_json::from_value(value)
            .map_err(|error| format!("invalid `metrics[].{key}`: {error}"))?;
        self.metrics.push(Cve5Metric {
            version,
            vector: cvss.vector_string,
            stated_base_score: cvss.base_score,
        });
        Ok(())
    }

    fn add_other(&mut self, other: RawOther) -> Result<(), String> {
        match other.kind.as_str() {
            "ssvc" => {
                let mut ssvc = Ssvc {
                    exploitation: None,
                    automatable: None,
                    technical_impact: None,
                    timestamp: parse_time(
                        other.content.get("timestamp").and_then(Value::as_str),
                        "ssvc timestamp",
                    )?,
                };
                let options = other
                    .content
                    .get("options")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for option in options.iter().filter_map(Value::as_object) {
                    for (name, value) in option {
                        let Some(value) = value.as_str() else {
                            continue;
                        };
                        let value = Some(value.trim().to_ascii_lowercase());
                        match name.as_str() {
                            "Exploitation" => ssvc.exploitation = value,
                            "Automatable" => ssvc.automatable = value,
                            "Technical Impact" => ssvc.technical_impact = value,
                            _ => {}
                        }
                    }
                }
                self.ssvc = Some(ssvc);
            }
            "kev" => {
                let text = |field: &str| {
                    other
                        .content
                        .get(field)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                self.kev = Some(KevMarker {
                    date_added: text("dateAdded"),
                    reference: text("reference"),
                });
            }
            _ => {}
        }
        Ok(())
    }
}

impl RawProduct {
    fn into_product(self) -> Product {
        Product {
            vendor: self.vendor,
            product: self.product,
            package_name: self.package_name,
            collection_url: self.collection_url,
            cpes: self.cpes,
            default_status: self.default_status,
            versions: self
                .versions
                .into_iter()
                .map(|version| VersionEntry {
                    version: version.version.trim().to_owned(),
                    status: version.status,
                    less_than: version.less_than.map(|bound| bound.trim().to_owned()),
                    less_than_or_equal: version
                        .less_than_or_equal
                        .map(|bound| bound.trim().to_owned()),
                    version_type: version.version_type,
                    changes: version
                        .changes
                        .into_iter()
                        .map(|change| (change.at.trim().to_owned(), change.status))
                        .collect(),
                })
                .collect(),
        }
    }
}

fn english(texts: Vec<RawLangString>) -> Option<String> {
    texts
        .into_iter()
        .find(|text| text.lang == "en" || text.lang.starts_with("en-"))
        .map(|text| text.value)
}

#[cfg(test)]
mod tests;
