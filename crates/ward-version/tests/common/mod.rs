//! Helpers shared by the real-data and differential tests: locating the shared fixture
//! directory, reading version-vector TSV files and running reference tools in batches.

#![allow(dead_code)]

use std::io::Write;

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Returns the shared data directory: `WARD_SHARED_DIR`, or `shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("WARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")),
    }
}

/// Returns the version-vector directory of one ecosystem (`deb`, `rpm`, `pep440`).
pub fn versions_dir(ecosystem: &str) -> PathBuf {
    shared_dir().join("fixtures/versions").join(ecosystem)
}

/// One version-vector table: its `#` header, its column names and its rows.
pub struct Table {
    pub path: PathBuf,
    pub header: String,
    pub columns: Vec<String>,
    /// Each row with its 1-based line number in the file.
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Returns the index of a named column, panicking with the file name when it is missing.
    pub fn column(&self, name: &str) -> usize {
        match self.columns.iter().position(|column| column == name) {
            Some(index) => index,
            None => panic!(
                "{}: no column `{name}` in {:?}",
                self.path.display(),
                self.columns
            ),
        }
    }
}

/// Reads a TSV table: `#` lines form the header, the next line names the columns, and fields
/// are TAB-separated and not trimmed.
pub fn read_table(path: &Path) -> Table {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => panic!("cannot read {}: {error}", path.display()),
    };
    let mut header = String::new();
    let mut columns = None;
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if columns.is_none() && line.starts_with('#') {
            header.push_str(line);
            header.push('\n');
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if columns.is_none() {
            columns = Some(fields);
        } else {
            rows.push((index + 1, fields));
        }
    }
    Table {
        path: path.to_owned(),
        header,
        columns: columns.unwrap_or_default(),
        rows,
    }
}

/// Returns every `.tsv` file of a version-vector directory, sorted by name.
pub fn tables(ecosystem: &str) -> Vec<Table> {
    let dir = versions_dir(ecosystem);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(error) => panic!("cannot list {}: {error}", dir.display()),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tsv"))
        .collect();
    paths.sort();
    paths.iter().map(|path| read_table(path)).collect()
}

/// Parses an `expected` cell holding -1, 0 or 1.
pub fn parse_sign(cell: &str) -> Option<std::cmp::Ordering> {
    match cell.trim() {
        "-1" => Some(std::cmp::Ordering::Less),
        "0" => Some(std::cmp::Ordering::Equal),
        "1" => Some(std::cmp::Ordering::Greater),
        _ => None,
    }
}

/// Runs `program args…`, writes `input` to its standard input and returns its standard
/// output lines, panicking with the standard error when it fails.
pub fn run_batch(program: &str, args: &[&str], input: &str) -> Vec<String> {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => panic!("cannot start `{program}`: {error}"),
    };
    // Write from another thread: a tool that writes output while it reads input would otherwise block on
    // a full output pipe while this thread blocks on a full input pipe.
    let writer = child.stdin.take().map(|mut stdin| {
        let input = input.to_owned();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()))
    });
    let output = match child.wait_with_output() {
        Ok(output) => output,
        Err(error) => panic!("`{program}` failed: {error}"),
    };
    if let Some(writer) = writer {
        match writer.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => panic!("cannot write to `{program}`: {error}"),
            Err(_) => panic!("the thread writing to `{program}` panicked"),
        }
    }
    assert!(
        output.status.success(),
        "`{program}` exited with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Returns the versions in the first two columns of `tables`, sorted, without duplicates and
/// empty cells: the real versions that differential tests mutate.
pub fn compared_versions(tables: Vec<Table>) -> Vec<String> {
    let mut versions: Vec<String> = tables
        .into_iter()
        .flat_map(|table| {
            table
                .rows
                .into_iter()
                .flat_map(|(_, row)| row.into_iter().take(2))
        })
        .filter(|text| !text.is_empty())
        .collect();
    versions.sort();
    versions.dedup();
    versions
}

/// Generates strings of 1 to 11 characters drawn from `alphabet`.
pub fn random_version(alphabet: &'static [char]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet), 1..12)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Generates a seed with up to two characters of `alphabet` inserted, removed or replaced.
pub fn mutated_version(
    seeds: Vec<String>,
    alphabet: &'static [char],
) -> impl Strategy<Value = String> {
    let edits = prop::collection::vec(
        (
            0..3u8,
            any::<prop::sample::Index>(),
            prop::sample::select(alphabet),
        ),
        0..3,
    );
    (prop::sample::select(seeds), edits).prop_map(|(seed, edits)| {
        let mut chars: Vec<char> = seed.chars().collect();
        for (kind, position, replacement) in edits {
            let index = position.index(chars.len() + 1);
            match kind {
                0 => chars.insert(index, replacement),
                1 if index < chars.len() => {
                    chars.remove(index);
                }
                _ if index < chars.len() => chars[index] = replacement,
                _ => chars.push(replacement),
            }
        }
        chars.into_iter().collect()
    })
}

/// Generates a seed with up to two of `pieces` inserted, or characters removed or replaced
/// by a piece: mutations in units that matter to schemes with multi-letter labels.
pub fn mutated_by_pieces(
    seeds: Vec<String>,
    pieces: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let edits = prop::collection::vec(
        (
            0..3u8,
            any::<prop::sample::Index>(),
            prop::sample::select(pieces),
        ),
        0..3,
    );
    (prop::sample::select(seeds), edits).prop_map(|(seed, edits)| {
        let mut text = seed;
        for (kind, position, piece) in edits {
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&index| text.is_char_boundary(index))
                .collect();
            let index = boundaries[position.index(boundaries.len())];
            let next = boundaries
                .iter()
                .copied()
                .find(|&boundary| boundary > index);
            match (kind, next) {
                (0, _) | (_, None) => text.insert_str(index, piece),
                (1, Some(next)) => text.replace_range(index..next, ""),
                (_, Some(next)) => text.replace_range(index..next, piece),
            }
        }
        text
    })
}
