//! Ownership of language-package files by OS packages.
//!
//! Debian ships Python modules (`python3-requests` installs
//! `/usr/lib/python3/dist-packages/requests-2.28.1.egg-info`), Node modules, jars and Go
//! binaries; Fedora and RHEL do the same with `python3-*` and `nodejs-*` rpms. Such a copy
//! carries the distro's backported fixes, so it must be judged by distro data, not by
//! upstream ranges. A component whose file an OS package installed gets
//! `owned_by = "deb:<package>"` or `owned_by = "rpm:<package>"`:
//!
//! - dpkg records every file of a package in `var/lib/dpkg/info/<package>[:<arch>].list`.
//! - rpm records them in each package header, split into `DIRNAMES`, `BASENAMES` and
//!   `DIRINDEXES` ([`FileList`]), read from whichever backend the rpm collector reads.
//!
//! Package databases list paths as installed, which may cross a linked directory
//! (`/lib -> usr/lib` on merged-`/usr` systems), while the walk reports real paths. A listed
//! path whose file name is that of a found component, but whose directory is not, has its
//! directory resolved inside the root before it is compared.
//!
//! The lists are streamed once after the walk and only the paths of found components are
//! kept in memory, so the cost in memory grows with components found, not with the size of
//! the lists.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::collectors::rpm::header::FileList;
use crate::collectors::rpm::{locate_databases, read_header_blobs};
use crate::read::{read_below, read_dir_below};
use crate::root::resolve_in_root;
use crate::{Diagnostic, DiagnosticLevel, Software};

const NAME: &str = "os-ownership";

/// Marks each component in `software` whose file an OS package installed, reading the dpkg
/// file lists and the rpm database below `root`; returns a diagnostic per dpkg list that
/// could not be read.
///
/// Components that already have an owner, or no path, are left alone. When both dpkg and
/// rpm list a file, dpkg's owner is kept. An rpm database that cannot be read marks nothing
/// here and is reported by the rpm collector.
pub fn mark_os_owned(root: &Path, software: &mut [Software]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let Some(mut candidates) = Candidates::new(root, software) else {
        return diagnostics;
    };
    mark_from_dpkg(&mut candidates, software, &mut diagnostics);
    mark_from_rpm(&mut candidates, software);
    diagnostics
}

/// Paths of the components still without an owner, indexed for the lookups of both passes.
struct Candidates {
    root: PathBuf,
    /// Component indices by absolute path in the image (`/usr/lib/…/METADATA`).
    by_path: HashMap<String, Vec<usize>>,
    /// Directories of those paths, each ending in `/`.
    directories: HashSet<String>,
    /// File names of those paths, which select the listed paths worth resolving.
    file_names: HashSet<String>,
    /// Listed directories resolved inside the root, `None` when they do not resolve.
    resolved_directories: HashMap<String, Option<String>>,
}

impl Candidates {
    /// Indexes the components of `software` that have a path and no owner; `None` when there
    /// is none.
    fn new(root: &Path, software: &[Software]) -> Option<Self> {
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, component) in software.iter().enumerate() {
            if component.owned_by.is_some() {
                continue;
            }
            if let Some(path) = &component.path {
                by_path
                    .entry(format!("/{}", path.trim_start_matches('/')))
                    .or_default()
                    .push(index);
            }
        }
        if by_path.is_empty() {
            return None;
        }

        let mut directories = HashSet::new();
        let mut file_names = HashSet::new();
        for path in by_path.keys() {
            if let Some((directory, file_name)) = split_path(path) {
                directories.insert(directory.to_owned());
                file_names.insert(file_name.to_owned());
            }
        }
        Some(Self {
            root: root.to_path_buf(),
            by_path,
            directories,
            file_names,
            resolved_directories: HashMap::new(),
        })
    }

    /// Sets `owner` on the components found at `directory` + `file_name`, a path an OS
    /// package lists (`directory` ends in `/`).
    fn mark(
        &mut self,
        directory: &str,
        file_name: &str,
        owner: &dyn Fn() -> String,
        software: &mut [Software],
    ) {
        let directory = if self.directories.contains(directory) {
            directory.to_owned()
        } else if self.file_names.contains(file_name) {
            match self.resolve_directory(directory) {
                Some(resolved) if self.directories.contains(&resolved) => resolved,
                _ => return,
            }
        } else {
            return;
        };

        let Some(indices) = self.by_path.get(&format!("{directory}{file_name}")) else {
            return;
        };
        for &index in indices {
            if let Some(component) = software.get_mut(index) {
                component.owned_by.get_or_insert_with(owner);
            }
        }
    }

    /// Returns the real directory (ending in `/`) that a listed directory names in the
    /// image, cached per directory.
    fn resolve_directory(&mut self, directory: &str) -> Option<String> {
        if let Some(resolved) = self.resolved_directories.get(directory) {
            return resolved.clone();
        }
        let resolved = resolve_in_root(&self.root, Path::new(directory))
            .ok()
            .and_then(|path| {
                let relative = path.strip_prefix(&self.root).ok()?.to_str()?.to_owned();
                Some(if relative.is_empty() {
                    "/".to_owned()
                } else {
                    format!("/{relative}/")
                })
            });
        self.resolved_directories
            .insert(directory.to_owned(), resolved.clone());
        resolved
    }
}

