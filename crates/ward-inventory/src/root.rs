//! Path resolution below the collection root, as `chroot(2)` into the root would resolve.
//!
//! A mounted image or container root contains absolute symbolic links
//! (`usr/lib/os-release -> /usr/lib/os-release`, `etc/alternatives/java -> /usr/lib/jvm/…`)
//! that name paths inside the image. Opening `ROOT/usr/lib/os-release` with the host's
//! resolver would read the host's file instead, and a link such as `x -> ../../../etc` would
//! leave the root. [`resolve_in_root`] walks the path one component at a time instead:
//!
//! - an absolute link target restarts from the root, not from the host's `/`;
//! - `..` at the root stays at the root, as it does in a chroot;
//! - more than [`MAX_SYMLINK_HOPS`] links on one path is a loop, reported as an error.
//!
//! The returned host path contains no symbolic link below the root, so the host resolver
//! opens the same file. Every collector opens files below the root through this module
//! (directly, through [`crate::Context::resolve`] or through `read.rs`), except the parsers of
//! files the walk found, whose paths are symlink-free by construction (see
//! [`crate::Context::walked_path`]).
//!
//! NOTE: resolution and the later `open` are two steps, so a link created between them by
//! another process is followed on the host. `openat2(RESOLVE_IN_ROOT)` would close that
//! window on Linux 5.6+, but it needs a directory descriptor for every later `readdir` and
//! has no equivalent elsewhere; collection reads images at rest, where the window is harmless.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Symbolic links followed on one path before it is declared a loop; the value of Linux's
/// `MAXSYMLINKS` (`path_resolution(7)`).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// Resolves `path` below `root` and returns the host path of the file it names.
///
/// `path` is either relative to the root (`var/lib/dpkg/status`, a leading `/` is ignored) or
/// a host path that starts with `root` (as built by `root.join(…)`). Every symbolic link on
/// the way is followed inside the root, including the last component.
///
/// Errors: `NotFound` when a component does not exist (or a non-directory is used as one), an
/// error of kind `Other` naming the path when more than [`MAX_SYMLINK_HOPS`] links are met,
/// and any other error of `lstat` or `readlink`.
pub fn resolve_in_root(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let relative = path.strip_prefix(root).unwrap_or(path);

    // Components still to resolve, last one first, so a link's target can be pushed in front.
    let mut pending: Vec<PathBuf> = Vec::new();
    push_components(&mut pending, relative);
    let mut resolved = root.to_path_buf();
    let mut depth = 0usize;
    let mut hops = 0usize;

    while let Some(component) = pending.pop() {
        if component.as_os_str() == ".." {
            if depth > 0 {
                resolved.pop();
                depth -= 1;
            }
            continue;
        }

        resolved.push(&component);
        let metadata = match std::fs::symlink_metadata(&resolved) {
            Ok(metadata) => metadata,
            Err(error) => return Err(with_path(error, root, &resolved)),
        };
        if !metadata.file_type().is_symlink() {
            depth += 1;
            continue;
        }

        hops += 1;
        if hops > MAX_SYMLINK_HOPS {
            return Err(io::Error::other(format!(
                "too many levels of symbolic links below the root at `{}`",
                display_below(root, &resolved)
            )));
        }
        let target =
            std::fs::read_link(&resolved).map_err(|error| with_path(error, root, &resolved))?;
        resolved.pop();
        if target.has_root() {
            resolved = root.to_path_buf();
            depth = 0;
        }
        push_components(&mut pending, &target);
    }
    Ok(resolved)
}

/// Pushes the normal and `..` components of `path` onto `pending`, so that the first one is
/// popped first. The root, drive prefixes and `.` are dropped.
fn push_components(pending: &mut Vec<PathBuf>, path: &Path) {
    let start = pending.len();
    for component in path.components() {
        match component {
            Component::Normal(name) => pending.push(PathBuf::from(name)),
            Component::ParentDir => pending.push(PathBuf::from("..")),
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
        }
    }
    pending[start..].reverse();
}

/// Adds the path below the root to an I/O error while keeping its kind.
fn with_path(error: io::Error, root: &Path, path: &Path) -> io::Error {
    io::Error::new(
        error.kind(),
        format!("{error} at `{}` below the root", display_below(root, path)),
    )
}

