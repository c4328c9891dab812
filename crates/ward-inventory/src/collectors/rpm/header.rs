//! The rpm header blob as the package databases store it.
//!
//! Layout (rpm `lib/header.c`, `headerImport`; every integer big-endian):
//!
//! ```text
//! u32 il                  number of index entries
//! u32 dl                  length of the data store in bytes
//! il × 16-byte entries    i32 tag, u32 type, i32 offset, u32 count
//! dl bytes                data store; each entry's value starts at `offset`
//! ```
//!
//! Databases store headers without the 8-byte magic of a package file. The first entry is
//! usually a region tag (`HEADERIMMUTABLE`, 63, type BIN, count 16) whose value is a trailer
//! entry in the data store; the trailer's negated offset is the size of the region's index.
//! This reader checks that trailer and every entry's bounds, then decodes only the tags the
//! inventory needs. It never trusts a length before checking it against the blob.

use std::fmt;

/// Largest index entry count accepted; rpm's own limit (`HEADER_TAGS_MAX`) is 65535.
const MAX_INDEX_ENTRIES: u32 = 0xffff;
/// Largest data store accepted; rpm's own limit (`HEADER_DATA_MAX`) is 256 MiB.
const MAX_DATA_BYTES: u32 = 256 * 1024 * 1024;
/// Size of one index entry.
const ENTRY_BYTES: usize = 16;

/// Tag numbers read by the inventory (rpm `include/rpm/rpmtag.h`).
pub mod tag {
    /// Immutable region marker (`RPMTAG_HEADERIMMUTABLE`).
    pub const HEADER_IMMUTABLE: i32 = 63;
    /// Old-style signature region marker (`RPMTAG_HEADERSIGNATURES`).
    pub const HEADER_SIGNATURES: i32 = 62;
    /// Package name.
    pub const NAME: i32 = 1000;
    /// Upstream version.
    pub const VERSION: i32 = 1001;
    /// Package release.
    pub const RELEASE: i32 = 1002;
    /// Epoch (INT32).
    pub const EPOCH: i32 = 1003;
    /// Install time, seconds since the Unix epoch (INT32).
    pub const INSTALL_TIME: i32 = 1008;
    /// Vendor.
    pub const VENDOR: i32 = 1011;
    /// License expression.
    pub const LICENSE: i32 = 1014;
    /// Architecture.
    pub const ARCH: i32 = 1022;
    /// File name of the source rpm the package was built from.
    pub const SOURCE_RPM: i32 = 1044;
    /// Module name, stream, version and context (`nodejs:18:8070020230306170042:ad008a3a`).
    pub const MODULARITY_LABEL: i32 = 5096;
    /// Full file paths, the layout of old packages without `DIRNAMES` (STRING_ARRAY).
    pub const OLD_FILE_NAMES: i32 = 1027;
    /// Index into `DIRNAMES` of each file (INT32 array, one per file).
    pub const DIR_INDEXES: i32 = 1116;
    /// File name of each file without its directory (STRING_ARRAY).
    pub const BASE_NAMES: i32 = 1117;
    /// Directories of the files, each ending in `/` (STRING_ARRAY).
    pub const DIR_NAMES: i32 = 1118;
}

/// Tag value types (rpm `rpmTagType`).
mod kind {
    pub const INT32: u32 = 4;
    pub const STRING: u32 = 6;
    pub const BIN: u32 = 7;
    pub const STRING_ARRAY: u32 = 8;
    pub const I18N_STRING: u32 = 9;
}

