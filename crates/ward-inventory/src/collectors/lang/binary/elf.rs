//! Section lookup in ELF files with a handful of positioned reads.
//!
//! `object` reads each section name through its read cache with a separate seek and read,
//! which costs dozens of system calls per executable. A host has thousands of executables, so
//! this reader fetches the section header table and the section name table in one read each
//! (ELF layout: System V ABI, "Sections").

use std::fs::File;

/// Largest section header table or name table read.
const MAX_TABLE_BYTES: u64 = 4 * 1024 * 1024;

/// A section's place in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Section {
    pub offset: u64,
    pub size: u64,
}

/// Returns the named sections of an ELF file, in the order of `names`.
///
/// Returns `Ok(None)` when the file is not a well-formed ELF file with section headers.
pub(crate) fn find_sections<const N: usize>(
    file: &File,
    names: [&[u8]; N],
) -> std::io::Result<Option<[Option<Section>; N]>> {
    let mut header = [0u8; 64];
    if read_exact_at(file, &mut header, 0).is_err() || &header[..4] != b"\x7fELF" {
        return Ok(None);
    }
    let is_64 = match header[4] {
        1 => false,
        2 => true,
        _ => return Ok(None),
    };
    let big_endian = match header[5] {
        1 => false,
        2 => true,
        _ => return Ok(None),
    };
    let reader = Fields { big_endian };

    let (table_offset, entry_size, count, names_index) = if is_64 {
        (
            reader.u64(&header, 0x28),
            u64::from(reader.u16(&header, 0x3A)),
            u64::from(reader.u16(&header, 0x3C)),
            u64::from(reader.u16(&header, 0x3E)),
        )
    } else {
        (
            u64::from(reader.u32(&header, 0x20)),
            u64::from(reader.u16(&header, 0x2E)),
            u64::from(reader.u16(&header, 0x30)),
            u64::from(reader.u16(&header, 0x32)),
        )
    };
    let minimum_entry = if is_64 { 64 } else { 40 };
    let table_size = entry_size * count;
    if table_offset == 0 || entry_size < minimum_entry || count == 0 || table_size > MAX_TABLE_BYTES
    {
        return Ok(None);
    }
    let Some(table) = read_at(file, table_offset, table_size)? else {
        return Ok(None);
    };
    let section = |index: u64| -> Option<(u32, Section)> {
        let start = usize::try_from(index * entry_size).ok()?;
        let entry = table.get(start..start + usize::try_from(entry_size).ok()?)?;
        Some(if is_64 {
            (
                reader.u32(entry, 0),
                Section {
                    offset: reader.u64(entry, 24),
                    size: reader.u64(entry, 32),
                },
            )
        } else {
            (
                reader.u32(entry, 0),
                Section {
                    offset: u64::from(reader.u32(entry, 16)),
                    size: u64::from(reader.u32(entry, 20)),
                },
            )
        })
    };

    let Some((_, names_section)) = section(names_index) else {
        return Ok(None);
    };
    if names_section.size > MAX_TABLE_BYTES {
        return Ok(None);
    }
    let Some(name_table) = read_at(file, names_section.offset, names_section.size)? else {
        return Ok(None);
    };

    let mut found = [None; N];
    for index in 0..count {
        let Some((name_offset, candidate)) = section(index) else {
            continue;
        };
        let Some(name) = usize::try_from(name_offset)
            .ok()
            .and_then(|start| name_table.get(start..))
        else {
            continue;
        };
        let name = name.split(|byte| *byte == 0).next().unwrap_or(name);
        if let Some(position) = names.iter().position(|wanted| *wanted == name) {
            found[position] = Some(candidate);
        }
    }
    Ok(Some(found))
}

/// Reads `size` bytes at `offset`; `Ok(None)` when the file is shorter.
pub(crate) fn read_at(file: &File, offset: u64, size: u64) -> std::io::Result<Option<Vec<u8>>> {
    let Ok(size) = usize::try_from(size) else {
        return Ok(None);
    };
    let mut buffer = vec![0u8; size];
    match read_exact_at(file, &mut buffer, offset) {
        Ok(()) => Ok(Some(buffer)),
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(error) => Err(error),
    }
}

/// Fills `buffer` from `offset` without moving a shared file position.
#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;

    file.read_exact_at(buffer, offset)
}

#[cfg(not(unix))]
pub(crate) fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};

    let mut file = file;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buffer)
}

struct Fields {
    big_endian: bool,
}

impl Fields {
    fn u16(&self, data: &[u8], at: usize) -> u16 {
        let bytes = [
            data.get(at).copied().unwrap_or(0),
            data.get(at + 1).copied().unwrap_or(0),
        ];
        if self.big_endian {
            u16::from_be_bytes(bytes)
        } else {
            u16::from_le_bytes(bytes)
        }
    }

    fn u32(&self, data: &[u8], at: usize) -> u32 {
        let mut bytes = [0u8; 4];
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = data.get(at + index).copied().unwrap_or(0);
        }
        if self.big_endian {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        }
    }

    fn u64(&self, data: &[u8], at: usize) -> u64 {
        let mut bytes = [0u8; 8];
        for (index, byte) in bytes.iter_mut().enumerate() {
            *byte = data.get(at + index).copied().unwrap_or(0);
        }
        if self.big_endian {
            u64::from_be_bytes(bytes)
        } else {
            u64::from_le_bytes(bytes)
        }
    }
}
