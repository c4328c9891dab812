//! Reading one import input: format detection, then the parser and writer of its format.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use serde_json::Value;

use super::record::{self, PreparedRecord, SourceCodec, SourceWriter};
use super::write::{self, SourceMeta};
use super::{ImportInput, ImportProblem, ImportReport};
use crate::feeds::{epss, kev, osv};
use crate::progress::{Progress, ProgressUnit};
use crate::IntelError;

/// Largest record or decompressed file read into memory; larger ones are rejected so a
/// zip bomb cannot exhaust memory.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Number of parsed records that may wait for the writer.
const CHANNEL_DEPTH: usize = 256;

/// Format of a file, as its first bytes identify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Zip,
    Gzip,
    Json,
    EpssCsv,
    Unknown,
}

fn sniff(start: &[u8]) -> Sniffed {
    if start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if start.starts_with(&[0x1f, 0x8b]) {
        return Sniffed::Gzip;
    }
    if epss::looks_like_epss(start) {
        return Sniffed::EpssCsv;
    }
    let text = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    match text.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{') | Some(b'[') => Sniffed::Json,
        _ => Sniffed::Unknown,
    }
}

fn read_error(path: &Path, source: std::io::Error) -> IntelError {
    IntelError::Read {
        path: path.to_owned(),
        source,
    }
}

fn invalid(path: &Path, reason: impl Into<String>) -> IntelError {
    IntelError::InvalidFile {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn db_error(path: &Path) -> impl Fn(rusqlite::Error) -> IntelError + '_ {
    move |e| IntelError::database(path, e)
}

/// Imports one file or directory into the open transaction.
pub fn import_input(
    tx: &Transaction,
    input: &ImportInput,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let path = &input.path;
    let metadata = fs_err::metadata(path).map_err(|source| read_error(path, source))?;
    if metadata.is_dir() {
        return import_directory(tx, input, report, progress);
    }

    let bytes = fs_err::read(path).map_err(|source| read_error(path, source))?;
    import_bytes(tx, input, bytes, report, progress)
}

fn import_bytes(
    tx: &Transaction,
    input: &ImportInput,
    bytes: Vec<u8>,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let path = &input.path;
    match sniff(&bytes) {
        Sniffed::Zip => import_zip(tx, input, &bytes, report, progress),
        Sniffed::Gzip => {
            let inflated = gunzip(path, &bytes)?;
            if inflated.get(257..262) == Some(b"ustar") {
                if super::cve::is_anchore_tar(&inflated) {
                    return super::cve::import_anchore(tx, input, &bytes, report);
                }
                unsupported(report, path, "tar archive");
                return Ok(());
            }
            if sniff(&inflated) == Sniffed::Gzip {
                return Err(invalid(path, "gzip inside gzip is not a feed format"));
            }
            import_bytes(tx, input, inflated, report, progress)
        }
        Sniffed::EpssCsv => import_epss(tx, input, &bytes, report),
        Sniffed::Json => import_json(tx, input, &bytes, report, progress),
        Sniffed::Unknown => Err(IntelError::UnknownFormat { path: path.clone() }),
    }
}

fn gunzip(path: &Path, bytes: &[u8]) -> Result<Vec<u8>, IntelError> {
    let mut inflated = Vec::with_capacity(bytes.len() * 6);
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut inflated)
        .map_err(|error| invalid(path, format!("corrupt or truncated gzip: {error}")))?;
    if inflated.len() as u64 > MAX_FILE_BYTES {
        return Err(invalid(
            path,
            format!("decompresses to more than {MAX_FILE_BYTES} bytes"),
        ));
    }
    Ok(inflated)
}

fn import_json(
    tx: &Transaction,
    input: &ImportInput,
    bytes: &[u8],
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let path = &input.path;
    // NVD pages run to hundreds of megabytes as a JSON tree; recognise them from their
    // first bytes instead of parsing them only to leave them out.
    let start = &bytes[..bytes.len().min(4096)];
    if contains(start, b"\"NVD_CVE\"") {
        return super::cve::import_nvd(tx, input, bytes, report).map(|_| ());
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| invalid(path, format!("invalid JSON: {error}")))?;

    if kev::is_kev_catalog(&value) {
        return import_kev(tx, input, &value, report);
    }
    if value.get("distroversion").is_some() && value.get("packages").is_some_and(Value::is_array) {
        return import_alpine(tx, input, bytes, report);
    }
    if value.get("format").and_then(Value::as_str) == Some("NVD_CVE") {
        return super::cve::import_nvd(tx, input, bytes, report).map(|_| ());
    }
    if value.get("dataType").and_then(Value::as_str) == Some("CVE_RECORD") {
        return super::cve::import_cve5_record(tx, input, bytes, report);
    }
    let records = match value {
        Value::Array(items) if items.iter().all(osv::is_osv_record) && !items.is_empty() => items,
        value if osv::is_osv_record(&value) => vec![value],
        _ => return Err(IntelError::UnknownFormat { path: path.clone() }),
    };

    // A lone record file is its own source, so importing it never replaces an export.
    let default_name = format!("file:{}", absolute(path).display());
    let label = path.display().to_string();
    let count = records.len();
    let records = &records;
    let reader = move || {
        Box::new(move |index: usize| {
            let result = match records.get(index) {
                Some(value) => {
                    osv::parse_value(value.clone()).map(|parsed| Some(PreparedRecord::new(parsed)))
                }
                None => Ok(None),
            };
            (String::new(), result)
        }) as EntryReader<'_>
    };
    write_osv(
        tx,
        input,
        &label,
        Some(default_name),
        count,
        &reader,
        report,
        progress,
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn unsupported(report: &mut ImportReport, path: &Path, format: &str) {
    // The caller warns the user about every file in the report.
    tracing::debug!(file = %path.display(), format, "file left out");
    report.unsupported.push(super::UnsupportedFile {
        path: path.to_owned(),
        format: format.to_owned(),
    });
}

/// Returns whether a zip contains CVE JSON 5 records, judged by its first `CVE-*.json` entry
/// (a cvelistV5 zip also has `delta.json` and `deltaLog.json`).
fn is_cve5_zip(archive: &zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    let mut archive = archive.clone();
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else {
            return false;
        };
        let name = entry.name();
        let file_name = name.rsplit('/').next().unwrap_or(name);
        if !(file_name.starts_with("CVE-") && file_name.ends_with(".json")) {
            continue;
        }
        let mut start = Vec::new();
        let _ = (&mut entry).take(4096).read_to_end(&mut start);
        return start.windows(10).any(|window| window == b"CVE_RECORD");
    }
    false
}

fn import_rustsec(
    tx: &Transaction,
    input: &ImportInput,
    bytes: &[u8],
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let path = &input.path;
    let mut records = Vec::new();
    crate::feeds::rustsec::parse_zip(Cursor::new(bytes), |result| {
        records.push(result.and_then(|advisory| advisory.to_advisory()));
    })
    .map_err(|error| invalid(path, error.to_string()))?;
    write_advisories(tx, input, crate::feeds::rustsec::SOURCE, records, report)
}

fn import_pypa(
    tx: &Transaction,
    input: &ImportInput,
    bytes: &[u8],
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let path = &input.path;
    let mut records = Vec::new();
    crate::feeds::pypa::parse_zip(Cursor::new(bytes), |result| records.push(result))
        .map_err(|error| invalid(path, error.to_string()))?;
    write_advisories(tx, input, crate::feeds::pypa::SOURCE, records, report)
}

fn import_alpine(
    tx: &Transaction,
    input: &ImportInput,
    bytes: &[u8],
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    use crate::feeds::alpine;

    let path = &input.path;
    let file = alpine::parse_file(bytes, &path.display().to_string())
        .map_err(|error| invalid(path, error.message))?;
    // One source per branch and repository, so importing `v3.20/main.json` again replaces
    // only that file's data.
    let name = format!("{}:{}/{}", alpine::SOURCE, file.branch, file.repository);
    let mut secdb = alpine::AlpineSecdb::new();
    secdb.add(file);
    let (advisories, problems) = secdb.into_advisories();
    let records = advisories
        .into_iter()
        .map(Ok)
        .chain(problems.into_iter().map(Err))
        .collect();
    write_advisories(tx, input, &name, records, report)
}

/// Writes advisories from a non-OSV feed as one source named `default_name`.
fn write_advisories(
    tx: &Transaction,
    input: &ImportInput,
    default_name: &str,
    records: Vec<Result<crate::Advisory, crate::feeds::RecordError>>,
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let started = Instant::now();
    let path = &input.path;
    check_osv_source_name(input)?;
    let name = input
        .source_name
        .clone()
        .unwrap_or_else(|| default_name.to_owned());
    let source_id = write::begin_source(tx, "osv", &origin(input)).map_err(db_error(path))?;

    let mut prepared = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for result in records {
        match result {
            Ok(advisory) => prepared.push(PreparedRecord::from_advisory(&advisory)),
            Err(problem) => problems.push(problem),
        }
    }
    let codec = SourceCodec::train(&sample(&prepared));
    let mut encoder = codec.encoder().map_err(|e| io_error(path, e))?;
    let mut writer = SourceWriter::new(tx, source_id, &codec).map_err(db_error(path))?;

    let mut stored = 0u64;
    let mut skipped = 0u64;
    let mut newest: Option<DateTime<Utc>> = None;
    for record in prepared {
        let record = encoder.encode(record).map_err(|e| io_error(path, e))?;
        if let Some(modified) = record.modified().filter(|time| time.timestamp() > 0) {
            newest = newest.max(Some(modified));
        }
        writer.insert(record).map_err(db_error(path))?;
        stored += 1;
    }
    writer.finish().map_err(db_error(path))?;
    for problem in problems {
        skipped += 1;
        report.problems.push(ImportProblem {
            file: format!("{}!{}", path.display(), problem.location),
            id: problem.id,
            message: problem.message,
        });
    }
    if stored == 0 && skipped > 0 {
        // Every record was invalid: keep the stored source instead of emptying it.
        return write::discard_source(tx, source_id).map_err(db_error(path));
    }

    let meta = SourceMeta {
        name,
        format: default_name
            .split(':')
            .next()
            .unwrap_or(default_name)
            .to_owned(),
        origin: origin(input),
        snapshot_at: newest,
        feed_version: None,
        record_count: stored,
        skipped_count: skipped,
        ..download_meta(input)
    };
    write::finish_source(tx, source_id, &meta).map_err(db_error(path))?;
    finish_report(report, meta, started);
    Ok(())
}

fn import_kev(
    tx: &Transaction,
    input: &ImportInput,
    value: &Value,
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let started = Instant::now();
    let path = &input.path;
    let catalog = kev::parse_catalog(value).map_err(|reason| invalid(path, reason))?;

    let source_id = write::begin_source(tx, "kev", &origin(input)).map_err(db_error(path))?;
    let stored = write::replace_kev(tx, &catalog).map_err(db_error(path))?;
    let skipped = catalog.problems.len() as u64;
    let meta = SourceMeta {
        name: input
            .source_name
            .clone()
            .unwrap_or_else(|| "kev".to_owned()),
        format: "kev".to_owned(),
        origin: origin(input),
        snapshot_at: catalog.date_released,
        feed_version: catalog.catalog_version.clone(),
        record_count: stored,
        skipped_count: skipped,
        ..download_meta(input)
    };
    write::finish_source(tx, source_id, &meta).map_err(db_error(path))?;

    let file = path.display().to_string();
    report
        .problems
        .extend(catalog.problems.into_iter().map(|problem| ImportProblem {
            file: file.clone(),
            id: problem.id,
            message: problem.message,
        }));
    finish_report(report, meta, started);
    Ok(())
}

fn import_epss(
    tx: &Transaction,
    input: &ImportInput,
    bytes: &[u8],
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let started = Instant::now();
    let path = &input.path;
    let file = epss::parse(bytes).map_err(|reason| invalid(path, reason))?;

    let score_date = file.score_date.or_else(|| date_from_file_name(path));
    let source_id = write::begin_source(tx, "epss", &origin(input)).map_err(db_error(path))?;
    let stored = write::replace_epss(tx, &file).map_err(db_error(path))?;
    let meta = SourceMeta {
        name: input
            .source_name
            .clone()
            .unwrap_or_else(|| "epss".to_owned()),
        format: "epss".to_owned(),
        origin: origin(input),
        snapshot_at: score_date,
        feed_version: file.model_version.clone(),
        record_count: stored,
        skipped_count: file.problem_count as u64,
        ..download_meta(input)
    };
    write::finish_source(tx, source_id, &meta).map_err(db_error(path))?;

    let name = path.display().to_string();
    report
        .problems
        .extend(file.problems.into_iter().map(|problem| ImportProblem {
            file: name.clone(),
            id: problem.id,
            message: problem.message,
        }));
    finish_report(report, meta, started);
    Ok(())
}

/// Reads the date from an EPSS file name (`epss_scores-2026-08-16.csv.gz`), for copies
/// that lost their comment line.
fn date_from_file_name(path: &Path) -> Option<DateTime<Utc>> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("epss_scores-")?;
    let date = chrono::NaiveDate::parse_from_str(rest.get(..10)?, "%Y-%m-%d").ok()?;
    tracing::debug!(file = name, %date, "EPSS score date taken from the file name");
    Some(date.and_time(chrono::NaiveTime::MIN).and_utc())
}

fn import_zip(
    tx: &Transaction,
    input: &ImportInput,
    bytes: &[u8],
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let path = &input.path;
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|error| invalid(path, format!("corrupt or truncated zip: {error}")))?;
    let names: Vec<&str> = archive.file_names().collect();
    if names
        .iter()
        .any(|name| name.contains("RUSTSEC-") && name.ends_with(".md"))
    {
        return import_rustsec(tx, input, bytes, report);
    }
    if names
        .iter()
        .any(|name| name.starts_with("vulns/") && name.ends_with(".yaml"))
    {
        return import_pypa(tx, input, bytes, report);
    }
    if is_cve5_zip(&archive) {
        return super::cve::import_cve5_zip(tx, input, bytes, report);
    }
    let count = archive.len();
    let label = path.display().to_string();

    let reader = move || {
        let mut archive = archive.clone();
        Box::new(move |index: usize| read_zip_entry(&mut archive, index)) as EntryReader<'_>
    };
    write_osv(tx, input, &label, None, count, &reader, report, progress)
}

