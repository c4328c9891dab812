//! Maven version ranges, as `VersionRange.createFromVersionSpec` and `containsVersion` read
//! them (maven-artifact 3.8.7).
//!
//! - `[1.0]` is exactly 1.0; `[1.0,2.0)` is 1.0 inclusive to 2.0 exclusive; `(,1.0]` and
//!   `[1.5,)` are open-ended; `(,1.0],[1.2,)` is a union of restrictions.
//! - A bare version (`1.0`) is Maven's soft requirement, which **matches every version**:
//!   Maven only prefers it during resolution. Write `[1.0]` for an exact match.
//! - Errors, as in Maven: a single version not in `[]`, identical bounds (`[1.0,1.0]`,
//!   `(,)`), a lower bound above the upper one, overlapping or unordered restrictions, a
//!   missing closing bracket, and a bare version after restrictions.
//! - Bounds compare with ComparableVersion, so `[1.0,2.0)` contains `2.0-SNAPSHOT` and
//!   `2.0-rc1` (both below 2.0), and `(,1.0]` contains `1.0.Final`.

use std::cmp::Ordering;

use super::{ConstraintError, Language};
use crate::{maven, Version};

/// A parsed Maven version range.
#[derive(Debug, Clone)]
pub(super) struct MavenRange {
    /// Restrictions in ascending order; a version matches if any contains it.
    restrictions: Vec<Restriction>,
}

#[derive(Debug, Clone)]
struct Restriction {
    lower: Option<(maven::Version, bool)>,
    upper: Option<(maven::Version, bool)>,
}

impl MavenRange {
    pub(super) fn parse(spec: &str) -> Result<MavenRange, ConstraintError> {
        let invalid = |reason: &str| ConstraintError::invalid(Language::MavenRange, spec, reason);
        let mut process = spec.trim();
        if process.is_empty() {
            return Err(invalid("empty range"));
        }

        let mut restrictions: Vec<Restriction> = Vec::new();
        while process.starts_with(['[', '(']) {
            // The restriction ends at the first `)` or `]`, whichever comes first.
            let Some(end) = process.find([')', ']']) else {
                return Err(invalid("unbounded range: missing `)` or `]`"));
            };
            let restriction = Restriction::parse(&process[..=end], &invalid)?;
            if let Some(previous) = restrictions.last() {
                let overlaps = match (&restriction.lower, &previous.upper) {
                    (None, _) => true,
                    (Some((lower, _)), Some((upper, _))) => lower < upper,
                    (Some(_), None) => false,
                };
                if overlaps {
                    return Err(invalid("restrictions overlap or are out of order"));
                }
            }
            restrictions.push(restriction);
            process = process[end + 1..].trim_start();
            if let Some(rest) = process.strip_prefix(',') {
                process = rest.trim_start();
            }
        }

        if !process.is_empty() {
            if !restrictions.is_empty() {
                return Err(invalid(
                    "only bracketed restrictions are allowed after a restriction",
                ));
            }
            // A soft requirement: Maven's `Restriction.EVERYTHING`.
            let _recommended: maven::Version = process.parse()?;
            restrictions.push(Restriction {
                lower: None,
                upper: None,
            });
        }
        Ok(MavenRange { restrictions })
    }

    pub(super) fn matches(&self, version: &Version) -> bool {
        let Version::Maven(version) = version else {
            return false;
        };
        self.restrictions.iter().any(|r| r.contains(version))
    }
}

impl Restriction {
    fn parse(
        spec: &str,
        invalid: &dyn Fn(&str) -> ConstraintError,
    ) -> Result<Restriction, ConstraintError> {
        let lower_inclusive = spec.starts_with('[');
        let upper_inclusive = spec.ends_with(']');
        let inner = spec[1..spec.len() - 1].trim();

        let Some((lower, upper)) = inner.split_once(',') else {
            if !(lower_inclusive && upper_inclusive) {
                return Err(invalid("a single version must be surrounded by `[]`"));
            }
            let version: maven::Version = inner.parse()?;
            return Ok(Restriction {
                lower: Some((version.clone(), true)),
                upper: Some((version, true)),
            });
        };

        let (lower, upper) = (lower.trim(), upper.trim());
        if lower == upper {
            return Err(invalid("a range cannot have identical bounds"));
        }
        let parse_bound = |text: &str| -> Result<Option<maven::Version>, ConstraintError> {
            if text.is_empty() {
                Ok(None)
            } else {
                Ok(Some(text.parse()?))
            }
        };
        let lower = parse_bound(lower)?;
        let upper = parse_bound(upper)?;
        if let (Some(lower), Some(upper)) = (&lower, &upper) {
            if upper < lower {
                return Err(invalid("the upper bound is below the lower bound"));
            }
        }
        Ok(Restriction {
            lower: lower.map(|v| (v, lower_inclusive)),
            upper: upper.map(|v| (v, upper_inclusive)),
        })
    }

    fn contains(&self, version: &maven::Version) -> bool {
        if let Some((lower, inclusive)) = &self.lower {
            match lower.cmp(version) {
                Ordering::Greater => return false,
                Ordering::Equal if !inclusive => return false,
                _ => {}
            }
        }
        if let Some((upper, inclusive)) = &self.upper {
            match upper.cmp(version) {
                Ordering::Less => return false,
                Ordering::Equal if !inclusive => return false,
                _ => {}
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::constraint::satisfies;
    use crate::Scheme;

    #[test]
    fn maven_range_membership_table() {
        let cases = [
            ("[1.0,2.0)", "1.0", true),
            ("[1.0,2.0)", "1.5.3", true),
            ("[1.0,2.0)", "2.0", false),
            ("[1.0,2.0)", "2.0-SNAPSHOT", true),
            ("[1.0,2.0)", "2.0-rc1", true),
            ("[1.0,2.0)", "0.9", false),
            ("(1.0,2.0]", "1.0", false),
            ("(1.0,2.0]", "2.0.Final", true),
            ("(,1.0]", "0.1", true),
            ("(,1.0]", "1.0.1", false),
            ("[1.5,)", "99", true),
            ("[1.5,)", "1.4", false),
            ("[1.0]", "1.0.0", true),
            ("[1.0]", "1.0.1", false),
            ("(,1.0],[1.2,)", "1.1", false),
            ("(,1.0],[1.2,)", "1.2", true),
            ("(,1.0],[1.2,)", "0.5", true),
            ("(,1.0), (1.0,)", "1.0", false),
            ("1.0", "7.3", true),
            (" [1.0 , 2.0) ", "1.9", true),
        ];
        for (range, version, expected) in cases {
            let result = satisfies(Scheme::Maven, range, version);
            assert_eq!(result, Ok(expected), "{range} contains {version}");
        }
    }

    #[test]
    fn maven_range_rejects_invalid() {
        let cases = [
            "",
            "(1.0)",
            "[1.0,1.0]",
            "(,)",
            "[2.0,1.0]",
            "[1.0,2.0",
            "[1.0,2.0),[1.5,3.0)",
            "[1.0,2.0),(,3.0)",
            "[1.0,2.0),3.0",
        ];
        for range in cases {
            let result = satisfies(Scheme::Maven, range, "1.0");
            assert!(result.is_err(), "{range:?} gave {result:?}");
        }
    }
}
