//! NVD CPE match bounds: which versions a `cpeMatch` entry of an NVD CVE record covers.
//!
//! An entry has a CPE 2.3 `criteria` string, whose version field is `*` (any), `-` (not
//! applicable) or one version, and optionally `versionStartIncluding`,
//! `versionStartExcluding`, `versionEndIncluding` and `versionEndExcluding`
//! (<https://nvd.nist.gov/developers/vulnerabilities>, CVE API 2.0, `configurations`).
//!
//! - Bounds apply when the version field is `*`; with no bound, `*` covers every version.
//! - `-` covers no installed version: the product has no version, so a versioned package is
//!   not the same thing (CPE Name Matching, NISTIR 7696, NA against a value is disjoint).
//! - A version field with a value and no bounds covers that version only, compared with the
//!   scheme's equality. CPE quoting (`1.0\:beta`) is removed first.
//! - A version field with a value and bounds at once, two start bounds or two end bounds
//!   are errors.
//!
//! The text form used by `ward debug satisfies --language cpe` lists the fields by their NVD
//! names, separated by `;`: `version=*;versionStartIncluding=1.0;versionEndExcluding=2.0`.
//! `version` defaults to `*`.

use std::cmp::Ordering;

use super::{ConstraintError, Language};
use crate::{Scheme, Version};

/// The version part of one NVD `cpeMatch` entry, with its bounds parsed.
#[derive(Debug, Clone)]
pub struct CpeBounds {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// Version `*` and no bound.
    Any,
    /// Version `-`.
    NotApplicable,
    /// One version, no bound.
    Exact(Version),
    /// Version `*` with at least one bound; each bound is a version and whether it is
    /// inclusive.
    Between {
        start: Option<(Version, bool)>,
        end: Option<(Version, bool)>,
    },
}

/// Raw fields of a `cpeMatch` entry's version part, as NVD spells them.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpeFields<'a> {
    /// Version field of the `criteria` CPE string (`*`, `-` or a quoted version).
    pub version: &'a str,
    /// `versionStartIncluding`.
    pub start_including: Option<&'a str>,
    /// `versionStartExcluding`.
    pub start_excluding: Option<&'a str>,
    /// `versionEndIncluding`.
    pub end_including: Option<&'a str>,
    /// `versionEndExcluding`.
    pub end_excluding: Option<&'a str>,
}

impl CpeBounds {
    /// Parses the version part of a `cpeMatch` entry; versions are parsed with `scheme`.
    ///
    /// Errors name the offending field value.
    pub fn parse(scheme: Scheme, fields: &CpeFields<'_>) -> Result<CpeBounds, ConstraintError> {
        let whole = describe(fields);
        let invalid = |reason: &str| ConstraintError::invalid(Language::Cpe, &whole, reason);

        if fields.start_including.is_some() && fields.start_excluding.is_some() {
            return Err(invalid(
                "both versionStartIncluding and versionStartExcluding",
            ));
        }
        if fields.end_including.is_some() && fields.end_excluding.is_some() {
            return Err(invalid("both versionEndIncluding and versionEndExcluding"));
        }
        let bound = |value: Option<&str>, inclusive: bool| -> Result<_, ConstraintError> {
            match value {
                None => Ok(None),
                Some("*" | "-" | "") => {
                    Err(invalid("a bound must be a version, not `*`, `-` or empty"))
                }
                Some(value) => Ok(Some((scheme.parse(value)?, inclusive))),
            }
        };
        let start = match fields.start_including {
            Some(_) => bound(fields.start_including, true)?,
            None => bound(fields.start_excluding, false)?,
        };
        let end = match fields.end_including {
            Some(_) => bound(fields.end_including, true)?,
            None => bound(fields.end_excluding, false)?,
        };
        let has_bounds = start.is_some() || end.is_some();

        let kind = match fields.version {
            "*" | "" if has_bounds => Kind::Between { start, end },
            "*" | "" => Kind::Any,
            "-" if has_bounds => return Err(invalid("version `-` cannot have bounds")),
            "-" => Kind::NotApplicable,
            _ if has_bounds => return Err(invalid("a specific version cannot have bounds")),
            quoted => Kind::Exact(scheme.parse(&unquote(quoted))?),
        };
        Ok(CpeBounds { kind })
    }

