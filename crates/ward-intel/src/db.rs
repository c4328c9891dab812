//! The local intel database: a SQLite file, read through [`IntelDb`].
//!
//! The file is only ever replaced whole. Imports and updates build a new file next to it
//! and rename it over the old one (see [`crate::import`]). A reader therefore never sees a
//! half-written database, and an interrupted write leaves the previous one in place.

mod cve;
mod cve_schema;
mod schema;
mod stored;
mod vulnerability;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::feeds::osv;
use crate::{Advisory, EpssScore, Intel, IntelError, KevEntry, Severity};

pub use cve::{CpeConfigurations, CveMetric, CveRecord, MetricRole, SsvcDecision};
pub(crate) use schema::{migrate, version as schema_version, SCHEMA_VERSION};
pub(crate) use stored::StoredJson;
pub use vulnerability::{
    AffectedPackage, RecordEntry, ReferenceEntry, ScoredSeverity, SsvcEntry, Vulnerability,
    WeaknessEntry,
};

/// Maximum number of ids [`IntelDb::aliases`] follows, so that a badly linked feed cannot
/// make a look-up walk the whole graph.
const MAX_ALIAS_GROUP: usize = 512;

/// Metadata of one imported source, as `ward db status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    /// Source name (`osv:Debian`, `kev`, `epss`).
    pub name: String,
    /// Format of the imported file (`osv`, `kev`, `epss`).
    pub format: String,
    /// Path or URL the data came from.
    pub origin: String,
    /// Time the data describes: the newest record's `modified` for OSV, `dateReleased`
    /// for KEV, `score_date` for EPSS; `None` when the file does not state it.
    pub snapshot_at: Option<DateTime<Utc>>,
    /// Feed version (`catalogVersion` for KEV, `model_version` for EPSS).
    pub feed_version: Option<String>,
    /// When ward imported it.
    pub imported_at: DateTime<Utc>,
    /// Records stored.
    pub record_count: u64,
    /// Records reported as invalid and skipped.
    pub skipped_count: u64,
    /// `ETag` of the last download, for conditional requests.
    pub etag: Option<String>,
    /// `Last-Modified` of the last download, for conditional requests.
    pub last_modified: Option<String>,
}

/// The intel database, opened read-only.
///
/// Look-ups use cached prepared statements and read only the rows they need, so memory
/// stays flat whatever the database size.
pub struct IntelDb {
    path: PathBuf,
    conn: Connection,
    /// EPSS date and model version, read once from the `epss` source row.
    epss_meta: RefCell<Option<(Option<NaiveDate>, Option<String>)>>,
}

