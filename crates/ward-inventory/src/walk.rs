//! Filesystem walk: offers every file below the collection root to the [`FileCollector`]s.
//!
//! The walk is iterative and streams each directory with `readdir`, so memory grows with the
//! number of directories waiting to be read (bounded, see [`MAX_QUEUED_DIRECTORIES`]) and with
//! what the collectors find, never with the number of files visited. File types come from
//! `readdir`'s `d_type`; a file's metadata is read only when some collector's
//! [`FileCollector::is_candidate_path`] accepts its path, which keeps the walk at one
//! `getdents` per directory for the vast majority of files.
//!
//! Pruned: the virtual trees `/proc`, `/sys`, `/dev` and `/run` below the root, mount points of
//! network and pseudo filesystems (by type, from `/proc/self/mountinfo`), paths matching the
//! configured exclude globs, and with [`WalkOptions::same_filesystem`] every other
//! filesystem. Symbolic links are never followed, so a symlink loop cannot trap the walk; a
//! directory that is its own ancestor (a bind mount of a parent) is reported as a loop.

mod mounts;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::{Collection, Context, Diagnostic, DiagnosticLevel, FileCollector};

pub use mounts::DEFAULT_PRUNED_FILESYSTEM_TYPES;

/// Name recorded in the walk's own diagnostics.
const WALK: &str = "walk";

/// Directories below the root that hold no installed software on any Unix system.
const PRUNED_PATHS: &[&str] = &["proc", "sys", "dev", "run"];

/// Queue length above which a worker reads a subdirectory itself instead of queueing it.
///
/// Bounds the memory of a directory with millions of subdirectories; the price is less
/// sharing of work between threads for such a directory.
pub const MAX_QUEUED_DIRECTORIES: usize = 4096;

/// Depth of inline recursion after which a subdirectory is queued even over the bound, so a
/// deep tree cannot exhaust a worker's stack or file descriptors.
const MAX_INLINE_DEPTH: usize = 32;

/// Options of the filesystem walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Whether to walk at all; when `false`, no language package is collected and an
    /// informational diagnostic says so.
    pub enabled: bool,
    /// Glob patterns of paths to skip, matched against the path below the root written with a
    /// leading `/` (`/home/*/.cache`, `**/target`); a matching directory is not entered.
    pub excludes: Vec<String>,
    /// Whether to stay on the filesystem of the root (like `find -xdev`).
    pub same_filesystem: bool,
    /// Filesystem types whose mount points are not entered (network and pseudo filesystems).
    pub pruned_filesystem_types: Vec<String>,
    /// Worker threads; 0 means 1.
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            excludes: Vec::new(),
            same_filesystem: false,
            pruned_filesystem_types: DEFAULT_PRUNED_FILESYSTEM_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            // NOTE: two threads keep `readdir` and parsing overlapped without taking every core
            // of the host being inventoried; more threads are allowed but were not measured.
            threads: 2,
        }
    }
}

/// Counters of one walk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkStats {
    /// Directories read.
    pub directories_visited: u64,
    /// Non-directory entries seen (regular files, symbolic links, sockets…).
    pub files_visited: u64,
    /// Files whose metadata was read because a collector's path check accepted them.
    pub files_examined: u64,
    /// Files handed to a collector's parser.
    pub files_parsed: u64,
    /// Directories not entered because a prune rule or exclude matched.
    pub directories_pruned: u64,
}

/// Result of one walk, with its counters.
#[derive(Debug, Clone, Default)]
pub struct WalkOutcome {
    /// Components and diagnostics from every collector, plus the walk's own diagnostics.
    pub collection: Collection,
    /// Counters, also summarised in an informational diagnostic of `collection`.
    pub stats: WalkStats,
}