type EntryResult = Result<Option<PreparedRecord>, osv::RecordProblem>;
type EntryReader<'a> = Box<dyn FnMut(usize) -> (String, EntryResult) + 'a>;

fn read_zip_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
) -> (String, EntryResult) {
    let problem = |message: String| osv::RecordProblem { id: None, message };
    let mut entry = match archive.by_index(index) {
        Ok(entry) => entry,
        Err(error) => {
            return (
                format!("entry {index}"),
                Err(problem(format!("unreadable zip entry: {error}"))),
            )
        }
    };
    let name = entry.name().to_owned();
    if entry.is_dir() {
        return (name, Ok(None));
    }
    // Nothing is extracted, but a name escaping the archive root marks a crafted archive.
    if entry.enclosed_name().is_none() {
        return (
            name,
            Err(problem(
                "unsafe entry path (absolute or with `..`)".to_owned(),
            )),
        );
    }
    if entry.size() > MAX_RECORD_BYTES {
        return (
            name,
            Err(problem(format!(
                "entry of {} bytes exceeds the {MAX_RECORD_BYTES}-byte limit",
                entry.size()
            ))),
        );
    }
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    if let Err(error) = (&mut entry)
        .take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
    {
        return (name, Err(problem(format!("corrupt zip entry: {error}"))));
    }
    (name, PreparedRecord::from_json(&bytes).map(Some))
}

