//! Reading import inputs: each file is detected by content and parsed into a [`Prepared`]
//! batch, which the `store` module writes.
//!
//! [`prepare`] runs on the preparing threads of the `pipeline` module, ahead of the writer,
//! so that decompressing, parsing and compressing the next files overlaps the SQLite writes
//! of the current one. OSV archives and directories of record files are parsed on worker
//! threads that stream their records to the writer while it stores them.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::sync::{mpsc, Arc};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::cve::{self, CveBatch};
use super::pipeline::Turn;
use super::record::{self, EncodedRecord, Encoder, PreparedRecord, SourceCodec};
use super::{ImportInput, ImportReport};
use crate::feeds::epss::EpssFile;
use crate::feeds::kev::KevCatalog;
use crate::feeds::{epss, kev, osv, RecordError};
use crate::IntelError;

/// Largest record or decompressed file read into memory; larger ones are rejected so a
/// zip bomb cannot exhaust memory.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Largest JSON document read into a `serde_json::Value` tree, which takes about four
/// times the document's size in memory. NVD feeds are streamed and not limited by it.
const MAX_JSON_TREE_BYTES: usize = 128 * 1024 * 1024;

/// Records a worker sends to the writer at once: one send per record woke the writer
/// so often that futex calls showed in profiles.
const BATCH_RECORDS: usize = 32;

/// Batches of one source that may wait for the writer: deep enough that the workers
/// finish, and the next file is prepared, while the writer still stores this source.
const CHANNEL_BATCHES: usize = 64;

/// Format named for a file in no format ward recognises.
const UNKNOWN_FORMAT: &str = "unknown format";
/// Start of the reason of a file that is not valid JSON.
const INVALID_JSON: &str = "invalid JSON";
/// Start of the reason of a JSON document above [`MAX_JSON_TREE_BYTES`].
const TOO_LARGE: &str = "JSON document of";

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

/// One file to import, or the record files of one directory.
pub(super) struct Unit {
    input: ImportInput,
    kind: UnitKind,
}

impl Unit {
    /// Returns the file, or the directory of the record files.
    pub fn path(&self) -> &Path {
        &self.input.path
    }
}

