//! Reading files below the collection root.

use std::io;

use crate::collectors::Context;

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

/// Reads a file below the root; `Ok(None)` when it or a parent directory does not exist.
pub(crate) fn read_optional_bytes(
    context: &Context<'_>,
    relative: &str,
) -> io::Result<Option<Vec<u8>>> {
    match fs_err::read(context.path(relative)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error),
    }
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
    // `ENOTDIR` has no stable `ErrorKind` in Rust 1.85, so it is matched by its errno.
    error.kind() == io::ErrorKind::NotFound || error.raw_os_error() == Some(20)
}
