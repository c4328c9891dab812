//! Operating system and device identity: release detection, advisory namespace, host name,
//! machine id and running kernel.

mod architecture;
mod identity;
mod kernel;
mod namespace;
mod release;

pub use architecture::detect_architecture;
pub use identity::{detect_identity, Identity};
pub use kernel::annotate_kernels;
pub use namespace::{advisory_ecosystem, UnmappedRelease};
pub use release::{detect_os, os_release_from_assignments, parse_assignments, LineError};
