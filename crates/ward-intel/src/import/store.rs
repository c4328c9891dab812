//! Storing prepared files in the open transaction, on the thread that owns it.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::input::{origin, unsupported, OsvBatch, Prepared, Records};
use super::record::SourceWriter;
use super::write::{self, SourceMeta};
use super::{cve, db_error, ImportInput, ImportProblem, ImportReport};
use crate::feeds::epss::EpssFile;
use crate::feeds::kev::KevCatalog;
use crate::feeds::osv::RecordProblem;
use crate::progress::{Progress, ProgressUnit};
use crate::IntelError;

/// Writes one prepared file.
pub(super) fn store(
    tx: &Transaction,
    prepared: Prepared,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    match prepared {
        Prepared::Osv(batch) => store_osv(tx, batch, report, progress),
        Prepared::Cve(batch) => cve::store(tx, batch, report),
        Prepared::Kev {
            input,
            catalog,
            started,
        } => store_kev(tx, &input, catalog, report, started),
        Prepared::Epss {
            input,
            file,
            score_date,
            started,
        } => store_epss(tx, &input, file, score_date, report, started),
        Prepared::Unsupported {
            path,
            format,
            reason,
        } => {
            unsupported(report, &path, &format, reason);
            Ok(())
        }
    }
}

/// Writes OSV-shaped records as one source, replacing the stored source of its name.
fn store_osv(
    tx: &Transaction,
    batch: OsvBatch,
    report: &mut ImportReport,
    progress: &dyn Progress,
) -> Result<(), IntelError> {
    let OsvBatch {
        input,
        label,
        name,
        format,
        codec,
        count,
        records,
        keep_empty,
        started,
    } = batch;
    let path = &input.path;
    let source_id = write::begin_source(tx, "osv", &origin(&input)).map_err(db_error(path))?;
    let mut writer = SourceWriter::new(tx, source_id, &codec).map_err(db_error(path))?;

    let bar = progress.start(&label, Some(count as u64), ProgressUnit::Records);
    let mut stored = 0u64;
    let mut skipped = 0u64;
    let mut newest: Option<DateTime<Utc>> = None;
    let mut ecosystems: HashMap<String, u64> = HashMap::new();
    let (batches, failed): (Box<dyn Iterator<Item = Vec<super::input::Item>>>, _) = match records {
        Records::Streamed { receiver, failed } => (Box::new(receiver.into_iter()), Some(failed)),
        Records::Ready(items) => (Box::new(std::iter::once(items)), None),
    };
    for batch in batches {
        bar.advance(batch.len() as u64);
        for (file, result) in batch {
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
    }
    bar.finish();
    if let Some(reason) = failed.and_then(|failed| failed.reason()) {
        return Err(IntelError::InvalidFile {
            path: path.clone(),
            reason: format!("{reason}; nothing was imported"),
        });
    }
    writer.finish().map_err(db_error(path))?;
    if stored == 0 && (skipped > 0 || !keep_empty) {
        // An empty source would replace a stored one of the same name with nothing.
        tracing::debug!(file = %label, skipped, "no valid record; no source written");
        return write::discard_source(tx, source_id).map_err(db_error(path));
    }

    check_downloaded_ecosystem(&input, name.as_deref(), majority(&ecosystems))?;
    let name = name.unwrap_or_else(|| match majority(&ecosystems) {
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
        format,
        origin: origin(&input),
        snapshot_at: newest,
        feed_version: None,
        record_count: stored,
        skipped_count: skipped,
        ..download_meta(&input)
    };
    write::finish_source(tx, source_id, &meta).map_err(db_error(path))?;
    finish_report(report, meta, started);
    Ok(())
}

/// Fails when a download meant for `osv:<Ecosystem>` contains the records of another
/// ecosystem, as a misconfigured mirror may serve them. A name the user chose with
/// `--source` may differ from the content on purpose, so only downloads are checked.
fn check_downloaded_ecosystem(
    input: &ImportInput,
    name: Option<&str>,
    majority: Option<String>,
) -> Result<(), IntelError> {
    let (Some(download), Some(expected), Some(found)) = (
        &input.download,
        name.and_then(|name| name.strip_prefix("osv:")),
        majority,
    ) else {
        return Ok(());
    };
    if found == expected {
        return Ok(());
    }
    Err(IntelError::InvalidFile {
        path: input.path.clone(),
        reason: format!(
            "the download from `{}` contains {found} records, not {expected}; nothing was \
             imported",
            download.url
        ),
    })
}

fn store_kev(
    tx: &Transaction,
    input: &ImportInput,
    catalog: KevCatalog,
    report: &mut ImportReport,
    started: Instant,
) -> Result<(), IntelError> {
    let feed = TableFeed {
        format: "kev",
        snapshot_at: catalog.date_released,
        feed_version: catalog.catalog_version.clone(),
        valid: catalog.entries.len(),
        skipped: catalog.problems.len() as u64,
    };
    let stored = |tx: &Transaction| write::replace_kev(tx, &catalog);
    store_table_feed(tx, input, feed, stored, report, started)?;
    add_problems(report, input, catalog.problems);
    Ok(())
}

fn store_epss(
    tx: &Transaction,
    input: &ImportInput,
    file: EpssFile,
    score_date: Option<DateTime<Utc>>,
    report: &mut ImportReport,
    started: Instant,
) -> Result<(), IntelError> {
    let feed = TableFeed {
        format: "epss",
        snapshot_at: score_date,
        feed_version: file.model_version.clone(),
        valid: file.scores.len(),
        skipped: file.problem_count as u64,
    };
    let stored = |tx: &Transaction| write::replace_epss(tx, &file);
    store_table_feed(tx, input, feed, stored, report, started)?;
    add_problems(report, input, file.problems);
    Ok(())
}

/// Facts of a feed that fills one table of its own (KEV, EPSS).
struct TableFeed {
    /// Format, which is also the source name.
    format: &'static str,
    snapshot_at: Option<DateTime<Utc>>,
    feed_version: Option<String>,
    /// Number of entries that parsed.
    valid: usize,
    skipped: u64,
}

/// Replaces a feed's table with `replace`, which returns the rows stored, and records the
/// feed's source row.
fn store_table_feed(
    tx: &Transaction,
    input: &ImportInput,
    feed: TableFeed,
    replace: impl FnOnce(&Transaction) -> rusqlite::Result<u64>,
    report: &mut ImportReport,
    started: Instant,
) -> Result<(), IntelError> {
    let path = &input.path;
    if feed.valid == 0 && feed.skipped > 0 {
        // A file of invalid entries only would empty the stored table, so it is left out,
        // as OSV files are.
        tracing::debug!(file = %path.display(), skipped = feed.skipped, "no valid entry; no source written");
        return Ok(());
    }
    let source_id = write::begin_source(tx, feed.format, &origin(input)).map_err(db_error(path))?;
    let stored = replace(tx).map_err(db_error(path))?;
    let meta = SourceMeta {
        name: feed.format.to_owned(),
        format: feed.format.to_owned(),
        origin: origin(input),
        snapshot_at: feed.snapshot_at,
        feed_version: feed.feed_version,
        record_count: stored,
        skipped_count: feed.skipped,
        ..download_meta(input)
    };
    write::finish_source(tx, source_id, &meta).map_err(db_error(path))?;
    finish_report(report, meta, started);
    Ok(())
}

/// Adds the problems of a file's invalid rows to the report.
fn add_problems(report: &mut ImportReport, input: &ImportInput, problems: Vec<RecordProblem>) {
    let file = input.path.display().to_string();
    report
        .problems
        .extend(problems.into_iter().map(|problem| ImportProblem {
            file: file.clone(),
            id: problem.id,
            message: problem.message,
        }));
}

/// Returns the ecosystem most records name, ties broken by name so the result is stable.
fn majority(counts: &HashMap<String, u64>) -> Option<String> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(name, _)| name.clone())
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
    fn majority_breaks_ties_by_name() {
        let counts = HashMap::from([
            ("npm".to_owned(), 3),
            ("PyPI".to_owned(), 3),
            ("Go".to_owned(), 1),
        ]);
        assert_eq!(majority(&counts).as_deref(), Some("PyPI"));
    }
}
