//! Reading the per-CVE records of NVD, CVE JSON 5 and Anchore back from the database.

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use rusqlite::Row;
use serde::{Deserialize, Serialize};

use super::packed::DictionaryKind;
use super::{IntelDb, StoredJson};
use crate::feeds::nvd::Configuration;
use crate::{IntelError, Severity};

/// One stored NVD, CVE JSON 5 or Anchore record of a CVE.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CveRecord {
    /// CVE id.
    pub cve_id: String,
    /// Source it was imported into (`nvd`, `cve5`, `anchore`).
    pub source: String,
    /// Feed format: `nvd`, `cve5` or `anchore`.
    pub format: String,
    /// NVD's `vulnStatus` or CVE 5's `cveMetadata.state`; `None` for Anchore.
    pub state: Option<String>,
    /// Whether the CVE was rejected; a rejected CVE yields no finding.
    pub rejected: bool,
    /// The CNA: NVD's `sourceIdentifier`, CVE 5's `assignerShortName`, Anchore's `cna`.
    pub assigner: Option<String>,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// Last modification time (`lastModified`, `dateUpdated`, `_annotation.modified`).
    pub modified: Option<DateTime<Utc>>,
    /// English description.
    pub description: Option<String>,
    /// CWE ids with who assigned them: `{"cwe", "provider", "role"}` objects.
    pub weaknesses: Vec<serde_json::Value>,
    /// References: `{"url", "provider", "tags"}` objects.
    pub references: Vec<serde_json::Value>,
    /// CPE 2.3 names of CVE 5 `affected[].cpes` (CNA and ADP containers).
    pub cpes: Vec<String>,
    /// CPE applicability trees in NVD's shape, when the record has any.
    pub configurations: Vec<Configuration>,
    /// `dateAdded` of CISA's KEV marker in a CVE 5 record (empty when the marker has no
    /// date), `None` without a marker.
    pub kev_date_added: Option<String>,
    /// Anchore's reason for the override.
    pub note: Option<String>,
    /// Every CVSS vector with its provenance.
    pub metrics: Vec<CveMetric>,
    /// SSVC decision points.
    pub ssvc: Vec<SsvcDecision>,
}

/// Role of the party that stated a CVSS vector of a CVE record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricRole {
    /// NVD's own assessment (`type: Primary`).
    Primary,
    /// The CNA's: a CVE 5 CNA container, or an NVD `Secondary` entry whose source is the
    /// record's `sourceIdentifier`.
    Cna,
    /// An Authorized Data Publisher's (CISA-ADP) or another secondary source's.
    Adp,
}

impl MetricRole {
    fn from_column(text: &str) -> MetricRole {
        match text {
            "primary" => MetricRole::Primary,
            "cna" => MetricRole::Cna,
            _ => MetricRole::Adp,
        }
    }

    /// Returns the name stored in the database and used in provenance strings.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricRole::Primary => "primary",
            MetricRole::Cna => "cna",
            MetricRole::Adp => "adp",
        }
    }
}

/// One CVSS vector of a CVE record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CveMetric {
    /// CVSS version of the list or key it came from (`3.1`).
    pub version: String,
    /// The vector, verbatim.
    pub vector: String,
    /// The scorer: `nvd@nist.gov`, a CNA's address or short name, `CISA-ADP`.
    pub provider: String,
    /// The provider's role.
    pub role: MetricRole,
    /// Base score as the feed states it.
    pub stated_score: Option<f64>,
    /// Severity as the feed states it (NVD only).
    pub stated_rating: Option<String>,
}

/// SSVC decision points of one provider (CISA's "CISA Coordinator" role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsvcDecision {
    /// Provider (`CISA-ADP`).
    pub provider: String,
    /// `none`, `poc` or `active`.
    pub exploitation: Option<String>,
    /// `yes` or `no`.
    pub automatable: Option<String>,
    /// `partial` or `total`.
    pub technical_impact: Option<String>,
    /// Time of the decision.
    pub timestamp: Option<DateTime<Utc>>,
}

/// CPE configurations of a CVE with where they came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CpeConfigurations {
    /// `nvd`, or `anchore` when NVD has none and Anchore's override is used.
    pub origin: String,
    /// The applicability trees.
    pub configurations: Vec<Configuration>,
}

