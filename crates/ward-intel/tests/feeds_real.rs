//! Real-data tests of the feed parsers against the staged public snapshots.

use std::collections::BTreeMap;
use std::path::PathBuf;

use flate2::read::GzDecoder;
use ward_intel::feeds::nvd::{self, NvdCve};
use ward_intel::feeds::RecordError;
use ward_intel::feeds::{alpine, anchore, cve5, pypa, rustsec};

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

fn data(path: &str) -> PathBuf {
    shared_dir().join("data").join(path)
}

fn read_nvd(path: &str) -> (nvd::FeedHeader, Vec<NvdCve>, Vec<RecordError>) {
    let file = fs_err::File::open(data(path)).expect("open staged NVD file");
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let header = nvd::parse_feed(GzDecoder::new(file), |result| match result {
        Ok(cve) => records.push(cve),
        Err(error) => errors.push(error),
    })
    .expect("NVD file parses");
    (header, records, errors)
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn nvd_modified_window_counts() {
    let (header, records, errors) = read_nvd("nvd/nvdcve-2.0-modified-2024-10-25.json.gz");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(header.total_results, Some(2393));
    assert_eq!(records.len(), 2393);

    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for cve in &records {
        *statuses.entry(cve.status.to_string()).or_default() += 1;
    }
    let expected = [
        ("Analyzed", 1005),
        ("Awaiting Analysis", 596),
        ("Modified", 569),
        ("Received", 203),
        ("Rejected", 12),
        ("Undergoing Analysis", 8),
    ];
    for (status, count) in expected {
        assert_eq!(
            statuses.get(status).copied(),
            Some(count),
            "status {status}"
        );
    }
    assert_eq!(records.iter().filter(|cve| cve.is_rejected()).count(), 12);

    let with_v31 = records
        .iter()
        .filter(|cve| {
            cve.metrics
                .iter()
                .any(|metric| metric.version == ward_intel::cvss::CvssVersion::V3_1)
        })
        .count();
    assert_eq!(with_v31, 1624, "records with CVSS v3.1");
    let with_configurations = records
        .iter()
        .filter(|cve| !cve.configurations.is_empty())
        .count();
    assert_eq!(with_configurations, 1575, "records with configurations");
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn nvd_files_parse_without_errors() {
    let expected = [
        ("nvd/nvdcve-2.0-modified-2024-07-18.json.gz", 1614),
        ("nvd/nvdcve-2.0-2016.json.gz", 6517),
        ("nvd/kev-subset-nvdcve-2.0.json.gz", 322),
    ];
    for (path, count) in expected {
        let (_, records, errors) = read_nvd(path);
        assert!(errors.is_empty(), "{path}: {errors:?}");
        assert_eq!(records.len(), count, "{path}");
    }

    let (_, kev_records, _) = read_nvd("nvd/kev-subset-nvdcve-2.0.json.gz");
    let with_configurations = kev_records
        .iter()
        .filter(|cve| !cve.configurations.is_empty())
        .count();
    assert_eq!(
        with_configurations, 313,
        "KEV subset records with configurations"
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn cve5_vulnrichment_counts() {
    let file = fs_err::File::open(data("cve5/vulnrichment-kev-and-2024-10.zip")).expect("open zip");
    let mut records = Vec::new();
    let mut errors = Vec::new();
    cve5::parse_zip(file, |result| match result {
        Ok(record) => records.push(record),
        Err(error) => errors.push(error),
    })
    .expect("zip opens");

    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 2982);
    assert_eq!(
        records.iter().filter(|record| record.is_rejected()).count(),
        7
    );

    let cisa: Vec<&cve5::Container> = records
        .iter()
        .filter_map(|record| record.cisa_adp())
        .collect();
    assert_eq!(cisa.len(), 2975, "records with a CISA ADP container");
    assert_eq!(
        cisa.iter().filter(|adp| adp.ssvc.is_some()).count(),
        2975,
        "SSVC"
    );
    assert_eq!(
        cisa.iter().filter(|adp| adp.kev.is_some()).count(),
        222,
        "KEV markers"
    );
    assert_eq!(
        cisa.iter().map(|adp| adp.metrics.len()).sum::<usize>(),
        432,
        "ADP CVSS entries"
    );

    let pan_os = records
        .iter()
        .find(|record| record.id == "CVE-2024-3400")
        .expect("CVE-2024-3400 is staged");
    let ssvc = pan_os
        .cisa_adp()
        .and_then(|adp| adp.ssvc.clone())
        .expect("SSVC");
    assert_eq!(ssvc.exploitation.as_deref(), Some("active"));
    assert_eq!(ssvc.automatable.as_deref(), Some("yes"));
    assert_eq!(ssvc.technical_impact.as_deref(), Some("total"));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn alpine_secdb_counts() {
    let mut secdb = alpine::AlpineSecdb::new();
    let mut files = 0;
    let mut items = 0;
    for branch in fs_err::read_dir(data("alpine-secdb")).expect("read secdb directory") {
        let branch = branch.expect("directory entry").path();
        for file in fs_err::read_dir(&branch).expect("read branch directory") {
            let path = file.expect("directory entry").path();
            let bytes = fs_err::read(&path).expect("read secdb file");
            let parsed = alpine::parse_file(&bytes, &path.display().to_string())
                .unwrap_or_else(|error| panic!("{error}"));
            items += parsed.fixes.len();
            files += 1;
            secdb.add(parsed);
        }
    }
    assert_eq!(files, 41);
    assert_eq!(items, 85277, "secfixes items");

    let (advisories, errors) = secdb.into_advisories();
    assert!(errors.is_empty(), "{errors:?}");
    // Items that name no CVE first (`GNUTLS-SA-2020-03-31 CVE-2020-11501`), the bare word
    // `CVE` of `CVE N/A ZBX-11023` and `CVE_2019-2426` count under the CVE or id they name.
    assert_eq!(advisories.len(), 7713, "one advisory per id");
    for advisory in &advisories {
        assert_ne!(advisory.id, "ALPINE-CVE");
        assert!(!advisory.id.contains("CVE_"), "{}", advisory.id);
    }
    let entries: usize = advisories
        .iter()
        .map(|advisory| advisory.affected.len())
        .sum();
    assert_eq!(entries, 84990, "one entry per (id, branch, package)");

    let advisory = advisories
        .iter()
        .find(|advisory| advisory.id == "ALPINE-CVE-2024-5535")
        .expect("CVE-2024-5535 is listed");
    let openssl = advisory
        .affected
        .iter()
        .find(|entry| entry.ecosystem == "Alpine:v3.20" && entry.package == "openssl")
        .expect("openssl on v3.20");
    assert_eq!(
        openssl.ranges[0].events[1],
        ward_version::range::Event::Fixed("3.3.1-r1".to_owned())
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn anchore_overrides_counts() {
    let file =
        fs_err::File::open(data("nvd/anchore-nvd-data-overrides.tar.gz")).expect("open tar.gz");
    let mut records = Vec::new();
    let mut errors = Vec::new();
    anchore::parse_tar_gz(file, |result| match result {
        Ok(record) => records.push(record),
        Err(error) => errors.push(error),
    })
    .expect("tar.gz reads");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 32184);
    assert!(records
        .iter()
        .all(|record| record.cve_id.starts_with("CVE-")));
    let with_vulnerable = records
        .iter()
        .filter(|record| {
            record.configurations.iter().any(|configuration| {
                configuration
                    .nodes
                    .iter()
                    .any(|node| node.cpe_match.iter().any(|cpe| cpe.vulnerable))
            })
        })
        .count();
    assert!(
        with_vulnerable > 30_000,
        "{with_vulnerable} overrides name a vulnerable CPE"
    );
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn pypa_advisories_parse() {
    let file =
        fs_err::File::open(data("advisory-db/pypa-advisory-database.zip")).expect("open zip");
    let mut advisories = Vec::new();
    let mut errors = Vec::new();
    pypa::parse_zip(file, |result| match result {
        Ok(advisory) => advisories.push(advisory),
        Err(error) => errors.push(error),
    })
    .expect("zip opens");
    println!(
        "PyPA: {} advisories, {} errors",
        advisories.len(),
        errors.len()
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(advisories.len(), 2661);
    assert!(advisories
        .iter()
        .all(|advisory| advisory.id.starts_with("PYSEC-")));
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn rustsec_advisories_parse() {
    let file = fs_err::File::open(data("advisory-db/rustsec-advisory-db.zip")).expect("open zip");
    let mut advisories = Vec::new();
    let mut errors = Vec::new();
    rustsec::parse_zip(file, |result| match result {
        Ok(advisory) => advisories.push(advisory),
        Err(error) => errors.push(error),
    })
    .expect("zip opens");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(advisories.len(), 1205);

    let conversion_errors: Vec<RecordError> = advisories
        .iter()
        .filter_map(|advisory| advisory.to_advisory().err())
        .collect();
    println!(
        "RustSec: {} advisories, {} withdrawn, {} informational, {} not convertible",
        advisories.len(),
        advisories
            .iter()
            .filter(|advisory| advisory.withdrawn.is_some())
            .count(),
        advisories
            .iter()
            .filter(|advisory| advisory.informational.is_some())
            .count(),
        conversion_errors.len()
    );
    for error in &conversion_errors {
        println!("  {error}");
    }
    // RUSTSEC-2020-0055 lists `> 0`, a partial version with no single successor.
    assert_eq!(conversion_errors.len(), 1, "{conversion_errors:?}");

    let hyper = advisories
        .iter()
        .find(|advisory| advisory.id == "RUSTSEC-2021-0079")
        .expect("RUSTSEC-2021-0079 is staged");
    assert_eq!(hyper.package, "hyper");
    assert_eq!(hyper.patched, vec![">= 0.14.10".to_owned()]);
}
