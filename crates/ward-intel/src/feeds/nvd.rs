//! NVD CVE API 2.0 JSON: the paged API response and the yearly, `modified` and `recent`
//! `.json.gz` feeds, which have the same shape
//! (<https://nvd.nist.gov/developers/vulnerabilities>).
//!
//! [`parse_feed`] streams the `vulnerabilities[]` array and hands each record to a
//! callback, so a year file never sits in memory as a whole. A record that does not match
//! the schema becomes a [`RecordError`] naming its id and position and the rest goes on.
//!
//! Traps of the format:
//!
//! - Times (`published`, `lastModified`) carry no zone; NVD documents them as UTC.
//! - `vulnStatus: "Rejected"` records stay in the feeds; they must yield no finding, so
//!   they are parsed and flagged ([`NvdCve::is_rejected`]) rather than dropped.
//! - `metrics` contains NVD's own scores (`type: "Primary"`) next to the CNA's or an ADP's
//!   (`type: "Secondary"`), each with its `source`. All are kept.
//! - In `configurations`, only `vulnerable: true` matches name the affected product;
//!   `vulnerable: false` matches are the platform the product runs on. The whole tree
//!   (operators, `negate`) is kept because an AND node needs every child to match.
//! - Unknown fields are ignored, so additions to the API do not break the parser.

use std::fmt;
use std::io::Read;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use super::record_error::RecordError;
use crate::cvss::{CvssScore, CvssVector, CvssVersion};

/// One CVE as NVD publishes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NvdCve {
    /// `id` (`CVE-2024-1234`).
    pub id: String,
    /// `sourceIdentifier`: the CNA's contact address or UUID.
    pub source_identifier: Option<String>,
    /// `published`, read as UTC.
    pub published: Option<DateTime<Utc>>,
    /// `lastModified`, read as UTC.
    pub last_modified: Option<DateTime<Utc>>,
    /// `vulnStatus`.
    pub status: VulnStatus,
    /// The English `descriptions[]` entry, when there is one.
    pub description: Option<String>,
    /// Every CVSS entry of `metrics`, of every version, in feed order.
    pub metrics: Vec<NvdMetric>,
    /// `weaknesses[]`: CWE ids with their source.
    pub weaknesses: Vec<Weakness>,
    /// `configurations[]`: the CPE applicability trees.
    pub configurations: Vec<Configuration>,
    /// `references[]`.
    pub references: Vec<Reference>,
}

impl NvdCve {
    /// Returns whether NVD rejected the CVE; a rejected CVE yields no finding.
    pub fn is_rejected(&self) -> bool {
        self.status == VulnStatus::Rejected
    }
}

/// `vulnStatus`: the state of NVD's analysis of the CVE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VulnStatus {
    /// `Received`.
    Received,
    /// `Awaiting Analysis`.
    AwaitingAnalysis,
    /// `Undergoing Analysis`.
    UndergoingAnalysis,
    /// `Analyzed`.
    Analyzed,
    /// `Modified`.
    Modified,
    /// `Deferred`.
    Deferred,
    /// `Rejected`: the CVE id is not a vulnerability (duplicate, withdrawn, not a flaw).
    Rejected,
    /// A status this parser does not know, verbatim.
    Other(String),
}

impl VulnStatus {
    /// Maps NVD's status text; unknown text is kept as [`VulnStatus::Other`].
    pub fn from_nvd(text: &str) -> VulnStatus {
        match text {
            "Received" => VulnStatus::Received,
            "Awaiting Analysis" => VulnStatus::AwaitingAnalysis,
            "Undergoing Analysis" => VulnStatus::UndergoingAnalysis,
            "Analyzed" => VulnStatus::Analyzed,
            "Modified" => VulnStatus::Modified,
            "Deferred" => VulnStatus::Deferred,
            "Rejected" => VulnStatus::Rejected,
            other => VulnStatus::Other(other.to_owned()),
        }
    }

    /// Returns the status as NVD writes it.
    pub fn as_str(&self) -> &str {
        match self {
            VulnStatus::Received => "Received",
            VulnStatus::AwaitingAnalysis => "Awaiting Analysis",
            VulnStatus::UndergoingAnalysis => "Undergoing Analysis",
            VulnStatus::Analyzed => "Analyzed",
            VulnStatus::Modified => "Modified",
            VulnStatus::Deferred => "Deferred",
            VulnStatus::Rejected => "Rejected",
            VulnStatus::Other(text) => text,
        }
    }
}

