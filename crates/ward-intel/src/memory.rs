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

    fn aliases(&self, id: &str) -> Result<Vec<String>, IntelError> {
        // Same rules as the database: `aliases` in both directions, transitively, plus
        // `DEBIAN-CVE-X`/`UBUNTU-CVE-X` naming `CVE-X`. A linear scan per step is fine for
        // the few records a test or small tool holds.
        let mut group = vec![id.to_owned()];
        let mut index = 0;
        while index < group.len() {
            let current = group[index].clone();
            index += 1;
            let mut linked: Vec<String> = crate::db::implied_cve(&current).into_iter().collect();
            for advisory in &self.advisories {
                if advisory.id == current {
                    linked.extend(advisory.aliases.iter().cloned());
                } else if advisory.aliases.contains(&current)
                    || crate::db::implied_cve(&advisory.id).as_deref() == Some(current.as_str())
                {
                    linked.push(advisory.id.clone());
                }
            }
            for other in linked {
                if !group.contains(&other) {
                    group.push(other);
                }
            }
        }
        group.sort();
        Ok(group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(id: &str, aliases: &[&str]) -> Advisory {
        Advisory {
            id: id.to_owned(),
            aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
            related: Vec::new(),
            summary: None,
            modified: None,
            published: None,
            withdrawn: None,
            severity: Vec::new(),
            affected: Vec::new(),
            source: "test".to_owned(),
        }
    }

    #[test]
    fn aliases_follow_links_both_ways() {
        let mut intel = MemoryIntel::new();
        intel.add_advisory(advisory("GHSA-aaaa", &["CVE-2024-1"]));
        intel.add_advisory(advisory("PYSEC-1", &["GHSA-aaaa"]));
        intel.add_advisory(advisory("DEBIAN-CVE-2024-1", &[]));

        let expected = ["CVE-2024-1", "DEBIAN-CVE-2024-1", "GHSA-aaaa", "PYSEC-1"];
        for start in expected {
            assert_eq!(
                intel.aliases(start).unwrap(),
                expected,
                "starting from {start}"
            );
        }
        assert_eq!(intel.aliases("CVE-9").unwrap(), ["CVE-9"]);
    }
}
