//! Writing OSV-shaped records in the compact layout of schema version 3 (see
//! `db/schema.rs`): a small `advisory` row, the cold `advisory_body`, one `affected` row
//! per entry with its hot JSON, moved `versions[]` lists, and the alias edges.
//!
//! A record goes through three steps. [`PreparedRecord::new`] splits it into those parts
//! and decides for each entry whether its `versions[]` can leave the hot path. An
//! [`Encoder`] compresses the parts with the source's dictionaries ([`SourceCodec`]).
//! Both run on worker threads. The single writer, [`SourceWriter`], inserts the rows.

use std::collections::HashMap;

use rusqlite::{params, Transaction};
use serde::Deserialize as _;
use serde_json::{Map, Value};
use ward_version::range::{PreparedRanges, Range, RangeKind};
use ward_version::Scheme;

use crate::db::packed::{self, DictionaryKind, Packer, PlainUnpacker};
use crate::db::{
    implied_cve, ALIAS_KIND_ALIAS, ALIAS_KIND_IMPLIED, ALIAS_KIND_RELATED, ALIAS_KIND_UPSTREAM,
};
use crate::feeds::osv::{self, ParsedAffected, ParsedRecord, RawSeverity, RecordProblem};
use crate::Advisory;

mod from_json;

/// Number of records sampled to train a source's dictionaries.
pub const DICTIONARY_SAMPLES: usize = 2000;

/// An OSV record split into the stored parts, not yet compressed.
pub struct PreparedRecord {
    record: ParsedRecord,
    /// JSON of the record without `affected[]`, plus an `affected` array holding each
    /// entry's `package` object (or `{}` for an entry without one).
    body: Vec<u8>,
    entries: Vec<PreparedEntry>,
}

struct PreparedEntry {
    ecosystem: String,
    /// Look-up key of the package (`package_key`).
    package: String,
    /// The entry without `package` (except its `purl`) and, when `versions` is `Some`,
    /// without `versions[]`.
    hot: Vec<u8>,
    /// `versions[]` as JSON, when every listed version lies inside the entry's ranges.
    versions: Option<Vec<u8>>,
}

impl PreparedRecord {
    /// Splits a parsed record into its stored parts.
    pub fn new(mut record: ParsedRecord) -> PreparedRecord {
        let mut stubs = Vec::with_capacity(record.affected.len());
        let mut entries = Vec::with_capacity(record.affected.len());
        for affected in &mut record.affected {
            let entry = std::mem::take(&mut affected.entry);
            let (stub, prepared) = prepare_entry(affected, entry);
            stubs.push(stub);
            entries.push(prepared);
        }

        let mut body = std::mem::take(&mut record.body);
        if let Value::Object(object) = &mut body {
            object.insert("affected".to_owned(), Value::Array(stubs));
        }
        PreparedRecord {
            body: body.to_string().into_bytes(),
            record,
            entries,
        }
    }

    /// Parses and splits one OSV record from JSON bytes, like `osv::parse_record` followed
    /// by [`PreparedRecord::new`] but without a `Value` tree for well-formed records.
    pub fn from_json(bytes: &[u8]) -> Result<PreparedRecord, RecordProblem> {
        if let Some(prepared) = from_json::prepare_from_json(bytes) {
            return Ok(prepared);
        }
        osv::parse_record(bytes).map(PreparedRecord::new)
    }

    /// Returns the record's id.
    pub fn id(&self) -> &str {
        &self.record.id
    }

    /// Converts an [`Advisory`] from a non-OSV feed (RustSec, PyPA, Alpine secdb) into the
    /// OSV layout, so every source is stored and read back the same way.
    pub fn from_advisory(advisory: &Advisory) -> PreparedRecord {
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
                body[key] =
                    Value::String(time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
            }
        }
        if let Some(summary) = &advisory.summary {
            body["summary"] = Value::String(summary.clone());
        }

        let affected = advisory
            .affected
            .iter()
            .map(|entry| ParsedAffected {
                ecosystem: entry.ecosystem.clone(),
                package: entry.package.clone(),
                severity: Vec::new(),
                entry: serde_json::json!({
                    "package": {"ecosystem": entry.ecosystem, "name": entry.package, "purl": entry.purl},
                    "ranges": entry.ranges,
                    "versions": entry.versions,
                    "ecosystem_specific": entry.ecosystem_specific,
                    "database_specific": entry.database_specific,
                }),
            })
            .collect();

        PreparedRecord::new(ParsedRecord {
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
            body,
        })
    }
}