impl fmt::Display for VulnStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a metric or weakness is NVD's own assessment or another party's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceType {
    /// `Primary`: NVD's own.
    Primary,
    /// `Secondary`: the CNA's or an ADP's, as NVD received it.
    Secondary,
}

/// One entry of `metrics.cvssMetricV2`, `V30`, `V31` or `V40`.
#[derive(Debug, Clone, PartialEq)]
pub struct NvdMetric {
    /// Version of the list the entry came from. [`NvdMetric::score`] follows the vector's
    /// own prefix, which agreed with the list in every NVD file tested (2016 to 2024).
    pub version: CvssVersion,
    /// `source`: who scored (`nvd@nist.gov`, a CNA address).
    pub source: String,
    /// `type`, when present.
    pub source_type: Option<SourceType>,
    /// `cvssData.vectorString`, verbatim.
    pub vector: String,
    /// `cvssData.baseScore` as NVD states it.
    pub stated_base_score: Option<f64>,
    /// `cvssData.baseSeverity` (v3.x, v4.0) or the entry's `baseSeverity` (v2), verbatim.
    pub stated_severity: Option<String>,
}

impl NvdMetric {
    /// Parses the vector and computes its scores; `None` when the vector does not parse.
    pub fn score(&self) -> Option<CvssScore> {
        self.vector
            .parse::<CvssVector>()
            .ok()
            .map(|vector| vector.score())
    }
}

/// One `weaknesses[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weakness {
    /// `source`.
    pub source: String,
    /// `type`.
    pub source_type: Option<SourceType>,
    /// CWE ids (`CWE-79`), plus NVD's `NVD-CWE-noinfo` and `NVD-CWE-Other` placeholders.
    pub cwe_ids: Vec<String>,
}

/// One `references[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Reference {
    /// `url`.
    pub url: String,
    /// `source`.
    #[serde(default)]
    pub source: Option<String>,
    /// `tags` (`Patch`, `Vendor Advisory`, `Exploit`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: Vec<String>,
}

/// Boolean operator of a configuration or node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operator {
    /// Every child must match.
    And,
    /// At least one child must match.
    Or,
}

/// One `configurations[]` entry: nodes joined by `operator` (OR when absent, as NVD's
/// single-node configurations omit it).
///
/// Serializes back to NVD's shape, leaving out absent fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Configuration {
    /// `operator` over `nodes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<Operator>,
    /// `negate`: the configuration matches when its nodes do not.
    #[serde(default)]
    pub negate: bool,
    /// `nodes[]`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub nodes: Vec<Node>,
}

/// One node: CPE matches joined by `operator`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Node {
    /// `operator` over `cpeMatch`.
    pub operator: Operator,
    /// `negate`: the node matches when its CPE matches do not.
    #[serde(default)]
    pub negate: bool,
    /// `cpeMatch[]`.
    #[serde(rename = "cpeMatch", default, deserialize_with = "null_as_empty")]
    pub cpe_match: Vec<CpeMatch>,
}

/// One `cpeMatch[]` entry: a CPE 2.3 name pattern with optional version bounds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CpeMatch {
    /// `vulnerable`: `true` names the affected product, `false` the platform it runs on.
    pub vulnerable: bool,
    /// `criteria`: the CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:*:…`).
    pub criteria: String,
    /// `matchCriteriaId`: key into NVD's CPE match API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_criteria_id: Option<String>,
    /// `versionStartIncluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_including: Option<String>,
    /// `versionStartExcluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_excluding: Option<String>,
    /// `versionEndIncluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_including: Option<String>,
    /// `versionEndExcluding`: the first version outside the range, which is not
    /// necessarily a version with a fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_excluding: Option<String>,
}

/// Top-level fields of an NVD page or feed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedHeader {
    /// `resultsPerPage`.
    pub results_per_page: Option<u64>,
    /// `startIndex`.
    pub start_index: Option<u64>,
    /// `totalResults`: API paging goes on while `start_index + results_per_page` is below it.
    pub total_results: Option<u64>,
    /// `format` (`NVD_CVE`).
    pub format: Option<String>,
    /// `version` (`2.0`).
    pub version: Option<String>,
    /// `timestamp`, verbatim.
    pub timestamp: Option<String>,
    /// Number of `vulnerabilities[]` entries read, parsed or not.
    pub records: usize,
}

/// A whole NVD file that could not be read: not JSON, or not an NVD page.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NvdFeedError {
    /// The input is not valid JSON or not shaped like an NVD page.
    #[error("invalid NVD CVE API 2.0 document")]
    InvalidDocument(#[source] serde_json::Error),
    /// The document has no `vulnerabilities` array.
    #[error("NVD CVE API 2.0 document has no `vulnerabilities` array")]
    MissingVulnerabilities,
}