    /// Parses the `;`-separated text form (`version=*;versionEndExcluding=2.0`).
    pub fn parse_text(scheme: Scheme, text: &str) -> Result<CpeBounds, ConstraintError> {
        let mut fields = CpeFields {
            version: "*",
            ..CpeFields::default()
        };
        for field in text.split(';').map(str::trim).filter(|f| !f.is_empty()) {
            let Some((name, value)) = field.split_once('=') else {
                return Err(ConstraintError::invalid(
                    Language::Cpe,
                    text,
                    format!("expected `name=value`, found `{field}`"),
                ));
            };
            let value = value.trim();
            match name.trim() {
                "version" => fields.version = value,
                "versionStartIncluding" => fields.start_including = Some(value),
                "versionStartExcluding" => fields.start_excluding = Some(value),
                "versionEndIncluding" => fields.end_including = Some(value),
                "versionEndExcluding" => fields.end_excluding = Some(value),
                other => {
                    return Err(ConstraintError::invalid(
                        Language::Cpe,
                        text,
                        format!("unknown field `{other}`"),
                    ))
                }
            }
        }
        CpeBounds::parse(scheme, &fields)
    }

    /// Returns whether the entry covers `version`.
    pub fn matches(&self, version: &Version) -> bool {
        match &self.kind {
            Kind::Any => true,
            Kind::NotApplicable => false,
            Kind::Exact(exact) => version.cmp_same_scheme(exact).is_eq(),
            Kind::Between { start, end } => {
                let start_ok = start.as_ref().is_none_or(|(bound, inclusive)| {
                    match version.cmp_same_scheme(bound) {
                        Ordering::Greater => true,
                        Ordering::Equal => *inclusive,
                        Ordering::Less => false,
                    }
                });
                let end_ok = end.as_ref().is_none_or(|(bound, inclusive)| {
                    match version.cmp_same_scheme(bound) {
                        Ordering::Less => true,
                        Ordering::Equal => *inclusive,
                        Ordering::Greater => false,
                    }
                });
                start_ok && end_ok
            }
        }
    }
}

/// Removes CPE 2.3 formatted-string quoting: `\` makes the next character literal.
fn unquote(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn describe(fields: &CpeFields<'_>) -> String {
    let mut parts = vec![format!("version={}", fields.version)];
    let named = [
        ("versionStartIncluding", fields.start_including),
        ("versionStartExcluding", fields.start_excluding),
        ("versionEndIncluding", fields.end_including),
        ("versionEndExcluding", fields.end_excluding),
    ];
    for (name, value) in named {
        if let Some(value) = value {
            parts.push(format!("{name}={value}"));
        }
    }
    parts.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraint::Constraint;

    fn matches(scheme: Scheme, text: &str, version: &str) -> Result<bool, ConstraintError> {
        Constraint::parse(Language::Cpe, scheme, text)?.matches_str(version)
    }

    #[test]
    fn cpe_bounds_membership_table() {
        let cases = [
            (Scheme::Generic, "version=*", "1.0", true),
            (Scheme::Generic, "version=-", "1.0", false),
            (Scheme::Generic, "version=2.4.1", "2.4.1", true),
            (Scheme::Generic, "version=2.4.1", "2.4.10", false),
            (Scheme::Generic, r"version=1.0\:beta", "1.0 beta", true),
            (
                Scheme::Generic,
                "versionStartIncluding=1.0;versionEndExcluding=2.0",
                "1.0",
                true,
            ),
            (
                Scheme::Generic,
                "versionStartIncluding=1.0;versionEndExcluding=2.0",
                "2.0",
                false,
            ),
            (
                Scheme::Generic,
                "versionStartExcluding=1.0;versionEndIncluding=2.0",
                "1.0",
                false,
            ),
            (
                Scheme::Generic,
                "versionStartExcluding=1.0;versionEndIncluding=2.0",
                "2.0",
                true,
            ),
            (
                Scheme::Generic,
                "versionEndExcluding=1.1.1w",
                "1.1.1v",
                true,
            ),
            (
                Scheme::Maven,
                "versionEndExcluding=2.15.0",
                "2.15.0-rc1",
                true,
            ),
            (
                Scheme::Maven,
                "versionEndIncluding=2.14.1",
                "2.14.1.Final",
                true,
            ),
        ];
        for (scheme, text, version, expected) in cases {
            assert_eq!(
                matches(scheme, text, version),
                Ok(expected),
                "{scheme}: {text} with {version}"
            );
        }
    }

    #[test]
    fn cpe_bounds_reject_invalid() {
        let cases = [
            "versionStartIncluding=1.0;versionStartExcluding=1.1",
            "versionEndIncluding=1.0;versionEndExcluding=1.1",
            "version=1.0;versionEndExcluding=2.0",
            "version=-;versionEndExcluding=2.0",
            "versionEndExcluding=*",
            "versionEnd=2.0",
            "garbage",
        ];
        for text in cases {
            let result = matches(Scheme::Generic, text, "1.0");
            assert!(result.is_err(), "{text:?} gave {result:?}");
        }
        let error = matches(Scheme::Generic, "versionEndExcluding=latest", "1.0").unwrap_err();
        assert!(error.to_string().contains("`latest`"), "{error}");
    }
}
