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
    match context
        .resolve(relative)
        .and_then(|path| read_regular(&path))
    {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Reads a file given as a host path below `root`, resolving links inside the root.
pub(crate) fn read_below(root: &Path, path: &Path) -> io::Result<Vec<u8>> {
    read_regular(&resolve_in_root(root, path)?)
}

/// Largest file read whole from a fixed path. A dpkg status or rpm `Packages` file of a
/// large server is some hundreds of MiB at most.
pub(crate) const MAX_READ_BYTES: u64 = 1024 * 1024 * 1024;

/// Returns an error unless `path` is a regular file (after links). Opening a FIFO for
/// reading blocks until a writer appears and a device such as `/dev/zero` never ends, so an
/// image could stall or exhaust the collector through either.
pub(crate) fn ensure_regular(path: &Path) -> io::Result<std::fs::Metadata> {
    let metadata = fs_err::metadata(path)?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` is not a regular file", path.display()),
        ));
    }
    Ok(metadata)
}

/// Reads a whole regular file, refusing FIFOs, devices and files over [`MAX_READ_BYTES`].
pub(crate) fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let metadata = ensure_regular(path)?;
    if metadata.len() > MAX_READ_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "`{}` is {} bytes, over the {MAX_READ_BYTES}-byte limit",
                path.display(),
                metadata.len()
            ),
        ));
    }
    fs_err::read(path)
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
