//! The CISA Known Exploited Vulnerabilities catalog, JSON form
//! (<https://www.cisa.gov/known-exploited-vulnerabilities-catalog>; schema
//! `known_exploited_vulnerabilities_schema.json`).
//!
//! The document is `{title, catalogVersion, dateReleased, count, vulnerabilities: [...]}`.
//! `dueDate` is optional in the schema. `knownRansomwareCampaignUse` is `Known` or
//! `Unknown`, and `Unknown` means CISA does not know, not "no", so the field is kept in
//! three states: known, unknown, and absent (also for a value outside the schema).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::osv::RecordProblem;
use crate::{KevEntry, RansomwareUse};

/// A parsed catalog.
#[derive(Debug, Clone)]
pub struct KevCatalog {
    /// `catalogVersion` (`2026.08.07`).
    pub catalog_version: Option<String>,
    /// `dateReleased`.
    pub date_released: Option<DateTime<Utc>>,
    /// Entries that parsed.
    pub entries: Vec<KevRecord>,
    /// Entries that did not, with their `cveID` when present.
    pub problems: Vec<RecordProblem>,
}

/// One catalog entry with the fields [`KevEntry`] leaves out.
#[derive(Debug, Clone)]
pub struct KevRecord {
    /// The entry as the matcher reads it.
    pub entry: KevEntry,
    /// `shortDescription`.
    pub short_description: Option<String>,
    /// `notes`.
    pub notes: Option<String>,
    /// `cwes`.
    pub cwes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: String,
    product: String,
    vulnerability_name: String,
    date_added: NaiveDate,
    short_description: Option<String>,
    required_action: String,
    due_date: Option<NaiveDate>,
    known_ransomware_campaign_use: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    cwes: Option<Vec<String>>,
}

/// Returns whether a JSON document is a KEV catalog: an object with a `vulnerabilities`
/// array and a `catalogVersion`.
pub fn is_kev_catalog(value: &Value) -> bool {
    value.get("vulnerabilities").is_some_and(Value::is_array)
        && value.get("catalogVersion").is_some()
}

