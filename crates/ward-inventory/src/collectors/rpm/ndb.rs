//! Reader for rpm's NDB backend (`Packages.db`, used by SUSE since rpm 4.15).
//!
//! Layout (rpm `lib/backend/ndb/rpmpkg.c`; every integer little-endian):
//!
//! - A 32-byte file header: magic `RpmP` at 0, format version (0) at 4, generation at 8,
//!   number of 4096-byte slot pages at 12.
//! - The slot pages follow from the start of the file, the header taking the first two
//!   16-byte slots. A slot is magic `Slot`, package index (0 for a free slot), block offset
//!   and block count, blocks being 16 bytes.
//! - A package's blob starts at `block offset × 16`: magic `BlbS`, package index,
//!   generation, blob length, then the header blob, then a 12-byte tail (Adler-32, blob
//!   length, magic `BlbE`) at the end of the last block.

/// File header magic `RpmP`.
const FILE_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
/// Slot magic `Slot`.
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
/// Blob header magic `BlbS`.
const BLOB_HEAD_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
/// Blob tail magic `BlbE`.
const BLOB_TAIL_MAGIC: u32 = u32::from_le_bytes(*b"BlbE");

const FILE_HEADER_BYTES: usize = 32;
const SLOT_PAGE_BYTES: usize = 4096;
const SLOT_BYTES: usize = 16;
const BLOCK_BYTES: usize = 16;
const BLOB_HEAD_BYTES: usize = 16;
const BLOB_TAIL_BYTES: usize = 12;
/// Slot pages accepted; rpm grows the slot area one page per 256 packages, so this allows
/// more than half a million packages while bounding work on a corrupt count.
const MAX_SLOT_PAGES: u32 = 2048;

/// A defect that stops reading the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NdbError {
    /// The file does not start with the NDB magic.
    #[error("not an rpm NDB file: magic {0:#010x}")]
    NotNdb(u32),
    /// The format version is not 0.
    #[error("unsupported NDB version {0}")]
    UnsupportedVersion(u32),
    /// The slot page count is zero, too large, or beyond the file.
    #[error("invalid slot page count {pages} for a {file_bytes}-byte file")]
    InvalidSlotPages {
        /// Count read.
        pages: u32,
        /// File size.
        file_bytes: usize,
    },
}

/// A defect confined to one package. The others are still read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NdbRecordError {
    /// A slot does not carry the slot magic.
    #[error("slot {slot} has bad magic {magic:#010x}")]
    BadSlot {
        /// Slot position.
        slot: usize,
        /// Magic read.
        magic: u32,
    },
    /// The blob a slot points to is outside the file or malformed.
    #[error("package {package}: {reason}")]
    BadBlob {
        /// Package index.
        package: u32,
        /// What is wrong.
        reason: &'static str,
    },
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(slice))
}

/// One package's index and header blob, or the defect that hid it.
pub type PackageBlob<'a> = Result<(u32, &'a [u8]), NdbRecordError>;

/// Returns every package's header blob with its package index, in slot order. A damaged
/// slot or blob yields an error in its place and the others are still returned.
pub fn read_packages(bytes: &[u8]) -> Result<Vec<PackageBlob<'_>>, NdbError> {
    let magic = read_u32(bytes, 0).unwrap_or_default();
    if magic != FILE_MAGIC {
        return Err(NdbError::NotNdb(magic));
    }
    let version = read_u32(bytes, 4).unwrap_or_default();
    if version != 0 {
        return Err(NdbError::UnsupportedVersion(version));
    }
    let pages = read_u32(bytes, 12).unwrap_or_default();
    let slot_area = pages as usize * SLOT_PAGE_BYTES;
    if pages == 0 || pages > MAX_SLOT_PAGES || slot_area > bytes.len() {
        return Err(NdbError::InvalidSlotPages {
            pages,
            file_bytes: bytes.len(),
        });
    }

    let mut out = Vec::new();
    let first_slot = FILE_HEADER_BYTES / SLOT_BYTES;
    for slot in first_slot..slot_area / SLOT_BYTES {
        let at = slot * SLOT_BYTES;
        let slot_magic = read_u32(bytes, at).unwrap_or_default();
        if slot_magic != SLOT_MAGIC {
            out.push(Err(NdbRecordError::BadSlot {
                slot,
                magic: slot_magic,
            }));
            continue;
        }
        let package = read_u32(bytes, at + 4).unwrap_or_default();
        if package == 0 {
            continue;
        }
        let block_offset = read_u32(bytes, at + 8).unwrap_or_default();
        let block_count = read_u32(bytes, at + 12).unwrap_or_default();
        out.push(read_blob(bytes, package, block_offset, block_count).map(|blob| (package, blob)));
    }
    Ok(out)
}

