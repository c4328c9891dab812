//! Storing the per-CVE feeds: NVD CVE API 2.0 pages and feeds, CVE JSON 5.x records, and
//! Anchore's NVD overrides.
//!
//! NVD and CVE 5 data arrives in pieces (yearly files, `modified` files, API pages, single
//! records), so their sources (`nvd`, `cve5`) are merged, not replaced. A record replaces
//! the stored record of the same CVE only when its modification time is not older. An
//! Anchore archive is the whole override set, so the `anchore` source is replaced.

use std::collections::{BTreeSet, HashMap};
use std::io::Cursor;
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use super::pipeline::Turn;
use super::{db_error, ImportInput, ImportProblem, ImportReport, ImportedSource};
use crate::db::packed::{self, DictionaryKind, Packer};
use crate::feeds::anchore::{self, AnchoreOverride};
use crate::feeds::archive::ArchiveError;
use crate::feeds::cve5::{self, Container, Cve5Record, CveState};
use crate::feeds::nvd::{self, NvdCve, SourceType};
use crate::feeds::RecordError;
use crate::IntelError;

/// Source name of NVD data.
pub const NVD_SOURCE: &str = "nvd";
/// Source name of CVE JSON 5 records.
pub const CVE5_SOURCE: &str = "cve5";
/// Source name of Anchore's overrides.
pub const ANCHORE_SOURCE: &str = "anchore";

/// NVD's own address in `metrics[].source`.
const NVD_PROVIDER: &str = "nvd@nist.gov";

/// One CVE of any of the three feeds, ready to insert.
#[derive(Debug, Default)]
pub(crate) struct CveRow {
    pub cve_id: String,
    pub format: &'static str,
    pub state: Option<String>,
    pub rejected: bool,
    pub assigner: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub modified: Option<DateTime<Utc>>,
    pub description: Option<String>,
    pub weaknesses: Vec<serde_json::Value>,
    pub references: Vec<serde_json::Value>,
    pub cpes: Vec<String>,
    pub configurations: Option<String>,
    pub kev_date_added: Option<String>,
    pub note: Option<String>,
    pub metrics: Vec<MetricRow>,
    pub ssvc: Vec<SsvcRow>,
}

/// One CVSS vector with its provenance.
#[derive(Debug)]
pub(crate) struct MetricRow {
    pub version: String,
    pub vector: String,
    pub provider: String,
    pub role: &'static str,
    pub stated_score: Option<f64>,
    pub stated_rating: Option<String>,
}

/// One set of SSVC decision points.
#[derive(Debug)]
pub(crate) struct SsvcRow {
    pub provider: String,
    pub exploitation: Option<String>,
    pub automatable: Option<String>,
    pub technical_impact: Option<String>,
    pub timestamp: Option<DateTime<Utc>>,
}

/// Returns `primary` for NVD's own entries, `cna` for the CNA's (whose address is the
/// record's `sourceIdentifier`) and `adp` for anyone else's.
fn nvd_role(source: &str, source_type: Option<SourceType>, cna: Option<&str>) -> &'static str {
    match source_type {
        Some(SourceType::Primary) => "primary",
        _ if source == NVD_PROVIDER => "primary",
        _ if Some(source) == cna => "cna",
        _ => "adp",
    }
}

