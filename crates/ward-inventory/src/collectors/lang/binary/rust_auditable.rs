//! `cargo auditable` data (<https://github.com/rust-secure-code/cargo-auditable>): the
//! `.dep-v0` section holds zlib-compressed JSON, `{"packages": [{"name", "version",
//! "source", "kind", "root"}]}`. Packages whose `source` is `local` are workspace code and are
//! skipped.

use std::io::Read;

use serde::Deserialize;

use crate::collectors::lang::{Ecosystem, Package};

/// Upper bound on the decompressed JSON, so that a crafted section cannot exhaust memory.
const MAX_JSON_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<AuditablePackage>,
}

#[derive(Deserialize)]
struct AuditablePackage {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
}

pub(crate) fn parse(compressed: &[u8]) -> Result<Vec<Package>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_JSON_BYTES)
        .read_to_end(&mut json)
        .map_err(|error| format!("cannot decompress: {error}"))?;
    let info: VersionInfo = serde_json::from_slice(&json).map_err(|error| error.to_string())?;
    Ok(info
        .packages
        .into_iter()
        .filter(|package| package.source.as_deref() != Some("local"))
        .map(|package| Package::new(Ecosystem::CratesIo, &package.name, &package.version))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn auditable_json_round_trip() {
        let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","root":true},{"name":"serde","version":"1.0.200","source":"crates.io","kind":"runtime"}]}"#;
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(json).expect("compress");
        let compressed = encoder.finish().expect("compress");
        let packages = parse(&compressed).expect("valid data");
        assert_eq!(packages.len(), 1);
        assert_eq!(packages[0].name, "serde");
        assert_eq!(packages[0].version, "1.0.200");
    }
}