impl std::fmt::Debug for IntelDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntelDb")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl IntelDb {
    /// Returns the default database path: `$XDG_DATA_HOME/ward/intel.sqlite`, else
    /// `$HOME/.local/share/ward/intel.sqlite`.
    ///
    /// An empty or relative `XDG_DATA_HOME` is ignored, as the XDG Base Directory
    /// specification requires.
    pub fn default_path() -> Result<PathBuf, IntelError> {
        let xdg = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from);
        if let Some(dir) = xdg.filter(|dir| dir.is_absolute()) {
            return Ok(dir.join("ward").join("intel.sqlite"));
        }
        let home = std::env::var_os("HOME").filter(|home| !home.is_empty());
        match home {
            Some(home) => Ok(PathBuf::from(home).join(".local/share/ward/intel.sqlite")),
            None => Err(IntelError::NoDefaultPath),
        }
    }

    /// Opens an existing database for reading.
    ///
    /// A database of an older schema version is first migrated into a new file that
    /// replaces it atomically. Returns [`IntelError::DatabaseMissing`] when the file does
    /// not exist and [`IntelError::SchemaTooNew`] when a newer ward wrote it.
    pub fn open(path: &Path) -> Result<IntelDb, IntelError> {
        if !path.exists() {
            return Err(IntelError::DatabaseMissing {
                path: path.to_owned(),
            });
        }

        let conn = open_read_only(path)?;
        let version = schema_version(&conn).map_err(|e| IntelError::database(path, e))?;
        if version > SCHEMA_VERSION {
            return Err(IntelError::SchemaTooNew {
                path: path.to_owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let conn = if version < SCHEMA_VERSION {
            drop(conn);
            tracing::info!(path = %path.display(), from = version, to = SCHEMA_VERSION, "migrating intel database");
            crate::import::Build::start(path)?.finish()?;
            open_read_only(path)?
        } else {
            conn
        };

        Ok(IntelDb {
            path: path.to_owned(),
            conn,
            epss_meta: RefCell::new(None),
        })
    }

    /// Returns the database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lists every imported source, ordered by name.
    pub fn sources(&self) -> Result<Vec<SourceInfo>, IntelError> {
        read_sources(&self.conn).map_err(|e| IntelError::database(&self.path, e))
    }

    /// Returns every id linked to `id` through `aliases`, `upstream` and the implied
    /// `DEBIAN-CVE-…`/`UBUNTU-CVE-…` → `CVE-…` links, in both directions and transitively,
    /// including `id` itself, sorted.
    ///
    /// `related` links are not followed: a DSA that fixes three CVEs is related to each of
    /// them, not the same vulnerability. Use [`IntelDb::related`] for those.
    pub fn aliases(&self, id: &str) -> Result<Vec<String>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "WITH RECURSIVE grp(x) AS (
                     VALUES (?1)
                     UNION
                     SELECT other FROM alias JOIN grp ON alias.id = grp.x
                         WHERE alias.kind <> 'related'
                     UNION
                     SELECT alias.id FROM alias JOIN grp ON alias.other = grp.x
                         WHERE alias.kind <> 'related'
                     LIMIT ?2
                 )
                 SELECT x FROM grp ORDER BY x",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        let mut ids = statement
            .query_map(rusqlite::params![id, MAX_ALIAS_GROUP as i64], |row| {
                row.get::<_, String>(0)
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| IntelError::database(&self.path, e))?;
        let implied = implied_cve(id);
        if let Some(cve) = implied.filter(|cve| !ids.contains(cve)) {
            ids.push(cve);
            ids.sort();
        }
        Ok(ids)
    }

    /// Returns the ids that `related` links join to `id` in either direction (one step),
    /// sorted, without `id` itself.
    pub fn related(&self, id: &str) -> Result<Vec<String>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT other FROM alias WHERE id = ?1 AND kind = 'related'
                 UNION
                 SELECT id FROM alias WHERE other = ?1 AND kind = 'related'
                 ORDER BY 1",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_map([id], |row| row.get::<_, String>(0))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| IntelError::database(&self.path, e))
    }

    /// Returns every stored record with this id (one per source that has it), with all
    /// of its `affected[]` entries, withdrawn or not, and the full record JSON.
    pub fn records(&self, id: &str) -> Result<Vec<StoredRecord>, IntelError> {
        let db_error = |e| IntelError::database(&self.path, e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT a.pk, s.name, a.body FROM advisory a JOIN source s ON s.id = a.source_id
                 WHERE a.id = ?1 ORDER BY s.name",
            )
            .map_err(db_error)?;
        let heads = statement
            .query_map([id], |row| {
                let body = StoredJson::decode(row.get_ref(2)?)
                    .map_err(|message| decode_error(2, message))?;
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, body))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(db_error)?;

        let mut entries = self
            .conn
            .prepare_cached("SELECT entry FROM affected WHERE advisory = ?1 ORDER BY seq")
            .map_err(db_error)?;
        let mut records = Vec::with_capacity(heads.len());
        for (pk, source, body) in heads {
            let affected = entries
                .query_map([pk], |row| {
                    StoredJson::decode(row.get_ref(0)?).map_err(|message| decode_error(0, message))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(db_error)?;
            let mut record: serde_json::Value =
                serde_json::from_str(&body).map_err(|e| corrupt(&self.path, id, e))?;
            let affected = affected
                .iter()
                .map(|entry| serde_json::from_str::<serde_json::Value>(entry))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| corrupt(&self.path, id, e))?;
            if let Some(object) = record.as_object_mut() {
                object.insert("affected".to_owned(), serde_json::Value::Array(affected));
            }
            records.push(StoredRecord { source, record });
        }
        Ok(records)
    }

    /// Returns the KEV entry with the fields [`KevEntry`] leaves out, for display.
    pub fn kev_details(&self, cve_id: &str) -> Result<Option<serde_json::Value>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT short_description, notes, cwes FROM kev WHERE cve_id = ?1")
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_row([cve_id], |row| {
                let cwes: Option<String> = row.get(2)?;
                Ok(serde_json::json!({
                    "short_description": row.get::<_, Option<String>>(0)?,
                    "notes": row.get::<_, Option<String>>(1)?,
                    "cwes": cwes.and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok()),
                }))
            })
            .optional()
            .map_err(|e| IntelError::database(&self.path, e))
    }

    fn epss_meta(&self) -> Result<(Option<NaiveDate>, Option<String>), IntelError> {
        if let Some(meta) = self.epss_meta.borrow().as_ref() {
            return Ok(meta.clone());
        }
        let meta = self
            .conn
            .query_row(
                "SELECT snapshot_at, feed_version FROM source WHERE name = 'epss'",
                [],
                |row| {
                    Ok((
                        row.get::<_, Option<DateTime<Utc>>>(0)?,
                        row.get::<_, Option<String>>(1)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| IntelError::database(&self.path, e))?
            .map(|(date, model)| (date.map(|time| time.date_naive()), model))
            .unwrap_or((None, None));
        *self.epss_meta.borrow_mut() = Some(meta.clone());
        Ok(meta)
    }
}

/// One stored record, reassembled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredRecord {
    /// Source it was imported from.
    pub source: String,
    /// The record as imported, with `affected[]` back in place.
    pub record: serde_json::Value,
}

impl Intel for IntelDb {
    fn cve_severities(&self, cve_id: &str) -> Result<Vec<Severity>, IntelError> {
        IntelDb::cve_severities(self, cve_id)
    }

    fn advisories_for(&self, ecosystem: &str, package: &str) -> Result<Vec<Advisory>, IntelError> {
        let db_error = |e| IntelError::database(&self.path, e);
        // Sorted by id so that output does not depend on the order parallel imports wrote
        // records in; the grouping below needs each advisory's rows adjacent.
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT a.pk, a.id, s.name, a.summary, a.modified, a.published,
                        a.aliases, a.related, a.severity, af.entry
                 FROM affected af
                 JOIN advisory a ON a.pk = af.advisory
                 JOIN source s ON s.id = a.source_id
                 WHERE af.ecosystem = ?1 AND af.package = ?2 AND a.withdrawn IS NULL
                 ORDER BY a.id, af.advisory, af.seq",
            )
            .map_err(db_error)?;

        let mut advisories: Vec<Advisory> = Vec::new();
        let mut last_pk = None;
        let mut rows = statement.query([ecosystem, package]).map_err(db_error)?;
        while let Some(row) = rows.next().map_err(db_error)? {
            let pk: i64 = row.get(0).map_err(db_error)?;
            let id: String = row.get(1).map_err(db_error)?;
            let entry = StoredJson::decode(row.get_ref(9).map_err(db_error)?)
                .map_err(|m| corrupt(&self.path, &id, m))?;
            let affected = osv::affected_from_entry(ecosystem, package, &entry)
                .map_err(|m| corrupt(&self.path, &id, m))?;

            if last_pk == Some(pk) {
                if let Some(advisory) = advisories.last_mut() {
                    advisory.affected.push(affected);
                }
                continue;
            }
            last_pk = Some(pk);

            let source: String = row.get(2).map_err(db_error)?;
            let aliases: String = row.get(6).map_err(db_error)?;
            let related: String = row.get(7).map_err(db_error)?;
            let severity: String = row.get(8).map_err(db_error)?;
            advisories.push(Advisory {
                aliases: serde_json::from_str(&aliases).map_err(|e| corrupt(&self.path, &id, e))?,
                related: serde_json::from_str(&related).map_err(|e| corrupt(&self.path, &id, e))?,
                severity: osv::severities_from_json(&severity, &source)
                    .map_err(|m| corrupt(&self.path, &id, m))?,
                summary: row.get(3).map_err(db_error)?,
                modified: row.get(4).map_err(db_error)?,
                published: row.get(5).map_err(db_error)?,
                withdrawn: None,
                affected: vec![affected],
                source,
                id,
            });
        }

        Ok(dedupe_by_id(advisories))
    }

    fn kev(&self, cve_id: &str) -> Result<Option<KevEntry>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT cve_id, vendor_project, product, vulnerability_name, date_added,
                        due_date, required_action, known_ransomware_use
                 FROM kev WHERE cve_id = ?1",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_row([cve_id], |row| {
                Ok(KevEntry {
                    cve_id: row.get(0)?,
                    vendor_project: row.get(1)?,
                    product: row.get(2)?,
                    vulnerability_name: row.get(3)?,
                    date_added: row.get(4)?,
                    due_date: row.get(5)?,
                    required_action: row.get(6)?,
                    known_ransomware_use: row.get(7)?,
                })
            })
            .optional()
            .map_err(|e| IntelError::database(&self.path, e))
    }

    fn epss(&self, cve_id: &str) -> Result<Option<EpssScore>, IntelError> {
        let found = {
            let mut statement = self
                .conn
                .prepare_cached("SELECT score, percentile FROM epss WHERE cve_id = ?1")
                .map_err(|e| IntelError::database(&self.path, e))?;
            statement
                .query_row([cve_id], |row| {
                    Ok((row.get::<_, f64>(0)?, row.get::<_, f64>(1)?))
                })
                .optional()
                .map_err(|e| IntelError::database(&self.path, e))?
        };
        let Some((score, percentile)) = found else {
            return Ok(None);
        };
        let (date, model_version) = self.epss_meta()?;
        Ok(Some(EpssScore {
            cve_id: cve_id.to_owned(),
            score,
            percentile,
            date,
            model_version,
        }))
    }

    fn aliases(&self, id: &str) -> Result<Vec<String>, IntelError> {
        IntelDb::aliases(self, id)
    }

    fn has_ecosystem(&self, ecosystem: &str) -> Result<Option<bool>, IntelError> {
        // The `(ecosystem, package, …)` index answers this with one seek.
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM affected WHERE ecosystem = ?1)")
            .and_then(|mut statement| statement.query_row([ecosystem], |row| row.get(0)))
            .map(Some)
            .map_err(|e| IntelError::database(&self.path, e))
    }
}

