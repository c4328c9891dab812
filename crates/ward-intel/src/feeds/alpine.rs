//! Alpine secdb JSON (`https://secdb.alpinelinux.org/<branch>/<repo>.json`).
//!
//! Each file lists, per package, `secfixes`: a map from the first fixed apk version on that
//! branch (`1.2.3-r4`) to the CVE ids it fixes. The key `0` means the package on that
//! branch was never affected.
//!
//! [`AlpineSecdb`] collects the files of every branch and produces one [`Advisory`] per
//! CVE, as osv.dev's Alpine converter (`vulnfeeds/cmd/converters/alpine`) does:
//!
//! - id `ALPINE-<CVE id>`, with the CVE id as an alias;
//! - one `affected[]` entry per (branch, package), ecosystem `Alpine:v3.20`, purl
//!   `pkg:apk/alpine/<package>?arch=source`, and one `ECOSYSTEM` range
//!   `introduced: 0, fixed: <version>`;
//! - a secfixes item such as `CVE-2021-1234 GHSA-…` counts under its CVE id. An item that
//!   names no CVE counts under its first word with a digit (`CVE N/A ZBX-11023` counts as
//!   `ZBX-11023`), and `CVE_2019-2426` is read as `CVE-2019-2426`.
//!
//! Two choices differ from osv.dev's converter, which drops both cases:
//!
//! - a `0` key yields an entry with no ranges, so nothing on that branch is affected,
//!   and `database_specific: {"not_affected": true}` states it explicitly;
//! - when a CVE is listed under several fixed versions of one package and branch, the
//!   earliest one in apk order is the fix (the secdb records the first fixing `-rN`).
//!   osv.dev keeps every listing as a separate range.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;
use ward_version::range::{Event, Range, RangeKind};
use ward_version::Scheme;

use super::record_error::RecordError;
use crate::{Advisory, Affected};

/// The `source` of advisories built from the Alpine secdb.
pub const SOURCE: &str = "alpine-secdb";

/// One secdb file: a branch and repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecdbFile {
    /// `distroversion` (`v3.20`, `edge`).
    pub branch: String,
    /// `reponame` (`main`, `community`).
    pub repository: String,
    /// One item per package and listed CVE.
    pub fixes: Vec<Secfix>,
}

/// One CVE listed under one package of a secdb file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secfix {
    /// Package name (an aport, which is a source package).
    pub package: String,
    /// CVE or other vulnerability id, the first word of the listed text.
    pub id: String,
    /// The first fixed version, or `None` for the `0` key (never affected on the branch).
    pub fixed: Option<String>,
}

#[derive(Deserialize)]
struct RawFile {
    distroversion: String,
    reponame: String,
    #[serde(default, deserialize_with = "super::nvd::null_as_empty")]
    packages: Vec<RawPackageItem>,
}

#[derive(Deserialize)]
struct RawPackageItem {
    pkg: RawPackage,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    #[serde(default)]
    secfixes: Option<BTreeMap<String, Option<Vec<Option<String>>>>>,
}

/// Parses one secdb file. `location` names it in errors (its path).
///
/// A file that is not secdb JSON is one error. Empty items inside `secfixes` (`null`,
/// an empty string) are skipped.
pub fn parse_file(json: &[u8], location: &str) -> Result<SecdbFile, RecordError> {
    let raw: RawFile = serde_json::from_slice(json).map_err(|error| {
        RecordError::new(
            None,
            location,
            format!("invalid Alpine secdb JSON: {error}"),
        )
    })?;

    let mut fixes = Vec::new();
    for item in raw.packages {
        let package = item.pkg.name;
        for (version, ids) in item.pkg.secfixes.unwrap_or_default() {
            let version = version.trim();
            let fixed = (version != "0").then(|| version.to_owned());
            for text in ids.unwrap_or_default().into_iter().flatten() {
                let Some(id) = secfix_id(&text) else {
                    continue;
                };
                fixes.push(Secfix {
                    package: package.clone(),
                    id,
                    fixed: fixed.clone(),
                });
            }
        }
    }

    Ok(SecdbFile {
        branch: raw.distroversion,
        repository: raw.reponame,
        fixes,
    })
}