/// Splits an absolute path into its directory (ending in `/`) and file name.
fn split_path(path: &str) -> Option<(&str, &str)> {
    let slash = path.rfind('/')?;
    let (directory, file_name) = path.split_at(slash + 1);
    (!file_name.is_empty()).then_some((directory, file_name))
}

/// Marks the components listed in dpkg's `var/lib/dpkg/info/*.list` files.
///
/// Without `var/lib/dpkg/info` (not a Debian system, or a distroless image with only
/// `status.d`) nothing is marked.
fn mark_from_dpkg(
    candidates: &mut Candidates,
    software: &mut [Software],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let root = candidates.root.clone();
    let Ok(entries) = read_dir_below(&root, Path::new("var/lib/dpkg/info")) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(list_name) = file_name
            .to_str()
            .and_then(|name| name.strip_suffix(".list"))
        else {
            continue;
        };
        let package = list_name.split(':').next().unwrap_or(list_name);
        let text = match read_below(&root, &entry.path()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => {
                diagnostics.push(Diagnostic {
                    collector: NAME.to_owned(),
                    level: DiagnosticLevel::Warning,
                    path: Some(format!("var/lib/dpkg/info/{list_name}.list")),
                    line: None,
                    message: format!("cannot read dpkg file list: {error}"),
                });
                continue;
            }
        };
        let owner = || format!("deb:{package}");
        for line in text.lines() {
            if let Some((directory, file_name)) = split_path(line) {
                candidates.mark(directory, file_name, &owner, software);
            }
        }
    }
}