/// A defect found while decoding a header blob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The blob ends before the structure it announces.
    #[error("header truncated: {what} needs {needed} bytes but {available} remain")]
    Truncated {
        /// Structure that did not fit.
        what: &'static str,
        /// Bytes it needs.
        needed: usize,
        /// Bytes available.
        available: usize,
    },
    /// The index entry count or data length is beyond rpm's own limits.
    #[error("header sizes out of range: {entries} index entries, {data_bytes} data bytes")]
    SizeOutOfRange {
        /// Index entry count read.
        entries: u32,
        /// Data store length read.
        data_bytes: u32,
    },
    /// An entry's value lies outside the data store.
    #[error(
        "tag {tag} (type {kind}) has offset {offset} outside the {data_bytes}-byte data store"
    )]
    OffsetOutOfRange {
        /// Tag of the entry.
        tag: i32,
        /// Type of the entry.
        kind: u32,
        /// Offset read.
        offset: i32,
        /// Data store length.
        data_bytes: usize,
    },
    /// The region trailer does not describe the region.
    #[error("invalid region trailer for tag {tag}: {reason}")]
    InvalidRegion {
        /// Region tag.
        tag: i32,
        /// Description of the defect.
        reason: &'static str,
    },
    /// A string value has no terminating NUL inside the data store.
    #[error("tag {tag} string is not NUL-terminated inside the data store")]
    UnterminatedString {
        /// Tag of the entry.
        tag: i32,
    },
    /// A tag the inventory needs has an unexpected type or count.
    #[error("tag {tag} has type {kind} and count {count}, expected {expected}")]
    WrongType {
        /// Tag of the entry.
        tag: i32,
        /// Type read.
        kind: u32,
        /// Count read.
        count: u32,
        /// Expected value or shape.
        expected: &'static str,
    },
    /// A mandatory tag is absent.
    #[error("missing tag {tag} ({name})")]
    MissingTag {
        /// Tag number.
        tag: i32,
        /// Tag name.
        name: &'static str,
    },
}

/// One index entry, decoded.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: i32,
    kind: u32,
    offset: i32,
    count: u32,
}

/// A validated header blob: the index and data store, borrowed.
pub struct Header<'a> {
    index: &'a [u8],
    data: &'a [u8],
}

impl fmt::Debug for Header<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("entries", &(self.index.len() / ENTRY_BYTES))
            .field("data_bytes", &self.data.len())
            .finish()
    }
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([slice[0], slice[1], slice[2], slice[3]]))
}

impl<'a> Header<'a> {
    /// Parses the blob's index and data store bounds, and checks the region trailer.
    ///
    /// Trailing bytes after the data store are ignored, because the BDB and NDB backends
    /// may pad the stored value.
    pub fn parse(blob: &'a [u8]) -> Result<Self, HeaderError> {
        let (Some(entries), Some(data_bytes)) = (read_u32(blob, 0), read_u32(blob, 4)) else {
            return Err(HeaderError::Truncated {
                what: "header preamble",
                needed: 8,
                available: blob.len(),
            });
        };
        if entries == 0 || entries > MAX_INDEX_ENTRIES || data_bytes > MAX_DATA_BYTES {
            return Err(HeaderError::SizeOutOfRange {
                entries,
                data_bytes,
            });
        }

        // Both values are bounded above, so these products cannot overflow.
        let index_bytes = entries as usize * ENTRY_BYTES;
        let needed = 8 + index_bytes + data_bytes as usize;
        if blob.len() < needed {
            return Err(HeaderError::Truncated {
                what: "index and data store",
                needed,
                available: blob.len(),
            });
        }
        let header = Header {
            index: &blob[8..8 + index_bytes],
            data: &blob[8 + index_bytes..needed],
        };

        header.check_entries()?;
        header.check_region()?;
        Ok(header)
    }

    fn entry(&self, position: usize) -> Option<Entry> {
        let at = position * ENTRY_BYTES;
        Some(Entry {
            tag: read_u32(self.index, at)? as i32,
            kind: read_u32(self.index, at + 4)?,
            offset: read_u32(self.index, at + 8)? as i32,
            count: read_u32(self.index, at + 12)?,
        })
    }

    fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.index.len() / ENTRY_BYTES).filter_map(|position| self.entry(position))
    }

    /// Checks that every entry's offset lies inside the data store. The region trailer's
    /// own negative offset is checked by [`Self::check_region`], not here.
    fn check_entries(&self) -> Result<(), HeaderError> {
        for entry in self.entries() {
            let in_range = usize::try_from(entry.offset)
                .map(|offset| offset < self.data.len())
                .unwrap_or(false);
            if !in_range {
                return Err(HeaderError::OffsetOutOfRange {
                    tag: entry.tag,
                    kind: entry.kind,
                    offset: entry.offset,
                    data_bytes: self.data.len(),
                });
            }
        }
        Ok(())
    }

    /// Checks the region trailer of the first entry when it is a region tag.
    fn check_region(&self) -> Result<(), HeaderError> {
        let Some(first) = self.entry(0) else {
            return Ok(());
        };
        if first.tag != tag::HEADER_IMMUTABLE && first.tag != tag::HEADER_SIGNATURES {
            return Ok(());
        }
        let invalid = |reason| HeaderError::InvalidRegion {
            tag: first.tag,
            reason,
        };
        if first.kind != kind::BIN || first.count != ENTRY_BYTES as u32 {
            return Err(invalid("region tag is not a 16-byte BIN value"));
        }

        // check_entries proved the offset is non-negative and inside the store.
        let at = first.offset as usize;
        let trailer = self
            .data
            .get(at..at + ENTRY_BYTES)
            .ok_or(invalid("trailer extends past the data store"))?;
        let trailer_tag = read_u32(trailer, 0).unwrap_or_default() as i32;
        let trailer_offset = read_u32(trailer, 8).unwrap_or_default() as i32;
        if trailer_tag != first.tag {
            return Err(invalid("trailer tag differs from the region tag"));
        }

        // The trailer's offset is minus the size of the region's index in bytes.
        let region_bytes = trailer_offset.checked_neg().unwrap_or(-1);
        if region_bytes <= 0
            || !(region_bytes as usize).is_multiple_of(ENTRY_BYTES)
            || region_bytes as usize > self.index.len()
        {
            return Err(invalid(
                "trailer offset does not give a region inside the index",
            ));
        }
        Ok(())
    }

    fn find(&self, wanted: i32) -> Option<Entry> {
        self.entries().find(|entry| entry.tag == wanted)
    }

    /// Returns a string tag's value, or `None` when the tag is absent.
    ///
    /// STRING, I18NSTRING (first translation) and STRING_ARRAY (first element) are accepted;
    /// invalid UTF-8 is replaced with U+FFFD rather than rejected.
    pub fn string(&self, wanted: i32) -> Result<Option<String>, HeaderError> {
        let Some(entry) = self.find(wanted) else {
            return Ok(None);
        };
        let is_string_kind = matches!(
            entry.kind,
            kind::STRING | kind::I18N_STRING | kind::STRING_ARRAY
        );
        if !is_string_kind || entry.count == 0 {
            return Err(HeaderError::WrongType {
                tag: entry.tag,
                kind: entry.kind,
                count: entry.count,
                expected: "a string",
            });
        }

        let start = entry.offset as usize;
        let rest = &self.data[start..];
        let Some(length) = rest.iter().position(|byte| *byte == 0) else {
            return Err(HeaderError::UnterminatedString { tag: entry.tag });
        };
        Ok(Some(String::from_utf8_lossy(&rest[..length]).into_owned()))
    }

    /// Returns the values of a STRING_ARRAY tag (STRING is read as one value), or `None` when
    /// the tag is absent.
    pub fn string_array(&self, wanted: i32) -> Result<Option<Vec<&'a [u8]>>, HeaderError> {
        let Some(entry) = self.find(wanted) else {
            return Ok(None);
        };
        if !matches!(entry.kind, kind::STRING | kind::STRING_ARRAY) {
            return Err(HeaderError::WrongType {
                tag: entry.tag,
                kind: entry.kind,
                count: entry.count,
                expected: "a string array",
            });
        }

        // Each value is NUL-terminated and the next one starts right after it. The count is
        // not trusted for the allocation: a value must fit in the data store to be kept.
        let mut rest = &self.data[entry.offset as usize..];
        let mut values = Vec::new();
        for _ in 0..entry.count {
            let Some(length) = rest.iter().position(|byte| *byte == 0) else {
                return Err(HeaderError::UnterminatedString { tag: entry.tag });
            };
            values.push(&rest[..length]);
            rest = &rest[length + 1..];
        }
        Ok(Some(values))
    }

    /// Returns the values of an INT32 array tag, or `None` when the tag is absent.
    pub fn int32_array(&self, wanted: i32) -> Result<Option<Vec<u32>>, HeaderError> {
        let Some(entry) = self.find(wanted) else {
            return Ok(None);
        };
        if entry.kind != kind::INT32 {
            return Err(HeaderError::WrongType {
                tag: entry.tag,
                kind: entry.kind,
                count: entry.count,
                expected: "an INT32 array",
            });
        }
        let start = entry.offset as usize;
        let needed = (entry.count as usize).saturating_mul(4);
        let Some(bytes) = self.data.get(start..start.saturating_add(needed)) else {
            return Err(HeaderError::Truncated {
                what: "INT32 array",
                needed,
                available: self.data.len() - start,
            });
        };
        Ok(Some(
            bytes
                .chunks_exact(4)
                .map(|chunk| u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
                .collect(),
        ))
    }

    /// Returns the first value of an INT32 tag, or `None` when the tag is absent.
    pub fn int32(&self, wanted: i32) -> Result<Option<u32>, HeaderError> {
        let Some(entry) = self.find(wanted) else {
            return Ok(None);
        };
        if entry.kind != kind::INT32 || entry.count == 0 {
            return Err(HeaderError::WrongType {
                tag: entry.tag,
                kind: entry.kind,
                count: entry.count,
                expected: "an INT32",
            });
        }
        let value = read_u32(self.data, entry.offset as usize).ok_or(HeaderError::Truncated {
            what: "INT32 value",
            needed: 4,
            available: self.data.len() - entry.offset as usize,
        })?;
        Ok(Some(value))
    }
}