/// Walks the collection root and runs `collectors` on the files they accept.
///
/// Never fails: an unreadable directory, an invalid exclude glob or a directory loop becomes a
/// diagnostic naming the path, and the rest of the tree is walked. Components are sorted by
/// path, then name and version, so that the result does not depend on thread timing.
pub fn walk(
    context: &Context<'_>,
    collectors: &[Box<dyn FileCollector>],
    options: &WalkOptions,
) -> WalkOutcome {
    let root = context.options.root.clone();
    let mut diagnostics = Vec::new();
    if !options.enabled {
        diagnostics.push(Diagnostic::new(
            WALK,
            DiagnosticLevel::Info,
            "the filesystem walk is turned off, so no language package was collected",
        ));
        return WalkOutcome {
            collection: Collection {
                software: Vec::new(),
                diagnostics,
            },
            stats: WalkStats::default(),
        };
    }
    let excludes = build_excludes(&options.excludes, &mut diagnostics);
    let mounts = mounts::mounts_below(&root, &options.pruned_filesystem_types);

    let root_metadata = match fs_err::metadata(&root) {
        Ok(metadata) => metadata,
        Err(error) => {
            diagnostics.push(diagnostic(
                DiagnosticLevel::Error,
                &root,
                format!("cannot read the collection root: {error}"),
            ));
            return WalkOutcome {
                collection: Collection {
                    software: Vec::new(),
                    diagnostics,
                },
                stats: WalkStats::default(),
            };
        }
    };

    let walker = Walker {
        context,
        collectors,
        root: &root,
        root_device: device_and_inode(&root_metadata).map(|(device, _)| device),
        same_filesystem: options.same_filesystem,
        excludes,
        pruned_mounts: mounts.pruned,
        mount_points: mounts.all,
        queue: Mutex::new(Queue {
            directories: vec![Directory {
                path: root.clone(),
                depth: 0,
                parent: None,
                identity: None,
            }],
            in_progress: 0,
        }),
        ready: Condvar::new(),
        found: Mutex::new(Collection {
            software: Vec::new(),
            diagnostics,
        }),
        counters: Counters::default(),
    };

    let threads = options.threads.max(1);
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|| walker.run_worker());
        }
        walker.run_worker();
    });

    let stats = walker.counters.snapshot();
    let mut collection = walker
        .found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    collection
        .software
        .sort_by(|a, b| (&a.path, &a.name, &a.version).cmp(&(&b.path, &b.name, &b.version)));
    collection.diagnostics.push(Diagnostic {
        collector: WALK.to_owned(),
        level: DiagnosticLevel::Info,
        path: None,
        line: None,
        message: format!(
            "walked {} directories and {} files, examined {} and parsed {}, pruned {} directories",
            stats.directories_visited,
            stats.files_visited,
            stats.files_examined,
            stats.files_parsed,
            stats.directories_pruned
        ),
    });
    WalkOutcome { collection, stats }
}

/// Compiles the exclude globs; an invalid one becomes a diagnostic and is ignored.
fn build_excludes(patterns: &[String], diagnostics: &mut Vec<Diagnostic>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        match Glob::new(pattern) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(error) => diagnostics.push(Diagnostic {
                collector: WALK.to_owned(),
                level: DiagnosticLevel::Warning,
                path: None,
                line: None,
                message: format!("invalid exclude glob `{pattern}` ignored: {error}"),
            }),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// One directory waiting to be read.
struct Directory {
    path: PathBuf,
    depth: usize,
    /// The directory that listed this one; `None` for the root.
    parent: Option<Arc<Ancestor>>,
    /// Device and inode known without a `stat`: the parent's device and the entry's `d_ino`,
    /// for a directory that is not a mount point. `None` means `stat` it.
    identity: Option<(u64, u64)>,
}

/// A directory on the path from the root, identified by device and inode for loop detection.
struct Ancestor {
    /// Device and inode; `None` where the platform does not expose them, which disables the
    /// loop check (symbolic links are still never followed).
    identity: Option<(u64, u64)>,
    path: PathBuf,
    parent: Option<Arc<Ancestor>>,
}

struct Queue {
    directories: Vec<Directory>,
    /// Directories taken from the queue and not yet finished; the walk ends when this and the
    /// queue are both empty.
    in_progress: usize,
}

#[derive(Default)]
struct Counters {
    directories_visited: AtomicU64,
    files_visited: AtomicU64,
    files_examined: AtomicU64,
    files_parsed: AtomicU64,
    directories_pruned: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> WalkStats {
        WalkStats {
            directories_visited: self.directories_visited.load(Ordering::Relaxed),
            files_visited: self.files_visited.load(Ordering::Relaxed),
            files_examined: self.files_examined.load(Ordering::Relaxed),
            files_parsed: self.files_parsed.load(Ordering::Relaxed),
            directories_pruned: self.directories_pruned.load(Ordering::Relaxed),
        }
    }
}

struct Walker<'a> {
    context: &'a Context<'a>,
    collectors: &'a [Box<dyn FileCollector>],
    root: &'a Path,
    /// Device of the root; `None` where the platform does not expose one.
    root_device: Option<u64>,
    same_filesystem: bool,
    excludes: GlobSet,
    /// Absolute paths of mount points not to enter.
    pruned_mounts: HashSet<PathBuf>,
    /// Absolute paths of every mount point below the root; `None` when unknown, which makes
    /// the walk `stat` every directory.
    mount_points: Option<HashSet<PathBuf>>,
    queue: Mutex<Queue>,
    ready: Condvar,
    found: Mutex<Collection>,
    counters: Counters,
}