enum UnitKind {
    /// A file named by the caller.
    File,
    /// A file found by walking a directory: one in no known format is left out with a
    /// warning instead of failing the import. `feed` names the feed its first bytes
    /// mention (`KEV catalog`), if any.
    Found { feed: Option<&'static str> },
    /// The OSV record files of a directory, imported as one source.
    RecordFiles(Vec<PathBuf>),
}

/// One file's data, parsed and compressed, for the writer.
pub(super) enum Prepared {
    /// OSV-shaped records of one source.
    Osv(OsvBatch),
    /// NVD, CVE 5 or Anchore records.
    Cve(CveBatch),
    /// The KEV catalog.
    Kev {
        input: ImportInput,
        catalog: KevCatalog,
        started: Instant,
    },
    /// EPSS scores.
    Epss {
        input: ImportInput,
        file: EpssFile,
        score_date: Option<DateTime<Utc>>,
        started: Instant,
    },
    /// A file left out, with the format it was recognised as and why, when the format is
    /// one ward imports.
    Unsupported {
        path: PathBuf,
        format: String,
        reason: Option<String>,
    },
}

/// One record for the writer: the file (or `archive!entry`) it came from, and the record,
/// nothing (a directory entry of an archive) or the reason it was skipped.
pub(super) type Item = (String, Result<Option<EncodedRecord>, osv::RecordProblem>);

/// OSV-shaped records of one source.
pub(super) struct OsvBatch {
    pub input: ImportInput,
    /// Label of the progress bar.
    pub label: String,
    /// Source name; `None` names the source after its records' main ecosystem.
    pub name: Option<String>,
    /// `osv`, or the feed the records were converted from (`rustsec`).
    pub format: String,
    /// The dictionaries the records were compressed with.
    pub codec: Arc<SourceCodec>,
    /// Number of items the writer receives.
    pub count: usize,
    pub records: Records,
    /// Whether a batch without records but also without invalid ones still replaces the
    /// stored source (a converted feed file that lists no advisory).
    pub keep_empty: bool,
    pub started: Instant,
}

/// The items of an [`OsvBatch`].
pub(super) enum Records {
    /// Sent by worker threads, in batches, while the writer stores them. `failed` is set
    /// when a worker stopped early.
    Streamed {
        receiver: mpsc::Receiver<Vec<Item>>,
        failed: Arc<Failure>,
    },
    /// Read in full before the batch was handed over.
    Ready(Vec<Item>),
}

/// A file's bytes shared by the worker threads that read its zip entries.
#[derive(Clone)]
pub(super) struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Lists the files to import, walking directories. Files inside a directory that are in
/// no format ward recognises are added to `report` as left out.
pub(super) fn plan(
    inputs: &[ImportInput],
    report: &mut ImportReport,
) -> Result<Vec<Unit>, IntelError> {
    let mut units = Vec::new();
    for input in inputs {
        let path = &input.path;
        let metadata = fs_err::metadata(path).map_err(|source| read_error(path, source))?;
        if metadata.is_dir() {
            plan_directory(input, &mut units, report)?;
        } else {
            units.push(Unit {
                input: input.clone(),
                kind: UnitKind::File,
            });
        }
    }
    Ok(units)
}

/// Keys in the first 4 KiB of a JSON file that mark a feed other than OSV records, with the
/// feed's name.
const FEED_MARKERS: [(&[u8], &str); 4] = [
    (b"\"distroversion\"", "Alpine secdb"),
    (b"\"catalogVersion\"", "KEV catalog"),
    (b"NVD_CVE", "NVD CVE feed"),
    (b"CVE_RECORD", "CVE JSON 5 record"),
];

/// Adds the files of a directory: its OSV record files as one unit first, then every other
/// feed file on its own, largest first.
fn plan_directory(
    input: &ImportInput,
    units: &mut Vec<Unit>,
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let mut record_files = Vec::new();
    let mut other_files = Vec::new();
    let mut files = Vec::new();
    walk(&input.path, &mut files)?;

    for file in files {
        let mut start = [0u8; 4096];
        let read = fs_err::File::open(&file)
            .and_then(|mut handle| read_up_to(&mut handle, &mut start))
            .map_err(|source| read_error(&file, source))?;
        let start = &start[..read];
        let feed = FEED_MARKERS
            .iter()
            .find(|(marker, _)| start.windows(marker.len()).any(|window| window == *marker))
            .map(|(_, feed)| *feed);
        match sniff(start) {
            Sniffed::Json if feed.is_some() => other_files.push((file, feed)),
            Sniffed::Json => record_files.push(file),
            Sniffed::Zip | Sniffed::Gzip | Sniffed::EpssCsv => other_files.push((file, None)),
            Sniffed::Unknown => {
                report.ignored_files += 1;
                unsupported(report, &file, UNKNOWN_FORMAT, None);
            }
        }
    }

    if !record_files.is_empty() {
        units.push(Unit {
            input: input.clone(),
            kind: UnitKind::RecordFiles(record_files),
        });
    }
    // Largest first: the writer stores files in order, so a large file last (an OSV
    // Debian export) left the preparers idle while the writer finished it alone. The sort
    // is stable, so files of equal size keep their path order.
    other_files.sort_by_cached_key(|(file, _)| {
        std::cmp::Reverse(std::fs::metadata(file).map_or(0, |metadata| metadata.len()))
    });
    // Files found by walking are imported like named ones, except that a file in no
    // known format is left out with a warning instead of failing the import.
    units.extend(other_files.into_iter().map(|(file, feed)| Unit {
        input: ImportInput::new(file),
        kind: UnitKind::Found { feed },
    }));
    Ok(())
}

/// Adds a file left out to the report.
pub(super) fn unsupported(
    report: &mut ImportReport,
    path: &Path,
    format: &str,
    reason: Option<String>,
) {
    // The caller warns the user about every file in the report.
    tracing::debug!(file = %path.display(), format, ?reason, "file left out");
    report.unsupported.push(super::UnsupportedFile {
        path: path.to_owned(),
        format: format.to_owned(),
        reason,
    });
}

/// Threads that stream one source's records to the writer.
pub(super) type Workers<'scope> = Vec<ScopedJoinHandle<'scope, ()>>;

/// Reads and parses one unit. Worker threads that stream an OSV source's records are
/// spawned on `scope`, outlive this call, and are added to `workers`.
pub(super) fn prepare<'scope>(
    unit: &Unit,
    scope: &'scope Scope<'scope, '_>,
    workers: &mut Workers<'scope>,
    turn: &mut Turn<'_>,
) -> Result<Prepared, IntelError> {
    match &unit.kind {
        UnitKind::File => prepare_file(scope, workers, &unit.input, turn),
        UnitKind::RecordFiles(files) => {
            prepare_record_files(scope, workers, &unit.input, files.clone())
        }
        UnitKind::Found { feed } => {
            let left_out = |path, format: &str, reason| {
                Ok(Prepared::Unsupported {
                    path,
                    format: format.to_owned(),
                    reason,
                })
            };
            match prepare_file(scope, workers, &unit.input, turn) {
                Err(IntelError::UnknownFormat { path }) => left_out(path, UNKNOWN_FORMAT, None),
                Err(IntelError::InvalidFile { path, reason }) if reason.starts_with(TOO_LARGE) => {
                    left_out(path, feed.unwrap_or("JSON document"), Some(reason))
                }
                // A damaged feed file is named with its problem. Text lists such as
                // `[29 Mar 2023] DSA-…` only start like a JSON array.
                Err(IntelError::InvalidFile { path, reason })
                    if reason.starts_with(INVALID_JSON) =>
                {
                    match feed {
                        Some(feed) => left_out(path, feed, Some(reason)),
                        None => left_out(path, UNKNOWN_FORMAT, None),
                    }
                }
                other => other,
            }
        }
    }
}

