//! Vulnerability identity of advisory records: the records that describe one vulnerability.
//!
//! Records are merged only through `aliases`, which OSV defines as ids of the *same*
//! vulnerability (<https://ossf.github.io/osv-schema/#aliases-field>). `related` names
//! distinct vulnerabilities and never merges records.
//!
//! Three rules on top of the schema:
//!
//! - A namespaced CVE record id (`DEBIAN-CVE-2024-1234`, `UBUNTU-CVE-2024-1234`) is the CVE
//!   `CVE-2024-1234` seen by that namespace, so it merges with `CVE-2024-1234` even when
//!   neither record lists the other as an alias. osv.dev published Debian's per-CVE records
//!   first as `CVE-…` and later as `DEBIAN-CVE-…`, and a database may hold both.
//! - A fix announcement (a DSA, DLA, DTSA, USN, RHSA…) fixes several vulnerabilities at
//!   once, and some feeds list those CVEs as its aliases. Merging through such aliases would
//!   fuse five distinct CVEs into one finding, so an announcement's aliases are treated as
//!   `related`: the announcement forms a group of its own, which the matcher attaches to
//!   each CVE it lists.
//! - A group's shown id is a CVE when it has one (the smallest if aliases join several),
//!   else the smallest record id.

use std::collections::HashMap;

use ward_intel::Advisory;

/// Returns whether `id` is a CVE id (`CVE-YYYY-NNNN…`).
pub fn is_cve_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Returns the CVE id inside a namespaced CVE record id (`DEBIAN-CVE-2024-1234` →
/// `CVE-2024-1234`), or `None` when `id` is not of that form.
pub fn namespaced_cve(id: &str) -> Option<&str> {
    let start = id.find("-CVE-")? + 1;
    let prefix = &id[..start - 1];
    let is_namespace = !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let cve = &id[start..];
    (is_namespace && is_cve_id(cve)).then_some(cve)
}

/// Returns whether `id` names a fix announcement rather than a vulnerability.
///
/// The prefixes are those of the distribution advisories published in OSV: Debian
/// (DSA, DLA, DTSA), Ubuntu (USN), Red Hat (RHSA, RHBA, RHEA), AlmaLinux (ALSA, ALBA, ALEA),
/// Rocky Linux (RLSA, RLBA, RXSA), Oracle (ELSA) and SUSE (SUSE-SU, openSUSE-SU).
pub fn is_fix_announcement(id: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "DSA-",
        "DLA-",
        "DTSA-",
        "USN-",
        "RHSA-",
        "RHBA-",
        "RHEA-",
        "ALSA-",
        "ALBA-",
        "ALEA-",
        "RLSA-",
        "RLBA-",
        "RXSA-",
        "ELSA-",
        "SUSE-SU-",
        "openSUSE-SU-",
    ];
    PREFIXES.iter().any(|prefix| id.starts_with(prefix))
}

/// Records of one vulnerability (or of one fix announcement), as indices into the slice
/// given to [`group_records`]. Ids borrow from the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordGroup<'a> {
    /// Indices of the records, ascending.
    pub records: Vec<usize>,
    /// Id shown for the group: a CVE when it has one, else the smallest record id.
    pub primary_id: &'a str,
    /// Every other id of the group (record ids, aliases, CVEs of namespaced ids), sorted.
    pub aliases: Vec<&'a str>,
    /// Ids the group's records name as related (announcements: also their aliases),
    /// excluding the group's own ids, sorted.
    pub related: Vec<&'a str>,
    /// Whether the group is a fix announcement rather than a vulnerability.
    pub is_announcement: bool,
}

impl RecordGroup<'_> {
    /// Returns whether `id` is the group's primary id or one of its aliases.
    pub fn has_id(&self, id: &str) -> bool {
        self.primary_id == id || self.aliases.binary_search(&id).is_ok()
    }
}

/// Groups records that describe the same vulnerability, in the order of each group's
/// first record.
pub fn group_records<'a>(records: &[&'a Advisory]) -> Vec<RecordGroup<'a>> {
    let mut sets = DisjointSets::new(records.len());
    let mut owner_of_id: HashMap<&str, usize> = HashMap::new();

    for (index, record) in records.iter().enumerate() {
        for id in identity_ids(record) {
            match owner_of_id.get(id) {
                Some(&owner) => sets.union(owner, index),
                None => {
                    owner_of_id.insert(id, index);
                }
            }
        }
    }

    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for index in 0..records.len() {
        let root = sets.find(index);
        let group = *group_of_root.entry(root).or_insert_with(|| {
            members.push(Vec::new());
            members.len() - 1
        });
        members[group].push(index);
    }

    members
        .into_iter()
        .map(|indices| build_group(records, indices))
        .collect()
}

/// Returns the ids through which `record` merges with others: its own id, its CVE when the
/// id is namespaced, and (unless it is an announcement) its aliases and their CVEs.
fn identity_ids(record: &Advisory) -> Vec<&str> {
    let mut ids = vec![record.id.as_str()];
    ids.extend(namespaced_cve(&record.id));
    if !is_fix_announcement(&record.id) {
        for alias in &record.aliases {
            ids.push(alias);
            ids.extend(namespaced_cve(alias));
        }
    }
    ids
}

