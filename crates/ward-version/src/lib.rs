//! Version schemes of every package ecosystem, and evaluation of affected ranges.
//!
//! Each [`Scheme`] parses a version string into a typed value once and compares parsed
//! values without allocating. [`range::evaluate`] decides whether an installed version falls
//! inside an OSV `affected[]` entry's ranges and explicit `versions[]`.
//!
//! A version that does not parse is an error, and range evaluation turns it into an explicit
//! [`range::Verdict::Unknown`]: it never silently matches and never silently drops the range.
//!
//! ```
//! use std::cmp::Ordering;
//! use ward_version::Scheme;
//!
//! let order = Scheme::Dpkg.compare("1:1.0-1", "2.0-1").unwrap();
//! assert_eq!(order, Ordering::Greater);
//! ```

#![warn(missing_docs)]

pub mod alpm;
pub mod apk;
pub mod constraint;
pub mod cran;
pub mod dpkg;
mod error;
pub mod generic;
pub mod go;
pub mod hackage;
pub mod maven;
pub mod nuget;
pub mod packagist;
pub mod pep440;
pub mod pub_;
pub mod range;
pub mod rpm;
pub mod rubygems;
mod scheme;
pub mod semver;

pub use error::VersionError;
pub use scheme::{Scheme, Version};
