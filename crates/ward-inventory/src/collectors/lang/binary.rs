//! Dependency data embedded in executables: Go build info and Rust `cargo auditable` data,
//! from ELF, Mach-O and PE files read through the `object` crate.
//!
//! Only the headers and the sections needed are read, so a 200 MB executable costs a few
//! kilobytes of I/O: ELF files through positioned reads of the section tables (`elf`), other
//! formats through `object`'s read cache.

mod elf;
mod go_buildinfo;
mod rust_auditable;

use std::path::Path;

use object::read::ReadCache;
use object::{Object, ObjectSection};

use super::{file_diagnostic, file_name, Package};
use crate::{Collection, Context, DiagnosticLevel, FileCollector};

const NAME: &str = "binary";

/// Executables above this size are skipped; the largest statically linked tools are a few
/// hundred megabytes.
const MAX_SIZE_BYTES: u64 = 1024 * 1024 * 1024;

/// Smallest file worth opening: an executable with an embedded dependency list is larger.
const MIN_SIZE_BYTES: u64 = 1024;

/// Largest embedded section read; real build info and auditable data are kilobytes.
const MAX_SECTION_BYTES: u64 = 16 * 1024 * 1024;

/// Extensions of files that are not executables, or whose embedded data this collector does
/// not read (shared libraries `.so`, which a Go or Rust program rarely ships as). Sorted and
/// lowercase, for the binary search of [`is_non_executable_extension`].
const NON_EXECUTABLE_EXTENSIONS: &[&str] = &[
    "a",
    "am",
    "asc",
    "bash",
    "bc",
    "bmp",
    "bz2",
    "c",
    "cargo-ok",
    "cc",
    "cfg",
    "cjs",
    "class",
    "cmake",
    "conf",
    "conffiles",
    "cpp",
    "crate",
    "crt",
    "css",
    "csv",
    "cxx",
    "d",
    "db",
    "debug",
    "dectest",
    "def",
    "der",
    "desktop",
    "diff",
    "dtd",
    "egg",
    "el",
    "elc",
    "erb",
    "gif",
    "gitignore",
    "go",
    "golden",
    "gpg",
    "gz",
    "h",
    "hh",
    "hpp",
    "htm",
    "html",
    "ico",
    "in",
    "ini",
    "jar",
    "java",
    "jpeg",
    "jpg",
    "js",
    "json",
    "jsonl",
    "jsx",
    "key",
    "la",
    "list",
    "lo",
    "lock",
    "log",
    "lua",
    "m4",
    "map",
    "md",
    "md5",
    "md5sums",
    "mjs",
    "mo",
    "mod",
    "msg",
    "o",
    "obj",
    "orig",
    "otf",
    "patch",
    "pc",
    "pem",
    "ph",
    "php",
    "pl",
    "pm",
    "png",
    "po",
    "pod",
    "pom",
    "postinst",
    "postrm",
    "pot",
    "preinst",
    "prerm",
    "properties",
    "proto",
    "py",
    "pyc",
    "pyi",
    "pyo",
    "pyx",
    "rb",
    "rbs",
    "rej",
    "rlib",
    "rmeta",
    "rs",
    "rst",
    "rules",
    "sample",
    "scss",
    "service",
    "sh",
    "sha256",
    "shlibs",
    "so",
    "socket",
    "sql",
    "sqlite",
    "stderr",
    "sum",
    "svg",
    "symbols",
    "tar",
    "target",
    "tcl",
    "tgz",
    "timer",
    "timestamp",
    "tmpl",
    "toml",
    "triggers",
    "ts",
    "tsv",
    "tsx",
    "ttf",
    "txt",
    "typed",
    "vim",
    "war",
    "webp",
    "whl",
    "woff",
    "woff2",
    "xml",
    "xsd",
    "xz",
    "yaml",
    "yml",
    "zip",
    "zst",
];

/// Reads Go build info and Rust `cargo auditable` data from executables.
pub(crate) struct BinaryCollector;

