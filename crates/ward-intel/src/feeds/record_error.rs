//! The per-record error shared by the feed parsers.

use std::fmt;

/// One record of a feed that could not be parsed; parsers collect these and go on with
/// the next record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Record id (`CVE-2024-1234`, `RUSTSEC-2024-0001`) when the record got far enough to
    /// show one; otherwise the entry name or position is in `location`.
    pub id: Option<String>,
    /// Position of the record in its file (`vulnerabilities[17]`, an archive entry name).
    pub location: String,
    /// Description of the problem, naming the field.
    pub message: String,
}

impl RecordError {
    pub(crate) fn new(
        id: Option<String>,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        RecordError {
            id,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "record `{id}` at {}: {}", self.location, self.message),
            None => write!(f, "record at {}: {}", self.location, self.message),
        }
    }
}

impl std::error::Error for RecordError {}
