//! The advisory model shared by every feed.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ward_version::range::Range;

/// One record from a feed (an OSV record, a DSA, a GHSA), in OSV terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// Record id as the feed gives it (`CVE-2024-1234`, `DSA-5678-1`, `GHSA-xxxx-xxxx-xxxx`).
    pub id: String,
    /// Other ids for the same vulnerability (`aliases`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Ids of related but distinct vulnerabilities (`related`).
    #[serde(default)]
    pub related: Vec<String>,
    /// One-line summary.
    pub summary: Option<String>,
    /// Last modification time given by the feed.
    pub modified: Option<DateTime<Utc>>,
    /// Publication time given by the feed.
    pub published: Option<DateTime<Utc>>,
    /// Withdrawal time; a withdrawn advisory yields no findings.
    pub withdrawn: Option<DateTime<Utc>>,
    /// Severity entries of every type, with where they came from.
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// Affected packages with their ranges.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Feed the record was imported from (`osv:Debian`, `osv:PyPI`).
    pub source: String,
}

/// One severity entry of an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// OSV severity type (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`).
    pub kind: String,
    /// The vector or the qualitative value, verbatim.
    pub score: String,
    /// Who assigned it (`osv:Debian`, `nvd`, a CNA's name).
    pub source: String,
}

/// One `affected[]` entry: a package in an ecosystem and the versions affected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// OSV ecosystem, with release (`Debian:12`, `PyPI`).
    pub ecosystem: String,
    /// Package name in that ecosystem (a source package for Debian).
    pub package: String,
    /// Package URL, when the record gives one.
    pub purl: Option<String>,
    /// Ranges, in record order.
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Explicit affected versions.
    #[serde(default)]
    pub versions: Vec<String>,
    /// `ecosystem_specific`, kept verbatim (Debian's `urgency`).
    pub ecosystem_specific: Option<serde_json::Value>,
    /// `database_specific`, kept verbatim; never overrides `ranges`.
    pub database_specific: Option<serde_json::Value>,
}

/// One entry of the CISA Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    /// `cveID`.
    pub cve_id: String,
    /// `vendorProject`.
    pub vendor_project: String,
    /// `product`.
    pub product: String,
    /// `vulnerabilityName`.
    pub vulnerability_name: String,
    /// `dateAdded`.
    pub date_added: NaiveDate,
    /// `dueDate`: when US federal agencies must have remediated.
    pub due_date: Option<NaiveDate>,
    /// `requiredAction`.
    pub required_action: String,
    /// `knownRansomwareCampaignUse`; `None` when the entry does not state it.
    pub known_ransomware_use: Option<RansomwareUse>,
}

/// CISA's record of a vulnerability's use in ransomware campaigns: the KEV catalog's
/// `knownRansomwareCampaignUse` (`Known` or `Unknown`), serialised in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RansomwareUse {
    /// `Known`: CISA has seen it used in at least one ransomware campaign.
    Known,
    /// `Unknown`: CISA does not know whether it was used, which is not a "no".
    Unknown,
}

impl RansomwareUse {
    /// Parses a `knownRansomwareCampaignUse` value, ignoring ASCII case; `None` for any
    /// other value.
    pub fn from_kev(value: &str) -> Option<RansomwareUse> {
        if value.eq_ignore_ascii_case("known") {
            Some(RansomwareUse::Known)
        } else if value.eq_ignore_ascii_case("unknown") {
            Some(RansomwareUse::Unknown)
        } else {
            None
        }
    }

    /// Returns the lower-case name (`known`, `unknown`), as JSON output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            RansomwareUse::Known => "known",
            RansomwareUse::Unknown => "unknown",
        }
    }

    /// Returns whether it is [`RansomwareUse::Known`].
    pub fn is_known(self) -> bool {
        self == RansomwareUse::Known
    }
}

/// One FIRST EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    /// CVE id.
    pub cve_id: String,
    /// Probability of exploitation activity in the next 30 days, 0 to 1.
    pub score: f64,
    /// Percentile of `score` among all scored CVEs, 0 to 1.
    pub percentile: f64,
    /// Day the score was computed for.
    pub date: Option<NaiveDate>,
    /// EPSS model version (`v2025.03.14`), when the file states it.
    pub model_version: Option<String>,
}
