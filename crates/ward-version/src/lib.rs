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

/// Implements `PartialEq`, `Eq` and `PartialOrd` through a version type's `Ord`, and
/// `Display` as the `text` it was parsed from.
///
/// Equality then always agrees with the scheme's order. Where a scheme orders `1.0` and
/// `1.0.0` as equal, `==` returns true too, because sorted maps and binary searches rely on
/// the `Ord` contract.
macro_rules! ordered_text_version {
    ($version:ty) => {
        impl PartialEq for $version {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other).is_eq()
            }
        }

        impl Eq for $version {}

        impl PartialOrd for $version {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl std::fmt::Display for $version {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text)
            }
        }
    };
}
pub(crate) use ordered_text_version;

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
