//! rpm package database collector, reading all three backends natively.
//!
//! No `rpm` binary or librpm is needed. The collector looks in `usr/lib/sysimage/rpm` (Fedora
//! 36+, openSUSE) and `var/lib/rpm` for, in order of preference:
//!
//! | file | backend | rpm versions |
//! |---|---|---|
//! | `rpmdb.sqlite` | SQLite, table `Packages` | 4.16+ (Fedora 33+, RHEL 9, Mariner) |
//! | `Packages.db` | NDB | 4.15+ as built by SUSE |
//! | `Packages` | Berkeley DB hash | up to 4.15 (RHEL ≤ 8, CentOS, Amazon Linux 2) |
//!
//! and reads the first one found in each directory (a directory reached twice through a
//! symlink is read once). Each stored value is an rpm header blob, decoded by [`header`].
//!
//! Every row records the binary package's own `[epoch:]version-release` as `version`, and
//! the source package's name and `[epoch:]version-release` (from `SOURCERPM`) as
//! `source_name` / `source_version` when they differ: source-keyed advisories (OSV for
//! AlmaLinux, Rocky) compare the source EVR, binary-keyed data (OVAL, CSAF) the binary's.

pub mod bdb;
pub mod header;
pub mod manifest;
pub mod ndb;
pub mod sqlite;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use packageurl::PackageUrl;

use crate::collectors::{Collection, Collector, Context};
use crate::root::resolve_in_root;
use crate::{Diagnostic, DiagnosticLevel, OsRelease, Software};

use header::{PackageHeader, SourceRpm};

/// Name recorded in every row and diagnostic of this collector.
pub const COLLECTOR: &str = "rpm";

/// Directories that hold an rpm database, relative to the root, most recent layout first.
const DATABASE_DIRECTORIES: [&str; 2] = ["usr/lib/sysimage/rpm", "var/lib/rpm"];

/// Largest database file read; real databases stay well below (a full RHEL 7 server's BDB
/// `Packages` is about 100 MiB), so a larger file is more likely junk than a database.
const MAX_DATABASE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Record errors reported one by one per database; further ones are counted in one line.
const MAX_RECORD_DIAGNOSTICS: usize = 20;

/// One of rpm's three database formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `rpmdb.sqlite`.
    Sqlite,
    /// `Packages.db` (SUSE).
    Ndb,
    /// `Packages` (Berkeley DB hash).
    BerkeleyDb,
}

impl Backend {
    /// All backends, in order of preference.
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Ndb, Backend::BerkeleyDb];

    /// Returns the database's file name inside its directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Backend::Sqlite => "rpmdb.sqlite",
            Backend::Ndb => "Packages.db",
            Backend::BerkeleyDb => "Packages",
        }
    }
}

/// Collector of the rpm package database.
#[derive(Debug, Clone, Copy, Default)]
pub struct RpmCollector;

impl Collector for RpmCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        for database in locate_databases(&context.options.root) {
            for (other, other_path) in &database.ignored {
                collection.diagnostics.push(
                    Diagnostic::new(
                        COLLECTOR,
                        DiagnosticLevel::Info,
                        format!(
                            "ignored `{}`: `{}` in the same directory is the newer backend",
                            other.file_name(),
                            database.backend.file_name()
                        ),
                    )
                    .with_path(other_path.as_str()),
                );
            }
            collection.extend(read_database(
                &database.path,
                database.backend,
                &database.display_path,
                context.os,
            ));
        }
        collection
    }
}

/// An rpm database file found below the collection root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseFile {
    /// Backend of the file, the newest one present in its directory.
    pub backend: Backend,
    /// Host path of the file, resolved inside the root.
    pub path: PathBuf,
    /// Path relative to the root as rows and diagnostics record it (`var/lib/rpm/Packages`).
    pub display_path: String,
    /// Older backends present in the same directory and not read, with their display paths.
    pub ignored: Vec<(Backend, String)>,
}

