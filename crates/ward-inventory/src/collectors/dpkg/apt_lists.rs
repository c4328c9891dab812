//! Archive origin of installed Debian packages, from APT's package lists.
//!
//! dpkg's status file does not record where a package came from. APT keeps the index of
//! every configured archive in `var/lib/apt/lists/`: one `*_Packages` file per component
//! and architecture (stored plain, or compressed as `.lz4` on Debian's container images and
//! `.gz` with `Acquire::GzipIndexes`), next to that archive's `*_InRelease` or `*_Release`
//! file whose `Origin:` field names its publisher (`Debian`, `Ubuntu`, `Node Source`).
//!
//! A row gets the origins of every list that carries its name, version and architecture.
//! Lists carry only an archive's current versions, so an empty result does not mean a
//! third party: a Debian package superseded by a point release is in no list either.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use crate::collectors::Context;
use crate::read::{is_missing, read_optional_text};
use crate::{Diagnostic, DiagnosticLevel, Software};

/// Directory of APT's package lists below the root.
pub const LISTS_DIR: &str = "var/lib/apt/lists";

/// Maximum decompressed size of one package list, in bytes. Debian 12's `main` list for
/// amd64 is about 45 MB; a larger file is skipped with a warning instead of filling memory.
const MAX_LIST_BYTES: u64 = 512 * 1024 * 1024;

/// Sets [`Software::apt_origins`] of the dpkg rows in `software` from the package lists
/// below the root. Does nothing when the lists directory is absent; an unreadable list
/// becomes a warning naming it, and the other lists are still read.
pub(crate) fn annotate_origins(
    context: &Context<'_>,
    software: &mut [Software],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if software.is_empty() {
        return;
    }
    let lists = match list_files(context) {
        Ok(lists) => lists,
        Err(error) => {
            diagnostics.push(
                Diagnostic::new("dpkg", DiagnosticLevel::Warning, error.to_string())
                    .with_path(LISTS_DIR),
            );
            return;
        }
    };
    if lists.is_empty() {
        return;
    }

    // (name, version) → indices of the rows, so each list stanza costs one look-up.
    let mut rows: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (index, row) in software.iter().enumerate() {
        rows.entry((row.name.as_str(), row.version.as_str()))
            .or_default()
            .push(index);
    }

    let mut origins_of_row: Vec<Vec<String>> = vec![Vec::new(); software.len()];
    let mut origin_of_release: HashMap<String, String> = HashMap::new();
    for list in &lists {
        let path = format!("{LISTS_DIR}/{list}");
        let release = release_prefix(list);
        let origin = origin_of_release
            .entry(release.clone())
            .or_insert_with(|| release_origin(context, &release))
            .clone();

        let result = scan_list(context, &path, list, |name, version, architecture| {
            let Some(indices) = rows.get(&(name, version)) else {
                return;
            };
            for &index in indices {
                let row_architecture = software[index].architecture.as_deref();
                let matches_architecture =
                    architecture == "all" || row_architecture.is_none_or(|own| own == architecture);
                let origins = &mut origins_of_row[index];
                if matches_architecture && !origins.contains(&origin) {
                    origins.push(origin.clone());
                }
            }
        });
        if let Err(message) = result {
            diagnostics
                .push(Diagnostic::new("dpkg", DiagnosticLevel::Warning, message).with_path(path));
        }
    }

    for (row, mut origins) in software.iter_mut().zip(origins_of_row) {
        origins.sort();
        row.apt_origins = origins;
    }
}

/// Lists the package list files (`*_Packages`, `.lz4`, `.gz`), sorted; empty when the
/// directory does not exist.
fn list_files(context: &Context<'_>) -> std::io::Result<Vec<String>> {
    let entries = match context.resolve(LISTS_DIR).and_then(fs_err::read_dir) {
        Ok(entries) => entries,
        Err(error) if is_missing(&error) => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_list = ["_Packages", "_Packages.lz4", "_Packages.gz"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
        if is_list {
            files.push(name);
        }
    }
    files.sort();
    Ok(files)
}

/// Streams one list, decompressing it on the fly, and calls `visit` with the `Package`,
/// `Version` and `Architecture` of each stanza that has all three. A list that vanished is
/// skipped; any other problem is an `Err` with a message naming it. Memory stays at one
/// stanza, whatever the list's size (Debian 12's `main` list for amd64 is about 45 MB).
fn scan_list(
    context: &Context<'_>,
    path: &str,
    name: &str,
    visit: impl FnMut(&str, &str, &str),
) -> Result<(), String> {
    let opened = context.resolve(path).and_then(|resolved| {
        crate::read::ensure_regular(&resolved)?;
        fs_err::File::open(resolved)
    });
    let file = match opened {
        Ok(file) => file,
        Err(error) if is_missing(&error) => return Ok(()),
        Err(error) => return Err(error.to_string()),
    };
    let decoded: Box<dyn Read> = if name.ends_with(".lz4") {
        Box::new(lz4_flex::frame::FrameDecoder::new(BufReader::new(file)))
    } else if name.ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };
    let reader = BufReader::with_capacity(64 * 1024, decoded.take(MAX_LIST_BYTES + 1));
    scan_stanzas(reader, visit)
}

