//! Parsers of the feed formats, one module per format.

pub mod alpine;
pub mod anchore;
pub mod archive;
pub mod cve5;
pub mod epss;
pub mod kev;
pub mod nvd;
pub mod osv;
pub mod pypa;
mod record_error;
pub mod rustsec;

pub use record_error::RecordError;
