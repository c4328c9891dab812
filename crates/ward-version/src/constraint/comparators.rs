//! Comparator lists in any scheme's order: `>=1.0, <2.0 || =3.0`.
//!
//! Terms joined by `,` or white space must all hold; `||` separates alternatives. An operator
//! is one of `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`, or dpkg's `<<` and `>>` (strictly less
//! and greater); a term without one means `=` and is
//! allowed only as the first term of an alternative, so that trailing words (`>= 1.0 junk`)
//! are rejected instead of read as an equality. Equality is the scheme's equality, so under
//! Maven `=1.0` matches `1.0.Final`. A version must contain a digit, because some schemes
//! (dpkg) order any string and would otherwise accept a word such as `garbage`.

use std::cmp::Ordering;

use super::{ConstraintError, Language};
use crate::{Scheme, Version};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Operator {
    /// Returns whether `order` (the tested version against the bound) satisfies the operator.
    pub(super) fn accepts(self, order: Ordering) -> bool {
        match self {
            Operator::Equal => order.is_eq(),
            Operator::NotEqual => order.is_ne(),
            Operator::Less => order.is_lt(),
            Operator::LessOrEqual => order.is_le(),
            Operator::Greater => order.is_gt(),
            Operator::GreaterOrEqual => order.is_ge(),
        }
    }

    /// Splits a leading operator off `term`; `None` when there is none.
    pub(super) fn split(term: &str) -> (Option<Operator>, &str) {
        let operators = [
            ("<<", Operator::Less),
            (">>", Operator::Greater),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            ("<=", Operator::LessOrEqual),
            (">=", Operator::GreaterOrEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
            ("=", Operator::Equal),
        ];
        for (symbol, operator) in operators {
            if let Some(rest) = term.strip_prefix(symbol) {
                return (Some(operator), rest.trim_start());
            }
        }
        (None, term)
    }
}

/// Characters that start an operator; a version never starts with one.
const OPERATOR_CHARACTERS: &[char] = &['<', '>', '=', '!', '~', '^'];

/// A parsed comparator list: alternatives of terms that must all hold.
#[derive(Debug, Clone)]
pub(super) struct Comparators {
    alternatives: Vec<Vec<(Operator, Version)>>,
}

impl Comparators {
    pub(super) fn parse(scheme: Scheme, text: &str) -> Result<Comparators, ConstraintError> {
        let invalid = |reason: &str| ConstraintError::invalid(Language::Comparators, text, reason);
        let mut alternatives = Vec::new();
        for alternative in text.split("||") {
            let mut terms = Vec::new();
            let mut pending: Option<Operator> = None;
            for word in alternative
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|w| !w.is_empty())
            {
                let (operator, rest) = Operator::split(word);
                if let (Some(_), Some(_)) = (pending, operator) {
                    return Err(invalid("an operator is followed by another operator"));
                }
                let operator = pending.take().or(operator);
                if rest.starts_with(OPERATOR_CHARACTERS) {
                    return Err(invalid(&format!("invalid operator in `{word}`")));
                }
                if rest.is_empty() {
                    // `>= 1.0`: the version is the next word.
                    pending = operator;
                    if pending.is_none() {
                        return Err(invalid("empty term"));
                    }
                    continue;
                }
                if operator.is_none() && !terms.is_empty() {
                    return Err(invalid(&format!(
                        "unexpected `{word}` after a term; give each further term an operator"
                    )));
                }
                if !rest.contains(|c: char| c.is_ascii_digit()) {
                    return Err(invalid(&format!(
                        "`{rest}` is not a version: it has no digit"
                    )));
                }
                terms.push((operator.unwrap_or(Operator::Equal), scheme.parse(rest)?));
            }
            if pending.is_some() {
                return Err(invalid("an operator has no version after it"));
            }
            if terms.is_empty() {
                return Err(invalid("empty alternative"));
            }
            alternatives.push(terms);
        }
        Ok(Comparators { alternatives })
    }

    pub(super) fn matches(&self, version: &Version) -> bool {
        self.alternatives.iter().any(|terms| {
            terms
                .iter()
                .all(|(operator, bound)| operator.accepts(version.cmp_same_scheme(bound)))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::constraint::{Constraint, Language};
    use crate::Scheme;

    #[test]
    fn comparators_membership_table() {
        let cases = [
            (Scheme::Maven, ">=1.0, <2.0", "1.5", true),
            (Scheme::Maven, ">=1.0, <2.0", "2.0.Final", false),
            (Scheme::Maven, "=1.0", "1.0.Final", true),
            (Scheme::Maven, "<1.0 || >=3.0", "3.1", true),
            (Scheme::Maven, "<1.0 || >=3.0", "2.0", false),
            (Scheme::Maven, ">= 1.0 < 2.0", "1.2", true),
            (Scheme::NuGet, "!=1.0.0", "1.0", false),
            (Scheme::RubyGems, ">1.2.4.beta", "1.2.4", true),
            (Scheme::Cran, "<=0.3.2", "0.3.2.0", false),
        ];
        for (scheme, text, version, expected) in cases {
            let constraint = Constraint::parse(Language::Comparators, scheme, text).unwrap();
            assert_eq!(
                constraint.matches_str(version),
                Ok(expected),
                "{scheme}: {text} with {version}"
            );
        }
    }

    #[test]
    fn comparators_reject_invalid() {
        for text in ["", ">=", "1.0 ||", ">= <2.0", ">=1.0, <"] {
            let result = Constraint::parse(Language::Comparators, Scheme::Maven, text);
            assert!(result.is_err(), "{text:?}");
        }
        let result = Constraint::parse(Language::Comparators, Scheme::Cran, ">=1");
        assert!(result.is_err(), "CRAN rejects a one-number version");
    }

    #[test]
    fn comparators_reject_dpkg_nonsense() {
        let cases = [
            ("garbage", "`garbage` is not a version"),
            (">=>=1", "invalid operator in `>=>=1`"),
            (">= 1.0 junk", "unexpected `junk`"),
            ("1.0 2.0", "unexpected `2.0`"),
            ("=<1.0", "invalid operator in `=<1.0`"),
            ("<~1.0", "invalid operator in `<~1.0`"),
        ];
        for (text, reason) in cases {
            let error = Constraint::parse(Language::Comparators, Scheme::Dpkg, text)
                .expect_err(text)
                .to_string();
            assert!(error.contains(text), "{text:?}: {error}");
            assert!(error.contains(reason), "{text:?}: {error}");
        }
    }

    #[test]
    fn comparators_accept_dpkg_lists() {
        let cases = [
            (">= 1.0 < 2.0", "1.5", true),
            (">=1:2.0-1, <<1:3", "1:2.5-1", true),
            (">>1.0 <<2.0", "2.0", false),
            ("1.0-1", "1.0-1", true),
            ("<1.0~rc1 || >=2", "1.0~beta", true),
        ];
        for (text, version, expected) in cases {
            let constraint = Constraint::parse(Language::Comparators, Scheme::Dpkg, text)
                .unwrap_or_else(|error| panic!("{text:?} rejected: {error}"));
            assert_eq!(
                constraint.matches_str(version),
                Ok(expected),
                "{text} with {version}"
            );
        }
    }
}