fn build_group<'a>(records: &[&'a Advisory], indices: Vec<usize>) -> RecordGroup<'a> {
    let is_announcement = indices
        .iter()
        .all(|&index| is_fix_announcement(&records[index].id));

    let mut ids: Vec<&'a str> = Vec::new();
    let mut related: Vec<&'a str> = Vec::new();
    for &index in &indices {
        let record: &'a Advisory = records[index];
        ids.extend(identity_ids(record));
        related.extend(record.related.iter().map(String::as_str));
        if is_fix_announcement(&record.id) {
            related.extend(record.aliases.iter().map(String::as_str));
        }
    }
    ids.sort_unstable();
    ids.dedup();

    let primary_id = ids
        .iter()
        .copied()
        .find(|id| is_cve_id(id))
        .unwrap_or_else(|| {
            indices
                .iter()
                .map(|&index| records[index].id.as_str())
                .min()
                .unwrap_or_default()
        });
    let aliases: Vec<&'a str> = ids.into_iter().filter(|id| *id != primary_id).collect();

    related.sort_unstable();
    related.dedup();
    related.retain(|id| *id != primary_id && aliases.binary_search(id).is_err());

    RecordGroup {
        records: indices,
        primary_id,
        aliases,
        related,
        is_announcement,
    }
}

/// Union-find over record indices, with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(len: usize) -> Self {
        Self {
            parent: (0..len).collect(),
        }
    }

    fn find(&mut self, mut index: usize) -> usize {
        while self.parent[index] != index {
            self.parent[index] = self.parent[self.parent[index]];
            index = self.parent[index];
        }
        index
    }

    fn union(&mut self, a: usize, b: usize) {
        let (root_a, root_b) = (self.find(a), self.find(b));
        if root_a != root_b {
            // The smaller index stays the root so that groups keep their first record's order.
            let (low, high) = if root_a < root_b {
                (root_a, root_b)
            } else {
                (root_b, root_a)
            };
            self.parent[high] = low;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, aliases: &[&str], related: &[&str]) -> Advisory {
        Advisory {
            id: id.to_owned(),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            related: related.iter().map(|s| (*s).to_owned()).collect(),
            summary: None,
            modified: None,
            published: None,
            withdrawn: None,
            severity: Vec::new(),
            affected: Vec::new(),
            source: "osv:Debian".to_owned(),
        }
    }

    #[test]
    fn cve_id_shapes() {
        let cases = [
            ("CVE-2024-1234", true),
            ("CVE-2024-123456", true),
            ("CVE-2024-123", false),
            ("CVE-24-1234", false),
            ("DEBIAN-CVE-2024-1234", false),
            ("cve-2024-1234", false),
            ("CVE-2024-12a4", false),
        ];
        for (id, expected) in cases {
            assert_eq!(is_cve_id(id), expected, "{id}");
        }
    }

    #[test]
    fn namespaced_cve_ids() {
        let cases = [
            ("DEBIAN-CVE-2024-1234", Some("CVE-2024-1234")),
            ("UBUNTU-CVE-2023-0001", Some("CVE-2023-0001")),
            ("CVE-2024-1234", None),
            ("GHSA-abcd-CVE-2024-1234", None),
            ("DSA-5678-1", None),
        ];
        for (id, expected) in cases {
            assert_eq!(namespaced_cve(id), expected, "{id}");
        }
    }

    #[test]
    fn debian_cve_merges_with_cve() {
        let a = record("CVE-2024-1001", &[], &["DSA-1-1"]);
        let b = record("DEBIAN-CVE-2024-1001", &[], &[]);
        let groups = group_records(&[&a, &b]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].primary_id, "CVE-2024-1001");
        assert_eq!(groups[0].aliases, vec!["DEBIAN-CVE-2024-1001"]);
        assert_eq!(groups[0].related, vec!["DSA-1-1"]);
        assert!(!groups[0].is_announcement);
    }

    #[test]
    fn aliases_merge_transitively() {
        let a = record("GHSA-aaaa-bbbb-cccc", &["CVE-2024-1009"], &[]);
        let b = record("PYSEC-2024-1", &["GHSA-aaaa-bbbb-cccc"], &[]);
        let c = record("CVE-2024-1009", &[], &[]);
        let groups = group_records(&[&a, &b, &c]);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].records, vec![0, 1, 2]);
        assert_eq!(groups[0].primary_id, "CVE-2024-1009");
        assert_eq!(
            groups[0].aliases,
            vec!["GHSA-aaaa-bbbb-cccc", "PYSEC-2024-1"]
        );
    }

    #[test]
    fn related_never_merges() {
        let a = record("CVE-2024-1001", &[], &["CVE-2024-1002"]);
        let b = record("CVE-2024-1002", &[], &["CVE-2024-1001"]);
        let groups = group_records(&[&a, &b]);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].related, vec!["CVE-2024-1002"]);
    }

    #[test]
    fn announcement_aliases_do_not_fuse_cves() {
        let dsa = record(
            "DSA-5000-1",
            &["CVE-2024-1001", "CVE-2024-1002"],
            &["CVE-2024-1003"],
        );
        let one = record("CVE-2024-1001", &[], &[]);
        let two = record("CVE-2024-1002", &[], &[]);
        let groups = group_records(&[&dsa, &one, &two]);
        assert_eq!(groups.len(), 3);
        assert!(groups[0].is_announcement);
        assert_eq!(groups[0].primary_id, "DSA-5000-1");
        assert_eq!(
            groups[0].related,
            vec!["CVE-2024-1001", "CVE-2024-1002", "CVE-2024-1003"]
        );
        assert_eq!(groups[1].primary_id, "CVE-2024-1001");
        assert_eq!(groups[2].primary_id, "CVE-2024-1002");
    }

    #[test]
    fn smallest_cve_is_primary() {
        let a = record(
            "GHSA-aaaa-bbbb-cccc",
            &["CVE-2024-20000", "CVE-2024-10000"],
            &[],
        );
        let groups = group_records(&[&a]);
        assert_eq!(groups[0].primary_id, "CVE-2024-10000");
        assert!(groups[0].has_id("CVE-2024-20000"));
        assert!(groups[0].has_id("GHSA-aaaa-bbbb-cccc"));
    }
}
