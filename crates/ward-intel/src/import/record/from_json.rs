//! Splitting an OSV record into its stored parts straight from the JSON bytes.
//!
//! [`PreparedRecord::new`] works on a `serde_json::Value` tree: every key and string of
//! the record is allocated, then the parts are serialized again. Here the record is read
//! as a map of borrowed raw values, only the fields the database indexes are
//! deserialized, and the stored parts are the raw values with their whitespace removed.
//! The stored JSON means the same; only the escapes inside strings may be spelled
//! differently.
//!
//! Anything unusual (a key with an escape, invalid UTF-8, a field of the wrong type)
//! makes [`prepare_from_json`] return `None`, and the caller takes the `Value` path, which
//! also produces the error message.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use ward_version::range::Range;

use super::{versions_in_ranges_typed, PreparedEntry, PreparedRecord};
use crate::feeds::osv::{ParsedAffected, ParsedRecord, RawSeverity};

/// A JSON object as borrowed keys and raw values, sorted by key.
type RawObject<'a> = BTreeMap<&'a str, &'a RawValue>;

/// Splits one OSV record from JSON bytes; `None` when the fast path does not apply.
pub(super) fn prepare_from_json(bytes: &[u8]) -> Option<PreparedRecord> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut object: RawObject = serde_json::from_str(text).ok()?;
    let affected = object.remove("affected");

    let record_id: String = typed(object.get("id")?)?;
    let entries: Vec<&RawValue> = match affected {
        Some(raw) => typed::<Option<Vec<&RawValue>>>(raw)?.unwrap_or_default(),
        None => Vec::new(),
    };

    let mut parsed_affected = Vec::with_capacity(entries.len());
    let mut prepared_entries = Vec::with_capacity(entries.len());
    let mut stubs = Vec::with_capacity(entries.len());
    for raw in entries {
        let (affected, entry, stub) = prepare_entry(raw)?;
        parsed_affected.push(affected);
        prepared_entries.push(entry);
        stubs.push(stub);
    }

    let record = ParsedRecord {
        id: record_id,
        modified: field::<DateTime<Utc>>(&object, "modified")?,
        published: field::<DateTime<Utc>>(&object, "published")?,
        withdrawn: field::<DateTime<Utc>>(&object, "withdrawn")?,
        summary: field::<String>(&object, "summary")?,
        aliases: list(&object, "aliases")?,
        related: list(&object, "related")?,
        upstream: list(&object, "upstream")?,
        severity: list(&object, "severity")?,
        affected: parsed_affected,
        body: serde_json::Value::Null,
    };

    // The body is the record without `affected[]`, plus an `affected` array of the
    // entries' `package` objects, with the keys sorted.
    let mut body = Vec::with_capacity(text.len() / 2);
    body.push(b'{');
    let mut first = true;
    let mut wrote_affected = false;
    for (key, value) in &object {
        if !wrote_affected && *key > "affected" {
            write_key(&mut body, &mut first, "affected");
            write_stubs(&mut body, &stubs);
            wrote_affected = true;
        }
        write_key(&mut body, &mut first, key);
        minify_into(&mut body, value.get());
    }
    if !wrote_affected {
        write_key(&mut body, &mut first, "affected");
        write_stubs(&mut body, &stubs);
    }
    body.push(b'}');

    Some(PreparedRecord {
        record,
        body,
        entries: prepared_entries,
    })
}

