//! Scores every CVSS vector of the staged NVD CVE API 2.0 files and compares the result
//! with the `baseScore` NVD states next to it.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use flate2::read::GzDecoder;
use serde_json::Value;
use ward_intel::cvss::{CvssVector, CvssVersion};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

fn nvd_files() -> Vec<PathBuf> {
    let dir = shared_dir().join("data/nvd");
    let mut files: Vec<PathBuf> = fs_err::read_dir(&dir)
        .expect("read the staged NVD directory")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    files
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn nvd_base_scores_match() {
    let mut checked: BTreeMap<CvssVersion, usize> = BTreeMap::new();
    let mut mismatches = Vec::new();

    for path in nvd_files() {
        let mut text = String::new();
        GzDecoder::new(fs_err::File::open(&path).expect("open NVD file"))
            .read_to_string(&mut text)
            .expect("decompress NVD file");
        let page: Value = serde_json::from_str(&text).expect("NVD file is JSON");
        let vulnerabilities = page["vulnerabilities"].as_array().expect("vulnerabilities");

        for item in vulnerabilities {
            let cve = &item["cve"];
            let id = cve["id"].as_str().unwrap_or("?");
            let Some(metrics) = cve["metrics"].as_object() else {
                continue;
            };
            for (key, entries) in metrics {
                for entry in entries.as_array().into_iter().flatten() {
                    let data = &entry["cvssData"];
                    let (Some(vector), Some(stated)) =
                        (data["vectorString"].as_str(), data["baseScore"].as_f64())
                    else {
                        continue;
                    };
                    let parsed: CvssVector = match vector.parse() {
                        Ok(parsed) => parsed,
                        Err(error) => {
                            mismatches.push(format!("{id} {key} `{vector}`: {error}"));
                            continue;
                        }
                    };
                    let expected_version = match key.as_str() {
                        "cvssMetricV2" => CvssVersion::V2_0,
                        "cvssMetricV30" => CvssVersion::V3_0,
                        "cvssMetricV31" => CvssVersion::V3_1,
                        "cvssMetricV40" => CvssVersion::V4_0,
                        _ => continue,
                    };
                    if parsed.version() != expected_version {
                        mismatches.push(format!(
                            "{id} {key} `{vector}`: parsed as {}",
                            parsed.version()
                        ));
                    }
                    let score = parsed.score();
                    // NVD's v4.0 `baseScore` is the score of the vector as given, which
                    // includes any threat or environmental metric the CNA set.
                    let computed = match expected_version {
                        CvssVersion::V4_0 => score.value,
                        _ => score.base,
                    };
                    if computed != stated {
                        mismatches.push(format!(
                            "{id} {key} `{vector}`: computed {computed}, NVD states {stated}"
                        ));
                    }
                    *checked.entry(expected_version).or_default() += 1;
                }
            }
        }
    }

    println!("vectors checked per version: {checked:?}");
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    for version in [
        CvssVersion::V2_0,
        CvssVersion::V3_0,
        CvssVersion::V3_1,
        CvssVersion::V4_0,
    ] {
        assert!(
            checked.get(&version).copied().unwrap_or(0) > 0,
            "no {version} vector was checked"
        );
    }
}