/// Splits one entry into its body stub and its hot part.
fn prepare_entry(affected: &ParsedAffected, entry: Value) -> (Value, PreparedEntry) {
    let mut object = match entry {
        Value::Object(object) => object,
        // The parser only accepts objects; keep anything else whole in the hot part.
        other => {
            let prepared = PreparedEntry {
                ecosystem: affected.ecosystem.clone(),
                package: crate::package_key(&affected.ecosystem, &affected.package).into_owned(),
                hot: other.to_string().into_bytes(),
                versions: None,
            };
            return (Value::Object(Map::new()), prepared);
        }
    };

    let mut stub = Map::new();
    if let Some(package) = object.remove("package") {
        let purl = package.get("purl").cloned();
        stub.insert("package".to_owned(), package);
        if let Some(purl) = purl {
            object.insert("package".to_owned(), serde_json::json!({ "purl": purl }));
        }
    }

    let has_versions = object
        .get("versions")
        .and_then(Value::as_array)
        .is_some_and(|list| !list.is_empty());
    let mut versions = None;
    if has_versions && versions_in_ranges(&affected.ecosystem, &object) {
        versions = object
            .remove("versions")
            .map(|list| list.to_string().into_bytes());
    }

    let prepared = PreparedEntry {
        ecosystem: affected.ecosystem.clone(),
        package: crate::package_key(&affected.ecosystem, &affected.package).into_owned(),
        hot: Value::Object(object).to_string().into_bytes(),
        versions,
    };
    (Value::Object(stub), prepared)
}

/// Returns whether every version in the entry's `versions[]` parses in the ecosystem's
/// scheme and is affected by the entry's ranges alone.
///
/// Such a list adds no affected version to the ranges. Its only effect on a verdict would
/// be to report a match as "listed in versions" without the range's fixed version, so
/// look-ups leave it out. `IntelDb::records` still returns it.
fn versions_in_ranges(ecosystem: &str, entry: &Map<String, Value>) -> bool {
    let Some(Value::Array(listed)) = entry.get("versions") else {
        return false;
    };
    let Some(ranges) = entry
        .get("ranges")
        .and_then(|ranges| Vec::<Range>::deserialize(ranges).ok())
    else {
        return false;
    };
    let Some(listed) = listed
        .iter()
        .map(Value::as_str)
        .collect::<Option<Vec<&str>>>()
    else {
        return false;
    };
    versions_in_ranges_typed(ecosystem, &ranges, &listed)
}

/// Returns whether every version of `listed` parses in the ecosystem's scheme and is
/// affected by `ranges` alone (see `versions_in_ranges`).
fn versions_in_ranges_typed(ecosystem: &str, ranges: &[Range], listed: &[impl AsRef<str>]) -> bool {
    let Some(scheme) = Scheme::from_osv_ecosystem(ecosystem) else {
        return false;
    };
    if ranges.is_empty() || ranges.iter().any(|range| range.kind == RangeKind::Git) {
        return false;
    }

    let prepared = PreparedRanges::new(scheme, ranges, &[]);
    listed.iter().all(|version| {
        let text = version.as_ref();
        prepared.ranges_contain(text)
    })
}

/// The dictionaries of one source, trained on a sample of its prepared records.
#[derive(Debug, Default)]
pub struct SourceCodec {
    entry: Option<Vec<u8>>,
    body: Option<Vec<u8>>,
}

impl SourceCodec {
    /// Trains the entry and body dictionaries on `samples`; with too few samples the
    /// source is stored without dictionaries.
    pub fn train(samples: &[&PreparedRecord]) -> SourceCodec {
        let all_entries: Vec<&PreparedEntry> = samples
            .iter()
            .flat_map(|record| record.entries.iter())
            .collect();
        // Records of distro feeds have an entry per release; as many entries as records
        // train as good a dictionary in a fraction of the time.
        let step = all_entries.len().div_ceil(DICTIONARY_SAMPLES).max(1);
        let entries: Vec<Vec<u8>> = all_entries
            .iter()
            .step_by(step)
            .map(|entry| entry.hot.clone())
            .collect();
        let bodies: Vec<Vec<u8>> = samples.iter().map(|record| record.body.clone()).collect();

        // The two dictionaries are independent, so they train on two threads.
        let (entry, body) = std::thread::scope(|scope| {
            let body = scope.spawn(|| packed::train(&bodies));
            (packed::train(&entries), body.join())
        });
        SourceCodec {
            entry,
            // A panic inside the trainer leaves the bodies without a dictionary.
            body: body.unwrap_or_default(),
        }
    }

    /// Creates an encoder for one worker thread.
    pub fn encoder(&self) -> std::io::Result<Encoder> {
        Ok(Encoder {
            entry: Packer::new(self.entry.as_deref())?,
            body: Packer::new(self.body.as_deref())?,
            versions: Packer::new(None)?,
        })
    }