impl CveRow {
    /// Converts an NVD record.
    pub fn from_nvd(cve: NvdCve) -> CveRow {
        let cna = cve.source_identifier.as_deref();
        let metrics = cve
            .metrics
            .iter()
            .map(|metric| MetricRow {
                version: metric.version.as_str().to_owned(),
                vector: metric.vector.clone(),
                provider: metric.source.clone(),
                role: nvd_role(&metric.source, metric.source_type, cna),
                stated_score: metric.stated_base_score,
                stated_rating: metric.stated_severity.clone(),
            })
            .collect();
        let weaknesses =
            cve.weaknesses
                .iter()
                .flat_map(|weakness| {
                    let role = nvd_role(&weakness.source, weakness.source_type, cna);
                    weakness.cwe_ids.iter().map(
                        move |cwe| json!({"cwe": cwe, "provider": weakness.source, "role": role}),
                    )
                })
                .collect();
        let references = cve
            .references
            .iter()
            .map(|reference| json!({"url": reference.url, "provider": reference.source, "tags": reference.tags}))
            .collect();
        let configurations = (!cve.configurations.is_empty())
            .then(|| serde_json::to_string(&cve.configurations).ok())
            .flatten();

        CveRow {
            rejected: cve.is_rejected(),
            state: Some(cve.status.as_str().to_owned()),
            cve_id: cve.id,
            format: NVD_SOURCE,
            assigner: cve.source_identifier,
            published: cve.published,
            modified: cve.last_modified,
            description: cve.description,
            weaknesses,
            references,
            configurations,
            metrics,
            ..CveRow::default()
        }
    }