impl FileCollector for BinaryCollector {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Rejects names whose extension marks a source, text, data or library file; the mode
    /// check in [`Self::is_candidate`] then keeps executables only. A denylist rather than
    /// "no extension" because real executables carry version suffixes
    /// (`terraform-provider-aws_v5.100.0_x5`).
    fn is_candidate_path(&self, path: &Path) -> bool {
        let name = file_name(path);
        match name.rsplit_once('.') {
            None => true,
            Some((_, extension)) => !is_non_executable_extension(extension),
        }
    }

    fn is_candidate(&self, path: &Path, metadata: &std::fs::Metadata) -> bool {
        let is_executable = has_execute_bit(metadata);
        metadata.is_file()
            && metadata.len() >= MIN_SIZE_BYTES
            && (is_executable || file_name(path).ends_with(".exe"))
    }

    fn max_file_size_bytes(&self) -> u64 {
        MAX_SIZE_BYTES
    }

    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection {
        let mut collection = Collection::default();
        let full_path = context.walked_path(path);
        let result = std::fs::File::open(&full_path)
            .and_then(|file| read_file(&file))
            .map_err(|error| format!("cannot read executable: {error}"))
            .and_then(|result| result);
        match result {
            Ok(packages) => collection.software.extend(
                packages
                    .into_iter()
                    .map(|(collector, package)| package.into_software(collector, path)),
            ),
            Err(message) => collection.diagnostics.push(file_diagnostic(
                NAME,
                DiagnosticLevel::Warning,
                path,
                message,
            )),
        }
        collection
    }
}

/// Returns whether `extension` is in [`NON_EXECUTABLE_EXTENSIONS`], ignoring ASCII case.
///
/// The walk checks this for most files of the filesystem, so the extension is lowercased on
/// the stack and looked up by binary search rather than compared with every entry.
fn is_non_executable_extension(extension: &str) -> bool {
    const LONGEST: usize = 16;
    if extension.len() > LONGEST {
        return false;
    }
    let mut buffer = [0u8; LONGEST];
    let lowered = &mut buffer[..extension.len()];
    lowered.copy_from_slice(extension.as_bytes());
    lowered.make_ascii_lowercase();
    let Ok(lowered) = std::str::from_utf8(lowered) else {
        return false;
    };
    NON_EXECUTABLE_EXTENSIONS.binary_search(&lowered).is_ok()
}

