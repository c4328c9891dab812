//! Collectors: each reads one kind of source below the collection root.
//!
//! Two shapes exist. A [`Collector`] reads sources at fixed places (the dpkg status file, the
//! rpm database). A [`FileCollector`] is offered every file of the filesystem walk: a cheap
//! [`FileCollector::is_candidate`] check on the path and metadata, then
//! [`FileCollector::parse`] on the files it accepts (lockfiles, `*.dist-info`, jars).

pub mod apk;
pub mod apps;
mod deb822;
pub mod dpkg;
pub mod lang;
pub mod opkg;
pub mod pacman;
pub mod rpm;

use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::{Device, Diagnostic, DiagnosticLevel, Inventory, OsRelease, Software, SCHEMA_VERSION};

/// Options shared by every collector.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Directory every collector reads below: `/` on a live host.
    pub root: PathBuf,
    /// Whether `root` is the running system, so that live-only facts (running kernel,
    /// kernel host name) may be read from the current process's view.
    pub is_live: bool,
    /// Options of the filesystem walk that feeds the [`FileCollector`]s.
    pub walk: crate::walk::WalkOptions,
}

impl CollectOptions {
    /// Creates options for collecting below `root`; live facts are read when `root` is `/`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let is_live = root == Path::new("/");
        Self {
            root,
            is_live,
            walk: crate::walk::WalkOptions::default(),
        }
    }
}

/// Input of a collector: the root and what is already known about the system.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Options of this collection run.
    pub options: &'a CollectOptions,
    /// Operating system identity, when `os-release` was found.
    pub os: Option<&'a OsRelease>,
}

impl Context<'_> {
    /// Returns the advisory namespace of the OS packages (`Debian:12`), `None` when the OS is
    /// unknown or has no advisory data (the OS step records why).
    pub fn os_ecosystem(&self) -> Option<String> {
        self.os
            .and_then(|os| crate::os::advisory_ecosystem(os).ok())
    }

    /// Resolves `relative` (such as `var/lib/dpkg/status`, a leading `/` is ignored) below the
    /// collection root as a chroot would, and returns the host path to open.
    ///
    /// Symbolic links, absolute ones included, are followed inside the root and `..` never
    /// leaves it. A host path that already starts with the root is accepted too. Errors are
    /// those of [`crate::root::resolve_in_root`]: `NotFound` for a missing component, `Other`
    /// for a link loop.
    pub fn resolve(&self, relative: impl AsRef<Path>) -> std::io::Result<PathBuf> {
        crate::root::resolve_in_root(&self.options.root, relative.as_ref())
    }

    /// Returns the host path of a file the filesystem walk found (`relative` to the root).
    ///
    /// No resolution is needed: the walk never follows a symbolic link, so the directories
    /// that lead to the file are real ones, and it offers only regular files to collectors.
    /// Every other path goes through [`Self::resolve`].
    pub fn walked_path(&self, relative: &Path) -> PathBuf {
        self.options.root.join(relative)
    }
}

/// Software and diagnostics found by one collector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Collection {
    /// Software components found.
    pub software: Vec<Software>,
    /// Problems met, each naming its file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Collection {
    /// Appends everything `other` found.
    pub fn extend(&mut self, other: Collection) {
        self.software.extend(other.software);
        self.diagnostics.extend(other.diagnostics);
    }
}

/// A collector of sources at fixed places below the root.
pub trait Collector: Send + Sync {
    /// Returns the collector's name, recorded in every row and diagnostic it produces.
    fn name(&self) -> &'static str;

    /// Reads the collector's sources; what cannot be read becomes a diagnostic.
    fn collect(&self, context: &Context<'_>) -> Collection;
}

/// Size above which the walk skips a candidate file unless its collector sets another limit.
pub const DEFAULT_MAX_FILE_SIZE_BYTES: u64 = 64 * 1024 * 1024;

/// A collector offered each file of the filesystem walk.
pub trait FileCollector: Send + Sync {
    /// Returns the collector's name, recorded in every row and diagnostic it produces.
    fn name(&self) -> &'static str;

