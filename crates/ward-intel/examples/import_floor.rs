//! The floor of an import: decompress and JSON-parse every feed file under a directory,
//! on as many threads as `ward db import` uses, and store nothing.
//!
//! An import cannot be faster than this, so its wall time is judged against it. Zip
//! entries and gzip files are decompressed, and every JSON document (a zip entry, a
//! `.json` file or a decompressed `.json.gz`) is parsed into a `serde_json::Value`; CSV
//! files are only decompressed and split into lines, and tar archives only decompressed.
//!
//! Run: `cargo run --release -p ward-intel --example import_floor -- DIR`

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: import_floor DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    walk(&dir, &mut files);

    let started = Instant::now();
    let mut documents = 0;
    let mut bytes = 0;
    for file in &files {
        let (file_documents, file_bytes) = parse_file(file);
        documents += file_documents;
        bytes += file_bytes;
    }
    println!(
        "{} files, {documents} JSON documents, {:.1} MiB decompressed, {:.2} s",
        files.len(),
        bytes as f64 / 1024.0 / 1024.0,
        started.elapsed().as_secs_f64()
    );
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// Returns the JSON documents parsed and bytes decompressed for one file.
fn parse_file(path: &Path) -> (usize, usize) {
    let Ok(bytes) = std::fs::read(path) else {
        return (0, 0);
    };
    let name = path.to_string_lossy();
    if bytes.starts_with(b"PK\x03\x04") {
        return parse_zip(&bytes);
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = Vec::new();
        if flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut inflated)
            .is_err()
        {
            return (0, 0);
        }
        if name.ends_with(".json.gz") {
            return (parse_json(&inflated), inflated.len());
        }
        let _lines = inflated.split(|&byte| byte == b'\n').count();
        return (0, inflated.len());
    }
    if name.ends_with(".json") {
        return (parse_json(&bytes), bytes.len());
    }
    let _lines = bytes.split(|&byte| byte == b'\n').count();
    (0, bytes.len())
}

fn parse_json(bytes: &[u8]) -> usize {
    usize::from(serde_json::from_slice::<serde_json::Value>(bytes).is_ok())
}

/// Decompresses and parses every entry of a zip on worker threads, as the import does.
fn parse_zip(bytes: &[u8]) -> (usize, usize) {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return (0, 0);
    };
    let count = archive.len();
    let next = AtomicUsize::new(0);
    let documents = AtomicUsize::new(0);
    let total = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let mut archive = archive.clone();
            let (next, documents, total) = (&next, &documents, &total);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= count {
                    break;
                }
                let Ok(mut entry) = archive.by_index(index) else {
                    continue;
                };
                let mut content = Vec::with_capacity(entry.size() as usize);
                if entry.read_to_end(&mut content).is_err() {
                    continue;
                }
                total.fetch_add(content.len(), Ordering::Relaxed);
                if entry.name().ends_with(".json") {
                    documents.fetch_add(parse_json(&content), Ordering::Relaxed);
                } else {
                    // RustSec Markdown and PyPA YAML: decompressed, not parsed.
                }
            });
        }
    });
    (documents.into_inner(), total.into_inner())
}