/// Calls `visit` for each stanza of a list read from `reader` that has a `Package`,
/// `Version` and `Architecture`, and stops with an error past [`MAX_LIST_BYTES`].
fn scan_stanzas(
    mut reader: impl BufRead,
    mut visit: impl FnMut(&str, &str, &str),
) -> Result<(), String> {
    let mut line = Vec::new();
    let mut read = 0u64;
    let mut stanza = Stanza::default();
    loop {
        line.clear();
        let length = reader.read_until(b'\n', &mut line).map_err(|error| {
            format!(
                "APT package list could not be read or decompressed, so its origin is not \
                 known for the packages it lists: {error}"
            )
        })?;
        read += length as u64;
        if read > MAX_LIST_BYTES {
            return Err(format!(
                "APT package list is larger than {MAX_LIST_BYTES} bytes and was skipped"
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            if let (Some(name), Some(version), Some(architecture)) =
                (&stanza.name, &stanza.version, &stanza.architecture)
            {
                visit(name, version, architecture);
            }
            stanza = Stanza::default();
            if length == 0 {
                return Ok(());
            }
            continue;
        }
        if let Some(value) = text.strip_prefix("Package:") {
            stanza.name = Some(value.trim().to_owned());
        } else if let Some(value) = text.strip_prefix("Version:") {
            stanza.version = Some(value.trim().to_owned());
        } else if let Some(value) = text.strip_prefix("Architecture:") {
            stanza.architecture = Some(value.trim().to_owned());
        }
    }
}

/// The fields of one list stanza that identify a package build.
#[derive(Default)]
struct Stanza {
    name: Option<String>,
    version: Option<String>,
    architecture: Option<String>,
}

/// Returns the file name prefix shared by a list and its archive's Release file:
/// `deb.debian.org_debian_dists_bookworm` for
/// `deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages`, and the name without
/// `_Packages…` for a flat repository, which has no `dists` level.
fn release_prefix(list: &str) -> String {
    if let Some((archive, rest)) = list.split_once("_dists_") {
        let suite = rest.split('_').next().unwrap_or(rest);
        return format!("{archive}_dists_{suite}");
    }
    let end = list.rfind("_Packages").unwrap_or(list.len());
    list[..end].to_owned()
}

/// Returns the `Origin:` of the archive's `InRelease` or `Release` file, or the host part
/// of the file name (`deb.nodesource.com`) when neither exists or names one.
fn release_origin(context: &Context<'_>, prefix: &str) -> String {
    for suffix in ["_InRelease", "_Release"] {
        let path = format!("{LISTS_DIR}/{prefix}{suffix}");
        let Ok(Some(text)) = read_optional_text(context, &path) else {
            continue;
        };
        let origin = text
            .lines()
            .find_map(|line| line.strip_prefix("Origin:"))
            .map(str::trim)
            .filter(|origin| !origin.is_empty());
        if let Some(origin) = origin {
            return origin.to_owned();
        }
    }
    prefix.split('_').next().unwrap_or(prefix).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_prefix_of_lists() {
        let cases = [
            (
                "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages",
                "deb.debian.org_debian_dists_bookworm",
            ),
            (
                "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4",
                "deb.debian.org_debian-security_dists_bookworm-security",
            ),
            (
                "repo.example.com_apt_._Packages.gz",
                "repo.example.com_apt_.",
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(release_prefix(list), expected, "{list}");
        }
    }

    #[test]
    fn stanzas_need_three_fields() {
        let text = "Package: a\nVersion: 1.0-1\nArchitecture: amd64\nDescription: x\n y\n\n\
                    Package: b\nVersion: 2.0-1\n\n\
                    Package: c\r\nArchitecture: all\r\nVersion: 3.0-1";
        let mut found = Vec::new();
        let result = scan_stanzas(text.as_bytes(), |name, version, architecture| {
            found.push(format!("{name} {version} {architecture}"));
        });
        assert_eq!(result, Ok(()));
        assert_eq!(found, ["a 1.0-1 amd64", "c 3.0-1 all"]);
    }
}
