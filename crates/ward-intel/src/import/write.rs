//! Writing parsed feeds into the working copy of the database.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

use crate::db::{implied_cve, StoredJson};
use crate::feeds::epss::EpssFile;
use crate::feeds::kev::KevCatalog;
use crate::feeds::osv::{ParsedAffected, ParsedRecord, RawSeverity};
use crate::Advisory;

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

/// An OSV record with its JSON parts compressed, ready to insert.
///
/// Workers build these in parallel so that the single writer only runs SQL.
pub struct EncodedRecord {
    record: ParsedRecord,
    body: StoredJson,
    entries: Vec<StoredJson>,
}

impl EncodedRecord {
    /// Compresses the record's body and entries.
    pub fn encode(mut record: ParsedRecord) -> EncodedRecord {
        let body = StoredJson::encode(std::mem::take(&mut record.body));
        let entries = record
            .affected
            .iter_mut()
            .map(|affected| StoredJson::encode(std::mem::take(&mut affected.entry)))
            .collect();
        EncodedRecord {
            record,
            body,
            entries,
        }
    }

    /// Converts an [`Advisory`] from a non-OSV feed (RustSec, PyPA, Alpine secdb) into the
    /// OSV layout the database stores, so every source is read back the same way.
    pub fn from_advisory(advisory: &Advisory) -> EncodedRecord {
        let severity: Vec<RawSeverity> = advisory
            .severity
            .iter()
            .map(|item| RawSeverity {
                kind: item.kind.clone(),
                score: item.score.clone(),
            })
            .collect();
        let mut body = serde_json::json!({
            "id": advisory.id,
            "aliases": advisory.aliases,
            "related": advisory.related,
            "severity": severity,
        });
        let times = [
            ("modified", advisory.modified),
            ("published", advisory.published),
            ("withdrawn", advisory.withdrawn),
        ];
        for (key, time) in times {
            if let Some(time) = time {
                body[key] = serde_json::Value::String(
                    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                );
            }
        }
        if let Some(summary) = &advisory.summary {
            body["summary"] = serde_json::Value::String(summary.clone());
        }

        let affected = advisory
            .affected
            .iter()
            .map(|entry| {
                let json = serde_json::json!({
                    "package": {"ecosystem": entry.ecosystem, "name": entry.package, "purl": entry.purl},
                    "ranges": entry.ranges,
                    "versions": entry.versions,
                    "ecosystem_specific": entry.ecosystem_specific,
                    "database_specific": entry.database_specific,
                });
                ParsedAffected {
                    ecosystem: entry.ecosystem.clone(),
                    package: entry.package.clone(),
                    severity: Vec::new(),
                    entry: json.to_string(),
                }
            })
            .collect();

        EncodedRecord::encode(ParsedRecord {
            id: advisory.id.clone(),
            modified: advisory.modified,
            published: advisory.published,
            withdrawn: advisory.withdrawn,
            summary: advisory.summary.clone(),
            aliases: advisory.aliases.clone(),
            related: advisory.related.clone(),
            upstream: Vec::new(),
            severity,
            affected,
            body: body.to_string(),
        })
    }

    /// Returns the record's `modified` time.
    pub fn modified(&self) -> Option<DateTime<Utc>> {
        self.record.modified
    }

    /// Returns the distinct ecosystem names (without release) of the record's packages.
    pub fn base_ecosystems(&self) -> Vec<&str> {
        let mut bases: Vec<&str> = self
            .record
            .affected
            .iter()
            .map(|affected| affected.ecosystem.split(':').next().unwrap_or_default())
            .filter(|base| !base.is_empty())
            .collect();
        bases.sort_unstable();
        bases.dedup();
        bases
    }
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
        delete_source_rows(tx, previous)?;
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

fn delete_source_rows(tx: &Transaction, source_id: i64) -> rusqlite::Result<()> {
    for table in ["affected", "alias", "severity"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE advisory IN (SELECT pk FROM advisory WHERE source_id = ?1)"),
            [source_id],
        )?;
    }
    tx.execute("DELETE FROM advisory WHERE source_id = ?1", [source_id])?;
    Ok(())
}

/// Inserts one OSV record and its affected, alias and severity rows.
pub fn insert_record(
    tx: &Transaction,
    source_id: i64,
    provenance: &str,
    encoded: &EncodedRecord,
) -> rusqlite::Result<()> {
    let record = &encoded.record;
    let to_json =
        |value: &[String]| serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned());
    let severity_json = serde_json::to_string(&record.severity).unwrap_or_else(|_| "[]".to_owned());

    tx.prepare_cached(
        "INSERT INTO advisory (id, source_id, modified, published, withdrawn, summary, aliases, related, severity, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        record.id,
        source_id,
        record.modified,
        record.published,
        record.withdrawn,
        record.summary,
        to_json(&record.aliases),
        to_json(&record.related),
        severity_json,
        encoded.body,
    ])?;
    let pk = tx.last_insert_rowid();

    // Two entries of one record may name the same package; `seq` keeps both apart.
    let mut affected = tx.prepare_cached("INSERT INTO affected (ecosystem, package, advisory, seq, entry) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (seq, (entry, stored)) in record.affected.iter().zip(&encoded.entries).enumerate() {
        // PyPI names are stored PEP 503-normalised, the form matchers look up.
        affected.execute(params![
            entry.ecosystem,
            crate::package_key(&entry.ecosystem, &entry.package),
            pk,
            seq as i64,
            stored
        ])?;
    }

    let mut alias =
        tx.prepare_cached("INSERT INTO alias (advisory, id, other, kind) VALUES (?1, ?2, ?3, ?4)")?;
    let edges = [
        ("alias", &record.aliases),
        ("related", &record.related),
        ("upstream", &record.upstream),
    ];
    for (kind, others) in edges {
        for other in others.iter().filter(|other| **other != record.id) {
            alias.execute(params![pk, record.id, other, kind])?;
        }
    }
    if let Some(cve) = implied_cve(&record.id) {
        alias.execute(params![pk, record.id, cve, "implied"])?;
    }

    let mut severity = tx.prepare_cached(
        "INSERT INTO severity (advisory, kind, score, provenance, ecosystem, package) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let insert_severity = |severity: &mut rusqlite::CachedStatement<'_>,
                           item: &RawSeverity,
                           package: Option<(&str, &str)>| {
        severity.execute(params![
            pk,
            item.kind,
            item.score,
            provenance,
            package.map(|(ecosystem, _)| ecosystem),
            package.map(|(_, name)| name),
        ])
    };
    for item in &record.severity {
        insert_severity(&mut severity, item, None)?;
    }
    for entry in &record.affected {
        for item in &entry.severity {
            insert_severity(
                &mut severity,
                item,
                Some((&entry.ecosystem, &entry.package)),
            )?;
        }
    }
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
            entry.known_ransomware_use,
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
