//! Reader for the Berkeley DB hash file rpm used up to 4.15 (`var/lib/rpm/Packages`).
//!
//! Written here because no maintained Rust crate reads Berkeley DB files, and linking
//! libdb would bring a C dependency and its AGPL/Sleepycat licence. The layout comes from
//! Berkeley DB's `dbinc/db_page.h` and `dbinc/hash.h`:
//!
//! - Page 0 is the hash metadata page. It starts with the generic 72-byte `DBMETA` header:
//!   magic at byte 12, page size at 20, encryption algorithm at 24, metadata flags at 26.
//!   Then come `max_bucket` at 72 and the `spares` table of 32 `u32` at 96.
//! - Every page starts with a 26-byte header: next page at 16, entry count at 20, high
//!   free offset (`hf_offset`) at 22, page type at 25.
//! - Bucket `b` lives on page `b + spares[ceil(log2(b + 1))]`; a bucket's further pages
//!   follow `next_pgno`. Hash pages (type 2 or 13) hold `u16` item offsets after the header,
//!   as key/value pairs. An item's first byte is its type: 1 is data stored inline, 3 is an
//!   off-page item (`u32` first overflow page at 4, `u32` total length at 8).
//! - Overflow pages (type 7) hold `hf_offset` bytes after the header and chain through
//!   `next_pgno` (0 ends the chain).
//!
//! The file's byte order is the writer's; the magic number tells which. Keys are rpm header
//! numbers; key 0 holds rpm's next-number counter and is skipped, as are values too short to
//! be a header.

use std::collections::HashSet;

/// Berkeley DB hash access method magic number.
const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER_BYTES: usize = 26;
const METADATA_BYTES: usize = 224;
const SPARES_OFFSET: usize = 96;
const SPARES_COUNT: usize = 32;

const PAGE_HASH_UNSORTED: u8 = 2;
const PAGE_OVERFLOW: u8 = 7;
const PAGE_HASH: u8 = 13;

const ITEM_KEYDATA: u8 = 1;
const ITEM_OFFPAGE: u8 = 3;
const OFFPAGE_ITEM_BYTES: usize = 12;

/// A defect that stops reading the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BdbError {
    /// The file is shorter than the metadata page.
    #[error("file of {0} bytes is too short for a Berkeley DB metadata page")]
    TooShort(usize),
    /// The magic number is not the hash access method's in either byte order.
    #[error("not a Berkeley DB hash file: magic {0:#010x}")]
    NotHash(u32),
    /// The page size is not a power of two between 512 and 65536.
    #[error("invalid page size {0}")]
    InvalidPageSize(u32),
    /// The file uses encryption or page checksums, which rpm never enables.
    #[error("unsupported Berkeley DB feature: {0}")]
    Unsupported(&'static str),
}

/// A defect confined to one record. The other records are still read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BdbRecordError {
    /// A page number points outside the file.
    #[error("page {page} is outside the file ({pages} pages)")]
    PageOutOfRange {
        /// Page number read.
        page: u32,
        /// Pages in the file.
        pages: usize,
    },
    /// A page in a bucket or overflow chain was already visited.
    #[error("page chain loops back to page {0}")]
    Cycle(u32),
    /// A page has the wrong type for where it was reached.
    #[error("page {page} has type {found}, expected {expected}")]
    WrongPageType {
        /// Page number.
        page: u32,
        /// Type read.
        found: u8,
        /// Expected type.
        expected: &'static str,
    },
    /// An item offset or length lies outside its page.
    #[error("page {page} item {item} lies outside the page")]
    ItemOutOfRange {
        /// Page number.
        page: u32,
        /// Item index.
        item: usize,
    },
    /// An overflow chain does not add up to the length its item announced.
    #[error("overflow chain from page {page} holds {found} bytes, expected {expected}")]
    OverflowLength {
        /// First overflow page.
        page: u32,
        /// Bytes collected.
        found: usize,
        /// Length announced.
        expected: usize,
    },
}

#[derive(Debug, Clone, Copy)]
enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    fn u32(self, bytes: &[u8], at: usize) -> Option<u32> {
        let slice: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u32::from_le_bytes(slice),
            ByteOrder::Big => u32::from_be_bytes(slice),
        })
    }

    fn u16(self, bytes: &[u8], at: usize) -> Option<u16> {
        let slice: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            ByteOrder::Little => u16::from_le_bytes(slice),
            ByteOrder::Big => u16::from_be_bytes(slice),
        })
    }
}

/// One record's key (the rpm header number) and value, or the defect that hid it.
pub type Record = Result<(u32, Vec<u8>), BdbRecordError>;

