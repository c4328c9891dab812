//! OSV record parts stored as zstd frames, compressed with a dictionary trained per source.
//!
//! Most of an `affected[]` entry is boilerplate that repeats across a feed (Debian's
//! `database_specific.source` URL, `purl`, `urgency`), and a value of a few hundred bytes
//! is too short for a compressor to find that repetition inside it. A dictionary trained
//! on a sample of the source's own values carries the boilerplate, so each stored value
//! keeps only what is particular to it, and it still decompresses on its own. A source
//! with too few records to train on is stored without a dictionary.

use std::collections::HashMap;

use zstd::bulk::{Compressor, Decompressor};

/// zstd level. With a dictionary, level 1 made the full database 2 % larger than level 3
/// (187.9 MB against 183.7 MB) and the import 0.3 s of CPU time cheaper.
const LEVEL: i32 = 1;

/// Maximum dictionary size. Larger dictionaries gave no smaller Debian database.
const MAX_DICTIONARY_BYTES: usize = 64 * 1024;

/// Sample bytes a dictionary is trained on at most.
const MAX_SAMPLE_BYTES: usize = 32 * MAX_DICTIONARY_BYTES;

/// Fewest samples a dictionary is trained on; zstd's trainer fails or overfits below it.
pub const MIN_SAMPLES: usize = 64;

/// Largest decompressed value accepted, so a corrupt frame header cannot make a reader
/// allocate without bound.
const MAX_VALUE_BYTES: u64 = 256 * 1024 * 1024;

/// What a dictionary compresses; stored in `dictionary.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DictionaryKind {
    /// The hot part of `affected[]` entries (`affected.entry`).
    Entry = 0,
    /// Records without their entries (`advisory_body.body`).
    Body = 1,
    /// The cold part of NVD, CVE 5 and Anchore records (`cve_record.body`).
    CveBody = 2,
}

/// Trains a dictionary on `samples`; `None` when there are too few or zstd fails, in which
/// case values are compressed without one.
pub fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
    if samples.len() < MIN_SAMPLES {
        return None;
    }
    let total: usize = samples.iter().map(Vec::len).sum();
    // zstd's trainer wants about 100 times the dictionary size in samples; less still
    // trains, into a smaller dictionary. A 64 KiB dictionary for each of the 48 small
    // Alpine sources outweighed the data it compressed: a 32nd of the samples made the
    // database 2.4 MB smaller.
    let max_size = MAX_DICTIONARY_BYTES.min(total / 32).max(1024);
    // Training time grows with the sample bytes. Beyond about 32 times the dictionary size,
    // more samples made the full database only 0.2 % smaller, so an even spread is taken.
    let step = total.div_ceil(MAX_SAMPLE_BYTES).max(1);
    let spread: Vec<&[u8]> = samples.iter().step_by(step).map(Vec::as_slice).collect();
    match train_fast_cover(&spread, max_size) {
        Ok(dictionary) => Some(dictionary),
        Err(error) => {
            tracing::debug!(%error, samples = samples.len(), "dictionary training failed; compressing without one");
            None
        }
    }
}

/// Segment size `k` of the fastCover trainer.
///
/// `ZDICT_trainFromBuffer` (what `zstd::dict::from_samples` calls) tries four values of
/// `k` between 50 and 2000 and compresses a held-out sample with each. That search took
/// about 20 % of the CPU samples (`perf`) of a full import of the staged feeds; this fixed `k`
/// gave a database 0.4 % smaller than the searched one (227.6 MB against 228.6 MB).
const FAST_COVER_K: u32 = 1000;

/// Largest `f` of the fastCover trainer: its frequency table has `2^f` 32-bit counters.
///
/// zstd's default of 20 allocates and clears 4 MiB for every dictionary, even for the
/// small Alpine sources. With at most 18, smaller for fewer sample bytes, and
/// [`FAST_COVER_ACCEL`], the 101 dictionaries of a full import trained in about 40 % of the
/// time, into a database of the same size (188.0 MB against 188.3 MB).
const FAST_COVER_MAX_F: u32 = 18;

/// `accel` of the fastCover trainer, from 1 (zstd's default, most accurate) to 10 (fastest).
const FAST_COVER_ACCEL: u32 = 4;