    fn store(&self, tx: &Transaction, source_id: i64) -> rusqlite::Result<()> {
        let mut insert = tx.prepare_cached(
            "INSERT INTO dictionary (source_id, kind, bytes) VALUES (?1, ?2, ?3)",
        )?;
        let dictionaries = [
            (DictionaryKind::Entry, &self.entry),
            (DictionaryKind::Body, &self.body),
        ];
        for (kind, bytes) in dictionaries {
            if let Some(bytes) = bytes {
                insert.execute(params![source_id, kind as i64, bytes])?;
            }
        }
        Ok(())
    }
}

/// Compresses prepared records with a source's dictionaries.
pub struct Encoder {
    entry: Packer,
    body: Packer,
    /// Compresses moved `versions[]` lists on their own, without dictionary. The writer
    /// keeps a source's lists (about 100 MB of JSON for Debian) until it packs them per
    /// package, and keeps them compressed.
    versions: Packer,
}

impl Encoder {
    /// Compresses the record's body and hot entries.
    pub fn encode(&mut self, prepared: PreparedRecord) -> std::io::Result<EncodedRecord> {
        let PreparedRecord {
            record,
            body,
            entries,
        } = prepared;
        let body = self.body.pack(&body)?;
        let entries = entries
            .into_iter()
            .map(|entry| {
                Ok(EncodedEntry {
                    hot: self.entry.pack(&entry.hot)?,
                    ecosystem: entry.ecosystem,
                    package: entry.package,
                    versions: entry
                        .versions
                        .map(|list| self.versions.pack(&list))
                        .transpose()?,
                })
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(EncodedRecord {
            record,
            body,
            entries,
        })
    }
}

/// A record ready to insert.
pub struct EncodedRecord {
    record: ParsedRecord,
    body: Vec<u8>,
    entries: Vec<EncodedEntry>,
}

struct EncodedEntry {
    ecosystem: String,
    package: String,
    hot: Vec<u8>,
    versions: Option<Vec<u8>>,
}

impl EncodedRecord {
    /// Returns the record's `modified` time.
    pub fn modified(&self) -> Option<chrono::DateTime<chrono::Utc>> {
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

/// Rows of one source that are inserted in key order when the source is complete, so
/// that the clustered tables are written as full pages.
type AffectedRow = (String, String, i64, i64, bool, Vec<u8>);

/// Moved `versions[]` lists by (ecosystem, package): (advisory pk, seq, compressed JSON
/// list).
type MovedVersions = HashMap<(String, String), Vec<(i64, usize, Vec<u8>)>>;

/// Inserts one source's records.
pub struct SourceWriter<'t> {
    tx: &'t Transaction<'t>,
    source_id: i64,
    affected: Vec<AffectedRow>,
    aliases: Vec<(String, String, i64, i64)>,
    moved_versions: MovedVersions,
}

impl<'t> SourceWriter<'t> {
    /// Starts writing records of `source_id`, storing its dictionaries.
    pub fn new(
        tx: &'t Transaction<'t>,
        source_id: i64,
        codec: &SourceCodec,
    ) -> rusqlite::Result<SourceWriter<'t>> {
        codec.store(tx, source_id)?;
        Ok(SourceWriter {
            tx,
            source_id,
            affected: Vec::new(),
            aliases: Vec::new(),
            moved_versions: HashMap::new(),
        })
    }

    /// Inserts one record; its `affected` and `alias` rows wait for [`SourceWriter::finish`].
    pub fn insert(&mut self, encoded: EncodedRecord) -> rusqlite::Result<()> {
        let EncodedRecord {
            record,
            body,
            entries,
        } = encoded;
        let to_json =
            |value: &[String]| serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned());
        let severity_json =
            serde_json::to_string(&record.severity).unwrap_or_else(|_| "[]".to_owned());
        let micros =
            |time: Option<chrono::DateTime<chrono::Utc>>| time.map(|t| t.timestamp_micros());

        self.tx
            .prepare_cached(
                "INSERT INTO advisory (id, source_id, modified, published, withdrawn, summary,
                     aliases, related, severity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                record.id,
                self.source_id,
                micros(record.modified),
                micros(record.published),
                micros(record.withdrawn),
                record.summary,
                to_json(&record.aliases),
                to_json(&record.related),
                severity_json,
            ])?;
        let pk = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached("INSERT INTO advisory_body (pk, body) VALUES (?1, ?2)")?
            .execute(params![pk, body])?;

        for (seq, entry) in entries.into_iter().enumerate() {
            let moved = entry.versions.is_some();
            if let Some(versions) = entry.versions {
                self.moved_versions
                    .entry((entry.ecosystem.clone(), entry.package.clone()))
                    .or_default()
                    .push((pk, seq, versions));
            }
            self.affected.push((
                entry.ecosystem,
                entry.package,
                pk,
                seq as i64,
                moved,
                entry.hot,
            ));
        }

        let edges = [
            (ALIAS_KIND_ALIAS, &record.aliases),
            (ALIAS_KIND_RELATED, &record.related),
            (ALIAS_KIND_UPSTREAM, &record.upstream),
        ];
        for (kind, others) in edges {
            for other in others.iter().filter(|other| **other != record.id) {
                self.aliases
                    .push((record.id.clone(), other.clone(), kind, pk));
            }
        }
        if let Some(cve) = implied_cve(&record.id) {
            self.aliases
                .push((record.id.clone(), cve, ALIAS_KIND_IMPLIED, pk));
        }
        Ok(())
    }