impl Walker<'_> {
    /// Takes directories from the shared queue until the whole tree is done.
    fn run_worker(&self) {
        while let Some(directory) = self.next_directory() {
            self.read_directory(directory);
            let mut queue = self.lock_queue();
            queue.in_progress -= 1;
            if queue.in_progress == 0 && queue.directories.is_empty() {
                self.ready.notify_all();
            }
        }
    }

    /// Blocks until a directory is queued, or returns `None` when no work is left anywhere.
    fn next_directory(&self) -> Option<Directory> {
        let mut queue = self.lock_queue();
        loop {
            if let Some(directory) = queue.directories.pop() {
                queue.in_progress += 1;
                return Some(directory);
            }
            if queue.in_progress == 0 {
                return None;
            }
            queue = self
                .ready
                .wait(queue)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reads one directory: files go to the collectors, subdirectories to the queue (or are
    /// read inline when the queue is full).
    fn read_directory(&self, directory: Directory) {
        let Some(ancestor) = self.enter(&directory) else {
            return;
        };
        self.counters
            .directories_visited
            .fetch_add(1, Ordering::Relaxed);

        let entries = match std::fs::read_dir(&directory.path) {
            Ok(entries) => entries,
            Err(error) => {
                self.report(diagnostic(
                    DiagnosticLevel::Warning,
                    self.relative(&directory.path),
                    format!("cannot read directory: {error}"),
                ));
                return;
            }
        };

        // Path of each entry below the root, built in one buffer: most files are only offered
        // to the collectors' name checks, so they need no path of their own.
        let mut relative = directory
            .path
            .strip_prefix(self.root)
            .unwrap_or(&directory.path)
            .to_path_buf();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.report(diagnostic(
                        DiagnosticLevel::Warning,
                        self.relative(&directory.path),
                        format!("cannot list directory entry: {error}"),
                    ));
                    break;
                }
            };
            // `file_type` comes from `d_type` and costs no system call on Linux filesystems
            // that fill it in; only a `DT_UNKNOWN` entry is `lstat`ed.
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                let path = entry.path();
                let identity = self.identity_without_stat(&path, &entry, &ancestor);
                self.visit_subdirectory(path, directory.depth + 1, &ancestor, identity);
            } else {
                self.counters.files_visited.fetch_add(1, Ordering::Relaxed);
                if file_type.is_file() {
                    relative.push(entry.file_name());
                    self.visit_file(&relative, &entry);
                    relative.pop();
                }
            }
        }
    }

    /// Checks the prune rules and the loop guard for a directory about to be read; returns its
    /// ancestor record, or `None` when it must be skipped.
    fn enter(&self, directory: &Directory) -> Option<Arc<Ancestor>> {
        let identity = match directory.identity {
            Some(identity) => Some(identity),
            None => match std::fs::symlink_metadata(&directory.path) {
                Ok(metadata) => device_and_inode(&metadata),
                Err(error) => {
                    self.report(diagnostic(
                        DiagnosticLevel::Warning,
                        self.relative(&directory.path),
                        format!("cannot read directory metadata: {error}"),
                    ));
                    return None;
                }
            },
        };
        let device = identity.map(|(device, _)| device);
        if self.same_filesystem && device != self.root_device {
            self.counters
                .directories_pruned
                .fetch_add(1, Ordering::Relaxed);
            return None;
        }

        let mut next = directory.parent.as_deref();
        while let Some(ancestor) = next {
            if identity.is_some() && ancestor.identity == identity {
                self.report(diagnostic(
                    DiagnosticLevel::Warning,
                    self.relative(&directory.path),
                    format!(
                        "directory loop: this is the same directory as its ancestor `{}`, not entered",
                        self.relative(&ancestor.path).display()
                    ),
                ));
                return None;
            }
            next = ancestor.parent.as_deref();
        }

        Some(Arc::new(Ancestor {
            identity,
            path: directory.path.clone(),
            parent: directory.parent.clone(),
        }))
    }

    /// Returns a subdirectory's device and inode without a system call when that is sound.
    ///
    /// Without symbolic links, a directory can only repeat an ancestor through a mount (a bind
    /// mount of a parent), so a directory that is not a mount point has its parent's device,
    /// and `readdir`'s `d_ino` is its inode. Mount points, and every directory when the mount
    /// table is unknown, are `stat`ed instead. This saves one path lookup per directory.
    // NOTE: overlayfs may report a `d_ino` that differs from `st_ino` unless `xino` is on. A
    // bind mount of a plain overlayfs directory below itself may then go unseen as a loop, and
    // the walk stops only when its paths exceed the system's path length limit.
    fn identity_without_stat(
        &self,
        path: &Path,
        entry: &std::fs::DirEntry,
        parent: &Ancestor,
    ) -> Option<(u64, u64)> {
        let mount_points = self.mount_points.as_ref()?;
        if mount_points.contains(path) {
            return None;
        }
        let (device, _) = parent.identity?;
        Some((device, entry_inode(entry)?))
    }

    fn visit_subdirectory(
        &self,
        path: PathBuf,
        depth: usize,
        parent: &Arc<Ancestor>,
        identity: Option<(u64, u64)>,
    ) {
        if self.is_pruned(&path) {
            self.counters
                .directories_pruned
                .fetch_add(1, Ordering::Relaxed);
            return;
        }

        let directory = Directory {
            path,
            depth,
            parent: Some(Arc::clone(parent)),
            identity,
        };
        {
            let mut queue = self.lock_queue();
            if queue.directories.len() < MAX_QUEUED_DIRECTORIES || depth > MAX_INLINE_DEPTH {
                queue.directories.push(directory);
                drop(queue);
                self.ready.notify_one();
                return;
            }
        }
        self.read_directory(directory);
    }

    fn is_pruned(&self, path: &Path) -> bool {
        let relative = path.strip_prefix(self.root).unwrap_or(path);
        if relative.components().count() == 1
            && PRUNED_PATHS
                .iter()
                .any(|pruned| relative == Path::new(pruned))
        {
            return true;
        }
        if self.pruned_mounts.contains(path) {
            return true;
        }
        !self.excludes.is_empty() && self.excludes.is_match(Path::new("/").join(relative))
    }

    /// Offers one regular file, `relative` to the root, to every collector whose path check
    /// accepts it.
    fn visit_file(&self, relative: &Path, entry: &std::fs::DirEntry) {
        let mut candidates = self
            .collectors
            .iter()
            .filter(|collector| collector.is_candidate_path(relative))
            .peekable();
        if candidates.peek().is_none() {
            return;
        }
        if !self.excludes.is_empty() && self.excludes.is_match(Path::new("/").join(relative)) {
            return;
        }

        self.counters.files_examined.fetch_add(1, Ordering::Relaxed);
        let metadata = match entry.metadata() {
            Ok(metadata) => metadata,
            Err(error) => {
                self.report(diagnostic(
                    DiagnosticLevel::Warning,
                    relative,
                    format!("cannot read file metadata: {error}"),
                ));
                return;
            }
        };

        for collector in candidates {
            if !collector.is_candidate(relative, &metadata) {
                continue;
            }
            let limit = collector.max_file_size_bytes();
            if metadata.len() > limit {
                self.report(Diagnostic {
                    collector: collector.name().to_owned(),
                    level: DiagnosticLevel::Info,
                    path: Some(relative.display().to_string()),
                    line: None,
                    message: format!(
                        "file skipped: {} bytes is over the {limit}-byte limit",
                        metadata.len()
                    ),
                });
                continue;
            }
            self.counters.files_parsed.fetch_add(1, Ordering::Relaxed);
            let found = collector.parse(self.context, relative);
            if !found.software.is_empty() || !found.diagnostics.is_empty() {
                self.found
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend(found);
            }
        }
    }

    /// Returns `path` relative to the root, or `/` for the root itself.
    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        match path.strip_prefix(self.root) {
            Ok(relative) if relative.as_os_str().is_empty() => Path::new("/"),
            Ok(relative) => relative,
            Err(_) => path,
        }
    }

    fn report(&self, diagnostic: Diagnostic) {
        self.found
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .diagnostics
            .push(diagnostic);
    }
}