/// Finds the rpm database of each directory in [`DATABASE_DIRECTORIES`] below `root`.
///
/// Each directory is resolved inside the root, so `var/lib/rpm -> ../../usr/lib/sysimage/rpm`
/// is read once and an absolute link stays in the image. A directory without a database
/// file contributes nothing.
pub fn locate_databases(root: &Path) -> Vec<DatabaseFile> {
    let mut databases = Vec::new();
    let mut seen_directories = HashSet::new();
    for directory in DATABASE_DIRECTORIES {
        let Ok(resolved) = resolve_in_root(root, Path::new(directory)) else {
            continue;
        };
        if !seen_directories.insert(resolved.clone()) {
            continue;
        }

        let mut present = Backend::ALL.into_iter().filter_map(|backend| {
            let file = resolve_in_root(root, &resolved.join(backend.file_name())).ok()?;
            file.is_file().then_some((backend, file))
        });
        let Some((backend, path)) = present.next() else {
            continue;
        };
        databases.push(DatabaseFile {
            backend,
            path,
            display_path: format!("{directory}/{}", backend.file_name()),
            ignored: present
                .map(|(other, _)| (other, format!("{directory}/{}", other.file_name())))
                .collect(),
        });
    }
    databases
}

/// Reads the header blobs of one database as `(record number, blob)`, leaving out records
/// that cannot be read; `Err` is a whole-file failure.
///
/// Used by passes that need tags the collector does not record (the file lists); the
/// collector itself reports the damaged records.
pub fn read_header_blobs(path: &Path, backend: Backend) -> Result<Vec<(u32, Vec<u8>)>, String> {
    let mut records = Records::new("");
    read_blobs(path, backend, &mut records)?;
    Ok(records.blobs)
}

/// Reads one rpm database file and converts its packages into software rows.
///
/// `display_path` is recorded in rows and diagnostics (the path relative to the collection
/// root). Never fails: an unreadable file or damaged records become diagnostics.
pub fn read_database(
    path: &Path,
    backend: Backend,
    display_path: &str,
    os: Option<&OsRelease>,
) -> Collection {
    let mut collection = Collection::default();
    let mut records = Records::new(display_path);

    match read_blobs(path, backend, &mut records) {
        Ok(()) => {}
        Err(message) => {
            collection.diagnostics.push(
                Diagnostic::new(COLLECTOR, DiagnosticLevel::Error, message).with_path(display_path),
            );
            return collection;
        }
    }

    let ecosystem = os.and_then(|os| crate::os::advisory_ecosystem(os).ok());
    let blobs = std::mem::take(&mut records.blobs);
    for (number, blob) in &blobs {
        match PackageHeader::from_blob(blob) {
            Ok(package) if package.name == "gpg-pubkey" => {
                // Imported signing keys are stored as pseudo-packages; they are not software.
                tracing::trace!(version = %package.version, "skipped gpg-pubkey entry");
            }
            Ok(package) => collection.software.push(to_software(
                &package,
                display_path,
                os,
                ecosystem.as_deref(),
            )),
            Err(error) => records.error(format!("package record {number}: {error}")),
        }
    }
    collection.diagnostics.extend(records.into_diagnostics());
    collection
}

/// Header blobs read from one database, and the record errors met on the way.
struct Records<'a> {
    display_path: &'a str,
    blobs: Vec<(u32, Vec<u8>)>,
    errors: Vec<String>,
}

