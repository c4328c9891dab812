//! Streaming reader of a zip file's central directory (PKWARE APPNOTE.TXT 6.3.10, sections
//! 4.3.12 to 4.3.16 and 4.5.3 for zip64).
//!
//! Hand-written because the `zip` crate indexes every entry of an archive in memory before
//! the first lookup: 27,000 entries of one uber-jar cost about 20 MB, while a Java archive
//! scan needs only the few entries it keeps here.

use std::io::{BufReader, Read, Seek, SeekFrom};

const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY: u32 = 0x0606_4b50;
const CENTRAL_FILE_HEADER: u32 = 0x0201_4b50;
const LOCAL_FILE_HEADER: u32 = 0x0403_4b50;

/// The end record is 22 bytes plus a comment of at most 65,535 bytes.
const MAX_END_SEARCH_BYTES: u64 = 22 + 65_535;

/// Location, sizes and compression method of one kept entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    method: u16,
    compressed_size: u64,
    pub uncompressed_size: u64,
    local_header_offset: u64,
}

/// Lists the entries whose name `keep` accepts, reading the central directory sequentially.
pub(crate) fn scan<R: Read + Seek>(
    reader: &mut R,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<Entry>, String> {
    let (directory_offset, directory_size) = find_central_directory(reader)?;
    reader
        .seek(SeekFrom::Start(directory_offset))
        .map_err(|error| error.to_string())?;
    let mut directory = BufReader::new(reader.take(directory_size));

    let mut entries = Vec::new();
    let mut header = [0u8; 46];
    loop {
        match directory.read_exact(&mut header) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(error) => return Err(error.to_string()),
        }
        if u32_at(&header, 0) != CENTRAL_FILE_HEADER {
            return Err("invalid central directory record".to_owned());
        }
        let name_length = usize::from(u16_at(&header, 28));
        let extra_length = usize::from(u16_at(&header, 30));
        let comment_length = usize::from(u16_at(&header, 32));
        let mut variable = vec![0u8; name_length + extra_length + comment_length];
        directory
            .read_exact(&mut variable)
            .map_err(|_| "truncated central directory record".to_owned())?;
        let name = String::from_utf8_lossy(&variable[..name_length]);
        if !keep(&name) {
            continue;
        }

        let mut entry = Entry {
            name: name.into_owned(),
            method: u16_at(&header, 10),
            compressed_size: u64::from(u32_at(&header, 20)),
            uncompressed_size: u64::from(u32_at(&header, 24)),
            local_header_offset: u64::from(u32_at(&header, 42)),
        };
        apply_zip64_extra(
            &mut entry,
            &variable[name_length..name_length + extra_length],
        );
        entries.push(entry);
    }
    Ok(entries)
}

/// Reads and decompresses one entry (stored or deflated), at most `max_bytes` of it.
pub(crate) fn read_entry<R: Read + Seek>(
    reader: &mut R,
    entry: &Entry,
    max_bytes: u64,
) -> Result<Vec<u8>, String> {
    let mut header = [0u8; 30];
    reader
        .seek(SeekFrom::Start(entry.local_header_offset))
        .and_then(|_| reader.read_exact(&mut header))
        .map_err(|error| format!("cannot read `{}`: {error}", entry.name))?;
    if u32_at(&header, 0) != LOCAL_FILE_HEADER {
        return Err(format!("invalid local header of `{}`", entry.name));
    }
    let skip = i64::from(u16_at(&header, 26)) + i64::from(u16_at(&header, 28));
    reader
        .seek(SeekFrom::Current(skip))
        .map_err(|error| error.to_string())?;

    let compressed = reader.take(entry.compressed_size);
    let mut bytes = Vec::new();
    let result = match entry.method {
        0 => compressed.take(max_bytes).read_to_end(&mut bytes),
        8 => flate2::read::DeflateDecoder::new(compressed)
            .take(max_bytes)
            .read_to_end(&mut bytes),
        method => {
            return Err(format!(
                "`{}` uses unsupported compression method {method}",
                entry.name
            ))
        }
    };
    result.map_err(|error| format!("cannot decompress `{}`: {error}", entry.name))?;
    Ok(bytes)
}

/// Returns the offset and size of the central directory from the end records.
fn find_central_directory<R: Read + Seek>(reader: &mut R) -> Result<(u64, u64), String> {
    let length = reader
        .seek(SeekFrom::End(0))
        .map_err(|error| error.to_string())?;
    let search = length.min(MAX_END_SEARCH_BYTES);
    let mut tail = vec![0u8; usize::try_from(search).map_err(|_| "archive too large")?];
    reader
        .seek(SeekFrom::Start(length - search))
        .and_then(|_| reader.read_exact(&mut tail))
        .map_err(|error| error.to_string())?;
    let end = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&at| u32_at(&tail, at) == END_OF_CENTRAL_DIRECTORY)
        .ok_or("not a zip archive: no end of central directory record")?;

    let size = u64::from(u32_at(&tail, end + 12));
    let offset = u64::from(u32_at(&tail, end + 16));
    if size != u64::from(u32::MAX) && offset != u64::from(u32::MAX) {
        return Ok((offset, size));
    }

    // Zip64: the locator sits right before the end record and points at the zip64 end record.
    let locator = end.checked_sub(20).ok_or("invalid zip64 end record")?;
    if u32_at(&tail, locator) != ZIP64_LOCATOR {
        return Err("invalid zip64 end record locator".to_owned());
    }
    let mut record = [0u8; 56];
    reader
        .seek(SeekFrom::Start(u64_at(&tail, locator + 8)))
        .and_then(|_| reader.read_exact(&mut record))
        .map_err(|error| error.to_string())?;
    if u32_at(&record, 0) != ZIP64_END_OF_CENTRAL_DIRECTORY {
        return Err("invalid zip64 end record".to_owned());
    }
    Ok((u64_at(&record, 48), u64_at(&record, 40)))
}

/// Replaces saturated 32-bit sizes and offset with their zip64 extra field values.
fn apply_zip64_extra(entry: &mut Entry, mut extra: &[u8]) {
    while extra.len() >= 4 {
        let id = u16_at(extra, 0);
        let size = usize::from(u16_at(extra, 2));
        let Some(data) = extra.get(4..4 + size) else {
            return;
        };
        if id == 0x0001 {
            let mut fields = data.chunks_exact(8).map(|chunk| u64_at(chunk, 0));
            let saturated = u64::from(u32::MAX);
            if entry.uncompressed_size == saturated {
                entry.uncompressed_size = fields.next().unwrap_or(saturated);
            }
            if entry.compressed_size == saturated {
                entry.compressed_size = fields.next().unwrap_or(saturated);
            }
            if entry.local_header_offset == saturated {
                entry.local_header_offset = fields.next().unwrap_or(saturated);
            }
            return;
        }
        extra = &extra[4 + size..];
    }
}

fn u16_at(data: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([byte(data, at), byte(data, at + 1)])
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([
        byte(data, at),
        byte(data, at + 1),
        byte(data, at + 2),
        byte(data, at + 3),
    ])
}

fn u64_at(data: &[u8], at: usize) -> u64 {
    u64::from(u32_at(data, at)) | (u64::from(u32_at(data, at + 4)) << 32)
}

fn byte(data: &[u8], at: usize) -> u8 {
    data.get(at).copied().unwrap_or(0)
}
