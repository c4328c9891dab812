//! An in-memory [`Intel`] for tests and small tools.

use std::collections::HashMap;

use crate::{Advisory, EpssScore, Intel, IntelError, KevEntry};

/// Intel held in memory: advisories, KEV entries and EPSS scores added by hand.
#[derive(Debug, Default, Clone)]
pub struct MemoryIntel {
    advisories: Vec<Advisory>,
    kev: HashMap<String, KevEntry>,
    epss: HashMap<String, EpssScore>,
}

impl MemoryIntel {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an advisory.
    pub fn add_advisory(&mut self, advisory: Advisory) {
        self.advisories.push(advisory);
    }

    /// Adds a KEV entry, replacing one for the same CVE.
    pub fn add_kev(&mut self, entry: KevEntry) {
        self.kev.insert(entry.cve_id.clone(), entry);
    }

    /// Adds an EPSS score, replacing one for the same CVE.
    pub fn add_epss(&mut self, score: EpssScore) {
        self.epss.insert(score.cve_id.clone(), score);
    }
}

impl Intel for MemoryIntel {
    fn advisories_for(&self, ecosystem: &str, package: &str) -> Result<Vec<Advisory>, IntelError> {
        let found = self
            .advisories
            .iter()
            .filter(|advisory| advisory.withdrawn.is_none())
            .filter_map(|advisory| {
                let affected: Vec<_> = advisory
                    .affected
                    .iter()
                    .filter(|entry| entry.ecosystem == ecosystem && entry.package == package)
                    .cloned()
                    .collect();
                if affected.is_empty() {
                    return None;
                }
                Some(Advisory {
                    affected,
                    ..advisory.clone()
                })
            })
            .collect();
        Ok(found)
    }

    fn kev(&self, cve_id: &str) -> Result<Option<KevEntry>, IntelError> {
        Ok(self.kev.get(cve_id).cloned())
    }

    fn epss(&self, cve_id: &str) -> Result<Option<EpssScore>, IntelError> {
        Ok(self.epss.get(cve_id).cloned())
    }
}