fn import_directory(
    tx: &Transaction,
    input: &ImportInput,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let path = &input.path;
    let mut json_files = Vec::new();
    let mut other_inputs = Vec::new();
    let mut files = Vec::new();
    walk(path, &mut files)?;

    for file in files {
        let mut start = [0u8; 4096];
        let read = fs_err::File::open(&file)
            .and_then(|mut handle| read_up_to(&mut handle, &mut start))
            .map_err(|source| read_error(&file, source))?;
        let start = &start[..read];
        let names_other_format = [
            &b"\"distroversion\""[..],
            b"\"catalogVersion\"",
            b"NVD_CVE",
            b"CVE_RECORD",
        ]
        .iter()
        .any(|marker| start.windows(marker.len()).any(|window| window == *marker));
        match sniff(start) {
            Sniffed::Json if names_other_format => other_inputs.push(file),
            Sniffed::Json => json_files.push(file),
            Sniffed::Zip | Sniffed::Gzip | Sniffed::EpssCsv => other_inputs.push(file),
            Sniffed::Unknown => {
                report.ignored_files += 1;
                unsupported(report, &file, "unknown format");
            }
        }
    }

    if !json_files.is_empty() {
        let label = path.display().to_string();
        let count = json_files.len();
        let files = &json_files;
        let reader = move || {
            Box::new(move |index: usize| {
                let file = &files[index];
                let name = file.display().to_string();
                let bytes = match fs_err::read(file) {
                    Ok(bytes) => bytes,
                    Err(error) => {
                        let problem = osv::RecordProblem {
                            id: None,
                            message: error.to_string(),
                        };
                        return (name, Err(problem));
                    }
                };
                (name, PreparedRecord::from_json(&bytes).map(Some))
            }) as EntryReader<'_>
        };
        write_osv(tx, input, &label, None, count, &reader, report, progress)?;
    }

    // Files found by walking are imported like named ones, except that a file in no
    // known format is left out with a warning instead of failing the import.
    for file in other_inputs {
        let nested = ImportInput::new(file);
        match import_input(tx, &nested, report, progress) {
            Err(IntelError::UnknownFormat { path }) => unsupported(report, &path, "unknown format"),
            // Text lists such as `[29 Mar 2023] DSA-…` start like a JSON array.
            Err(IntelError::InvalidFile { path, reason }) if reason.starts_with("invalid JSON") => {
                unsupported(report, &path, "unknown format")
            }
            other => other?,
        }
    }
    Ok(())
}

fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

/// Lists regular files under `dir`, sorted, skipping hidden entries (`.git`).
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), IntelError> {
    let mut entries: Vec<_> = fs_err::read_dir(dir)
        .map_err(|source| read_error(dir, source))?
        .collect::<Result<_, _>>()
        .map_err(|source| read_error(dir, source))?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|source| read_error(&path, source))?;
        if kind.is_dir() {
            walk(&path, files)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            files.push(path);
        }
    }
    Ok(())
}

/// Parses `count` records on worker threads and writes them on this one, as one source.
///
/// `make_reader` gives each worker its own reader (a zip archive handle is not shared).
/// A sample of the records is read first to train the source's compression dictionaries,
/// so that the workers can compress what they parse.
/// Source names that belong to feeds of other formats; OSV-shaped records stored under one
/// would hide that feed in `ward db status` and replace it on the next import.
const RESERVED_SOURCE_NAMES: &[&str] = &["kev", "epss", "nvd", "cve5", "anchore"];

/// Rejects a `--source` name of another feed for OSV-shaped records.
fn check_osv_source_name(input: &ImportInput) -> Result<(), IntelError> {
    match input.source_name.as_deref() {
        Some(name) if RESERVED_SOURCE_NAMES.contains(&name) => Err(invalid(
            &input.path,
            format!(
                "source name `{name}` belongs to another feed; choose a name such as \
                 `osv:<Ecosystem>` for advisory records"
            ),
        )),
        _ => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
fn write_osv<'a>(
    tx: &Transaction,
    input: &ImportInput,
    label: &str,
    default_name: Option<String>,
    count: usize,
    make_reader: &(dyn Fn() -> EntryReader<'a> + Sync),
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let started = Instant::now();
    let path = &input.path;
    check_osv_source_name(input)?;
    let source_id = write::begin_source(tx, "osv", &origin(input)).map_err(db_error(path))?;
    let provenance = input.source_name.clone().or_else(|| default_name.clone());

    let codec = train_codec(count, make_reader);
    let mut writer = SourceWriter::new(tx, source_id, &codec).map_err(db_error(path))?;

    let bar = progress.start(label, Some(count as u64), ProgressUnit::Records);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let next = AtomicUsize::new(0);

    let mut stored = 0u64;
    let mut skipped = 0u64;
    let mut newest: Option<DateTime<Utc>> = None;
    let mut ecosystems: HashMap<String, u64> = HashMap::new();
    // Files of a directory are named by their own path, which starts with the directory;
    // archive entries by `archive!entry`.
    let is_directory = path.is_dir();

    std::thread::scope(|scope| -> Result<(), IntelError> {
        let (sender, receiver) = mpsc::sync_channel::<(String, EncodedResult)>(CHANNEL_DEPTH);
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            let codec = &codec;
            scope.spawn(move || {
                let mut read = make_reader();
                let mut encoder = codec.encoder();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        break;
                    }
                    let (name, result) = read(index);
                    let encoded = result.and_then(|parsed| match (parsed, &mut encoder) {
                        (None, _) => Ok(None),
                        (Some(prepared), Ok(encoder)) => encoder
                            .encode(prepared)
                            .map(Some)
                            .map_err(|error| osv::RecordProblem {
                                id: None,
                                message: format!("compression failed: {error}"),
                            }),
                        (Some(prepared), Err(error)) => Err(osv::RecordProblem {
                            id: Some(prepared.id().to_owned()),
                            message: format!("compressor unavailable: {error}"),
                        }),
                    });
                    if sender.send((name, encoded)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);

        for (entry, result) in receiver {
            bar.advance(1);
            let file = if entry.is_empty() {
                label.to_owned()
            } else if is_directory {
                entry
            } else {
                format!("{label}!{entry}")
            };
            match result {
                Ok(None) => {}
                Ok(Some(record)) => {
                    stored += 1;
                    if let Some(modified) = record.modified().filter(|time| time.timestamp() > 0) {
                        newest = newest.max(Some(modified));
                    }
                    for base in record.base_ecosystems() {
                        *ecosystems.entry(base.to_owned()).or_default() += 1;
                    }
                    writer.insert(record).map_err(db_error(path))?;
                }
                Err(problem) => {
                    skipped += 1;
                    tracing::debug!(%file, id = ?problem.id, message = %problem.message, "record skipped");
                    report.problems.push(ImportProblem {
                        file,
                        id: problem.id,
                        message: problem.message,
                    });
                }
            }
        }
        Ok(())
    })?;
    bar.finish();
    writer.finish().map_err(db_error(path))?;
    if stored == 0 {
        // An empty source would replace a stored one of the same name with nothing.
        tracing::debug!(file = %label, skipped, "no valid record; no source written");
        return write::discard_source(tx, source_id).map_err(db_error(path));
    }

    let name = provenance.unwrap_or_else(|| match majority(&ecosystems) {
        Some(ecosystem) => format!("osv:{ecosystem}"),
        None => format!(
            "osv:{}",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
    });
    let meta = SourceMeta {
        name,
        format: "osv".to_owned(),
        origin: origin(input),
        snapshot_at: newest,
        feed_version: None,
        record_count: stored,
        skipped_count: skipped,
        ..download_meta(input)
    };
    write::finish_source(tx, source_id, &meta).map_err(db_error(path))?;
    finish_report(report, meta, started);
    Ok(())
}

type EncodedResult = Result<Option<record::EncodedRecord>, osv::RecordProblem>;

/// Trains the source's dictionaries on records spread evenly over the input, so that
/// records of every kind and age are represented (a Debian export lists its CVE records
/// before its DSAs).
///
/// The samples are read on two threads, each with its own reader, because this step runs
/// before the workers start and its time adds to the import's wall time.
fn train_codec<'a>(
    count: usize,
    make_reader: &(dyn Fn() -> EntryReader<'a> + Sync),
) -> SourceCodec {
    if count < crate::db::packed::MIN_SAMPLES {
        return SourceCodec::default();
    }
    let step = (count / record::DICTIONARY_SAMPLES).max(1);
    let indices: Vec<usize> = (0..count).step_by(step).collect();
    let halves = indices.split_at(indices.len() / 2);

    let read_samples = |indices: &[usize]| -> Vec<PreparedRecord> {
        let mut read = make_reader();
        indices
            .iter()
            .filter_map(|&index| read(index).1.ok().flatten())
            .collect()
    };
    let (mut samples, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| read_samples(halves.1));
        (read_samples(halves.0), second.join())
    });
    // A panicking reader thread only costs the samples it read.
    samples.extend(second.unwrap_or_default());
    SourceCodec::train(&samples.iter().collect::<Vec<_>>())
}

/// Returns up to [`record::DICTIONARY_SAMPLES`] records spread evenly over `records`.
fn sample(records: &[PreparedRecord]) -> Vec<&PreparedRecord> {
    let step = (records.len() / record::DICTIONARY_SAMPLES).max(1);
    records.iter().step_by(step).collect()
}

fn io_error(path: &Path, error: std::io::Error) -> IntelError {
    IntelError::Read {
        path: path.to_owned(),
        source: error,
    }
}

/// Returns the ecosystem most records name, ties broken by name so the result is stable.
fn majority(counts: &HashMap<String, u64>) -> Option<String> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(name, _)| name.clone())
}