impl<'a> Records<'a> {
    fn new(display_path: &'a str) -> Self {
        Self {
            display_path,
            blobs: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, message: String) {
        self.errors.push(message);
    }

    fn into_diagnostics(self) -> Vec<Diagnostic> {
        let warning = |message: String| {
            Diagnostic::new(COLLECTOR, DiagnosticLevel::Warning, message)
                .with_path(self.display_path)
        };
        let mut out: Vec<Diagnostic> = self
            .errors
            .iter()
            .take(MAX_RECORD_DIAGNOSTICS)
            .cloned()
            .map(warning)
            .collect();
        if self.errors.len() > MAX_RECORD_DIAGNOSTICS {
            out.push(warning(format!(
                "{} more damaged records not listed",
                self.errors.len() - MAX_RECORD_DIAGNOSTICS
            )));
        }
        out
    }
}

/// Fills `records` with the header blobs of the database; `Err` is a whole-file failure.
fn read_blobs(path: &Path, backend: Backend, records: &mut Records<'_>) -> Result<(), String> {
    if backend == Backend::Sqlite {
        let rows = sqlite::read_packages(path).map_err(|error| {
            let source = std::error::Error::source(&error).map(ToString::to_string);
            format!("{error}: {}", source.unwrap_or_default())
        })?;
        records.blobs = rows;
        return Ok(());
    }

    let size = fs_err::metadata(path)
        .map_err(|error| error.to_string())?
        .len();
    if size > MAX_DATABASE_BYTES {
        return Err(format!(
            "database of {size} bytes exceeds the {MAX_DATABASE_BYTES}-byte limit"
        ));
    }
    // NOTE: the whole file is read into memory; a BDB `Packages` of a large server is around
    // 100 MiB. Reading pages on demand would bound memory at the cost of many small reads.
    let bytes = crate::read::read_regular(path).map_err(|error| error.to_string())?;

    if backend == Backend::Ndb {
        let packages = ndb::read_packages(&bytes).map_err(|error| error.to_string())?;
        for package in packages {
            match package {
                Ok((number, blob)) => records.blobs.push((number, blob.to_vec())),
                Err(error) => records.error(error.to_string()),
            }
        }
        return Ok(());
    }

    let database = bdb::HashDb::open(&bytes).map_err(|error| error.to_string())?;
    for value in database.values() {
        match value {
            Ok(pair) => records.blobs.push(pair),
            Err(error) => records.error(error.to_string()),
        }
    }
    Ok(())
}

/// Converts one decoded header into a software row; `ecosystem` is the OS's advisory
/// namespace (`AlmaLinux:9`), `None` when the release has no advisory data.
pub fn to_software(
    package: &PackageHeader,
    display_path: &str,
    os: Option<&OsRelease>,
    ecosystem: Option<&str>,
) -> Software {
    let version = package.evr();
    let source = package.source_rpm.as_deref().and_then(SourceRpm::parse);

    // SOURCERPM carries no epoch. rpm gives subpackages the source's epoch unless the spec
    // overrides it per subpackage, which no major distribution does, so the binary's
    // epoch stands in for the source's.
    let (source_name, source_version) = match &source {
        Some(source) => {
            let source_evr = match package.epoch {
                Some(epoch) => format!("{epoch}:{}-{}", source.version, source.release),
                None => format!("{}-{}", source.version, source.release),
            };
            (
                Some(source.name.to_owned()).filter(|name| *name != package.name),
                Some(source_evr).filter(|evr| *evr != version),
            )
        }
        None => (None, None),
    };

    Software {
        name: package.name.clone(),
        version,
        architecture: package.arch.clone().filter(|arch| arch != "(none)"),
        package_type: "rpm".to_owned(),
        ecosystem: ecosystem.map(str::to_owned),
        source_name,
        source_version,
        status: None,
        purl: purl(
            &package.name,
            package.epoch,
            &package.version,
            &package.release,
            package.arch.as_deref(),
            os,
        ),
        path: Some(display_path.to_owned()),
        collector: COLLECTOR.to_owned(),
        vendor: package.vendor.clone(),
        license: package.license.clone(),
        installed_at: package
            .install_time
            .and_then(|seconds| DateTime::<Utc>::from_timestamp(i64::from(seconds), 0)),
        modularity_label: package.modularity_label.clone(),
        ..Software::default()
    }
}

/// Returns the package URL of an rpm package.
///
/// Follows the purl specification's `rpm` type: the namespace is the distribution vendor
/// (`redhat`, `fedora`, `opensuse`…, from `os-release` `ID`), the version is
/// `version-release`, and the epoch, architecture and distribution go in the `epoch`,
/// `arch` and `distro` qualifiers.
pub fn purl(
    name: &str,
    epoch: Option<u32>,
    version: &str,
    release: &str,
    arch: Option<&str>,
    os: Option<&OsRelease>,
) -> Option<String> {
    let mut purl = PackageUrl::new("rpm", name).ok()?;
    if let Some(namespace) = os.map(purl_namespace) {
        purl.with_namespace(namespace).ok()?;
    }
    purl.with_version(format!("{version}-{release}")).ok()?;
    if let Some(arch) = arch.filter(|arch| *arch != "(none)") {
        purl.add_qualifier("arch", arch.to_owned()).ok()?;
    }
    if let Some(epoch) = epoch.filter(|epoch| *epoch != 0) {
        purl.add_qualifier("epoch", epoch.to_string()).ok()?;
    }
    if let Some(os) = os {
        let distro = match &os.version_id {
            Some(version_id) => format!("{}-{version_id}", os.id),
            None => os.id.clone(),
        };
        purl.add_qualifier("distro", distro).ok()?;
    }
    Some(purl.to_string())
}

/// Returns the purl namespace (vendor) for an OS: `redhat` for RHEL as in the purl spec's
/// examples, `suse` and `opensuse` for SUSE's products, other distributions their
/// `os-release` `ID`.
fn purl_namespace(os: &OsRelease) -> String {
    match os.id.as_str() {
        "rhel" => "redhat".to_owned(),
        "sles" | "sled" | "sle-micro" => "suse".to_owned(),
        id if id.starts_with("opensuse") => "opensuse".to_owned(),
        id => id.to_owned(),
    }
}

#[cfg(test)]
mod tests;