/// Marks the components listed in the file lists of the rpm database's headers.
fn mark_from_rpm(candidates: &mut Candidates, software: &mut [Software]) {
    for database in locate_databases(&candidates.root.clone()) {
        let blobs = match read_header_blobs(&database.path, database.backend) {
            Ok(blobs) => blobs,
            Err(error) => {
                tracing::debug!(path = %database.display_path, %error, "rpm database not read for file ownership");
                continue;
            }
        };
        for (_, blob) in &blobs {
            // Damaged headers are reported by the rpm collector, which reads the same blobs.
            let Ok(files) = FileList::from_blob(blob) else {
                continue;
            };
            let owner = || format!("rpm:{}", files.package);
            for (directory, file_name) in files.iter() {
                let (Ok(directory), Ok(file_name)) = (
                    std::str::from_utf8(directory),
                    std::str::from_utf8(file_name),
                ) else {
                    continue;
                };
                // `OLDFILENAMES` entries carry the whole path in the file name.
                match split_path(file_name) {
                    Some((old_directory, old_file_name)) if directory.is_empty() => {
                        candidates.mark(old_directory, old_file_name, &owner, software);
                    }
                    _ => candidates.mark(directory, file_name, &owner, software),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::rpm::header::tests::blob_with_files;

    fn component(name: &str, path: &str) -> Software {
        Software {
            name: name.to_owned(),
            path: Some(path.to_owned()),
            ..Software::default()
        }
    }

    fn write_rpmdb(root: &Path, blobs: &[Vec<u8>]) {
        let directory = root.join("var/lib/rpm");
        std::fs::create_dir_all(&directory).expect("create rpm dir");
        let connection =
            rusqlite::Connection::open(directory.join("rpmdb.sqlite")).expect("create database");
        connection
            .execute(
                "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)",
                [],
            )
            .expect("create table");
        for (number, blob) in blobs.iter().enumerate() {
            connection
                .execute(
                    "INSERT INTO Packages (hnum, blob) VALUES (?1, ?2)",
                    rusqlite::params![number as i64 + 1, blob],
                )
                .expect("insert header");
        }
    }

    #[cfg(unix)]
    #[test]
    fn dpkg_list_marks_owned_component() {
        let root = tempfile::tempdir().expect("temp dir");
        let info = root.path().join("var/lib/dpkg/info");
        std::fs::create_dir_all(&info).expect("create info dir");
        std::fs::write(
            info.join("python3-six.list"),
            "/.\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n",
        )
        .expect("write list");
        std::fs::write(info.join("golang-bin:amd64.list"), "/bin/gobin\n").expect("write list");
        // Merged `/usr`: dpkg lists `/bin/gobin`, the walk finds `usr/bin/gobin`.
        std::fs::create_dir_all(root.path().join("usr/bin")).expect("create usr/bin");
        std::os::unix::fs::symlink("usr/bin", root.path().join("bin")).expect("link bin");

        let mut software = vec![
            component(
                "six",
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
            ),
            component("gobin", "usr/bin/gobin"),
            component(
                "flask",
                "venv/lib/python3.11/site-packages/flask-3.0.dist-info/METADATA",
            ),
        ];
        let diagnostics = mark_os_owned(root.path(), &mut software);
        assert!(diagnostics.is_empty());
        assert_eq!(software[0].owned_by.as_deref(), Some("deb:python3-six"));
        assert_eq!(software[1].owned_by.as_deref(), Some("deb:golang-bin"));
        assert_eq!(software[2].owned_by, None);
    }

    #[test]
    fn dpkg_list_without_link_marks_nothing() {
        // `/bin` is a real directory here, so `/bin/gobin` is not `usr/bin/gobin`.
        let root = tempfile::tempdir().expect("temp dir");
        let info = root.path().join("var/lib/dpkg/info");
        std::fs::create_dir_all(&info).expect("create info dir");
        std::fs::create_dir_all(root.path().join("bin")).expect("create bin");
        std::fs::write(info.join("golang-bin.list"), "/bin/gobin\n").expect("write list");

        let mut software = vec![component("gobin", "usr/bin/gobin")];
        mark_os_owned(root.path(), &mut software);
        assert_eq!(software[0].owned_by, None);
    }

    #[cfg(unix)]
    #[test]
    fn rpm_file_list_marks_owned_component() {
        let root = tempfile::tempdir().expect("temp dir");
        write_rpmdb(
            root.path(),
            &[
                blob_with_files(
                    "python3-rpm",
                    &["/usr/lib64/python3.9/site-packages/", "/usr/share/doc/rpm/"],
                    &[(0, "rpm-4.16.0-py3.9.egg-info"), (1, "README")],
                ),
                blob_with_files(
                    "python3-six",
                    &["/lib64/python3.9/site-packages/six-1.16.0.dist-info/"],
                    &[(0, "METADATA"), (0, "RECORD")],
                ),
            ],
        );
        std::fs::create_dir_all(
            root.path()
                .join("usr/lib64/python3.9/site-packages/six-1.16.0.dist-info"),
        )
        .expect("create dist-info");
        std::os::unix::fs::symlink("usr/lib64", root.path().join("lib64")).expect("link lib64");

        let mut software = vec![
            component(
                "rpm",
                "usr/lib64/python3.9/site-packages/rpm-4.16.0-py3.9.egg-info",
            ),
            component(
                "six",
                "usr/lib64/python3.9/site-packages/six-1.16.0.dist-info/METADATA",
            ),
            component(
                "requests",
                "usr/lib64/python3.9/site-packages/requests-2.31.0.dist-info/METADATA",
            ),
        ];
        let diagnostics = mark_os_owned(root.path(), &mut software);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(software[0].owned_by.as_deref(), Some("rpm:python3-rpm"));
        assert_eq!(software[1].owned_by.as_deref(), Some("rpm:python3-six"));
        assert_eq!(software[2].owned_by, None);
    }

    #[test]
    fn dpkg_owner_wins_over_rpm() {
        let root = tempfile::tempdir().expect("temp dir");
        let info = root.path().join("var/lib/dpkg/info");
        std::fs::create_dir_all(&info).expect("create info dir");
        std::fs::write(
            info.join("node-semver.list"),
            "/usr/lib/node_modules/semver/package.json\n",
        )
        .expect("write list");
        write_rpmdb(
            root.path(),
            &[blob_with_files(
                "nodejs-semver",
                &["/usr/lib/node_modules/semver/"],
                &[(0, "package.json")],
            )],
        );

        let mut software = vec![component(
            "semver",
            "usr/lib/node_modules/semver/package.json",
        )];
        mark_os_owned(root.path(), &mut software);
        assert_eq!(software[0].owned_by.as_deref(), Some("deb:node-semver"));
    }
}