fn read_blob(
    bytes: &[u8],
    package: u32,
    block_offset: u32,
    block_count: u32,
) -> Result<&[u8], NdbRecordError> {
    let bad = |reason| NdbRecordError::BadBlob { package, reason };
    let start = block_offset as usize * BLOCK_BYTES;
    let end = start
        .checked_add(block_count as usize * BLOCK_BYTES)
        .filter(|end| *end <= bytes.len() && start >= SLOT_PAGE_BYTES)
        .ok_or(bad("blocks lie outside the file or inside the slot area"))?;
    let blocks = &bytes[start..end];

    if read_u32(blocks, 0) != Some(BLOB_HEAD_MAGIC) {
        return Err(bad("bad blob header magic"));
    }
    if read_u32(blocks, 4) != Some(package) {
        return Err(bad("blob header names another package"));
    }
    let blob_bytes = read_u32(blocks, 12).unwrap_or_default() as usize;
    let needed = BLOB_HEAD_BYTES + blob_bytes + BLOB_TAIL_BYTES;
    if needed.div_ceil(BLOCK_BYTES) != block_count as usize {
        return Err(bad("blob length does not match the slot's block count"));
    }

    let tail = blocks.len() - BLOB_TAIL_BYTES;
    if read_u32(blocks, tail + 8) != Some(BLOB_TAIL_MAGIC) {
        return Err(bad("bad blob tail magic"));
    }
    if read_u32(blocks, tail + 4) != Some(blob_bytes as u32) {
        return Err(bad("blob tail length differs from the blob header"));
    }
    // NOTE: the tail's Adler-32 checksum is not verified. The header parser bounds-checks
    // every field it reads, so a corrupt blob yields an error rather than wrong offsets.
    Ok(&blocks[BLOB_HEAD_BYTES..BLOB_HEAD_BYTES + blob_bytes])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a one-slot-page NDB file holding `blobs`, with package indexes from 1.
    pub(crate) fn build_file(blobs: &[&[u8]]) -> Vec<u8> {
        let mut file = vec![0u8; SLOT_PAGE_BYTES];
        file[0..4].copy_from_slice(b"RpmP");
        file[12..16].copy_from_slice(&1u32.to_le_bytes());
        for slot in 2..SLOT_PAGE_BYTES / SLOT_BYTES {
            file[slot * SLOT_BYTES..slot * SLOT_BYTES + 4].copy_from_slice(b"Slot");
        }
        for (position, blob) in blobs.iter().enumerate() {
            let package = position as u32 + 1;
            let blocks = (BLOB_HEAD_BYTES + blob.len() + BLOB_TAIL_BYTES).div_ceil(BLOCK_BYTES);
            let start = file.len();
            let slot = (2 + position) * SLOT_BYTES;
            file[slot + 4..slot + 8].copy_from_slice(&package.to_le_bytes());
            file[slot + 8..slot + 12]
                .copy_from_slice(&((start / BLOCK_BYTES) as u32).to_le_bytes());
            file[slot + 12..slot + 16].copy_from_slice(&(blocks as u32).to_le_bytes());

            let mut region = vec![0u8; blocks * BLOCK_BYTES];
            region[0..4].copy_from_slice(b"BlbS");
            region[4..8].copy_from_slice(&package.to_le_bytes());
            region[12..16].copy_from_slice(&(blob.len() as u32).to_le_bytes());
            region[16..16 + blob.len()].copy_from_slice(blob);
            let tail = region.len() - BLOB_TAIL_BYTES;
            region[tail + 4..tail + 8].copy_from_slice(&(blob.len() as u32).to_le_bytes());
            region[tail + 8..tail + 12].copy_from_slice(b"BlbE");
            file.extend_from_slice(&region);
        }
        file
    }

    #[test]
    fn ndb_reads_blobs_in_slot_order() {
        let file = build_file(&[b"first blob", b"second"]);
        let packages = read_packages(&file).unwrap();
        assert_eq!(
            packages,
            vec![Ok((1, &b"first blob"[..])), Ok((2, &b"second"[..]))]
        );
    }

    #[test]
    fn ndb_bad_blob_is_reported_and_others_read() {
        let mut file = build_file(&[b"first blob", b"second"]);
        // Break the first blob's header magic.
        file[SLOT_PAGE_BYTES] = b'X';
        let packages = read_packages(&file).unwrap();
        assert!(matches!(
            packages[0],
            Err(NdbRecordError::BadBlob { package: 1, .. })
        ));
        assert_eq!(packages[1], Ok((2, &b"second"[..])));
    }

    #[test]
    fn ndb_blocks_past_end_are_reported() {
        let mut file = build_file(&[b"first blob"]);
        file.truncate(SLOT_PAGE_BYTES + 8);
        let packages = read_packages(&file).unwrap();
        assert!(matches!(
            packages[0],
            Err(NdbRecordError::BadBlob { package: 1, .. })
        ));
    }

    #[test]
    fn ndb_rejects_bad_file_header() {
        assert_eq!(read_packages(b"").unwrap_err(), NdbError::NotNdb(0));
        let mut file = build_file(&[]);
        file[12..16].copy_from_slice(&9u32.to_le_bytes());
        assert!(matches!(
            read_packages(&file),
            Err(NdbError::InvalidSlotPages { pages: 9, .. })
        ));
    }
}
