//! Parsers of the feed formats, one module per format.

pub mod epss;
pub mod kev;
pub mod osv;
pub mod alpine;
pub mod anchore;
pub mod archive;
pub mod cve5;
pub mod nvd;
pub mod pypa;
pub mod rustsec;
mod record_error;

pub use record_error::RecordError;