    /// Decides from the path (relative to the root) alone whether the file may be a candidate.
    ///
    /// The walk reads a file's metadata only when some collector returns `true` here, so a
    /// collector that matches by name keeps the walk from calling `lstat` on every file.
    fn is_candidate_path(&self, path: &Path) -> bool {
        let _ = path;
        true
    }

    /// Decides from the path (relative to the root) and metadata alone whether to parse.
    fn is_candidate(&self, path: &Path, metadata: &std::fs::Metadata) -> bool;

    /// Returns the size above which a candidate is skipped with a diagnostic, in bytes.
    fn max_file_size_bytes(&self) -> u64 {
        DEFAULT_MAX_FILE_SIZE_BYTES
    }

    /// Parses one accepted file (`path` is relative to the root).
    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection;
}

/// Returns every collector of sources at fixed places, in the order [`collect`] runs them.
pub fn fixed_place_collectors() -> Vec<Box<dyn Collector>> {
    let mut collectors: Vec<Box<dyn Collector>> = vec![
        Box::new(dpkg::DpkgCollector),
        Box::new(apk::ApkCollector),
        Box::new(pacman::PacmanCollector),
        Box::new(opkg::OpkgCollector),
        Box::new(rpm::RpmCollector),
    ];
    collectors.extend(apps::collectors());
    collectors
}

/// Collects the inventory of the system below `options.root`.
///
/// Steps: OS detection and device identity first (collectors use the release for the
/// advisory namespace and the package URL), then every collector of [`fixed_place_collectors`],
/// then the device facts derived from the packages (architecture, kernels and whether a
/// reboot is required).
///
/// Never fails: what cannot be read becomes a diagnostic in the returned inventory.
#[tracing::instrument(skip_all, fields(root = %options.root.display()))]
pub fn collect(options: &CollectOptions) -> Inventory {
    let collected_at = Utc::now();
    let mut diagnostics = Vec::new();

    let bare_context = Context { options, os: None };
    let (os, os_diagnostics) = crate::os::detect_os(&bare_context);
    diagnostics.extend(os_diagnostics);
    let (identity, identity_diagnostics) = crate::os::detect_identity(&bare_context);
    diagnostics.extend(identity_diagnostics);

    let advisory_ecosystem = match os.as_ref().map(crate::os::advisory_ecosystem) {
        Some(Ok(ecosystem)) => Some(ecosystem),
        Some(Err(unmapped)) => {
            diagnostics.push(Diagnostic::new(
                "os",
                DiagnosticLevel::Warning,
                unmapped.to_string(),
            ));
            None
        }
        None => None,
    };

    let context = Context {
        options,
        os: os.as_ref(),
    };
    let mut collection = Collection::default();
    for collector in fixed_place_collectors() {
        let _span = tracing::debug_span!("collector", name = collector.name()).entered();
        collection.extend(collector.collect(&context));
    }
    let walked = crate::walk::walk(&context, &lang::file_collectors(), &options.walk);
    let mut language = walked.collection;
    language
        .diagnostics
        .extend(lang::mark_os_owned(&options.root, &mut language.software));
    collection.extend(language);
    diagnostics.extend(collection.diagnostics);
    let mut software = collection.software;

    let reboot_required =
        crate::os::annotate_kernels(&mut software, identity.kernel.as_ref(), &mut diagnostics);

    let architecture = crate::os::detect_architecture(&context, os.as_ref(), &software);
    let device = Device {
        hostname: identity.hostname,
        machine_id: identity.machine_id,
        os,
        kernel: identity.kernel,
        architecture,
        advisory_ecosystem,
        reboot_required,
        extra: serde_json::Map::new(),
    };

    tracing::info!(
        software = software.len(),
        diagnostics = diagnostics.len(),
        "inventory collected"
    );
    Inventory {
        schema_version: SCHEMA_VERSION,
        device,
        collected_at,
        software,
        diagnostics,
        extra: serde_json::Map::new(),
    }
}
