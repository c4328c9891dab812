//! One module per subcommand.

pub mod db;
pub mod debug;
pub mod inventory;
pub mod scan;
pub mod vuln;