/// A Berkeley DB hash file held in memory.
#[derive(Debug)]
pub struct HashDb<'a> {
    bytes: &'a [u8],
    order: ByteOrder,
    page_size: usize,
    max_bucket: u32,
    spares: [u32; SPARES_COUNT],
}

/// One page's header fields.
struct Page<'a> {
    number: u32,
    bytes: &'a [u8],
    next: u32,
    entries: u16,
    hf_offset: u16,
    kind: u8,
}

impl<'a> HashDb<'a> {
    /// Reads the metadata page and checks that the file is a hash database rpm can have written.
    pub fn open(bytes: &'a [u8]) -> Result<Self, BdbError> {
        if bytes.len() < METADATA_BYTES {
            return Err(BdbError::TooShort(bytes.len()));
        }
        let magic_le = ByteOrder::Little.u32(bytes, 12).unwrap_or_default();
        let order = if magic_le == HASH_MAGIC {
            ByteOrder::Little
        } else if ByteOrder::Big.u32(bytes, 12) == Some(HASH_MAGIC) {
            ByteOrder::Big
        } else {
            return Err(BdbError::NotHash(magic_le));
        };

        let page_size = order.u32(bytes, 20).unwrap_or_default();
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(BdbError::InvalidPageSize(page_size));
        }
        if bytes[24] != 0 {
            return Err(BdbError::Unsupported("encryption"));
        }
        if bytes[26] & 0x01 != 0 {
            return Err(BdbError::Unsupported("page checksums"));
        }

