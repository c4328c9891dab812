//! The local intel database: a SQLite file, read through [`IntelDb`].
//!
//! The file is only ever replaced whole. Imports and updates build a new file next to it
//! and rename it over the old one (see [`crate::import`]). A reader therefore never sees a
//! half-written database, and an interrupted write leaves the previous one in place.

mod cve;
mod cve_schema;
pub(crate) mod packed;
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
use crate::{Advisory, EpssScore, Intel, IntelError, KevEntry, RansomwareUse, Severity};

pub use cve::{CpeConfigurations, CveMetric, CveRecord, MetricRole, SsvcDecision};
#[cfg(test)]
pub(crate) use schema::migrate_to;
pub(crate) use schema::{
    is_foreign, migrate, version as schema_version, REBUILD_BELOW, SCHEMA_VERSION,
};
pub(crate) use stored::StoredJson;

use packed::{DictionaryKind, Unpackers};

/// `alias.kind` of an `aliases` edge.
pub(crate) const ALIAS_KIND_ALIAS: i64 = 0;
/// `alias.kind` of a `related` edge.
pub(crate) const ALIAS_KIND_RELATED: i64 = 1;
/// `alias.kind` of an `upstream` edge.
pub(crate) const ALIAS_KIND_UPSTREAM: i64 = 2;
/// `alias.kind` of a `DEBIAN-CVE-…`/`UBUNTU-CVE-…` id naming its CVE.
pub(crate) const ALIAS_KIND_IMPLIED: i64 = 3;
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
    /// Decompressors with each source's dictionaries, loaded on first use.
    unpackers: RefCell<Unpackers>,
    /// Buffer that stored values are decompressed into.
    buffer: RefCell<Vec<u8>>,
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
    /// not exist, [`IntelError::DatabaseEmpty`] when it is an empty file,
    /// [`IntelError::SchemaTooNew`] when a newer ward wrote it, and
    /// [`IntelError::RebuildRequired`] when it stores OSV records in a layout older than
    /// this build reads (an import or update rebuilds it).
    pub fn open(path: &Path) -> Result<IntelDb, IntelError> {
        match std::fs::metadata(path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(IntelError::DatabaseMissing {
                    path: path.to_owned(),
                })
            }
            Err(source) => {
                return Err(IntelError::Read {
                    path: path.to_owned(),
                    source,
                })
            }
            Ok(metadata) if metadata.is_dir() => {
                return Err(IntelError::DatabaseIsDirectory {
                    path: path.to_owned(),
                })
            }
            // SQLite reads an empty file as an empty database, which the migration below
            // would then write to. A reader must leave the file unchanged.
            Ok(metadata) if metadata.len() == 0 => {
                return Err(IntelError::DatabaseEmpty {
                    path: path.to_owned(),
                })
            }
            Ok(_) => {}
        }

        let conn = open_read_only(path)?;
        let version = schema_version(&conn).map_err(|e| IntelError::database(path, e))?;
        if is_foreign(&conn, version).map_err(|e| IntelError::database(path, e))? {
            return Err(IntelError::ForeignDatabase {
                path: path.to_owned(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(IntelError::SchemaTooNew {
                path: path.to_owned(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version > 0 && version < REBUILD_BELOW {
            return Err(IntelError::RebuildRequired {
                path: path.to_owned(),
                found: version,
                required: REBUILD_BELOW,
            });
        }
        let conn = if version < SCHEMA_VERSION {
            drop(conn);
            migrate_file(path)?;
            open_read_only(path)?
        } else {
            conn
        };

        Ok(IntelDb {
            path: path.to_owned(),
            conn,
            epss_meta: RefCell::new(None),
            unpackers: RefCell::new(Unpackers::default()),
            buffer: RefCell::new(Vec::new()),
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
                     VALUES (?1), (?4)
                     UNION
                     SELECT other FROM alias JOIN grp ON alias.id = grp.x
                         WHERE alias.kind <> ?3
                     UNION
                     SELECT alias.id FROM alias JOIN grp ON alias.other = grp.x
                         WHERE alias.kind <> ?3
                     LIMIT ?2
                 )
                 SELECT x FROM grp ORDER BY x",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        // The implied CVE seeds the walk too, so that its own aliases (`ALPINE-CVE-…`, a
        // GHSA) join the group of a `DEBIAN-CVE-…` id.
        let implied = implied_cve(id).unwrap_or_else(|| id.to_owned());
        statement
            .query_map(
                rusqlite::params![id, MAX_ALIAS_GROUP as i64, ALIAS_KIND_RELATED, implied],
                |row| row.get::<_, String>(0),
            )
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| IntelError::database(&self.path, e))
    }

    /// Returns the id of a stored record that equals `id` ignoring ASCII case
    /// (`ghsa-…` finds `GHSA-…`), or `None` when no record has such an id. When several
    /// records differ only in case, the first in binary order is returned.
    ///
    /// It reads the whole id index, so it is a fallback for a look-up that found nothing,
    /// not a replacement for the exact one.
    pub fn find_id_ignoring_case(&self, id: &str) -> Result<Option<String>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id FROM advisory WHERE id = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_row([id], |row| row.get(0))
            .optional()
            .map_err(|e| IntelError::database(&self.path, e))
    }

    /// Returns the ids that `related` links join to `id` in either direction (one step),
    /// sorted, without `id` itself.
    pub fn related(&self, id: &str) -> Result<Vec<String>, IntelError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT other FROM alias WHERE id = ?1 AND kind = ?2
                 UNION
                 SELECT id FROM alias WHERE other = ?1 AND kind = ?2
                 ORDER BY 1",
            )
            .map_err(|e| IntelError::database(&self.path, e))?;
        statement
            .query_map(rusqlite::params![id, ALIAS_KIND_RELATED], |row| {
                row.get::<_, String>(0)
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| IntelError::database(&self.path, e))
    }

    /// Returns every stored record with this id (one per source that has it), with all
    /// of its `affected[]` entries (each with its full `versions[]`), withdrawn or not,
    /// and the full record JSON.
    pub fn records(&self, id: &str) -> Result<Vec<StoredRecord>, IntelError> {
        let db_error = |e| IntelError::database(&self.path, e);
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT a.pk, a.source_id, s.name, b.body
                 FROM advisory a
                 JOIN source s ON s.id = a.source_id
                 JOIN advisory_body b ON b.pk = a.pk
                 WHERE a.id = ?1 ORDER BY s.name",
            )
            .map_err(db_error)?;
        let heads = statement
            .query_map([id], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Vec<u8>>(3)?,
                ))
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(db_error)?;

        let mut records = Vec::with_capacity(heads.len());
        for (pk, source_id, source, body) in heads {
            let mut record: serde_json::Value = self
                .unpack(source_id, DictionaryKind::Body, &body, |bytes| {
                    serde_json::from_slice(bytes).map_err(|e| e.to_string())
                })
                .map_err(|m| corrupt(&self.path, id, m))?;
            let stubs = match record.get_mut("affected").map(serde_json::Value::take) {
                Some(serde_json::Value::Array(stubs)) => stubs,
                _ => Vec::new(),
            };
            let mut moved_lists = HashMap::new();
            let mut affected = Vec::with_capacity(stubs.len());
            for (seq, stub) in stubs.into_iter().enumerate() {
                let entry = self
                    .stored_entry(pk, source_id, seq, stub, &mut moved_lists)
                    .map_err(|m| corrupt(&self.path, id, m))?;
                affected.push(entry);
            }
            if let Some(object) = record.as_object_mut() {
                object.insert("affected".to_owned(), serde_json::Value::Array(affected));
            }
            records.push(StoredRecord { source, record });
        }
        Ok(records)
    }

    /// Reassembles entry `seq` of record `pk` from its body stub (the `package` object),
    /// its `affected` row and, when moved, its `versions[]` list.
    ///
    /// `moved_lists` caches the decompressed `affected_versions` objects of the record's
    /// packages.
    fn stored_entry(
        &self,
        pk: i64,
        source_id: i64,
        seq: usize,
        stub: serde_json::Value,
        moved_lists: &mut HashMap<(String, String), Vec<u8>>,
    ) -> Result<serde_json::Value, String> {
        let package = stub.get("package");
        let name_of = |key: &str| {
            package
                .and_then(|package| package.get(key))
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let ecosystem = name_of("ecosystem");
        let key = crate::package_key(&ecosystem, &name_of("name")).into_owned();

        let row = self
            .conn
            .prepare_cached(
                "SELECT versions_in_ranges, entry FROM affected
                 WHERE ecosystem = ?1 AND package = ?2 AND advisory = ?3 AND seq = ?4",
            )
            .and_then(|mut statement| {
                statement
                    .query_row(rusqlite::params![ecosystem, key, pk, seq as i64], |row| {
                        Ok((row.get::<_, bool>(0)?, row.get::<_, Vec<u8>>(1)?))
                    })
                    .optional()
            })
            .map_err(|e| e.to_string())?;
        let Some((moved, frame)) = row else {
            return Err(format!("entry {seq} is missing"));
        };
        let mut entry: serde_json::Value =
            self.unpack(source_id, DictionaryKind::Entry, &frame, |bytes| {
                serde_json::from_slice(bytes).map_err(|e| e.to_string())
            })?;
        let Some(object) = entry.as_object_mut() else {
            return Ok(entry);
        };
        object.remove("package");
        if let Some(package) = stub.get("package") {
            object.insert("package".to_owned(), package.clone());
        }

        if moved {
            let cache_key = (ecosystem.clone(), key.clone());
            if !moved_lists.contains_key(&cache_key) {
                let lists = self.moved_versions(source_id, &ecosystem, &key)?;
                moved_lists.insert(cache_key.clone(), lists);
            }
            // The object of a large package (Debian's `linux`) runs to megabytes, so it
            // is scanned into borrowed raw values and only this entry's list is parsed.
            let lists = moved_lists
                .get(&cache_key)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let lists: HashMap<&str, &serde_json::value::RawValue> =
                serde_json::from_slice(lists).map_err(|e| e.to_string())?;
            let list = lists
                .get(format!("{pk}/{seq}").as_str())
                .ok_or_else(|| format!("`versions` of entry {seq} is missing"))?;
            let list: serde_json::Value =
                serde_json::from_str(list.get()).map_err(|e| e.to_string())?;
            object.insert("versions".to_owned(), list);
        }
        Ok(entry)
    }

    /// Reads and decompresses the `affected_versions` object of one source and package.
    fn moved_versions(
        &self,
        source_id: i64,
        ecosystem: &str,
        package: &str,
    ) -> Result<Vec<u8>, String> {
        let frame: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT lists FROM affected_versions
                 WHERE ecosystem = ?1 AND package = ?2 AND source_id = ?3",
            )
            .and_then(|mut statement| {
                statement
                    .query_row(rusqlite::params![ecosystem, package, source_id], |row| {
                        row.get(0)
                    })
                    .optional()
            })
            .map_err(|e| e.to_string())?;
        let frame = frame.ok_or_else(|| format!("`versions` lists of `{package}` are missing"))?;
        packed::unpack_plain(&frame)
    }

    /// Decompresses a stored value of `source_id` with its `kind` dictionary and hands the
    /// bytes to `read`.
    fn unpack<T>(
        &self,
        source_id: i64,
        kind: DictionaryKind,
        frame: &[u8],
        read: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut unpackers = self.unpackers.borrow_mut();
        if !unpackers.has(source_id, kind) {
            let dictionary: Option<Vec<u8>> = self
                .conn
                .prepare_cached("SELECT bytes FROM dictionary WHERE source_id = ?1 AND kind = ?2")
                .and_then(|mut statement| {
                    statement
                        .query_row(rusqlite::params![source_id, kind as i64], |row| row.get(0))
                        .optional()
                })
                .map_err(|e| e.to_string())?;
            unpackers
                .insert(source_id, kind, dictionary.as_deref())
                .map_err(|e| format!("invalid dictionary: {e}"))?;
        }
        let mut buffer = self.buffer.borrow_mut();
        unpackers.unpack_into(source_id, kind, frame, &mut buffer)?;
        read(&buffer)
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
                "SELECT a.pk, a.id, a.source_id, s.name, a.summary, a.modified, a.published,
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
            let source_id: i64 = row.get(2).map_err(db_error)?;
            let frame = column_bytes(row, 10).map_err(db_error)?;
            let affected = self.unpack(source_id, DictionaryKind::Entry, frame, |bytes| {
                osv::affected_from_entry(ecosystem, package, bytes)
            });

            if last_pk == Some(pk) {
                if let Some(advisory) = advisories.last_mut() {
                    let affected = affected.map_err(|m| corrupt(&self.path, &advisory.id, m))?;
                    advisory.affected.push(affected);
                }
                continue;
            }
            last_pk = Some(pk);

            let id: String = row.get(1).map_err(db_error)?;
            let affected = affected.map_err(|m| corrupt(&self.path, &id, m))?;
            let source: String = row.get(3).map_err(db_error)?;
            let aliases = column_bytes(row, 7).map_err(db_error)?;
            let related = column_bytes(row, 8).map_err(db_error)?;
            let severity: String = row.get(9).map_err(db_error)?;
            advisories.push(Advisory {
                aliases: serde_json::from_slice(aliases)
                    .map_err(|e| corrupt(&self.path, &id, e))?,
                related: serde_json::from_slice(related)
                    .map_err(|e| corrupt(&self.path, &id, e))?,
                severity: osv::severities_from_json(&severity, &source)
                    .map_err(|m| corrupt(&self.path, &id, m))?,
                summary: row.get(4).map_err(db_error)?,
                modified: from_micros(row.get(5).map_err(db_error)?),
                published: from_micros(row.get(6).map_err(db_error)?),
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
                    known_ransomware_use: row.get::<_, Option<bool>>(7)?.map(|known| {
                        if known {
                            RansomwareUse::Known
                        } else {
                            RansomwareUse::Unknown
                        }
                    }),
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
        // The `(ecosystem, package, …)` index serves this with one seek.
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM affected WHERE ecosystem = ?1)")
            .and_then(|mut statement| statement.query_row([ecosystem], |row| row.get(0)))
            .map(Some)
            .map_err(|e| IntelError::database(&self.path, e))
    }
}

/// Returns a TEXT or BLOB column's bytes without copying them.
fn column_bytes<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r [u8]> {
    row.get_ref(index)?.as_bytes().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Blob, e.into())
    })
}

