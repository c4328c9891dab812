//! Reading the records of zip and tar.gz archives, as the RustSec, PyPA, vulnrichment and
//! Anchore snapshots ship them.
//!
//! Entries are read, never extracted, but a name that could escape a directory (`..`, an
//! absolute path) is still reported and skipped, so a crafted archive cannot smuggle a
//! record under another path. Each entry is read up to [`MAX_ENTRY_BYTES`], which keeps a
//! compression bomb from exhausting memory.

use std::io::{Read, Seek};
use std::path::{Component, Path};

use super::record_error::RecordError;

/// Largest entry read, in bytes. The largest record in the staged feeds is under 1 MiB;
/// 64 MiB leaves a wide margin and still bounds memory per entry.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;

/// An archive that could not be opened at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The zip central directory is missing or corrupt.
    #[error("invalid zip archive")]
    Zip(#[source] zip::result::ZipError),
    /// The tar stream or its gzip layer is corrupt or truncated.
    #[error("invalid tar.gz archive")]
    Tar(#[source] std::io::Error),
    /// An entry's data is damaged (a bad local header, CRC or deflate stream), so the
    /// archive is not the file its publisher wrote.
    #[error("archive entry `{name}` is damaged: {message}")]
    DamagedEntry {
        /// Entry name, or its position when the header is unreadable.
        name: String,
        /// The reader's error.
        message: String,
    },
}

/// Returns whether an entry name stays inside the archive's root: relative, and without
/// `..` components.
pub fn is_safe_entry_name(name: &str) -> bool {
    if name.starts_with('/') || name.starts_with('\\') || name.contains('\0') {
        return false;
    }
    Path::new(name)
        .components()
        .all(|component| matches!(component, Component::Normal(_) | Component::CurDir))
        && !name.split(['/', '\\']).any(|part| part == "..")
}

/// Calls `on_entry(name, bytes)` for every file entry of a zip archive that `select`
/// accepts by name. An unsafe name or an oversized entry goes to `on_error` instead, and
/// damaged entry data fails the whole archive.
pub fn for_each_zip_entry<R, W, F, E>(
    reader: R,
    select: W,
    mut on_entry: F,
    mut on_error: E,
) -> Result<(), ArchiveError>
where
    R: Read + Seek,
    W: Fn(&str) -> bool,
    F: FnMut(&str, Vec<u8>),
    E: FnMut(RecordError),
{
    let mut archive = zip::ZipArchive::new(reader).map_err(ArchiveError::Zip)?;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|error| ArchiveError::DamagedEntry {
                name: format!("#{index}"),
                message: error.to_string(),
            })?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_owned();
        if !select(&name) {
            continue;
        }
        if !is_safe_entry_name(&name) || entry.enclosed_name().is_none() {
            on_error(RecordError::new(
                None,
                name,
                "entry name escapes the archive root; skipped",
            ));
            continue;
        }
        match read_limited(&mut entry) {
            Ok(bytes) => on_entry(&name, bytes),
            Err(EntryError::TooLarge(message)) => on_error(RecordError::new(None, name, message)),
            Err(EntryError::Damaged(error)) => {
                return Err(ArchiveError::DamagedEntry {
                    name,
                    message: error.to_string(),
                })
            }
        }
    }
    Ok(())
}

/// Calls `on_entry(name, bytes)` for every regular file of a gzip-compressed tar stream
/// that `select` accepts by name. Per-entry problems go to `on_error`.
///
/// A corrupt or truncated stream ends the walk with [`ArchiveError::Tar`] after the
/// entries before the damage were delivered.
pub fn for_each_tar_gz_entry<R, W, F, E>(
    reader: R,
    select: W,
    on_entry: F,
    on_error: E,
) -> Result<(), ArchiveError>
where
    R: Read,
    W: Fn(&str) -> bool,
    F: FnMut(&str, Vec<u8>),
    E: FnMut(RecordError),
{
    for_each_tar_entry(
        flate2::read::GzDecoder::new(reader),
        select,
        on_entry,
        on_error,
    )
}

