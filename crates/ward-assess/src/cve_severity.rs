//! Severities of a finding's CVEs from their NVD and CVE JSON 5 records.
//!
//! OSV records of a distribution often carry no CVSS vector (Debian's carry none), while
//! NVD, the CNA and CISA's ADP score the CVE itself. Each finding gets those entries next to
//! its records' own, so that the precedence in `ward_risk` can choose among all of them.

use std::collections::HashMap;

use tracing::{debug, warn};
use ward_intel::{Intel, Severity};
use ward_inventory::DiagnosticLevel;

use crate::{Diagnostic, Finding};

/// Adds to each finding the severity entries of every CVE id among its id and aliases, as
/// [`Intel::cve_severities`] returns them, without duplicates.
///
/// Each distinct CVE is looked up once per call, however many findings (packages) share it.
/// A failed look-up leaves the findings with their records' entries only and adds one
/// diagnostic that counts the failures and names the first.
pub(crate) fn attach_cve_severities(
    findings: &mut [Finding],
    intel: &dyn Intel,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_cve: HashMap<String, Vec<Severity>> = HashMap::new();
    let mut failures = 0usize;
    let mut first_failure: Option<String> = None;

    for finding in findings.iter_mut() {
        let cve_ids: Vec<String> = finding.cve_ids().map(str::to_owned).collect();
        for cve_id in cve_ids {
            if !by_cve.contains_key(&cve_id) {
                let entries = match intel.cve_severities(&cve_id) {
                    Ok(entries) => entries,
                    Err(error) => {
                        warn!(cve = %cve_id, %error, "CVE severity look-up failed");
                        failures += 1;
                        first_failure.get_or_insert_with(|| format!("`{cve_id}`: {error}"));
                        Vec::new()
                    }
                };
                by_cve.insert(cve_id.clone(), entries);
            }
            let Some(entries) = by_cve.get(&cve_id) else {
                continue;
            };
            for entry in entries {
                if !finding.severity.contains(entry) {
                    finding.severity.push(entry.clone());
                }
            }
        }
    }
    debug!(cves = by_cve.len(), failures, "looked up CVE severities");

    if let Some(first) = first_failure {
        diagnostics.push(Diagnostic::new(
            DiagnosticLevel::Warning,
            None,
            None,
            format!(
                "the NVD and CVE 5 severities of {failures} CVE(s) could not be read, so their \
                 findings show only their advisory records' severities; first failure {first}"
            ),
        ));
    }
}
