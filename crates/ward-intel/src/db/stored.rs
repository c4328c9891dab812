//! JSON stored in a column: plain TEXT when short, a deflate-compressed BLOB otherwise.
//!
//! Debian records repeat long `versions[]` lists, so compression shrinks the database
//! several times over; short values stay readable with the `sqlite3` shell. The SQLite
//! type of the value says which form it is, so no flag column is needed.

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::ToSql;

/// Values shorter than this stay uncompressed.
const COMPRESS_MIN_BYTES: usize = 256;

/// A JSON value ready for a TEXT-or-BLOB column.
#[derive(Debug, Clone)]
pub enum StoredJson {
    /// Uncompressed JSON text.
    Text(String),
    /// Raw deflate stream of the JSON text.
    Deflated(Vec<u8>),
}

impl StoredJson {
    /// Encodes JSON text, compressing it when it is long enough to gain from it.
    pub fn encode(json: String) -> StoredJson {
        if json.len() < COMPRESS_MIN_BYTES {
            return StoredJson::Text(json);
        }
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(json.len() / 4), Compression::new(5));
        // Writing into a Vec cannot fail.
        if encoder.write_all(json.as_bytes()).is_err() {
            return StoredJson::Text(json);
        }
        match encoder.finish() {
            Ok(bytes) => StoredJson::Deflated(bytes),
            Err(_) => StoredJson::Text(json),
        }
    }

    /// Decodes a column value written by [`StoredJson::encode`] back to JSON text.
    pub fn decode(value: ValueRef<'_>) -> Result<String, String> {
        match value {
            ValueRef::Text(text) => String::from_utf8(text.to_vec()).map_err(|e| e.to_string()),
            ValueRef::Blob(bytes) => {
                let mut text = String::with_capacity(bytes.len() * 4);
                DeflateDecoder::new(bytes)
                    .read_to_string(&mut text)
                    .map_err(|e| format!("corrupt compressed JSON: {e}"))?;
                Ok(text)
            }
            other => Err(format!(
                "expected TEXT or BLOB, found {:?}",
                other.data_type()
            )),
        }
    }
}

impl ToSql for StoredJson {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            StoredJson::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            StoredJson::Deflated(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

impl From<StoredJson> for Value {
    fn from(stored: StoredJson) -> Value {
        match stored {
            StoredJson::Text(text) => Value::Text(text),
            StoredJson::Deflated(bytes) => Value::Blob(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_json_stays_text() {
        let stored = StoredJson::encode(r#"{"a":1}"#.to_owned());
        assert!(matches!(stored, StoredJson::Text(_)));
    }

    #[test]
    fn long_json_round_trips_compressed() {
        let json = format!("[{}]", vec!["\"1.2.3-4+deb12u1\""; 100].join(","));
        let stored = StoredJson::encode(json.clone());

        let StoredJson::Deflated(bytes) = &stored else {
            panic!("expected compression for {} bytes", json.len());
        };
        assert!(bytes.len() < json.len() / 4);
        assert_eq!(StoredJson::decode(ValueRef::Blob(bytes)).unwrap(), json);
    }

    #[test]
    fn corrupt_blob_is_an_error() {
        assert!(StoredJson::decode(ValueRef::Blob(&[0xff, 0xff, 0xff])).is_err());
    }
}