/// The file list of one installed package, borrowed from its header blob.
///
/// Current rpm versions store paths split into `DIRNAMES` (each ending in `/`), `BASENAMES` and
/// `DIRINDEXES`; file `i` is `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]`. Older headers store
/// whole paths in `OLDFILENAMES`, read here as paths with an empty directory part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileList<'a> {
    /// `NAME` of the package.
    pub package: String,
    directories: Vec<&'a [u8]>,
    base_names: Vec<&'a [u8]>,
    directory_indexes: Vec<u32>,
}

impl<'a> FileList<'a> {
    /// Decodes the package name and file list of one header blob.
    ///
    /// A package without files (a meta package) has an empty list. A `DIRINDEXES` value
    /// beyond `DIRNAMES`, or arrays of different lengths, is an error rather than a guess.
    pub fn from_blob(blob: &'a [u8]) -> Result<Self, HeaderError> {
        let header = Header::parse(blob)?;
        let package = header.string(tag::NAME)?.ok_or(HeaderError::MissingTag {
            tag: tag::NAME,
            name: "NAME",
        })?;

        let Some(base_names) = header.string_array(tag::BASE_NAMES)? else {
            let old = header
                .string_array(tag::OLD_FILE_NAMES)?
                .unwrap_or_default();
            return Ok(FileList {
                package,
                directories: vec![b""],
                directory_indexes: vec![0; old.len()],
                base_names: old,
            });
        };
        let directories = header.string_array(tag::DIR_NAMES)?.unwrap_or_default();
        let directory_indexes = header.int32_array(tag::DIR_INDEXES)?.unwrap_or_default();
        if directory_indexes.len() != base_names.len()
            || directory_indexes
                .iter()
                .any(|index| *index as usize >= directories.len())
        {
            return Err(HeaderError::WrongType {
                tag: tag::DIR_INDEXES,
                kind: kind::INT32,
                count: u32::try_from(directory_indexes.len()).unwrap_or(u32::MAX),
                expected: "one index into DIRNAMES per BASENAMES entry",
            });
        }
        Ok(FileList {
            package,
            directories,
            base_names,
            directory_indexes,
        })
    }