/// Like [`for_each_tar_gz_entry`], for a tar stream that is already decompressed.
pub fn for_each_tar_entry<R, W, F, E>(
    reader: R,
    select: W,
    mut on_entry: F,
    mut on_error: E,
) -> Result<(), ArchiveError>
where
    R: Read,
    W: Fn(&str) -> bool,
    F: FnMut(&str, Vec<u8>),
    E: FnMut(RecordError),
{
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().map_err(ArchiveError::Tar)? {
        let mut entry = entry.map_err(ArchiveError::Tar)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        // `path_bytes` is the raw name; `path()` would fail on non-UTF-8 names.
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if !select(&name) {
            continue;
        }
        if !is_safe_entry_name(&name) {
            on_error(RecordError::new(
                None,
                name,
                "entry name escapes the archive root; skipped",
            ));
            continue;
        }
        match read_limited(&mut entry) {
            Ok(bytes) => on_entry(&name, bytes),
            Err(EntryError::TooLarge(message)) => on_error(RecordError::new(None, name, message)),
            Err(EntryError::Damaged(error)) => {
                return Err(ArchiveError::DamagedEntry {
                    name,
                    message: error.to_string(),
                })
            }
        }
    }
    Ok(())
}

fn read_limited(reader: &mut impl Read) -> Result<Vec<u8>, EntryError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(EntryError::Damaged)?;
    if bytes.len() as u64 > MAX_ENTRY_BYTES {
        return Err(EntryError::TooLarge(format!(
            "entry is larger than the {MAX_ENTRY_BYTES}-byte limit; skipped"
        )));
    }
    Ok(bytes)
}

/// The failure to read an entry.
enum EntryError {
    /// The entry is over [`MAX_ENTRY_BYTES`]: that entry is skipped.
    TooLarge(String),
    /// The data failed to decompress or to match its checksum: the archive is damaged.
    Damaged(std::io::Error),
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    #[test]
    fn entry_names_are_checked() {
        let cases = [
            ("2024/CVE-2024-1.json", true),
            ("./a/b.json", true),
            ("../evil.json", false),
            ("a/../../evil.json", false),
            ("a\\..\\evil.json", false),
            ("/etc/passwd", false),
            ("", true),
        ];
        for (name, safe) in cases {
            assert_eq!(is_safe_entry_name(name), safe, "`{name}`");
        }
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            for (name, bytes) in entries {
                writer
                    .start_file(*name, zip::write::SimpleFileOptions::default())
                    .expect("start zip entry");
                writer.write_all(bytes).expect("write zip entry");
            }
            writer.finish().expect("finish zip");
        }
        buffer.into_inner()
    }

    #[test]
    fn zip_dot_dot_entry_is_skipped() {
        let bytes = zip_with(&[("good.json", b"{}"), ("../bad.json", b"{}")]);
        let mut names = Vec::new();
        let mut errors = Vec::new();
        for_each_zip_entry(
            Cursor::new(bytes),
            |_| true,
            |name, _| names.push(name.to_owned()),
            |error| errors.push(error),
        )
        .expect("zip opens");
        assert_eq!(names, vec!["good.json".to_owned()]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].location, "../bad.json");
    }

    #[test]
    fn corrupt_zip_is_rejected() {
        let result = for_each_zip_entry(
            Cursor::new(b"PK\x03\x04 not really a zip".to_vec()),
            |_| true,
            |_, _| {},
            |_| {},
        );
        assert!(matches!(result, Err(ArchiveError::Zip(_))), "{result:?}");
    }

    #[test]
    fn zip_entry_with_bad_checksum_is_rejected() {
        let mut buffer = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            writer
                .start_file("a.json", stored)
                .expect("start zip entry");
            writer
                .write_all(b"{\"id\": \"A-1\"}")
                .expect("write zip entry");
            writer.finish().expect("finish zip");
        }
        let mut bytes = buffer.into_inner();
        let at = bytes
            .windows(3)
            .position(|window| window == b"A-1")
            .unwrap();
        bytes[at] = b'B';

        let result = for_each_zip_entry(Cursor::new(bytes), |_| true, |_, _| {}, |_| {});

        let Err(ArchiveError::DamagedEntry { name, .. }) = result else {
            panic!("{result:?}");
        };
        assert_eq!(name, "a.json");
    }

    #[test]
    fn corrupt_tar_gz_is_rejected() {
        let result =
            for_each_tar_gz_entry(&b"\x1f\x8b\x08garbage"[..], |_| true, |_, _| {}, |_| {});
        assert!(matches!(result, Err(ArchiveError::Tar(_))), "{result:?}");
    }
}