/// Streams an NVD API page or feed file, calling `on_record` once per
/// `vulnerabilities[]` entry with the parsed CVE or the problem that entry has.
///
/// Returns the page header. Fails only when the document as a whole is not an NVD page.
/// Invalid JSON inside the array also fails, after the records before it were delivered.
pub fn parse_feed<R, F>(reader: R, mut on_record: F) -> Result<FeedHeader, NvdFeedError>
where
    R: Read,
    F: FnMut(Result<NvdCve, RecordError>),
{
    let mut deserializer = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let (header, has_vulnerabilities) = PageSeed {
        on_record: &mut on_record,
    }
    .deserialize(&mut deserializer)
    .map_err(NvdFeedError::InvalidDocument)?;
    deserializer.end().map_err(NvdFeedError::InvalidDocument)?;

    if !has_vulnerabilities {
        return Err(NvdFeedError::MissingVulnerabilities);
    }
    Ok(header)
}

/// Parses one record: a `vulnerabilities[]` item (`{"cve": {…}}`) or a bare `cve` object.
pub fn parse_record(json: &[u8]) -> Result<NvdCve, RecordError> {
    let location = "record";
    let invalid = |error: serde_json::Error| {
        RecordError::new(
            peek_id(json),
            location,
            format!("invalid NVD CVE record: {error}"),
        )
    };

    let mut value: serde_json::Value = serde_json::from_slice(json).map_err(invalid)?;
    if let Some(inner) = value.get_mut("cve") {
        value = inner.take();
    }
    let raw: RawCve = serde_json::from_value(value).map_err(invalid)?;
    let id = Some(raw.id.clone());
    raw.into_cve()
        .map_err(|message| RecordError::new(id, location, message))
}

struct PageSeed<'a, F> {
    on_record: &'a mut F,
}

impl<'de, F> DeserializeSeed<'de> for PageSeed<'_, F>
where
    F: FnMut(Result<NvdCve, RecordError>),
{
    type Value = (FeedHeader, bool);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F> Visitor<'de> for PageSeed<'_, F>
where
    F: FnMut(Result<NvdCve, RecordError>),
{
    type Value = (FeedHeader, bool);

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an NVD CVE API 2.0 page object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut header = FeedHeader::default();
        let mut saw_vulnerabilities = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "resultsPerPage" => header.results_per_page = map.next_value()?,
                "startIndex" => header.start_index = map.next_value()?,
                "totalResults" => header.total_results = map.next_value()?,
                "format" => header.format = map.next_value()?,
                "version" => header.version = map.next_value()?,
                "timestamp" => header.timestamp = map.next_value()?,
                "vulnerabilities" => {
                    saw_vulnerabilities = true;
                    header.records = map.next_value_seed(RecordsSeed {
                        on_record: &mut *self.on_record,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok((header, saw_vulnerabilities))
    }
}

struct RecordsSeed<'a, F> {
    on_record: &'a mut F,
}

impl<'de, F> DeserializeSeed<'de> for RecordsSeed<'_, F>
where
    F: FnMut(Result<NvdCve, RecordError>),
{
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F> Visitor<'de> for RecordsSeed<'_, F>
where
    F: FnMut(Result<NvdCve, RecordError>),
{
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array of NVD CVE records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        // Each item is first taken as raw JSON text, so a record with a wrong type in one
        // field becomes a per-record error instead of ending the whole stream.
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            let location = format!("vulnerabilities[{index}]");
            let parsed = serde_json::from_str::<RawItem>(raw.get())
                .map_err(|error| {
                    RecordError::new(
                        peek_id(raw.get().as_bytes()),
                        location.clone(),
                        format!("invalid NVD CVE record: {error}"),
                    )
                })
                .and_then(|item| {
                    let id = Some(item.cve.id.clone());
                    item.cve
                        .into_cve()
                        .map_err(|message| RecordError::new(id, location.clone(), message))
                });
            (self.on_record)(parsed);
            index += 1;
        }
        Ok(index)
    }
}

/// Returns the record's CVE id if the JSON is good enough to show one.
fn peek_id(json: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: Option<String>,
        cve: Option<Box<IdOnly>>,
    }
    let parsed: IdOnly = serde_json::from_slice(json).ok()?;
    parsed.id.or_else(|| parsed.cve.and_then(|cve| cve.id))
}

