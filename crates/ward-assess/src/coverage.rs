//! Coverage check: does the intel database contain data for each namespace matched?
//!
//! A namespace without data (an Alpine release imported from no feed, PyPI when only the
//! Debian feed was imported) yields no finding, which must not read as "not affected". Each
//! such namespace gets one device-level warning with code [`NO_ADVISORY_DATA`].

use std::collections::BTreeMap;

use ward_intel::Intel;
use ward_inventory::DiagnosticLevel;

use crate::select::is_os_ecosystem;
use crate::{Diagnostic, NO_ADVISORY_DATA};

/// Per-namespace counts gathered while matching.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    /// Namespace → (software rows matched, advisory records found for them).
    counts: BTreeMap<String, (usize, usize)>,
}

impl Coverage {
    /// Records that `rows` rows of `ecosystem` were looked up and `records` records found.
    pub fn add(&mut self, ecosystem: &str, rows: usize, records: usize) {
        let entry = self.counts.entry(ecosystem.to_owned()).or_default();
        entry.0 += rows;
        entry.1 += records;
    }

    /// Adds a warning for each namespace without data and returns the rows of each such
    /// namespace, so that the caller can count them as not assessed.
    ///
    /// The intel source decides when it can ([`Intel::has_ecosystem`]). When it cannot, an
    /// OS namespace in which not one installed package has a record is taken as lacking
    /// data, because every distribution release has advisories for its base packages. A
    /// language namespace is not judged that way, since a few packages may have none.
    pub fn report(
        &self,
        intel: &dyn Intel,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> BTreeMap<String, usize> {
        let mut without_data = BTreeMap::new();
        for (ecosystem, &(rows, records)) in &self.counts {
            let has_data = match intel.has_ecosystem(ecosystem) {
                Ok(Some(has_data)) => has_data,
                Ok(None) => records > 0 || !is_os_ecosystem(ecosystem),
                Err(error) => {
                    diagnostics.push(Diagnostic::new(
                        DiagnosticLevel::Error,
                        Some(ecosystem),
                        None,
                        format!(
                            "cannot check whether the intel database has advisories for \
                             `{ecosystem}`: {error}"
                        ),
                    ));
                    continue;
                }
            };
            if has_data {
                continue;
            }
            without_data.insert(ecosystem.clone(), rows);
            diagnostics.push(
                Diagnostic::new(
                    DiagnosticLevel::Warning,
                    Some(ecosystem),
                    None,
                    format!(
                        "no advisory data for `{ecosystem}` in the intel database, so its \
                         {rows} package(s) were not matched and are not known to be \
                         unaffected; import the feed that covers `{ecosystem}` with `ward db \
                         import`, or run `ward db update`"
                    ),
                )
                .with_code(NO_ADVISORY_DATA),
            );
        }
        without_data
    }
}
