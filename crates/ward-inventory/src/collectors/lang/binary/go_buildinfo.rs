//! Go build info (the format of Go's `debug/buildinfo` package, Go 1.13 and later).
//!
//! The blob starts with the 14-byte magic `\xff Go buildinf:`, then the pointer size and a
//! flags byte, padded to a 32-byte header. With flag bit 1 set (Go 1.18+) the Go version and
//! the module info follow inline as varint-length-prefixed strings. Otherwise two pointers
//! (byte order from flag bit 0) lead to Go string headers (data pointer, length) elsewhere in
//! the file. The module info is tab-separated lines `path`, `mod`, `dep`, `=>` (replaces the
//! line before it) and `build`, framed by 16 sentinel bytes on each side.

use crate::collectors::lang::{Ecosystem, Package};
use object::{Object, ObjectSection};

const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER_BYTES: usize = 32;
/// Longest Go version or module-info string read through a pointer.
const MAX_STRING_BYTES: u64 = 16 * 1024 * 1024;

/// Returns the offset of the build-info magic in `data`; it is 16-byte aligned.
pub(crate) fn find_magic(data: &[u8]) -> Option<usize> {
    (0..data.len())
        .step_by(16)
        .find(|&offset| data[offset..].starts_with(MAGIC))
}

/// Parses build info at the start of `data`; `object` resolves pointers of the old format.
pub(crate) fn parse<'data, R: object::ReadRef<'data>>(
    data: &[u8],
    object: &object::File<'data, R>,
) -> Result<Vec<Package>, String> {
    if !data.starts_with(MAGIC) || data.len() < HEADER_BYTES {
        return Err("missing build-info magic".to_owned());
    }
    let pointer_size = usize::from(data[14]);
    let flags = data[15];
    let (go_version, module_info) = if flags & 0x2 != 0 {
        return parse_inline(data).map(Option::unwrap_or_default);
    } else {
        let big_endian = flags & 0x1 != 0;
        let version_pointer = read_pointer(data, 16, pointer_size, big_endian)?;
        let info_pointer = read_pointer(data, 16 + pointer_size, pointer_size, big_endian)?;
        (
            read_go_string(object, version_pointer, pointer_size, big_endian)?,
            read_go_string(object, info_pointer, pointer_size, big_endian)?,
        )
    };
    Ok(packages(&go_version, &module_info))
}

/// Parses build info of Go 1.18 and later, whose strings are inline.
///
/// Returns `Ok(None)` for the older pointer format, which needs [`parse`] and the object file.
pub(crate) fn parse_inline(data: &[u8]) -> Result<Option<Vec<Package>>, String> {
    if !data.starts_with(MAGIC) || data.len() < HEADER_BYTES {
        return Err("missing build-info magic".to_owned());
    }
    if data[15] & 0x2 == 0 {
        return Ok(None);
    }
    let (go_version, rest) = read_varint_string(&data[HEADER_BYTES..])?;
    let (module_info, _) = read_varint_string(rest)?;
    Ok(Some(packages(&go_version, &module_info)))
}

/// Turns the Go version and module info into packages: the main module (unless built from
/// a work tree, version `(devel)`), every dependency after replacements, and `stdlib`.
fn packages(go_version: &str, module_info: &str) -> Vec<Package> {
    let module_info = strip_sentinels(module_info);
    let mut modules: Vec<(String, String)> = Vec::new();
    // Whether the line before recorded a module, which a following `=>` line replaces.
    let mut previous_recorded = false;
    for line in module_info.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        previous_recorded = match fields.as_slice() {
            ["mod", path, version, ..] if is_module_version(version) => {
                modules.push(((*path).to_owned(), (*version).to_owned()));
                true
            }
            ["dep", path, version, ..] if is_module_version(version) => {
                modules.push(((*path).to_owned(), (*version).to_owned()));
                true
            }
            ["dep", ..] => false,
            ["=>", path, version, ..] => {
                if previous_recorded {
                    modules.pop();
                }
                // A replacement by a local directory has no version and is not a module.
                if is_module_version(version) {
                    modules.push(((*path).to_owned(), (*version).to_owned()));
                }
                false
            }
            _ => false,
        };
    }

    let mut packages: Vec<Package> = modules
        .into_iter()
        .map(|(path, version)| Package::new(Ecosystem::Go, &path, &version))
        .collect();
    let toolchain = go_version.split_whitespace().next().unwrap_or("");
    if let Some(version) = toolchain.strip_prefix("go") {
        packages.push(Package::new(
            Ecosystem::Go,
            "stdlib",
            &format!("v{version}"),
        ));
    }
    packages
}