/// Converts stored Unix microseconds back to a time.
fn from_micros(micros: Option<i64>) -> Option<DateTime<Utc>> {
    micros.and_then(DateTime::from_timestamp_micros)
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

/// Migrates the database file at `path` to [`SCHEMA_VERSION`] through a working copy that
/// replaces it. It holds the lock that imports take, so two processes opening an old file
/// never both migrate it, and a migration never drops the sources of a concurrent import.
///
/// The version is read again under the lock, because another process may have migrated
/// the file while this one waited.
fn migrate_file(path: &Path) -> Result<(), IntelError> {
    let _lock = crate::import::lock_database(path)?;

    let version = {
        let conn = open_read_only(path)?;
        schema_version(&conn).map_err(|e| IntelError::database(path, e))?
    };
    if version > SCHEMA_VERSION {
        return Err(IntelError::SchemaTooNew {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == SCHEMA_VERSION {
        tracing::debug!(path = %path.display(), "intel database migrated by another process");
        return Ok(());
    }

    tracing::info!(path = %path.display(), from = version, to = SCHEMA_VERSION, "migrating intel database");
    crate::import::Build::start(path)?.finish()
}

fn open_read_only(path: &Path) -> Result<Connection, IntelError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn =
        Connection::open_with_flags(path, flags).map_err(|e| IntelError::database(path, e))?;
    // No memory map: every page of a mapping that a scan touches, and the neighbours the
    // kernel maps around each fault, count as resident memory (63 MB against 50 MB for a
    // scan of a 720-package Debian host). Pages go to SQLite's own cache, at most 8 MiB.
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA mmap_size = 0; PRAGMA cache_size = -8192;")
        .map_err(|e| match e {
            // A file without SQLite's header is someone else's, not a damaged database.
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::NotADatabase
                    && !crate::import::has_sqlite_header(path) =>
            {
                IntelError::NotADatabase {
                    path: path.to_owned(),
                }
            }
            e => IntelError::database(path, e),
        })?;
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

fn corrupt(path: &Path, id: &str, error: impl std::fmt::Display) -> IntelError {
    IntelError::Database {
        path: path.to_owned(),
        source: format!("stored record `{id}` is corrupt: {error}").into(),
    }
}
