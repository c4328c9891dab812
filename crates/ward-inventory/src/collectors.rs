//! Collectors: each reads one kind of source below the collection root.
//!
//! Two shapes exist. A [`Collector`] reads sources at fixed places (the dpkg status file, the
//! rpm database). A [`FileCollector`] is offered every file of the filesystem walk: a cheap
//! [`FileCollector::is_candidate`] check on the path and metadata, then
//! [`FileCollector::parse`] on the files it accepts (lockfiles, `*.dist-info`, jars).

use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::{Device, Diagnostic, Inventory, OsRelease, Software, SCHEMA_VERSION};

/// Options shared by every collector.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Directory every collector reads below: `/` on a live host.
    pub root: PathBuf,
    /// Whether `root` is the running system, so that live-only facts (running kernel,
    /// kernel host name) may be read from the current process's view.
    pub is_live: bool,
}

impl CollectOptions {
    /// Creates options for collecting below `root`; live facts are read when `root` is `/`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let is_live = root == Path::new("/");
        Self { root, is_live }
    }
}

/// What a collector is given: the root and what is already known about the system.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Options of this collection run.
    pub options: &'a CollectOptions,
    /// Operating system identity, when `os-release` was found.
    pub os: Option<&'a OsRelease>,
}

impl Context<'_> {
    /// Returns `relative` (written as an absolute path such as `/var/lib/dpkg/status`) below
    /// the collection root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.options.root.join(relative.trim_start_matches('/'))
    }
}

/// What one collector found.
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

/// A collector offered each file of the filesystem walk.
pub trait FileCollector: Send + Sync {
    /// Returns the collector's name, recorded in every row and diagnostic it produces.
    fn name(&self) -> &'static str;

    /// Decides from the path (relative to the root) and metadata alone whether to parse.
    fn is_candidate(&self, path: &Path, metadata: &std::fs::Metadata) -> bool;

    /// Parses one accepted file (`path` is relative to the root).
    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection;
}

/// Collects the inventory of the system below `options.root`.
///
/// Never fails: what cannot be read becomes a diagnostic in the returned inventory.
pub fn collect(options: &CollectOptions) -> Inventory {
    let collected_at = Utc::now();
    let _ = options;
    Inventory {
        schema_version: SCHEMA_VERSION,
        device: Device::default(),
        collected_at,
        software: Vec::new(),
        diagnostics: Vec::new(),
        extra: serde_json::Map::new(),
    }
}
