use thiserror::Error;

/// A version string that a scheme cannot parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid {scheme} version `{value}`: {reason}")]
#[non_exhaustive]
pub struct VersionError {
    /// Name of the scheme that rejected the value (`dpkg`, `pep440`).
    pub scheme: &'static str,
    /// The rejected value, verbatim.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

impl VersionError {
    /// Creates an error for `value` rejected by `scheme` because of `reason`.
    pub fn new(scheme: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self {
            scheme,
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}