    /// Returns the number of files.
    pub fn len(&self) -> usize {
        self.base_names.len()
    }

    /// Returns whether the package installs no file.
    pub fn is_empty(&self) -> bool {
        self.base_names.is_empty()
    }

    /// Iterates over `(directory, base name)` of every file, as raw bytes; the directory ends
    /// in `/` (empty for `OLDFILENAMES` entries, whose base name is the whole path).
    pub fn iter(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + '_ {
        self.directory_indexes
            .iter()
            .zip(&self.base_names)
            .map(|(index, base_name)| (self.directories[*index as usize], *base_name))
    }
}

/// The fields of one installed package that the inventory records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageHeader {
    /// `NAME`.
    pub name: String,
    /// `EPOCH`, `None` when the tag is absent (rpm compares that as 0).
    pub epoch: Option<u32>,
    /// `VERSION`.
    pub version: String,
    /// `RELEASE`.
    pub release: String,
    /// `ARCH`, absent on `gpg-pubkey` pseudo-packages.
    pub arch: Option<String>,
    /// `SOURCERPM`, the source package's file name (`glibc-2.31-9.3.2.src.rpm`).
    pub source_rpm: Option<String>,
    /// `VENDOR`.
    pub vendor: Option<String>,
    /// `LICENSE`.
    pub license: Option<String>,
    /// `MODULARITYLABEL`.
    pub modularity_label: Option<String>,
    /// `INSTALLTIME`, seconds since the Unix epoch.
    pub install_time: Option<u32>,
}

impl PackageHeader {
    /// Decodes the inventory fields of one header blob.
    ///
    /// `NAME`, `VERSION` and `RELEASE` are required; every other tag may be absent.
    pub fn from_blob(blob: &[u8]) -> Result<Self, HeaderError> {
        let header = Header::parse(blob)?;
        let required = |wanted: i32, name: &'static str| -> Result<String, HeaderError> {
            header
                .string(wanted)?
                .ok_or(HeaderError::MissingTag { tag: wanted, name })
        };

        Ok(PackageHeader {
            name: required(tag::NAME, "NAME")?,
            version: required(tag::VERSION, "VERSION")?,
            release: required(tag::RELEASE, "RELEASE")?,
            epoch: header.int32(tag::EPOCH)?,
            arch: header.string(tag::ARCH)?,
            source_rpm: header.string(tag::SOURCE_RPM)?,
            vendor: header.string(tag::VENDOR)?,
            license: header.string(tag::LICENSE)?,
            modularity_label: header.string(tag::MODULARITY_LABEL)?,
            install_time: header.int32(tag::INSTALL_TIME)?,
        })
    }

    /// Returns `[epoch:]version-release`, the form rpm and OSV compare.
    pub fn evr(&self) -> String {
        match self.epoch {
            Some(epoch) => format!("{epoch}:{}-{}", self.version, self.release),
            None => format!("{}-{}", self.version, self.release),
        }
    }
}

/// Source package name, version and release parsed from a `SOURCERPM` file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRpm<'a> {
    /// Source package name (`gcc11`).
    pub name: &'a str,
    /// Source version (`11.2.1+git610`).
    pub version: &'a str,
    /// Source release (`1.3.9`).
    pub release: &'a str,
}