impl IntelDb {
    /// Returns the NVD, CVE 5 and Anchore records of a CVE id, ordered by source name;
    /// empty when none is stored.
    pub fn cve_records(&self, cve_id: &str) -> Result<Vec<CveRecord>, IntelError> {
        let db_error = |e| IntelError::database(&self.path, e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT r.pk, r.cve_id, s.name, r.format, r.state, r.rejected, r.assigner,
                        r.published, r.modified, r.kev_date_added, r.source_id, r.body,
                        r.configurations
                 FROM cve_record r JOIN source s ON s.id = r.source_id
                 WHERE r.cve_id = ?1 ORDER BY s.name",
            )
            .map_err(db_error)?;
        let rows = statement
            .query_map([cve_id], |row| {
                Ok((row.get::<_, i64>(0)?, read_record(row)?))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(db_error)?;

        let mut records = Vec::with_capacity(rows.len());
        for (pk, stored) in rows {
            let mut record = self
                .decode_record(stored)
                .map_err(|message| corrupt(self, cve_id, message))?;
            record.metrics = self.cve_metrics(pk)?;
            record.ssvc = self.cve_ssvc(pk)?;
            records.push(record);
        }
        Ok(records)
    }

    /// Completes a record with the fields of its `body` and its older `configurations`
    /// column.
    fn decode_record(&self, stored: RecordResult) -> Result<CveRecord, String> {
        let StoredRecord {
            mut record,
            source_id,
            body,
            configurations,
        } = stored?;

        let body: CveBody = match body {
            StoredBody::Text(text) => serde_json::from_str(&text).map_err(|e| e.to_string())?,
            StoredBody::Frame(frame) => {
                self.unpack(source_id, DictionaryKind::CveBody, &frame, |bytes| {
                    serde_json::from_slice(bytes).map_err(|e| e.to_string())
                })?
            }
        };
        record.description = body.description;
        record.weaknesses = body.weaknesses;
        record.references = body.refs;
        record.cpes = body.cpes;
        record.note = body.note;
        record.configurations = match configurations {
            Some(text) => serde_json::from_str(&text?).map_err(|e| e.to_string())?,
            None => body.configurations,
        };
        Ok(record)
    }

    fn cve_metrics(&self, pk: i64) -> Result<Vec<CveMetric>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT version, vector, provider, role, stated_score, stated_rating
                 FROM cve_metric WHERE record = ?1 ORDER BY rowid",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_map([pk], |row| {
                Ok(CveMetric {
                    version: row.get(0)?,
                    vector: row.get(1)?,
                    provider: row.get(2)?,
                    role: MetricRole::from_column(&row.get::<_, String>(3)?),
                    stated_score: row.get(4)?,
                    stated_rating: row.get(5)?,
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| IntelError::database(&self.path, e))
    }

    fn cve_ssvc(&self, pk: i64) -> Result<Vec<SsvcDecision>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT provider, exploitation, automatable, technical_impact, timestamp
                 FROM cve_ssvc WHERE record = ?1 ORDER BY rowid",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_map([pk], |row| {
                Ok(SsvcDecision {
                    provider: row.get(0)?,
                    exploitation: row.get(1)?,
                    automatable: row.get(2)?,
                    technical_impact: row.get(3)?,
                    timestamp: row.get(4)?,
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| IntelError::database(&self.path, e))
    }

    /// Returns the CPE configurations to match a CVE with: NVD's when its record has any,
    /// else Anchore's override, else `None`. A rejected NVD record gives `None`.
    pub fn cpe_configurations(
        &self,
        cve_id: &str,
    ) -> Result<Option<CpeConfigurations>, IntelError> {
        Ok(configurations_of(&self.cve_records(cve_id)?))
    }

    /// Returns the CVSS vectors of a CVE's NVD and CVE 5 records as severity entries, so
    /// they can be chosen from with [`crate::precedence::choose_severity`]. Rejected
    /// records give none.
    ///
    /// `source` is `nvd:<role>:<provider>` or `cve5:<role>:<provider>`, with `role`
    /// `primary`, `cna` or `adp` (see [`MetricRole`]).
    pub fn cve_severities(&self, cve_id: &str) -> Result<Vec<Severity>, IntelError> {
        Ok(severities_of(&self.cve_records(cve_id)?))
    }
}

/// Chooses NVD's configurations, else Anchore's, from a CVE's records.
pub(crate) fn configurations_of(records: &[CveRecord]) -> Option<CpeConfigurations> {
    if records
        .iter()
        .any(|record| record.format == "nvd" && record.rejected)
    {
        return None;
    }
    let pick = |format: &str| {
        records
            .iter()
            .find(|record| record.format == format && !record.configurations.is_empty())
            .map(|record| CpeConfigurations {
                origin: format.to_owned(),
                configurations: record.configurations.clone(),
            })
    };
    pick("nvd").or_else(|| pick("anchore"))
}

/// Turns the CVSS metrics of non-rejected records into severity entries.
pub(crate) fn severities_of(records: &[CveRecord]) -> Vec<Severity> {
    records
        .iter()
        .filter(|record| !record.rejected)
        .flat_map(|record| {
            record.metrics.iter().map(move |metric| Severity {
                kind: match metric.version.as_str() {
                    "2.0" => "CVSS_V2",
                    "4.0" => "CVSS_V4",
                    _ => "CVSS_V3",
                }
                .to_owned(),
                score: metric.vector.clone(),
                source: format!(
                    "{}:{}:{}",
                    record.format,
                    metric.role.as_str(),
                    metric.provider
                ),
            })
        })
        .collect()
}

/// The cold fields of a record, as `cve_record.body` stores them.
#[derive(Deserialize)]
struct CveBody {
    description: Option<String>,
    #[serde(default)]
    weaknesses: Vec<serde_json::Value>,
    #[serde(default)]
    refs: Vec<serde_json::Value>,
    #[serde(default)]
    cpes: Vec<String>,
    note: Option<String>,
    #[serde(default)]
    configurations: Vec<Configuration>,
}

/// `cve_record.body`: plain JSON text, or a zstd frame with the source's dictionary.
enum StoredBody {
    Text(String),
    Frame(Vec<u8>),
}

/// A row read with its body not yet decoded.
struct StoredRecord {
    record: CveRecord,
    source_id: i64,
    body: StoredBody,
    /// The `configurations` column of rows written before schema version 5, decoded.
    configurations: Option<Result<String, String>>,
}

type RecordResult = Result<StoredRecord, String>;

fn read_record(row: &Row<'_>) -> rusqlite::Result<RecordResult> {
    let body = match row.get_ref(11)? {
        ValueRef::Text(text) => Ok(StoredBody::Text(String::from_utf8_lossy(text).into_owned())),
        ValueRef::Blob(frame) => Ok(StoredBody::Frame(frame.to_vec())),
        other => Err(format!(
            "expected TEXT or BLOB body, found {:?}",
            other.data_type()
        )),
    };
    let configurations = match row.get_ref(12)? {
        ValueRef::Null => None,
        value => Some(StoredJson::decode(value)),
    };

    let build = || -> RecordResult {
        Ok(StoredRecord {
            record: CveRecord {
                cve_id: row.get(1).map_err(|e| e.to_string())?,
                source: row.get(2).map_err(|e| e.to_string())?,
                format: row.get(3).map_err(|e| e.to_string())?,
                state: row.get(4).map_err(|e| e.to_string())?,
                rejected: row.get(5).map_err(|e| e.to_string())?,
                assigner: row.get(6).map_err(|e| e.to_string())?,
                published: row.get(7).map_err(|e| e.to_string())?,
                modified: row.get(8).map_err(|e| e.to_string())?,
                description: None,
                weaknesses: Vec::new(),
                references: Vec::new(),
                cpes: Vec::new(),
                configurations: Vec::new(),
                kev_date_added: row.get(9).map_err(|e| e.to_string())?,
                note: None,
                metrics: Vec::new(),
                ssvc: Vec::new(),
            },
            source_id: row.get(10).map_err(|e| e.to_string())?,
            body: body?,
            configurations,
        })
    };
    Ok(build())
}

fn corrupt(db: &IntelDb, id: &str, message: String) -> IntelError {
    IntelError::Database {
        path: db.path.clone(),
        source: format!("stored CVE record `{id}` is corrupt: {message}").into(),
    }
}
