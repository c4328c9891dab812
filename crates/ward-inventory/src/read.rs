//! Reading files below the collection root.

use std::io;
use std::path::Path;

use crate::collectors::Context;
use crate::root::resolve_in_root;

/// Reads a UTF-8 text file below the root; `Ok(None)` when it does not exist.
///
/// Invalid UTF-8 is replaced with U+FFFD rather than rejected, because package databases
/// written by old tools carry Latin-1 descriptions in otherwise ASCII files.
pub(crate) fn read_optional_text(
    context: &Context<'_>,
    relative: &str,
) -> io::Result<Option<String>> {
    match read_optional_bytes(context, relative)? {
        Some(bytes) => Ok(Some(into_text(bytes))),
        None => Ok(None),
    }
}

/// Reads a file below the root, resolving links inside it; `Ok(None)` when it or a parent
/// directory does not exist.
pub(crate) fn read_optional_bytes(
    context: &Context<'_>,
    relative: &str,
) -> io::Result<Option<Vec<u8>>> {
    match context.resolve(relative).and_then(fs_err::read) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Reads a file given as a host path below `root`, resolving links inside the root.
pub(crate) fn read_below(root: &Path, path: &Path) -> io::Result<Vec<u8>> {
    fs_err::read(resolve_in_root(root, path)?)
}

/// Opens a directory given as a host path below `root`, resolving links inside the root.
///
/// The entries' paths start with the resolved directory, so paths built from them stay
/// below the root.
pub(crate) fn read_dir_below(root: &Path, path: &Path) -> io::Result<fs_err::ReadDir> {
    fs_err::read_dir(resolve_in_root(root, path)?)
}

/// Returns whether a host path below `root` names a directory once resolved inside the root.
pub(crate) fn is_dir_below(root: &Path, path: &Path) -> bool {
    resolve_in_root(root, path).is_ok_and(|resolved| resolved.is_dir())
}

/// Converts file bytes to text, replacing invalid UTF-8 without copying valid input.
pub(crate) fn into_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

/// Returns whether an I/O error means the file is absent (including a file in place of a
/// parent directory).
pub(crate) fn is_missing(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}