/// One `vulnerabilities[]` item.
#[derive(Deserialize)]
struct RawItem {
    cve: RawCve,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCve {
    id: String,
    #[serde(default)]
    source_identifier: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    #[serde(default)]
    vuln_status: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    descriptions: Vec<RawLangString>,
    #[serde(default)]
    metrics: Option<RawMetrics>,
    #[serde(default, deserialize_with = "null_as_empty")]
    weaknesses: Vec<RawWeakness>,
    #[serde(default, deserialize_with = "null_as_empty")]
    configurations: Vec<Configuration>,
    #[serde(default, deserialize_with = "null_as_empty")]
    references: Vec<Reference>,
}

#[derive(Deserialize)]
struct RawLangString {
    lang: String,
    value: String,
}

#[derive(Deserialize, Default)]
struct RawMetrics {
    #[serde(rename = "cvssMetricV40", default, deserialize_with = "null_as_empty")]
    v40: Vec<RawMetric>,
    #[serde(rename = "cvssMetricV31", default, deserialize_with = "null_as_empty")]
    v31: Vec<RawMetric>,
    #[serde(rename = "cvssMetricV30", default, deserialize_with = "null_as_empty")]
    v30: Vec<RawMetric>,
    #[serde(rename = "cvssMetricV2", default, deserialize_with = "null_as_empty")]
    v2: Vec<RawMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetric {
    source: String,
    #[serde(rename = "type", default)]
    source_type: Option<SourceType>,
    cvss_data: RawCvssData,
    #[serde(default)]
    base_severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCvssData {
    vector_string: String,
    #[serde(default)]
    base_score: Option<f64>,
    #[serde(default)]
    base_severity: Option<String>,
}

#[derive(Deserialize)]
struct RawWeakness {
    source: String,
    #[serde(rename = "type", default)]
    source_type: Option<SourceType>,
    #[serde(default, deserialize_with = "null_as_empty")]
    description: Vec<RawLangString>,
}

impl<'de> Deserialize<'de> for SourceType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "Primary" => Ok(SourceType::Primary),
            "Secondary" => Ok(SourceType::Secondary),
            other => Err(serde::de::Error::unknown_variant(
                other,
                &["Primary", "Secondary"],
            )),
        }
    }
}

impl RawCve {
    fn into_cve(self) -> Result<NvdCve, String> {
        let published = parse_time(self.published.as_deref(), "published")?;
        let last_modified = parse_time(self.last_modified.as_deref(), "lastModified")?;

        let description = self
            .descriptions
            .into_iter()
            .find(|text| text.lang == "en")
            .map(|text| text.value);

        let metrics = self.metrics.unwrap_or_default();
        let groups = [
            (CvssVersion::V4_0, metrics.v40),
            (CvssVersion::V3_1, metrics.v31),
            (CvssVersion::V3_0, metrics.v30),
            (CvssVersion::V2_0, metrics.v2),
        ];
        let metrics = groups
            .into_iter()
            .flat_map(|(version, entries)| {
                entries.into_iter().map(move |entry| NvdMetric {
                    version,
                    source: entry.source,
                    source_type: entry.source_type,
                    vector: entry.cvss_data.vector_string,
                    stated_base_score: entry.cvss_data.base_score,
                    stated_severity: entry.cvss_data.base_severity.or(entry.base_severity),
                })
            })
            .collect();

        let weaknesses = self
            .weaknesses
            .into_iter()
            .map(|weakness| Weakness {
                source: weakness.source,
                source_type: weakness.source_type,
                cwe_ids: weakness
                    .description
                    .into_iter()
                    .map(|text| text.value)
                    .collect(),
            })
            .collect();

        Ok(NvdCve {
            id: self.id,
            source_identifier: self.source_identifier,
            published,
            last_modified,
            status: self
                .vuln_status
                .as_deref()
                .map(VulnStatus::from_nvd)
                .unwrap_or(VulnStatus::Other(String::new())),
            description,
            metrics,
            weaknesses,
            configurations: self.configurations,
            references: self.references,
        })
    }
}

/// Parses an NVD time (`2024-02-13T09:15:45.763`, no zone, UTC) or an RFC 3339 time.
pub(crate) fn parse_time(text: Option<&str>, field: &str) -> Result<Option<DateTime<Utc>>, String> {
    let Some(text) = text else {
        return Ok(None);
    };
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|time| Some(time.and_utc()))
        .map_err(|error| format!("invalid `{field}` time `{text}`: {error}"))
}

pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests;