    /// Inserts the waiting `affected` and `alias` rows in key order, and the moved
    /// `versions[]` lists of each package as one compressed object.
    ///
    /// Sorting the aliases and packing the lists run on two helper threads while this one
    /// inserts the `affected` rows, so that the writer, the import's one serial thread,
    /// only inserts.
    pub fn finish(self) -> rusqlite::Result<()> {
        let SourceWriter {
            tx,
            source_id,
            mut affected,
            mut aliases,
            moved_versions,
        } = self;
        std::thread::scope(|scope| {
            let packing = scope.spawn(move || pack_versions(moved_versions));
            let sorting = scope.spawn(move || {
                aliases.sort_unstable();
                aliases.dedup();
                aliases
            });

            affected.sort_unstable_by(|a, b| (&a.0, &a.1, a.2, a.3).cmp(&(&b.0, &b.1, b.2, b.3)));
            let mut insert = tx.prepare_cached(
                "INSERT INTO affected (ecosystem, package, advisory, seq, versions_in_ranges, entry)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (ecosystem, package, pk, seq, moved, hot) in &affected {
                insert.execute(params![ecosystem, package, pk, seq, moved, hot])?;
            }

            let aliases = join(sorting);
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO alias (id, other, kind, advisory) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (id, other, kind, pk) in &aliases {
                insert.execute(params![id, other, kind, pk])?;
            }

            let mut insert = tx.prepare_cached(
                "INSERT INTO affected_versions (source_id, ecosystem, package, lists) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (ecosystem, package, packed) in join(packing).map_err(to_sql_error)? {
                insert.execute(params![source_id, ecosystem, package, packed])?;
            }
            Ok(())
        })
    }
}

/// Returns a helper thread's result, re-raising its panic.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Builds the `{"pk/seq": [versions…]}` object of each package and compresses it, in
/// package order.
fn pack_versions(moved: MovedVersions) -> std::io::Result<Vec<(String, String, Vec<u8>)>> {
    let mut packer = Packer::new(None)?;
    let mut unpacker = PlainUnpacker::new()?;
    let mut packages: Vec<_> = moved.into_iter().collect();
    packages.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut packed = Vec::with_capacity(packages.len());
    let mut object = Vec::new();
    for ((ecosystem, package), lists) in packages {
        object.clear();
        object.push(b'{');
        for (index, (pk, seq, list)) in lists.iter().enumerate() {
            if index > 0 {
                object.push(b',');
            }
            object.extend_from_slice(format!("\"{pk}/{seq}\":").as_bytes());
            let list = unpacker
                .unpack(list)
                .map_err(|message| std::io::Error::new(std::io::ErrorKind::InvalidData, message))?;
            object.extend_from_slice(list);
        }
        object.push(b'}');
        packed.push((ecosystem, package, packer.pack(&object)?));
    }
    Ok(packed)
}

fn to_sql_error(error: std::io::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(error))
}

/// Removes every OSV row of a source.
pub fn delete_source_rows(tx: &Transaction, source_id: i64) -> rusqlite::Result<()> {
    let by_advisory = "IN (SELECT pk FROM advisory WHERE source_id = ?1)";
    tx.execute(
        &format!("DELETE FROM affected WHERE advisory {by_advisory}"),
        [source_id],
    )?;
    tx.execute(
        &format!("DELETE FROM alias WHERE advisory {by_advisory}"),
        [source_id],
    )?;
    tx.execute(
        &format!("DELETE FROM advisory_body WHERE pk {by_advisory}"),
        [source_id],
    )?;
    tx.execute(
        "DELETE FROM affected_versions WHERE source_id = ?1",
        [source_id],
    )?;
    // An older ward let a `--source` name cross formats, so a source may contain NVD, CVE 5
    // or Anchore rows. Their foreign keys would block the delete below.
    for table in ["cve_metric", "cve_ssvc"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE record IN (SELECT pk FROM cve_record WHERE source_id = ?1)"
            ),
            [source_id],
        )?;
    }
    tx.execute("DELETE FROM cve_record WHERE source_id = ?1", [source_id])?;
    tx.execute("DELETE FROM dictionary WHERE source_id = ?1", [source_id])?;
    tx.execute("DELETE FROM advisory WHERE source_id = ?1", [source_id])?;
    Ok(())
}