pub(super) fn origin(input: &ImportInput) -> String {
    match &input.download {
        Some(download) => download.url.clone(),
        None => absolute(&input.path).display().to_string(),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

fn download_meta(input: &ImportInput) -> SourceMeta {
    match &input.download {
        Some(download) => SourceMeta {
            etag: download.etag.clone(),
            last_modified: download.last_modified.clone(),
            ..SourceMeta::default()
        },
        None => SourceMeta::default(),
    }
}

fn finish_report(report: &mut ImportReport, meta: SourceMeta, started: Instant) {
    let elapsed = started.elapsed();
    tracing::info!(
        source = %meta.name,
        records = meta.record_count,
        skipped = meta.skipped_count,
        elapsed_secs = elapsed.as_secs_f64(),
        "source imported"
    );
    report.sources.push(super::ImportedSource {
        name: meta.name,
        format: meta.format,
        records: meta.record_count,
        skipped: meta.skipped_count,
        elapsed,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_content() {
        let cases: [(&[u8], Sniffed); 7] = [
            (b"PK\x03\x04rest", Sniffed::Zip),
            (b"\x1f\x8b\x08", Sniffed::Gzip),
            (b"#model_version:v2025.03.14", Sniffed::EpssCsv),
            (b"cve,epss,percentile\n", Sniffed::EpssCsv),
            (b"\n  {\"id\": 1}", Sniffed::Json),
            (b"\xEF\xBB\xBF[", Sniffed::Json),
            (b"# README", Sniffed::Unknown),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), expected, "case {bytes:?}");
        }
    }

    #[test]
    fn epss_date_from_file_name() {
        let date = date_from_file_name(Path::new("/x/epss_scores-2026-08-16.csv.gz")).unwrap();
        assert_eq!(date.to_rfc3339(), "2026-08-16T00:00:00+00:00");
        assert_eq!(date_from_file_name(Path::new("scores.csv")), None);
    }

    #[test]
    fn majority_breaks_ties_by_name() {
        let counts = HashMap::from([
            ("npm".to_owned(), 3),
            ("PyPI".to_owned(), 3),
            ("Go".to_owned(), 1),
        ]);
        assert_eq!(majority(&counts).as_deref(), Some("PyPI"));
    }
}