/// Parses a catalog; a malformed entry becomes a problem and the others are kept.
///
/// Returns `Err` when the document itself is not a catalog.
pub fn parse_catalog(value: &Value) -> Result<KevCatalog, String> {
    let Some(vulnerabilities) = value.get("vulnerabilities").and_then(Value::as_array) else {
        return Err("`vulnerabilities` is missing or not an array".to_owned());
    };
    let catalog_version = value
        .get("catalogVersion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let date_released = value
        .get("dateReleased")
        .and_then(Value::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|time| time.with_timezone(&Utc));

    let mut entries = Vec::with_capacity(vulnerabilities.len());
    let mut problems = Vec::new();
    for (index, item) in vulnerabilities.iter().enumerate() {
        match RawEntry::deserialize(item) {
            Ok(raw) => entries.push(into_record(raw)),
            Err(error) => problems.push(RecordProblem {
                id: item.get("cveID").and_then(Value::as_str).map(str::to_owned),
                message: format!("invalid entry `vulnerabilities[{index}]`: {error}"),
            }),
        }
    }

    Ok(KevCatalog {
        catalog_version,
        date_released,
        entries,
        problems,
    })
}

fn into_record(raw: RawEntry) -> KevRecord {
    let known_ransomware_use = raw.known_ransomware_campaign_use.as_deref().and_then(|value| {
        let parsed = RansomwareUse::from_kev(value);
        if parsed.is_none() {
            tracing::debug!(cve = %raw.cve_id, value, "unrecognised knownRansomwareCampaignUse; read as absent");
        }
        parsed
    });
    KevRecord {
        entry: KevEntry {
            cve_id: raw.cve_id,
            vendor_project: raw.vendor_project,
            product: raw.product,
            vulnerability_name: raw.vulnerability_name,
            date_added: raw.date_added,
            due_date: raw.due_date,
            required_action: raw.required_action,
            known_ransomware_use,
        },
        short_description: raw.short_description,
        notes: raw.notes,
        cwes: raw.cwes.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = r#"{
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2026.08.07",
        "dateReleased": "2026-08-07T16:45:47.0648Z",
        "count": 3,
        "vulnerabilities": [
            {"cveID": "CVE-2024-3400", "vendorProject": "Palo Alto Networks", "product": "PAN-OS",
             "vulnerabilityName": "PAN-OS Command Injection", "dateAdded": "2024-04-12",
             "shortDescription": "...", "requiredAction": "Apply mitigations", "dueDate": "2024-04-19",
             "knownRansomwareCampaignUse": "Known", "notes": "https://example.org", "cwes": ["CWE-77"]},
            {"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2",
             "vulnerabilityName": "Log4Shell", "dateAdded": "2021-12-10",
             "requiredAction": "Apply updates", "knownRansomwareCampaignUse": "Unknown"},
            {"cveID": "CVE-2000-0001", "vendorProject": "X", "product": "Y",
             "vulnerabilityName": "Z", "dateAdded": "not a date", "requiredAction": "-"}
        ]
    }"#;

    #[test]
    fn catalog_parses_with_bad_entry_skipped() {
        let value: Value = serde_json::from_str(CATALOG).unwrap();
        assert!(is_kev_catalog(&value));

        let catalog = parse_catalog(&value).unwrap();
        assert_eq!(catalog.catalog_version.as_deref(), Some("2026.08.07"));
        assert!(catalog.date_released.is_some());
        assert_eq!(catalog.entries.len(), 2);
        assert_eq!(catalog.problems.len(), 1);
        assert_eq!(catalog.problems[0].id.as_deref(), Some("CVE-2000-0001"));

        let first = &catalog.entries[0];
        assert_eq!(first.entry.cve_id, "CVE-2024-3400");
        assert_eq!(first.entry.known_ransomware_use, Some(RansomwareUse::Known));
        assert_eq!(first.entry.due_date, NaiveDate::from_ymd_opt(2024, 4, 19));
        assert_eq!(first.cwes, ["CWE-77"]);

        let second = &catalog.entries[1];
        assert_eq!(
            second.entry.known_ransomware_use,
            Some(RansomwareUse::Unknown)
        );
        assert_eq!(second.entry.due_date, None);
    }

    #[test]
    fn ransomware_use_is_three_state() {
        let cases = [
            (
                r#""knownRansomwareCampaignUse": "Known","#,
                Some(RansomwareUse::Known),
            ),
            (
                r#""knownRansomwareCampaignUse": "known","#,
                Some(RansomwareUse::Known),
            ),
            (
                r#""knownRansomwareCampaignUse": "Unknown","#,
                Some(RansomwareUse::Unknown),
            ),
            (r#""knownRansomwareCampaignUse": "Maybe","#, None),
            ("", None),
        ];
        for (field, expected) in cases {
            let text = format!(
                r#"{{"catalogVersion": "1", "vulnerabilities": [{{"cveID": "CVE-2024-0001",
                    "vendorProject": "V", "product": "P", "vulnerabilityName": "N", {field}
                    "dateAdded": "2024-01-01", "requiredAction": "Patch"}}]}}"#
            );
            let value: Value = serde_json::from_str(&text).unwrap();
            let catalog = parse_catalog(&value).unwrap();
            assert_eq!(catalog.problems.len(), 0, "case {field:?}");
            assert_eq!(
                catalog.entries[0].entry.known_ransomware_use, expected,
                "case {field:?}"
            );
        }
    }

    #[test]
    fn catalog_without_list_is_rejected() {
        let value: Value =
            serde_json::from_str(r#"{"catalogVersion": "1", "vulnerabilities": 5}"#).unwrap();
        assert!(!is_kev_catalog(&value));
        assert!(parse_catalog(&value).is_err());
    }
}