        let max_bucket = order.u32(bytes, 72).unwrap_or_default();
        let mut spares = [0u32; SPARES_COUNT];
        for (position, spare) in spares.iter_mut().enumerate() {
            *spare = order
                .u32(bytes, SPARES_OFFSET + 4 * position)
                .unwrap_or_default();
        }
        Ok(HashDb {
            bytes,
            order,
            page_size: page_size as usize,
            max_bucket,
            spares,
        })
    }

    fn page_count(&self) -> usize {
        self.bytes.len() / self.page_size
    }

    fn page(&self, number: u32) -> Result<Page<'a>, BdbRecordError> {
        let start = (number as usize)
            .checked_mul(self.page_size)
            .filter(|start| start + self.page_size <= self.bytes.len())
            .ok_or(BdbRecordError::PageOutOfRange {
                page: number,
                pages: self.page_count(),
            })?;
        let bytes = &self.bytes[start..start + self.page_size];
        Ok(Page {
            number,
            bytes,
            next: self.order.u32(bytes, 16).unwrap_or_default(),
            entries: self.order.u16(bytes, 20).unwrap_or_default(),
            hf_offset: self.order.u16(bytes, 22).unwrap_or_default(),
            kind: bytes[25],
        })
    }

    /// Returns the first page of `bucket` (Berkeley DB's `BS_TO_PAGE`).
    fn bucket_page(&self, bucket: u32) -> u32 {
        // ceil(log2(bucket + 1)), as Berkeley DB's __db_log2 computes it.
        let slot = (u64::from(bucket) + 1).next_power_of_two().trailing_zeros() as usize;
        let spare = self.spares.get(slot).copied().unwrap_or_default();
        bucket.wrapping_add(spare)
    }

    /// Returns every value stored in the file, in bucket order (the order of `rpm -qa`),
    /// with the key of each. A damaged bucket or record yields an error in its place and
    /// the walk goes on with the next one.
    pub fn values(&self) -> Vec<Record> {
        let mut out = Vec::new();
        let mut visited = HashSet::new();
        let bucket_count = u64::from(self.max_bucket) + 1;

        // A corrupt max_bucket could ask for billions of buckets, but each bucket needs a page.
        let bucket_count = bucket_count.min(self.page_count() as u64) as u32;
        for bucket in 0..bucket_count {
            let mut number = self.bucket_page(bucket);
            while number != 0 {
                if !visited.insert(number) {
                    out.push(Err(BdbRecordError::Cycle(number)));
                    break;
                }
                let page = match self.page(number) {
                    Ok(page) => page,
                    Err(error) => {
                        out.push(Err(error));
                        break;
                    }
                };
                if page.kind != PAGE_HASH && page.kind != PAGE_HASH_UNSORTED {
                    out.push(Err(BdbRecordError::WrongPageType {
                        page: number,
                        found: page.kind,
                        expected: "hash",
                    }));
                    break;
                }
                self.read_hash_page(&page, &mut out);
                number = page.next;
            }
        }
        out
    }

    /// Appends the key/value pairs of one hash page.
    fn read_hash_page(
        &self,
        page: &Page<'a>,
        out: &mut Vec<Result<(u32, Vec<u8>), BdbRecordError>>,
    ) {
        let items = usize::from(page.entries);
        for pair in 0..items / 2 {
            let key_item = pair * 2;
            let value_item = key_item + 1;
            let key = match self.item(page, key_item) {
                Ok(key) => key,
                Err(error) => {
                    out.push(Err(error));
                    continue;
                }
            };
            let value = match self.item(page, value_item) {
                Ok(value) => value,
                Err(error) => {
                    out.push(Err(error));
                    continue;
                }
            };

            // Keys are inline 4-byte header numbers in the writer's byte order.
            let key_number = match key.split_first() {
                Some((&ITEM_KEYDATA, rest)) if rest.len() == 4 => {
                    self.order.u32(rest, 0).unwrap_or_default()
                }
                _ => continue,
            };
            if key_number == 0 {
                continue;
            }

            let value = match value.split_first() {
                Some((&ITEM_KEYDATA, rest)) => Ok(rest.to_vec()),
                Some((&ITEM_OFFPAGE, _)) => self.read_offpage(page, value_item, value),
                _ => continue,
            };
            out.push(value.map(|bytes| (key_number, bytes)));
        }
    }

    /// Returns item `item` of a hash page, including its type byte.
    fn item(&self, page: &Page<'a>, item: usize) -> Result<&'a [u8], BdbRecordError> {
        let out_of_range = BdbRecordError::ItemOutOfRange {
            page: page.number,
            item,
        };
        let start = self
            .order
            .u16(page.bytes, PAGE_HEADER_BYTES + 2 * item)
            .ok_or(out_of_range.clone())?;

        // Items are packed from the end of the page downwards, so an item ends where the
        // previous one starts.
        let end = match item {
            0 => self.page_size,
            _ => usize::from(
                self.order
                    .u16(page.bytes, PAGE_HEADER_BYTES + 2 * (item - 1))
                    .ok_or(out_of_range.clone())?,
            ),
        };
        let start = usize::from(start);
        if start < PAGE_HEADER_BYTES || start >= end || end > self.page_size {
            return Err(out_of_range);
        }
        Ok(&page.bytes[start..end])
    }

    /// Concatenates the overflow chain an off-page item points to.
    fn read_offpage(
        &self,
        page: &Page<'a>,
        item: usize,
        value: &[u8],
    ) -> Result<Vec<u8>, BdbRecordError> {
        if value.len() < OFFPAGE_ITEM_BYTES {
            return Err(BdbRecordError::ItemOutOfRange {
                page: page.number,
                item,
            });
        }
        let first = self.order.u32(value, 4).unwrap_or_default();
        let total = self.order.u32(value, 8).unwrap_or_default() as usize;

        // The total length cannot exceed the file, so checking it bounds the allocation.
        if total > self.bytes.len() {
            return Err(BdbRecordError::OverflowLength {
                page: first,
                found: 0,
                expected: total,
            });
        }
        let mut out = Vec::with_capacity(total);
        let mut visited = HashSet::new();
        let mut number = first;
        while number != 0 {
            if !visited.insert(number) {
                return Err(BdbRecordError::Cycle(number));
            }
            let overflow = self.page(number)?;
            if overflow.kind != PAGE_OVERFLOW {
                return Err(BdbRecordError::WrongPageType {
                    page: number,
                    found: overflow.kind,
                    expected: "overflow",
                });
            }
            let end = PAGE_HEADER_BYTES + usize::from(overflow.hf_offset);
            let chunk = overflow.bytes.get(PAGE_HEADER_BYTES..end).ok_or(
                BdbRecordError::ItemOutOfRange {
                    page: number,
                    item: 0,
                },
            )?;
            out.extend_from_slice(chunk);
            if out.len() > total {
                break;
            }
            number = overflow.next;
        }
        if out.len() != total {
            return Err(BdbRecordError::OverflowLength {
                page: first,
                found: out.len(),
                expected: total,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a minimal hash file: metadata page, one bucket page holding one record
    /// (key 1) whose value spans two overflow pages, plus the key-0 counter record.
    pub(crate) fn build_file(value: &[u8], big_endian: bool) -> Vec<u8> {
        let page_size = 512usize;
        let u32b = |number: u32| {
            if big_endian {
                number.to_be_bytes()
            } else {
                number.to_le_bytes()
            }
        };
        let u16b = |number: u16| {
            if big_endian {
                number.to_be_bytes()
            } else {
                number.to_le_bytes()
            }
        };
        let chunk = page_size - PAGE_HEADER_BYTES;
        let chunks: Vec<&[u8]> = value.chunks(chunk).collect();
        let mut file = vec![0u8; page_size * (2 + chunks.len())];

        // Metadata: one bucket (max_bucket 0) on page 1, so spares[0] = 1.
        file[12..16].copy_from_slice(&u32b(HASH_MAGIC));
        file[20..24].copy_from_slice(&u32b(page_size as u32));
        file[25] = 8;
        file[72..76].copy_from_slice(&u32b(0));
        file[96..100].copy_from_slice(&u32b(1));

        // Bucket page 1: items packed downwards from the end.
        let bucket = &mut file[page_size..2 * page_size];
        bucket[25] = PAGE_HASH;
        bucket[20..22].copy_from_slice(&u16b(4));
        let mut items: Vec<Vec<u8>> = Vec::new();
        let mut key0 = vec![ITEM_KEYDATA];
        key0.extend_from_slice(&u32b(0));
        let mut counter = vec![ITEM_KEYDATA];
        counter.extend_from_slice(&u32b(2));
        let mut key1 = vec![ITEM_KEYDATA];
        key1.extend_from_slice(&u32b(1));
        let mut offpage = vec![ITEM_OFFPAGE, 0, 0, 0];
        offpage.extend_from_slice(&u32b(2));
        offpage.extend_from_slice(&u32b(value.len() as u32));
        items.extend([key0, counter, key1, offpage]);
        let mut end = page_size;
        for (position, item) in items.iter().enumerate() {
            let start = end - item.len();
            bucket[start..end].copy_from_slice(item);
            let at = PAGE_HEADER_BYTES + 2 * position;
            bucket[at..at + 2].copy_from_slice(&u16b(start as u16));
            end = start;
        }

        // Overflow pages 2…
        for (position, data) in chunks.iter().enumerate() {
            let number = 2 + position;
            let page = &mut file[number * page_size..(number + 1) * page_size];
            page[25] = PAGE_OVERFLOW;
            let next = if position + 1 < chunks.len() {
                number as u32 + 1
            } else {
                0
            };
            page[16..20].copy_from_slice(&u32b(next));
            page[22..24].copy_from_slice(&u16b(data.len() as u16));
            page[PAGE_HEADER_BYTES..PAGE_HEADER_BYTES + data.len()].copy_from_slice(data);
        }
        file
    }

    #[test]
    fn bdb_reads_overflow_value_both_orders() {
        let value: Vec<u8> = (0..1000u32).map(|n| n as u8).collect();
        for big_endian in [false, true] {
            let file = build_file(&value, big_endian);
            let db = HashDb::open(&file).unwrap();
            let values = db.values();
            assert_eq!(values.len(), 1, "big_endian {big_endian}");
            assert_eq!(values[0], Ok((1, value.clone())), "big_endian {big_endian}");
        }
    }

    #[test]
    fn bdb_cyclic_overflow_chain_is_reported() {
        let value = vec![7u8; 1000];
        let mut file = build_file(&value, false);
        // Point the last overflow page (page 3) back at page 2.
        file[3 * 512 + 16..3 * 512 + 20].copy_from_slice(&2u32.to_le_bytes());
        let db = HashDb::open(&file).unwrap();
        let values = db.values();
        assert_eq!(values.len(), 1);
        assert!(
            matches!(
                values[0],
                Err(BdbRecordError::Cycle(2)) | Err(BdbRecordError::OverflowLength { .. })
            ),
            "{:?}",
            values[0]
        );
    }

    #[test]
    fn bdb_cyclic_bucket_chain_is_reported() {
        let mut file = build_file(&[1, 2, 3], false);
        // Bucket page 1 points to itself as its next page.
        file[512 + 16..512 + 20].copy_from_slice(&1u32.to_le_bytes());
        let db = HashDb::open(&file).unwrap();
        let values = db.values();
        assert!(values
            .iter()
            .any(|value| value == &Err(BdbRecordError::Cycle(1))));
    }

    #[test]
    fn bdb_overflow_page_out_of_range_is_reported() {
        let mut file = build_file(&[1, 2, 3], false);
        file.truncate(2 * 512);
        let db = HashDb::open(&file).unwrap();
        let values = db.values();
        assert!(matches!(
            values[0],
            Err(BdbRecordError::PageOutOfRange { page: 2, .. })
        ));
    }

    #[test]
    fn bdb_rejects_non_hash_files() {
        assert_eq!(
            HashDb::open(&[0u8; 10]).unwrap_err(),
            BdbError::TooShort(10)
        );
        assert!(matches!(
            HashDb::open(&[0u8; 4096]),
            Err(BdbError::NotHash(0))
        ));
        let mut file = build_file(&[1], false);
        file[20..24].copy_from_slice(&1000u32.to_le_bytes());
        assert_eq!(
            HashDb::open(&file).unwrap_err(),
            BdbError::InvalidPageSize(1000)
        );
    }
}