type Found = Vec<(&'static str, Package)>;

/// Reads the embedded dependency lists of one file; the outer error is an I/O failure, the
/// inner one invalid embedded data.
fn read_file(file: &std::fs::File) -> std::io::Result<Result<Found, String>> {
    let mut magic = [0u8; 4];
    if elf::read_exact_at(file, &mut magic, 0).is_err() || !is_object_magic(magic) {
        return Ok(Ok(Vec::new()));
    }
    if magic == *b"\x7fELF" {
        if let Some(found) = read_elf(file)? {
            return Ok(found);
        }
    }

    // Mach-O, PE, and ELF build info in the pre-1.18 pointer format.
    let cache = ReadCache::new(file);
    let Ok(object) = object::File::parse(&cache) else {
        return Ok(Ok(Vec::new()));
    };
    Ok(read_packages(&object))
}

/// Reads Go and Rust data from an ELF file; `None` when the object parser is needed.
fn read_elf(file: &std::fs::File) -> std::io::Result<Option<Result<Found, String>>> {
    let Some([go, rust]) = elf::find_sections(file, [b".go.buildinfo", b".dep-v0"])? else {
        return Ok(Some(Ok(Vec::new())));
    };
    let mut found = Vec::new();
    if let Some(section) = go {
        let Some(data) = elf::read_at(file, section.offset, section.size.min(MAX_SECTION_BYTES))?
        else {
            return Ok(Some(Err("truncated `.go.buildinfo` section".to_owned())));
        };
        match go_buildinfo::parse_inline(&data) {
            Ok(Some(packages)) => found.extend(packages.into_iter().map(|p| ("go-binary", p))),
            Ok(None) => return Ok(None),
            Err(message) => return Ok(Some(Err(format!("invalid Go build info: {message}")))),
        }
    }
    if let Some(section) = rust {
        if section.size > MAX_SECTION_BYTES {
            return Ok(Some(Err("`.dep-v0` section is too large".to_owned())));
        }
        let Some(data) = elf::read_at(file, section.offset, section.size)? else {
            return Ok(Some(Err("truncated `.dep-v0` section".to_owned())));
        };
        match rust_auditable::parse(&data) {
            Ok(packages) => found.extend(packages.into_iter().map(|p| ("rust-auditable", p))),
            Err(message) => {
                return Ok(Some(Err(format!(
                    "invalid cargo auditable data: {message}"
                ))))
            }
        }
    }
    Ok(Some(Ok(found)))
}

#[cfg(unix)]
fn has_execute_bit(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;

    metadata.permissions().mode() & 0o111 != 0
}

/// Windows has no execute bit, so only `.exe` names are candidates there.
#[cfg(not(unix))]
fn has_execute_bit(_metadata: &std::fs::Metadata) -> bool {
    false
}

/// Returns whether the first bytes are those of an ELF, Mach-O (thin or fat) or PE file.
fn is_object_magic(magic: [u8; 4]) -> bool {
    matches!(
        magic,
        [0x7F, b'E', b'L', b'F']
            | [0xFE, 0xED, 0xFA, 0xCE | 0xCF]
            | [0xCE | 0xCF, 0xFA, 0xED, 0xFE]
            | [0xCA, 0xFE, 0xBA, 0xBE]
            | [b'M', b'Z', _, _]
    )
}

/// Reads every embedded dependency list of one object file, tagging each package with the
/// name of the format it came from.
fn read_packages<'data, R: object::ReadRef<'data>>(
    object: &object::File<'data, R>,
) -> Result<Vec<(&'static str, Package)>, String> {
    let mut packages = Vec::new();
    for section in object.sections() {
        let Ok(name) = section.name() else {
            continue;
        };
        match name {
            ".go.buildinfo" | "__go_buildinfo" => {
                let data = section
                    .data()
                    .map_err(|error| format!("cannot read `{name}`: {error}"))?;
                let found = go_buildinfo::parse(data, object)
                    .map_err(|message| format!("invalid Go build info: {message}"))?;
                packages.extend(found.into_iter().map(|package| ("go-binary", package)));
            }
            ".dep-v0" => {
                let data = section
                    .data()
                    .map_err(|error| format!("cannot read `{name}`: {error}"))?;
                let found = rust_auditable::parse(data)
                    .map_err(|message| format!("invalid cargo auditable data: {message}"))?;
                packages.extend(found.into_iter().map(|package| ("rust-auditable", package)));
            }
            _ => {}
        }
    }
    // PE files built by Go keep build info in `.data` rather than a section of its own.
    if packages.is_empty() && object.format() == object::BinaryFormat::Pe {
        if let Some(section) = object.section_by_name(".data") {
            if let Ok(data) = section.data() {
                if let Some(offset) = go_buildinfo::find_magic(data) {
                    if let Ok(found) = go_buildinfo::parse(&data[offset..], object) {
                        packages.extend(found.into_iter().map(|package| ("go-binary", package)));
                    }
                }
            }
        }
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_executable_extensions_sorted_lowercase() {
        for pair in NON_EXECUTABLE_EXTENSIONS.windows(2) {
            assert!(pair[0] < pair[1], "not sorted: {pair:?}");
        }
        for extension in NON_EXECUTABLE_EXTENSIONS {
            assert_eq!(*extension, extension.to_ascii_lowercase(), "{extension}");
        }
    }

    #[test]
    fn extension_lookup_ignores_case() {
        let cases = [
            ("PY", true),
            ("decTest", true),
            ("so", true),
            ("exe", false),
            ("x5", false),
            ("a-very-long-extension-name", false),
        ];
        for (extension, expected) in cases {
            assert_eq!(
                is_non_executable_extension(extension),
                expected,
                "case {extension}"
            );
        }
    }
}