/// Trains with zstd's fastCover algorithm at fixed parameters (see [`FAST_COVER_K`]).
///
/// The call is hand-written FFI because neither `zstd` nor `zstd-safe` exposes a trainer
/// that takes parameters. zstd declares `ZDICT_trainFromBuffer_fastCover` behind
/// `ZDICT_STATIC_LINKING_ONLY`, so zstd-sys binds it only with its `experimental` feature.
fn train_fast_cover(samples: &[&[u8]], max_size: usize) -> Result<Vec<u8>, String> {
    let mut flat = Vec::with_capacity(samples.iter().map(|sample| sample.len()).sum());
    let mut sizes = Vec::with_capacity(samples.len());
    for sample in samples {
        flat.extend_from_slice(sample);
        sizes.push(sample.len());
    }

    let count = u32::try_from(sizes.len()).map_err(|_| "too many samples".to_owned())?;
    let parameters = zstd_sys::ZDICT_fastCover_params_t {
        k: FAST_COVER_K,
        d: 8,
        // About one counter per sample byte is enough. zstd accepts `f` from 1 to 31.
        f: (usize::BITS - flat.len().leading_zeros()).clamp(12, FAST_COVER_MAX_F),
        steps: 0,
        nbThreads: 0,
        splitPoint: 0.0,
        accel: FAST_COVER_ACCEL,
        shrinkDict: 0,
        shrinkDictMaxRegression: 0,
        zParams: zstd_sys::ZDICT_params_t {
            compressionLevel: LEVEL,
            notificationLevel: 0,
            dictID: 0,
        },
    };

    let mut dictionary = vec![0u8; max_size];
    // SAFETY: `dictionary` is writable for its length, `flat` contains exactly the sum of
    // `sizes` bytes and `sizes` has `count` entries. zstd reads and writes only within
    // those bounds and keeps no pointer after returning.
    let written = unsafe {
        zstd_sys::ZDICT_trainFromBuffer_fastCover(
            dictionary.as_mut_ptr().cast(),
            dictionary.len(),
            flat.as_ptr().cast(),
            sizes.as_ptr(),
            count,
            parameters,
        )
    };

    // SAFETY: `ZDICT_isError` only inspects the integer result code.
    if unsafe { zstd_sys::ZDICT_isError(written) } != 0 {
        // SAFETY: zstd returns a static NUL-terminated string for every error code.
        let name = unsafe { std::ffi::CStr::from_ptr(zstd_sys::ZDICT_getErrorName(written)) };
        return Err(name.to_string_lossy().into_owned());
    }
    dictionary.truncate(written);
    Ok(dictionary)
}

/// A compressor for one source and kind, with or without its dictionary.
pub struct Packer {
    compressor: Compressor<'static>,
}

impl Packer {
    /// Creates a compressor that uses `dictionary` when given.
    pub fn new(dictionary: Option<&[u8]>) -> std::io::Result<Packer> {
        let mut compressor = match dictionary {
            Some(dictionary) => Compressor::with_dictionary(LEVEL, dictionary)?,
            None => Compressor::new(LEVEL)?,
        };
        // The dictionary is known from the row's source, and SQLite pages have their own
        // integrity checks; both fields would cost 4 bytes on every value.
        compressor.include_dictid(false)?;
        compressor.include_checksum(false)?;
        compressor.include_contentsize(true)?;
        Ok(Packer { compressor })
    }

    /// Compresses one value into a zstd frame.
    pub fn pack(&mut self, value: &[u8]) -> std::io::Result<Vec<u8>> {
        self.compressor.compress(value)
    }
}

/// Decompressors by (source id, kind), each loaded with its source's dictionary once.
#[derive(Default)]
pub struct Unpackers {
    by_source: HashMap<(i64, DictionaryKind), Decompressor<'static>>,
}

impl Unpackers {
    /// Returns whether the decompressor for `(source_id, kind)` is loaded.
    pub fn has(&self, source_id: i64, kind: DictionaryKind) -> bool {
        self.by_source.contains_key(&(source_id, kind))
    }

    /// Loads the decompressor for `(source_id, kind)` with `dictionary` (or none).
    pub fn insert(
        &mut self,
        source_id: i64,
        kind: DictionaryKind,
        dictionary: Option<&[u8]>,
    ) -> std::io::Result<()> {
        let decompressor = match dictionary {
            Some(dictionary) => Decompressor::with_dictionary(dictionary)?,
            None => Decompressor::new()?,
        };
        self.by_source.insert((source_id, kind), decompressor);
        Ok(())
    }