fn prepare_file<'scope>(
    scope: &'scope Scope<'scope, '_>,
    workers: &mut Workers<'scope>,
    input: &ImportInput,
    turn: &mut Turn<'_>,
) -> Result<Prepared, IntelError> {
    let path = &input.path;
    let bytes = fs_err::read(path).map_err(|source| read_error(path, source))?;
    prepare_bytes(scope, workers, input, bytes, turn)
}

fn prepare_bytes<'scope>(
    scope: &'scope Scope<'scope, '_>,
    workers: &mut Workers<'scope>,
    input: &ImportInput,
    bytes: Vec<u8>,
    turn: &mut Turn<'_>,
) -> Result<Prepared, IntelError> {
    let path = &input.path;
    match sniff(&bytes) {
        Sniffed::Zip => prepare_zip(scope, workers, input, bytes, turn),
        Sniffed::Gzip => {
            let inflated = gunzip(path, &bytes)?;
            drop(bytes);
            if inflated.get(257..262) == Some(b"ustar") {
                if cve::is_anchore_tar(&inflated) {
                    return cve::prepare_anchore(input, &inflated, turn).map(Prepared::Cve);
                }
                return Ok(Prepared::Unsupported {
                    path: path.clone(),
                    format: "tar archive".to_owned(),
                    reason: None,
                });
            }
            if sniff(&inflated) == Sniffed::Gzip {
                return Err(invalid(path, "gzip inside gzip is not a feed format"));
            }
            prepare_bytes(scope, workers, input, inflated, turn)
        }
        Sniffed::EpssCsv => prepare_epss(input, &bytes),
        Sniffed::Json => prepare_json(input, &bytes, turn),
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

fn prepare_json(
    input: &ImportInput,
    bytes: &[u8],
    turn: &mut Turn<'_>,
) -> Result<Prepared, IntelError> {
    let started = Instant::now();
    let path = &input.path;
    // NVD pages run to hundreds of megabytes as a JSON tree; recognise them from their
    // first bytes instead of parsing them only to leave them out.
    let start = &bytes[..bytes.len().min(4096)];
    if contains(start, b"\"NVD_CVE\"") {
        return cve::prepare_nvd(input, bytes, turn).map(Prepared::Cve);
    }
    check_tree_size(path, bytes.len(), MAX_JSON_TREE_BYTES)?;
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| invalid(path, format!("{INVALID_JSON}: {error}")))?;

    if kev::is_kev_catalog(&value) {
        check_source_name(input, "kev")?;
        let catalog = kev::parse_catalog(&value).map_err(|reason| invalid(path, reason))?;
        return Ok(Prepared::Kev {
            input: input.clone(),
            catalog,
            started,
        });
    }
    if value.get("distroversion").is_some() && value.get("packages").is_some_and(Value::is_array) {
        return prepare_alpine(input, bytes, started);
    }
    if value.get("format").and_then(Value::as_str) == Some("NVD_CVE") {
        return cve::prepare_nvd(input, bytes, turn).map(Prepared::Cve);
    }
    if value.get("dataType").and_then(Value::as_str) == Some("CVE_RECORD") {
        return cve::prepare_cve5_record(input, bytes, turn).map(Prepared::Cve);
    }
    let records = match value {
        Value::Array(items) if items.iter().all(osv::is_osv_record) && !items.is_empty() => items,
        value if osv::is_osv_record(&value) => vec![value],
        _ => return Err(IntelError::UnknownFormat { path: path.clone() }),
    };

    // A lone record file is its own source, so importing it never replaces an export.
    let default_name = format!("file:{}", absolute(path).display());
    let label = path.display().to_string();
    let items = records
        .into_iter()
        .map(|value| {
            let result = osv::parse_value(value).map(|parsed| Some(PreparedRecord::new(parsed)));
            (label.clone(), result)
        })
        .collect();
    let name = input.source_name.clone().unwrap_or(default_name);
    ready_osv(input, label, name, "osv", items, false, started)
}

/// Rejects a JSON document too large to read as a tree.
fn check_tree_size(path: &Path, size: usize, limit: usize) -> Result<(), IntelError> {
    if size <= limit {
        return Ok(());
    }
    Err(invalid(
        path,
        format!(
            "{TOO_LARGE} {size} bytes is larger than the {limit} bytes read as a whole; split \
             it into one file per record"
        ),
    ))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Returns whether a zip contains CVE JSON 5 records, judged by its first `CVE-*.json` entry
/// (a cvelistV5 zip also has `delta.json` and `deltaLog.json`).
fn is_cve5_zip(archive: &zip::ZipArchive<Cursor<SharedBytes>>) -> bool {
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

fn prepare_zip<'scope>(
    scope: &'scope Scope<'scope, '_>,
    workers: &mut Workers<'scope>,
    input: &ImportInput,
    bytes: Vec<u8>,
    turn: &mut Turn<'_>,
) -> Result<Prepared, IntelError> {
    let started = Instant::now();
    let path = &input.path;
    let bytes = SharedBytes(Arc::new(bytes));
    let archive = zip::ZipArchive::new(Cursor::new(bytes.clone()))
        .map_err(|error| invalid(path, format!("corrupt or truncated zip: {error}")))?;
    let names: Vec<&str> = archive.file_names().collect();
    if names
        .iter()
        .any(|name| name.contains("RUSTSEC-") && name.ends_with(".md"))
    {
        let mut records = Vec::new();
        crate::feeds::rustsec::parse_zip(Cursor::new(bytes.as_ref()), |result| {
            records.push(result.and_then(|advisory| advisory.to_advisory()));
        })
        .map_err(|error| invalid(path, error.to_string()))?;
        return prepare_advisories(input, crate::feeds::rustsec::SOURCE, records, started);
    }
    if names
        .iter()
        .any(|name| name.starts_with("vulns/") && name.ends_with(".yaml"))
    {
        let mut records = Vec::new();
        crate::feeds::pypa::parse_zip(Cursor::new(bytes.as_ref()), |result| records.push(result))
            .map_err(|error| invalid(path, error.to_string()))?;
        return prepare_advisories(input, crate::feeds::pypa::SOURCE, records, started);
    }
    if is_cve5_zip(&archive) {
        return cve::prepare_cve5_zip(input, bytes.as_ref(), turn).map(Prepared::Cve);
    }
    let count = archive.len();
    let label = path.display().to_string();

    let reader: MakeReader = Arc::new(move || {
        let mut archive = archive.clone();
        Box::new(move |index: usize| read_zip_entry(&mut archive, index)) as EntryReader
    });
    let entries = Entries {
        label,
        count,
        make_reader: reader,
        is_directory: false,
    };
    stream_osv(scope, workers, input, entries, started)
}

/// Reads the OSV record files found in a directory as one source.
fn prepare_record_files<'scope>(
    scope: &'scope Scope<'scope, '_>,
    workers: &mut Workers<'scope>,
    input: &ImportInput,
    files: Vec<PathBuf>,
) -> Result<Prepared, IntelError> {
    let started = Instant::now();
    let label = input.path.display().to_string();
    let count = files.len();
    let files = Arc::new(files);
    let reader: MakeReader = Arc::new(move || {
        let files = Arc::clone(&files);
        Box::new(move |index: usize| {
            let file = &files[index];
            let name = file.display().to_string();
            let size = fs_err::metadata(file).map_or(0, |metadata| metadata.len());
            if size > MAX_RECORD_BYTES {
                let problem = osv::RecordProblem {
                    id: None,
                    message: format!(
                        "file of {size} bytes exceeds the {MAX_RECORD_BYTES}-byte limit for \
                         one record"
                    ),
                };
                return Ok((name, Err(problem)));
            }
            let bytes = match fs_err::read(file) {
                Ok(bytes) => bytes,
                Err(error) => {
                    let problem = osv::RecordProblem {
                        id: None,
                        message: error.to_string(),
                    };
                    return Ok((name, Err(problem)));
                }
            };
            Ok((name, PreparedRecord::from_json(&bytes).map(Some)))
        }) as EntryReader
    });
    let entries = Entries {
        label,
        count,
        make_reader: reader,
        is_directory: true,
    };
    stream_osv(scope, workers, input, entries, started)
}

fn prepare_alpine(
    input: &ImportInput,
    bytes: &[u8],
    started: Instant,
) -> Result<Prepared, IntelError> {
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
    prepare_advisories(input, &name, records, started)
}

/// Converts the advisories of a non-OSV feed into OSV records of one source named
/// `default_name`, and compresses them.
fn prepare_advisories(
    input: &ImportInput,
    default_name: &str,
    records: Vec<Result<crate::Advisory, RecordError>>,
    started: Instant,
) -> Result<Prepared, IntelError> {
    let path = input.path.display().to_string();
    let items = records
        .into_iter()
        .map(|result| match result {
            Ok(advisory) => (
                path.clone(),
                Ok(Some(PreparedRecord::from_advisory(&advisory))),
            ),
            Err(problem) => (
                format!("{path}!{}", problem.location),
                Err(osv::RecordProblem {
                    id: problem.id,
                    message: problem.message,
                }),
            ),
        })
        .collect();
    let name = input
        .source_name
        .clone()
        .unwrap_or_else(|| default_name.to_owned());
    let format = default_name.split(':').next().unwrap_or(default_name);
    ready_osv(input, path, name, format, items, true, started)
}

/// Trains the dictionaries of records read in full and compresses them.
fn ready_osv(
    input: &ImportInput,
    label: String,
    name: String,
    format: &str,
    items: Vec<(String, EntryResult)>,
    keep_empty: bool,
    started: Instant,
) -> Result<Prepared, IntelError> {
    check_source_name(input, "osv")?;
    let records: Vec<&PreparedRecord> = items
        .iter()
        .filter_map(|(_, result)| result.as_ref().ok().and_then(Option::as_ref))
        .collect();
    let codec = SourceCodec::train(&sample(&records));
    let mut encoder = codec.encoder();
    let items: Vec<Item> = items
        .into_iter()
        .map(|(file, result)| (file, encode(&mut encoder, result)))
        .collect();
    Ok(Prepared::Osv(OsvBatch {
        input: input.clone(),
        label,
        name: Some(name),
        format: format.to_owned(),
        codec: Arc::new(codec),
        count: items.len(),
        records: Records::Ready(items),
        keep_empty,
        started,
    }))
}

fn prepare_epss(input: &ImportInput, bytes: &[u8]) -> Result<Prepared, IntelError> {
    let started = Instant::now();
    let path = &input.path;
    check_source_name(input, "epss")?;
    let file = epss::parse(bytes).map_err(|reason| invalid(path, reason))?;
    let score_date = file.score_date.or_else(|| date_from_file_name(path));
    Ok(Prepared::Epss {
        input: input.clone(),
        file,
        score_date,
        started,
    })
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

/// Reads and parses one zip entry. An entry whose data is damaged (a bad header, CRC or
/// deflate stream) is `Err`, because it means the archive is damaged as a whole.
fn read_zip_entry(archive: &mut zip::ZipArchive<Cursor<SharedBytes>>, index: usize) -> EntryRead {
    let problem = |message: String| osv::RecordProblem { id: None, message };
    let mut entry = archive
        .by_index(index)
        .map_err(|error| format!("zip entry {index} is unreadable: {error}"))?;
    let name = entry.name().to_owned();
    #[cfg(test)]
    if name == tests::PANIC_ENTRY {
        panic!("test panic while reading {name}");
    }
    if entry.is_dir() {
        return Ok((name, Ok(None)));
    }
    // Nothing is extracted, but a name escaping the archive root marks a crafted archive.
    if entry.enclosed_name().is_none() {
        return Ok((
            name,
            Err(problem(
                "unsafe entry path (absolute or with `..`)".to_owned(),
            )),
        ));
    }
    if entry.size() > MAX_RECORD_BYTES {
        return Ok((
            name,
            Err(problem(format!(
                "entry of {} bytes exceeds the {MAX_RECORD_BYTES}-byte limit",
                entry.size()
            ))),
        ));
    }
    let mut bytes = Vec::with_capacity(entry.size() as usize);
    if let Err(error) = (&mut entry)
        .take(MAX_RECORD_BYTES + 1)
        .read_to_end(&mut bytes)
    {
        return Err(format!("zip entry `{name}` is damaged: {error}"));
    }
    Ok((name, PreparedRecord::from_json(&bytes).map(Some)))
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

/// Source names that belong to feeds of other formats; OSV-shaped records stored under one
/// would hide that feed in `ward db status` and replace it on the next import.
const RESERVED_SOURCE_NAMES: &[&str] = &["kev", "epss", "nvd", "cve5", "anchore"];

/// Longest `--source` name, in characters.
const MAX_SOURCE_NAME_CHARS: usize = 100;

/// Rejects a `--source` name that another feed owns or that `ward db status` cannot show.
///
/// `format` is `osv` for advisory records, or the feed's own source name. KEV and EPSS
/// fill one table each, so their source keeps its name; NVD, CVE 5 and Anchore records may
/// go to a source of their own, named `<feed>:<suffix>`.
pub(super) fn check_source_name(input: &ImportInput, format: &str) -> Result<(), IntelError> {
    let Some(name) = input.source_name.as_deref() else {
        return Ok(());
    };
    let fail = |reason: String| {
        Err(IntelError::InvalidSourceName {
            path: input.path.clone(),
            reason,
        })
    };
    if name.is_empty()
        || name.trim() != name
        || name.chars().any(char::is_control)
        || name.chars().count() > MAX_SOURCE_NAME_CHARS
    {
        return fail(format!(
            "source name `{}` must have 1 to {MAX_SOURCE_NAME_CHARS} characters, without \
             surrounding spaces or control characters",
            name.escape_debug()
        ));
    }
    let family = name.split(':').next().unwrap_or(name).to_ascii_lowercase();
    match format {
        "kev" | "epss" if name != format => fail(format!(
            "this feed is always stored as source `{format}`; leave out the source name"
        )),
        "nvd" | "cve5" | "anchore"
            if name != format && !name.starts_with(&format!("{format}:")) =>
        {
            fail(format!(
                "source name `{name}` does not fit this feed; use `{format}` or `{format}:<name>`"
            ))
        }
        "osv" if RESERVED_SOURCE_NAMES.contains(&family.as_str()) => fail(format!(
            "source name `{name}` belongs to another feed; choose a name such as \
             `osv:<Ecosystem>` for advisory records"
        )),
        _ => Ok(()),
    }
}

type EntryResult = Result<Option<PreparedRecord>, osv::RecordProblem>;
/// An entry's name and record, or why the whole input is damaged.
type EntryRead = Result<(String, EntryResult), String>;
type EntryReader = Box<dyn FnMut(usize) -> EntryRead + Send>;

/// The reason the workers of a streamed source stopped early, if they did. The writer
/// then imports nothing of that source.
#[derive(Default)]
pub(super) struct Failure(Mutex<Option<String>>);

impl Failure {
    /// Records `reason`, keeping the first one.
    fn set(&self, reason: String) {
        let mut slot = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.get_or_insert(reason);
    }

    /// Returns the first reason recorded.
    pub(super) fn reason(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Creates a reader of entries by index; each thread gets its own (a zip archive handle
/// is not shared).
type MakeReader = Arc<dyn Fn() -> EntryReader + Send + Sync>;

/// Entries of an OSV archive or directory, for [`stream_osv`].
struct Entries {
    /// The archive or directory, as problems and the progress bar name it.
    label: String,
    count: usize,
    make_reader: MakeReader,
    /// Whether entries are files of a directory, named by their own path, rather than
    /// archive entries, named `archive!entry`.
    is_directory: bool,
}

/// Starts worker threads on `scope` that parse and compress `count` entries, and returns
/// the batch they stream to.
///
/// A sample of the entries is read first to train the source's compression dictionaries,
/// so that the workers can compress what they parse. The sampled entries are handed to the
/// first worker instead of being read again.
fn stream_osv<'scope>(
    scope: &'scope Scope<'scope, '_>,
    workers: &mut Workers<'scope>,
    input: &ImportInput,
    entries: Entries,
    started: Instant,
) -> Result<Prepared, IntelError> {
    let Entries {
        label,
        count,
        make_reader,
        is_directory,
    } = entries;
    check_source_name(input, "osv")?;
    let (codec, samples) = train_codec(count, &make_reader);
    let codec = Arc::new(codec);
    let mut sampled = vec![false; count];
    for (index, _, _) in &samples {
        sampled[*index] = true;
    }
    let sampled: Arc<[bool]> = sampled.into();
    let next = Arc::new(AtomicUsize::new(0));
    let label_shared: Arc<str> = label.as_str().into();
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);

    let (sender, receiver) = mpsc::sync_channel::<Vec<Item>>(CHANNEL_BATCHES);
    let failed = Arc::new(Failure::default());
    let mut samples = Some(samples);
    for _ in 0..threads {
        let sender = sender.clone();
        let next = Arc::clone(&next);
        let codec = Arc::clone(&codec);
        let sampled = Arc::clone(&sampled);
        let make_reader = Arc::clone(&make_reader);
        let label = Arc::clone(&label_shared);
        let samples = samples.take().unwrap_or_default();
        let failed = Arc::clone(&failed);
        workers.push(scope.spawn(move || {
            // A worker that panicked stops sending, and the writer must not take the
            // records it got for the whole source.
            let run = std::panic::AssertUnwindSafe(|| {
                // Files of a directory are named by their own path, which starts with the
                // directory; archive entries by `archive!entry`.
                let file_name = |entry: String| {
                    if entry.is_empty() {
                        label.to_string()
                    } else if is_directory {
                        entry
                    } else {
                        format!("{label}!{entry}")
                    }
                };
                let mut encoder = codec.encoder();
                let mut batch = Vec::with_capacity(BATCH_RECORDS);
                let push = |batch: &mut Vec<Item>, item: Item| -> bool {
                    batch.push(item);
                    batch.len() < BATCH_RECORDS
                        || sender
                            .send(std::mem::replace(batch, Vec::with_capacity(BATCH_RECORDS)))
                            .is_ok()
                };
                for (_, entry, result) in samples {
                    let item = (file_name(entry), encode(&mut encoder, result));
                    if !push(&mut batch, item) {
                        return;
                    }
                }
                let mut read = make_reader();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count {
                        break;
                    }
                    if sampled[index] {
                        continue;
                    }
                    let (entry, result) = match read(index) {
                        Ok(read) => read,
                        Err(reason) => {
                            failed.set(reason);
                            // The other workers stop at their next entry.
                            next.store(count, Ordering::Relaxed);
                            return;
                        }
                    };
                    let item = (file_name(entry), encode(&mut encoder, result));
                    if !push(&mut batch, item) {
                        return;
                    }
                }
                if !batch.is_empty() {
                    let _ = sender.send(batch);
                }
            });
            if std::panic::catch_unwind(run).is_err() {
                failed.set("internal error while reading its records".to_owned());
            }
        }));
    }

    Ok(Prepared::Osv(OsvBatch {
        input: input.clone(),
        label,
        name: input.source_name.clone(),
        format: "osv".to_owned(),
        codec,
        count,
        records: Records::Streamed { receiver, failed },
        keep_empty: false,
        started,
    }))
}

/// Compresses one parsed entry; a compression failure skips the record.
fn encode(
    encoder: &mut std::io::Result<Encoder>,
    result: EntryResult,
) -> Result<Option<EncodedRecord>, osv::RecordProblem> {
    result.and_then(|parsed| match (parsed, encoder) {
        (None, _) => Ok(None),
        (Some(prepared), Ok(encoder)) => {
            encoder
                .encode(prepared)
                .map(Some)
                .map_err(|error| osv::RecordProblem {
                    id: None,
                    message: format!("compression failed: {error}"),
                })
        }
        (Some(prepared), Err(error)) => Err(osv::RecordProblem {
            id: Some(prepared.id().to_owned()),
            message: format!("compressor unavailable: {error}"),
        }),
    })
}

/// Trains the source's dictionaries on entries spread evenly over the input, so that
/// records of every kind and age are represented (a Debian export lists its CVE records
/// before its DSAs). Returns the codec and the sampled entries by index.
///
/// The samples are read on two threads, each with its own reader, because this step runs
/// before the workers start and its time adds to the import's wall time.
fn train_codec(
    count: usize,
    make_reader: &MakeReader,
) -> (SourceCodec, Vec<(usize, String, EntryResult)>) {
    if count < crate::db::packed::MIN_SAMPLES {
        return (SourceCodec::default(), Vec::new());
    }
    let step = (count / record::DICTIONARY_SAMPLES).max(1);
    let indices: Vec<usize> = (0..count).step_by(step).collect();
    let halves = indices.split_at(indices.len() / 2);

    let read_samples = |indices: &[usize]| -> Vec<(usize, String, EntryResult)> {
        let mut read = make_reader();
        // A damaged entry is left to the workers, which stop the source on it.
        indices
            .iter()
            .filter_map(|&index| {
                let (name, result) = read(index).ok()?;
                Some((index, name, result))
            })
            .collect()
    };
    let (mut samples, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| read_samples(halves.1));
        (read_samples(halves.0), second.join())
    });
    // A panicking reader thread only costs the samples it read; the workers read those
    // entries again.
    samples.extend(second.unwrap_or_default());
    let records: Vec<&PreparedRecord> = samples
        .iter()
        .filter_map(|(_, _, result)| result.as_ref().ok().and_then(Option::as_ref))
        .collect();
    (SourceCodec::train(&records), samples)
}

/// Returns up to [`record::DICTIONARY_SAMPLES`] records spread evenly over `records`.
fn sample<'r>(records: &[&'r PreparedRecord]) -> Vec<&'r PreparedRecord> {
    let step = (records.len() / record::DICTIONARY_SAMPLES).max(1);
    records.iter().step_by(step).copied().collect()
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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::progress::NoProgress;

    /// Name of a zip entry whose reading panics, to test how the import survives a bug.
    pub(super) const PANIC_ENTRY: &str = "ward-test-panic.json";

    /// Writes an OSV zip of 100 records with the panicking entry at `panic_at`.
    fn zip_with_panic(path: &Path, panic_at: usize) {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        for index in 0..100 {
            let name = if index == panic_at {
                PANIC_ENTRY.to_owned()
            } else {
                format!("GHSA-{index}.json")
            };
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            let record = format!(
                r#"{{"id": "GHSA-{index}", "modified": "2025-01-02T03:04:05Z",
                    "affected": [{{"package": {{"ecosystem": "npm", "name": "p{index}"}},
                    "ranges": [{{"type": "SEMVER", "events": [{{"introduced": "0"}}, {{"fixed": "1.0.{index}"}}]}}]}}]}}"#
            );
            zip.write_all(record.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }

    /// A panic while reading, on the preparing thread (first entry) or on a worker (last
    /// entry, read again after its sample thread died), fails the import cleanly.
    #[test]
    fn panic_while_reading_fails_import() {
        for panic_at in [0, 99] {
            let dir = tempfile::tempdir().unwrap();
            let zip_path = dir.path().join("all.zip");
            zip_with_panic(&zip_path, panic_at);
            let db_path = dir.path().join("intel.sqlite");

            let result =
                super::super::import(&db_path, &[ImportInput::new(&zip_path)], &NoProgress);

            let error = result.expect_err("a panic must fail the import");
            let message = error.to_string();
            assert!(
                message.contains("internal error"),
                "case {panic_at}: {message}"
            );
            assert!(message.contains("all.zip"), "case {panic_at}: {message}");
            assert!(!db_path.exists(), "case {panic_at}");
        }
    }

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
    fn json_tree_size_is_limited() {
        let path = Path::new("big.json");
        assert!(check_tree_size(path, 100, 100).is_ok());

        let error = check_tree_size(path, 101, 100).unwrap_err().to_string();

        assert!(error.contains("big.json"), "{error}");
        assert!(error.contains("101 bytes"), "{error}");
    }

    #[test]
    fn epss_date_from_file_name() {
        let date = date_from_file_name(Path::new("/x/epss_scores-2026-08-16.csv.gz")).unwrap();
        assert_eq!(date.to_rfc3339(), "2026-08-16T00:00:00+00:00");
        assert_eq!(date_from_file_name(Path::new("scores.csv")), None);
    }
}
