//! Risk model: the priority of each finding and recommendations grouped by the fix.

#![warn(missing_docs)]