    /// Converts a CVE JSON 5 record: the CNA container's metrics as `cna`, every ADP
    /// container's as `adp`.
    pub fn from_cve5(record: Cve5Record) -> CveRow {
        let state = match &record.state {
            CveState::Published => "PUBLISHED".to_owned(),
            CveState::Rejected => "REJECTED".to_owned(),
            CveState::Other(text) => text.clone(),
        };
        let cna_name = record
            .cna
            .provider
            .clone()
            .or_else(|| record.assigner.clone())
            .unwrap_or_else(|| "cna".to_owned());
        let containers: Vec<(&Container, String, &'static str)> =
            std::iter::once((&record.cna, cna_name, "cna"))
                .chain(record.adp.iter().map(|container| {
                    let name = container
                        .provider
                        .clone()
                        .unwrap_or_else(|| "adp".to_owned());
                    (container, name, "adp")
                }))
                .collect();

        let mut row = CveRow {
            cve_id: record.id.clone(),
            format: CVE5_SOURCE,
            rejected: record.is_rejected(),
            state: Some(state),
            assigner: record.assigner.clone(),
            published: record.published,
            modified: record.updated,
            description: record.cna.description.clone(),
            ..CveRow::default()
        };
        let mut cpes = BTreeSet::new();
        let mut urls = BTreeSet::new();
        for (container, provider, role) in containers {
            for metric in &container.metrics {
                row.metrics.push(MetricRow {
                    version: metric.version.as_str().to_owned(),
                    vector: metric.vector.clone(),
                    provider: provider.clone(),
                    role,
                    stated_score: metric.stated_base_score,
                    stated_rating: None,
                });
            }
            for cwe in &container.cwe_ids {
                row.weaknesses
                    .push(json!({"cwe": cwe, "provider": provider, "role": role}));
            }
            if let Some(ssvc) = &container.ssvc {
                row.ssvc.push(SsvcRow {
                    provider: provider.clone(),
                    exploitation: ssvc.exploitation.clone(),
                    automatable: ssvc.automatable.clone(),
                    technical_impact: ssvc.technical_impact.clone(),
                    timestamp: ssvc.timestamp,
                });
            }
            if let Some(kev) = &container.kev {
                row.kev_date_added = kev.date_added.clone().or(Some(String::new()));
            }
            for product in &container.affected {
                cpes.extend(product.cpes.iter().cloned());
            }
            for url in &container.references {
                if urls.insert(url.clone()) {
                    row.references
                        .push(json!({"url": url, "provider": provider, "tags": []}));
                }
            }
        }
        row.cpes = cpes.into_iter().collect();
        row
    }

    /// Converts an Anchore override; its configurations are marked as Anchore's by the
    /// record's format.
    pub fn from_anchore(record: AnchoreOverride) -> CveRow {
        let configurations = (!record.configurations.is_empty())
            .then(|| serde_json::to_string(&record.configurations).ok())
            .flatten();
        CveRow {
            cve_id: record.cve_id,
            format: ANCHORE_SOURCE,
            assigner: record.cna,
            published: record.published,
            modified: record.modified,
            description: record.description,
            references: record
                .references
                .iter()
                .map(|url| json!({"url": url, "provider": "anchore", "tags": []}))
                .collect(),
            configurations,
            note: record.reason,
            ..CveRow::default()
        }
    }
}

/// Rows of a file that a `CveBody` dictionary is trained on when its source has none.
const TRAINING_ROWS: usize = 2000;

/// A row whose cold fields are already serialized (and compressed) into `body`.
pub(crate) struct ReadyRow {
    /// The row, with its cold fields emptied.
    row: CveRow,
    /// `cve_record.body`: a zstd frame, or plain JSON text when the source has no dictionary.
    body: rusqlite::types::Value,
}

/// The records of one NVD, CVE 5 or Anchore file, prepared off the writer's thread.
pub(crate) struct CveBatch {
    input: ImportInput,
    name: String,
    format: &'static str,
    /// Whether the file replaces the source's previous records (Anchore).
    replace: bool,
    rows: Vec<ReadyRow>,
    problems: Vec<RecordError>,
    /// Time the file states for itself (an NVD page's `timestamp`).
    snapshot: Option<DateTime<Utc>>,
    /// Dictionary trained on this file, which the writer stores for the source.
    dictionary: Option<Vec<u8>>,
    started: Instant,
}

/// The `CveBody` dictionary of each per-CVE source, as the writer will hold it when it
/// stores the file being prepared.
///
/// Files are prepared in the order the writer stores them, so a dictionary trained on one
/// NVD file compresses the next one, as it would if one thread did both.
#[derive(Debug, Default)]
pub(crate) struct CveDictionaries(HashMap<String, Vec<u8>>);

impl CveDictionaries {
    /// Reads the stored dictionaries, by source name.
    pub fn load(tx: &Transaction) -> rusqlite::Result<CveDictionaries> {
        let mut statement = tx.prepare(
            "SELECT s.name, d.bytes FROM dictionary d JOIN source s ON s.id = d.source_id
             WHERE d.kind = ?1",
        )?;
        let rows = statement.query_map([DictionaryKind::CveBody as i64], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
        Ok(CveDictionaries(rows.collect::<rusqlite::Result<_>>()?))
    }
}

impl CveBatch {
    /// Serializes and compresses the cold fields of `rows`, training the source's
    /// dictionary on the first [`TRAINING_ROWS`] when it has none.
    #[allow(clippy::too_many_arguments)]
    fn new(
        input: &ImportInput,
        name: &str,
        format: &'static str,
        replace: bool,
        rows: Vec<CveRow>,
        problems: Vec<RecordError>,
        turn: &mut Turn<'_>,
        started: Instant,
    ) -> Result<CveBatch, IntelError> {
        super::input::check_source_name(input, format)?;
        let samples: Vec<Vec<u8>> = rows.iter().take(TRAINING_ROWS).map(body_json).collect();
        let decide = |dictionaries: &mut CveDictionaries| {
            let stored = if replace {
                None
            } else {
                dictionaries.0.get(name).cloned()
            };
            match stored {
                Some(stored) => (None, Some(stored)),
                None => {
                    let trained = packed::train(&samples);
                    match &trained {
                        Some(trained) => dictionaries.0.insert(name.to_owned(), trained.clone()),
                        None => dictionaries.0.remove(name),
                    };
                    (trained.clone(), trained)
                }
            }
        };
        // `None`: the import already failed elsewhere, and this batch is never stored.
        let Some((dictionary, used)) = turn.with_dictionaries(decide) else {
            return Err(invalid(&input.path, "import stopped"));
        };
        drop(samples);
        let bodies = pack_bodies(&rows, used.as_deref()).map_err(|source| IntelError::Read {
            path: input.path.clone(),
            source,
        })?;

        let mut ready = Vec::with_capacity(rows.len());
        for (mut row, body) in rows.into_iter().zip(bodies) {
            row.description = None;
            row.weaknesses = Vec::new();
            row.references = Vec::new();
            row.cpes = Vec::new();
            row.configurations = None;
            row.note = None;
            ready.push(ReadyRow { row, body });
        }
        Ok(CveBatch {
            input: input.clone(),
            name: name.to_owned(),
            format,
            replace,
            rows: ready,
            problems,
            snapshot: None,
            dictionary,
            started,
        })
    }
}

/// Serializes the cold fields of `rows` and compresses them with `dictionary`, or keeps
/// them as JSON text without one; two threads share the rows.
fn pack_bodies(
    rows: &[CveRow],
    dictionary: Option<&[u8]>,
) -> std::io::Result<Vec<rusqlite::types::Value>> {
    let pack = |rows: &[CveRow]| -> std::io::Result<Vec<rusqlite::types::Value>> {
        let mut packer = dictionary
            .map(|dictionary| Packer::new(Some(dictionary)))
            .transpose()?;
        rows.iter()
            .map(|row| {
                let json = body_json(row);
                Ok(match &mut packer {
                    Some(packer) => rusqlite::types::Value::Blob(packer.pack(&json)?),
                    None => {
                        rusqlite::types::Value::Text(String::from_utf8_lossy(&json).into_owned())
                    }
                })
            })
            .collect()
    };
    let (first, second) = rows.split_at(rows.len() / 2);
    std::thread::scope(|scope| {
        let second = scope.spawn(|| pack(second));
        let mut bodies = pack(first)?;
        let rest = second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        bodies.extend(rest);
        Ok(bodies)
    })
}

/// Stores a prepared file's records in the open transaction.
pub(crate) fn store(
    tx: &Transaction,
    batch: CveBatch,
    report: &mut ImportReport,
) -> Result<(), IntelError> {
    let path = &batch.input.path;
    let mut writer = CveSourceWriter::open(
        tx,
        &batch.name,
        batch.format,
        &super::input::origin(&batch.input),
        batch.replace,
        batch.started,
    )
    .map_err(db_error(path))?;
    if let Some(dictionary) = &batch.dictionary {
        writer
            .store_dictionary(dictionary)
            .map_err(db_error(path))?;
    }
    for row in &batch.rows {
        writer.upsert(row).map_err(db_error(path))?;
    }
    for error in batch.problems {
        writer.skip();
        problem(report, path, error);
    }
    if let Some(snapshot) = batch.snapshot {
        writer.advance_snapshot(snapshot);
    }
    writer.finish(&batch.input, report).map_err(db_error(path))
}

/// A source of per-CVE records being written in the open transaction.
struct CveSourceWriter<'a> {
    tx: &'a Transaction<'a>,
    source_id: i64,
    name: String,
    format: &'static str,
    stored: u64,
    skipped: u64,
    newest: Option<DateTime<Utc>>,
    started: Instant,
}

impl<'a> CveSourceWriter<'a> {
    /// Opens the source `name`, creating its row when missing. With `replace`, the
    /// source's previous records and dictionary are deleted first.
    fn open(
        tx: &'a Transaction<'a>,
        name: &str,
        format: &'static str,
        origin: &str,
        replace: bool,
        started: Instant,
    ) -> rusqlite::Result<Self> {
        let existing: Option<i64> = tx
            .query_row("SELECT id FROM source WHERE name = ?1", [name], |row| {
                row.get(0)
            })
            .optional()?;
        let source_id = match existing {
            Some(id) => id,
            None => {
                tx.execute(
                    "INSERT INTO source (name, format, origin, imported_at, record_count, skipped_count)
                     VALUES (?1, ?2, ?3, ?4, 0, 0)",
                    params![name, format, origin, Utc::now()],
                )?;
                tx.last_insert_rowid()
            }
        };
        if replace {
            for table in ["cve_metric", "cve_ssvc"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE record IN (SELECT pk FROM cve_record WHERE source_id = ?1)"),
                    [source_id],
                )?;
            }
            tx.execute("DELETE FROM cve_record WHERE source_id = ?1", [source_id])?;
            tx.execute(
                "DELETE FROM dictionary WHERE source_id = ?1 AND kind = ?2",
                params![source_id, DictionaryKind::CveBody as i64],
            )?;
        }
        Ok(CveSourceWriter {
            tx,
            source_id,
            name: name.to_owned(),
            format,
            stored: 0,
            skipped: 0,
            newest: None,
            started,
        })
    }