impl<'a> SourceRpm<'a> {
    /// Splits `name-version-release.src.rpm` (also `.nosrc.rpm`) from the right, since
    /// names may contain dashes but version and release may not.
    ///
    /// Returns `None` when the file name does not have that shape.
    pub fn parse(file_name: &'a str) -> Option<Self> {
        let stem = file_name
            .strip_suffix(".src.rpm")
            .or_else(|| file_name.strip_suffix(".nosrc.rpm"))?;
        let (rest, release) = stem.rsplit_once('-')?;
        let (name, version) = rest.rsplit_once('-')?;
        if name.is_empty() || version.is_empty() || release.is_empty() {
            return None;
        }
        Some(SourceRpm {
            name,
            version,
            release,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A header value for [`build_blob`].
    pub(crate) enum Value<'a> {
        Str(&'a str),
        Int32(u32),
        StrArray(&'a [&'a str]),
        Int32Array(&'a [u32]),
    }

    /// Builds a database-style header blob with an immutable region around all entries.
    pub(crate) fn build_blob(tags: &[(i32, Value<'_>)]) -> Vec<u8> {
        let mut data = Vec::new();
        let mut index = Vec::new();
        let entries = tags.len() as u32 + 1;
        for (tag, value) in tags {
            let (kind, count) = match value {
                Value::Str(text) => {
                    let offset = data.len() as u32;
                    data.extend_from_slice(text.as_bytes());
                    data.push(0);
                    (kind::STRING, (offset, 1u32))
                }
                Value::Int32(number) => {
                    while data.len() % 4 != 0 {
                        data.push(0);
                    }
                    let offset = data.len() as u32;
                    data.extend_from_slice(&number.to_be_bytes());
                    (kind::INT32, (offset, 1u32))
                }
                Value::StrArray(texts) => {
                    let offset = data.len() as u32;
                    for text in *texts {
                        data.extend_from_slice(text.as_bytes());
                        data.push(0);
                    }
                    (kind::STRING_ARRAY, (offset, texts.len() as u32))
                }
                Value::Int32Array(numbers) => {
                    while data.len() % 4 != 0 {
                        data.push(0);
                    }
                    let offset = data.len() as u32;
                    for number in *numbers {
                        data.extend_from_slice(&number.to_be_bytes());
                    }
                    (kind::INT32, (offset, numbers.len() as u32))
                }
            };
            index.extend_from_slice(&tag.to_be_bytes());
            index.extend_from_slice(&kind.to_be_bytes());
            index.extend_from_slice(&count.0.to_be_bytes());
            index.extend_from_slice(&count.1.to_be_bytes());
        }

        // Region trailer at the end of the data store.
        let trailer_offset = data.len() as u32;
        data.extend_from_slice(&tag::HEADER_IMMUTABLE.to_be_bytes());
        data.extend_from_slice(&kind::BIN.to_be_bytes());
        data.extend_from_slice(&(-(entries as i32 * 16)).to_be_bytes());
        data.extend_from_slice(&16u32.to_be_bytes());

        let mut blob = Vec::new();
        blob.extend_from_slice(&entries.to_be_bytes());
        blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
        blob.extend_from_slice(&tag::HEADER_IMMUTABLE.to_be_bytes());
        blob.extend_from_slice(&kind::BIN.to_be_bytes());
        blob.extend_from_slice(&trailer_offset.to_be_bytes());
        blob.extend_from_slice(&16u32.to_be_bytes());
        blob.extend_from_slice(&index);
        blob.extend_from_slice(&data);
        blob
    }

    /// A header like the ones real databases hold, with every tag the inventory reads.
    pub(crate) fn sample_blob(name: &str, version: &str, release: &str) -> Vec<u8> {
        let source = format!("{name}-{version}-{release}.src.rpm");
        build_blob(&[
            (tag::NAME, Value::Str(name)),
            (tag::VERSION, Value::Str(version)),
            (tag::RELEASE, Value::Str(release)),
            (tag::EPOCH, Value::Int32(2)),
            (tag::INSTALL_TIME, Value::Int32(1_700_000_000)),
            (tag::VENDOR, Value::Str("Fedora Project")),
            (tag::LICENSE, Value::Str("MIT")),
            (tag::ARCH, Value::Str("x86_64")),
            (tag::SOURCE_RPM, Value::Str(&source)),
            (tag::MODULARITY_LABEL, Value::Str("nodejs:18:1:abc")),
        ])
    }

    #[test]
    fn header_decodes_all_fields() {
        let blob = sample_blob("curl", "7.76.1", "14.el9");
        let package = PackageHeader::from_blob(&blob).unwrap();
        assert_eq!(package.name, "curl");
        assert_eq!(package.version, "7.76.1");
        assert_eq!(package.release, "14.el9");
        assert_eq!(package.epoch, Some(2));
        assert_eq!(package.arch.as_deref(), Some("x86_64"));
        assert_eq!(package.vendor.as_deref(), Some("Fedora Project"));
        assert_eq!(package.license.as_deref(), Some("MIT"));
        assert_eq!(package.modularity_label.as_deref(), Some("nodejs:18:1:abc"));
        assert_eq!(package.install_time, Some(1_700_000_000));
        assert_eq!(
            package.source_rpm.as_deref(),
            Some("curl-7.76.1-14.el9.src.rpm")
        );
        assert_eq!(package.evr(), "2:7.76.1-14.el9");
    }

    /// Builds the header of a package installing `files`, given as (directory, base name).
    pub(crate) fn blob_with_files(
        name: &str,
        directories: &[&str],
        files: &[(u32, &str)],
    ) -> Vec<u8> {
        let indexes: Vec<u32> = files.iter().map(|(index, _)| *index).collect();
        let base_names: Vec<&str> = files.iter().map(|(_, base_name)| *base_name).collect();
        build_blob(&[
            (tag::NAME, Value::Str(name)),
            (tag::VERSION, Value::Str("1")),
            (tag::RELEASE, Value::Str("1")),
            (tag::DIR_INDEXES, Value::Int32Array(&indexes)),
            (tag::BASE_NAMES, Value::StrArray(&base_names)),
            (tag::DIR_NAMES, Value::StrArray(directories)),
        ])
    }

    fn joined(list: &FileList<'_>) -> Vec<String> {
        list.iter()
            .map(|(directory, base_name)| {
                format!(
                    "{}{}",
                    String::from_utf8_lossy(directory),
                    String::from_utf8_lossy(base_name)
                )
            })
            .collect()
    }

    #[test]
    fn file_list_joins_directories_and_base_names() {
        let blob = blob_with_files(
            "python3-six",
            &["/usr/lib/python3.9/site-packages/", "/usr/share/doc/six/"],
            &[(0, "six.py"), (1, "README"), (0, "six-1.16.0.dist-info")],
        );
        let list = FileList::from_blob(&blob).unwrap();
        assert_eq!(list.package, "python3-six");
        assert_eq!(list.len(), 3);
        assert_eq!(
            joined(&list),
            [
                "/usr/lib/python3.9/site-packages/six.py",
                "/usr/share/doc/six/README",
                "/usr/lib/python3.9/site-packages/six-1.16.0.dist-info",
            ]
        );
    }

    #[test]
    fn file_list_reads_old_file_names() {
        let blob = build_blob(&[
            (tag::NAME, Value::Str("old")),
            (
                tag::OLD_FILE_NAMES,
                Value::StrArray(&["/bin/old", "/etc/old.conf"]),
            ),
        ]);
        let list = FileList::from_blob(&blob).unwrap();
        assert_eq!(joined(&list), ["/bin/old", "/etc/old.conf"]);
    }

    #[test]
    fn file_list_of_meta_package_is_empty() {
        let blob = sample_blob("meta", "1", "1");
        let list = FileList::from_blob(&blob).unwrap();
        assert!(list.is_empty());
    }

    #[test]
    fn file_list_bad_directory_index_is_rejected() {
        let blob = blob_with_files("bad", &["/usr/"], &[(0, "a"), (1, "b")]);
        assert!(matches!(
            FileList::from_blob(&blob),
            Err(HeaderError::WrongType {
                tag: tag::DIR_INDEXES,
                ..
            })
        ));
    }

    #[test]
    fn file_list_count_beyond_data_is_rejected() {
        let mut blob = blob_with_files("bad", &["/usr/"], &[(0, "a")]);
        // BASENAMES is the sixth entry (after the region and five tags); count at +12.
        let count_at = 8 + 5 * 16 + 12;
        blob[count_at..count_at + 4].copy_from_slice(&1000u32.to_be_bytes());
        assert!(matches!(
            FileList::from_blob(&blob),
            Err(HeaderError::UnterminatedString { .. })
        ));
    }

    #[test]
    fn header_without_name_is_rejected() {
        let blob = build_blob(&[
            (tag::VERSION, Value::Str("1")),
            (tag::RELEASE, Value::Str("1")),
        ]);
        assert_eq!(
            PackageHeader::from_blob(&blob),
            Err(HeaderError::MissingTag {
                tag: tag::NAME,
                name: "NAME"
            })
        );
    }

    #[test]
    fn header_truncated_blob_is_rejected() {
        let blob = sample_blob("a", "1", "1");
        for length in [0, 4, 8, 20, blob.len() - 1] {
            let result = PackageHeader::from_blob(&blob[..length]);
            assert!(
                matches!(result, Err(HeaderError::Truncated { .. })),
                "length {length}: {result:?}"
            );
        }
    }

    #[test]
    fn header_offset_out_of_range_is_rejected() {
        let mut blob = sample_blob("a", "1", "1");
        // Second entry (NAME): offset field at 8 + 16 + 8.
        blob[32..36].copy_from_slice(&0x7fff_0000u32.to_be_bytes());
        assert!(matches!(
            PackageHeader::from_blob(&blob),
            Err(HeaderError::OffsetOutOfRange { tag: 1000, .. })
        ));
        blob[32..36].copy_from_slice(&(-4i32).to_be_bytes());
        assert!(matches!(
            PackageHeader::from_blob(&blob),
            Err(HeaderError::OffsetOutOfRange { tag: 1000, .. })
        ));
    }

    #[test]
    fn header_bad_region_trailer_is_rejected() {
        let mut blob = sample_blob("a", "1", "1");
        let length = blob.len();
        // Trailer offset is the third field of the last 16 bytes.
        blob[length - 8..length - 4].copy_from_slice(&(-16_000i32).to_be_bytes());
        assert!(matches!(
            PackageHeader::from_blob(&blob),
            Err(HeaderError::InvalidRegion { .. })
        ));
    }

    #[test]
    fn header_huge_counts_are_rejected() {
        let mut blob = vec![0u8; 16];
        blob[0..4].copy_from_slice(&0xffff_ffffu32.to_be_bytes());
        assert!(matches!(
            PackageHeader::from_blob(&blob),
            Err(HeaderError::SizeOutOfRange { .. })
        ));
    }

    #[test]
    fn source_rpm_splits_from_right() {
        let cases = [
            (
                "gcc11-11.2.1+git610-1.3.9.src.rpm",
                Some(("gcc11", "11.2.1+git610", "1.3.9")),
            ),
            (
                "perl-Carp-1.50-439.el9.src.rpm",
                Some(("perl-Carp", "1.50", "439.el9")),
            ),
            ("a-1-2.nosrc.rpm", Some(("a", "1", "2"))),
            ("no-release.src.rpm", None),
            ("foo-1-2.rpm", None),
            ("-1-2.src.rpm", None),
        ];
        for (input, expected) in cases {
            let parsed = SourceRpm::parse(input).map(|s| (s.name, s.version, s.release));
            assert_eq!(parsed, expected, "case {input}");
        }
    }
}