fn display_below(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    format!("/{}", relative.display())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    fn write(root: &Path, relative: &str, content: &str) {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
        std::fs::write(path, content).expect("write file");
    }

    /// Builds a root with absolute, relative, escaping and looping links.
    fn sample_root() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temp dir");
        let root_path = root.path();
        write(root_path, "usr/lib/os-release", "ID=inside\n");
        write(root_path, "opt/jdk/bin/java", "java");
        write(
            root_path,
            "srv/venv/site-packages/a.dist-info/METADATA",
            "Name: a\n",
        );
        std::fs::create_dir_all(root_path.join("etc/alternatives")).expect("dirs");
        std::fs::create_dir_all(root_path.join("usr/lib/python3")).expect("dirs");

        symlink("/usr/lib/os-release", root_path.join("etc/os-release")).expect("link");
        symlink(
            "../usr/lib/os-release",
            root_path.join("etc/relative-release"),
        )
        .expect("link");
        symlink("/opt/jdk/bin/java", root_path.join("etc/alternatives/java")).expect("link");
        symlink("/etc/alternatives/java", root_path.join("java-chain")).expect("link");
        symlink(
            "/srv/venv/site-packages",
            root_path.join("usr/lib/python3/dist-packages"),
        )
        .expect("link");
        symlink(
            "../../../../../../../../etc/os-release",
            root_path.join("escape-up"),
        )
        .expect("link");
        symlink("/loop-b", root_path.join("loop-a")).expect("link");
        symlink("/loop-a", root_path.join("loop-b")).expect("link");
        symlink("self", root_path.join("self")).expect("link");
        symlink("/nonexistent-on-purpose", root_path.join("dangling")).expect("link");
        root
    }

    #[test]
    fn resolve_follows_links_inside_root() {
        let root = sample_root();
        let root_path = root.path();
        let cases = [
            ("etc/os-release", "usr/lib/os-release"),
            ("/etc/os-release", "usr/lib/os-release"),
            ("etc/relative-release", "usr/lib/os-release"),
            ("etc/alternatives/java", "opt/jdk/bin/java"),
            ("java-chain", "opt/jdk/bin/java"),
            (
                "usr/lib/python3/dist-packages/a.dist-info/METADATA",
                "srv/venv/site-packages/a.dist-info/METADATA",
            ),
            ("escape-up", "usr/lib/os-release"),
            ("../../../usr/lib/os-release", "usr/lib/os-release"),
            ("usr/./lib/../lib/os-release", "usr/lib/os-release"),
            ("", ""),
        ];
        for (input, expected) in cases {
            let resolved = resolve_in_root(root_path, Path::new(input));
            assert_eq!(
                resolved.ok(),
                Some(root_path.join(expected)),
                "case {input}"
            );
        }
    }

    #[test]
    fn resolve_accepts_host_path_below_root() {
        let root = sample_root();
        let resolved = resolve_in_root(root.path(), &root.path().join("etc/os-release"));
        assert_eq!(resolved.ok(), Some(root.path().join("usr/lib/os-release")));
    }

    #[test]
    fn resolve_reports_link_loops() {
        let root = sample_root();
        for input in ["loop-a", "self", "loop-b/x"] {
            let error = resolve_in_root(root.path(), Path::new(input)).expect_err(input);
            assert_eq!(error.kind(), io::ErrorKind::Other, "case {input}");
            assert!(
                error
                    .to_string()
                    .contains("too many levels of symbolic links"),
                "case {input}: {error}"
            );
        }
    }

    #[test]
    fn resolve_missing_target_is_not_found() {
        let root = sample_root();
        for input in [
            "dangling",
            "no/such/file",
            "usr/lib/os-release/below-a-file",
        ] {
            let error = resolve_in_root(root.path(), Path::new(input)).expect_err(input);
            assert!(crate::read::is_missing(&error), "case {input}: {error:?}");
            assert!(
                error.to_string().contains("below the root"),
                "case {input}: {error}"
            );
        }
    }

    #[test]
    fn resolve_never_reads_host_target() {
        // `/etc/hostname`-style absolute links must not reach the host's file even when it
        // exists there: the root has no `etc/passwd`.
        let root = tempfile::tempdir().expect("temp dir");
        symlink("/etc/passwd", root.path().join("passwd")).expect("link");
        let error = resolve_in_root(root.path(), Path::new("passwd")).expect_err("outside");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