    /// Stores the dictionary the file's bodies were compressed with.
    fn store_dictionary(&self, dictionary: &[u8]) -> rusqlite::Result<()> {
        self.tx.execute(
            "INSERT INTO dictionary (source_id, kind, bytes) VALUES (?1, ?2, ?3)",
            params![self.source_id, DictionaryKind::CveBody as i64, dictionary],
        )?;
        Ok(())
    }

    /// Stores `ready` unless the source contains a newer record of the same CVE, and
    /// returns whether it was stored.
    fn upsert(&mut self, ready: &ReadyRow) -> rusqlite::Result<bool> {
        let tx = self.tx;
        let row = &ready.row;
        let existing: Option<(i64, Option<DateTime<Utc>>)> = tx
            .prepare_cached(
                "SELECT pk, modified FROM cve_record WHERE cve_id = ?1 AND source_id = ?2",
            )?
            .query_row(params![row.cve_id, self.source_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((pk, modified)) = existing {
            if let (Some(stored), Some(new)) = (modified, row.modified) {
                if stored > new {
                    return Ok(false);
                }
            }
            tx.prepare_cached("DELETE FROM cve_metric WHERE record = ?1")?
                .execute([pk])?;
            tx.prepare_cached("DELETE FROM cve_ssvc WHERE record = ?1")?
                .execute([pk])?;
            tx.prepare_cached("DELETE FROM cve_record WHERE pk = ?1")?
                .execute([pk])?;
        }

        tx.prepare_cached(
            "INSERT INTO cve_record (cve_id, source_id, format, state, rejected, assigner, published,
                 modified, kev_date_added, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            row.cve_id,
            self.source_id,
            row.format,
            row.state,
            row.rejected,
            row.assigner,
            row.published,
            row.modified,
            row.kev_date_added,
            ready.body,
        ])?;
        let pk = tx.last_insert_rowid();

        let mut metric = tx.prepare_cached(
            "INSERT INTO cve_metric (record, version, vector, provider, role, stated_score, stated_rating)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for item in &row.metrics {
            metric.execute(params![
                pk,
                item.version,
                item.vector,
                item.provider,
                item.role,
                item.stated_score,
                item.stated_rating
            ])?;
        }
        let mut ssvc = tx.prepare_cached(
            "INSERT INTO cve_ssvc (record, provider, exploitation, automatable, technical_impact, timestamp)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for item in &row.ssvc {
            ssvc.execute(params![
                pk,
                item.provider,
                item.exploitation,
                item.automatable,
                item.technical_impact,
                item.timestamp
            ])?;
        }

        self.stored += 1;
        if let Some(modified) = row.modified {
            self.newest = self.newest.max(Some(modified));
        }
        Ok(true)
    }

    /// Counts a record skipped as invalid.
    fn skip(&mut self) {
        self.skipped += 1;
    }

    /// Moves the source's snapshot time forward to `time` (never back).
    fn advance_snapshot(&mut self, time: DateTime<Utc>) {
        self.newest = self.newest.max(Some(time));
    }

    /// Writes the source row's counts, snapshot, origin and download facts, and adds the
    /// source to the report (merged with an earlier entry of the same name).
    fn finish(self, input: &ImportInput, report: &mut ImportReport) -> rusqlite::Result<()> {
        let tx = self.tx;
        let (count, previous_snapshot): (u64, Option<DateTime<Utc>>) = tx.query_row(
            "SELECT (SELECT count(*) FROM cve_record WHERE source_id = ?1),
                    (SELECT snapshot_at FROM source WHERE id = ?1)",
            [self.source_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let snapshot = previous_snapshot.max(self.newest);
        let (origin, etag, last_modified) = match &input.download {
            Some(download) => (
                download.url.clone(),
                download.etag.clone(),
                download.last_modified.clone(),
            ),
            None => (super::input::origin(input), None, None),
        };
        tx.execute(
            "UPDATE source SET format = ?2, origin = ?3, snapshot_at = ?4, imported_at = ?5,
                 record_count = ?6, skipped_count = ?7, etag = ?8, last_modified = ?9
             WHERE id = ?1",
            params![
                self.source_id,
                self.format,
                origin,
                snapshot,
                Utc::now(),
                count,
                self.skipped,
                etag,
                last_modified,
            ],
        )?;

        let elapsed = self.started.elapsed();
        tracing::info!(source = %self.name, stored = self.stored, records = count, skipped = self.skipped,
            elapsed_secs = elapsed.as_secs_f64(), "source imported");
        match report
            .sources
            .iter_mut()
            .find(|source| source.name == self.name)
        {
            Some(entry) => {
                entry.records = count;
                entry.skipped += self.skipped;
                entry.elapsed += elapsed;
            }
            None => report.sources.push(ImportedSource {
                name: self.name,
                format: self.format.to_owned(),
                records: count,
                skipped: self.skipped,
                elapsed,
            }),
        }
        Ok(())
    }
}

/// Serializes the cold fields of `row` as the JSON object of `cve_record.body`.
fn body_json(row: &CveRow) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Body<'r> {
        description: &'r Option<String>,
        weaknesses: &'r [serde_json::Value],
        refs: &'r [serde_json::Value],
        cpes: &'r [String],
        note: &'r Option<String>,
    }

    let body = Body {
        description: &row.description,
        weaknesses: &row.weaknesses,
        refs: &row.references,
        cpes: &row.cpes,
        note: &row.note,
    };
    let mut json = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    // `configurations` is JSON text this crate serialized, so it is spliced in as it is
    // instead of being parsed again.
    if let Some(configurations) = &row.configurations {
        json.pop();
        json.extend_from_slice(b",\"configurations\":");
        json.extend_from_slice(configurations.as_bytes());
        json.push(b'}');
    }
    json
}

fn invalid(path: &Path, reason: impl Into<String>) -> IntelError {
    IntelError::InvalidFile {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn problem(report: &mut ImportReport, path: &Path, error: RecordError) {
    report.problems.push(ImportProblem {
        file: format!("{}!{}", path.display(), error.location),
        id: error.id,
        message: error.message,
    });
}

/// Reads an NVD CVE API 2.0 page or feed file for the `nvd` source.
///
/// The source's snapshot becomes the newest of the page's `timestamp` and its records'
/// `lastModified`.
pub(crate) fn prepare_nvd(
    input: &ImportInput,
    bytes: &[u8],
    turn: &mut Turn<'_>,
) -> Result<CveBatch, IntelError> {
    let started = Instant::now();
    let path = &input.path;
    let name = input.source_name.as_deref().unwrap_or(NVD_SOURCE);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let header = nvd::parse_feed(bytes, |result| match result {
        Ok(cve) => rows.push(CveRow::from_nvd(cve)),
        Err(error) => problems.push(error),
    })
    .map_err(|error| invalid(path, format!("{error}: {}", source_text(&error))))?;

    let mut batch = CveBatch::new(
        input, name, NVD_SOURCE, false, rows, problems, turn, started,
    )?;
    batch.snapshot = nvd::parse_time(header.timestamp.as_deref(), "timestamp")
        .ok()
        .flatten();
    Ok(batch)
}

fn source_text(error: &dyn std::error::Error) -> String {
    error.source().map(ToString::to_string).unwrap_or_default()
}

/// Reads one CVE JSON 5 record file for the `cve5` source.
pub(crate) fn prepare_cve5_record(
    input: &ImportInput,
    bytes: &[u8],
    turn: &mut Turn<'_>,
) -> Result<CveBatch, IntelError> {
    let started = Instant::now();
    let name = input.source_name.as_deref().unwrap_or(CVE5_SOURCE);
    let (rows, problems) = match cve5::parse_record(bytes, "record") {
        Ok(record) => (vec![CveRow::from_cve5(record)], Vec::new()),
        Err(error) => (Vec::new(), vec![error]),
    };
    CveBatch::new(
        input,
        name,
        CVE5_SOURCE,
        false,
        rows,
        problems,
        turn,
        started,
    )
}

/// Reads a zip of CVE JSON 5 records (a cvelistV5 or vulnrichment snapshot) for the
/// `cve5` source.
pub(crate) fn prepare_cve5_zip(
    input: &ImportInput,
    bytes: &[u8],
    turn: &mut Turn<'_>,
) -> Result<CveBatch, IntelError> {
    let name = input.source_name.as_deref().unwrap_or(CVE5_SOURCE);
    let parse = |on_record: &mut dyn FnMut(Result<Cve5Record, RecordError>)| {
        cve5::parse_zip(Cursor::new(bytes), on_record)
    };
    read_records(
        input,
        name,
        CVE5_SOURCE,
        false,
        parse,
        CveRow::from_cve5,
        turn,
    )
}

/// Returns whether a decompressed tar holds Anchore override files: its first `CVE-*.json`
/// entry has an `_annotation` object. The Ubuntu CVE tracker export also has `CVE-*.json`
/// entries, without it.
pub(crate) fn is_anchore_tar(tar: &[u8]) -> bool {
    use std::io::Read;

    let mut archive = tar::Archive::new(tar);
    let Ok(entries) = archive.entries() else {
        return false;
    };
    for mut entry in entries.flatten() {
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let file_name = name.rsplit('/').next().unwrap_or(&name);
        if !(file_name.starts_with("CVE-") && file_name.ends_with(".json")) {
            continue;
        }
        let mut start = Vec::new();
        let _ = (&mut entry).take(4096).read_to_end(&mut start);
        return start.windows(13).any(|window| window == b"\"_annotation\"");
    }
    false
}

/// Reads Anchore's overrides (the repository's tarball, decompressed) for the `anchore`
/// source, which they replace.
pub(crate) fn prepare_anchore(
    input: &ImportInput,
    tar: &[u8],
    turn: &mut Turn<'_>,
) -> Result<CveBatch, IntelError> {
    let name = input.source_name.as_deref().unwrap_or(ANCHORE_SOURCE);
    let parse = |on_record: &mut dyn FnMut(Result<AnchoreOverride, RecordError>)| {
        anchore::parse_tar(tar, on_record)
    };
    read_records(
        input,
        name,
        ANCHORE_SOURCE,
        true,
        parse,
        CveRow::from_anchore,
        turn,
    )
}

/// Collects the records that `parse` yields as rows, and the invalid ones as problems.
fn read_records<T>(
    input: &ImportInput,
    name: &str,
    format: &'static str,
    replace: bool,
    parse: impl FnOnce(&mut dyn FnMut(Result<T, RecordError>)) -> Result<(), ArchiveError>,
    to_row: fn(T) -> CveRow,
    turn: &mut Turn<'_>,
) -> Result<CveBatch, IntelError> {
    let started = Instant::now();
    let path = &input.path;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    parse(&mut |result| match result {
        Ok(record) => rows.push(to_row(record)),
        Err(error) => problems.push(error),
    })
    .map_err(|error| invalid(path, format!("{error}: {}", source_text(&error))))?;
    CveBatch::new(input, name, format, replace, rows, problems, turn, started)
}
