//! Matching an [`Inventory`](ward_inventory::Inventory) against vulnerability intelligence.
//!
//! [`assess`] looks up every software component's advisories through
//! [`Intel`](ward_intel::Intel), evaluates their ranges with the component's version scheme,
//! and returns one [`Finding`] per (component, vulnerability) with the evidence behind it.
//!
//! Traps this crate handles:
//!
//! - Debian and Ubuntu advisories name *source* packages and source versions. A binary
//!   package is matched through its `Source:` name and version, never its own version.
//!   Alpine and Rocky Linux records also name source packages, AlmaLinux records binary
//!   rpms; PyPI names are compared PEP 503-normalised (the `select` module has the table).
//! - A language package installed by an OS package (`owned_by`) is judged through that
//!   package's distribution advisories, which know its backports, and not by its own
//!   ecosystem's ranges. A third-party build of a Debian package name (a vendor word in the
//!   revision, as in `1nodesource1`) is not judged by Debian's records. Both are listed in
//!   [`Assessment::not_assessed`].
//! - No finding is not "not affected" when the database has no data for a namespace: that
//!   case gets a device-level [`NO_ADVISORY_DATA`] warning.
//! - OSV `aliases` mean "the same vulnerability" and merge records; `related` never does.
//!   A fix announcement (DSA, DLA, USN…) fixes several vulnerabilities and is attached to
//!   each of them as supporting evidence instead of being merged.
//! - Three outcomes stay apart: affected with a fix, affected with no fix yet, and not
//!   affected (counted only). A version that cannot be parsed or ordered gives an `unknown`
//!   finding and a diagnostic, never a silent skip or a silent match.
//! - Withdrawn records yield nothing.
//!
//! ```
//! use ward_assess::assess;
//! use ward_intel::MemoryIntel;
//! use ward_inventory::{Device, Inventory, SCHEMA_VERSION};
//!
//! let inventory = Inventory {
//!     schema_version: SCHEMA_VERSION,
//!     device: Device::default(),
//!     collected_at: chrono::Utc::now(),
//!     software: Vec::new(),
//!     diagnostics: Vec::new(),
//!     extra: Default::default(),
//! };
//! let assessment = assess(&inventory, &MemoryIntel::new());
//! assert!(assessment.findings.is_empty());
//! ```

#![warn(missing_docs)]

mod assess;
mod coverage;
mod cve_severity;
mod finding;
pub mod identity;
mod merge;
mod module;
mod origin;
mod select;

pub use assess::assess;
pub use finding::{
    Assessment, AssessmentStats, Component, Diagnostic, Evidence, EvidenceOutcome, EvidenceRole,
    Finding, FindingStatus, InstalledPackage, KeyedBy, NotAssessed, NotAssessedReason,
    NO_ADVISORY_DATA, ORIGIN_UNKNOWN,
};
pub use select::is_os_ecosystem;