/// Returns the id a secfixes item counts under: its first CVE id (with `CVE_` read as
/// `CVE-`), else its first word that contains a digit, else `None`. Maintainers write
/// items such as `GNUTLS-SA-2020-03-31 CVE-2020-11501` and `CVE N/A ZBX-11023`.
fn secfix_id(text: &str) -> Option<String> {
    let words = || {
        text.split_whitespace().map(|word| match word.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("CVE_") => format!("CVE-{}", &word[4..]),
            _ => word.to_owned(),
        })
    };
    let is_cve = |word: &str| {
        word.get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("CVE-"))
            && word[4..].bytes().any(|b| b.is_ascii_digit())
    };
    words()
        .find(|word| is_cve(word))
        .map(|word| word.to_ascii_uppercase())
        .or_else(|| words().find(|word| word.bytes().any(|b| b.is_ascii_digit())))
}

/// Secdb files of several branches, joined into one advisory per CVE.
#[derive(Debug, Default)]
pub struct AlpineSecdb {
    // (id, branch, package) → fixed versions seen; `None` is the `0` key.
    entries: BTreeMap<(String, String, String), Vec<Option<String>>>,
}

impl AlpineSecdb {
    /// Creates an empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the items of one parsed file.
    pub fn add(&mut self, file: SecdbFile) {
        for fix in file.fixes {
            self.entries
                .entry((fix.id, file.branch.clone(), fix.package))
                .or_default()
                .push(fix.fixed);
        }
    }

    /// Builds the advisories, one per vulnerability id, in id order.
    ///
    /// Returns them with the problems found. A fixed version that is not a valid apk
    /// version is kept. When it must be ordered against another listing of the same CVE,
    /// the first listing in file order is used and the problem is reported.
    pub fn into_advisories(self) -> (Vec<Advisory>, Vec<RecordError>) {
        let mut advisories: Vec<Advisory> = Vec::new();
        let mut errors = Vec::new();

        for ((id, branch, package), fixes) in self.entries {
            let entry = match earliest_fix(&fixes) {
                Ok(fix) => affected_entry(&branch, &package, fix),
                Err(message) => {
                    errors.push(RecordError::new(
                        Some(id.clone()),
                        format!("{branch}/{package}"),
                        message,
                    ));
                    affected_entry(&branch, &package, fixes[0].as_deref())
                }
            };

            match advisories.last_mut() {
                Some(advisory) if advisory.aliases.first() == Some(&id) => {
                    advisory.affected.push(entry);
                }
                _ => advisories.push(Advisory {
                    id: format!("ALPINE-{id}"),
                    aliases: vec![id.clone()],
                    related: Vec::new(),
                    summary: None,
                    modified: None,
                    published: None,
                    withdrawn: None,
                    severity: Vec::new(),
                    affected: vec![entry],
                    source: SOURCE.to_owned(),
                }),
            }
        }
        (advisories, errors)
    }
}

/// Picks the fix of one (CVE, branch, package): the earliest fixed version in apk order,
/// or `None` (not affected) when only the `0` key lists it.
fn earliest_fix(fixes: &[Option<String>]) -> Result<Option<&str>, String> {
    let versions: Vec<&str> = fixes.iter().filter_map(|fix| fix.as_deref()).collect();
    let Some(&first) = versions.first() else {
        return Ok(None);
    };

    let mut earliest = first;
    for &candidate in &versions[1..] {
        match Scheme::Apk.compare(candidate, earliest) {
            Ok(Ordering::Less) => earliest = candidate,
            Ok(_) => {}
            Err(error) => {
                return Err(format!(
                    "cannot order fixed versions `{candidate}` and `{earliest}`: {error}"
                ))
            }
        }
    }
    Ok(Some(earliest))
}

fn affected_entry(branch: &str, package: &str, fixed: Option<&str>) -> Affected {
    let (ranges, database_specific) = match fixed {
        Some(version) => (
            vec![Range {
                kind: RangeKind::Ecosystem,
                events: vec![
                    Event::Introduced("0".to_owned()),
                    Event::Fixed(version.to_owned()),
                ],
            }],
            None,
        ),
        None => (Vec::new(), Some(json!({ "not_affected": true }))),
    };
    Affected {
        ecosystem: format!("Alpine:{branch}"),
        package: package.to_owned(),
        purl: Some(format!("pkg:apk/alpine/{package}?arch=source")),
        ranges,
        versions: Vec::new(),
        ecosystem_specific: None,
        database_specific,
    }
}

#[cfg(test)]
mod tests;
