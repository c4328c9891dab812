//! Matching an [`Inventory`](ward_inventory::Inventory) against vulnerability intelligence.
//!
//! [`assess`] looks up every software component's advisories through
//! [`Intel`](ward_intel::Intel), evaluates their ranges with the component's version scheme,
//! and returns one [`Finding`] per (component, vulnerability) with the evidence behind it.

#![warn(missing_docs)]

mod finding;

pub use finding::{Assessment, Component, Evidence, Finding, FindingStatus};
