//! One [`FileCollector`] per lockfile or manifest format, recognised by file name.
//!
//! Each format module exposes `parse(&Input) -> Result<Parsed, String>`. This module reads
//! and decodes the file, turns a whole-file failure into a diagnostic naming the path, and
//! attaches the path and purl to every package.

use std::path::Path;

use super::{
    cargo_lock, composer_lock, file_diagnostic, file_name, gemfile_lock, go_mod, go_sum, npm_lock,
    nuget_lock, path_bytes, pipfile_lock, pnpm_lock, poetry_lock, pom, requirements, uv_lock,
    yarn_lock, Package,
};
use crate::{Collection, Context, Diagnostic, DiagnosticLevel, FileCollector};

/// Lockfiles of very large monorepos reach tens of megabytes; beyond this they are skipped
/// with a diagnostic rather than held in memory.
const MAX_SIZE_BYTES: u64 = 64 * 1024 * 1024;

/// A lockfile being parsed.
pub(crate) struct Input<'a> {
    /// Collection context, for formats that read other files (requirements `-r`, pom parents).
    pub context: &'a Context<'a>,
    /// Path of the file relative to the root.
    pub path: &'a Path,
    /// Decoded text of the file.
    pub text: &'a str,
}

impl Input<'_> {
    /// Reads and decodes another file, given relative to the root.
    pub(crate) fn read_other(&self, relative: &Path) -> Result<String, String> {
        let bytes = fs_err::read(
            self.context
                .resolve(relative)
                .map_err(|error| error.to_string())?,
        )
        .map_err(|error| error.to_string())?;
        decode_text(&bytes)
    }
}

/// Packages and per-record problems a format parser found in one file.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub packages: Vec<Package>,
    /// Problems with single records or lines, as (level, 1-based line, message).
    pub problems: Vec<(DiagnosticLevel, Option<u64>, String)>,
}

impl Parsed {
    pub(crate) fn with_packages(packages: Vec<Package>) -> Self {
        Self {
            packages,
            problems: Vec::new(),
        }
    }
}

type ParseFn = fn(&Input<'_>) -> Result<Parsed, String>;

/// A format: collector name, file-name suffixes, file-name test and parser.
type Format = (
    &'static str,
    &'static [&'static [u8]],
    fn(&str) -> bool,
    ParseFn,
);

/// A collector of one lockfile format.
pub(crate) struct LockfileCollector {
    name: &'static str,
    /// Byte suffixes one of which every matching path ends with: a cheap first test, because
    /// the walk asks every collector about every file.
    suffixes: &'static [&'static [u8]],
    matches: fn(&str) -> bool,
    parse: ParseFn,
}

/// Returns the collectors of every supported lockfile and manifest format.
pub(crate) fn collectors() -> Vec<Box<dyn FileCollector>> {
    let table: [Format; 14] = [
        (
            "cargo-lock",
            &[b".lock"],
            |name| name == "Cargo.lock",
            cargo_lock::parse,
        ),
        (
            "npm-lock",
            &[b".json"],
            |name| name == "package-lock.json" || name == "npm-shrinkwrap.json",
            npm_lock::parse,
        ),
        (
            "yarn-lock",
            &[b".lock"],
            |name| name == "yarn.lock",
            yarn_lock::parse,
        ),
        (
            "pnpm-lock",
            &[b".yaml"],
            |name| name == "pnpm-lock.yaml",
            pnpm_lock::parse,
        ),
        (
            "poetry-lock",
            &[b".lock"],
            |name| name == "poetry.lock",
            poetry_lock::parse,
        ),
        (
            "pipfile-lock",
            &[b".lock"],
            |name| name == "Pipfile.lock",
            pipfile_lock::parse,
        ),
        (
            "uv-lock",
            &[b".lock"],
            |name| name == "uv.lock",
            uv_lock::parse,
        ),
        (
            "requirements",
            &[b".txt"],
            requirements::is_requirements_file,
            requirements::parse,
        ),
        ("go-mod", &[b".mod"], |name| name == "go.mod", go_mod::parse),
        ("go-sum", &[b".sum"], |name| name == "go.sum", go_sum::parse),
        (
            "gemfile-lock",
            &[b".lock", b".locked"],
            |name| name == "Gemfile.lock" || name == "gems.locked",
            gemfile_lock::parse,
        ),
        (
            "composer-lock",
            &[b".lock"],
            |name| name == "composer.lock",
            composer_lock::parse,
        ),
        ("pom", &[b".xml"], |name| name == "pom.xml", pom::parse),
        (
            "nuget-lock",
            &[b".json"],
            |name| name == "packages.lock.json",
            nuget_lock::parse,
        ),
    ];
    table
        .into_iter()
        .map(|(name, suffixes, matches, parse)| {
            Box::new(LockfileCollector {
                name,
                suffixes,
                matches,
                parse,
            }) as Box<dyn FileCollector>
        })
        .collect()
}

impl LockfileCollector {
    /// Creates the collector named `name` for tests of one format.
    #[cfg(test)]
    pub(crate) fn by_name(name: &str) -> Option<Box<dyn FileCollector>> {
        collectors()
            .into_iter()
            .find(|collector| collector.name() == name)
    }
}

