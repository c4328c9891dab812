//! JSON stored in a column: plain TEXT when short, a deflate-compressed BLOB otherwise.
//!
//! Debian records repeat long `versions[]` lists, so compression shrinks the database
//! several times over; short values stay readable with the `sqlite3` shell. The SQLite
//! type of the value tells the two forms apart, so no flag column is needed.

use std::cell::RefCell;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::ToSql;

/// Deflate level: 6 (zlib's default) gives files about a tenth smaller than 1 for about a
/// tenth more import time with the zlib-rs backend.
const COMPRESSION_LEVEL: u32 = 6;

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
        match deflate(json.as_bytes()) {
            Some(bytes) => StoredJson::Deflated(bytes),
            None => StoredJson::Text(json),
        }
    }

    /// Decodes a column value written by [`StoredJson::encode`] back to JSON text.
    pub fn decode(value: ValueRef<'_>) -> Result<String, String> {
        match value {
            ValueRef::Text(text) => String::from_utf8(text.to_vec()).map_err(|e| e.to_string()),
            ValueRef::Blob(bytes) => {
                let text = inflate(bytes)?;
                String::from_utf8(text).map_err(|e| format!("corrupt compressed JSON: {e}"))
            }
            other => Err(format!(
                "expected TEXT or BLOB, found {:?}",
                other.data_type()
            )),
        }
    }
}

thread_local! {
    // A deflate state is about 300 KiB and zeroed on creation; reusing one per thread
    // instead of creating one per value halves the import time.
    static COMPRESSOR: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(COMPRESSION_LEVEL), false));
    static DECOMPRESSOR: RefCell<Decompress> = RefCell::new(Decompress::new(false));
    static INFLATE_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Compresses `input` into a raw deflate stream; `None` if the compressor fails.
fn deflate(input: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut compressor = cell.borrow_mut();
        compressor.reset();
        let mut output = Vec::with_capacity(input.len() / 3 + 64);
        loop {
            let consumed = compressor.total_in() as usize;
            match compressor.compress_vec(&input[consumed..], &mut output, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(output),
                Ok(_) => output.reserve(output.capacity().max(64)),
                Err(_) => return None,
            }
        }
    })
}

/// Decompresses a raw deflate stream written by [`deflate`].
///
/// Decompresses into a per-thread buffer that keeps its capacity, then copies the result
/// once, instead of growing a new vector several times per value.
fn inflate(input: &[u8]) -> Result<Vec<u8>, String> {
    DECOMPRESSOR.with(|cell| {
        INFLATE_BUFFER.with(|buffer| {
            let mut decompressor = cell.borrow_mut();
            let mut output = buffer.borrow_mut();
            decompressor.reset(false);
            output.clear();
            let wanted = input.len() * 8 + 64;
            if output.capacity() < wanted {
                output.reserve(wanted);
            }
            loop {
                let consumed = decompressor.total_in() as usize;
                let before = decompressor.total_out();
                let status = decompressor
                    .decompress_vec(&input[consumed..], &mut output, FlushDecompress::None)
                    .map_err(|e| format!("corrupt compressed JSON: {e}"))?;
                match status {
                    Status::StreamEnd => return Ok(output.as_slice().to_vec()),
                    _ if decompressor.total_out() == before && output.len() < output.capacity() => {
                        return Err("corrupt compressed JSON: stream ends early".to_owned());
                    }
                    _ => {
                        let grow = output.capacity().max(64);
                        output.reserve(grow);
                    }
                }
            }
        })
    })
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