/// Splits one `affected[]` entry into its parsed fields, its hot part and its body stub
/// (`{"package": …}`, or `{}` without a package).
fn prepare_entry(raw: &RawValue) -> Option<(ParsedAffected, PreparedEntry, Vec<u8>)> {
    let mut object: RawObject = serde_json::from_str(raw.get()).ok()?;

    let package_raw = object.remove("package");
    let package: Option<RawObject> = match package_raw {
        Some(raw) => typed(raw)?,
        None => None,
    };
    let (ecosystem, name, purl) = match &package {
        Some(package) => (
            string_or_empty(package, "ecosystem")?,
            string_or_empty(package, "name")?,
            package.get("purl").copied(),
        ),
        None => (String::new(), String::new(), None),
    };
    if let Some(purl) = purl {
        typed::<Option<String>>(purl)?;
    }
    let ranges: Vec<Range> = list(&object, "ranges")?;
    let versions: Vec<String> = list(&object, "versions")?;
    let severity: Vec<RawSeverity> = list(&object, "severity")?;

    let mut stub = Vec::new();
    stub.push(b'{');
    if let Some(raw) = package_raw {
        stub.extend_from_slice(b"\"package\":");
        minify_into(&mut stub, raw.get());
    }
    stub.push(b'}');

    let mut moved = None;
    if !versions.is_empty() && versions_in_ranges_typed(&ecosystem, &ranges, &versions) {
        if let Some(list) = object.remove("versions") {
            let mut bytes = Vec::with_capacity(list.get().len());
            minify_into(&mut bytes, list.get());
            moved = Some(bytes);
        }
    }

    // The hot part keeps only `purl` of the package, under the key `package`.
    let mut hot = Vec::with_capacity(raw.get().len());
    hot.push(b'{');
    let mut first = true;
    let mut wrote_package = purl.is_none();
    for (key, value) in &object {
        if !wrote_package && *key > "package" {
            write_purl(&mut hot, &mut first, purl);
            wrote_package = true;
        }
        write_key(&mut hot, &mut first, key);
        minify_into(&mut hot, value.get());
    }
    if !wrote_package {
        write_purl(&mut hot, &mut first, purl);
    }
    hot.push(b'}');

    let entry = PreparedEntry {
        package: crate::package_key(&ecosystem, &name).into_owned(),
        ecosystem: ecosystem.clone(),
        hot,
        versions: moved,
    };
    let affected = ParsedAffected {
        ecosystem,
        package: name,
        severity,
        entry: serde_json::Value::Null,
    };
    Some((affected, entry, stub))
}

/// Deserializes one raw value; `None` when it has another type.
fn typed<'a, T: serde::Deserialize<'a>>(raw: &'a RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}

/// Reads an optional field (`null` and absent read as `None`); the outer `None` means the
/// field has another type.
fn field<T: DeserializeOwned>(object: &RawObject, key: &str) -> Option<Option<T>> {
    match object.get(key) {
        Some(raw) => typed::<Option<T>>(raw),
        None => Some(None),
    }
}

/// Reads a string field that may be absent (empty) but not `null`, as `RawPackage` does.
fn string_or_empty(object: &RawObject, key: &str) -> Option<String> {
    match object.get(key) {
        Some(raw) => typed(raw),
        None => Some(String::new()),
    }
}

/// Reads a list field, `null` and absent reading as empty, as the OSV parser does.
fn list<T: DeserializeOwned>(object: &RawObject, key: &str) -> Option<Vec<T>> {
    Some(field::<Vec<T>>(object, key)?.unwrap_or_default())
}

fn write_key(out: &mut Vec<u8>, first: &mut bool, key: &str) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    // Keys were borrowed from the input, so they contain no escape and need none.
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

fn write_stubs(out: &mut Vec<u8>, stubs: &[Vec<u8>]) {
    out.push(b'[');
    for (index, stub) in stubs.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(stub);
    }
    out.push(b']');
}

fn write_purl(out: &mut Vec<u8>, first: &mut bool, purl: Option<&RawValue>) {
    let Some(purl) = purl else {
        return;
    };
    write_key(out, first, "package");
    out.extend_from_slice(b"{\"purl\":");
    minify_into(out, purl.get());
    out.push(b'}');
}