/// Returns whether a build-info version names a module release: local code is `(devel)` or
/// has no version at all.
fn is_module_version(version: &str) -> bool {
    !version.is_empty() && version != "(devel)"
}

fn strip_sentinels(module_info: &str) -> &str {
    let bytes = module_info.as_bytes();
    if bytes.len() >= 33 && bytes[bytes.len() - 17] == b'\n' {
        module_info.get(16..bytes.len() - 16).unwrap_or(module_info)
    } else {
        module_info
    }
}

fn read_varint_string(data: &[u8]) -> Result<(String, &[u8]), String> {
    let mut length: u64 = 0;
    let mut shift = 0;
    let mut index = 0;
    loop {
        let byte = *data.get(index).ok_or("truncated length")?;
        length |= u64::from(byte & 0x7F) << shift;
        index += 1;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return Err("invalid length".to_owned());
        }
    }
    let length = usize::try_from(length).map_err(|_| "invalid length")?;
    let end = index.checked_add(length).ok_or("invalid length")?;
    let bytes = data.get(index..end).ok_or("truncated string")?;
    Ok((String::from_utf8_lossy(bytes).into_owned(), &data[end..]))
}

fn read_pointer(data: &[u8], offset: usize, size: usize, big_endian: bool) -> Result<u64, String> {
    let bytes = data.get(offset..offset + size).ok_or("truncated pointer")?;
    let value = match (size, big_endian) {
        (4, false) => u64::from(u32::from_le_bytes(bytes.try_into().map_err(|_| "pointer")?)),
        (4, true) => u64::from(u32::from_be_bytes(bytes.try_into().map_err(|_| "pointer")?)),
        (8, false) => u64::from_le_bytes(bytes.try_into().map_err(|_| "pointer")?),
        (8, true) => u64::from_be_bytes(bytes.try_into().map_err(|_| "pointer")?),
        _ => return Err(format!("invalid pointer size {size}")),
    };
    Ok(value)
}

/// Reads a Go string (data pointer, length) whose header is at virtual `address`.
fn read_go_string<'data, R: object::ReadRef<'data>>(
    object: &object::File<'data, R>,
    address: u64,
    pointer_size: usize,
    big_endian: bool,
) -> Result<String, String> {
    let header_size = u64::try_from(pointer_size * 2).map_err(|_| "pointer size")?;
    let header = read_memory(object, address, header_size)?;
    let data_pointer = read_pointer(header, 0, pointer_size, big_endian)?;
    let length = read_pointer(header, pointer_size, pointer_size, big_endian)?;
    if length > MAX_STRING_BYTES {
        return Err(format!("string of {length} bytes is too long"));
    }
    let bytes = read_memory(object, data_pointer, length)?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

fn read_memory<'data, R: object::ReadRef<'data>>(
    object: &object::File<'data, R>,
    address: u64,
    size: u64,
) -> Result<&'data [u8], String> {
    for section in object.sections() {
        if let Ok(Some(bytes)) = section.data_range(address, size) {
            return Ok(bytes);
        }
    }
    Err(format!("address {address:#x} is in no section"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_info_with_replacement() {
        let info = "path\texample.com/cmd/tool\n\
mod\texample.com\t(devel)\t\n\
dep\tgithub.com/a/b\tv1.2.3\th1:x=\n\
dep\tgolang.org/x/net\tv0.1.0\th1:y=\n\
=>\tgithub.com/fork/net\tv0.2.0\th1:z=\n\
dep\texample.com/local\tv0.0.0\n\
=>\t../local\t\t\n\
dep\t./private/module\t(devel)\t\n\
build\t-compiler=gc\n";
        let packages = packages("go1.21.5 X:boringcrypto", info);
        let names: Vec<(&str, &str)> = packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("github.com/a/b", "v1.2.3"),
                ("github.com/fork/net", "v0.2.0"),
                ("stdlib", "v1.21.5"),
            ]
        );
    }

    #[test]
    fn varint_strings() {
        let data = [5, b'g', b'o', b'1', b'.', b'2', 2, b'h', b'i'];
        let (first, rest) = read_varint_string(&data).expect("first");
        assert_eq!(first, "go1.2");
        let (second, _) = read_varint_string(rest).expect("second");
        assert_eq!(second, "hi");
    }
}
