//! Vulnerability intelligence: feed parsers, downloaders and the local intel database.
//!
//! Feeds (OSV, CISA KEV, FIRST EPSS, …) are parsed into [`Advisory`], [`KevEntry`] and
//! [`EpssScore`] values and stored in a SQLite file. Matching code reads them through the
//! [`Intel`] trait, which the database and the in-memory [`MemoryIntel`] both implement.

#![warn(missing_docs)]

mod advisory;
pub mod cvss;
mod db;
mod error;
pub mod feeds;
pub mod import;
mod memory;
mod package_name;
pub mod precedence;
pub mod progress;
pub mod update;

pub use advisory::{Advisory, Affected, EpssScore, KevEntry, RansomwareUse, Severity};
pub use db::{
    AffectedPackage, CpeConfigurations, CveMetric, CveRecord, IntelDb, MetricRole, RecordEntry,
    ReferenceEntry, ScoredSeverity, SourceInfo, SsvcDecision, SsvcEntry, StoredRecord,
    Vulnerability, WeaknessEntry,
};
pub use error::IntelError;
pub use memory::MemoryIntel;
pub use package_name::{normalize_pypi_name, package_key};

/// Read access to vulnerability intelligence, as the matcher needs it.
pub trait Intel {
    /// Returns every advisory with an `affected[]` entry for `package` in `ecosystem`,
    /// keeping only those entries; withdrawn advisories are left out.
    ///
    /// `ecosystem` is matched exactly (`Debian:12` does not return `Debian:11` entries).
    /// [`IntelDb`] returns an entry's `versions` empty when every listed version parses
    /// and lies inside the entry's ranges, because the list then adds no affected version.
    fn advisories_for(&self, ecosystem: &str, package: &str) -> Result<Vec<Advisory>, IntelError>;

    /// Returns the CISA KEV entry for a CVE id, or `None` when it is not listed.
    fn kev(&self, cve_id: &str) -> Result<Option<KevEntry>, IntelError>;

    /// Returns the EPSS score of a CVE id, or `None` when the snapshot has none.
    fn epss(&self, cve_id: &str) -> Result<Option<EpssScore>, IntelError>;

    /// Returns every id that names the same vulnerability as `id` (through `aliases`,
    /// `upstream`, and `DEBIAN-CVE-…`/`UBUNTU-CVE-…` naming their CVE), transitively and
    /// including `id` itself, sorted. `related` ids are not included.
    ///
    /// KEV and EPSS are keyed by CVE id, so callers join them through every id returned.
    /// The default returns `id` alone.
    fn aliases(&self, id: &str) -> Result<Vec<String>, IntelError> {
        Ok(vec![id.to_owned()])
    }

    /// Returns the CVSS vectors that NVD and CVE JSON 5 records give for a CVE id, with
    /// provenance `nvd:<role>:<provider>` or `cve5:<role>:<provider>` (`role` is
    /// `primary`, `cna` or `adp`), for [`precedence::choose_severity`]. Rejected records
    /// give none. The default returns none.
    fn cve_severities(&self, cve_id: &str) -> Result<Vec<Severity>, IntelError> {
        let _ = cve_id;
        Ok(Vec::new())
    }

    /// Returns whether any advisory has an `affected[]` entry in `ecosystem` (`Alpine:v3.20`,
    /// `PyPI`), so that "no advisory matched" can be told apart from "no data for this
    /// release"; `None` when the source cannot tell. The default returns `None`.
    fn has_ecosystem(&self, ecosystem: &str) -> Result<Option<bool>, IntelError> {
        let _ = ecosystem;
        Ok(None)
    }
}