    /// Decompresses one value into `output` (cleared first) with the loaded decompressor.
    pub fn unpack_into(
        &mut self,
        source_id: i64,
        kind: DictionaryKind,
        frame: &[u8],
        output: &mut Vec<u8>,
    ) -> Result<(), String> {
        let decompressor = self
            .by_source
            .get_mut(&(source_id, kind))
            .ok_or_else(|| format!("no decompressor loaded for source {source_id}"))?;
        unpack_with(decompressor, frame, output)
    }
}

/// Decompresses frames written by a [`Packer`] without dictionary, reusing one buffer.
pub struct PlainUnpacker {
    decompressor: Decompressor<'static>,
    buffer: Vec<u8>,
}

impl PlainUnpacker {
    /// Creates an unpacker.
    pub fn new() -> std::io::Result<PlainUnpacker> {
        Ok(PlainUnpacker {
            decompressor: Decompressor::new()?,
            buffer: Vec::new(),
        })
    }

    /// Decompresses one frame into the unpacker's buffer.
    pub fn unpack(&mut self, frame: &[u8]) -> Result<&[u8], String> {
        unpack_with(&mut self.decompressor, frame, &mut self.buffer)?;
        Ok(&self.buffer)
    }
}

/// Decompresses a frame written by [`Packer::pack`] (or by a [`Packer`] without dictionary).
pub fn unpack_plain(frame: &[u8]) -> Result<Vec<u8>, String> {
    let mut unpacker = PlainUnpacker::new().map_err(|e| e.to_string())?;
    unpacker.unpack(frame)?;
    Ok(unpacker.buffer)
}

fn unpack_with(
    decompressor: &mut Decompressor<'static>,
    frame: &[u8],
    output: &mut Vec<u8>,
) -> Result<(), String> {
    let size = match zstd::zstd_safe::get_frame_content_size(frame) {
        Ok(Some(size)) if size <= MAX_VALUE_BYTES => size as usize,
        Ok(Some(size)) => return Err(format!("compressed value claims {size} bytes")),
        Ok(None) | Err(_) => return Err("corrupt compressed value: no content size".to_owned()),
    };
    output.clear();
    output.reserve(size);
    let written = decompressor
        .decompress_to_buffer(frame, output)
        .map_err(|e| format!("corrupt compressed value: {e}"))?;
    if written != size {
        return Err(format!(
            "corrupt compressed value: {written} bytes, header says {size}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Vec<u8>> {
        (0..200)
            .map(|i| {
                format!(
                    r#"{{"package":{{"purl":"pkg:deb/debian/pkg{i}?arch=source"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{i}-1"}}]}}],"database_specific":{{"source":"https://storage.googleapis.com/cve-osv-conversion/osv-output/CVE-2024-{i}.json"}}}}"#
                )
                .into_bytes()
            })
            .collect()
    }

    #[test]
    fn dictionary_round_trips_and_shrinks() {
        let samples = samples();
        let dictionary = train(&samples).expect("dictionary trains on 200 samples");
        let mut with = Packer::new(Some(&dictionary)).unwrap();
        let mut without = Packer::new(None).unwrap();
        let value = &samples[7];

        let packed = with.pack(value).unwrap();
        let plain = without.pack(value).unwrap();
        assert!(
            packed.len() < plain.len() / 2,
            "{} vs {}",
            packed.len(),
            plain.len()
        );

        let mut unpackers = Unpackers::default();
        unpackers
            .insert(1, DictionaryKind::Entry, Some(&dictionary))
            .unwrap();
        let mut output = Vec::new();
        unpackers
            .unpack_into(1, DictionaryKind::Entry, &packed, &mut output)
            .unwrap();
        assert_eq!(&output, value);
        assert_eq!(&unpack_plain(&plain).unwrap(), value);
    }

    #[test]
    fn too_few_samples_train_nothing() {
        assert!(train(&samples()[..10]).is_none());
    }

    #[test]
    fn corrupt_frame_is_an_error() {
        assert!(unpack_plain(&[0x28, 0xb5, 0x2f, 0xfd, 0xff]).is_err());
        assert!(unpack_plain(b"not zstd").is_err());
    }
}
