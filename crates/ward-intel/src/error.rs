use std::path::PathBuf;

use thiserror::Error;

/// Errors of the intel crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IntelError {
    /// The database could not be read or written.
    #[error("intel database `{path}` failed")]
    Database {
        /// Database file.
        path: PathBuf,
        /// Underlying failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