#[cfg(unix)]
fn device_and_inode(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;

    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn device_and_inode(_metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

#[cfg(unix)]
fn entry_inode(entry: &std::fs::DirEntry) -> Option<u64> {
    use std::os::unix::fs::DirEntryExt;

    Some(entry.ino())
}

#[cfg(not(unix))]
fn entry_inode(_entry: &std::fs::DirEntry) -> Option<u64> {
    None
}

fn diagnostic(level: DiagnosticLevel, path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        collector: WALK.to_owned(),
        level,
        path: Some(path.display().to_string()),
        line: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectOptions;

    /// Accepts files named `*.lock` and records each as a component.
    struct LockNames;

    impl FileCollector for LockNames {
        fn name(&self) -> &'static str {
            "test"
        }

        fn is_candidate_path(&self, path: &Path) -> bool {
            path.extension()
                .is_some_and(|extension| extension == "lock")
        }

        fn is_candidate(&self, _path: &Path, metadata: &std::fs::Metadata) -> bool {
            metadata.is_file()
        }

        fn max_file_size_bytes(&self) -> u64 {
            10
        }

        fn parse(&self, _context: &Context<'_>, path: &Path) -> Collection {
            Collection {
                software: vec![crate::Software {
                    name: path.display().to_string(),
                    path: Some(path.display().to_string()),
                    ..crate::Software::default()
                }],
                diagnostics: Vec::new(),
            }
        }
    }

    fn write(root: &Path, relative: &str, content: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
        std::fs::write(path, content).expect("write file");
    }

    fn run(root: &Path, options: &WalkOptions) -> WalkOutcome {
        let collect_options = CollectOptions::new(root);
        let context = Context {
            options: &collect_options,
            os: None,
        };
        let collectors: Vec<Box<dyn FileCollector>> = vec![Box::new(LockNames)];
        walk(&context, &collectors, options)
    }

    fn names(outcome: &WalkOutcome) -> Vec<&str> {
        outcome
            .collection
            .software
            .iter()
            .map(|software| software.name.as_str())
            .collect()
    }

    #[test]
    fn walk_prunes_and_excludes() {
        let root = tempfile::tempdir().expect("temp dir");
        let root = root.path();
        write(root, "app/a.lock", "x");
        write(root, "app/deep/er/b.lock", "x");
        write(root, "proc/1/c.lock", "x");
        write(root, "sys/d.lock", "x");
        write(root, "usr/proc/e.lock", "x");
        write(root, "home/u/.cache/f.lock", "x");
        write(root, "app/readme.txt", "x");

        let options = WalkOptions {
            excludes: vec!["/home/*/.cache".to_owned()],
            ..WalkOptions::default()
        };
        let outcome = run(root, &options);
        assert_eq!(
            names(&outcome),
            ["app/a.lock", "app/deep/er/b.lock", "usr/proc/e.lock"]
        );
        assert_eq!(outcome.stats.files_visited, 4);
        assert_eq!(outcome.stats.files_examined, 3);
        assert_eq!(outcome.stats.directories_pruned, 3);
    }

    #[test]
    fn walk_skips_oversized_file() {
        let root = tempfile::tempdir().expect("temp dir");
        write(root.path(), "big.lock", "more than ten bytes");
        let outcome = run(root.path(), &WalkOptions::default());
        assert!(outcome.collection.software.is_empty());
        let diagnostic = &outcome.collection.diagnostics[0];
        assert_eq!(diagnostic.path.as_deref(), Some("big.lock"));
        assert!(
            diagnostic.message.contains("over the 10-byte limit"),
            "{}",
            diagnostic.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn walk_does_not_follow_symlink_loop() {
        let root = tempfile::tempdir().expect("temp dir");
        write(root.path(), "a/x.lock", "x");
        std::os::unix::fs::symlink("..", root.path().join("a/loop")).expect("symlink");
        std::os::unix::fs::symlink(root.path(), root.path().join("a/root")).expect("symlink");
        let outcome = run(root.path(), &WalkOptions::default());
        assert_eq!(names(&outcome), ["a/x.lock"]);
        assert_eq!(outcome.stats.files_visited, 3);
    }

    #[cfg(unix)]
    #[test]
    fn walk_reports_unreadable_directory() {
        use std::os::unix::fs::PermissionsExt;

        let root = tempfile::tempdir().expect("temp dir");
        write(root.path(), "ok/a.lock", "x");
        write(root.path(), "locked/b.lock", "x");
        let locked = root.path().join("locked");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        // A privileged user (root, CAP_DAC_READ_SEARCH) reads the directory anyway.
        let readable = std::fs::read_dir(&locked).is_ok();

        let outcome = run(root.path(), &WalkOptions::default());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755))
            .expect("chmod back");
        if readable {
            return;
        }
        assert_eq!(names(&outcome), ["ok/a.lock"]);
        let diagnostic = outcome
            .collection
            .diagnostics
            .iter()
            .find(|diagnostic| diagnostic.path.as_deref() == Some("locked"))
            .expect("diagnostic for the locked directory");
        assert!(diagnostic.message.contains("cannot read directory"));
    }

    #[test]
    fn walk_reports_directory_it_cannot_list() {
        // A file given as the root fails `readdir` for every user, root included, so this
        // covers the diagnostic even where permission bits do not stop the reader.
        let root = tempfile::tempdir().expect("temp dir");
        write(root.path(), "not-a-directory", "x");
        let outcome = run(
            &root.path().join("not-a-directory"),
            &WalkOptions::default(),
        );
        let diagnostic = &outcome.collection.diagnostics[0];
        assert_eq!(diagnostic.path.as_deref(), Some("/"));
        assert!(
            diagnostic.message.starts_with("cannot read directory"),
            "{}",
            diagnostic.message
        );
    }

    #[test]
    fn walk_reports_invalid_glob_and_missing_root() {
        let outcome = run(
            Path::new("/nonexistent/ward-test-root"),
            &WalkOptions {
                excludes: vec!["a[".to_owned()],
                ..WalkOptions::default()
            },
        );
        let messages: Vec<&str> = outcome
            .collection
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("invalid exclude glob `a[`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("cannot read the collection root")),
            "{messages:?}"
        );
    }

    #[test]
    fn walk_turned_off_collects_nothing() {
        let root = tempfile::tempdir().expect("temp dir");
        write(root.path(), "app/a.lock", "x");
        let outcome = run(
            root.path(),
            &WalkOptions {
                enabled: false,
                ..WalkOptions::default()
            },
        );
        assert!(outcome.collection.software.is_empty());
        assert_eq!(outcome.stats, WalkStats::default());
        assert!(
            outcome.collection.diagnostics[0]
                .message
                .contains("walk is turned off"),
            "{:?}",
            outcome.collection.diagnostics
        );
    }

    #[test]
    fn walk_same_result_single_thread() {
        let root = tempfile::tempdir().expect("temp dir");
        for index in 0..50 {
            write(root.path(), &format!("d{index}/sub/p{index}.lock"), "x");
        }
        let parallel = run(root.path(), &WalkOptions::default());
        let single = run(
            root.path(),
            &WalkOptions {
                threads: 1,
                ..WalkOptions::default()
            },
        );
        assert_eq!(parallel.collection.software.len(), 50);
        assert_eq!(parallel.collection.software, single.collection.software);
        assert_eq!(parallel.stats, single.stats);
    }
}