impl FileCollector for LockfileCollector {
    fn name(&self) -> &'static str {
        self.name
    }

    fn is_candidate_path(&self, path: &Path) -> bool {
        let bytes = path_bytes(path);
        self.suffixes.iter().any(|suffix| bytes.ends_with(suffix))
            && (self.matches)(file_name(path))
            && !is_inside_dependency_or_cache(path)
    }

    fn is_candidate(&self, _path: &Path, metadata: &std::fs::Metadata) -> bool {
        metadata.is_file()
    }

    fn max_file_size_bytes(&self) -> u64 {
        MAX_SIZE_BYTES
    }

    fn parse(&self, context: &Context<'_>, path: &Path) -> Collection {
        let mut collection = Collection::default();
        let text = match fs_err::read(context.walked_path(path))
            .map_err(|error| error.to_string())
            .and_then(|bytes| decode_text(&bytes))
        {
            Ok(text) => text,
            Err(message) => {
                collection.diagnostics.push(file_diagnostic(
                    self.name,
                    DiagnosticLevel::Warning,
                    path,
                    message,
                ));
                return collection;
            }
        };

        let input = Input {
            context,
            path,
            text: &text,
        };
        match (self.parse)(&input) {
            Ok(parsed) => {
                collection.software.extend(
                    parsed
                        .packages
                        .into_iter()
                        .map(|package| package.into_software(self.name, path)),
                );
                collection
                    .diagnostics
                    .extend(
                        parsed
                            .problems
                            .into_iter()
                            .map(|(level, line, message)| Diagnostic {
                                collector: self.name.to_owned(),
                                level,
                                path: Some(path.display().to_string()),
                                line,
                                message,
                            }),
                    );
            }
            Err(message) => collection.diagnostics.push(file_diagnostic(
                self.name,
                DiagnosticLevel::Warning,
                path,
                format!("invalid {}: {message}", file_name(path)),
            )),
        }
        collection
    }
}

/// Directories whose lockfiles describe how a dependency was developed, not what is
/// installed: installed packages (`node_modules`, `site-packages`) and package managers'
/// download caches. npm, for one, ignores a `package-lock.json` inside a dependency.
const DEPENDENCY_OR_CACHE_DIRECTORIES: &[&str] = &[
    "node_modules",
    "site-packages",
    "dist-packages",
    ".cargo/registry",
    ".cargo/git",
    "go/pkg/mod",
    ".npm",
    ".yarn/cache",
    ".cache",
    ".m2/repository",
    ".gradle/caches",
    "vendor/bundle",
];

/// Returns whether `path` lies below one of [`DEPENDENCY_OR_CACHE_DIRECTORIES`].
fn is_inside_dependency_or_cache(path: &Path) -> bool {
    let Some(text) = path.parent().and_then(Path::to_str) else {
        return false;
    };
    let text = format!("/{text}/");
    DEPENDENCY_OR_CACHE_DIRECTORIES
        .iter()
        .any(|directory| text.contains(&format!("/{directory}/")))
}

/// Decodes a text file: UTF-8 (with or without a byte-order mark) or UTF-16 with a
/// byte-order mark, as Windows tools write requirements files.
///
/// Fails on invalid UTF-8 and on NUL bytes, so that binary junk under a lockfile's name is
/// reported rather than parsed into garbage.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let utf16 = |big_endian: bool| -> Result<String, String> {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|pair| match pair {
                [a, b] if big_endian => u16::from_be_bytes([*a, *b]),
                [a, b] => u16::from_le_bytes([*a, *b]),
                [a] => u16::from(*a),
                _ => 0,
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "not a text file: invalid UTF-16".to_owned())
    };
    let text = match bytes {
        [0xFF, 0xFE, ..] => utf16(false)?,
        [0xFE, 0xFF, ..] => utf16(true)?,
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest)?,
        _ => utf8(bytes)?,
    };
    if let Some(offset) = text.find('\0') {
        return Err(format!("not a text file: NUL character at offset {offset}"));
    }
    Ok(text)
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|error| {
        format!(
            "not a text file: invalid UTF-8 at byte {}",
            error.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfiles_in_caches_are_not_candidates() {
        let cases = [
            ("srv/app/Cargo.lock", true),
            (
                "root/.cargo/registry/src/index/serde-1.0.0/Cargo.lock",
                false,
            ),
            ("app/node_modules/x/package-lock.json", false),
            (
                "venv/lib/python3.11/site-packages/x/requirements.txt",
                false,
            ),
            ("home/u/go/pkg/mod/github.com/a/b@v1/go.mod", false),
        ];
        for (path, expected) in cases {
            let path = Path::new(path);
            let is_candidate = collectors()
                .iter()
                .any(|collector| collector.is_candidate_path(path));
            assert_eq!(is_candidate, expected, "case {}", path.display());
        }
    }

    #[test]
    fn decode_utf16_with_bom() {
        let bytes = [0xFF, 0xFE, b'a', 0, b'=', 0, b'1', 0];
        assert_eq!(decode_text(&bytes).expect("utf-16"), "a=1");
    }

    #[test]
    fn decode_rejects_binary_junk() {
        let error = decode_text(&[b'a', 0x00, 0x9F, 0x92]).expect_err("junk");
        assert!(error.starts_with("not a text file"), "{error}");
        let error = decode_text(&[0x7F, b'E', b'L', b'F', 0xFF, 0xFF]).expect_err("junk");
        assert!(error.contains("invalid UTF-8 at byte 4"), "{error}");
    }

    #[test]
    fn junk_lockfile_becomes_diagnostic() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            root.path().join("Cargo.lock"),
            [0x00u8, 0xFF, 0xFE, 0x12, 0x80],
        )
        .expect("write junk");
        let options = crate::CollectOptions::new(root.path());
        let context = Context {
            options: &options,
            os: None,
        };
        let collector = LockfileCollector::by_name("cargo-lock").expect("cargo-lock collector");
        let found = collector.parse(&context, Path::new("Cargo.lock"));
        assert!(found.software.is_empty());
        assert_eq!(found.diagnostics.len(), 1);
        assert_eq!(found.diagnostics[0].path.as_deref(), Some("Cargo.lock"));
        assert!(found.diagnostics[0].message.contains("not a text file"));
    }
}
