//! Writing source rows, KEV and EPSS into the working copy of the database; OSV records
//! are written by the `record` module.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

use crate::feeds::epss::EpssFile;
use crate::feeds::kev::KevCatalog;

/// Source metadata written once the source's data is in.
#[derive(Debug, Clone, Default)]
pub struct SourceMeta {
    /// Final source name.
    pub name: String,
    /// `osv`, `kev` or `epss`.
    pub format: String,
    /// Path or URL.
    pub origin: String,
    /// Time the data describes.
    pub snapshot_at: Option<DateTime<Utc>>,
    /// Feed version.
    pub feed_version: Option<String>,
    /// Records stored.
    pub record_count: u64,
    /// Records skipped as invalid.
    pub skipped_count: u64,
    /// HTTP validators of the download, if any.
    pub etag: Option<String>,
    /// HTTP validators of the download, if any.
    pub last_modified: Option<String>,
}

/// Inserts a placeholder source row that collects records until the real name is known.
pub fn begin_source(tx: &Transaction, format: &str, origin: &str) -> rusqlite::Result<i64> {
    let pending = format!("pending:{}:{origin}", std::process::id());
    tx.execute(
        "INSERT INTO source (name, format, origin, imported_at, record_count, skipped_count)
         VALUES (?1, ?2, ?3, ?4, 0, 0)",
        params![pending, format, origin, Utc::now()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Removes the previous source of that name with its rows, then gives the placeholder
/// row its name and metadata.
pub fn finish_source(tx: &Transaction, source_id: i64, meta: &SourceMeta) -> rusqlite::Result<()> {
    let previous: Option<i64> = tx
        .query_row(
            "SELECT id FROM source WHERE name = ?1",
            [&meta.name],
            |row| row.get(0),
        )
        .ok();
    if let Some(previous) = previous.filter(|&previous| previous != source_id) {
        super::record::delete_source_rows(tx, previous)?;
        tx.execute("DELETE FROM source WHERE id = ?1", [previous])?;
    }
    tx.execute(
        "UPDATE source SET name = ?2, format = ?3, origin = ?4, snapshot_at = ?5,
             feed_version = ?6, imported_at = ?7, record_count = ?8, skipped_count = ?9,
             etag = ?10, last_modified = ?11
         WHERE id = ?1",
        params![
            source_id,
            meta.name,
            meta.format,
            meta.origin,
            meta.snapshot_at,
            meta.feed_version,
            Utc::now(),
            meta.record_count,
            meta.skipped_count,
            meta.etag,
            meta.last_modified,
        ],
    )?;
    Ok(())
}

/// Deletes a placeholder source row from [`begin_source`] with any rows written under
/// it, for an input that stored no record.
pub fn discard_source(tx: &Transaction, source_id: i64) -> rusqlite::Result<()> {
    super::record::delete_source_rows(tx, source_id)?;
    tx.execute("DELETE FROM source WHERE id = ?1", [source_id])?;
    Ok(())
}

/// Replaces the KEV table with the catalog's entries.
pub fn replace_kev(tx: &Transaction, catalog: &KevCatalog) -> rusqlite::Result<u64> {
    tx.execute("DELETE FROM kev", [])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO kev (cve_id, vendor_project, product, vulnerability_name, date_added,
             short_description, required_action, due_date, known_ransomware_use, notes, cwes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut seen: HashMap<&str, ()> = HashMap::with_capacity(catalog.entries.len());
    for record in &catalog.entries {
        let entry = &record.entry;
        seen.insert(&entry.cve_id, ());
        let cwes = serde_json::to_string(&record.cwes).unwrap_or_else(|_| "[]".to_owned());
        insert.execute(params![
            entry.cve_id,
            entry.vendor_project,
            entry.product,
            entry.vulnerability_name,
            entry.date_added,
            record.short_description,
            entry.required_action,
            entry.due_date,
            // 1 `Known`, 0 `Unknown`, NULL when the entry does not state it.
            entry.known_ransomware_use.map(|used| used.is_known()),
            record.notes,
            cwes,
        ])?;
    }
    Ok(seen.len() as u64)
}

/// Replaces the EPSS table with the file's scores.
pub fn replace_epss(tx: &Transaction, file: &EpssFile) -> rusqlite::Result<u64> {
    tx.execute("DELETE FROM epss", [])?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO epss (cve_id, score, percentile) VALUES (?1, ?2, ?3)",
    )?;
    for (cve, score, percentile) in &file.scores {
        insert.execute(params![cve, score, percentile])?;
    }
    Ok(file.scores.len() as u64)
}
