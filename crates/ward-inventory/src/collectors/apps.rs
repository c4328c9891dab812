//! Applications installed outside the OS package manager: macOS bundles and receipts,
//! Homebrew, Windows installed programs and servicing packages, Chocolatey, snap and flatpak.
//!
//! Each format has its own module. Sources at fixed places below the root are read by
//! [`Collector`]s (registered in [`collectors`]). Formats that only exist as command output
//! or exports (`system_profiler`, `reg export`, `DISM /get-packages`, `snap list`,
//! `flatpak list`) have `parse` functions for import. Rows carry no advisory `ecosystem`,
//! because no advisory feed ward reads is keyed by these package types.

pub mod chocolatey;
pub mod flatpak;
pub mod homebrew;
pub mod macos;
pub mod snap;
pub mod system_profiler;
pub mod windows;

use crate::collectors::Collector;
use crate::{Diagnostic, DiagnosticLevel, Software};

/// Returns the application collectors that read fixed places below the root.
pub fn collectors() -> Vec<Box<dyn Collector>> {
    vec![
        Box::new(macos::MacAppsCollector),
        Box::new(homebrew::HomebrewCollector),
        Box::new(chocolatey::ChocolateyCollector),
        Box::new(snap::SnapCollector),
        Box::new(flatpak::FlatpakCollector),
        Box::new(windows::WindowsProgramsCollector),
    ]
}

/// Builds an application row with the fields every format has.
fn row(collector: &str, package_type: &str, name: &str, version: &str, path: &str) -> Software {
    Software {
        name: name.to_owned(),
        version: version.to_owned(),
        package_type: package_type.to_owned(),
        path: Some(path.to_owned()),
        collector: collector.to_owned(),
        ..Software::default()
    }
}

/// Builds a warning about `path`.
fn warning(collector: &str, path: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(collector, DiagnosticLevel::Warning, message).with_path(path)
}

/// Returns `path` relative to the root as a string with `/` separators.
fn relative_display(root: &std::path::Path, path: &std::path::Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Resolves a host path below `root` inside the root and returns it when it names a regular
/// file; `None` when it is missing, a directory or a link loop.
fn resolve_file_below(
    root: &std::path::Path,
    path: &std::path::Path,
) -> Option<std::path::PathBuf> {
    crate::root::resolve_in_root(root, path)
        .ok()
        .filter(|resolved| resolved.is_file())
}

/// Returns the entries of a directory sorted by name, or an empty list when it is absent.
///
/// An existing directory that cannot be read yields a warning.
fn sorted_entries(
    collector: &str,
    root: &std::path::Path,
    directory: &std::path::Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<std::path::PathBuf> {
    let reader = match crate::read::read_dir_below(root, directory) {
        Ok(reader) => reader,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(error) if error.kind() == std::io::ErrorKind::NotADirectory => return Vec::new(),
        Err(error) => {
            diagnostics.push(warning(
                collector,
                &relative_display(root, directory),
                error.to_string(),
            ));
            return Vec::new();
        }
    };
    let mut entries: Vec<_> = reader
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    entries
}

#[cfg(test)]
mod tests;
