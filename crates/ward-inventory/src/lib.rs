//! Inventory of one device: the document types and the collectors that fill them.
//!
//! An [`Inventory`] is one snapshot of a [`Device`]: its operating system, kernel and the
//! [`Software`] installed on it, with the [`Diagnostic`]s the collectors raised. It is a plain
//! serde value with a `schema_version`, written by `ward inventory` and read back by
//! `ward scan --inventory`; unknown fields are kept in `extra` so an older ward can carry a
//! newer document without losing data.
//!
//! Collectors read files below a root directory (`/` on a live host, a mounted image or a
//! fixture tree otherwise) and never run package-manager binaries. Paths below the root are
//! resolved as a chroot would ([`root`]): an absolute symbolic link in an image names a file
//! of the image, never one of the host.
//!
//! ```no_run
//! use ward_inventory::{collect, CollectOptions};
//!
//! let inventory = collect(&CollectOptions::new("/"));
//! println!("{} packages", inventory.software.len());
//! ```

#![warn(missing_docs)]

pub mod collectors;
mod document;
pub mod os;
mod read;
pub mod root;
pub mod walk;

pub use collectors::{collect, CollectOptions, Collection, Collector, Context, FileCollector};
pub use document::{
    Device, Diagnostic, DiagnosticLevel, Inventory, Kernel, KernelPackage, OsRelease, Software,
    SCHEMA_VERSION,
};