/// Keeps one advisory per id when several sources carry the same record (a GHSA in both
/// the PyPI and the npm export): the one with the newest `modified`.
fn dedupe_by_id(advisories: Vec<Advisory>) -> Vec<Advisory> {
    let mut index_by_id: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<Advisory> = Vec::with_capacity(advisories.len());
    for advisory in advisories {
        match index_by_id.get(&advisory.id) {
            Some(&index) => {
                if advisory.modified > kept[index].modified {
                    kept[index] = advisory;
                }
            }
            None => {
                index_by_id.insert(advisory.id.clone(), kept.len());
                kept.push(advisory);
            }
        }
    }
    kept
}

/// Returns the CVE id that a distro's per-CVE id names (`DEBIAN-CVE-2024-1` →
/// `CVE-2024-1`), or `None` for any other id.
pub(crate) fn implied_cve(id: &str) -> Option<String> {
    ["DEBIAN-", "UBUNTU-"]
        .iter()
        .find_map(|prefix| id.strip_prefix(prefix))
        .filter(|rest| rest.starts_with("CVE-"))
        .map(str::to_owned)
}

fn open_read_only(path: &Path) -> Result<Connection, IntelError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        Connection::open_with_flags(path, flags).map_err(|e| IntelError::database(path, e))?;
    // Memory-mapped reads skip a read() call and a copy per page; a scan touches a few
    // thousand scattered pages. The mapping is address space, not resident memory.
    conn.execute_batch("PRAGMA mmap_size = 1073741824;")
        .map_err(|e| IntelError::database(path, e))?;
    Ok(conn)
}

pub(crate) fn read_sources(conn: &Connection) -> rusqlite::Result<Vec<SourceInfo>> {
    let mut statement = conn.prepare(
        "SELECT name, format, origin, snapshot_at, feed_version, imported_at, record_count,
                skipped_count, etag, last_modified
         FROM source ORDER BY name",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(SourceInfo {
            name: row.get(0)?,
            format: row.get(1)?,
            origin: row.get(2)?,
            snapshot_at: row.get(3)?,
            feed_version: row.get(4)?,
            imported_at: row.get(5)?,
            record_count: row.get(6)?,
            skipped_count: row.get(7)?,
            etag: row.get(8)?,
            last_modified: row.get(9)?,
        })
    })?;
    rows.collect()
}

fn decode_error(column: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Blob, message.into())
}

fn corrupt(path: &Path, id: &str, error: impl std::fmt::Display) -> IntelError {
    IntelError::Database {
        path: path.to_owned(),
        source: format!("stored record `{id}` is corrupt: {error}").into(),
    }
}