/// Appends valid JSON `text` without the whitespace between tokens.
///
/// Hand-written because serde_json writes a `RawValue` verbatim and has no minifier;
/// parsing into a `Value` to print it compactly is the cost this module avoids.
fn minify_into(out: &mut Vec<u8>, text: &str) {
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text.as_bytes() {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                in_string = true;
                out.push(byte);
            }
            _ => out.push(byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::osv;

    const RECORDS: [&str; 4] = [
        r#"{
            "schema_version": "1.6.0",
            "id": "DSA-5678-1",
            "modified": "2024-05-03T20:15:36.470507Z",
            "published": "2024-05-03T00:00:00Z",
            "related": ["CVE-2024-33599"],
            "summary": "glibc - security \"update\"",
            "references": [{"type": "ADVISORY", "url": "https://www.debian.org/security/2024/dsa-5678"}],
            "affected": [{
                "package": {"ecosystem": "Debian:12", "name": "glibc", "purl": "pkg:deb/debian/glibc?arch=source"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.36-9+deb12u7"}]}],
                "versions": ["2.36-9", "2.36-9+deb12u3"],
                "ecosystem_specific": {"urgency": "high"},
                "database_specific": {"source": "https://example.org/DSA-5678-1.json"}
            }, {
                "ranges": [{"type": "GIT", "repo": "https://sourceware.org/git/glibc.git", "events": [{"introduced": "0"}]}]
            }]
        }"#,
        r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "aliases": null,
            "affected": [{"package": {"ecosystem": "PyPI", "name": "Foo_Bar"}, "versions": null}]}"#,
        r#"{"id": "X-2", "zzz": [1, 2.5e3, true, null], "details": "a\\\"b \u00e9",
            "affected": [{"package": {"ecosystem": "npm", "name": "x", "purl": null},
                          "versions": ["9.9.9"],
                          "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}]}]}]}"#,
        r#"{"id": "X-3", "modified": "2024-01-01T00:00:00Z"}"#,
    ];

    #[test]
    fn fast_path_matches_value_path() {
        for json in RECORDS {
            let fast = prepare_from_json(json.as_bytes()).expect("fast path applies");
            let slow = PreparedRecord::new(osv::parse_record(json.as_bytes()).unwrap());

            let as_value =
                |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
            assert_eq!(as_value(&fast.body), as_value(&slow.body), "body of {json}");
            assert_eq!(fast.entries.len(), slow.entries.len(), "entries of {json}");
            for (fast_entry, slow_entry) in fast.entries.iter().zip(&slow.entries) {
                assert_eq!(
                    as_value(&fast_entry.hot),
                    as_value(&slow_entry.hot),
                    "entry of {json}"
                );
                assert_eq!(
                    fast_entry.ecosystem, slow_entry.ecosystem,
                    "ecosystem of {json}"
                );
                assert_eq!(fast_entry.package, slow_entry.package, "package of {json}");
                assert_eq!(
                    fast_entry.versions.as_deref().map(as_value),
                    slow_entry.versions.as_deref().map(as_value),
                    "moved versions of {json}"
                );
            }
            assert_eq!(fast.record.id, slow.record.id, "id of {json}");
            assert_eq!(
                fast.record.modified, slow.record.modified,
                "modified of {json}"
            );
            assert_eq!(
                fast.record.aliases, slow.record.aliases,
                "aliases of {json}"
            );
            assert_eq!(
                fast.record.related, slow.record.related,
                "related of {json}"
            );
            assert_eq!(
                fast.record.summary, slow.record.summary,
                "summary of {json}"
            );
        }
    }

    #[test]
    fn unusual_records_take_value_path() {
        let cases = [
            "{not json",
            "[1, 2]",
            r#"{"id": 7, "modified": "2024-01-01T00:00:00Z"}"#,
            r#"{"id": "X-1", "aliases": "CVE-1"}"#,
            r#"{"id": "X-2", "modified": "yesterday"}"#,
            r#"{"id": "X-3", "affected": {"package": {}}}"#,
            r#"{"id": "X-4", "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": 1}]}]}]}"#,
            r#"{"id": "X-5", "affected": [{"ranges": [{"type": "CALVER", "events": []}]}]}"#,
            r#"{"id": "X-6", "a\u0062": 1}"#,
            r#"{"modified": "2024-01-01T00:00:00Z"}"#,
        ];
        for json in cases {
            assert!(prepare_from_json(json.as_bytes()).is_none(), "case {json}");
        }
    }

    #[test]
    fn minify_keeps_strings() {
        let mut out = Vec::new();
        minify_into(&mut out, "{ \"a b\" : [ 1 ,\n \"c\\\" d\" ] }");
        assert_eq!(out, br#"{"a b":[1,"c\" d"]}"#);
    }
}
